"""The coordinators' mission pages that need nothing but missions: create and edit.

The list (with meeting and clash counts) and the clone (with the delegation) live in
meetings/mission_views.py, so that imports keep pointing one way.

Every view is for logged-in users and sees only Mission.objects.visible_to(user):
another coordinator's mission answers 404, as if it did not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from missions.forms import MissionForm
from missions.models import Mission, known_timezones
from missions.services import mission_save


def get_mission_for_user(request, slug: str) -> Mission:
    """The mission if this user may plan it, else 404 (never reveal that it exists)."""
    return get_object_or_404(Mission.objects.visible_to(request.user), slug=slug)


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the form's fields, the rest on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _zones() -> list[str]:
    return sorted(known_timezones())


@login_required
def mission_create(request):
    form = MissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mission = mission_save(mission=form.save(commit=False), coordinators=[request.user])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Mission created. Now add the delegation and meetings."))
            return redirect("meetings:agenda", mission.slug)
    return render(request, "missions/form.html", {"form": form, "mission": None, "zones": _zones()})


@login_required
def mission_edit(request, slug: str):
    mission = get_mission_for_user(request, slug)
    form = MissionForm(request.POST or None, instance=mission)
    if request.method == "POST" and form.is_valid():
        try:
            mission = mission_save(mission=form.save(commit=False))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Mission saved."))
            return redirect("meetings:agenda", mission.slug)
    # A failed edit must not rename the page header: show the stored mission.
    stored = get_mission_for_user(request, slug) if form.is_bound else mission
    return render(
        request, "missions/form.html", {"form": form, "mission": stored, "zones": _zones()}
    )
