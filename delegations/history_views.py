"""History of a delegation member (with their contact card), a contact and an organisation.

A member's history is mission-scoped (its coordinators and superusers, 404 for anyone
else); a contact's is readable where the contact is: a delegate's only by the coordinators
of their missions, a partner contact's and an organisation's by every coordinator.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from delegations.models import DelegationMember, Organisation, Person
from missions.history import Names, history_entries
from missions.localtime import zone_city
from missions.models import Mission
from missions.views import get_mission_for_user

# The agency's own zone (a mission's default home zone): directory pages have no mission.
DIRECTORY_ZONE = Mission._meta.get_field("home_timezone").default


def _names() -> Names:
    return Names({DelegationMember: DelegationMember.objects.select_related("person")})


def _records(history_queryset) -> list:
    return list(history_queryset.select_related("history_user").order_by("-history_id"))


def _page(request, *, title, subject, back_url, entries, zone, mission=None):
    context = {
        "title": title,
        "subject": subject,
        "back_url": back_url,
        "entries": entries,
        "zone": zone,
        "home_zone": mission.home_timezone if mission else None,
        "home_label": zone_city(mission.home_timezone) if mission else "",
        "mission": mission,
    }
    return render(request, "delegations/history.html", context)


@login_required
@require_safe
def member_history(request, slug: str, pk: int):
    mission = get_mission_for_user(request, slug)
    records = _records(DelegationMember.history.filter(id=pk, mission_id=mission.pk))
    if not records:
        raise Http404
    names = _names()
    person_id = records[0].person_id
    names.want(Person, [person_id])
    entries = [
        *history_entries(records, zone=mission.tz, names=names),
        *history_entries(
            _records(Person.history.filter(id=person_id)), zone=mission.tz, names=names
        ),
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    name = names.name(Person, person_id)
    return _page(
        request,
        title=name,
        subject=name,
        back_url=reverse("delegations:roster", args=[mission.slug]),
        entries=entries,
        zone=mission.timezone,
        mission=mission,
    )


@login_required
@require_safe
def contact_history(request, pk: int):
    # A delegate of another coordinator's mission: 404, as everywhere (docs/permissions.md).
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    return _page(
        request,
        title=person.full_name,
        subject=person.full_name,
        back_url=reverse("delegations:contact_edit", args=[person.pk]),
        entries=history_entries(_records(Person.history.filter(id=pk)), zone=None, names=_names()),
        zone=DIRECTORY_ZONE,
    )


@login_required
@require_safe
def organisation_history(request, pk: int):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)
    return _page(
        request,
        title=organisation.name,
        subject=organisation.name,
        back_url=reverse("delegations:organisation", args=[organisation.pk]),
        entries=history_entries(
            _records(Organisation.history.filter(id=pk)), zone=None, names=_names()
        ),
        zone=DIRECTORY_ZONE,
    )
