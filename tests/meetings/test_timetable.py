"""The timetable page (days as columns, wall-clock hours as rows) and its move endpoint."""

import re
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings.models import Meeting
from meetings.planning import mission_agenda
from meetings.timetable import _assign_lanes, build_timetable
from tests.builders import (
    local,
    make_coordinator,
    make_many_meetings,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
    make_venue,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    return make_mission(title="VTM Michigan 2025", slug="vtm-michigan-2025")


@pytest.fixture
def planner(client, mission):
    client.force_login(make_coordinator(mission, username="coordinator"))
    return client


def page_of(client, mission, **params) -> str:
    response = client.get(reverse("meetings:timetable", args=[mission.slug]), params)
    assert response.status_code == 200
    return response.content.decode()


def block_attrs(page: str, meeting: Meeting) -> dict:
    """The data-* attributes of a meeting's block, and the day of its column."""
    match = re.search(
        rf'<div class="tt-block[^"]*"\s+id="tt-meeting-{meeting.pk}"(.*?)>', page, re.S
    )
    assert match, f"no block for {meeting.title}"
    attrs = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', match.group(1)))
    before = page[: match.start()]
    attrs["column"] = re.findall(r'class="tt-day[^"]*" data-day="([0-9-]+)"', before)[-1]
    return attrs


def move(client, meeting, **data):
    url = reverse("meetings:move", args=[meeting.mission.slug, meeting.pk])
    return client.post(url, data)


# --- The page --------------------------------------------------------------------------------


def test_the_tab_leads_to_the_timetable(planner, mission):
    agenda = planner.get(reverse("meetings:agenda", args=[mission.slug])).content.decode()
    url = reverse("meetings:timetable", args=[mission.slug])
    assert f'href="{url}">Timetable</a>' in agenda
    page = page_of(planner, mission)
    assert 'aria-current="page" href="' + url in page


def test_days_are_columns_and_meetings_blocks_at_their_local_times(planner, mission):
    venue = make_venue(mission, name="Piemonte stand")
    rivian = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15, 30),
        title="Meeting with Rivian",
        venue=venue,
    )
    dinner = make_meeting(
        mission,
        local(mission, 2025, 4, 23, 19),
        local(mission, 2025, 4, 23, 22),
        title="Institutional dinner",
        status=Meeting.Status.TENTATIVE,
    )
    page = page_of(planner, mission)
    assert re.findall(r'class="tt-day" data-day="([0-9-]+)"', page) == [
        "2025-04-22",
        "2025-04-23",
        "2025-04-24",
    ]
    for text in ("Tue", "22 Apr", "Wed", "23 Apr", "Thu", "24 Apr", "Piemonte stand"):
        assert text in page, text
    attrs = block_attrs(page, rivian)
    assert (attrs["start-min"], attrs["end-min"], attrs["column"], attrs["version"]) == (
        "840",
        "930",
        "2025-04-22",
        "1",
    )
    attrs = block_attrs(page, dinner)
    assert (attrs["start-min"], attrs["end-min"], attrs["column"]) == ("1140", "1320", "2025-04-23")
    # Local time on the block, home (Rome) time beside it; tentative says so.
    assert "14:00–15:30</time>" in page
    assert "20:00 Rome" in page
    assert 'class="tt-block tt-tentative kind-b2b"' in page
    assert '<span class="tt-pill-long">Tentative</span>' in page


def test_the_axis_runs_from_7_to_23_in_local_time_with_home_time(planner, mission):
    page = page_of(planner, mission)
    hours = re.findall(
        r'<span class="tt-local">(\d\d:\d\d)</span><span class="tt-home">([^<]*)', page
    )
    assert hours[0] == ("07:00", "13:00")
    assert hours[-1] == ("22:00", "04:00")
    assert len(hours) == 16
    # Local 18:00 in Detroit is midnight in Rome: the next day there.
    assert '<span class="tt-local">18:00</span><span class="tt-home">00:00<sup>+1</sup>' in page
    assert "Rome +6 h" in page


def test_the_axis_grows_to_fit_an_early_or_late_meeting(planner, mission):
    make_meeting(mission, local(mission, 2025, 4, 22, 5, 30), local(mission, 2025, 4, 22, 6, 15))
    make_meeting(mission, local(mission, 2025, 4, 23, 22, 30), local(mission, 2025, 4, 24, 1))
    page = page_of(planner, mission)
    hours = re.findall(r'<span class="tt-local">(\d\d:\d\d)</span>', page)
    assert (hours[0], hours[-1], len(hours)) == ("05:00", "23:00", 19)
    assert 'data-first-min="300" data-last-min="1440"' in page
    # The late one runs past midnight: its block stops at 24:00 and says where it ends.
    assert '<span class="tt-runs-on">→ Thu</span>' in page
    late = Meeting.objects.get(start=local(mission, 2025, 4, 23, 22, 30))
    attrs = block_attrs(page, late)
    # Drawn up to midnight, but a move keeps its whole length (150 minutes).
    assert (attrs["start-min"], attrs["end-min"], attrs["duration-min"]) == ("1350", "1440", "150")


def test_a_mission_across_a_dst_change_keeps_wall_clock_positions(client):
    # Detroit springs forward on Sunday 9 March 2025 at 02:00; Rome only on 30 March.
    mission = make_mission(start_date=date(2025, 3, 8), end_date=date(2025, 3, 10))
    client.force_login(make_coordinator(mission))
    before = make_meeting(mission, local(mission, 2025, 3, 8, 10), local(mission, 2025, 3, 8, 11))
    after = make_meeting(mission, local(mission, 2025, 3, 10, 10), local(mission, 2025, 3, 10, 11))
    night = make_meeting(mission, local(mission, 2025, 3, 9, 1), local(mission, 2025, 3, 9, 4))
    page = page_of(client, mission)
    assert block_attrs(page, before)["start-min"] == block_attrs(page, after)["start-min"] == "600"
    # 01:00-04:00 on the night the clocks jump: drawn from the 01:00 to the 04:00 line.
    assert (block_attrs(page, night)["start-min"], block_attrs(page, night)["end-min"]) == (
        "60",
        "240",
    )
    # Rome is 6 hours ahead before the change, 5 after: each day says so, highlighted.
    assert re.findall(r'tt-offset tt-offset-varies"[^>]*>Rome ([^<]*)<', page) == [
        "+6 h",
        "+5 h",
        "+5 h",
    ]
    # The skipped hour (02:00-03:00 on 9 March) offers no new meeting.
    assert "day=2025-03-09&amp;time=02:00" not in page
    assert "day=2025-03-09&amp;time=02:30" not in page
    assert "day=2025-03-09&amp;time=03:00" in page
    assert "day=2025-03-08&amp;time=02:00" in page


def test_clashes_cancelled_and_overlaps_are_shown_on_the_blocks(planner, mission):
    member = make_member(mission, make_person(first_name="Michela", last_name="Favaro"))
    first = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 10),
        local(mission, 2025, 4, 22, 11),
        title="Rivian",
        attendees=[member],
    )
    second = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 10, 30),
        local(mission, 2025, 4, 22, 11, 30),
        title="Ford",
        attendees=[member],
    )
    cancelled = make_meeting(
        mission,
        local(mission, 2025, 4, 23, 9),
        local(mission, 2025, 4, 23, 10),
        title="GM",
        status=Meeting.Status.CANCELLED,
    )
    page = page_of(planner, mission)
    assert 'class="tt-block tt-confirmed kind-b2b tt-clash tt-narrow"' in page
    assert "Michela Favaro is also in “Ford” (10:30–11:30)." in page
    assert "Michela Favaro is also in “Rivian” (10:00–11:00)." in page
    assert page.count('<ul class="tt-warnings"') == 2
    assert "2 clash warnings" not in page and "1 clash warning" in page
    lanes = {
        m.title: (block_attrs(page, m)["lane"], block_attrs(page, m)["lanes"])
        for m in (first, second)
    }
    assert lanes == {"Rivian": ("0", "2"), "Ford": ("1", "2")}
    attrs = block_attrs(page, cancelled)
    assert attrs["locked"] == "1" and "move-url" not in attrs
    assert 'class="tt-block tt-cancelled kind-b2b"' in page
    assert '<span class="tt-pill-long">Cancelled</span>' in page


def _create_from_slot(planner, mission, day: str, time: str):
    url = reverse("meetings:create", args=[mission.slug])
    data = {
        "title": "Magna International",
        "kind": "b2b",
        "status": "confirmed",
        "start_0": day,
        "start_1": time,
        "end_0": day,
        "end_1": "17:30" if time == "16:30" else "11:00",
    }
    return planner.post(f"{url}?day={day}&time={time}&from=timetable", data)


def test_a_meeting_made_from_a_free_slot_goes_back_to_the_timetable(planner, mission):
    response = _create_from_slot(planner, mission, "2025-04-24", "16:30")
    meeting = Meeting.objects.get(title="Magna International")
    timetable = reverse("meetings:timetable", args=[mission.slug])
    assert response.status_code == 302
    assert response.headers["Location"] == f"{timetable}#tt-meeting-{meeting.pk}"
    assert meeting.start == local(mission, 2025, 4, 24, 16, 30)
    # Without the slot's marker, the new meeting's place on the agenda, as before.
    url = reverse("meetings:create", args=[mission.slug])
    data = {
        "title": "Another",
        "kind": "b2b",
        "status": "confirmed",
        "start_0": "2025-04-24",
        "start_1": "09:00",
        "end_0": "2025-04-24",
        "end_1": "10:00",
    }
    answer = planner.post(url, data)
    assert answer.headers["Location"].startswith(reverse("meetings:agenda", args=[mission.slug]))


def test_back_on_the_page_of_days_that_shows_the_new_meeting(client):
    long = make_mission(start_date=date(2025, 4, 1), end_date=date(2025, 4, 20))
    client.force_login(make_coordinator(long))
    response = _create_from_slot(client, long, "2025-04-10", "10:00")
    meeting = Meeting.objects.get(title="Magna International")
    timetable = reverse("meetings:timetable", args=[long.slug])
    # 1-7 April on page 1, 8-14 on page 2.
    assert response.headers["Location"] == f"{timetable}?page=2#tt-meeting-{meeting.pk}"


def test_an_empty_mission_says_where_to_click(planner, mission):
    page = page_of(planner, mission)
    assert "No meetings yet: click a free time on a day to add the first one there." in page
    assert len(re.findall(r'<a class="tt-slot', page)) == 3 * 32


def test_free_slots_link_to_a_new_meeting_there(planner, mission):
    page = page_of(planner, mission)
    create = reverse("meetings:create", args=[mission.slug])
    assert f'href="{create}?day=2025-04-23&amp;time=14:30&amp;from=timetable"' in page
    form = planner.get(create, {"day": "2025-04-23", "time": "14:30"}).content.decode()
    assert 'name="start_0" value="2025-04-23"' in form
    assert 'name="start_1" value="14:30"' in form
    assert 'name="end_1" value="15:30"' in form


@pytest.mark.parametrize("time_value", ["", "25:00", "9", "x\x00", "14:30:99", "٠٩:٣٠"])
def test_a_bad_slot_time_opens_the_form_at_nine(planner, mission, time_value):
    create = reverse("meetings:create", args=[mission.slug])
    form = planner.get(create, {"day": "2025-04-23", "time": time_value}).content.decode()
    assert 'name="start_1" value="09:00"' in form


def test_a_long_mission_is_shown_a_week_at_a_time(planner):
    mission = make_mission(start_date=date(2025, 4, 1), end_date=date(2025, 4, 17))
    planner.force_login(make_coordinator(mission))
    first = page_of(planner, mission)
    assert len(re.findall(r'class="tt-day" data-day=', first)) == 7
    assert "Page 1 of 3" in first and "?page=2" in first
    last = page_of(planner, mission, page="3")
    assert re.findall(r'class="tt-day" data-day="([0-9-]+)"', last) == [
        "2025-04-15",
        "2025-04-16",
        "2025-04-17",
    ]
    for odd in ("0", "-1", "x", "\x00", "1" * 400, "٣"):
        assert "Page 1 of 3" in page_of(planner, mission, page=odd), odd
    assert "Page 3 of 3" in page_of(planner, mission, page="9999")


def test_the_grid_alone_for_htmx(planner, mission):
    response = planner.get(
        reverse("meetings:timetable", args=[mission.slug]), headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert content.lstrip().startswith('<div class="tt"')
    assert "<html" not in content


def test_another_coordinator_gets_404(client, mission):
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15)
    )
    client.force_login(make_coordinator(make_mission()))
    assert client.get(reverse("meetings:timetable", args=[mission.slug])).status_code == 404
    response = move(client, meeting, day="2025-04-23", start="10:00", duration="60", version="1")
    assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.start == local(mission, 2025, 4, 22, 14)


@pytest.mark.parametrize("meetings", [1, 300])
def test_timetable_query_count_does_not_grow_with_meetings(
    planner, mission, django_assert_num_queries, meetings
):
    members = [make_member(mission), make_member(mission)]
    make_many_meetings(
        mission,
        meetings,
        attendees=members,
        venue=make_venue(mission),
        organisations=[make_organisation()],
    )
    # 1 session, 2 user, 3 mission, 4 meetings with venue, 5 their attendees with people,
    # 6 partner organisations, 7 partner contacts, 8 the delegation for clashes,
    # 9 the latest programme version with its pending count (the bar).
    with django_assert_num_queries(9):
        response = planner.get(reverse("meetings:timetable", args=[mission.slug]))
    assert response.status_code == 200


def test_lanes_put_overlapping_blocks_side_by_side(mission):
    make_meeting(mission, local(mission, 2025, 4, 22, 9), local(mission, 2025, 4, 22, 12))
    make_meeting(mission, local(mission, 2025, 4, 22, 9, 30), local(mission, 2025, 4, 22, 10))
    make_meeting(mission, local(mission, 2025, 4, 22, 10), local(mission, 2025, 4, 22, 11))
    make_meeting(mission, local(mission, 2025, 4, 22, 13), local(mission, 2025, 4, 22, 14))
    agenda = mission_agenda(mission)
    blocks = build_timetable(agenda, agenda.meetings).columns[0].blocks
    _assign_lanes(blocks)
    assert [(b.start_min, b.lane, b.lanes) for b in blocks] == [
        (540, 0, 2),
        (570, 1, 2),
        (600, 1, 2),
        (780, 0, 1),
    ]


# --- Moving ----------------------------------------------------------------------------------


@pytest.fixture
def rivian(mission):
    member = make_member(mission)
    return make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        title="Meeting with Rivian",
        attendees=[member],
    )


def test_a_move_saves_the_new_day_time_and_length(planner, mission, rivian):
    response = move(planner, rivian, day="2025-04-23", start="10:15", duration="90", version="1")
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] is True
    assert data["message"] == (
        "“Meeting with Rivian” moved to Wed 23 Apr 10:15–11:45."
        " Attendees' calendars will update when you publish the changes."
    )
    rivian.refresh_from_db()
    assert (rivian.start, rivian.end) == (
        local(mission, 2025, 4, 23, 10, 15),
        local(mission, 2025, 4, 23, 11, 45),
    )
    assert (rivian.sequence, rivian.version, data["version"]) == (1, 2, 2)
    # The timetable redrawn, the block where it was dropped, at its new version.
    attrs = block_attrs(data["html"], rivian)
    assert (attrs["column"], attrs["start-min"], attrs["end-min"], attrs["version"]) == (
        "2025-04-23",
        "615",
        "705",
        "2",
    )
    # Recorded in the history like any other change, by whom.
    record = rivian.history.first()
    assert record.history_user.username == "coordinator"


def test_a_move_that_makes_a_clash_answers_with_the_warning_on_the_block(planner, mission, rivian):
    member = rivian.attendees.get()
    other = make_meeting(
        mission,
        local(mission, 2025, 4, 23, 10),
        local(mission, 2025, 4, 23, 11),
        title="Ford",
        attendees=[member],
    )
    response = move(planner, rivian, day="2025-04-23", start="10:30", duration="60", version="1")
    assert response.status_code == 200
    html = response.json()["html"]
    block = html[html.index(f'id="tt-meeting-{rivian.pk}"') :]
    block = block[: block.index("tt-resize")]
    assert "tt-warnings" in block and "Ford" in block
    assert 'class="tt-block tt-confirmed kind-b2b tt-clash tt-narrow"' in html
    assert other.pk


def test_a_move_across_a_dst_change_keeps_the_local_clock_time(client):
    mission = make_mission(start_date=date(2025, 3, 7), end_date=date(2025, 3, 11))
    client.force_login(make_coordinator(mission))
    meeting = make_meeting(mission, local(mission, 2025, 3, 7, 10), local(mission, 2025, 3, 7, 11))
    response = move(client, meeting, day="2025-03-10", start="10:00", duration="60", version="1")
    assert response.status_code == 200
    meeting.refresh_from_db()
    # 10:00 in Detroit both days: 15:00 UTC before the change, 14:00 UTC after.
    assert meeting.start == local(mission, 2025, 3, 10, 10)
    assert meeting.start.astimezone(mission.tz).hour == 10
    assert meeting.start.utcoffset() is not None
    assert meeting.end - meeting.start == local(mission, 2025, 3, 7, 11) - local(
        mission, 2025, 3, 7, 10
    )


def test_a_stale_version_is_refused_with_who_changed_it(planner, mission, rivian):
    # Somebody else moved it first (version 1 -> 2).
    assert (
        move(
            planner, rivian, day="2025-04-22", start="16:00", duration="60", version="1"
        ).status_code
        == 200
    )
    response = move(planner, rivian, day="2025-04-24", start="09:00", duration="60", version="1")
    assert response.status_code == 409
    data = response.json()
    assert data["ok"] is False
    assert data["message"].startswith("coordinator changed “Meeting with Rivian” at ")
    assert "the timetable now shows it as saved" in data["message"]
    rivian.refresh_from_db()
    assert (rivian.start, rivian.version) == (local(mission, 2025, 4, 22, 16), 2)
    assert block_attrs(data["html"], rivian)["start-min"] == "960"


def test_a_non_existent_local_time_is_refused(client):
    mission = make_mission(start_date=date(2025, 3, 8), end_date=date(2025, 3, 10))
    client.force_login(make_coordinator(mission))
    meeting = make_meeting(mission, local(mission, 2025, 3, 8, 10), local(mission, 2025, 3, 8, 11))
    response = move(client, meeting, day="2025-03-09", start="02:30", duration="60", version="1")
    assert response.status_code == 400
    message = response.json()["message"]
    assert "does not exist in America/Detroit: the clocks go forward then" in message
    assert "html" not in response.json()
    meeting.refresh_from_db()
    assert (meeting.start, meeting.version, meeting.sequence) == (
        local(mission, 2025, 3, 8, 10),
        1,
        0,
    )


def test_a_move_outside_the_planning_window_is_refused(planner, mission, rivian):
    response = move(planner, rivian, day="2025-06-01", start="10:00", duration="60", version="1")
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Choose a time between April 8, 2025 and May 8, 2025 (America/Detroit): at most 14 "
        "days before or after the mission."
    )
    rivian.refresh_from_db()
    assert (rivian.start, rivian.version) == (local(mission, 2025, 4, 22, 14), 1)


def test_a_meeting_of_another_mission_is_404_through_my_mission(planner, mission):
    other = make_mission()
    meeting = make_meeting(other, local(other, 2025, 4, 22, 14), local(other, 2025, 4, 22, 15))
    url = reverse("meetings:move", args=[mission.slug, meeting.pk])
    response = planner.post(
        url, {"day": "2025-04-23", "start": "10:00", "duration": "60", "version": "1"}
    )
    assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.start == local(other, 2025, 4, 22, 14)


def test_a_deleted_meeting_answers_404(planner, mission, rivian):
    url = reverse("meetings:move", args=[mission.slug, rivian.pk])
    rivian.delete()
    assert (
        planner.post(
            url, {"day": "2025-04-23", "start": "10:00", "duration": "60", "version": "1"}
        ).status_code
        == 404
    )


def test_a_move_is_post_only(planner, mission, rivian):
    assert planner.get(reverse("meetings:move", args=[mission.slug, rivian.pk])).status_code == 405


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "This field is required."),
        ({"day": "tomorrow"}, "Enter a valid date."),
        ({"day": "2025-02-30"}, "Enter a valid date."),
        ({"day": "2025-04-23\x00"}, "Enter a valid date."),
        ({"day": "9999-12-31"}, "Choose a time between"),
        ({"day": "0001-01-01"}, "Choose a time between"),
        ({"start": "25:00"}, "Enter a valid time."),
        ({"start": "10:00\x00"}, "Enter a valid time."),
        ({"start": "10"}, "Enter a valid time."),
        ({"duration": "0"}, "A meeting lasts at least 5 minutes."),
        ({"duration": "-30"}, "A meeting lasts at least 5 minutes."),
        ({"duration": "10081"}, "A meeting lasts at most 7 days."),
        ({"duration": "9" * 5000}, "Enter a whole number."),
        ({"duration": "1e3"}, "Enter a whole number."),
        ({"duration": "60\x00"}, "Enter a whole number."),
        ({"version": ""}, "This page is out of date: reload it and try again."),
        ({"version": "x"}, "This page is out of date: reload it and try again."),
        ({"version": "99999999999999999999"}, "Ensure this value is less than or equal to"),
        ({"version": "2"}, "changed"),
    ],
)
def test_bad_input_is_a_message_never_a_500_and_nothing_saved(
    planner, mission, rivian, data, message
):
    fields = {"day": "2025-04-23", "start": "10:00", "duration": "60", "version": "1"}
    if data:
        fields.update(data)
    else:
        fields = {}
    response = move(planner, rivian, **fields)
    assert response.status_code in (400, 409)
    assert message in response.json()["message"]
    rivian.refresh_from_db()
    assert (rivian.start, rivian.end, rivian.version, rivian.sequence) == (
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        1,
        0,
    )
    assert rivian.history.count() == 1


def test_a_meeting_dropped_on_the_minute_it_had_keeps_its_sequence(planner, mission, rivian):
    response = move(planner, rivian, day="2025-04-22", start="14:00", duration="60", version="1")
    assert response.status_code == 200
    rivian.refresh_from_db()
    assert (rivian.sequence, rivian.version) == (0, 2)
    assert response.json()["message"].startswith(
        "“Meeting with Rivian” moved to Tue 22 Apr 14:00–15:00."
    )


# --- Fuzzing the move endpoint ----------------------------------------------------------------

_ANY = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "\x00", "0", "-1", "9" * 30, "2025-03-09", "02:30", "23:59", "1e9"]),
)


@given(
    day=st.one_of(_ANY, st.dates().map(date.isoformat)),
    start=st.one_of(_ANY, st.times().map(lambda t: t.strftime("%H:%M"))),
    duration=st.one_of(_ANY, st.integers(-(10**12), 10**12).map(str)),
    version=st.one_of(_ANY, st.integers(-5, 5).map(str)),
)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_posted_move_is_an_answer_never_a_500(planner, mission, day, start, duration, version):
    meeting = Meeting.objects.filter(mission=mission).first() or make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15)
    )
    before = Meeting.objects.values("start", "end", "version").get(pk=meeting.pk)
    response = move(planner, meeting, day=day, start=start, duration=duration, version=version)
    assert response.status_code in (200, 400, 409)
    data = response.json()
    assert data["message"]
    after = Meeting.objects.values("start", "end", "version").get(pk=meeting.pk)
    if response.status_code != 200:
        assert after == before
    else:
        assert after["version"] == before["version"] + 1


def test_the_agendas_filters_apply_to_the_timetable_and_its_redraws(planner, mission):
    favaro = make_member(mission, make_person(first_name="Michela", last_name="Favaro"))
    hers = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 10),
        local(mission, 2025, 4, 22, 11),
        title="Hers",
        attendees=[favaro],
    )
    other = make_meeting(
        mission, local(mission, 2025, 4, 22, 12), local(mission, 2025, 4, 22, 13), title="Other"
    )
    page = page_of(planner, mission, delegate=str(favaro.pk))
    assert f'id="tt-meeting-{hers.pk}"' in page
    assert f'id="tt-meeting-{other.pk}"' not in page
    assert f'<option value="{favaro.pk}" selected>Michela Favaro</option>' in page
    # A move from the filtered page is redrawn filtered.
    response = move(
        planner,
        hers,
        day="2025-04-23",
        start="10:00",
        duration="60",
        version="1",
        query=f"delegate={favaro.pk}&page=1",
    )
    html = response.json()["html"]
    assert f'id="tt-meeting-{hers.pk}"' in html
    assert f'id="tt-meeting-{other.pk}"' not in html
    # A forged filter or query is ignored, never a 500.
    assert "Other" in page_of(planner, mission, delegate="x\x00", kind="nope")
    response = move(
        planner, other, day="2025-04-22", start="12:00", duration="60", version="1", query="\x00%"
    )
    assert response.status_code == 200
