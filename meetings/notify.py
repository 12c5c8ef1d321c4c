"""E-mailing delegates their personal links (Django's e-mail: console by default, SMTP via env)."""

from email.utils import formataddr

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from delegations.models import DelegationMember
from meetings import calendars


def member_links(member: DelegationMember) -> dict[str, str]:
    """The personal page, the feed (https) and the same feed for calendar apps (webcal)."""
    feed = calendars.delegate_feed_url(member)
    return {
        "page_url": calendars.delegate_page_url(member),
        "feed_url": feed,
        "webcal_url": calendars.webcal_url(feed),
    }


def recipient(person) -> str:
    """`"Rossi, Mario" <mario@example.org>`: quoted or encoded so any name works, on one line
    even if a name with a line break was stored before names were checked."""
    name = " ".join("".join(c if c.isprintable() else " " for c in person.full_name).split())
    return formataddr((name, person.email))


def links_subject(member: DelegationMember) -> str:
    """The subject line of the links e-mail, in the delegate's language (for the preview)."""
    with translation.override(member.person.preferred_language):
        subject = render_to_string("meetings/email/links_subject.txt", {"mission": member.mission})
    return " ".join(subject.split())


def member_send_links(*, member: DelegationMember) -> None:
    """Send a delegate their personal page and calendar links, in their preferred language.

    Raises ValidationError when the person has no e-mail address.
    """
    person = member.person
    if not person.email:
        raise ValidationError(
            _("%(name)s has no e-mail address.") % {"name": person.full_name}, code="no_email"
        )
    context = {
        "member": member,
        "person": person,
        "mission": member.mission,
        **member_links(member),
    }
    with translation.override(person.preferred_language):
        text = render_to_string("meetings/email/links.txt", context)
        html = render_to_string("meetings/email/links.html", context)
    message = EmailMultiAlternatives(
        subject=links_subject(member), body=text, to=[recipient(person)]
    )
    message.attach_alternative(html, "text/html")
    message.send()
