"""Every absolute link the project gives out: one rule, one place.

A link that leaves the page (the roster's copy fields, the e-mail to a delegate, the delegate
page's subscribe button, copy field and QR code, the feeds' own URL and DESCRIPTION links,
`export_ics`) is `settings.SITE_URL` + the path, never the request's host: an e-mail or a
calendar subscription outlives the request, and a proxy or a LAN address seen by the
coordinator's browser is not what a delegate's phone can reach. `make run` sets SITE_URL to
http://HOST:PORT, so `make run PORT=8101` gives links to port 8101.
"""

from django.conf import settings


def absolute(path: str) -> str:
    """`path` ("/d/<token>/") on the site's public address."""
    return settings.SITE_URL.rstrip("/") + path


def webcal(https_url: str) -> str:
    """The same address for calendar apps: one tap subscribes (Apple, Outlook)."""
    return "webcal://" + https_url.split("://", 1)[1]
