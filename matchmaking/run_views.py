"""The coordinators' run pages: "Schedule" and its results, the hall plan, and during the
event "no-show" and "reschedule into a free slot".

Thin views: the mission through get_mission_for_user (404 for other coordinators' missions),
the session through it -> form -> service (matchmaking/scheduling.py) -> redirect. The POST
of "Schedule" runs the solver synchronously (at most the session's time limit, 120 s at
most): a double-click cannot write twice (schedule_run's row lock and fingerprint).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from matchmaking.hall_plan import (
    hall_plan,
    idle_quality,
    left_out,
    run_notes,
    run_quality,
    run_summary,
)
from matchmaking.models import MeetingRequest, ScheduleRun, Session
from matchmaking.run_forms import RescheduleForm, RunForm
from matchmaking.scheduling import (
    meeting_no_show,
    meeting_reschedule,
    reschedule_options,
    schedule_run,
    session_meeting,
)
from meetings.clashes import MissionWindow, find_clashes, slot_from_meeting, stay_from_member
from meetings.models import Meeting
from missions.concurrency import EditConflict
from missions.localtime import zone_city
from missions.models import Mission
from missions.views import add_service_errors, get_mission_for_user
from releases.models import ProgrammeVersion
from releases.services import pending_changes

EARLIER_RUNS = 20


def _get_session(request, slug: str, pk: int) -> Session:
    mission = get_mission_for_user(request, slug)
    session = get_object_or_404(
        Session.objects.filter(mission=mission).select_related("hall"), pk=pk
    )
    session.mission = mission
    return session


def _can_edit(request, session: Session) -> bool:
    return Mission.objects.editable_by(request.user).filter(pk=session.mission_id).exists()


def _session_warnings(session: Session) -> list[tuple[Meeting, list]]:
    """Clash warnings (meetings.clashes over the whole mission, as for any meeting) that
    involve the session's meetings. Two meetings at two tables of the session's hall are
    not "too far apart": those buffer warnings are left out."""
    mission = session.mission
    mine = set(
        MeetingRequest.objects.filter(session=session, meeting__isnull=False).values_list(
            "meeting", flat=True
        )
    )
    if not mine:
        return []
    meetings = list(
        Meeting.objects.filter(mission=mission)
        .select_related("venue")
        .prefetch_related("attendees")
        .order_by("start", "pk")
    )
    members = mission.members.select_related("person")
    warnings = find_clashes(
        MissionWindow.of(mission),
        [slot_from_meeting(m) for m in meetings],
        [stay_from_member(m) for m in members],
    )
    shown = []
    for meeting in meetings:
        if meeting.pk not in mine:
            continue
        meeting.mission = mission
        found = [
            w
            for w in warnings.get(meeting.pk, [])
            if not (w.code == "tight_buffer" and w.other_key in mine)
        ]
        if found:
            shown.append((meeting, found))
    return shown


def _render_run(request, session: Session, form: RunForm, status: int = 200):
    mission = session.mission
    runs = list(
        ScheduleRun.objects.filter(session=session).select_related("created_by")[:EARLIER_RUNS]
    )
    latest = runs[0] if runs else None
    accepted = MeetingRequest.objects.filter(
        session=session, status=MeetingRequest.Status.ACCEPTED
    ).values_list("requester", "requested")
    return render(
        request,
        "matchmaking/run/run.html",
        {
            "mission": mission,
            "session": session,
            "form": form,
            "can_edit": _can_edit(request, session),
            "latest": latest,
            "summary": run_summary(latest) if latest else "",
            "quality": run_quality(latest) if latest else "",
            "idle_quality": idle_quality(latest) if latest else "",
            "left_out": left_out(latest) if latest else [],
            "notes": run_notes(latest) if latest else [],
            "earlier": [(run, run_summary(run), run_quality(run)) for run in runs[1:]],
            # Meetings to place: a mutual pair of accepted requests is one.
            "to_place": len({frozenset(pair) for pair in accepted}),
            "warnings": _session_warnings(session),
            "time_limit": session.solver_seconds,
            "home_label": zone_city(mission.home_timezone),
        },
        status=status,
    )


@login_required
def run(request, slug: str, session: int):
    session = _get_session(request, slug, session)
    form = RunForm(request.POST or None)
    if request.method == "POST":
        if not _can_edit(request, session):
            raise PermissionDenied
        if form.is_valid():
            try:
                result = schedule_run(
                    session=session, user=request.user, method=form.cleaned_data["method"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
                return _render_run(request, session, form)
            messages.success(
                request,
                _("Scheduled. %(summary)s; %(quality)s.")
                % {"summary": run_summary(result), "quality": run_quality(result)},
            )
            return redirect("matchmaking:run", session.mission.slug, session.pk)
    return _render_run(request, session, form)


@login_required
@require_safe
def hall_plan_view(request, slug: str, session: int):
    session = _get_session(request, slug, session)
    mission = session.mission
    plan = hall_plan(session, now=timezone.now())
    latest = (
        ProgrammeVersion.objects.without_snapshot()
        .filter(mission=mission)
        .order_by("-number")
        .first()
    )
    return render(
        request,
        "matchmaking/run/hall_plan.html",
        {
            "mission": mission,
            "session": session,
            "plan": plan,
            "can_edit": _can_edit(request, session),
            "published": latest,
            "pending": pending_changes(mission, latest),
        },
    )


def _get_meeting(session: Session, pk: int) -> Meeting:
    meeting = session_meeting(session, pk)
    if meeting is None:
        raise Http404
    meeting.mission = session.mission
    return meeting


def _hall_plan_url(session: Session) -> str:
    return reverse("matchmaking:hall_plan", args=[session.mission.slug, session.pk])


@login_required
@require_POST
def no_show(request, slug: str, session: int, meeting: int):
    session = _get_session(request, slug, session)
    if not _can_edit(request, session):
        raise PermissionDenied
    meeting = _get_meeting(session, meeting)
    try:
        meeting_no_show(meeting=meeting, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except EditConflict:
        messages.error(request, _("Somebody recorded this meeting's outcome meanwhile."))
    else:
        messages.success(
            request,
            _("“%(title)s” marked as a no-show. Reschedule it into a free slot if they come later.")
            % {"title": meeting.title},
        )
    return redirect(f"{_hall_plan_url(session)}#meeting-{meeting.pk}")


@login_required
def reschedule(request, slug: str, session: int, meeting: int):
    session = _get_session(request, slug, session)
    meeting = _get_meeting(session, meeting)
    zone = session.mission.tz
    now = timezone.now()
    try:
        options = reschedule_options(session=session, meeting=meeting, now=now)
        refused = ""
    except ValidationError as error:
        options, refused = [], " ".join(error.messages)
    form = RescheduleForm(request.POST or None, options=options, meeting=meeting, zone=zone)
    status = 200
    if request.method == "POST":
        if not _can_edit(request, session):
            raise PermissionDenied
        if form.is_valid():
            try:
                moved = meeting_reschedule(
                    session=session,
                    meeting=meeting,
                    choice=form.cleaned_data["choice"],
                    expected_version=form.opened_version,
                    now=now,
                )
            except EditConflict:
                form.add_error(
                    None,
                    _("Somebody changed this meeting after you opened this page: check it again."),
                )
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("“%(title)s” moved to %(when)s at %(table)s. Publish to update calendars.")
                    % {
                        "title": moved.title,
                        "when": date_format(moved.start.astimezone(zone), "D j M, H:i"),
                        "table": moved.venue.name if moved.venue else "—",
                    },
                )
                return redirect(f"{_hall_plan_url(session)}#meeting-{moved.pk}")
    return render(
        request,
        "matchmaking/run/reschedule.html",
        {
            "mission": session.mission,
            "session": session,
            "meeting": meeting,
            "form": form,
            "options": options,
            "refused": refused,
            "can_edit": _can_edit(request, session),
        },
        status=status,
    )
