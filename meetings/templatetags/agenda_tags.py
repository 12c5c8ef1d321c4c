"""{% agenda_rows day.items %}: a day's meeting rows, rendered by meetings/agenda_rows.py."""

from django import template

from meetings.agenda_rows import render_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def agenda_rows(context, items):
    return render_rows(
        items,
        mission=context["mission"],
        delegate=context.get("delegate"),
        home_label=context.get("home_label", ""),
    )
