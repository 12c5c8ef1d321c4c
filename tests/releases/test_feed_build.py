"""The incremental feed build (releases/feed_build.py): byte-identical to the cold build for
every feed kind, across a publication that changes one meeting, rebuilding only that one."""

import pytest
from django.core.cache import cache

from releases import feed_build, published
from tests.builders import local, make_meeting, publish
from tests.releases.test_public import EDITS, edit_title, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _feeds(mission, member) -> dict[str, tuple[bytes, bytes]]:
    """(incremental, cold) of each feed kind."""
    mission = published.programme_candidates(mission.feed_token, token_shaped=True)[0]
    member = published.member_by_token(member.token)
    out = {}
    for language in ("en", "it"):
        out[f"delegate-{language}"] = (
            published.member_feed_bytes(member, language=language),
            published.member_feed_bytes_cold(member, language=language),
        )
        for public in (False, True):
            out[f"programme-{public}-{language}"] = (
                published.mission_feed_bytes(mission, language=language, public=public),
                published.mission_feed_bytes_cold(mission, language=language, public=public),
            )
    return out


def _forget() -> None:
    """Nothing kept: neither in the cache nor in this process's memo."""
    cache.clear()
    feed_build.forget()


def _event_count(body: bytes) -> int:
    return body.count(b"BEGIN:VEVENT")


@pytest.mark.parametrize("edit", EDITS, ids=lambda f: f.__name__)
def test_incremental_feeds_are_the_cold_bytes_before_and_after_a_change(world, edit):  # noqa: F811
    mission, mario, _anna, _meeting, _venue = world
    for n in range(5):  # a few unchanged meetings, kept across the publication
        make_meeting(
            mission,
            local(mission, 2025, 4, 24, 8 + n),
            local(mission, 2025, 4, 24, 9 + n),
            title=f"Visit {n}",
            attendees=[mario],
        )
    publish(mission, note="With visits")
    _forget()
    before = _feeds(mission, mario)
    for kind, (incremental, cold) in before.items():
        assert incremental == cold, kind
        assert _event_count(incremental) >= 6, kind
    # Warm: nothing is made again.
    again = _feeds(mission, mario)
    assert feed_build.last_build["built"] == 0
    assert {k: v[0] for k, v in again.items()} == {k: v[0] for k, v in before.items()}

    expected = edit(world)
    publish(mission, note="The change")
    after = _feeds(mission, mario)
    for kind, (incremental, cold) in after.items():
        assert incremental == cold, kind
    for kind in ("delegate-en", "programme-False-en", "programme-False-it"):
        assert after[kind][0] != before[kind][0], kind  # the change shows
    text = after["programme-False-en"][0].decode().replace("\r\n ", "")
    assert expected.get("complete", expected.get("feed", "")) in text


def test_after_one_change_only_that_event_is_made_again(world):  # noqa: F811
    mission, mario, *_ = world
    for n in range(20):
        make_meeting(
            mission,
            local(mission, 2025, 4, 25 + n // 10, 8 + n % 10),
            local(mission, 2025, 4, 25 + n // 10, 9 + n % 10),
            title=f"Session {n}",
        )
    publish(mission)
    programme = published.programme_candidates(mission.feed_token, token_shaped=True)[0]
    _forget()
    published.mission_feed_bytes(programme, language="en", public=False)
    assert feed_build.last_build == {"kept": 0, "built": 21}
    edit_title(world)
    publish(mission)
    programme = published.programme_candidates(mission.feed_token, token_shaped=True)[0]
    body = published.mission_feed_bytes(programme, language="en", public=False)
    assert feed_build.last_build == {"kept": 20, "built": 1}
    assert b"SUMMARY:Rivian plant tour" in body
    # Another language is another set of events (labels differ).
    published.mission_feed_bytes(programme, language="it", public=False)
    assert feed_build.last_build["built"] == 21


def test_with_redis_the_kept_events_give_the_same_bytes(world, settings):  # noqa: F811
    """The cache as deployed (Redis): events kept across processes give the cold bytes."""
    import uuid

    from django.test import override_settings

    prefix = f"test-feeds-{uuid.uuid4().hex}"
    redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": prefix,
        }
    }
    mission, mario, *_ = world
    with override_settings(CACHES=redis, REDIS_URL="redis://127.0.0.1:6379/0"):
        try:
            feed_build.forget()
            first = _feeds(mission, mario)
            assert feed_build.last_build["kept"] == 0
            feed_build.forget()  # a second process: what it finds, it finds in Redis
            second = _feeds(mission, mario)
            assert feed_build.last_build["built"] == 0
            for kind, (incremental, cold) in second.items():
                assert incremental == cold == first[kind][0], kind
        finally:
            # Only this test's keys: the Redis may be shared.
            client = cache._cache.get_client(write=True)
            keys = list(client.scan_iter(f"{prefix}:*"))
            if keys:
                client.delete(*keys)


def test_a_broken_cache_still_serves_the_cold_bytes(client, world, monkeypatch, caplog):  # noqa: F811
    from django.urls import reverse

    mission, mario, *_ = world

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "set_many", down)
    response = client.get(reverse("public:mission_feed", args=[mission.feed_token]))
    assert response.status_code == 200
    programme = published.programme_candidates(mission.feed_token, token_shaped=True)[0]
    cold = published.mission_feed_bytes_cold(programme, language="en", public=False)
    assert response.content == cold
    assert "feed cache unavailable" in caplog.text


# Event digests stored at publication (releases.snapshot.event_digests) --------------------


def _version(mission):
    from releases.models import ProgrammeVersion

    return ProgrammeVersion.objects.filter(mission=mission).order_by("-number").first()


def test_stored_digests_are_those_of_the_snapshot_read_back(world):  # noqa: F811
    """The digests written at publication are those of the entries as the database gives
    them back (PostgreSQL's jsonb reorders keys): the keys do not depend on which one."""
    from releases.snapshot import event_digest, event_digests

    mission, *_ = world
    version = _version(mission)
    version.refresh_from_db()
    assert version.event_digests
    assert version.event_digests == event_digests(version.snapshot)
    members = version.snapshot["members"]
    for uid, entry in version.snapshot["meetings"].items():
        reordered = dict(reversed(list(entry.items())))
        assert event_digest(reordered, members) == version.event_digests[uid]


def test_a_change_moves_only_that_meetings_digest(world):  # noqa: F811
    mission, mario, *_ = world
    make_meeting(
        mission,
        local(mission, 2025, 4, 24, 8),
        local(mission, 2025, 4, 24, 9),
        title="Unchanged",
        attendees=[mario],
    )
    publish(mission)
    before = dict(_version(mission).event_digests)
    edit_title(world)
    publish(mission)
    after = _version(mission).event_digests
    changed = {uid for uid in after if after[uid] != before.get(uid)}
    assert changed == {world[3].uid}


def test_a_renamed_attendee_moves_the_digest_of_their_meetings(world):  # noqa: F811
    from delegations.services import person_save

    mission, mario, *_ = world
    before = dict(_version(mission).event_digests)
    person = mario.person
    person.last_name = "Rossini"
    person_save(person=person)
    publish(mission)
    after = _version(mission).event_digests
    assert after[world[3].uid] != before[world[3].uid]
    programme = published.programme_candidates(mission.feed_token, token_shaped=True)[0]
    body = published.mission_feed_bytes(programme, language="en", public=False)
    assert body == published.mission_feed_bytes_cold(programme, language="en", public=False)
    assert b"Mario Rossini" in body.replace(b"\r\n ", b"")


def test_a_version_without_stored_digests_builds_the_same_bytes_from_the_same_keys(world):  # noqa: F811
    """A version published before digests were stored: computed when read, the same ones."""
    from releases.models import ProgrammeVersion

    mission, mario, *_ = world
    _forget()
    first = _feeds(mission, mario)
    ProgrammeVersion.objects.filter(pk=_version(mission).pk).update(event_digests={})
    second = _feeds(mission, mario)
    assert feed_build.last_build["built"] == 0  # the same keys: every event found kept
    for kind, (incremental, cold) in second.items():
        assert incremental == cold == first[kind][0], kind


def test_a_new_mission_timezone_remakes_every_event(world):  # noqa: F811
    """The meetings' entries (UTC instants) do not change with the mission's zone, the events'
    TZID does: the zone is part of every key, so no event of the old zone is served."""
    from missions.services import mission_save

    mission, mario, *_ = world
    _forget()
    _feeds(mission, mario)
    mission.refresh_from_db()
    mission.timezone = "Europe/Rome"
    mission_save(mission=mission)
    publish(mission, note="New zone")
    after = _feeds(mission, mario)
    for kind, (incremental, cold) in after.items():
        assert incremental == cold, kind
        assert b"DTSTART;TZID=Europe/Rome:" in incremental, kind


def test_a_fresh_process_gives_the_same_bytes(world):  # noqa: F811
    """Nothing kept in the process (the writer's per-zone memos, the events): same bytes."""
    from meetings import ical

    mission, mario, *_ = world
    first = _feeds(mission, mario)
    _forget()
    ical._zone_form.cache_clear()
    ical._event_order.cache_clear()
    second = _feeds(mission, mario)
    assert feed_build.last_build["kept"] == 0
    assert {k: v[0] for k, v in second.items()} == {k: v[0] for k, v in first.items()}


def test_events_read_from_light_objects_say_what_the_models_say(world):  # noqa: F811
    """event_of builds its partners, venue and names from light objects that borrow the
    models' properties: the same lines as from Organisation, Person and Venue instances."""
    from meetings import ical
    from tests.builders import make_organisation, make_person

    mission, mario, anna, *_ = world
    stellantis = make_organisation(name="Stellantis North America", short_name="Stellantis")
    make_meeting(
        mission,
        local(mission, 2025, 4, 24, 10),
        local(mission, 2025, 4, 24, 11),
        title="Stellantis",
        attendees=[anna, mario],
        partner_organisations=[make_organisation(name="Ford")],
        partner_contacts=[
            make_person(first_name="Ann", last_name="Lee", position="CTO", organisation=stellantis),
            make_person(first_name="Bo", last_name="Kim", position="Consultant"),
        ],
    )
    version = publish(mission)
    version.refresh_from_db()
    snapshot = version.snapshot
    stamp = version.published_at
    for entry in snapshot["meetings"].values():
        organisations, contacts = published.partners_of(entry)
        venue = published.venue_of(entry["venue"])
        event = published.event_of(entry, snapshot, stamp=stamp)
        assert event.partners == tuple(ical.partner_lines(organisations, contacts))
        assert event.location == ical.venue_location(venue)
        assert event.geo == ical.venue_geo(venue)
        people = published._people(snapshot, entry["attendees"])
        assert event.attendees == tuple(p.full_name for p in people)
        public = published.event_of(entry, snapshot, stamp=stamp, names=False)
        assert public.partners == tuple(ical.organisation_lines(organisations, contacts))
        assert public.attendees == ()
    lines = published.event_of(
        next(e for e in snapshot["meetings"].values() if e["title"] == "Stellantis"),
        snapshot,
        stamp=stamp,
    ).partners
    # Contacts of an organisation not met are listed on their own, by last name.
    assert lines == ("Ford", "Bo Kim (Consultant)", "Ann Lee (CTO, Stellantis)")


def test_the_process_memo_serves_kept_events_without_the_cache(world, monkeypatch, caplog):  # noqa: F811
    """A second poll in the same process finds every event in its memo: no cache lookup (so a
    Redis that went down meanwhile is not even noticed), the same bytes."""
    mission, mario, *_ = world
    _forget()
    programme = published.programme_candidates(mission.feed_token, token_shaped=True)[0]
    first = published.mission_feed_bytes(programme, language="en", public=False)

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get_many", down)
    again = published.mission_feed_bytes(programme, language="en", public=False)
    assert feed_build.last_build == {"kept": 1, "built": 0}
    assert again == first
    assert "feed cache unavailable" not in caplog.text


def test_the_process_memo_is_bounded_and_forgets_the_least_recent(world, monkeypatch):  # noqa: F811
    mission, mario, *_ = world
    for n in range(6):
        make_meeting(
            mission,
            local(mission, 2025, 4, 24, 8 + n),
            local(mission, 2025, 4, 24, 9 + n),
            title=f"Visit {n}",
        )
    publish(mission)
    _forget()
    monkeypatch.setattr(feed_build, "MEMO_EVENTS", 4)
    programme = published.programme_candidates(mission.feed_token, token_shaped=True)[0]
    first = published.mission_feed_bytes(programme, language="en", public=False)
    assert len(feed_build._memo) == 4
    cache.clear()  # what the memo lost is made again, the rest comes from it
    again = published.mission_feed_bytes(programme, language="en", public=False)
    assert again == first
    assert feed_build.last_build["built"] == 7 - 4
    assert len(feed_build._memo) == 4
