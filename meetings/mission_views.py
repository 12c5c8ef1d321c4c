"""Mission pages that need meetings and delegations: the list (counts, clashes), clone, and the
programme feed's new secret link (shown on the delegation page)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings.planning import mission_clone, mission_summaries
from meetings.services import deleted_missions
from missions.forms import MissionCloneForm
from missions.history import user_label
from missions.models import Mission
from missions.services import mission_rotate_feed_token
from missions.views import add_service_errors, get_mission_for_user

# Deleted missions offered for restoring on the list; older ones from the admin's history.
RECENTLY_DELETED = timedelta(days=90)


@login_required
def mission_list(request):
    missions = list(Mission.objects.visible_to(request.user))
    summaries = mission_summaries(missions)
    rows = [(mission, summaries[mission.pk]) for mission in missions]
    deleted = deleted_missions(request.user, since=timezone.now() - RECENTLY_DELETED)
    for record in deleted:
        record.who = user_label(record.history_user)
    return render(request, "missions/list.html", {"rows": rows, "deleted": deleted})


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


@login_required
@require_POST
def mission_new_feed_link(request, slug: str):
    mission = get_mission_for_user(request, slug)
    mission_rotate_feed_token(mission=mission)
    messages.success(
        request,
        _(
            "The programme has a new secret link. The old one stops working: give the new one "
            "to whoever subscribed."
        ),
    )
    # The links are shown on the delegation page, next to the delegates' own.
    return redirect("delegations:roster", slug=mission.slug)
