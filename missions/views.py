"""The coordinators' missions pages: list, create, edit, clone.

Every view is for logged-in users and sees only Mission.objects.visible_to(user):
another coordinator's mission answers 404, as if it did not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

# The list's counts and the clone need meetings and delegations; only views reach up.
from meetings.planning import mission_clone, mission_summaries
from missions.forms import MissionCloneForm, MissionForm
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
def mission_list(request):
    missions = list(Mission.objects.visible_to(request.user))
    summaries = mission_summaries(missions)
    rows = [(mission, summaries[mission.pk]) for mission in missions]
    return render(request, "missions/list.html", {"rows": rows})


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


@login_required
def mission_clone_view(request, slug: str):
    source = get_mission_for_user(request, slug)
    form = MissionCloneForm(
        request.POST or None,
        initial={"title": _("%(title)s (copy)") % {"title": source.title}},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mission = mission_clone(
                source=source,
                title=data["title"],
                slug=data["slug"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(title)s” created from “%(source)s”: venues and delegation copied.")
                % {"title": mission.title, "source": source.title},
            )
            return redirect("meetings:agenda", mission.slug)
    context = {
        "form": form,
        "source": source,
        "venue_count": source.venues.count(),
        "member_count": source.members.count(),
    }
    return render(request, "missions/clone.html", context)
