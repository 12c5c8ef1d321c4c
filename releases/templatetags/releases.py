from django import template
from django.utils.formats import date_format

from missions.localtime import zone_city
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


@register.simple_tag
def published_when(version, mission) -> str:
    """“22 Apr 2025 15:02 (Rome)”: in the coordinators' home zone, which it names."""
    moment = version.published_at.astimezone(mission.home_tz)
    return f"{date_format(moment, 'j M Y H:i')} ({zone_city(mission.home_timezone)})"
