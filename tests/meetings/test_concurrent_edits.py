"""Two coordinators editing one meeting: the second to save sees what changed, loses nothing."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from meetings.models import Meeting
from meetings.services import meeting_save
from tests.builders import local, make_coordinator, make_meeting, make_member, make_mission
from tests.formdata import opened

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    return make_mission(title="VTM Michigan 2025", slug="vtm-michigan-2025")


@pytest.fixture
def meeting(mission):
    return make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        title="Meeting with Rivian",
    )


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


def edit_url(meeting) -> str:
    return reverse("meetings:edit", args=[meeting.mission.slug, meeting.pk])


def opened_form(client, meeting) -> dict:
    """What the browser posts back: the meeting form as rendered, version included."""
    return opened(client, edit_url(meeting), "meeting-form")


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_edit_form_carries_the_version_it_was_opened_at(anna, meeting):
    response = anna.get(edit_url(meeting))
    assert '<input type="hidden" name="version" value="1"' in response.content.decode()


def test_second_save_sees_the_first_change_and_nothing_is_lost(anna, bruno, meeting):
    anna_form, bruno_form = opened_form(anna, meeting), opened_form(bruno, meeting)

    anna_form["start_1"], anna_form["end_1"] = "16:00", "17:00"
    assert anna.post(edit_url(meeting), anna_form).status_code == 302

    bruno_form["description"] = "Follow-up call in May"
    response = bruno.post(edit_url(meeting), bruno_form)

    assert response.status_code == 409
    page = text(response)
    assert "Anna Ferrero saved this meeting at" in page
    assert "while you were editing" in page
    changes = response.context["conflict"].changes
    # Only Anna's change is listed, times in Detroit time: stored now vs what Bruno's form says.
    assert [(c.label, c.stored, c.typed) for c in changes] == [
        ("Starts", "Tue 22 Apr 2025 16:00", "Tue 22 Apr 2025 14:00"),
        ("Ends", "Tue 22 Apr 2025 17:00", "Tue 22 Apr 2025 15:00"),
    ]
    assert "Save my version" in page and "Discard my changes" in page
    # Bruno's typing is still in the form, which now carries the current version.
    assert "Follow-up call in May" in page
    assert '<input type="hidden" name="version" value="2"' in page
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.local_start.hour, stored.description, stored.version) == (16, "", 2)


def test_saving_again_after_the_conflict_applies_it_deliberately(anna, bruno, meeting):
    anna_form, bruno_form = opened_form(anna, meeting), opened_form(bruno, meeting)
    anna_form["title"] = "Rivian: plant tour"
    anna.post(edit_url(meeting), anna_form)
    bruno_form["description"] = "Follow-up call in May"
    conflict = bruno.post(edit_url(meeting), bruno_form)
    assert conflict.status_code == 409

    # "Save my version": the form as re-rendered, posted again. Bruno may first take
    # Anna's title into his form; here he does.
    again = dict(bruno_form, version="2", title="Rivian: plant tour")
    response = bruno.post(edit_url(meeting), again)

    assert response.status_code == 302
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.title, stored.description, stored.version) == (
        "Rivian: plant tour",
        "Follow-up call in May",
        3,
    )


def test_discard_link_reloads_the_stored_meeting(anna, bruno, meeting):
    anna_form, bruno_form = opened_form(anna, meeting), opened_form(bruno, meeting)
    anna_form["title"] = "Rivian: plant tour"
    anna.post(edit_url(meeting), anna_form)
    bruno_form["title"] = "Rivian (Bruno)"
    response = bruno.post(edit_url(meeting), bruno_form)
    assert f'href="{edit_url(meeting)}">Discard my changes' in text(response)
    reloaded = bruno.get(edit_url(meeting))
    assert 'value="Rivian: plant tour"' in reloaded.content.decode()


def test_a_stale_form_cannot_put_back_removed_attendees(anna, bruno, mission, meeting):
    members = [make_member(mission) for _ in range(7)]
    meeting_save(meeting=meeting, attendees=members)
    anna_form, bruno_form = opened_form(anna, meeting), opened_form(bruno, meeting)
    assert len(bruno_form["attendees"]) == 7

    anna_form["attendees"] = []
    assert anna.post(edit_url(meeting), anna_form).status_code == 302
    bruno_form["title"] = "Rivian, with the delegation"
    response = bruno.post(edit_url(meeting), bruno_form)

    assert response.status_code == 409
    [change] = response.context["conflict"].changes
    assert change.label == "Delegation attendees"
    assert change.stored == "—"
    assert change.typed == ", ".join(sorted(m.person.full_name for m in members))
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.attendees.count(), stored.title) == (0, "Meeting with Rivian")


def test_a_save_without_a_concurrent_change_still_just_saves(anna, meeting):
    form = opened_form(anna, meeting)
    form["title"] = "Renamed"
    assert anna.post(edit_url(meeting), form).status_code == 302
    form = opened_form(anna, meeting)
    form["title"] = "Renamed twice"
    assert anna.post(edit_url(meeting), form).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).version == 3


def test_a_garbled_version_is_refused_with_a_message(anna, meeting):
    form = dict(opened_form(anna, meeting), version="²", title="Changed")
    response = anna.post(edit_url(meeting), form)
    assert response.status_code == 200
    assert "This form is out of date or damaged: reload the page and try again." in text(response)
    assert Meeting.objects.get(pk=meeting.pk).title == "Meeting with Rivian"


def test_delete_of_a_meeting_changed_after_the_confirmation_shows_it_again(anna, bruno, meeting):
    delete_url = reverse("meetings:delete", args=[meeting.mission.slug, meeting.pk])
    confirm = anna.get(delete_url)
    assert '<input type="hidden" name="version" value="1">' in confirm.content.decode()
    bruno_form = opened_form(bruno, meeting)
    bruno_form["title"] = "Rivian: moved to the plant"
    bruno.post(edit_url(meeting), bruno_form)

    response = anna.post(delete_url, {"version": "1"})

    assert response.status_code == 409
    page = text(response)
    assert "Not deleted: Bruno Gallo changed this meeting after you opened this page." in page
    assert "Delete “Rivian: moved to the plant”?" in page
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert anna.post(delete_url, {"version": "2"}).status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


def test_cancel_from_a_stale_page_cancels_and_keeps_the_other_change(anna, bruno, meeting):
    bruno_form = opened_form(bruno, meeting)
    anna.get(edit_url(meeting))
    bruno_form["description"] = "Letter of intent"
    bruno.post(edit_url(meeting), bruno_form)
    anna.post(reverse("meetings:cancel", args=[meeting.mission.slug, meeting.pk]))
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.status, stored.description) == ("cancelled", "Letter of intent")


def test_the_live_check_says_when_somebody_saved_since_the_form_was_opened(anna, bruno, meeting):
    check_url = reverse("meetings:check_existing", args=[meeting.mission.slug, meeting.pk])
    bruno_form = opened_form(bruno, meeting)
    assert "saved this meeting" not in text(bruno.post(check_url, bruno_form))
    anna_form = opened_form(anna, meeting)
    anna.post(edit_url(meeting), {**anna_form, "title": "Rivian: plant tour"})

    response = bruno.post(check_url, {**bruno_form, "description": "typing…"})

    assert response.status_code == 200
    assert "Anna Ferrero saved this meeting at" in text(response)
    assert "after you opened it. When you save, you will see what changed and choose." in text(
        response
    )
