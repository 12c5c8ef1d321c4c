"""Fast entry on several meetings at once: copy a whole day, shift a set by N minutes.

Thin views like meetings/views.py: the mission through get_mission_for_user (404 for other
coordinators' missions) -> form -> service (all or nothing) -> redirect to the agenda, where
the clash warnings of the result are shown.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from meetings.forms import DayCopyForm, ShiftForm
from meetings.models import Meeting
from meetings.planning import mission_agenda
from meetings.services import day_copy, day_copy_plan, meetings_shift
from missions.concurrency import parse_version
from missions.localtime import zone_city
from missions.views import add_service_errors, get_mission_for_user


def _warn_about_clashes(request, mission, meeting_ids: set[int]) -> None:
    """After a bulk change: how many of the meetings it touched now clash (never blocks)."""
    agenda = mission_agenda(mission)
    clashing = len(meeting_ids & set(agenda.warnings))
    if clashing:
        messages.warning(
            request,
            ngettext(
                "%(count)d of these meetings has clash warnings: see them on the agenda.",
                "%(count)d of these meetings have clash warnings: see them on the agenda.",
                clashing,
            )
            % {"count": clashing},
        )


def _day_anchor(mission, day) -> str:
    return reverse("meetings:agenda", args=[mission.slug]) + f"#day-{day.isoformat()}"


@login_required
@require_http_methods(["GET", "POST"])
def day_copy_view(request, slug: str):
    """Copy every meeting of one day to another, tentative: a preview, then confirm."""
    mission = get_mission_for_user(request, slug)
    initial = {"source": request.GET.get("day", "")}
    form = DayCopyForm(request.POST or None, mission=mission, initial=initial)
    plan = None
    if request.method == "POST" and form.is_valid():
        source, target = form.cleaned_data["source"], form.cleaned_data["target"]
        try:
            if "confirm" in request.POST:
                copies = day_copy(mission=mission, source=source, target=target)
            else:
                plan = day_copy_plan(mission=mission, source=source, target=target)
        except ValidationError as error:
            add_service_errors(form, error)
            plan = None
        else:
            if plan is None:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d meeting copied, tentative: confirm each when it is agreed.",
                        "%(count)d meetings copied, tentative: confirm each when it is agreed.",
                        len(copies),
                    )
                    % {"count": len(copies)},
                )
                _warn_about_clashes(request, mission, {m.pk for m in copies})
                return redirect(_day_anchor(mission, target))
    return render(
        request,
        "meetings/day_copy.html",
        {
            "mission": mission,
            "form": form,
            "plan": plan,
            "blocked": bool(plan and any(row["error"] for row in plan)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def shift_view(request, slug: str):
    """Tick meetings on a list of the agenda, shift them all by N minutes."""
    mission = get_mission_for_user(request, slug)
    form = ShiftForm(request.POST or None, mission=mission)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["meetings"])
        minutes = form.cleaned_data["minutes"]
        # The version each row showed: a meeting saved by somebody else since is not moved.
        versions = {
            m.pk: v
            for m in chosen
            if (v := parse_version(request.POST.get(f"version-{m.pk}"))) is not None
        }
        try:
            moved = meetings_shift(
                mission=mission, meetings=chosen, minutes=minutes, versions=versions
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d meeting moved by %(minutes)+d minutes.",
                    "%(count)d meetings moved by %(minutes)+d minutes.",
                    len(moved),
                )
                % {"count": len(moved), "minutes": minutes},
            )
            _warn_about_clashes(request, mission, {m.pk for m in moved})
            return redirect("meetings:agenda", mission.slug)
    days = _by_day(mission)
    if form.is_bound:
        ticked = set(request.POST.getlist("meetings"))
    else:
        # ?day=2025-04-22 (the agenda's day menu): that day's meetings ticked already.
        wanted = request.GET.get("day", "")
        ticked = {str(m.pk) for day, items in days if day.isoformat() == wanted for m in items}
    return render(
        request,
        "meetings/shift.html",
        {
            "mission": mission,
            "form": form,
            "days": days,
            "ticked": ticked,
            "home_label": zone_city(mission.home_timezone),
        },
    )


def _by_day(mission) -> list[tuple]:
    """[(local day, [meetings])] in one query."""
    days: dict = {}
    meetings = Meeting.objects.filter(mission=mission).select_related("venue")
    for meeting in meetings.order_by("start", "pk"):
        days.setdefault(meeting.start.astimezone(mission.tz).date(), []).append(meeting)
    return sorted(days.items())
