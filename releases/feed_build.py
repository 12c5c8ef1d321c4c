"""The incremental build of the published feeds: each meeting's VEVENT is made once per
(its snapshot entry, reader, language, format) and kept in the cache (Redis when configured,
local memory otherwise); a feed is the calendar's head, the VTIMEZONE and the kept events
joined (meetings.ical.join_feed), byte-identical to the cold build (published.*_cold; tests
compare both for every feed kind).

Why it is safe: the key is made of everything the event's bytes are made of: the digest of the
entry as published with its attendees' names (releases.snapshot.event_digest, stored with the
version at publication: versions are never edited), and the digest of the reader's variant
(names or organisations only, the delegate's link, whether the meeting is cancelled for them),
the language, the mission's zone (the TZID) and FORMAT_VERSION. A different input is a
different key, so nothing is ever invalidated by hand and a stale event cannot be served.
DTSTAMP (the version's instant, the same in every event) is spliced in when joining, so a new
publication reuses every unchanged event.
"""

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable

from django.core.cache import cache
from django.utils import translation

from meetings import ical
from meetings.calendars import CACHE_SECONDS, FORMAT_VERSION
from releases.services import parse_iso
from releases.snapshot import event_digest

logger = logging.getLogger(__name__)

# What the build did last (for tests and the benchmark): events found kept, events made.
last_build = {"kept": 0, "built": 0}

# The events this process used last, in front of the shared cache: a poll after a publication
# finds its 999 unchanged events here without a thousand cache lookups (locmem validates and
# unpickles each; Redis sends half a megabyte). Keys are content digests, so an entry is never
# stale, only evicted (least recently used first); about 15 MB at the bound.
MEMO_EVENTS = 20_000
_memo: OrderedDict[str, bytes] = OrderedDict()
_memo_lock = threading.Lock()


def forget() -> None:
    """Empty this process's memo of events (what a new process has; tests, the benchmark)."""
    with _memo_lock:
        _memo.clear()


def _recall(keys: list[str]) -> dict[str, bytes]:
    """The events of `keys` this process or the shared cache keeps."""
    kept = {}
    with _memo_lock:
        for key in keys:
            event = _memo.get(key)
            if event is not None:
                kept[key] = event
                _memo.move_to_end(key)
    missing = [key for key in keys if key not in kept]
    if missing:
        try:
            fetched = cache.get_many(missing)
        except Exception:  # noqa: BLE001 (Redis down: build what is missing, never a 500)
            logger.warning("feed cache unavailable; building every event not in memory")
            fetched = {}
        kept.update(fetched)
        _remember(fetched)
    return kept


def _remember(events: dict[str, bytes]) -> None:
    with _memo_lock:
        _memo.update(events)
        while len(_memo) > MEMO_EVENTS:
            _memo.popitem(last=False)


def _variant_key(language: str, zone: str, variant: tuple) -> str:
    digest = hashlib.blake2b(digest_size=8)
    digest.update(repr((FORMAT_VERSION, language, zone, variant)).encode())
    return digest.hexdigest()


def build(
    *,
    head: Callable[[], bytes],
    mission,
    entries: list[dict],
    snapshot: dict,
    digests: dict[str, str],
    stamp,
    language: str,
    variant: Callable[[dict], tuple],
    make_event: Callable[[dict], ical.EventData],
    url: Callable[[dict], str | None],
) -> bytes:
    """Join a feed from kept events, making (and keeping) only those not kept yet.

    `digests`: the version's {uid: releases.snapshot.event_digest} (stored at publication;
    computed here for a version without them). An event's key is its entry's digest and the
    digest of the reader's variant, the language, the zone and FORMAT_VERSION (a feed has one
    or two variants: hashed once each, not once per event)."""
    members = snapshot["members"] if snapshot else {}
    variants: dict[tuple, str] = {}
    order = []
    for entry in entries:
        digest = digests.get(entry["uid"]) or event_digest(entry, members)
        shape = variant(entry)
        suffix = variants.get(shape)
        if suffix is None:
            suffix = variants[shape] = _variant_key(language, mission.timezone, shape)
        # The snapshot's instants are fixed-width UTC ("2025-04-22T12:00:00Z"): as strings they
        # sort as the instants do, without parsing two thousand of them.
        key = f"ev:{digest}{suffix}"
        order.append(((entry["start"], entry["end"], entry["title"], entry["pk"]), entry, key))
    order.sort(key=lambda row: row[0])
    kept = _recall([row[2] for row in order])
    made = {}
    with translation.override(language):
        labels = ical.DescriptionLabels.current()
        kinds = ical.kind_labels()
        zone = mission.tz
        for _sort, entry, key in order:
            if key not in kept:
                event = make_event(entry)
                made[key] = ical.event_bytes(event, zone, url(entry), labels, kinds)
        feed_head = head()
    if made:
        _remember(made)
        try:
            cache.set_many(made, CACHE_SECONDS)
        except Exception:  # noqa: BLE001 (as above: the feed is still served)
            logger.warning("feed cache unavailable; events not kept")
    last_build["kept"], last_build["built"] = len(order) - len(made), len(made)
    real = ical.stamp_line(stamp)
    events = [
        (kept.get(key) or made[key]).replace(ical.PLACEHOLDER_LINE, real, 1)
        for _sort, _entry, key in order
    ]
    # The VTIMEZONE spans the years of the earliest and the latest instant (in any zone the
    # years are in the instants' order).
    instants = [moment for sort, _entry, _key in order for moment in sort[:2]]
    spans = [(parse_iso(min(instants)), parse_iso(max(instants)))] if instants else []
    return ical.join_feed(feed_head, mission, spans, events)
