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
    cache.clear()
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
    cache.clear()
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
            first = _feeds(mission, mario)
            assert feed_build.last_build["kept"] == 0
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
