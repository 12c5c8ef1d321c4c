"""A mission's coordinators, changed in the planner (not only in the admin).

Only the mission's coordinators and superusers reach these pages (get_mission_for_user: 404
for anyone else). A colleague is added by the username or e-mail address of their active
account; a coordinator is removed, but a mission always keeps one active coordinator, and
removing oneself asks first: afterwards the mission is gone from one's list.

Every change goes through missions.services (mission_save), so the mission's history records
who changed the coordinators and when, and the version check applies: a page opened before
somebody else changed the mission refuses the change and shows the list as it is now.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from missions.concurrency import EditConflict, last_saved_by, rebased_data, when_text
from missions.forms import CoordinatorAddForm, CoordinatorRemoveForm
from missions.models import Mission
from missions.services import (
    coordinator_name,
    mission_add_coordinator,
    mission_remove_coordinator,
)
from missions.views import get_mission_for_user


def _conflict_message(mission: Mission) -> str:
    who, when = last_saved_by(mission)
    return _(
        "%(who)s changed this mission at %(when)s while you had this page open. The "
        "coordinators below are as they are now: check them, then try again."
    ) % {"who": who, "when": when_text(when, mission.home_tz)}


def _page(request, mission: Mission, form: CoordinatorAddForm, *, conflict: str = "", status=200):
    coordinators = sorted(mission.coordinators.all(), key=lambda u: coordinator_name(u).lower())
    active = sum(1 for user in coordinators if user.is_active)
    # The same rule as mission_remove_coordinator: one active coordinator always stays.
    rows = [(user, active > 1 or not user.is_active) for user in coordinators]
    context = {"mission": mission, "rows": rows, "form": form, "conflict": conflict}
    return render(request, "missions/coordinators.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def mission_coordinators(request, slug: str):
    mission = get_mission_for_user(request, slug)
    form = CoordinatorAddForm(request.POST or None, mission=mission)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["who"]
        try:
            mission_add_coordinator(
                mission=mission, user=user, expected_version=form.opened_version
            )
        except EditConflict as error:
            if error.current is None:
                raise Http404 from error
            # What was typed stays, now with the current version: adding again is deliberate.
            fresh = CoordinatorAddForm(rebased_data(form, error.current), mission=error.current)
            return _page(
                request, error.current, fresh, conflict=_conflict_message(error.current), status=409
            )
        except ValidationError as error:
            form.add_error("who", error)
        else:
            messages.success(
                request,
                _("%(name)s now coordinates “%(title)s”.")
                % {"name": coordinator_name(user), "title": mission.title},
            )
            return redirect("missions:coordinators", mission.slug)
    return _page(request, mission, form)


@login_required
@require_http_methods(["GET", "POST"])
def mission_coordinator_remove(request, slug: str, user_id: int):
    """GET: "Remove X?" (and, for oneself, what one loses). POST: remove."""
    mission = get_mission_for_user(request, slug)
    coordinator = get_object_or_404(mission.coordinators.all(), pk=user_id)
    removing_self = coordinator.pk == request.user.pk
    form = CoordinatorRemoveForm(
        request.POST if request.method == "POST" else None, initial={"version": mission.version}
    )
    confirmed = form.is_valid() and (form.cleaned_data["confirm"] or not removing_self)
    if request.method == "GET" or not confirmed:
        # Who stays (active): nobody means the mission would be left without a coordinator.
        others = sorted(
            coordinator_name(user)
            for user in mission.coordinators.all()
            if user.pk != coordinator.pk and user.is_active
        )
        context = {
            "mission": mission,
            "coordinator": coordinator,
            "removing_self": removing_self,
            "others": others,
            "form": form,
        }
        return render(request, "missions/coordinator_remove.html", context)
    name = coordinator_name(coordinator)
    try:
        mission_remove_coordinator(
            mission=mission, user=coordinator, expected_version=form.opened_version
        )
    except EditConflict as error:
        if error.current is None:
            raise Http404 from error
        messages.warning(request, _conflict_message(error.current))
        return redirect("missions:coordinators", mission.slug)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("missions:coordinators", mission.slug)
    if not Mission.objects.visible_to(request.user).filter(pk=mission.pk).exists():
        messages.success(
            request,
            _(
                "You no longer coordinate “%(title)s”: it has left your list. Its other "
                "coordinators can add you back."
            )
            % {"title": mission.title},
        )
        return redirect("missions:list")
    messages.success(
        request,
        _("%(name)s no longer coordinates “%(title)s”.") % {"name": name, "title": mission.title},
    )
    return redirect("missions:coordinators", mission.slug)
