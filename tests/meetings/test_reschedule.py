"""Issue 8, findings 1 and 2: a new zone or new dates for a mission ask what happens to its
meetings and stays, show it, and move them through the services when saved."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from delegations.models import DelegationMember
from meetings.models import Meeting
from meetings.services import meeting_save
from missions.models import Mission
from missions.services import mission_save
from tests.builders import local, make_coordinator, make_meeting, make_member, make_mission, publish

pytestmark = pytest.mark.django_db


def edit_data(mission: Mission, **overrides) -> dict:
    data = {
        "title": mission.title,
        "slug": mission.slug,
        "status": mission.status,
        "city": mission.city,
        "region": mission.region,
        "country": mission.country,
        "start_date": mission.start_date.isoformat(),
        "end_date": mission.end_date.isoformat(),
        "timezone": mission.timezone,
        "home_timezone": mission.home_timezone,
        "clash_buffer_minutes": str(mission.clash_buffer_minutes),
        "organiser": "",
        "funding_programme": "",
        "description": "",
        "version": str(mission.version),
    }
    data.update(overrides)
    return data


def previewed(page: str) -> str:
    return re.search(r'name="previewed" value="([0-9a-f]+)"', page).group(1)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def tokyo():
    """A mission typed in the wrong zone: Tokyo, across the night Europe springs forward
    (2027-03-28); two meetings at 10:00, before and after it, and a delegate's stay."""
    mission = make_mission(
        timezone="Asia/Tokyo",
        start_date=datetime(2027, 3, 26).date(),
        end_date=datetime(2027, 3, 30).date(),
        title="Stuttgart 2027",
        slug="stuttgart-2027",
    )
    member = make_member(
        mission, arrival=local(mission, 2027, 3, 25, 18), departure=local(mission, 2027, 3, 31, 9)
    )
    friday = make_meeting(
        mission,
        local(mission, 2027, 3, 26, 10),
        local(mission, 2027, 3, 26, 11),
        title="Bosch",
        attendees=[member],
    )
    monday = make_meeting(
        mission,
        local(mission, 2027, 3, 29, 10),
        local(mission, 2027, 3, 29, 11),
        title="Porsche",
        attendees=[member],
    )
    return mission, member, friday, monday


def test_a_new_zone_shows_a_preview_and_saves_nothing_yet(client, tokyo):
    mission, member, friday, monday = tokyo
    client.force_login(make_coordinator(mission))
    url = reverse("missions:edit", args=[mission.slug])
    response = client.post(url, edit_data(mission, timezone="Europe/Berlin"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The time zone changes from Asia/Tokyo to Europe/Berlin." in page
    assert "Keep the local clock times (the zone was wrong): meetings move" in page
    assert 'name="keep" value="clock" id="keep-clock" checked' in page
    # Bosch: 10:00 in Tokyo now; kept at 10:00 in Berlin, i.e. 18:00 in Tokyo.
    row = re.search(r"<th scope=\"row\">Bosch.*?</tr>", page, re.S).group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells == [
        "Fri 26 Mar 2027, 10:00–11:00",
        "Fri 26 Mar 2027, 02:00–03:00",
        "Fri 26 Mar 2027, 18:00–19:00",
        "Fri 26 Mar 2027, 10:00–11:00",
    ]
    # Porsche, after Berlin's clocks went forward: 17:00 in Tokyo.
    row = re.search(r"<th scope=\"row\">Porsche.*?</tr>", page, re.S).group(0)
    assert re.findall(r"<td[^>]*>(.*?)</td>", row)[2:] == [
        "Mon 29 Mar 2027, 17:00–18:00",
        "Mon 29 Mar 2027, 10:00–11:00",
    ]
    mission.refresh_from_db()
    friday.refresh_from_db()
    assert mission.timezone == "Asia/Tokyo"
    assert friday.start == utc(2027, 3, 26, 1)


def test_keeping_the_clock_times_moves_meetings_and_stays_and_the_feed_follows(client, tokyo):
    mission, member, friday, monday = tokyo
    client.force_login(make_coordinator(mission))
    url = reverse("missions:edit", args=[mission.slug])
    data = edit_data(mission, timezone="Europe/Berlin")
    page = client.post(url, data).content.decode()
    response = client.post(url, {**data, "keep": "clock", "previewed": previewed(page)})
    assert response.status_code == 302
    friday.refresh_from_db()
    monday.refresh_from_db()
    member.refresh_from_db()
    assert (friday.start, friday.end) == (utc(2027, 3, 26, 9), utc(2027, 3, 26, 10))
    assert (monday.start, monday.end) == (utc(2027, 3, 29, 8), utc(2027, 3, 29, 9))
    assert (member.arrival, member.departure) == (utc(2027, 3, 25, 17), utc(2027, 3, 31, 7))
    assert (friday.sequence, monday.sequence) == (1, 1)
    assert friday.history.count() == 2
    agenda = client.get(response["Location"], follow=True).content.decode()
    assert "Mission saved; 3 meetings and stays moved with it." in agenda
    publish(mission)
    feed = client.get(reverse("public:delegate_feed", args=[member.token])).content.decode()
    assert "DTSTART;TZID=Europe/Berlin:20270326T100000" in feed
    assert "DTSTART;TZID=Europe/Berlin:20270329T100000" in feed
    assert "SEQUENCE:1" in feed


def test_keeping_the_instants_changes_only_the_zone(client, tokyo):
    mission, member, friday, monday = tokyo
    client.force_login(make_coordinator(mission))
    url = reverse("missions:edit", args=[mission.slug])
    data = edit_data(mission, timezone="Europe/Berlin", keep="instants")
    page = client.post(url, {**data, "preview": "1"}).content.decode()
    row = re.search(r"<th scope=\"row\">Bosch.*?</tr>", page, re.S).group(0)
    assert "unchanged" in row
    assert client.post(url, {**data, "previewed": previewed(page)}).status_code == 302
    friday.refresh_from_db()
    assert (friday.start, friday.sequence) == (utc(2027, 3, 26, 1), 0)
    assert Mission.objects.get(pk=mission.pk).timezone == "Europe/Berlin"


def test_a_choice_changed_after_the_preview_shows_the_preview_again(client, tokyo):
    mission, member, friday, monday = tokyo
    client.force_login(make_coordinator(mission))
    url = reverse("missions:edit", args=[mission.slug])
    data = edit_data(mission, timezone="Europe/Berlin")
    page = client.post(url, data).content.decode()
    response = client.post(url, {**data, "keep": "instants", "previewed": previewed(page)})
    assert response.status_code == 200
    assert 'name="keep" value="instants" id="keep-instants" checked' in response.content.decode()
    assert Mission.objects.get(pk=mission.pk).timezone == "Asia/Tokyo"


def test_new_dates_shift_meetings_and_stays_by_whole_days(client):
    mission = make_mission()  # Tue 22 - Thu 24 April 2025, Detroit
    member = make_member(
        mission, arrival=local(mission, 2025, 4, 21, 20), departure=local(mission, 2025, 4, 25, 8)
    )
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15), title="Rivian"
    )
    client.force_login(make_coordinator(mission))
    url = reverse("missions:edit", args=[mission.slug])
    data = edit_data(mission, start_date="2025-10-28", end_date="2025-10-30")
    page = client.post(url, data).content.decode()
    assert "The first day moves 189 days later." in page
    assert "Move the meetings and stays with the mission" in page
    assert "Weekdays change" not in page
    row = re.search(r"<th scope=\"row\">Rivian.*?</tr>", page, re.S).group(0)
    assert re.findall(r"<td[^>]*>(.*?)</td>", row) == [
        "Tue 22 Apr 2025, 14:00–15:00",
        "Tue 28 Oct 2025, 14:00–15:00",
    ]
    assert client.post(url, {**data, "previewed": previewed(page)}).status_code == 302
    meeting.refresh_from_db()
    member.refresh_from_db()
    # 14:00 in Detroit in October (EDT, UTC-4) as in April.
    assert meeting.start == utc(2025, 10, 28, 18)
    assert member.arrival == local(mission, 2025, 10, 27, 20)
    assert meeting.sequence == 1


def test_a_shift_that_is_no_whole_week_says_weekdays_change(client):
    mission = make_mission()
    make_meeting(mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15))
    client.force_login(make_coordinator(mission))
    url = reverse("missions:edit", args=[mission.slug])
    data = edit_data(mission, start_date="2025-04-24", end_date="2025-04-26")
    page = client.post(url, data).content.decode()
    assert "Weekdays change: what was on a Tuesday falls on a Thursday." in page
    data = edit_data(mission, start_date="2025-04-20", end_date="2025-04-22")
    page = client.post(url, data).content.decode()
    assert "The first day moves 2 days earlier." in page
    assert "Weekdays change: what was on a Tuesday falls on a Sunday." in page


def test_leaving_the_meetings_behind_is_refused_by_the_window_check(client):
    mission = make_mission()
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15)
    )
    client.force_login(make_coordinator(mission))
    url = reverse("missions:edit", args=[mission.slug])
    data = edit_data(mission, start_date="2025-10-28", end_date="2025-10-30", shift="no")
    page = client.post(url, {**data, "preview": "1"}).content.decode()
    assert "outside the planning window" in page
    response = client.post(url, {**data, "previewed": previewed(page)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 meeting would start more than 14 days before the mission" in page
    meeting.refresh_from_db()
    assert meeting.start == local(mission, 2025, 4, 22, 14)
    assert Mission.objects.get(pk=mission.pk).start_date.isoformat() == "2025-04-22"


def test_zone_and_dates_together(client, tokyo):
    mission, member, friday, monday = tokyo
    client.force_login(make_coordinator(mission))
    url = reverse("missions:edit", args=[mission.slug])
    data = edit_data(
        mission, timezone="Europe/Berlin", start_date="2027-04-02", end_date="2027-04-06"
    )
    page = client.post(url, data).content.decode()
    assert "The time zone changes" in page and "The first day moves 7 days later." in page
    assert client.post(url, {**data, "previewed": previewed(page)}).status_code == 302
    friday.refresh_from_db()
    assert friday.start == local("Europe/Berlin", 2027, 4, 2, 10)


def test_a_skipped_local_time_is_said_and_moved_after_the_jump(client):
    mission = make_mission(
        timezone="Asia/Tokyo",
        start_date=datetime(2027, 3, 27).date(),
        end_date=datetime(2027, 3, 29).date(),
    )
    meeting = make_meeting(
        mission, local(mission, 2027, 3, 28, 2, 30), local(mission, 2027, 3, 28, 4)
    )
    client.force_login(make_coordinator(mission))
    url = reverse("missions:edit", args=[mission.slug])
    data = edit_data(mission, timezone="Europe/Berlin")
    page = client.post(url, data).content.decode()
    assert "02:30 does not exist on 2027-03-28 in Europe/Berlin (the clocks jump): 03:30." in page
    assert client.post(url, {**data, "previewed": previewed(page)}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.start == local("Europe/Berlin", 2027, 3, 28, 3, 30)


def test_a_mission_without_meetings_or_stays_saves_at_once(client):
    mission = make_mission()
    make_member(mission)
    client.force_login(make_coordinator(mission))
    url = reverse("missions:edit", args=[mission.slug])
    response = client.post(url, edit_data(mission, timezone="Europe/Berlin"))
    assert response.status_code == 302
    assert not DelegationMember.objects.exclude(arrival=None).exists()
    assert Meeting.objects.count() == 0


def test_a_meeting_moved_by_somebody_after_the_preview_shows_the_preview_again(client, tokyo):
    mission, member, friday, monday = tokyo
    client.force_login(make_coordinator(mission))
    url = reverse("missions:edit", args=[mission.slug])
    data = edit_data(mission, timezone="Europe/Berlin")
    page = client.post(url, data).content.decode()
    friday.start, friday.end = local(mission, 2027, 3, 26, 15), local(mission, 2027, 3, 26, 16)
    meeting_save(meeting=friday)
    response = client.post(url, {**data, "previewed": previewed(page)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Fri 26 Mar 2027, 15:00–16:00" in page
    assert Mission.objects.get(pk=mission.pk).timezone == "Asia/Tokyo"
    monday.refresh_from_db()
    assert monday.sequence == 0


def test_a_mission_saved_by_somebody_else_meanwhile_moves_nothing(client, tokyo):
    mission, member, friday, monday = tokyo
    client.force_login(make_coordinator(mission))
    url = reverse("missions:edit", args=[mission.slug])
    data = edit_data(mission, timezone="Europe/Berlin")
    page = client.post(url, data).content.decode()
    mission.description = "Changed by Bruno"
    mission_save(mission=mission)
    response = client.post(url, {**data, "previewed": previewed(page)})
    assert response.status_code == 409
    assert "while you were editing" in response.content.decode()
    friday.refresh_from_db()
    member.refresh_from_db()
    assert (friday.start, friday.sequence) == (utc(2027, 3, 26, 1), 0)
    assert member.arrival == local("Asia/Tokyo", 2027, 3, 25, 18)
    assert Mission.objects.get(pk=mission.pk).timezone == "Asia/Tokyo"


@pytest.mark.parametrize("meetings", [1, 30])
def test_the_preview_costs_the_same_queries_for_1_or_30_meetings(
    client, django_assert_num_queries, meetings
):
    mission = make_mission()
    for n in range(meetings):
        make_meeting(mission, local(mission, 2025, 4, 22, 8, n), local(mission, 2025, 4, 22, 9, n))
    client.force_login(make_coordinator(mission))
    url = reverse("missions:edit", args=[mission.slug])
    # Session and user (2), the mission twice (stored and edited: 2), the two date check
    # constraints validated by Django (2 x savepoint, select, release: 6), the slug's
    # uniqueness (1), anything to move (1), the meetings (1), the stays (1), the latest
    # programme version with its pending count (1: the bar).
    with django_assert_num_queries(15):
        response = client.post(url, edit_data(mission, timezone="Europe/Berlin"))
    assert response.content.decode().count('<th scope="row">') == meetings
