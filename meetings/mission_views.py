"""Mission pages that need meetings and delegations: the list (search, running / upcoming /
past, counts, clashes, coordinators), the edit (a new zone or first day moves meetings and
stays, with a preview), clone, and the programme feed's new secret link (shown on the
delegation page)."""

import hashlib
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
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from meetings.planning import mission_clone, mission_rows, missions_by_phase
from meetings.reschedule import Plan, day_shift, mission_reschedule, needs_choice, reschedule_plan
from meetings.services import deleted_missions
from missions.forms import MissionCloneForm, MissionForm, MissionRescheduleForm, MissionSearchForm
from missions.history import user_label
from missions.models import Mission, Phase
from missions.services import coordinator_name, mission_rotate_feed_token, mission_save
from missions.views import (
    add_service_errors,
    get_mission_for_user,
    save_versioned,
    zone_suggestions,
)

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


def _plan_signature(plan: Plan) -> str:
    """What the coordinator saw in the preview: saving applies exactly that, or shows the
    preview again (a new choice, new dates, a meeting moved by somebody else meanwhile)."""
    rows = [(c.obj.pk, c.before, c.after) for c in plan.meetings + plan.stays]
    text = repr((plan.new_zone.key, plan.days, plan.keep, rows))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@login_required
def mission_edit(request, slug: str):
    """Edit a mission. A new zone or first day with meetings or stays to move first shows what
    would change (meetings.reschedule) with the choices; saving then applies that preview."""
    stored = get_mission_for_user(request, slug)
    mission = get_mission_for_user(request, slug)
    form = MissionForm(request.POST or None, instance=mission)
    choice_form = MissionRescheduleForm(request.POST or None)
    conflict = plan = signature = None
    if request.method == "POST" and form.is_valid():
        changed = form.save(commit=False)
        if needs_choice(stored, changed):
            keep, shift = choice_form.choice()
            plan = reschedule_plan(stored=stored, changed=changed, keep=keep, shift=shift)
            signature = _plan_signature(plan)
            confirmed = request.POST.get("previewed") == signature and "preview" not in request.POST

            def save():
                return mission_reschedule(
                    mission=changed, plan=plan, expected_version=form.opened_version
                )
        else:
            confirmed = True

            def save():
                return mission_save(mission=changed, expected_version=form.opened_version)

        if confirmed:
            saved, form, conflict = save_versioned(
                form,
                save,
                rebuild=lambda data: MissionForm(
                    data, instance=get_mission_for_user(request, slug)
                ),
                home_zone=stored.home_tz,
            )
            if saved:
                if plan is not None and plan.changes:
                    messages.success(
                        request,
                        ngettext(
                            "Mission saved; %(count)d meeting or stay moved with it.",
                            "Mission saved; %(count)d meetings and stays moved with it.",
                            len(plan.changes),
                        )
                        % {"count": len(plan.changes)},
                    )
                else:
                    messages.success(request, _("Mission saved."))
                return redirect("meetings:agenda", changed.slug)
            plan = None if conflict else plan
    if plan is not None:
        choice_form = MissionRescheduleForm(
            initial={"keep": plan.keep, "shift": "yes" if shift else "no"}
        )
    context = {
        "form": form,
        # A failed edit must not rename the page header: show the stored mission.
        "mission": stored,
        "zones": zone_suggestions(),
        "conflict": conflict,
        "plan": plan,
        "signature": signature,
        "choice_form": choice_form,
        "new_zone": form.cleaned_data.get("timezone") if plan else None,
        "start_moves_by": day_shift(stored, form.instance) if plan else 0,
        "start_moves_earlier": -day_shift(stored, form.instance) if plan else 0,
        "old_weekday": stored.start_date,
        "new_weekday": form.instance.start_date,
    }
    return render(request, "missions/form.html", context, status=409 if conflict else 200)


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
