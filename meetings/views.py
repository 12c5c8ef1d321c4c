"""The coordinators' agenda and meeting pages.

Thin views: fetch the mission through get_mission_for_user (404 for other
coordinators' missions) -> form -> service -> redirect.
"""

import json
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from delegations.services import organisation_save, person_save
from meetings.agenda_days import day_picker
from meetings.forms import (
    AgendaFilterForm,
    ContactQuickForm,
    MeetingForm,
    OrganisationQuickForm,
    VenueQuickForm,
    default_meeting_day,
)
from meetings.history import meeting_history
from meetings.models import Meeting
from meetings.planning import candidate_warnings, mission_agenda
from meetings.services import meeting_cancel, meeting_delete, meeting_duplicate, meeting_save
from meetings.timetable_views import timetable_url_for
from missions.concurrency import (
    EditConflict,
    conflict_report,
    last_saved_by,
    parse_version,
    rebased_data,
    when_text,
)
from missions.localtime import zone_city
from missions.services import venue_save
from missions.views import add_service_errors, get_mission_for_user


def publish_after_save(request, meeting: Meeting) -> None:
    """ "Save and publish" (releases sits above meetings: imported when used)."""
    from releases.views import publish_after_save as publish

    publish(request, meeting)


def _get_meeting(mission, pk: int) -> Meeting:
    # "result": its outcome (outcomes/), shown in the page's side panel without a query more.
    return get_object_or_404(
        Meeting.objects.filter(mission=mission).select_related("venue", "result"), pk=pk
    )


def _agenda_context(request, slug: str) -> dict:
    mission = get_mission_for_user(request, slug)
    agenda = mission_agenda(mission)
    filters = AgendaFilterForm(
        request.GET or None, members=agenda.members, partners=agenda.partners()
    )
    shown = filters.apply(agenda.meetings)
    return {
        "mission": mission,
        "agenda": agenda,
        "filters": filters,
        "filtering": bool(filters.selected()),
        "delegate": filters.selected_delegate(),
        "days": agenda.days(shown),
        "shown_count": len(shown),
        "query": request.GET.urlencode(),
        # "Rome" for Europe/Rome: a short label for the home times shown alongside.
        "home_label": zone_city(mission.home_timezone),
    }


@login_required
def agenda(request, slug: str):
    context = _agenda_context(request, slug)
    # A busy agenda shows one day at a time (meetings/agenda_days.py); the print view, all.
    today = context["mission"].local_today(timezone.now())
    context.update(day_picker(context["days"], request.GET, today))
    return render(request, "meetings/agenda.html", {**context, "tab": "agenda"})


@login_required
def agenda_print(request, slug: str):
    return render(request, "meetings/agenda_print.html", _agenda_context(request, slug))


def _save_meeting(request, form: MeetingForm) -> Meeting | None:
    """Save through the service; errors go on the form. EditConflict is the caller's."""
    data = form.cleaned_data
    try:
        return meeting_save(
            meeting=form.save(commit=False),
            attendees=data["attendees"],
            partner_organisations=data["partner_organisations"],
            partner_contacts=data["partner_contacts"],
            expected_version=form.opened_version,
        )
    except EditConflict:
        raise
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def _duplicate_days(mission, meeting) -> list[dict]:
    """The days "Duplicate to this day" offers: the mission's, the meeting's own selected."""
    if meeting is None:
        return []
    own = mission.local(meeting.start).date()
    return [
        {
            "value": day.isoformat(),
            "label": formats.date_format(day, "D j M"),
            "current": day == own,
        }
        for day in mission.days()
    ]


def _meeting_form_page(
    request, mission, form, meeting=None, warnings=None, conflict=None, history=None, same_time=()
):
    context = {
        "same_time": same_time,
        "duplicate_days": _duplicate_days(mission, meeting),
        "history": history or [],
        "home_label": zone_city(mission.home_timezone),
        "mission": mission,
        "form": form,
        "meeting": meeting,
        "warnings": warnings or [],
        "checked": warnings is not None,
        "tab": "new" if meeting is None else "",
        "conflict": conflict,
    }
    # 409: the save was refused because somebody else saved first; the page says what.
    status = 409 if conflict else 200
    return render(request, "meetings/meeting_form.html", context, status=status)


def _slot_time(raw: str | None) -> time:
    """HH:MM from a query string, or 09:00 when missing or not a time."""
    try:
        return datetime.strptime(raw or "", "%H:%M").time()
    except ValueError:
        return time(9)


# Field error codes that mean "not typed (yet)" rather than "typed, and refused".
TIME_NOT_TYPED = {"required", "incomplete", "invalid", "invalid_date", "invalid_time"}


def _same_time(mission, start, end, exclude_pk=None) -> list[Meeting]:
    """The mission's other meetings overlapping [start, end), cancelled ones left out: shown
    beside the clash check, so a busy hour is plain before anyone is ticked."""
    return list(
        Meeting.objects.filter(mission=mission, start__lt=end, end__gt=start)
        .exclude(pk=exclude_pk)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("start", "pk")[:5]
    )


def _initial_times(request, mission) -> dict:
    """09:00-10:00 on the day asked for (?day=), else on the mission's first day, or today
    while the mission runs. Naive wall-clock times: the form reads them in the mission's zone."""
    day = request.GET.get("day", "")
    days = {d.isoformat(): d for d in mission.days()}
    chosen = days.get(day) or default_meeting_day(
        mission, timezone.now().astimezone(mission.tz).date()
    )
    # ?time=HH:MM comes from a free slot clicked on the timetable; anything else means 09:00.
    start = datetime.combine(chosen, _slot_time(request.GET.get("time")))
    return {"start": start, "end": start + timedelta(hours=1)}


@login_required
def meeting_create(request, slug: str):
    mission = get_mission_for_user(request, slug)
    check_url = reverse("meetings:check", args=[mission.slug])
    initial = _initial_times(request, mission)
    form = MeetingForm(
        request.POST or None,
        mission=mission,
        user=request.user,
        check_url=check_url,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        meeting = _save_meeting(request, form)
        if meeting is not None:
            messages.success(request, _("“%(title)s” scheduled.") % {"title": meeting.title})
            publish_after_save(request, meeting)
            if request.GET.get("from") == "timetable":
                # Opened from a free slot: back to the timetable, on the new meeting.
                return redirect(timetable_url_for(meeting))
            return redirect(_agenda_anchor(meeting))
    warnings, same_time = None, []
    if not form.is_bound:
        # The prefilled hour is checked like any other: a clashing default is flagged at once.
        zone = mission.tz
        warnings = candidate_warnings(
            mission=mission,
            title="",
            start=initial["start"].replace(tzinfo=zone),
            end=initial["end"].replace(tzinfo=zone),
            venue=None,
            attendees=[],
        )
        same_time = _same_time(
            mission, initial["start"].replace(tzinfo=zone), initial["end"].replace(tzinfo=zone)
        )
    return _meeting_form_page(request, mission, form, warnings=warnings, same_time=same_time)


def _agenda_anchor(meeting: Meeting) -> str:
    return reverse("meetings:agenda", args=[meeting.mission.slug]) + f"#meeting-{meeting.pk}"


@login_required
def meeting_edit(request, slug: str, pk: int):
    mission = get_mission_for_user(request, slug)
    meeting = _get_meeting(mission, pk)
    meeting.mission = mission
    check_url = reverse("meetings:check_existing", args=[mission.slug, meeting.pk])
    form = MeetingForm(
        request.POST or None,
        mission=mission,
        user=request.user,
        instance=meeting,
        check_url=check_url,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        previous_sequence = meeting.sequence
        try:
            saved = _save_meeting(request, form)
        except EditConflict as error:
            if error.current is None:
                raise Http404 from error
            # What they typed stays, now carrying the stored version: saving again is a
            # deliberate choice made after seeing what changed.
            conflict = conflict_report(form, error, zone=mission.tz)
            fresh = _get_meeting(mission, pk)
            fresh.mission = mission
            form = MeetingForm(
                rebased_data(form, error.current),
                mission=mission,
                user=request.user,
                instance=fresh,
                check_url=check_url,
            )
            form.is_valid()
            saved = None
        if saved is not None:
            if saved.sequence > previous_sequence and "publish" in request.POST:
                messages.success(
                    request,
                    _("“%(title)s” saved. Attendees' calendars will update.")
                    % {"title": saved.title},
                )
            elif saved.sequence > previous_sequence:
                # Delegates see the published version only (releases).
                messages.success(
                    request,
                    _(
                        "“%(title)s” saved. Attendees' calendars will update when you publish "
                        "the changes."
                    )
                    % {"title": saved.title},
                )
            else:
                messages.success(request, _("“%(title)s” saved.") % {"title": saved.title})
            publish_after_save(request, saved)
            return redirect(_agenda_anchor(saved))
    warnings, same_time = None, []
    if not form.is_bound:
        warnings = candidate_warnings(
            mission=mission,
            title=meeting.title,
            start=meeting.start,
            end=meeting.end,
            venue=meeting.venue,
            attendees=list(meeting.attendees.all()),
            cancelled=meeting.is_cancelled,
            meeting_pk=meeting.pk,
        )
        same_time = _same_time(mission, meeting.start, meeting.end, exclude_pk=meeting.pk)
    stored = _get_meeting(mission, pk) if form.is_bound else meeting
    stored.mission = mission
    return _meeting_form_page(
        request,
        mission,
        form,
        meeting=stored,
        warnings=warnings,
        conflict=conflict,
        history=meeting_history(stored),
        same_time=same_time,
    )


@login_required
@require_POST
def meeting_check(request, slug: str, pk: int | None = None):
    """The warnings panel for the form as typed, before saving (htmx)."""
    mission = get_mission_for_user(request, slug)
    meeting = _get_meeting(mission, pk) if pk else None
    form = MeetingForm(request.POST, mission=mission, user=request.user, instance=meeting)
    form.is_valid()
    data = form.cleaned_data
    start, end = data.get("start"), data.get("end")
    warnings, checked, reason, same_time = [], False, "", []
    # Somebody saved this meeting since the form was opened: say so before the save does.
    stale = None
    opened = data.get("version")
    if meeting is not None and opened is not None and opened != meeting.version:
        who, when = last_saved_by(meeting)
        stale = {"who": who, "when": when_text(when, mission.home_tz)}
    if start and end and end > start and not form.has_error("start") and not form.has_error("end"):
        checked = True
        warnings = candidate_warnings(
            mission=mission,
            title=data.get("title", ""),
            start=start,
            end=end,
            venue=data.get("venue"),
            attendees=list(data.get("attendees") or []),
            cancelled=data.get("status") == Meeting.Status.CANCELLED,
            meeting_pk=pk,
        )
        same_time = _same_time(mission, start, end, exclude_pk=pk)
    elif form.has_error("end", code="end_before_start") or (
        start and end and not form.has_error("start") and not form.has_error("end")
    ):
        reason = _("The end is before the start: change one of them to check for clashes.")
    else:
        # Times typed but refused (a skipped hour, too far from the mission): say why here
        # too; a time missing or half-typed keeps the panel's "Type a start and an end".
        refused = [
            message
            for name in ("start", "end")
            for error in form.errors.as_data().get(name, [])
            if error.code not in TIME_NOT_TYPED
            for message in error.messages
        ]
        reason = " ".join(refused)
    return render(
        request,
        "meetings/includes/clash_panel.html",
        {
            "warnings": warnings,
            "checked": checked,
            "mission": mission,
            "stale": stale,
            "reason": reason,
            "same_time": same_time,
        },
    )


def _cannot_save(request, meeting: Meeting, error: ValidationError):
    """A meeting stored before today's rules (e.g. far from its mission's dates) cannot be
    saved as it is: say why, on its form, where the times can be corrected."""
    messages.error(request, " ".join(error.messages))
    return redirect("meetings:edit", meeting.mission.slug, meeting.pk)


@login_required
@require_POST
def meeting_cancel_view(request, slug: str, pk: int):
    mission = get_mission_for_user(request, slug)
    meeting = _get_meeting(mission, pk)
    try:
        meeting_cancel(meeting=meeting)
    except ValidationError as error:
        return _cannot_save(request, meeting, error)
    messages.success(
        request,
        _("“%(title)s” cancelled. It stays in attendees' calendars, marked as cancelled.")
        % {"title": meeting.title},
    )
    return redirect(_agenda_anchor(meeting))


@login_required
@require_POST
def meeting_duplicate_view(request, slug: str, pk: int):
    """A tentative copy, on the same day or (POST `day`) on another of the mission's days
    at the same local clock time."""
    mission = get_mission_for_user(request, slug)
    meeting = _get_meeting(mission, pk)
    meeting.mission = mission
    day = None
    if "day" in request.POST:
        days = {d.isoformat(): d for d in mission.days()}
        day = days.get(request.POST["day"])
        if day is None:
            messages.error(
                request,
                _("Choose one of the mission's days (%(first)s to %(last)s).")
                % {"first": mission.start_date.isoformat(), "last": mission.end_date.isoformat()},
            )
            return redirect("meetings:edit", mission.slug, meeting.pk)
    try:
        copy = meeting_duplicate(meeting=meeting, day=day)
    except ValidationError as error:
        return _cannot_save(request, meeting, error)
    messages.success(
        request,
        _("A tentative copy of “%(title)s” was made: change what differs and save.")
        % {"title": meeting.title},
    )
    return redirect("meetings:edit", mission.slug, copy.pk)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_delete_view(request, slug: str, pk: int):
    mission = get_mission_for_user(request, slug)
    meeting = get_object_or_404(Meeting.objects.filter(mission=mission).with_details(), pk=pk)
    changed = None
    if request.method == "POST":
        title = meeting.title
        # The confirmation carries the version it showed: a meeting changed since then is
        # shown again as it is now, to be confirmed again, not deleted unseen.
        seen = parse_version(request.POST.get("version"))
        try:
            meeting_delete(meeting=meeting, expected_version=seen)
        except EditConflict as error:
            if error.current is None:
                raise Http404 from error
            meeting = get_object_or_404(
                Meeting.objects.filter(mission=mission).with_details(), pk=pk
            )
            who, when = last_saved_by(meeting)
            changed = {"who": who, "when": when}
        else:
            messages.success(request, _("“%(title)s” deleted.") % {"title": title})
            return redirect("meetings:agenda", mission.slug)
    return render(
        request,
        "meetings/meeting_confirm_delete.html",
        {"mission": mission, "meeting": meeting, "changed": changed},
        status=409 if changed else 200,
    )


# ---------------------------------------------------------------------------
# "Add a new ... without leaving the form": small forms in a modal (htmx).

# Lazy: translated when a window opens, in the coordinator's language, not at import time.
QUICK_FORMS = {
    "organisation": (
        OrganisationQuickForm,
        "partner_organisations",
        gettext_lazy("New partner organisation"),
    ),
    "contact": (ContactQuickForm, "partner_contacts", gettext_lazy("New contact")),
    "venue": (VenueQuickForm, "venue", gettext_lazy("New venue")),
}


@login_required
@require_http_methods(["GET", "POST"])
def quick_add(request, slug: str, kind: str):
    mission = get_mission_for_user(request, slug)
    if kind not in QUICK_FORMS:
        return HttpResponse(status=404)
    form_class, field, _title = QUICK_FORMS[kind]
    # Venues belong to the mission; organisations and contacts to the shared directory, where
    # anyone planning a mission may add an entry (changing one is another matter).
    extra = {"mission": mission} if kind == "venue" else {}
    if kind == "contact":
        extra = {"user": request.user}
    form = form_class(request.POST or None, prefix=f"new-{kind}", **extra)
    context = {"mission": mission, "form": form, "kind": kind, "title": _title}
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        try:
            if kind == "organisation":
                obj = organisation_save(organisation=obj)
                label = obj.display_name
            elif kind == "contact":
                obj = person_save(person=obj)
                label = f"{obj.full_name} ({obj.title_line})" if obj.title_line else obj.full_name
            else:
                obj = venue_save(venue=obj)
                label = obj.name
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            response = render(
                request, "meetings/includes/quick_add_done.html", {**context, "label": label}
            )
            # planner.js adds the new option to the meeting form, already selected.
            response["HX-Trigger"] = json.dumps(
                {"optionAdded": {"field": field, "value": obj.pk, "label": label}}
            )
            return response
    return render(request, "meetings/includes/quick_add_form.html", context)
