"""The start page's "Your open follow-ups" card, as a tag: the missions list (meetings/) shows
it with one {% your_follow_ups %} and never imports outcomes/, which sits above it."""

from django import template

from outcomes.selectors import agency_today, my_open_follow_ups

register = template.Library()


@register.inclusion_tag("outcomes/includes/your_follow_ups.html", takes_context=True)
def your_follow_ups(context) -> dict:
    """One query: at most five rows, overdue first, and how many there are."""
    user = context["request"].user
    today = agency_today()
    rows, total = my_open_follow_ups(user, today)
    return {"rows": rows, "total": total, "today": today}
