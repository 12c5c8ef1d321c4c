"""Template helpers for the agenda, where 300 rows make every per-row cost count."""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.timezone import template_localtime

from meetings.agenda_rows import next_day_html

register = template.Library()

_PLACEHOLDER = "2147483647"


@lru_cache(maxsize=256)
def _pattern(name: str, slug: str, prefix: str) -> str:
    return reverse(f"meetings:{name}", args=[slug, int(_PLACEHOLDER)])


@register.filter
def meeting_url(meeting, name: str) -> str:
    """{{ meeting|meeting_url:"edit" }}: reverse() once per page, not five times per row."""
    return _pattern(name, meeting.mission.slug, get_script_prefix()).replace(
        f"/{_PLACEHOLDER}/", f"/{meeting.pk}/"
    )


@register.simple_tag(takes_context=True)
def next_day_marker(context, start, end) -> str:
    """ " (+1 day)" after a time range whose end falls on a later day than its start.

    Both ends in the zone the template shows them in: the active one ({% timezone %}) when
    localtime is on, as given when it is off (the delegate page converts them itself).
    """
    if start is None or end is None:
        return ""
    return next_day_html(
        template_localtime(start, context.use_tz), template_localtime(end, context.use_tz)
    )
