"""{% date_range mission.start_date mission.end_date %}: a mission's days, in one place.

"22 Apr–24 Apr 2025" within a year; "20 Dec 2026–5 Jan 2027" across New Year (the year only
at the end would say 20 December 2027).
"""

from datetime import date

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def date_range(start: date | None, end: date | None) -> str:
    if start is None or end is None:
        return ""
    first = "j M Y" if start.year != end.year else "j M"
    return format_html(
        '<time datetime="{}">{}</time>–<time datetime="{}">{}</time>',
        start.isoformat(),
        date_format(start, first),
        end.isoformat(),
        date_format(end, "j M Y"),
    )
