"""Two coordinators editing one mission, delegate or directory entry: nothing is lost."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from delegations.models import DelegationMember, Organisation, Person
from missions.models import Mission
from tests.builders import (
    make_coordinator,
    make_member,
    make_mission,
    make_organisation,
    make_person,
)
from tests.formdata import form_fields, opened

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    return make_mission(title="VTM Michigan 2025", slug="vtm-michigan-2025")


def login(mission, **fields) -> Client:
    client = Client()
    client.force_login(make_coordinator(mission, **fields))
    return client


@pytest.fixture
def anna(mission):
    return login(mission, username="anna", first_name="Anna", last_name="Ferrero")


@pytest.fixture
def bruno(mission):
    return login(mission, username="bruno", first_name="Bruno", last_name="Gallo")


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def race(anna, bruno, url, form_id, anna_changes, bruno_changes):
    """Both open the form; Anna saves first; returns Bruno's answer and his posted data."""
    anna_form, bruno_form = opened(anna, url, form_id), opened(bruno, url, form_id)
    response = anna.post(url, {**anna_form, **anna_changes})
    assert response.status_code == 302, response.content.decode()[:2000]
    bruno_form.update(bruno_changes)
    return bruno.post(url, bruno_form), bruno_form


def save_again(client, url, response, form_id):
    """Press "Save my version": post the re-rendered form as it is."""

    return client.post(url, form_fields(response.content.decode(), form_id))


def test_mission_edit(anna, bruno, mission):
    url = reverse("missions:edit", args=[mission.slug])
    response, _ = race(
        anna, bruno, url, "mission-form", {"city": "Detroit"}, {"organiser": "Ceipiemonte"}
    )
    assert response.status_code == 409
    page = text(response)
    assert "Anna Ferrero saved this mission at" in page
    assert [(c.label, c.stored, c.typed) for c in response.context["conflict"].changes] == [
        ("City", "Detroit", "Pontiac")
    ]
    assert 'value="Ceipiemonte"' in page
    assert Mission.objects.get(pk=mission.pk).organiser == ""
    # Bruno keeps Anna's city, then saves his version deliberately.

    again = form_fields(response.content.decode(), "mission-form")
    assert again["version"] == "2"
    assert bruno.post(url, {**again, "city": "Detroit"}).status_code == 302
    stored = Mission.objects.get(pk=mission.pk)
    assert (stored.city, stored.organiser, stored.version) == ("Detroit", "Ceipiemonte", 3)


def test_delegation_member_edit(anna, bruno, mission):
    member = make_member(mission)
    url = reverse("delegations:member_edit", args=[mission.slug, member.pk])
    response, _ = race(
        anna,
        bruno,
        url,
        "member-form",
        {"arrival_0": "2025-04-21", "arrival_1": "18:30"},
        {"notes": "Vegetarian", "role": "head"},
    )
    assert response.status_code == 409
    page = text(response)
    assert "Anna Ferrero saved this delegation member at" in page
    # Arrival in Detroit time, as typed.
    assert [(c.label, c.stored, c.typed) for c in response.context["conflict"].changes] == [
        ("Arrival", "Mon 21 Apr 2025 18:30", "—")
    ]
    stored = DelegationMember.objects.get(pk=member.pk)
    assert (stored.notes, stored.role, stored.version) == ("", "delegate", 2)
    assert "Vegetarian" in page
    assert save_again(bruno, url, response, "member-form").status_code == 302
    stored = DelegationMember.objects.get(pk=member.pk)
    # "Save my version" saved everything in his form: arrival empty, as he had it.
    assert (stored.notes, stored.role, stored.arrival) == ("Vegetarian", "head", None)


def test_a_rotated_link_meanwhile_stops_a_member_save_but_no_field_differs(anna, bruno, mission):
    member = make_member(mission)
    url = reverse("delegations:member_edit", args=[mission.slug, member.pk])
    bruno_form = opened(bruno, url, "member-form")
    anna.post(reverse("delegations:member_rotate_token", args=[mission.slug, member.pk]))
    token = DelegationMember.objects.get(pk=member.pk).token
    response = bruno.post(url, {**bruno_form, "notes": "Vegetarian"})
    assert response.status_code == 409
    assert "None of the fields in this form changed meanwhile" in text(response)
    assert save_again(bruno, url, response, "member-form").status_code == 302
    stored = DelegationMember.objects.get(pk=member.pk)
    assert (stored.notes, stored.token) == ("Vegetarian", token)


def test_contact_edit(anna, bruno, mission):
    person = make_person(first_name="Carlo", last_name="Materazzo")
    url = reverse("delegations:contact_edit", args=[person.pk])
    response, _ = race(
        anna,
        bruno,
        url,
        "contact-form",
        {"email": "carlo@rivian.example.org"},
        {"phone": "+1 313 555 0100"},
    )
    assert response.status_code == 409
    assert "Anna Ferrero saved this person at" in text(response)
    [change] = response.context["conflict"].changes
    assert (change.label, change.stored) == ("E-mail", "carlo@rivian.example.org")
    stored = Person.objects.get(pk=person.pk)
    assert (stored.email, stored.phone) == ("carlo@rivian.example.org", "")
    assert f'href="{url}">Discard my changes' in text(response)


def test_organisation_edit(anna, bruno, mission):
    organisation = make_organisation(name="Rivian Automotive", city="Irvine")
    url = reverse("delegations:organisation_edit", args=[organisation.pk])
    response, _ = race(
        anna,
        bruno,
        url,
        "organisation-form",
        {"city": "Normal"},
        {"sector": "Electric vehicles"},
    )
    assert response.status_code == 409
    page = text(response)
    assert "Anna Ferrero saved this organisation at" in page
    [change] = response.context["conflict"].changes
    assert (change.label, change.stored, change.typed) == ("City", "Normal", "Irvine")
    assert 'value="Electric vehicles"' in page
    assert Organisation.objects.get(pk=organisation.pk).sector == ""
    assert save_again(bruno, url, response, "organisation-form").status_code == 302
    stored = Organisation.objects.get(pk=organisation.pk)
    assert (stored.city, stored.sector, stored.version) == ("Irvine", "Electric vehicles", 3)
