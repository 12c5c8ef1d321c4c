"""History of a delegation member, a contact and an organisation, to whom may read it."""

import pytest
from django.urls import reverse

from delegations.services import delegation_remove_member, organisation_save, person_save
from tests.builders import (
    make_coordinator,
    make_member,
    make_mission,
    make_organisation,
    make_person,
)
from tests.history.test_views import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    return make_mission(title="VTM Michigan 2025")


@pytest.fixture
def member(mission):
    return make_member(
        mission, make_person(first_name="Mario", last_name="Rossi", email="mario@example.org")
    )


def change_email_as(client, user, person, email) -> None:
    client.force_login(user)
    response = client.post(
        reverse("delegations:contact_edit", args=[person.pk]),
        {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": email,
            "preferred_language": person.preferred_language,
        },
    )
    assert response.status_code == 302


def test_member_history_tells_their_role_and_email_changes(client, mission, member):
    anna = make_coordinator(mission, first_name="Anna", last_name="Verdi")
    change_email_as(client, anna, member.person, "rossi@example.org")
    client.force_login(anna)
    response = client.post(
        reverse("delegations:member_edit", args=[mission.slug, member.pk]),
        {"role": "head", "arrival_0": "", "arrival_1": "", "departure_0": "", "departure_1": ""},
    )
    assert response.status_code == 302, text(response)[:2000]
    edit = text(client.get(reverse("delegations:member_edit", args=[mission.slug, member.pk])))
    assert "History" in edit
    page = text(client.get(reverse("delegations:member_history", args=[mission.slug, member.pk])))
    assert "History of Mario Rossi" in page
    assert "Role : Delegate → Head of delegation" in page
    assert "E-mail : mario@example.org → rossi@example.org" in page
    assert page.index("Role : Delegate") < page.index("E-mail : mario@")  # newest first
    assert page.split("History of Mario Rossi", 1)[1].count("Anna Verdi") == 2


def test_a_removed_members_history_stays_readable_by_the_missions_coordinators(
    client, mission, member
):
    client.force_login(make_coordinator(mission))
    pk = member.pk
    delegation_remove_member(member=member)
    page = text(client.get(reverse("delegations:member_history", args=[mission.slug, pk])))
    assert "deleted" in page


def test_member_history_is_404_for_other_coordinators_and_other_missions(client, mission, member):
    other = make_mission()
    client.force_login(make_coordinator(other))
    assert (
        client.get(
            reverse("delegations:member_history", args=[mission.slug, member.pk])
        ).status_code
        == 404
    )
    # Not through a mission of theirs either.
    assert (
        client.get(reverse("delegations:member_history", args=[other.slug, member.pk])).status_code
        == 404
    )


def test_a_delegates_contact_history_only_for_their_missions_coordinators(client, mission, member):
    coordinator = make_coordinator(mission)
    change_email_as(client, coordinator, member.person, "rossi@example.org")
    url = reverse("delegations:contact_history", args=[member.person.pk])
    client.force_login(coordinator)
    page = text(client.get(url))
    assert "E-mail : mario@example.org → rossi@example.org" in page
    client.force_login(make_coordinator(make_mission()))
    assert client.get(url).status_code == 404


def test_a_partner_contacts_and_an_organisations_history_for_every_coordinator(client):
    organisation = make_organisation(name="Rivian")
    person = make_person(first_name="Jane", last_name="Doe", organisation=organisation)
    person.position = "VP Manufacturing"
    person_save(person=person)
    organisation.website = "https://rivian.com"
    organisation_save(organisation=organisation)
    client.force_login(make_coordinator())
    page = text(client.get(reverse("delegations:contact_history", args=[person.pk])))
    assert "Position : — → VP Manufacturing" in page
    page = text(client.get(reverse("delegations:organisation_history", args=[organisation.pk])))
    assert "Website : — → https://rivian.com" in page
    client.logout()
    response = client.get(reverse("delegations:contact_history", args=[person.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("changes", [1, 25])
def test_member_history_queries_do_not_grow(
    client, mission, member, django_assert_num_queries, changes
):
    client.force_login(make_coordinator(mission))
    person = member.person
    for n in range(changes):
        person.phone = f"+39 {n}"
        person_save(person=person)
    url = reverse("delegations:member_history", args=[mission.slug, member.pk])
    client.get(url)
    # 1 session, 2 user, 3 mission, 4 member records, 5 contact card records, 6 people named,
    # 7 the latest programme version with its pending count (the bar).
    with django_assert_num_queries(7):
        response = client.get(url)
    assert text(response).count("Phone") == changes
