"""The snapshot of a published programme version: the contract between publishing
(`releases/services.py` builds it) and everything that reads it (public pages and feeds, the
changelog and the digests in `releases/changes.py`).

A JSON object, plain types only, times as ISO 8601 UTC strings ("2025-04-22T13:00:00Z"),
keys sorted when stored so that the same programme gives the same bytes:

    {
      "format": 1,
      "mission": {"title", "city", "region", "country", "timezone", "home_timezone",
                  "start_date", "end_date" (ISO dates), "description", "organiser"},
      "members": {            # the delegation at publication, by DelegationMember pk (as str)
        "12": {"first_name", "last_name", "name", "role", "position", "organisation",
               "language", "email"}
      },
      "meetings": {           # every meeting of the mission, by UID
        "<uid>": {
          "pk", "uid",
          "sequence",         # the PUBLISHED sequence (see below), never the draft's
          "title", "kind", "status", "description",
          "start", "end",     # ISO UTC strings "2025-04-22T13:00:00Z"
          "venue": null | {"id", "name", "address", "city", "country",
                           "latitude", "longitude"},   # coordinates as strings or null
          "attendees": [member pks (int), ascending],
          "former_attendees": [member pks who had it in an earlier published version and
                               no longer have it: their feed shows it CANCELLED],
          "partner_organisations": [{"id", "name", "short_name"}],   # sorted by name
          "partner_contacts": [{"id", "name", "position", "organisation",   # by name
                                "first_name", "last_name", "organisation_id",
                                "organisation_name", "organisation_short_name"}],
          "deleted": false,   # true: deleted from the working programme; kept (status
                              # "cancelled") until the mission is over, so phones remove it
          "created", "last_modified"   # ISO UTC; last_modified = published_at of the
                                       # version in which this meeting last changed
        }
      }
    }

SEQUENCE: +1 in a version where the meeting's start, end, venue or status changed compared
with the previous version (or it became deleted); never for unpublished edits. A meeting
published for the first time takes the working SEQUENCE it has (what phones held before
versions existed, for version 1 of an existing mission). Tombstones (deleted meetings,
former attendees) are dropped from versions published after the mission's last day.
A contact's "organisation" is what `Person.title_line` shows (short name or name).

Internal fields (internal notes, outcomes) are never in a snapshot.
"""

import hashlib
import json

FORMAT = 1


def event_digest(entry: dict, members: dict) -> str:
    """What a meeting's calendar event is made of in a version, hashed: its entry and its
    attendees' names as published. Canonical JSON (sorted keys), so the digest of an entry
    read back from the database (PostgreSQL's jsonb reorders keys) is the one computed at
    publication. The feeds key kept events on it (releases/feed_build.py)."""
    names = [
        [members[str(pk)]["last_name"], members[str(pk)]["first_name"]]
        for pk in entry["attendees"]
        if str(pk) in members
    ]
    text = json.dumps([entry, names], sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def event_digests(snapshot: dict) -> dict[str, str]:
    """{uid: event_digest} of every meeting of a snapshot (stored with the version)."""
    members = snapshot["members"]
    return {uid: event_digest(entry, members) for uid, entry in snapshot["meetings"].items()}
