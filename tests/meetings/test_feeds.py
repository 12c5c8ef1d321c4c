"""The feed views: HTTP behaviour calendar apps rely on, secrets, conditional GET, queries."""

import logging
from datetime import timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils.http import http_date

from delegations.services import delegation_member_rotate_token
from meetings.services import meeting_cancel, meeting_save
from missions.models import Mission
from missions.services import mission_save
from releases.services import latest_version
from tests.builders import local, make_meeting, make_member, publish
from tests.icsparsers import assert_all_parsers_read
from tests.meetings.ics_builders import make_rich_meeting, mission_with_delegate

pytestmark = pytest.mark.django_db


def feed_url(member) -> str:
    return reverse("public:delegate_feed", args=[member.token])


def test_delegate_feed_is_an_inline_utf8_calendar_with_validators(client):
    mission, member, meeting = mission_with_delegate()
    response = client.get(feed_url(member))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'inline; filename="{mission.slug}.ics"'
    assert response.headers["ETag"].startswith('"')
    # The instant the programme version the feed shows was published.
    latest = latest_version(mission).published_at
    assert response.headers["Last-Modified"] == http_date(latest.timestamp())
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-transform" in response.headers["Cache-Control"]
    assert_all_parsers_read(response.content, [meeting])


def test_feed_is_never_gzipped_and_needs_no_accept_header(client):
    _, member, meeting = mission_with_delegate()
    response = client.get(feed_url(member), HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert "Content-Encoding" not in response.headers
    assert_all_parsers_read(response.content, [meeting])


def test_if_none_match_answers_304_without_building_the_calendar(client, django_assert_num_queries):
    _, member, _ = mission_with_delegate()
    etag = client.get(feed_url(member)).headers["ETag"]
    # 1: the member by token (with mission, person and the latest version's id)
    with django_assert_num_queries(1):
        response = client.get(feed_url(member), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == etag


def test_if_modified_since_answers_304(client):
    _, member, _ = mission_with_delegate()
    last_modified = client.get(feed_url(member)).headers["Last-Modified"]
    response = client.get(feed_url(member), HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304


def test_malformed_if_modified_since_is_ignored(client):
    _, member, meeting = mission_with_delegate()
    response = client.get(feed_url(member), HTTP_IF_MODIFIED_SINCE="yesterday-ish, 99 Foo")
    assert response.status_code == 200
    assert_all_parsers_read(response.content, [meeting])


def test_head_answers_headers_without_body(client):
    _, member, _ = mission_with_delegate()
    response = client.head(feed_url(member))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content == b""


def test_post_is_refused(client):
    _, member, _ = mission_with_delegate()
    assert client.post(feed_url(member)).status_code == 405


def test_moved_meeting_changes_etag_and_the_next_poll_shows_it_moved(client):
    mission, member, meeting = mission_with_delegate()
    etag = client.get(feed_url(member)).headers["ETag"]
    meeting.start += timedelta(hours=2)
    meeting.end += timedelta(hours=2)
    meeting_save(meeting=meeting)
    publish(mission)
    response = client.get(feed_url(member), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    [event] = assert_all_parsers_read(response.content, [meeting])["ical.js"]
    assert event.sequence == 1


def test_cancelled_meeting_shows_as_cancelled_on_next_poll(client):
    mission, member, meeting = mission_with_delegate()
    meeting_cancel(meeting=meeting)
    publish(mission)
    response = client.get(feed_url(member))
    [event] = assert_all_parsers_read(response.content, [meeting])["vobject"]
    assert (event.status, event.sequence) == ("CANCELLED", 1)


def test_renamed_partner_changes_the_etag(client):
    mission, member, meeting = mission_with_delegate()
    etag = client.get(feed_url(member)).headers["ETag"]
    partner = meeting.partner_organisations.get()
    partner.name = "Renamed partner"
    partner.save()
    publish(mission)
    response = client.get(feed_url(member), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert b"Renamed partner" in response.content


def test_unknown_and_rotated_tokens_get_the_same_404(client):
    _, member, _ = mission_with_delegate()
    old = feed_url(member)
    unknown = client.get(reverse("public:delegate_feed", args=["x" * 43]))
    delegation_member_rotate_token(member=member)
    rotated = client.get(old)
    assert (unknown.status_code, rotated.status_code) == (404, 404)
    assert unknown.content == rotated.content
    assert rotated.headers["Referrer-Policy"] == "no-referrer"
    assert client.get(feed_url(member)).status_code == 200


def test_token_rotation_kills_the_old_page_and_download_links(client):
    _, member, meeting = mission_with_delegate()
    page = reverse("public:delegate_page", args=[member.token])
    download = reverse("public:meeting_ics", args=[member.token, meeting.pk])
    delegation_member_rotate_token(member=member)
    assert client.get(page).status_code == 404
    assert client.get(download).status_code == 404


def test_malformed_token_is_a_404(client):
    for token in ("short", "a" * 65, "bad token with spaces!!!!!!!"):
        url = reverse("public:delegate_feed", args=[token])
        assert client.get(url).status_code == 404


def test_bad_token_is_never_written_to_the_logs(client, caplog):
    token = "T0kenThatMustNotBeLogged_" + "z" * 18
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("public:delegate_page", args=[token]))
    assert response.status_code == 404
    assert caplog.records, "the 404 is still logged, only without the secret"
    assert token not in caplog.text
    assert "/d/[token]/" in caplog.text


def test_draft_mission_has_no_public_feed(client):
    mission, member, _ = mission_with_delegate(status=Mission.Status.DRAFT)
    assert client.get(reverse("public:mission_feed", args=[mission.feed_token])).status_code == 404
    assert client.get(feed_url(member)).status_code == 404
    mission.status = Mission.Status.PUBLISHED
    mission_save(mission=mission)
    assert client.get(reverse("public:mission_feed", args=[mission.feed_token])).status_code == 200


def test_mission_feed_lists_every_meeting_cancelled_included(client):
    mission, member, meeting = mission_with_delegate()
    other = make_meeting(mission, local(mission, 2025, 4, 23, 9), local(mission, 2025, 4, 23, 10))
    meeting_cancel(meeting=other)
    publish(mission)
    response = client.get(reverse("public:mission_feed", args=[mission.feed_token]))
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Referrer-Policy" not in response.headers or response.headers["Referrer-Policy"] in (
        "same-origin",
        "no-referrer",
    )
    assert_all_parsers_read(response.content, [meeting, other])
    assert b"SECRET-INTERNAL-NOTE" not in response.content


def test_mission_feed_language_does_not_follow_accept_language(client):
    mission, _, _ = mission_with_delegate()
    url = reverse("public:mission_feed", args=[mission.feed_token])
    english = client.get(url).content
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="it").content == english


def test_meeting_download_is_an_attachment_published_for_import(client):
    _, member, meeting = mission_with_delegate()
    response = client.get(reverse("public:meeting_ics", args=[member.token, meeting.pk]))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="rivian-meeting.ics"'
    cal = icalendar.Calendar.from_ical(response.content)
    assert str(cal["METHOD"]) == "PUBLISH"
    assert "X-WR-CALNAME" not in cal
    assert_all_parsers_read(response.content, [meeting])


def test_meeting_download_only_for_a_meeting_the_delegate_attends(client):
    mission, member, _ = mission_with_delegate()
    colleague = make_member(mission)
    theirs = make_meeting(
        mission,
        local(mission, 2025, 4, 23, 9),
        local(mission, 2025, 4, 23, 10),
        attendees=[colleague],
    )
    publish(mission)
    url = reverse("public:meeting_ics", args=[member.token, theirs.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("count", [5, 500])
def test_feed_queries_do_not_grow_with_the_number_of_meetings(
    client, django_assert_num_queries, count
):
    mission, member, _ = mission_with_delegate()
    start = local(mission, 2025, 4, 22, 8)
    for n in range(count - 1):
        make_rich_meeting(
            mission,
            # Half-hourly, so that 500 fit the mission's planning window (+14 days).
            start + timedelta(minutes=30 * n),
            start + timedelta(minutes=30 * n + 20),
            attendees=[member],
            venue=None,
        )
    if count > 1:
        publish(mission)
    # 1 member by token (with the latest version's id), 2 the version's snapshot
    with django_assert_num_queries(2):
        response = client.get(feed_url(member))
    assert response.content.count(b"BEGIN:VEVENT") == count
    # 1 mission by its secret feed token (with the version's id), 2 the snapshot
    with django_assert_num_queries(2):
        response = client.get(reverse("public:mission_feed", args=[mission.feed_token]))
    assert response.content.count(b"BEGIN:VEVENT") == count
