"""The rules of outcome_save and follow_up_save: the message next to the field, nothing saved."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from meetings.models import Meeting
from meetings.services import meeting_cancel
from missions.concurrency import EditConflict
from outcomes.models import FollowUp, Interest, Outcome
from outcomes.services import (
    follow_up_delete,
    follow_up_save,
    follow_up_set_status,
    outcome_save,
)
from tests.builders import make_member, make_user
from tests.outcomes.helpers import add_follow_up

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> dict:
    return {name: " ".join(items) for name, items in error.message_dict.items()}


def test_an_outcome_is_recorded_once_per_meeting_with_who_recorded_it(world):
    outcome = outcome_save(
        meeting=world.meeting,
        user=world.anna,
        held=Outcome.Held.HELD,
        interest=Interest.HIGH,
        summary="Rivian wants to meet the supply chain in Turin.",
    )
    again = outcome_save(meeting=world.meeting, user=world.anna, interest=Interest.MEDIUM)
    assert again.pk == outcome.pk
    stored = Outcome.objects.get(meeting=world.meeting)
    assert (stored.interest, stored.summary, stored.recorded_by) == (
        "medium",
        "Rivian wants to meet the supply chain in Turin.",
        world.anna,
    )
    assert stored.version == 2
    assert [r.history_type for r in stored.history.order_by("history_id")] == ["+", "~"]


def test_no_outcome_before_the_meeting_starts_and_the_message_says_when_in_its_zone(world):
    # 09:59 in Hannover (CEST, UTC+2) on the day: one minute early.
    early = datetime(2099, 4, 21, 7, 59, tzinfo=UTC)
    with pytest.raises(ValidationError) as error:
        outcome_save(meeting=world.future, summary="Too soon", now=early)
    assert messages(error.value) == {
        NON_FIELD_ERRORS: "This meeting has not taken place yet "
        "(it starts on Tuesday 21 April 2099, 10:00 Europe/Berlin)."
    }
    assert not Outcome.objects.exists()
    # From its start on, it may be recorded.
    started = datetime(2099, 4, 21, 8, 0, tzinfo=UTC)
    assert outcome_save(meeting=world.future, summary="Opened", now=started).summary == "Opened"


def test_a_cancelled_meeting_cannot_have_been_held(world):
    meeting_cancel(meeting=world.meeting)
    meeting = Meeting.objects.get(pk=world.meeting.pk)
    with pytest.raises(ValidationError) as error:
        outcome_save(meeting=meeting, held=Outcome.Held.HELD, summary="x")
    assert messages(error.value) == {
        "held": "This meeting was cancelled: it cannot have been held."
    }
    assert not Outcome.objects.exists()
    saved = outcome_save(meeting=meeting, held=Outcome.Held.CANCELLED, summary="Moved to May")
    assert saved.get_held_display() == "Not held: cancelled"


def test_an_outcome_saved_meanwhile_is_not_overwritten(world):
    outcome = outcome_save(meeting=world.meeting, summary="First")
    outcome_save(meeting=world.meeting, summary="Second", version=outcome.version)
    with pytest.raises(EditConflict):
        outcome_save(meeting=world.meeting, summary="Stale", version=outcome.version)
    assert Outcome.objects.get().summary == "Second"


def test_a_follow_up_due_before_its_meeting_is_refused_next_to_the_due_date(world):
    with pytest.raises(ValidationError) as error:
        add_follow_up(world.mission, meeting=world.meeting, due_date=date(2025, 4, 21))
    assert messages(error.value) == {"due_date": "The due date is before the meeting (2025-04-22)."}
    assert not FollowUp.objects.exists()
    # The meeting's own day (in Detroit) is fine.
    add_follow_up(world.mission, meeting=world.meeting, due_date=date(2025, 4, 22))
    assert FollowUp.objects.count() == 1


def test_a_follow_up_owner_must_belong_to_the_mission(world):
    outsider = make_member(world.other)
    with pytest.raises(ValidationError) as error:
        add_follow_up(world.mission, owner_member=outsider)
    assert messages(error.value) == {
        "owner_member": "This delegate is not in the mission's delegation."
    }
    with pytest.raises(ValidationError) as error:
        add_follow_up(world.mission, owner_user=world.bruno)
    assert messages(error.value) == {
        "owner_user": "This person is not a coordinator of the mission."
    }
    assert not FollowUp.objects.exists()


def test_a_follow_up_meeting_of_another_mission_is_refused(world):
    with pytest.raises(ValidationError) as error:
        add_follow_up(world.mission, meeting=world.future)
    assert messages(error.value) == {"meeting": "This meeting belongs to another mission."}


def test_absurd_due_dates_are_refused(world):
    with pytest.raises(ValidationError) as error:
        add_follow_up(world.mission, due_date=date(9999, 12, 31))
    assert messages(error.value) == {"due_date": "Choose a due date between 2000 and 2100."}


def test_setting_one_owner_clears_the_other(world):
    follow_up = add_follow_up(world.mission, owner_member=world.stefano)
    follow_up_save(follow_up=follow_up, owner_user=world.anna)
    stored = FollowUp.objects.get()
    assert (stored.owner_user, stored.owner_member, stored.owner_label) == (
        world.anna,
        None,
        "Anna Ferrero",
    )


def test_status_changes_check_the_version(world):
    follow_up = add_follow_up(world.mission, owner_user=world.anna)
    follow_up_set_status(follow_up=follow_up, status="done", version=1)
    stale = FollowUp.objects.get()
    stale.version = 1
    with pytest.raises(EditConflict):
        follow_up_set_status(follow_up=stale, status="dropped", version=1)
    assert FollowUp.objects.get().status == "done"
    with pytest.raises(ValidationError):
        follow_up_set_status(follow_up=FollowUp.objects.get(), status="lost")


def test_delete_refuses_a_changed_follow_up(world):
    follow_up = add_follow_up(world.mission)
    follow_up_save(follow_up=FollowUp.objects.get(), action="Changed")
    with pytest.raises(EditConflict):
        follow_up_delete(follow_up=follow_up, version=1)
    follow_up_delete(follow_up=follow_up, version=2)
    assert not FollowUp.objects.exists()


def test_unknown_fields_are_a_programming_error(world):
    with pytest.raises(TypeError):
        outcome_save(meeting=world.meeting, colour="red")
    with pytest.raises(TypeError):
        follow_up_save(follow_up=FollowUp(mission=world.mission), colour="red")
    assert make_user()  # nothing else was touched
