"""The outcome page of a meeting, follow-up forms, the board and an organisation's timeline.

Thin views: the mission through get_mission_for_user (404 for other coordinators' missions),
objects through it or through visible_to querysets -> form -> service -> redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delegations.models import Organisation
from meetings.models import Meeting
from missions.concurrency import EditConflict, parse_version
from missions.forms import possible_pk
from missions.localtime import zone_city
from missions.views import add_service_errors, get_mission_for_user, save_versioned
from outcomes.forms import BoardFilterForm, FollowUpForm, OutcomeForm, StatusForm
from outcomes.models import FollowUp, Outcome
from outcomes.selectors import agency_today, board, organisation_timeline
from outcomes.services import (
    follow_up_delete,
    follow_up_save,
    follow_up_set_status,
    not_started_error,
    outcome_save,
)


def _get_meeting(mission, pk: int) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.filter(mission=mission)
        .select_related("venue")
        .prefetch_related("attendees__person", "partner_organisations", "partner_contacts"),
        pk=pk,
    )
    meeting.mission = mission
    return meeting


def _get_follow_up(mission, pk: int) -> FollowUp:
    follow_up = get_object_or_404(
        FollowUp.objects.filter(mission=mission).select_related(
            "meeting", "organisation", "owner_user", "owner_member__person"
        ),
        pk=pk,
    )
    follow_up.mission = mission
    return follow_up


def _redirect_back(request, default: str) -> HttpResponseRedirect:
    """Back to `next` if it is a path of this site (no scheme, host or control character),
    else to `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def _outcome_url(meeting: Meeting) -> str:
    return reverse("outcomes:outcome", args=[meeting.mission.slug, meeting.pk])


@login_required
def outcome_edit(request, slug: str, pk: int):
    mission = get_mission_for_user(request, slug)
    meeting = _get_meeting(mission, pk)
    outcome = Outcome.objects.filter(meeting=meeting).first() or Outcome(meeting=meeting)
    not_yet = not_started_error(meeting, timezone.now())
    form = OutcomeForm(request.POST or None, instance=outcome)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, form, conflict = save_versioned(
            form,
            lambda: outcome_save(
                meeting=meeting,
                user=request.user,
                version=form.opened_version if outcome.pk else None,
                **{name: data[name] for name in OutcomeForm.Meta.fields},
            ),
            rebuild=lambda data: OutcomeForm(data, instance=Outcome.objects.get(meeting=meeting)),
            zone=mission.tz,
            home_zone=mission.home_tz,
        )
        if saved:
            messages.success(request, _("Outcome of “%(title)s” saved.") % {"title": meeting.title})
            return redirect(_outcome_url(meeting))
    follow_ups = list(
        FollowUp.objects.filter(meeting=meeting).select_related(
            "organisation", "owner_user", "owner_member__person"
        )
    )
    add_form = FollowUpForm(
        mission=mission,
        user=request.user,
        initial={"meeting": meeting.pk, "organisation": _first_partner(meeting)},
    )
    return render(
        request,
        "outcomes/outcome_form.html",
        {
            "mission": mission,
            "meeting": meeting,
            "outcome": outcome if outcome.pk else None,
            "form": form,
            "conflict": conflict,
            "not_yet": not_yet.messages[0] if not_yet else "",
            "follow_ups": follow_ups,
            "add_form": add_form,
            "today": agency_today(),
            "home_label": zone_city(mission.home_timezone),
        },
        status=409 if conflict else 200,
    )


def _first_partner(meeting: Meeting):
    """Most follow-ups concern the meeting's partner: offered first, not imposed."""
    partners = sorted(meeting.partner_organisations.all(), key=lambda o: o.name)
    return partners[0].pk if partners else None


def _meeting_from_query(request, mission) -> Meeting | None:
    raw = request.GET.get("meeting", "")
    if not possible_pk(raw):
        return None
    return (
        Meeting.objects.filter(mission=mission, pk=int(raw))
        .prefetch_related("partner_organisations")
        .first()
    )


@login_required
def follow_up_create(request, slug: str):
    mission = get_mission_for_user(request, slug)
    meeting = _meeting_from_query(request, mission)
    initial = {"owner": f"user-{request.user.pk}"}
    if meeting is not None:
        initial.update(meeting=meeting.pk, organisation=_first_partner(meeting))
    form = FollowUpForm(request.POST or None, mission=mission, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = _save_follow_up(
                follow_up=FollowUp(mission=mission), user=request.user, **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Follow-up “%(action)s” added.") % {"action": follow_up})
            default = (
                _outcome_url(follow_up.meeting) if follow_up.meeting else reverse("outcomes:board")
            )
            return _redirect_back(request, default)
    return render(
        request,
        "outcomes/follow_up_form.html",
        {"mission": mission, "form": form, "follow_up": None, "meeting": meeting},
    )


def _save_follow_up(**kwargs) -> FollowUp:
    """follow_up_save, its errors worded for the form: the service speaks of owner_user and
    owner_member, the form has one "owner" select."""
    try:
        return follow_up_save(**kwargs)
    except EditConflict:
        raise
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        errors: dict = {}
        for name, items in error.error_dict.items():
            key = "owner" if name in ("owner_user", "owner_member") else name
            errors.setdefault(key, []).extend(items)
        raise ValidationError(errors) from None


@login_required
def follow_up_edit(request, slug: str, pk: int):
    mission = get_mission_for_user(request, slug)
    follow_up = _get_follow_up(mission, pk)
    form = FollowUpForm(
        request.POST or None, mission=mission, user=request.user, instance=follow_up
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        saved, form, conflict = save_versioned(
            form,
            lambda: _save_follow_up(follow_up=form.instance, version=form.opened_version, **fields),
            rebuild=lambda data: FollowUpForm(
                data, mission=mission, user=request.user, instance=_get_follow_up(mission, pk)
            ),
            zone=mission.tz,
            home_zone=mission.home_tz,
        )
        if saved:
            messages.success(
                request, _("Follow-up “%(action)s” saved.") % {"action": fields["action"]}
            )
            return _redirect_back(request, reverse("outcomes:board"))
    return render(
        request,
        "outcomes/follow_up_form.html",
        {
            "mission": mission,
            "form": form,
            "follow_up": follow_up,
            "meeting": follow_up.meeting,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


@login_required
@require_POST
def follow_up_status(request, slug: str, pk: int):
    mission = get_mission_for_user(request, slug)
    follow_up = _get_follow_up(mission, pk)
    form = StatusForm(request.POST)
    back = _redirect_back(request, reverse("outcomes:board"))
    if not form.is_valid():
        messages.error(request, _("Choose open, done or dropped."))
        return back
    try:
        follow_up_set_status(
            follow_up=follow_up,
            status=form.cleaned_data["status"],
            version=parse_version(form.cleaned_data["version"]),
        )
    except EditConflict as error:
        if error.current is None:
            raise Http404 from error
        messages.error(
            request,
            _("“%(action)s” was changed by somebody else meanwhile: here it is as it is now.")
            % {"action": follow_up.action},
        )
        return back
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    labels = {
        FollowUp.Status.DONE: _("“%(action)s” marked as done."),
        FollowUp.Status.DROPPED: _("“%(action)s” dropped."),
        FollowUp.Status.OPEN: _("“%(action)s” is open again."),
    }
    messages.success(request, labels[form.cleaned_data["status"]] % {"action": follow_up.action})
    return back


@login_required
@require_POST
def follow_up_delete_view(request, slug: str, pk: int):
    mission = get_mission_for_user(request, slug)
    follow_up = _get_follow_up(mission, pk)
    try:
        follow_up_delete(follow_up=follow_up, version=parse_version(request.POST.get("version")))
    except EditConflict:
        messages.error(
            request,
            _("“%(action)s” was changed by somebody else meanwhile: check it before deleting.")
            % {"action": follow_up.action},
        )
        return redirect("outcomes:follow_up_edit", mission.slug, follow_up.pk)
    messages.success(request, _("Follow-up “%(action)s” deleted.") % {"action": follow_up.action})
    default = _outcome_url(follow_up.meeting) if follow_up.meeting else reverse("outcomes:board")
    return _redirect_back(request, default)


@login_required
def follow_up_board(request):
    today = agency_today()
    # The filters' choices come with the rows (selectors.board): the values are read loosely
    # from the address first (a wrong one filters nothing), then the form shows them.
    values = {
        "owner": request.GET.get("owner", ""),
        # Only known statuses reach the query (PostgreSQL refuses a NUL in a string).
        "status": _known(request.GET.get("status", ""), ("all", *FollowUp.Status.values)),
        "overdue": request.GET.get("overdue") in ("on", "1", "true"),
        "organisation": _int_or_none(request.GET.get("organisation")),
        "mission": _int_or_none(request.GET.get("mission")),
    }
    result = board(request.user, values, today)
    owners = [
        (_("Coordinators"), result.owners[0][1]),
        (_("Delegation"), result.owners[1][1]),
    ]
    form = BoardFilterForm(
        request.GET or None,
        missions=result.missions,
        organisations=result.organisations,
        owners=owners,
    )
    form.is_valid()
    return render(
        request,
        "outcomes/board.html",
        {
            "board": result,
            "form": form,
            "today": today,
            "filtering": any(values.values()),
            "next": request.get_full_path(),
        },
    )


def _known(raw: str, allowed) -> str:
    return raw if raw in allowed else ""


def _int_or_none(raw) -> int | None:
    return int(raw) if raw and possible_pk(raw) else None


@login_required
def organisation_timeline_view(request, pk: int):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)
    return render(
        request,
        "outcomes/timeline.html",
        {
            "organisation": organisation,
            "entries": organisation_timeline(organisation, request.user),
            "today": agency_today(),
        },
    )
