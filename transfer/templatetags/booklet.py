"""{{ day|booklet_date:"l j F Y" }}: dates as the booklet prints them.

Django's Italian catalogue capitalises day and month names ("Martedì 22 Aprile"); Italian
writes them in lower case ("martedì 22 aprile 2025"), and a printed programme should too.
Headings capitalise the first letter themselves (|capfirst).
"""

from datetime import date

from django import template
from django.utils import formats, translation

register = template.Library()

# Languages whose day and month names are common nouns, written in lower case.
LOWER_CASE_NAMES = {"it"}


@register.filter
def booklet_date(value: date | None, fmt: str = "j F Y") -> str:
    if value is None:
        return ""
    text = formats.date_format(value, fmt)
    if translation.get_language() in LOWER_CASE_NAMES:
        return text.lower()
    return text
