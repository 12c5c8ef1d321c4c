"""The matchmaking foundation: slots of a day (breaks, DST), participants on both sides, and
requests with their rules (oneself, own organisation, duplicates, limits, mutual, closed)."""

from datetime import UTC, date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from matchmaking.models import MeetingRequest, Participant, Session, SessionBreak, SessionDay
from matchmaking.services import (
    participant_add_member,
    participant_add_visitor,
    participant_remove,
    participant_set_absences,
    request_create,
    request_decide,
    request_withdraw,
    session_day_save,
    session_save,
    tables_add,
)
from matchmaking.slots import session_slots
from tests.builders import local, make_member, make_mission, make_organisation, make_person

pytestmark = pytest.mark.django_db


def _torino(**fields):
    values = {
        "title": "VTM Torino 2026",
        "city": "Torino",
        "country": "Italy",
        "timezone": "Europe/Rome",
        "start_date": date(2026, 3, 28),
        "end_date": date(2026, 3, 30),
    }
    values.update(fields)
    return make_mission(**values)


def _session(mission=None, **fields) -> Session:
    return session_save(session=Session(mission=mission or _torino(), **fields))


def _day(session, day, start, end, breaks=()):
    return session_day_save(
        day=SessionDay(session=session, date=day, start=start, end=end),
        breaks=[SessionBreak(start=a, end=b) for a, b in breaks],
    )


def _pair(session):
    home, away = make_organisation(name="Piemonte Gears"), make_organisation(name="Rivian")
    member = make_member(session.mission, make_person(organisation=home))
    supplier = participant_add_member(session=session, member=member)
    visitor = participant_add_visitor(session=session, person=make_person(organisation=away))
    return supplier, visitor


def _local_times(session):
    zone = session.mission.tz
    return [slot.local_start(zone).strftime("%d %H:%M") for slot in session_slots(session)]


def test_slots_skip_the_lunch_break_and_stop_before_the_end_of_the_day():
    session = _session(slot_minutes=30)
    _day(session, date(2026, 3, 30), time(9, 0), time(12, 45), breaks=[(time(10, 15), time(11))])
    assert _local_times(session) == ["30 09:00", "30 09:30", "30 11:00", "30 11:30", "30 12:00"]


def test_slots_number_the_days_and_keep_their_instants_in_utc():
    session = _session(slot_minutes=60)
    _day(session, date(2026, 3, 30), time(9), time(11))
    _day(session, date(2026, 3, 28), time(9), time(10))
    slots = session_slots(session)
    assert [(s.index, s.day, s.date.day) for s in slots] == [(0, 0, 28), (1, 1, 30), (2, 1, 30)]
    # 28 March is CET (UTC+1), 30 March CEST (UTC+2): the clocks changed on the 29th.
    assert slots[0].start == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
    assert slots[1].start == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def test_a_day_outside_the_mission_is_refused_next_to_the_date():
    session = _session()
    with pytest.raises(ValidationError) as error:
        _day(session, date(2026, 4, 2), time(9), time(12))
    assert "date" in error.value.message_dict
    assert not SessionDay.objects.exists()


def test_a_break_outside_its_day_saves_nothing():
    session = _session()
    with pytest.raises(ValidationError) as error:
        _day(session, date(2026, 3, 30), time(9), time(12), breaks=[(time(12), time(13))])
    assert "breaks" in error.value.message_dict
    assert not SessionDay.objects.exists()


def test_tables_are_numbered_after_those_in_use():
    session = _session()
    tables_add(session=session, count=2)
    tables_add(session=session, count=2)
    assert list(session.tables.values_list("name", flat=True)) == [
        "Table 1",
        "Table 2",
        "Table 3",
        "Table 4",
    ]
    with pytest.raises(ValidationError):
        tables_add(session=session, count=0)


def test_a_delegation_participant_must_be_a_member_of_this_mission():
    session = _session()
    stranger = make_member(_torino())
    with pytest.raises(ValidationError) as error:
        participant_add_member(session=session, member=stranger)
    assert "member" in error.value.message_dict


def test_a_delegate_cannot_join_as_a_visitor():
    session = _session()
    member = make_member(session.mission)
    with pytest.raises(ValidationError) as error:
        participant_add_visitor(session=session, person=member.person)
    assert "delegation side" in str(error.value)


def test_the_database_refuses_a_visitor_with_a_membership():
    session = _session()
    member = make_member(session.mission)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(
            session=session, side=Participant.Side.VISITOR, person=member.person, member=member
        )


def test_a_request_waits_for_an_answer_then_is_accepted():
    session = _session()
    supplier, visitor = _pair(session)
    request = request_create(requester=supplier, requested=visitor)
    assert request.status == MeetingRequest.Status.PENDING
    request = request_decide(request=request, accept=True)
    assert (request.status, request.decided_by) == ("accepted", "participant")


def test_asking_each_other_is_a_mutual_match_accepted_on_both_sides():
    session = _session()
    supplier, visitor = _pair(session)
    first = request_create(requester=supplier, requested=visitor)
    second = request_create(requester=visitor, requested=supplier)
    first.refresh_from_db()
    assert first.status == second.status == MeetingRequest.Status.ACCEPTED


@pytest.mark.parametrize("case", ["oneself", "colleague", "twice", "other_session"])
def test_wrong_requests_are_refused_next_to_the_person_asked(case):
    session = _session()
    supplier, visitor = _pair(session)
    if case == "oneself":
        target = supplier
    elif case == "colleague":
        target = participant_add_visitor(
            session=session, person=make_person(organisation=visitor.person.organisation)
        )
        supplier = visitor
    elif case == "twice":
        request_create(requester=supplier, requested=visitor)
        target = visitor
    else:
        target = participant_add_visitor(
            session=_session(session.mission, title="Other"), person=make_person()
        )
    before = MeetingRequest.objects.count()
    with pytest.raises(ValidationError) as error:
        request_create(requester=supplier, requested=target)
    assert "requested" in error.value.message_dict
    assert MeetingRequest.objects.count() == before


def test_the_request_limit_binds_participants_but_not_coordinators():
    session = _session(max_requests=1)
    supplier, visitor = _pair(session)
    other = participant_add_visitor(session=session, person=make_person())
    request_create(requester=supplier, requested=visitor)
    with pytest.raises(ValidationError, match="At most 1 request"):
        request_create(requester=supplier, requested=other)
    request_create(requester=supplier, requested=other, by_coordinator=True)
    assert supplier.requests_made.count() == 2


def test_closed_requests_refuse_participants_and_let_coordinators_decide():
    session = _session(requests_open=False)
    supplier, visitor = _pair(session)
    with pytest.raises(ValidationError, match="closed"):
        request_create(requester=supplier, requested=visitor)
    request = request_create(requester=supplier, requested=visitor, by_coordinator=True)
    with pytest.raises(ValidationError, match="closed"):
        request_decide(request=request, accept=True)
    request = request_decide(request=request, accept=False, by_coordinator=True)
    assert (request.status, request.decided_by) == ("declined", "coordinator")


def test_a_withdrawn_request_cannot_be_accepted():
    session = _session()
    supplier, visitor = _pair(session)
    request = request_withdraw(request=request_create(requester=supplier, requested=visitor))
    with pytest.raises(ValidationError, match="withdrawn"):
        request_decide(request=request, accept=True)


def test_absences_are_merged_and_removing_a_participant_takes_their_requests():
    session = _session()
    supplier, visitor = _pair(session)
    absences = participant_set_absences(
        participant=visitor,
        periods=[
            (local(session.mission, 2026, 3, 30, 11, 0), local(session.mission, 2026, 3, 30, 12)),
            (local(session.mission, 2026, 3, 30, 9, 0), local(session.mission, 2026, 3, 30, 11)),
        ],
    )
    assert [(a.start.hour, a.end.hour) for a in absences] == [(7, 10)]  # UTC, CEST
    request_create(requester=supplier, requested=visitor)
    participant_remove(participant=visitor)
    assert not MeetingRequest.objects.exists()
