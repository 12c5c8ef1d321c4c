"""History pages and restoring what was deleted.

A mission's history and its deleted meetings are mission-scoped data: only its coordinators
and superusers reach them (get_mission_for_user, 404 for anyone else). A deleted mission
can be restored by a superuser or by whoever coordinated it when it was deleted.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from meetings.history import MISSION_HISTORY_LIMIT, mission_history
from meetings.services import (
    deleted_meetings,
    deleted_missions,
    meeting_restore,
    mission_restore,
)
from missions.history import user_label
from missions.localtime import zone_city
from missions.models import Venue
from missions.services import mission_delete
from missions.views import get_mission_for_user


def _say_lost(request, lost: list[str]) -> None:
    for line in lost:
        messages.warning(request, line)


@login_required
@require_safe
def mission_history_view(request, slug: str):
    mission = get_mission_for_user(request, slug)
    context = {
        "mission": mission,
        "entries": mission_history(mission),
        "limit": MISSION_HISTORY_LIMIT,
        "home_label": zone_city(mission.home_timezone),
    }
    return render(request, "missions/history.html", context)


@login_required
@require_safe
def deleted_meetings_view(request, slug: str):
    mission = get_mission_for_user(request, slug)
    records = deleted_meetings(mission)
    venues = dict(
        Venue.objects.filter(pk__in={r.venue_id for r in records if r.venue_id}).values_list(
            "pk", "name"
        )
    )
    for record in records:
        record.who = user_label(record.history_user)
    rows = [(record, venues.get(record.venue_id, "")) for record in records]
    return render(request, "meetings/deleted.html", {"mission": mission, "rows": rows})


@login_required
@require_POST
def meeting_restore_view(request, slug: str, history_id: int):
    mission = get_mission_for_user(request, slug)
    record = next((r for r in deleted_meetings(mission) if r.history_id == history_id), None)
    if record is None:
        raise Http404
    try:
        meeting, lost = meeting_restore(mission=mission, deleted=record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("meetings:deleted", mission.slug)
    messages.success(
        request,
        _("“%(title)s” is back, in the agenda and in calendars.") % {"title": meeting.title},
    )
    _say_lost(request, lost)
    return redirect("meetings:edit", mission.slug, meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def mission_delete_view(request, slug: str):
    mission = get_mission_for_user(request, slug)
    if request.method == "POST":
        title = mission.title
        mission_delete(mission=mission)
        messages.success(
            request,
            _("“%(title)s” deleted. You can restore it below, under “Recently deleted”.")
            % {"title": title},
        )
        return redirect("missions:list")
    context = {
        "mission": mission,
        "meetings": list(mission.meetings.order_by("start").only("title")),
        "members": list(mission.members.with_people()),
        "venues": list(mission.venues.only("name")),
    }
    return render(request, "missions/delete.html", context)


@login_required
@require_POST
def mission_restore_view(request, history_id: int):
    record = next((r for r in deleted_missions(request.user) if r.history_id == history_id), None)
    if record is None:
        raise Http404
    try:
        mission, lost = mission_restore(deleted=record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("missions:list")
    messages.success(
        request,
        _("“%(title)s” is back with its venues, delegation and meetings.")
        % {"title": mission.title},
    )
    _say_lost(request, lost)
    return redirect("meetings:agenda", mission.slug)
