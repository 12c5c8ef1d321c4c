"""The coordinators' mission page that needs nothing but missions: create.

The list (with meeting and clash counts), the clone (with the delegation) and the edit (a new
zone or new dates move the meetings and stays) live in meetings/mission_views.py, so that
imports keep pointing one way.

Every view is for logged-in users and sees only Mission.objects.visible_to(user):
another coordinator's mission answers 404, as if it did not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from missions.concurrency import HOME_ZONE, EditConflict, conflict_report, rebased_data
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


def save_versioned(form, save, *, rebuild, zone=None, home_zone=HOME_ZONE):
    """Run a write service for a form that carries a version (missions.concurrency).

    Returns (saved, form, conflict): (True, form, None) once saved; a ValidationError goes
    next to the form's fields, (False, form, None); when somebody else saved first,
    (False, `rebuild(data)`: a new form holding what was typed with the current version,
    the ConflictReport to show above it). Deleted meanwhile: 404.
    """
    try:
        save()
    except EditConflict as error:
        if error.current is None:
            raise Http404 from error
        report = conflict_report(form, error, zone=zone, home_zone=home_zone)
        fresh = rebuild(rebased_data(form, error.current))
        fresh.is_valid()
        return False, fresh, report
    except ValidationError as error:
        add_service_errors(form, error)
        return False, form, None
    return True, form, None


def zone_suggestions() -> list[str]:
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
    return render(
        request, "missions/form.html", {"form": form, "mission": None, "zones": zone_suggestions()}
    )
