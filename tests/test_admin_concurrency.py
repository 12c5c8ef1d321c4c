"""No lost edits in the admin: a stale save is a form error that says what changed."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from delegations.models import DelegationMember, Organisation, Person
from delegations.services import delegation_member_save, organisation_save, person_save
from meetings.models import Meeting
from meetings.services import meeting_save
from missions.concurrency import VersionedFormMixin
from missions.models import Mission
from missions.services import mission_save
from tests.builders import local, make_meeting, make_member, make_mission, make_organisation
from tests.formdata import form_fields, opened

pytestmark = pytest.mark.django_db


def admin_client(django_user_model, username, first_name) -> Client:
    user = django_user_model.objects.create_superuser(
        username, f"{username}@example.org", "pw", first_name=first_name, last_name="Admin"
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def anna(django_user_model):
    return admin_client(django_user_model, "anna", "Anna")


@pytest.fixture
def bruno(django_user_model):
    return admin_client(django_user_model, "bruno", "Bruno")


@pytest.fixture
def meeting():
    mission = make_mission()
    return make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15), title="GM"
    )


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_stale_admin_save_is_a_form_error_and_saving_again_applies_it(anna, bruno, meeting):
    url = change_url(meeting)
    anna_form, bruno_form = opened(anna, url, "meeting_form"), opened(bruno, url, "meeting_form")
    assert bruno_form["version"] == "1"
    assert anna.post(url, {**anna_form, "title": "GM at Warren"}).status_code == 302

    response = bruno.post(url, {**bruno_form, "description": "Two follow-ups"})

    assert response.status_code == 200
    page = text(response)
    assert "Anna Admin saved this meeting at" in page
    assert "Title is now “GM at Warren” (your form: “GM”)" in page
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.title, stored.description, stored.version) == ("GM at Warren", "", 2)
    again = form_fields(response.content.decode(), "meeting_form")
    assert (again["version"], again["description"]) == ("2", "Two follow-ups")
    assert bruno.post(url, again).status_code == 302
    stored = Meeting.objects.get(pk=meeting.pk)
    # Saving his version again put back his whole form, his title included: deliberately.
    assert (stored.title, stored.description, stored.version) == ("GM", "Two follow-ups", 3)


def test_a_race_between_validation_and_save_is_a_form_error_not_a_500(anna, meeting, monkeypatch):
    url = change_url(meeting)
    form = opened(anna, url, "meeting_form")
    # Another coordinator's save commits after this form was validated, before it is saved:
    # the form's own check is made to run "too early" once (it sees nothing yet).
    other = Meeting.objects.get(pk=meeting.pk)
    other.internal_notes = "Bring the badges"
    meeting_save(meeting=other)
    real_check = VersionedFormMixin._check_stored_version
    calls = []

    def validated_before_the_other_save(self):
        calls.append(True)
        if len(calls) > 1:
            real_check(self)

    monkeypatch.setattr(
        VersionedFormMixin, "_check_stored_version", validated_before_the_other_save
    )
    response = anna.post(url, {**form, "description": "Signed"})

    assert response.status_code == 200
    assert len(calls) == 2  # refused by the service, then shown again with the error
    page = text(response)
    # Saved by a script here (no user on record): "Somebody".
    assert "Somebody saved this meeting at" in page
    assert "Internal notes is now “Bring the badges”" in page
    stored = Meeting.objects.get(pk=meeting.pk)
    stored_values = (stored.description, stored.internal_notes, stored.version)
    assert stored_values == ("", "Bring the badges", 2)


@pytest.mark.parametrize("kind", ["mission", "organisation", "person", "delegationmember"])
def test_every_versioned_admin_refuses_a_stale_save(anna, kind):
    mission = make_mission()
    member = make_member(mission, notes="")
    obj, field, value, save = {
        "mission": (mission, "city", "Detroit", lambda o: mission_save(mission=o)),
        "organisation": (
            make_organisation(),
            "city",
            "Turin",
            lambda o: organisation_save(organisation=o),
        ),
        "person": (member.person, "phone", "+39 011", lambda o: person_save(person=o)),
        "delegationmember": (
            member,
            "notes",
            "Vegetarian",
            lambda o: delegation_member_save(member=o),
        ),
    }[kind]
    url = change_url(obj)
    form = opened(anna, url, f"{obj._meta.model_name}_form")
    assert form["version"] == "1"
    other = type(obj).objects.get(pk=obj.pk)
    setattr(other, field, value)
    save(other)

    response = anna.post(url, form)

    assert response.status_code == 200
    assert "saved this" in text(response) and "while you were editing" in text(response)
    assert getattr(type(obj).objects.get(pk=obj.pk), field) == value


def test_a_stale_inline_delegate_row_is_refused_but_untouched_rows_do_not_block(anna):
    mission = make_mission()
    member = make_member(mission)
    url = change_url(mission)
    form = opened(anna, url, "mission_form")
    other = DelegationMember.objects.get(pk=member.pk)
    other.notes = "Changed in the planner"
    delegation_member_save(member=other)

    # The delegate row untouched: the mission saves.
    assert anna.post(url, {**form, "city": "Detroit"}).status_code == 302
    form = opened(anna, url, "mission_form")
    other.role = "head"
    delegation_member_save(member=other)
    row = next(name for name in form if name.endswith("-role"))
    response = anna.post(url, {**form, row: "staff"})

    assert response.status_code == 200
    assert "saved this delegation member at" in text(response)
    assert DelegationMember.objects.get(pk=member.pk).role == "head"


def test_a_new_object_in_the_admin_starts_at_version_1(anna):
    url = reverse("admin:delegations_organisation_add")
    form = opened(anna, url, "organisation_form")
    response = anna.post(url, {**form, "name": "Comerica Bank", "kind": "bank"})
    assert response.status_code == 302
    assert Organisation.objects.get(name="Comerica Bank").version == 1
    assert Person.objects.count() == 0 and Mission.objects.count() == 0
