"""A B2B visitor's calendar feed (`b2b/<token>/calendar.ics`): the published meetings where
they are a partner contact, built by the same code as delegates' feeds (releases/published.py,
feed_build.py, meetings/ical.py) and read back by three parsers across the spring-forward
night of a Torino session (28-30 March 2026, Europe/Rome: 29 March 02:00 -> 03:00)."""

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
from django.core.cache import cache

from matchmaking import services
from matchmaking.models import SessionDay
from meetings.services import meeting_cancel
from releases import published
from tests.builders import make_member, make_organisation, publish
from tests.icsparsers import assert_all_parsers_read
from tests.matchmaking.public_world import (
    at,
    delegation_participant,
    feed,
    make_world,
    place,
    torino,
    visitor,
)
from tests.matchmaking.public_world import make_session as new_session

pytestmark = pytest.mark.django_db

DAYS = (date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30))


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def accepted(requester, requested):
    made = services.request_create(requester=requester, requested=requested)
    return services.request_decide(request=made, accept=True)


def dst_world():
    """Vera (Rivian) meets Anna on each of the three days at 09:30 local; the last cancelled."""
    mission = torino(start_date=DAYS[0], end_date=DAYS[-1])
    session = new_session(mission, title="VTM B2B across the change")
    for day in DAYS[1:]:
        services.session_day_save(
            day=SessionDay(session=session, date=day, start=time(9, 30), end=time(17, 30))
        )
    anna = delegation_participant(session, "Anna", "Rossi", "Stampi Canavese")
    bruno = delegation_participant(session, "Bruno", "Bianchi", "Cablaggi Pinerolo")
    carla = delegation_participant(session, "Carla", "Verdi", "Vernici Alba")
    rivian = make_organisation(name="Rivian", country="United States")
    vera = visitor(session, "Vera", "Lind", rivian)
    meetings = []
    for day, colleague in zip(DAYS, (anna, bruno, carla), strict=True):
        meetings.append(place(accepted(vera, colleague), at(mission, day, 9, 30)))
    meetings[-1] = meeting_cancel(meeting=meetings[-1])
    return mission, vera, anna, meetings


def test_visitor_feed_reads_the_same_in_every_parser_across_the_dst_change(client):
    mission, vera, _anna, meetings = dst_world()
    publish(mission)
    response = client.get(feed(vera))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    for meeting in meetings:
        meeting.refresh_from_db()
    results = assert_all_parsers_read(body, meetings)
    # 09:30 in Rome: 08:30 UTC before the change (CET), 07:30 UTC after it (CEST).
    starts = sorted(event.start for event in results["icalendar"])
    assert starts == [
        datetime(2026, 3, 28, 8, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 7, 30, tzinfo=UTC),
        datetime(2026, 3, 30, 7, 30, tzinfo=UTC),
    ]
    by_start = sorted(results["vobject"], key=lambda event: event.start)
    assert [event.status for event in by_start] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    text = body.decode()
    assert "DTSTART;TZID=Europe/Rome:20260329T093000" in text
    assert "TZID:Europe/Rome" in text
    assert "Vera Lind" in text  # the calendar's name
    assert f"/b2b/{vera.token}/#meeting-{meetings[0].pk}" in text.replace("\r\n ", "")


def test_incremental_build_is_the_cold_build():
    mission, vera, _anna, _meetings = dst_world()
    publish(mission)
    from matchmaking.public_views import _reader, participant_by_token

    reader = _reader(participant_by_token(vera.token))
    for language in ("en", "it"):
        assert published.contact_feed_bytes(reader, language=language) == (
            published.contact_feed_bytes_cold(reader, language=language)
        )


def test_only_published_meetings_and_an_empty_calendar_before(client):
    mission, vera, _anna, meetings = dst_world()
    body = client.get(feed(vera)).content
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar.walk("VEVENT") == []
    assert calendar.walk("VTIMEZONE")  # still a valid calendar
    publish(mission)
    assert client.get(feed(vera)).content.count(b"BEGIN:VEVENT") == 3
    # A meeting placed after publication is not in the feed until published again.
    bruno = vera.session.participants.get(person__last_name="Bianchi")
    services.request_withdraw(request=vera.requests_made.get(requested=bruno))
    late = place(accepted(bruno, vera), at(mission, DAYS[1], 11, 0), table=1)
    assert late.uid.encode() not in client.get(feed(vera)).content
    publish(mission)
    assert late.uid.encode() in client.get(feed(vera)).content


def test_a_colleagues_meeting_is_not_in_the_visitors_feed(client):
    w = make_world()
    place(accepted(w.otto, w.anna), at(w.mission, date(2026, 3, 24), 9, 30))
    mine = place(accepted(w.vera, w.bruno), at(w.mission, date(2026, 3, 24), 9, 30), table=1)
    publish(w.mission)
    body = client.get(feed(w.vera)).content
    assert body.count(b"BEGIN:VEVENT") == 1
    assert mine.uid.encode() in body


def test_etag_304_in_one_query_and_a_new_etag_after_publishing(client, django_assert_num_queries):
    mission, vera, _anna, meetings = dst_world()
    publish(mission)
    first = client.get(feed(vera))
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache, no-transform"
    assert first.headers["Referrer-Policy"] == "no-referrer"
    with django_assert_num_queries(1):
        assert client.get(feed(vera), HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.head(feed(vera)).content == b""
    # An unpublished change moves nothing; publishing it gives a new ETag and new bytes.
    meeting = meetings[0]
    meeting.refresh_from_db()
    meeting.title = "Renamed"
    from meetings.services import meeting_save

    meeting_save(meeting=meeting)
    assert client.get(feed(vera), HTTP_IF_NONE_MATCH=etag).status_code == 304
    publish(mission)
    again = client.get(feed(vera), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again.headers["ETag"] != etag
    assert b"SUMMARY:Renamed" in again.content
    # The language is in the key.
    assert client.get(feed(vera) + "?lang=it").headers["ETag"] != again.headers["ETag"]


def test_rotated_token_is_404_and_the_old_etag_never_matches(client):
    mission, vera, _anna, _meetings = dst_world()
    publish(mission)
    old_url, etag = feed(vera), client.get(feed(vera)).headers["ETag"]
    services.participant_rotate_token(participant=vera)
    assert client.get(old_url).status_code == 404
    vera.refresh_from_db()
    assert client.get(feed(vera), HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.post(feed(vera)).status_code == 405


def test_delegation_participants_link_gives_their_delegate_feed(client):
    mission, _vera, anna, _meetings = dst_world()
    publish(mission)
    from django.urls import reverse

    own = client.get(reverse("public:delegate_feed", args=[anna.member.token]))
    via_b2b = client.get(feed(anna))
    assert via_b2b.content == own.content
    assert via_b2b.content.count(b"BEGIN:VEVENT") == 1


@pytest.mark.parametrize("count", [1, 15])
def test_feed_queries_do_not_grow(client, django_assert_num_queries, count):
    w = make_world()
    start = at(w.mission, date(2026, 3, 24), 9, 30)
    partners = [w.anna, w.bruno]
    for n in range(count):
        host = partners[n % 2]
        if n < 2:
            request = accepted(w.vera, host)
        else:
            extra = services.participant_add_member(
                session=w.session, member=make_member(w.mission)
            )
            request = accepted(w.vera, extra)
        place(request, start + timedelta(minutes=20 * n))
    publish(w.mission)
    # 1 participant by token (with the version's id); 2 the version's snapshot
    with django_assert_num_queries(2):
        body = client.get(feed(w.vera)).content
    assert body.count(b"BEGIN:VEVENT") == count
