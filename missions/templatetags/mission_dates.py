"""{% date_range mission.start_date mission.end_date %}: a mission's days, in one place.

Short, and never ambiguous: "5 May 2025", "22–24 Apr 2025", "30 Apr–2 May 2025", and both
years across New Year, "30 Dec 2026–2 Jan 2027" (the year only at the end would say December
2027).
"""

from datetime import date

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html

register = template.Library()


def _time(day: date, fmt: str) -> str:
    return format_html('<time datetime="{}">{}</time>', day.isoformat(), date_format(day, fmt))


@register.simple_tag
def date_range(start: date | None, end: date | None) -> str:
    if start is None or end is None:
        return ""
    if start == end:
        return _time(start, "j M Y")
    if start.year != end.year:
        first = "j M Y"
    elif start.month != end.month:
        first = "j M"
    else:
        first = "j"
    return format_html("{}–{}", _time(start, first), _time(end, "j M Y"))
