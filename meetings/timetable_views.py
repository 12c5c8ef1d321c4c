"""The timetable page and the move endpoint its script posts to (static/js/timetable.js).

Thin views: the mission through get_mission_for_user (404 for anyone else), the meeting
through the mission, a form for the posted values, meetings.timetable.move_meeting for the
write. The move answers JSON: a message for the live region and the block, and the
timetable redrawn (`html`) whenever what is stored changed or was changed by somebody else.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from meetings.forms import AgendaFilterForm
from meetings.models import MAX_MEETING_DAYS, Meeting
from meetings.planning import mission_agenda
from meetings.timetable import DAY_MINUTES, DAYS_PER_PAGE, build_timetable, move_meeting
from missions.concurrency import EditConflict, last_saved_by, when_text
from missions.localtime import zone_city
from missions.views import get_mission_for_user

GRID = "meetings/includes/timetable_grid.html"


class MeetingMoveForm(forms.Form):
    """What a drop (or the keyboard) sends: where, how long, and the version it was shown at."""

    day = forms.DateField(input_formats=["%Y-%m-%d"])
    start = forms.TimeField(input_formats=["%H:%M"])
    duration = forms.IntegerField(
        min_value=5,
        max_value=MAX_MEETING_DAYS * DAY_MINUTES,
        error_messages={
            "min_value": gettext_lazy("A meeting lasts at least 5 minutes."),
            "max_value": gettext_lazy("A meeting lasts at most 7 days."),
        },
    )
    version = forms.IntegerField(
        min_value=1,
        max_value=2_147_483_647,
        error_messages={
            "required": gettext_lazy("This page is out of date: reload it and try again."),
            "invalid": gettext_lazy("This page is out of date: reload it and try again."),
        },
    )


def _page(params) -> int:
    raw = (params.get("page") or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 5 else 1


def _timetable_context(request, mission, params: QueryDict) -> dict:
    """`params`: the page's query string (filters as on the agenda, and the page of days)."""
    agenda = mission_agenda(mission)
    filters = AgendaFilterForm(params or None, members=agenda.members, partners=agenda.partners())
    shown = filters.apply(agenda.meetings)
    kept = params.copy()
    kept.pop("page", None)
    return {
        "mission": mission,
        "agenda": agenda,
        "filters": filters,
        "filtering": bool(filters.selected()),
        "query": kept.urlencode(),  # the filters, for the links to other pages of days
        "timetable": build_timetable(agenda, shown, page=_page(params)),
        "home_label": zone_city(mission.home_timezone),
        "local_label": zone_city(mission.timezone),
    }


def timetable_url_for(meeting: Meeting) -> str:
    """The timetable's page of days showing `meeting`, scrolled to its block: where a meeting
    created from a free slot sends the coordinator back to."""
    mission, tz = meeting.mission, meeting.mission.tz
    # The timetable's columns as Agenda.days() lays them out: every mission day plus any day
    # a meeting strays to; one query of start times, no agenda to build.
    starts = Meeting.objects.filter(mission=mission).values_list("start", flat=True)
    days = sorted(set(mission.days()) | {start.astimezone(tz).date() for start in starts})
    day = meeting.start.astimezone(tz).date()
    page = days.index(day) // DAYS_PER_PAGE + 1 if day in days else 1
    url = reverse("meetings:timetable", args=[mission.slug])
    return (
        f"{url}?page={page}#tt-meeting-{meeting.pk}"
        if page > 1
        else f"{url}#tt-meeting-{meeting.pk}"
    )


@login_required
@require_GET
def timetable(request, slug: str):
    mission = get_mission_for_user(request, slug)
    context = _timetable_context(request, mission, request.GET)
    if request.htmx:
        return render(request, GRID, context)
    return render(request, "meetings/timetable.html", {**context, "tab": "timetable"})


def _span(meeting: Meeting) -> str:
    start, end = meeting.local_start, meeting.local_end
    text = formats.date_format(start, "D j M H:i") + "–" + formats.date_format(end, "H:i")
    if end.date() != start.date():
        text += " (" + formats.date_format(end, "D j M") + ")"
    return text


def _answer(request, mission, status: int, message: str, *, redraw: bool, **extra):
    data = {"ok": status == 200, "message": message, **extra}
    if redraw:
        # Redrawn as the page shows it: its filters and page of days come along as `query`.
        params = QueryDict((request.POST.get("query") or "")[:2000])
        context = _timetable_context(request, mission, params)
        data["html"] = render_to_string(GRID, context, request)
    return JsonResponse(data, status=status)


@login_required
@require_POST
def meeting_move(request, slug: str, pk: int):
    mission = get_mission_for_user(request, slug)
    meeting = get_object_or_404(Meeting.objects.filter(mission=mission), pk=pk)
    meeting.mission = mission
    form = MeetingMoveForm(request.POST)
    if not form.is_valid():
        messages = [str(e) for errors in form.errors.values() for e in errors]
        return _answer(request, mission, 400, " ".join(messages), redraw=False)
    data = form.cleaned_data
    try:
        moved = move_meeting(
            meeting=meeting,
            day=data["day"],
            start=data["start"],
            duration_min=data["duration"],
            expected_version=data["version"],
        )
    except EditConflict as error:
        if error.current is None:
            return _answer(
                request, mission, 404, _("This meeting was deleted meanwhile."), redraw=True
            )
        who, when = last_saved_by(error.current)
        message = _(
            "%(who)s changed “%(title)s” at %(when)s, after this page was loaded: the "
            "timetable now shows it as saved. Move it again if you still want to."
        ) % {"who": who, "title": error.current.title, "when": when_text(when, mission.home_tz)}
        return _answer(request, mission, 409, message, redraw=True)
    except ValidationError as error:
        # Start and end refused for the same reason say it once.
        message = " ".join(dict.fromkeys(error.messages))
        return _answer(request, mission, 400, message, redraw=False)
    message = _("“%(title)s” moved to %(when)s.") % {"title": moved.title, "when": _span(moved)}
    if moved.attendees.exists():
        # Delegates see the published version only (releases).
        message += " " + _("Attendees' calendars will update when you publish the changes.")
    return _answer(request, mission, 200, message, redraw=True, version=moved.version)
