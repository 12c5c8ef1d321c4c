"""HTML to PDF with WeasyPrint, never touching the network: the programme booklet
(transfer/booklet.py) and the mission report (outcomes/report_views.py).

Names, descriptions and summaries in these documents are typed by people. Whatever a page
asks for, the fetcher answers only our static files (found by the static files finders)
under `<base_url>static/`, and `data:` URIs where the caller allows them (the booklet's QR
code); http(s) elsewhere, file:// and paths with `..` are refused, so printing can neither
leak the server's files nor wait on a remote host.

WeasyPrint loads pango when imported: it is imported on first use, so that starting the app
and pages that print nothing never pay for it.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders


def static_prefix(base_url: str) -> str:
    return base_url + settings.STATIC_URL.lstrip("/")


def static_only_fetcher(base_url: str, *, allow_data: bool = False):
    """A WeasyPrint URL fetcher for documents rendered at `base_url` (a host that does not
    exist, e.g. "https://booklet.invalid/")."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    prefix = static_prefix(base_url)

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if allow_data and url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(prefix):
                relative = url[len(prefix) :].split("?", 1)[0].split("#", 1)[0]
                found = finders.find(relative) if ".." not in relative.split("/") else None
                if found:
                    body = Path(found).read_bytes()
                    kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body, {"Content-Type": kind})
            raise ValueError(f"Refused to fetch {url[:80]!r}: only our static files.")

    protocols = {"data", "https"} if allow_data else {"https"}
    return StaticOnlyFetcher(allowed_protocols=protocols, allow_redirects=False)


def html_to_pdf(
    html: str,
    *,
    base_url: str,
    stylesheets: tuple[str, ...] | list[str] = (),
    css: tuple[str, ...] = (),
    allow_data: bool = False,
) -> bytes:
    """`stylesheets`: paths under the static files ("css/report.css"); `css`: CSS text made
    in Python (e.g. a translated page footer)."""
    from weasyprint import CSS, HTML

    fetcher = static_only_fetcher(base_url, allow_data=allow_data)
    prefix = static_prefix(base_url)
    sheets = [CSS(url=prefix + path, url_fetcher=fetcher) for path in stylesheets]
    sheets += [CSS(string=text, url_fetcher=fetcher) for text in css]
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=sheets)
