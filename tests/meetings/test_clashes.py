from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from meetings.clashes import MissionWindow, Slot, Stay, find_clashes, place_of
from meetings.planning import candidate_warnings, mission_agenda
from tests.builders import local, make_meeting, make_member, make_mission, make_person, make_venue

DETROIT = ZoneInfo("America/Detroit")
WINDOW = MissionWindow(
    starts_at=datetime(2025, 4, 22, tzinfo=DETROIT),
    ends_at=datetime(2025, 4, 25, tzinfo=DETROIT),
    tz=DETROIT,
    buffer_minutes=30,
)
ALICE = Stay(member_id=1, name="Alice Rossi")
BRUNO = Stay(member_id=2, name="Bruno Bianchi")


def at(day, hour, minute=0):
    return datetime(2025, 4, day, hour, minute, tzinfo=DETROIT)


def slot(key, start, end, *, attendees=(), venue=None, cancelled=False):
    return Slot(
        key=key,
        title=f"Meeting {key}",
        start=start,
        end=end,
        venue_id=venue,
        venue_name=f"Venue {venue}" if venue else "",
        attendee_ids=frozenset(attendees),
        cancelled=cancelled,
    )


def messages(warnings, key):
    return [w.message for w in warnings.get(key, [])]


def test_delegate_in_two_overlapping_meetings_warns_on_both():
    slots = [
        slot(1, at(22, 14), at(22, 15), attendees=[1]),
        slot(2, at(22, 14, 30), at(22, 15, 30), attendees=[1]),
    ]
    warnings = find_clashes(WINDOW, slots, [ALICE])
    assert messages(warnings, 1) == ["Alice Rossi is also in “Meeting 2” (14:30–15:30)."]
    assert messages(warnings, 2) == ["Alice Rossi is also in “Meeting 1” (14:00–15:00)."]


def test_several_shared_delegates_are_named_in_one_warning():
    slots = [
        slot(1, at(22, 14), at(22, 15), attendees=[1, 2]),
        slot(2, at(22, 14, 30), at(22, 15, 30), attendees=[1, 2]),
    ]
    warnings = find_clashes(WINDOW, slots, [ALICE, BRUNO])
    assert messages(warnings, 1) == [
        "Alice Rossi and Bruno Bianchi are also in “Meeting 2” (14:30–15:30)."
    ]


def test_back_to_back_meetings_at_the_same_venue_do_not_clash():
    slots = [
        slot(1, at(22, 14), at(22, 15), attendees=[1], venue=7),
        slot(2, at(22, 15), at(22, 16), attendees=[1], venue=7),
    ]
    assert find_clashes(WINDOW, slots, [ALICE]) == {}


def test_different_delegates_in_overlapping_meetings_do_not_clash():
    slots = [
        slot(1, at(22, 14), at(22, 15), attendees=[1]),
        slot(2, at(22, 14), at(22, 15), attendees=[2]),
    ]
    assert find_clashes(WINDOW, slots, [ALICE, BRUNO]) == {}


def test_venue_hosting_two_overlapping_meetings_warns():
    slots = [
        slot(1, at(22, 14), at(22, 15), venue=7),
        slot(2, at(22, 14, 45), at(22, 16), venue=7),
    ]
    warnings = find_clashes(WINDOW, slots, [])
    assert messages(warnings, 1) == ["Venue 7 also hosts “Meeting 2” (14:45–16:00)."]
    assert [w.code for w in warnings[2]] == ["venue_overlap"]


def test_cancelled_meetings_never_clash():
    slots = [
        slot(1, at(22, 14), at(22, 15), attendees=[1], venue=7),
        slot(2, at(22, 14), at(22, 15), attendees=[1], venue=7, cancelled=True),
        slot(3, at(30, 9), at(30, 10), cancelled=True),
    ]
    assert find_clashes(WINDOW, slots, [ALICE]) == {}


def test_meeting_outside_the_mission_dates_warns():
    slots = [
        slot(1, at(21, 23), at(22, 0, 30)),
        slot(2, at(24, 23, 30), at(25, 0, 30)),
        slot(3, at(24, 22), at(24, 23, 59)),
    ]
    warnings = find_clashes(WINDOW, slots, [])
    assert {key: [w.code for w in found] for key, found in warnings.items()} == {
        1: ["outside_mission"],
        2: ["outside_mission"],
    }


def test_meeting_before_arrival_or_after_departure_warns():
    stay = Stay(member_id=1, name="Alice Rossi", arrival=at(22, 12), departure=at(24, 18))
    slots = [
        slot(1, at(22, 10), at(22, 11), attendees=[1]),
        slot(2, at(22, 13), at(22, 14), attendees=[1]),
        slot(3, at(24, 17), at(24, 19), attendees=[1]),
    ]
    warnings = find_clashes(WINDOW, slots, [stay])
    assert messages(warnings, 1) == ["Alice Rossi arrives only at 22 Apr 12:00."]
    assert 2 not in warnings
    assert messages(warnings, 3) == ["Alice Rossi leaves at 24 Apr 18:00."]


def test_less_than_the_buffer_between_venues_warns_on_both_meetings():
    slots = [
        slot(1, at(22, 9), at(22, 10), attendees=[1], venue=7),
        slot(2, at(22, 10, 20), at(22, 11), attendees=[1], venue=8),
    ]
    warnings = find_clashes(WINDOW, slots, [ALICE])
    assert messages(warnings, 2) == [
        "Alice Rossi has only 20 min to get here from “Meeting 1” at Venue 7 (buffer 30 min)."
    ]
    assert messages(warnings, 1) == [
        "Alice Rossi has only 20 min to get to “Meeting 2” at Venue 8 (buffer 30 min)."
    ]


def test_enough_buffer_or_same_venue_or_no_venue_does_not_warn():
    slots = [
        slot(1, at(22, 9), at(22, 10), attendees=[1], venue=7),
        slot(2, at(22, 10, 30), at(22, 11), attendees=[1], venue=8),
        slot(3, at(22, 11, 5), at(22, 12), attendees=[1], venue=8),
        slot(4, at(22, 12, 5), at(22, 13), attendees=[1]),
    ]
    assert find_clashes(WINDOW, slots, [ALICE]) == {}


def test_times_in_messages_are_the_missions_wall_clock():
    utc_start = datetime(2025, 4, 22, 18, 0, tzinfo=UTC)  # 14:00 in Detroit (EDT)
    slots = [
        slot(1, utc_start, utc_start.replace(hour=19), attendees=[1]),
        slot(2, utc_start, utc_start.replace(hour=19), attendees=[1]),
    ]
    warnings = find_clashes(WINDOW, slots, [ALICE])
    assert messages(warnings, 1) == ["Alice Rossi is also in “Meeting 2” (14:00–15:00)."]


@pytest.mark.django_db
def test_agenda_warnings_come_from_the_database_in_bulk():
    mission = make_mission()
    member = make_member(mission, make_person(first_name="Maria", last_name="Rossi"))
    venue = make_venue(mission, name="Stand")
    first = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        attendees=[member],
        venue=venue,
        title="Rivian",
    )
    second = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14, 30),
        local(mission, 2025, 4, 22, 15, 30),
        attendees=[member],
        title="MEDC",
    )
    agenda = mission_agenda(mission)
    assert [w.message for w in agenda.warnings[first.pk]] == [
        "Maria Rossi is also in “MEDC” (14:30–15:30)."
    ]
    assert agenda.warnings[second.pk][0].other_key == first.pk


@pytest.mark.django_db
def test_candidate_warnings_leave_out_the_meeting_being_edited():
    mission = make_mission()
    member = make_member(mission, make_person(first_name="Maria", last_name="Rossi"))
    meeting = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        attendees=[member],
        title="Rivian",
    )
    moved = candidate_warnings(
        mission=mission,
        title="Rivian",
        start=local(mission, 2025, 4, 22, 14, 30),
        end=local(mission, 2025, 4, 22, 15, 30),
        venue=None,
        attendees=[member],
        meeting_pk=meeting.pk,
    )
    new = candidate_warnings(
        mission=mission,
        title="MEDC",
        start=local(mission, 2025, 4, 22, 14, 30),
        end=local(mission, 2025, 4, 22, 15, 30),
        venue=None,
        attendees=[member],
    )
    assert moved == []
    assert [w.message for w in new] == ["Maria Rossi is also in “Rivian” (14:00–15:00)."]


def test_tables_of_one_hall_need_no_travel_time_between_them():
    hall = place_of("Corso Unità d'Italia 40", "Torino")
    slots = [
        Slot(1, "B2B 1", at(22, 9), at(22, 9, 20), 7, "Table 1", frozenset([1]), place=hall),
        Slot(2, "B2B 2", at(22, 9, 20), at(22, 9, 40), 8, "Table 2", frozenset([1]), place=hall),
        # The same address written differently is the same place; another street is not.
        Slot(
            3,
            "B2B 3",
            at(22, 9, 40),
            at(22, 10),
            9,
            "Table 3",
            frozenset([1]),
            place=place_of(" corso unità d'italia  40", "TORINO"),
        ),
        Slot(
            4,
            "Visit",
            at(22, 10, 10),
            at(22, 11),
            10,
            "Plant",
            frozenset([1]),
            place=place_of("Via Nizza 1", "Torino"),
        ),
    ]
    warnings = find_clashes(WINDOW, slots, [ALICE])
    assert sorted(warnings) == [3, 4]
    assert [w.code for w in warnings[4]] == ["tight_buffer"]


@pytest.mark.django_db
def test_the_agenda_knows_two_venues_at_one_address_are_one_place():
    mission = make_mission()
    member = make_member(mission, make_person(first_name="Maria", last_name="Rossi"))
    tables = [make_venue(mission, name=f"Table {n}", address="1 Hall Way") for n in (1, 2)]
    for n, table in enumerate(tables):
        make_meeting(
            mission,
            local(mission, 2025, 4, 22, 9, 20 * n),
            local(mission, 2025, 4, 22, 9, 20 * n + 20),
            attendees=[member],
            venue=table,
        )
    assert mission_agenda(mission).warnings == {}
