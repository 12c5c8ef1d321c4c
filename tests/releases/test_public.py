"""Public outputs show the latest published version only (releases/public.py).

Each of the delegate page, the delegate feed, the complete and the public programme feed
and the single-meeting download is read, the working programme edited (time, title, venue,
attendee, deletion, new meeting), read again: byte for byte the same; then published: the
change is there.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from meetings.models import Meeting
from meetings.services import meeting_delete, meeting_save
from missions.models import Mission
from missions.services import mission_save
from releases.services import latest_version, programme_publish
from tests.builders import (
    local,
    make_meeting,
    make_member,
    make_mission,
    make_person,
    make_venue,
    publish,
)
from tests.icsparsers import read_all
from tests.meetings.ics_builders import make_rich_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    mission = make_mission(programme_public=True, start_date=_day(2025, 4, 22))
    mario = make_member(mission, make_person(first_name="Mario", last_name="Rossi"))
    anna = make_member(mission, make_person(first_name="Anna", last_name="Bianchi"))
    meeting = make_rich_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        attendees=[mario, anna],
        title="Meeting with Rivian",
    )
    other_venue = make_venue(mission, name="Ford Rouge Center")
    publish(mission, note="Preliminary programme")
    return mission, mario, anna, meeting, other_venue


def _day(*args):
    from datetime import date

    return date(*args)


def outputs(mission: Mission, member, meeting) -> dict[str, str]:
    return {
        "page": reverse("public:delegate_page", args=[member.token]) + "?lang=en",
        "feed": reverse("public:delegate_feed", args=[member.token]),
        "complete": reverse("public:mission_feed", args=[mission.feed_token]),
        "public": reverse("public:mission_feed", args=[mission.slug]),
        "download": reverse("public:meeting_ics", args=[member.token, meeting.pk]),
    }


def _reload(meeting: Meeting) -> Meeting:
    fresh = Meeting.objects.get(pk=meeting.pk)
    return fresh


def edit_time(world):
    mission, _mario, _anna, meeting, _venue = world
    meeting = _reload(meeting)
    meeting.start += timedelta(hours=2)
    meeting.end += timedelta(hours=2)
    meeting_save(meeting=meeting)
    return {"page": "16:00–17:00", "feed": "T160000", "complete": "T160000", "public": "T160000"}


def edit_title(world):
    meeting = _reload(world[3])
    meeting.title = "Rivian plant tour"
    meeting_save(meeting=meeting)
    expected = "Rivian plant tour"
    return dict.fromkeys(("page", "feed", "complete", "public", "download"), expected)


def edit_venue(world):
    meeting = _reload(world[3])
    meeting.venue = world[4]
    meeting_save(meeting=meeting)
    return dict.fromkeys(("page", "feed", "complete", "public", "download"), "Ford Rouge Center")


def edit_attendee(world):
    _mission, _mario, anna, meeting, _venue = world
    meeting_save(meeting=_reload(meeting), attendees=[anna])
    # Mario loses it: gone from his page, CANCELLED in his feed; the programme names Anna only.
    return {"feed": "STATUS:CANCELLED", "complete": "Delegation: Anna Bianchi\r\n"}


def edit_delete(world):
    meeting_delete(meeting=_reload(world[3]))
    return dict.fromkeys(("feed", "complete", "public"), "STATUS:CANCELLED")


def edit_new_meeting(world):
    mission, mario, *_ = world
    make_meeting(
        mission,
        local(mission, 2025, 4, 23, 9),
        local(mission, 2025, 4, 23, 10),
        title="Breakfast with MEDC",
        attendees=[mario],
    )
    return dict.fromkeys(("page", "feed", "complete", "public"), "Breakfast with MEDC")


EDITS = [edit_time, edit_title, edit_venue, edit_attendee, edit_delete, edit_new_meeting]


def _body(response) -> bytes:
    """The bytes served; on a page, without the CSRF token (masked anew on every request)."""
    return re.sub(rb'"X-CSRFToken": "[^"]+"', b'"X-CSRFToken": ""', response.content)


def _text(body: bytes) -> str:
    # Folded iCalendar lines unfolded, so that a phrase is found whatever its position.
    return body.decode().replace("\r\n ", "")


@pytest.mark.parametrize("edit", EDITS, ids=lambda f: f.__name__)
def test_drafts_never_reach_any_public_output_until_published(client, world, edit):
    mission, mario, _anna, meeting, _venue = world
    urls = outputs(mission, mario, meeting)
    before = {name: _body(client.get(url)) for name, url in urls.items()}
    assert all(before.values())

    appears = edit(world)

    after = {name: _body(client.get(url)) for name, url in urls.items()}
    assert after == before, "an unpublished edit reached a public output"
    for name, text in appears.items():
        assert text not in _text(before[name]), (name, text)

    publish(mission)

    published = {name: client.get(url) for name, url in urls.items()}
    for name, text in appears.items():
        assert text in _text(published[name].content), (name, text)


def test_same_version_same_bytes_and_etag(client, world):
    mission, mario, _anna, meeting, _venue = world
    url = reverse("public:delegate_feed", args=[mario.token])
    first = client.get(url)
    edit_time(world)
    edit_title(world)
    second = client.get(url)
    assert (second.content, second.headers["ETag"]) == (first.content, first.headers["ETag"])
    assert client.get(url, HTTP_IF_NONE_MATCH=first.headers["ETag"]).status_code == 304
    publish(mission)
    third = client.get(url, HTTP_IF_NONE_MATCH=first.headers["ETag"])
    assert third.status_code == 200
    assert third.headers["ETag"] != first.headers["ETag"]


def test_dtstamp_is_the_versions_instant_last_modified_the_meetings(client, world):
    mission, mario, _anna, meeting, _venue = world
    first = latest_version(mission)
    make_meeting(
        mission, local(mission, 2025, 4, 23, 9), local(mission, 2025, 4, 23, 10), attendees=[mario]
    )
    second = publish(mission)
    body = _text(client.get(reverse("public:delegate_feed", args=[mario.token])).content)
    stamp = second.published_at.strftime("%Y%m%dT%H%M%SZ")
    assert body.count(f"DTSTAMP:{stamp}") == 2
    # The Rivian meeting did not change in version 2: LAST-MODIFIED still of version 1.
    assert f"LAST-MODIFIED:{first.published_at:%Y%m%dT%H%M%SZ}" in body
    assert f"LAST-MODIFIED:{stamp}" in body


def _parsed(client, url) -> dict[str, dict[str, tuple]]:
    """{parser: {uid: (sequence, status, start)}}, by icalendar, vobject and ical.js."""
    results = read_all(client.get(url).content)
    return {
        parser: {e.uid: (e.sequence, e.status, e.start) for e in events}
        for parser, events in results.items()
    }


def test_sequence_rises_once_per_published_move_in_three_parsers(client, world):
    mission, mario, _anna, meeting, _venue = world
    url = reverse("public:delegate_feed", args=[mario.token])
    [before] = {str(v) for v in _parsed(client, url).values()}
    for _ in range(3):
        edit_time(world)
    assert {str(v) for v in _parsed(client, url).values()} == {before}
    publish(mission)
    for parser, events in _parsed(client, url).items():
        sequence, status, start = events[meeting.uid]
        assert (sequence, status) == (1, "CONFIRMED"), parser
        assert start == (meeting.start + timedelta(hours=6)), parser


def test_removed_delegate_sees_it_cancelled_in_three_parsers(client, world):
    mission, mario, anna, meeting, _venue = world
    edit_attendee(world)
    publish(mission)
    mario_feed = _parsed(client, reverse("public:delegate_feed", args=[mario.token]))
    anna_feed = _parsed(client, reverse("public:delegate_feed", args=[anna.token]))
    for parser in mario_feed:
        assert mario_feed[parser][meeting.uid][:2] == (0, "CANCELLED"), parser
        assert anna_feed[parser][meeting.uid][:2] == (0, "CONFIRMED"), parser
    page = client.get(reverse("public:delegate_page", args=[mario.token]) + "?lang=en")
    agenda, update = _agenda_and_update(page.content.decode())
    assert "Meeting with Rivian" not in agenda
    assert "Meeting with Rivian Cancelled for you" in update  # releases/changes.py
    download = reverse("public:meeting_ics", args=[mario.token, meeting.pk])
    assert client.get(download).status_code == 404


def test_deleted_meeting_is_cancelled_in_feeds_and_gone_from_the_page(client, world):
    mission, mario, anna, meeting, _venue = world
    edit_delete(world)
    publish(mission)
    for url in (
        reverse("public:delegate_feed", args=[anna.token]),
        reverse("public:mission_feed", args=[mission.feed_token]),
        reverse("public:mission_feed", args=[mission.slug]),
    ):
        for parser, events in _parsed(client, url).items():
            assert events[meeting.uid][:2] == (1, "CANCELLED"), (url, parser)
    page = client.get(reverse("public:delegate_page", args=[anna.token]) + "?lang=en")
    agenda, update = _agenda_and_update(page.content.decode())
    assert "Meeting with Rivian" not in agenda
    assert "Meeting with Rivian Cancelled (was" in update  # releases/changes.py


def _agenda_and_update(html: str) -> tuple[str, str]:
    """The page without its "What changed" section, and that section's text."""
    before, rest = html.split('<section class="delegate-update', 1)
    section, after = rest.split("</section>", 1)
    return before + after, " ".join(re.sub(r"<[^>]+>", " ", section).split())


def test_never_published_mission_page_says_so_and_feeds_are_empty_calendars(client):
    mission = make_mission()
    member = make_member(mission)
    make_meeting(
        mission, local(mission, 2025, 4, 22, 9), local(mission, 2025, 4, 22, 10), attendees=[member]
    )
    page = client.get(reverse("public:delegate_page", args=[member.token]) + "?lang=en")
    assert page.status_code == 200
    text = " ".join(page.content.decode().split())
    assert "Your programme is not published yet." in text
    assert "No meetings yet" not in text
    for url in (
        reverse("public:delegate_feed", args=[member.token]),
        reverse("public:mission_feed", args=[mission.feed_token]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert read_all(response.content) == {"icalendar": [], "vobject": [], "ical.js": []}


def test_delegate_added_after_the_last_version_is_told_it_is_not_published_yet(client, world):
    mission, *_ = world
    late = make_member(mission, make_person(first_name="Carla", last_name="Nuova"))
    page = client.get(reverse("public:delegate_page", args=[late.token]) + "?lang=en")
    assert "Your programme is not published yet." in page.content.decode()
    publish(mission)
    page = client.get(reverse("public:delegate_page", args=[late.token]) + "?lang=en")
    assert "not published yet" not in page.content.decode()
    assert "No meetings yet." in " ".join(page.content.decode().split())


def test_mission_title_edits_wait_for_publication_too(client, world):
    mission, mario, *_ = world
    url = reverse("public:delegate_feed", args=[mario.token])
    before = client.get(url).content
    mission.refresh_from_db()
    mission.title = "VTM Michigan 2025 (renamed)"
    mission_save(mission=mission)
    assert client.get(url).content == before
    publish(mission)
    assert b"VTM Michigan 2025 (renamed)" in client.get(url).content


@pytest.mark.parametrize("count", [1, 40])
def test_public_outputs_cost_the_same_queries_for_1_or_many(
    client, django_assert_num_queries, count
):
    mission = make_mission(programme_public=True)
    member = make_member(mission)
    start = local(mission, 2025, 4, 22, 8)
    for n in range(count):
        make_rich_meeting(
            mission,
            start + timedelta(minutes=30 * n),
            start + timedelta(minutes=30 * n + 20),
            attendees=[member],
            venue=None,
        )
    publish(mission)
    first = Meeting.objects.filter(mission=mission).order_by("pk").first()
    # 1 the reader by token (with the latest version's id), 2 the version's snapshot;
    # the page also 3 the delegate's B2B sessions (a link to each of their B2B pages)
    for url, queries in (
        (reverse("public:delegate_page", args=[member.token]), 3),
        (reverse("public:delegate_feed", args=[member.token]), 2),
        (reverse("public:mission_feed", args=[mission.feed_token]), 2),
        (reverse("public:mission_feed", args=[mission.slug]), 2),
        (reverse("public:meeting_ics", args=[member.token, first.pk]), 2),
    ):
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200
    assert response.content.count(b"BEGIN:VEVENT") == 1


def test_conditional_get_is_one_query(client, world, django_assert_num_queries):
    mission, mario, *_ = world
    for url in (
        reverse("public:delegate_feed", args=[mario.token]),
        reverse("public:mission_feed", args=[mission.feed_token]),
    ):
        etag = client.get(url).headers["ETag"]
        with django_assert_num_queries(1):
            assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_meeting_moved_across_the_detroit_spring_forward_shows_in_every_parser(client):
    mission = make_mission(start_date=_day(2025, 3, 7), end_date=_day(2025, 3, 10))
    member = make_member(mission)
    meeting = make_meeting(
        mission, local(mission, 2025, 3, 8, 10), local(mission, 2025, 3, 8, 11), attendees=[member]
    )
    publish(mission)
    meeting = _reload(meeting)
    # 10:00 EST on Saturday is 15:00 UTC; 10:00 EDT on Sunday, after the clocks went
    # forward, is 14:00 UTC.
    meeting.start = local(mission, 2025, 3, 9, 10)
    meeting.end = local(mission, 2025, 3, 9, 11)
    meeting_save(meeting=meeting)
    programme_publish(mission=mission, user=None, note="Moved to Sunday")
    url = reverse("public:delegate_feed", args=[member.token])
    for parser, events in _parsed(client, url).items():
        sequence, status, start = events[meeting.uid]
        assert (sequence, status) == (1, "CONFIRMED"), parser
        assert start.isoformat() == "2025-03-09T14:00:00+00:00", parser
    page = client.get(reverse("public:delegate_page", args=[member.token]) + "?lang=en")
    assert "Sunday 9 March 2025" in page.content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())
    assert "10:00–11:00 (Rome 15:00–16:00)" in text
