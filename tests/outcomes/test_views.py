"""The outcome page of a meeting and the follow-up forms, as a coordinator sees them."""

import re

import pytest
from django.urls import reverse

from meetings.services import meeting_cancel
from outcomes.models import FollowUp, Outcome
from outcomes.services import outcome_save
from tests.builders import make_member
from tests.outcomes.helpers import add_follow_up, text

pytestmark = pytest.mark.django_db


def outcome_url(meeting):
    return reverse("outcomes:outcome", args=[meeting.mission.slug, meeting.pk])


def test_the_outcome_page_shows_the_meeting_and_saves_the_outcome(anna, world):
    page = text(anna.get(outcome_url(world.meeting)))
    assert "Outcome of “Meeting with Rivian”" in page
    assert "Tuesday 22 April 2025, 15:30–16:30 (America/Detroit)" in page
    assert "21:30 Rome" in page
    assert "Partners Rivian , Carlo Materazzo" in page  # a link, then a comma
    assert "Delegation Stefano Geuna" in page
    assert "Internal to the agency: never shown to delegates" in page

    response = anna.post(
        outcome_url(world.meeting),
        {
            "held": "held",
            "interest": "high",
            "summary": "Rivian will visit Turin.",
            "next_steps": "Dates by May.",
            "notable": "on",
        },
        follow=True,
    )
    page = text(response)
    assert "Outcome of “Meeting with Rivian” saved." in page
    assert "Recorded by Anna Ferrero" in page
    stored = Outcome.objects.get(meeting=world.meeting)
    assert (stored.held, stored.interest, stored.summary, stored.notable) == (
        "held",
        "high",
        "Rivian will visit Turin.",
        True,
    )
    # The agenda shows a badge on the row.
    agenda = text(anna.get(reverse("meetings:agenda", args=[world.mission.slug])))
    assert "Meeting with Rivian B2B meeting Confirmed Held · interest high ★ Notable" in agenda


def test_a_meeting_not_yet_held_says_so_and_nothing_is_saved(client, world):
    client.force_login(world.bruno)
    url = outcome_url(world.future)
    page = text(client.get(url))
    assert "This meeting has not taken place yet (it starts on Tuesday 21 April 2099, 10:00" in page
    assert "Save outcome" not in page
    response = client.post(url, {"held": "held", "summary": "Too early"})
    assert response.status_code == 200
    assert "This meeting has not taken place yet" in text(response)
    assert not Outcome.objects.exists()


def test_held_for_a_cancelled_meeting_is_refused_next_to_the_field(anna, world):
    meeting_cancel(meeting=world.meeting)
    response = anna.post(outcome_url(world.meeting), {"held": "held", "summary": "x"})
    html = response.content.decode()
    field = html[html.index('id="div_id_held"') :][:3000]
    assert "This meeting was cancelled: it cannot have been held." in field
    assert not Outcome.objects.exists()


def test_an_outcome_changed_meanwhile_shows_the_conflict_and_keeps_the_typed_text(anna, world):
    outcome_save(meeting=world.meeting, summary="First")
    outcome_save(meeting=world.meeting, summary="Changed by Bruno")
    response = anna.post(
        outcome_url(world.meeting), {"held": "held", "summary": "Mine", "version": "1"}
    )
    assert response.status_code == 409
    page = text(response)
    assert "while you were editing" in page
    assert "Changed by Bruno" in page
    assert "Mine</textarea>" in response.content.decode()
    assert Outcome.objects.get().summary == "Changed by Bruno"


def test_another_coordinator_gets_404(client, world):
    client.force_login(world.bruno)
    assert client.get(outcome_url(world.meeting)).status_code == 404
    follow_up = add_follow_up(world.mission)
    url = reverse("outcomes:follow_up_edit", args=[world.mission.slug, follow_up.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "Hijacked"}).status_code == 404
    assert FollowUp.objects.get().action == "Call back"


def test_add_a_follow_up_from_the_outcome_page(anna, world):
    page = anna.get(outcome_url(world.meeting)).content.decode()
    # The owner select: coordinators and delegates in two groups, Anna chosen by default.
    assert re.search(r'<optgroup label="Coordinators">\s*<option value="user-\d+"', page)
    assert '<optgroup label="Delegation">' in page
    response = anna.post(
        reverse("outcomes:follow_up_create", args=[world.mission.slug])
        + f"?meeting={world.meeting.pk}",
        {
            "action": "Send the supplier list",
            "owner": f"member-{world.stefano.pk}",
            "meeting": world.meeting.pk,
            "organisation": world.rivian.pk,
            "due_date": "2025-05-15",
            "status": "open",
            "next": outcome_url(world.meeting),
        },
        follow=True,
    )
    page = text(response)
    assert "Follow-up “Send the supplier list” added." in page
    assert "Send the supplier list Overdue Stefano Geuna · due 15 May 2025 · Rivian" in page
    follow_up = FollowUp.objects.get()
    assert (follow_up.owner_member, follow_up.owner_user) == (world.stefano, None)


def test_bad_follow_up_input_is_refused_next_to_each_field(anna, world):
    outsider = make_member(world.other)
    response = anna.post(
        reverse("outcomes:follow_up_create", args=[world.mission.slug]),
        {
            "action": "Too early",
            "owner": f"member-{outsider.pk}",
            "meeting": world.meeting.pk,
            "due_date": "2025-04-01",
            "status": "open",
        },
    )
    html = response.content.decode()
    assert "Choose one of the mission&#x27;s coordinators or delegates." in html
    assert not FollowUp.objects.exists()
    response = anna.post(
        reverse("outcomes:follow_up_create", args=[world.mission.slug]),
        {
            "action": "Too early",
            "owner": f"user-{world.anna.pk}",
            "meeting": world.meeting.pk,
            "due_date": "2025-04-01",
            "status": "open",
        },
    )
    html = response.content.decode()
    due = html[html.index('id="div_id_due_date"') :][:2000]
    assert "The due date is before the meeting (2025-04-22)." in due
    assert not FollowUp.objects.exists()


def test_absurd_input_is_a_form_error_never_a_500(anna, world):
    url = reverse("outcomes:follow_up_create", args=[world.mission.slug])
    for data in (
        {"action": "x\x00y", "status": "open"},
        {"action": "x" * 5000, "status": "open", "due_date": "9999-12-31"},
        {"action": "ok", "status": "open", "meeting": "99999999999999999999"},
        {"action": "ok", "status": "open", "owner": "user-99999999999999999999"},
        {"action": "ok", "status": "sideways", "organisation": "-1"},
    ):
        response = anna.post(url, data)
        assert response.status_code == 200, data
        assert "is-invalid" in response.content.decode()
    assert anna.get(url, {"meeting": "99999999999999999999"}).status_code == 200
    assert not FollowUp.objects.exists()


def test_edit_and_delete_a_follow_up(anna, world):
    follow_up = add_follow_up(world.mission, meeting=world.meeting, owner_user=world.anna)
    url = reverse("outcomes:follow_up_edit", args=[world.mission.slug, follow_up.pk])
    page = text(anna.get(url))
    assert "Edit follow-up" in page
    assert "From the meeting “Meeting with Rivian”." in page
    response = anna.post(
        url,
        {"action": "Call Carlo", "owner": f"user-{world.anna.pk}", "status": "open", "version": 1},
        follow=True,
    )
    assert "Follow-up “Call Carlo” saved." in text(response)
    # A stale form: the conflict panel, nothing changed.
    response = anna.post(url, {"action": "Stale", "owner": "", "status": "open", "version": 1})
    assert response.status_code == 409
    assert FollowUp.objects.get().action == "Call Carlo"
    delete = reverse("outcomes:follow_up_delete", args=[world.mission.slug, follow_up.pk])
    response = anna.post(delete, {"version": 1}, follow=True)
    assert "was changed by somebody else meanwhile" in text(response)
    response = anna.post(delete, {"version": 2}, follow=True)
    assert "Follow-up “Call Carlo” deleted." in text(response)
    assert not FollowUp.objects.exists()


def test_the_meeting_page_links_to_its_outcome(anna, world):
    outcome_save(meeting=world.meeting, summary="Good talk", interest="medium")
    page = text(anna.get(reverse("meetings:edit", args=[world.mission.slug, world.meeting.pk])))
    assert "Outcome Held · interest medium Good talk Outcome and follow-ups" in page
