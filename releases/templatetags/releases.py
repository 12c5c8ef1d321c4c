from django import template

from releases.models import ProgrammeVersion

register = template.Library()


@register.inclusion_tag("releases/includes/programme_bar.html")
def programme_bar(mission) -> dict:
    """What waits to be published, on every page of a mission: one query."""
    latest = ProgrammeVersion.objects.filter(mission=mission).with_pending().order_by("-number")
    version = latest.first()
    return {
        "mission": mission,
        "version": version,
        "pending": version.pending if version is not None else None,
    }
