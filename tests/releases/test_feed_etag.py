"""The feeds' ETag (releases/published.py): every change that alters a feed's bytes alters
its ETag, unrelated changes do not; the conditional GET is one query whatever the size, and
bad validators get the current body (never a stale one, never a 500)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.http import http_date

from delegations.services import (
    delegation_member_rotate_token,
    delegation_remove_member,
    person_save,
)
from meetings.services import meeting_save
from missions.services import mission_rotate_feed_token, mission_save
from tests.builders import local, make_meeting, make_member, make_mission, make_person, publish
from tests.releases.test_public import EDITS, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _urls(mission, member) -> dict[str, str]:
    return {
        "delegate": reverse("public:delegate_feed", args=[member.token]),
        "delegate-it": reverse("public:delegate_feed", args=[member.token]) + "?lang=it",
        "complete": reverse("public:mission_feed", args=[mission.feed_token]),
        "public": reverse("public:mission_feed", args=[mission.slug]),
        "public-it": reverse("public:mission_feed", args=[mission.slug]) + "?lang=it",
    }


def _state(client, urls) -> dict[str, tuple[str, bytes]]:
    out = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        out[name] = (response.headers["ETag"], response.content)
    return out


def _assert_etag_follows_bytes(before, after) -> set[str]:
    """Same bytes <=> same ETag, for every feed; returns the feeds that changed."""
    changed = set()
    for name in before:
        same_bytes = before[name][1] == after[name][1]
        same_etag = before[name][0] == after[name][0]
        if not same_bytes:
            changed.add(name)
            assert not same_etag, f"{name}: new bytes under the old ETag"
    return changed


@pytest.mark.parametrize("edit", EDITS, ids=lambda f: f.__name__)
def test_every_published_change_changes_the_etag_of_every_feed_it_alters(client, world, edit):  # noqa: F811
    mission, mario, *_ = world
    urls = _urls(mission, mario)
    before = _state(client, urls)
    edit(world)
    # Unpublished: neither bytes nor ETag move.
    assert _state(client, urls) == before
    publish(mission, note="Change")
    after = _state(client, urls)
    changed = _assert_etag_follows_bytes(before, after)
    assert {"delegate", "complete"} <= changed


def test_live_data_read_outside_a_version_moves_the_etag(client):
    # Never published: the feeds' header is the live mission's; a delegate not yet in a
    # version is named from the live person.
    mission = make_mission(programme_public=True)
    person = make_person(first_name="Mario", last_name="Rossi")
    member = make_member(mission, person)
    urls = _urls(mission, member)
    before = _state(client, urls)
    mission.title = "Michigan mobility week"
    mission_save(mission=mission)
    person.last_name = "Verdi"
    person_save(person=person)
    after = _state(client, urls)
    assert _assert_etag_follows_bytes(before, after) == set(urls)
    assert b"Michigan mobility week" in after["complete"][1]
    assert b"Mario Verdi" in after["delegate"][1]


def test_unrelated_changes_leave_etag_and_bytes_alone(client, world):  # noqa: F811
    mission, mario, *_ = world
    urls = _urls(mission, mario)
    before = _state(client, urls)
    other = make_mission(slug="other-mission")
    make_meeting(other, local(other, 2025, 4, 22, 9), local(other, 2025, 4, 22, 10))
    publish(other)
    stranger = make_person(first_name="Not", last_name="Here")
    stranger.last_name = "Elsewhere"
    person_save(person=stranger)
    assert _state(client, urls) == before


def test_rotated_tokens_and_removed_delegates_get_404(client, world):  # noqa: F811
    mission, mario, anna, *_ = world
    old = _urls(mission, mario)
    anna_feed = reverse("public:delegate_feed", args=[anna.token])
    etag = client.get(old["complete"]).headers["ETag"]
    mission_rotate_feed_token(mission=mission)
    delegation_member_rotate_token(member=mario)
    delegation_remove_member(member=anna)
    for url in (old["complete"], old["delegate"], anna_feed):
        assert client.get(url).status_code == 404
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404
    mission.refresh_from_db()
    fresh = client.get(reverse("public:mission_feed", args=[mission.feed_token]))
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag


def test_bad_validators_get_the_current_body(client, world):  # noqa: F811
    mission, mario, *_ = world
    url = reverse("public:delegate_feed", args=[mario.token])
    first = client.get(url)
    etag, body = first.headers["ETag"], first.content
    modified = first.headers["Last-Modified"]
    future = http_date(first.wsgi_request and 4102444800)  # 2100
    cases = {
        "malformed": {"HTTP_IF_NONE_MATCH": 'garbage"\x00'},
        "foreign": {"HTTP_IF_NONE_MATCH": '"0123456789abcdef0123456789abcdef"'},
        "weak of ours": {"HTTP_IF_NONE_MATCH": "W/" + etag},
        "unparseable date": {"HTTP_IF_MODIFIED_SINCE": "yesterday-ish"},
    }
    for name, headers in cases.items():
        response = client.get(url, **headers)
        if name == "weak of ours":  # weak comparison (RFC 9110 13.1.2): still ours
            assert response.status_code == 304, name
            continue
        assert response.status_code == 200, name
        assert response.content == body, name
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    # A date in the future (a client's wrong clock) is invalid, so ignored: the body.
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=future).content == body
    head = client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["ETag"] == etag
    # A stale ETag after a published change: the new body, never the old one.
    meeting = world[3]
    meeting.refresh_from_db()
    meeting.title = "Rivian plant tour"
    meeting_save(meeting=meeting)
    publish(mission)
    for headers in (
        {"HTTP_IF_NONE_MATCH": etag},
        {"HTTP_IF_MODIFIED_SINCE": future},
        {"HTTP_IF_NONE_MATCH": etag, "HTTP_IF_MODIFIED_SINCE": future},
    ):
        stale = client.get(url, **headers)
        assert stale.status_code == 200
        assert b"SUMMARY:Rivian plant tour" in stale.content


@pytest.mark.parametrize("count", [1, 60])
def test_conditional_get_is_one_query_for_1_or_many(client, django_assert_num_queries, count):
    mission = make_mission(programme_public=True)
    member = make_member(mission)
    start = local(mission, 2025, 4, 22, 8)
    for n in range(count):
        make_meeting(
            mission,
            start + timedelta(minutes=30 * n),
            start + timedelta(minutes=30 * n + 20),
            attendees=[member],
        )
    publish(mission)
    for url in _urls(mission, member).values():
        etag = client.get(url).headers["ETag"]
        with django_assert_num_queries(1):
            response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304 and response.content == b""
