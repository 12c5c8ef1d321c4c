"""Mission pages that need meetings and delegations: the list (search, running / upcoming /
past, counts, clashes, coordinators), clone, and the programme feed's new secret link (shown on
the delegation page)."""

from collections import Counter
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings.planning import mission_clone, mission_rows, missions_by_phase
from meetings.services import deleted_missions
from missions.forms import MissionCloneForm, MissionSearchForm
from missions.history import user_label
from missions.models import Mission, Phase
from missions.services import coordinator_name, mission_rotate_feed_token
from missions.views import add_service_errors, get_mission_for_user

# Deleted missions offered for restoring on the list; older ones from the admin's history.
RECENTLY_DELETED = timedelta(days=90)
MISSIONS_PER_PAGE = 50


@login_required
def mission_list(request):
    now = timezone.now()
    form = MissionSearchForm(request.GET)
    query, when = form.search()
    missions = Mission.objects.visible_to(request.user)
    if query:
        missions = missions.search(query)
    placed = missions_by_phase(list(missions), now)
    counts = Counter(phase for _mission, phase in placed)
    if when != form.ALL:
        placed = [(mission, phase) for mission, phase in placed if phase == when]
    page = Paginator(placed, MISSIONS_PER_PAGE).get_page(request.GET.get("page"))
    deleted = []
    if page.number == 1 and not query and when == form.ALL:
        deleted = deleted_missions(request.user, since=now - RECENTLY_DELETED)
        for record in deleted:
            record.who = user_label(record.history_user)
    phases = [{"value": form.ALL, "label": _("All"), "count": sum(counts.values())}]
    phases += [{"value": v, "label": label, "count": counts[v]} for v, label in Phase.choices]
    return render(
        request,
        "missions/list.html",
        {
            "form": form,
            "query": query,
            "when": when,
            "phases": phases,
            "page": page,
            "rows": mission_rows(page.object_list, now),
            "deleted": deleted,
            "any_mission": bool(counts) or query,
            # For the pages' links: the search and the phase, without the page.
            "querystring": urlencode(
                {k: v for k, v in (("q", query), ("when", when)) if v and v != form.ALL}
            ),
            "search_querystring": urlencode({"q": query} if query else {}),
        },
    )


@login_required
def mission_clone_view(request, slug: str):
    source = get_mission_for_user(request, slug)
    others = tuple(
        coordinator_name(user) for user in source.coordinators.exclude(pk=request.user.pk)
    )
    form = MissionCloneForm(
        request.POST or None,
        initial={"title": _("%(title)s (copy)") % {"title": source.title}},
        co_coordinators=others,
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
                copy_coordinators=data.get("copy_coordinators", False),
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
