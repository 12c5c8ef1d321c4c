"""The snapshot of a published programme version: the contract between publishing
(`releases/services.py` builds it) and everything that reads it (public pages and feeds, the
changelog and the digests in `releases/changes.py`).

A JSON object, plain types only, times as ISO 8601 UTC strings ("2025-04-22T13:00:00Z"),
keys sorted when stored so that the same programme gives the same bytes:

    {
      "format": 1,
      "mission": {"title", "city", "region", "country", "timezone", "home_timezone",
                  "start_date", "end_date" (ISO dates), "description", "organiser"},
      "members": {            # the delegation at publication, by DelegationMember pk (str)
        "12": {"first_name", "last_name", "name", "role", "position", "organisation",
               "language"}
      },
      "meetings": {           # every meeting of the mission, cancelled ones included, by UID
        "<uid>": {
          "pk", "uid",
          "sequence",         # the PUBLISHED sequence: +1 once per version in which the
                              # meeting's time, place or status changed (never for drafts)
          "title", "kind", "status", "description",
          "start", "end",     # ISO UTC
          "venue": null | {"id", "name", "address", "city", "country",
                           "latitude", "longitude"},   # coordinates as strings or null
          "attendees": [member pks, ascending],
          "partner_organisations": [{"id", "name"}],          # by name
          "partner_contacts": [{"id", "name", "position", "organisation"}],  # by name
          "created", "updated"   # ISO UTC; "updated" = the version's publication instant
                                 # for meetings changed in that version, else as before
        }
      }
    }

Meetings deleted from the working programme are absent from the next snapshot; the
changelog records them as deleted and the feeds keep them as STATUS:CANCELLED until the
mission is over. Internal fields (internal notes, outcomes) are never in a snapshot.
"""

FORMAT = 1
