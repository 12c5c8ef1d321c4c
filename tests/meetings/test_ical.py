"""The calendars read back by icalendar, vobject and ical.js (Thunderbird), at exact instants."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import translation
from django.utils.translation import gettext

from meetings import calendars, ical
from meetings.models import Meeting
from meetings.services import meeting_cancel, meeting_save
from tests.builders import local, make_meeting, make_member, make_mission
from tests.icsparsers import PARSERS, assert_all_parsers_read, read_all, read_icaljs_raw
from tests.meetings.ics_builders import make_rich_meeting, mission_with_delegate

pytestmark = pytest.mark.django_db


def _mission_bytes(mission) -> bytes:
    return calendars.mission_feed_bytes(mission, language="en")


def _lines(data: bytes) -> list[str]:
    return data.decode().replace("\r\n ", "").split("\r\n")


def test_every_kind_of_calendar_parses_in_all_three_parsers_at_the_database_instants():
    mission, member, meeting = mission_with_delegate()
    other = make_meeting(
        mission, local(mission, 2025, 4, 23, 9, 30), local(mission, 2025, 4, 23, 11)
    )
    with_details = Meeting.objects.filter(pk=meeting.pk).with_details().get()

    assert_all_parsers_read(_mission_bytes(mission), [meeting, other])
    assert_all_parsers_read(calendars.member_feed_bytes(member), [meeting])
    assert_all_parsers_read(calendars.meeting_bytes(member, with_details), [meeting])


def test_rivian_like_meeting_is_at_the_exact_utc_instant_in_every_parser():
    mission, member, _ = mission_with_delegate()
    rivian = make_rich_meeting(
        mission,
        local(mission, 2025, 4, 22, 15, 30),
        local(mission, 2025, 4, 22, 16, 30),
        attendees=[member],
        title="Meeting with Rivian",
    )
    results = read_all(calendars.member_feed_bytes(member))
    for parser in PARSERS:
        [event] = [e for e in results[parser] if e.uid == rivian.uid]
        assert (event.start, event.end) == (
            datetime(2025, 4, 22, 19, 30, tzinfo=UTC),
            datetime(2025, 4, 22, 20, 30, tzinfo=UTC),
        ), parser


@pytest.mark.parametrize(
    ("zone", "days", "utc_hours"),
    [
        # US change on Sunday 8 March 2026: 09:00 EST is 14:00Z, 09:00 EDT is 13:00Z.
        ("America/Detroit", (6, 7, 8, 9, 10), (14, 14, 13, 13, 13)),
        # EU change on Sunday 29 March 2026: 09:00 CET is 08:00Z, 09:00 CEST is 07:00Z.
        ("Europe/Rome", (27, 28, 29, 30, 31), (8, 8, 7, 7, 7)),
    ],
)
def test_wall_clock_times_are_kept_across_the_daylight_saving_change(zone, days, utc_hours):
    mission = make_mission(
        timezone=zone,
        start_date=datetime(2026, 3, days[0]).date(),
        end_date=datetime(2026, 3, days[-1]).date(),
    )
    meetings = [
        make_meeting(mission, local(mission, 2026, 3, day, 9), local(mission, 2026, 3, day, 10))
        for day in days
    ]
    results = assert_all_parsers_read(_mission_bytes(mission), meetings)
    for parser in PARSERS:
        events = sorted(results[parser], key=lambda e: e.start)
        assert [e.start.hour for e in events] == list(utc_hours), parser
        assert [e.start.astimezone(ZoneInfo(zone)).hour for e in events] == [9] * 5, parser


def test_vtimezone_has_one_standard_and_one_daylight_block_with_yearly_rules():
    mission = make_mission()
    make_meeting(mission, local(mission, 2025, 4, 22, 9), local(mission, 2025, 4, 22, 10))
    cal = icalendar.Calendar.from_ical(_mission_bytes(mission))
    [tz] = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "America/Detroit"
    blocks = {block.name: block for block in tz.subcomponents}
    assert sorted(blocks) == ["DAYLIGHT", "STANDARD"]
    assert blocks["DAYLIGHT"]["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=2SU;BYMONTH=3"
    assert blocks["STANDARD"]["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=1SU;BYMONTH=11"
    assert b"RDATE" not in tz.to_ical()


def test_european_rule_is_the_last_sunday():
    tz = ical.vtimezone("Europe/Rome", 2026, 2026)
    rules = sorted(block["RRULE"].to_ical() for block in tz.subcomponents)
    assert rules == [b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"]


def test_zone_without_daylight_saving_gets_a_single_standard_block():
    mission = make_mission(timezone="Asia/Tokyo")
    meeting = make_meeting(mission, local(mission, 2025, 4, 22, 9), local(mission, 2025, 4, 22, 10))
    data = _mission_bytes(mission)
    [tz] = icalendar.Calendar.from_ical(data).walk("VTIMEZONE")
    assert [block.name for block in tz.subcomponents] == ["STANDARD"]
    assert_all_parsers_read(data, [meeting])


def test_a_rule_change_between_years_keeps_every_instant_right():
    # The US rules changed in 2007: two sets of blocks, the older one with UNTIL.
    # 120 days, the longest mission; meetings up to 14 days either side of it.
    mission = make_mission(
        start_date=datetime(2006, 11, 10).date(), end_date=datetime(2007, 3, 9).date()
    )
    meetings = [
        make_meeting(mission, local(mission, *day, 9), local(mission, *day, 10))
        for day in ((2006, 10, 27), (2006, 10, 30), (2007, 3, 10), (2007, 3, 12), (2007, 3, 20))
    ]
    assert_all_parsers_read(_mission_bytes(mission), meetings)


def test_feed_header_says_refresh_interval_and_published_ttl_as_durations():
    mission, member, _ = mission_with_delegate()
    lines = _lines(calendars.member_feed_bytes(member, language="en"))
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert "X-PUBLISHED-TTL:PT1H" in lines
    assert "CALSCALE:GREGORIAN" in lines
    assert f"UID:member-{member.pk}@trade-mission-planner" in lines
    assert "X-WR-CALNAME:" + f"{mission.title}: Mario Rossi" in lines
    assert not [line for line in lines if line.startswith("METHOD")]


def test_single_meeting_download_publishes_without_a_calendar_name():
    mission, member, meeting = mission_with_delegate()
    data = calendars.meeting_bytes(member, Meeting.objects.with_details().get(pk=meeting.pk))
    lines = _lines(data)
    assert "METHOD:PUBLISH" in lines
    assert not [line for line in lines if line.startswith(("X-WR-CALNAME", "NAME"))]
    assert read_icaljs_raw(data)["method"] == "PUBLISH"


def test_event_carries_location_geo_description_categories_status_and_url():
    mission, member, meeting = mission_with_delegate()
    data = calendars.member_feed_bytes(member, language="en")
    [event] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    venue = meeting.venue
    assert str(event["LOCATION"]) == f"{venue.name}, 1 Rivian Way, Normal, United States"
    assert (event["GEO"].latitude, event["GEO"].longitude) == (40.5036, -88.9918)
    partner = meeting.partner_organisations.get()
    assert str(event["DESCRIPTION"]) == (
        "Supplier opportunities.\n\n"
        f"Meeting with:\n- {partner.name}: Jane Doe (VP Manufacturing, {partner.name})\n\n"
        "Delegation: Mario Rossi"
    )
    assert event.categories == ["B2B meeting"]
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) == f"{calendars.delegate_page_url(member)}#meeting-{meeting.pk}"
    assert event["DTSTAMP"].dt == meeting.updated.replace(microsecond=0)
    assert event["LAST-MODIFIED"].dt == meeting.updated.replace(microsecond=0)
    assert event["CREATED"].dt == meeting.created.replace(microsecond=0)


def test_internal_notes_and_outcome_never_appear_in_any_calendar():
    mission, member, meeting = mission_with_delegate()
    # The outcome is its own record now (outcomes/): recorded, and still never in a calendar.
    from outcomes.services import outcome_save

    outcome_save(meeting=meeting, summary="SECRET-OUTCOME", next_steps="SECRET-NEXT-STEPS")
    single = calendars.meeting_bytes(member, Meeting.objects.with_details().get(pk=meeting.pk))
    for data in (_mission_bytes(mission), calendars.member_feed_bytes(member), single):
        assert b"SECRET-INTERNAL-NOTE" not in data
        assert b"SECRET-OUTCOME" not in data
        assert b"SECRET-NEXT-STEPS" not in data


def test_two_renders_of_unchanged_data_are_byte_identical():
    mission, member, _ = mission_with_delegate()
    assert calendars.member_feed_bytes(member) == calendars.member_feed_bytes(member)
    assert _mission_bytes(mission) == _mission_bytes(mission)


def test_member_feed_texts_are_in_the_delegates_language():
    _, member, _ = mission_with_delegate()  # Mario Rossi prefers Italian
    [event] = icalendar.Calendar.from_ical(calendars.member_feed_bytes(member)).walk("VEVENT")
    with translation.override("it"):
        assert event.categories == [str(Meeting.Kind.B2B.label)]
        assert gettext("Meeting with:") in str(event["DESCRIPTION"])


def test_rows_and_prefetched_meetings_give_the_same_calendar():
    mission, member, meeting = mission_with_delegate()
    make_meeting(mission, local(mission, 2025, 4, 23, 9), local(mission, 2025, 4, 23, 10))
    prefetched = Meeting.objects.filter(mission=mission).with_details()
    with translation.override("en"):
        from_models = ical.mission_calendar(mission, prefetched)
        from_rows = ical.mission_calendar(mission, calendars.feed_events(mission=mission))
    assert from_models == from_rows


def test_moving_a_meeting_bumps_sequence_and_keeps_uid_in_the_feed():
    mission, member, meeting = mission_with_delegate()
    meeting.start = local(mission, 2025, 4, 22, 16)
    meeting.end = local(mission, 2025, 4, 22, 17)
    meeting_save(meeting=meeting)
    results = assert_all_parsers_read(calendars.member_feed_bytes(member), [meeting])
    for parser in PARSERS:
        [event] = results[parser]
        assert (event.uid, event.sequence) == (meeting.uid, 1), parser
        assert event.start == datetime(2025, 4, 22, 20, 0, tzinfo=UTC), parser


def test_cancelled_meeting_stays_in_feed_as_cancelled_with_sequence_up():
    mission, member, meeting = mission_with_delegate()
    meeting_cancel(meeting=meeting)
    results = assert_all_parsers_read(calendars.member_feed_bytes(member), [meeting])
    for parser in PARSERS:
        [event] = results[parser]
        assert (event.status, event.sequence) == ("CANCELLED", 1), parser


def test_meeting_without_venue_has_no_location_and_still_parses():
    mission = make_mission()
    meeting = make_meeting(mission, local(mission, 2025, 4, 22, 9), local(mission, 2025, 4, 22, 10))
    data = _mission_bytes(mission)
    [event] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert "LOCATION" not in event
    assert "GEO" not in event
    assert_all_parsers_read(data, [meeting])


def test_mission_without_meetings_is_a_valid_empty_calendar():
    mission = make_mission()
    data = _mission_bytes(mission)
    results = read_all(data)
    assert results == {parser: [] for parser in PARSERS}
    assert b"BEGIN:VCALENDAR" in data and b"BEGIN:VTIMEZONE" in data


def test_member_feed_lists_only_the_meetings_they_attend():
    mission, member, meeting = mission_with_delegate()
    colleague = make_member(mission)
    make_meeting(
        mission,
        local(mission, 2025, 4, 23, 9),
        local(mission, 2025, 4, 23, 10),
        attendees=[colleague],
    )
    assert_all_parsers_read(calendars.member_feed_bytes(member), [meeting])


def _event_times(data: bytes) -> dict[str, tuple[str, str]]:
    """UID -> (DTSTART line, DTEND line) as written."""
    events, current = {}, {}
    for line in _lines(data):
        if line.startswith(("UID:", "DTSTART", "DTEND")):
            current[line.split(":", 1)[0].split(";", 1)[0]] = line
        if line == "END:VEVENT":
            events[current["UID"][4:]] = (current["DTSTART"], current["DTEND"])
            current = {}
    return events


def test_meetings_on_the_repeated_fall_back_hour_are_written_in_utc_the_others_keep_tzid():
    # 1 November 2026, America/Detroit: 01:00-01:59 happens twice (EDT, then EST). Reachable
    # by correcting a mission's zone after its meetings exist; the form refuses such times.
    mission = make_mission(
        start_date=datetime(2026, 10, 31).date(), end_date=datetime(2026, 11, 2).date()
    )
    first_pass = make_meeting(  # 01:30 EDT -> 02:00 EST
        mission, datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 7, tzinfo=UTC)
    )
    second_pass = make_meeting(  # 01:15 EST -> 01:45 EST, the second time round
        mission, datetime(2026, 11, 1, 6, 15, tzinfo=UTC), datetime(2026, 11, 1, 6, 45, tzinfo=UTC)
    )
    ordinary = make_meeting(
        mission, local(mission, 2026, 11, 1, 10), local(mission, 2026, 11, 1, 11)
    )
    ends_in_it = make_meeting(  # 00:30 EDT -> 01:30 EDT (the first 01:30)
        mission, local(mission, 2026, 11, 1, 0, 30), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    )
    data = _mission_bytes(mission)

    assert_all_parsers_read(data, [first_pass, second_pass, ordinary, ends_in_it])
    times = _event_times(data)
    assert times[first_pass.uid] == (
        "DTSTART:20261101T053000Z",
        "DTEND;TZID=America/Detroit:20261101T020000",
    )
    assert times[second_pass.uid] == ("DTSTART:20261101T061500Z", "DTEND:20261101T064500Z")
    assert times[ordinary.uid] == (
        "DTSTART;TZID=America/Detroit:20261101T100000",
        "DTEND;TZID=America/Detroit:20261101T110000",
    )
    assert times[ends_in_it.uid] == (
        "DTSTART;TZID=America/Detroit:20261101T003000",
        "DTEND:20261101T053000Z",
    )
    [tz] = icalendar.Calendar.from_ical(data).walk("VTIMEZONE")
    assert str(tz["TZID"]) == "America/Detroit"


def test_a_single_meeting_download_on_the_repeated_hour_is_in_utc_for_every_parser():
    mission, member, _ = mission_with_delegate()
    mission.start_date, mission.end_date = (
        datetime(2026, 10, 30).date(),
        datetime(2026, 11, 2).date(),
    )
    mission.save()
    meeting = make_meeting(
        mission,
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC),  # 01:30 EST, the second 01:30
        datetime(2026, 11, 1, 8, tzinfo=UTC),
        attendees=[member],
    )
    with_details = Meeting.objects.filter(pk=meeting.pk).with_details().get()
    data = calendars.meeting_bytes(member, with_details)

    assert_all_parsers_read(data, [meeting])
    assert _event_times(data)[meeting.uid] == (
        "DTSTART:20261101T063000Z",
        "DTEND;TZID=America/Detroit:20261101T030000",
    )
