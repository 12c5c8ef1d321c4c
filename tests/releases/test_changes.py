"""releases/changes.py: every kind of change, for the changelog and for each delegate."""

import json

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from releases import changes
from tests.releases.snapshots import GM, MISSION, meeting, snapshot

ZONES = changes.Zones.of(MISSION)
BASE = meeting("m1")

# (name, the meeting in the new version, kinds, what the changelog says,
#  {member pk: (kinds for them, what their digest says)}); members 1 and 2 attend BASE.
CASES = [
    (
        "moved",
        meeting("m1", start="2025-04-22T20:00:00Z", end="2025-04-22T21:00:00Z"),
        ("moved",),
        ["Moved: Tue 22 Apr 14:00–15:00 → 16:00–17:00 (Detroit), 20:00 → 22:00 (Rome)"],
        {1: ("moved",), 2: ("moved",)},
    ),
    (
        "moved to another day",
        meeting("m1", start="2025-04-23T13:00:00Z", end="2025-04-23T14:00:00Z"),
        ("moved",),
        [
            "Moved: Tue 22 Apr 14:00–15:00 → Wed 23 Apr 09:00–10:00 (Detroit), "
            "Tue 22 Apr 20:00 → Wed 23 Apr 15:00 (Rome)"
        ],
        {1: ("moved",), 2: ("moved",)},
    ),
    (
        "cancelled",
        meeting("m1", status="cancelled"),
        ("cancelled",),
        ["Cancelled (was Tue 22 Apr 14:00–15:00 (Detroit), 20:00–21:00 (Rome))"],
        {1: ("cancelled",), 2: ("cancelled",)},
    ),
    (
        "deleted",
        meeting("m1", status="cancelled", deleted=True),
        ("deleted",),
        ["Deleted from the programme (was Tue 22 Apr 14:00–15:00 (Detroit), 20:00–21:00 (Rome))"],
        {1: ("deleted",), 2: ("deleted",)},
    ),
    (
        "tentative",
        meeting("m1", status="tentative"),
        ("status",),
        ["Status: Confirmed → Tentative"],
        {1: ("status",), 2: ("status",)},
    ),
    (
        "venue",
        meeting("m1", venue=GM),
        ("venue",),
        [
            "Venue: Rivian HQ, 1 Rivian Way, Plymouth → GM Global Technical Center, "
            "30001 Van Dyke Ave, Warren"
        ],
        {1: ("venue",), 2: ("venue",)},
    ),
    (
        "venue removed",
        meeting("m1", venue=None),
        ("venue",),
        ["Venue: Rivian HQ, 1 Rivian Way, Plymouth → no venue"],
        {1: ("venue",), 2: ("venue",)},
    ),
    (
        "title",
        meeting("m1", title="Rivian: plant tour"),
        ("title",),
        ["Title: “Meeting m1” → “Rivian: plant tour”"],
        {1: ("title",), 2: ("title",)},
    ),
    (
        "description",
        meeting("m1", description="Bring\nbusiness cards"),
        ("description",),
        ["Description changed: Bring business cards"],
        {1: ("description",), 2: ("description",)},
    ),
    (
        "kind",
        meeting("m1", kind="site_visit"),
        ("kind",),
        ["Type: B2B meeting → Site visit"],
        {1: ("kind",), 2: ("kind",)},
    ),
    (
        "partners",
        meeting("m1", partner_organisations=[{"id": 101, "name": "Ford"}]),
        ("partners",),
        ["Meeting also: Ford", "No longer meeting: Rivian"],
        {1: ("partners",), 2: ("partners",)},
    ),
    (
        "attendee added and one removed",
        meeting("m1", attendees=[1, 3]),
        ("attendees",),
        ["Delegates added: Marco Verdi", "Delegates removed: Laura Bianchi"],
        {2: ("removed",), 3: ("added",)},
    ),
    (
        "moved and venue and delegates",
        meeting(
            "m1", start="2025-04-22T20:00:00Z", end="2025-04-22T21:00:00Z", venue=GM, attendees=[1]
        ),
        ("moved", "venue", "attendees"),
        [
            "Moved: Tue 22 Apr 14:00–15:00 → 16:00–17:00 (Detroit), 20:00 → 22:00 (Rome)",
            "Venue: Rivian HQ, 1 Rivian Way, Plymouth → GM Global Technical Center, "
            "30001 Van Dyke Ave, Warren",
            "Delegates removed: Laura Bianchi",
        ],
        {1: ("moved", "venue"), 2: ("removed",)},
    ),
]


@pytest.mark.parametrize("name,new,kinds,lines,members", CASES, ids=[c[0] for c in CASES])
def test_every_kind_of_change_in_words_and_for_exactly_the_affected_members(
    name, new, kinds, lines, members
):
    found = changes.diff(snapshot(BASE), snapshot(new))

    assert [c.kinds for c in found] == [kinds]
    with translation.override("en"):
        assert changes.present(found, ZONES)[0].lines == lines
    for pk in (1, 2, 3):
        mine = changes.for_member(found, pk)
        assert [c.kinds for c in mine] == ([members[pk]] if pk in members else [])


def test_a_new_meeting_says_when_and_where_and_concerns_its_attendees():
    found = changes.diff(snapshot(), snapshot(meeting("m2", attendees=[3])))

    assert [c.kinds for c in found] == [("new",)]
    with translation.override("en"):
        assert changes.present(found, ZONES)[0].lines == [
            "New: Tue 22 Apr 14:00–15:00 (Detroit), 20:00–21:00 (Rome)",
            "Venue: Rivian HQ, 1 Rivian Way, Plymouth",
        ]
    assert [changes.for_member(found, pk) != [] for pk in (1, 2, 3)] == [False, False, True]


def test_first_publication_lists_every_meeting_as_new():
    found = changes.diff(None, snapshot(meeting("b"), meeting("a", start="2025-04-22T12:00:00Z")))

    assert [(c.uid, c.kinds) for c in found] == [("a", ("new",)), ("b", ("new",))]


def test_unchanged_meetings_and_still_deleted_ones_are_not_changes():
    gone = meeting("g", deleted=True, status="cancelled")
    assert changes.diff(snapshot(BASE, gone), snapshot(BASE, gone)) == []
    # A meeting created and deleted between two publications was never seen by anyone.
    assert changes.diff(snapshot(), snapshot(gone)) == []


def test_meeting_missing_from_the_new_snapshot_is_deleted():
    found = changes.diff(snapshot(BASE), snapshot())

    assert [c.kinds for c in found] == [("deleted",)]
    with translation.override("en"):
        assert changes.present(changes.for_member(found, 1), ZONES, personal=True)[0].lines == [
            "Cancelled (was Tue 22 Apr 14:00–15:00 (Detroit), 20:00–21:00 (Rome))"
        ]


def test_reinstated_meeting_is_back_for_its_attendees():
    found = changes.diff(snapshot(meeting("m1", status="cancelled")), snapshot(BASE))

    assert [c.kinds for c in found] == [("reinstated",)]
    assert [c.kinds for c in changes.for_member(found, 1)] == [("reinstated",)]
    with translation.override("en"):
        assert changes.present(found, ZONES)[0].lines[0] == (
            "Back in the programme: Tue 22 Apr 14:00–15:00 (Detroit), 20:00–21:00 (Rome)"
        )


def test_changes_to_a_cancelled_meeting_concern_nobody():
    old = meeting("m1", status="cancelled")
    found = changes.diff(snapshot(old), snapshot(meeting("m1", status="cancelled", title="X")))

    assert [c.kinds for c in found] == [("title",)]
    assert [changes.for_member(found, pk) for pk in (1, 2, 3)] == [[], [], []]


def test_changes_are_ordered_by_start_and_counted_per_member():
    early = meeting("z", start="2025-04-22T12:00:00Z", end="2025-04-22T13:00:00Z")
    late = meeting("a", start="2025-04-23T12:00:00Z", end="2025-04-23T13:00:00Z")
    found = changes.diff(
        snapshot(early, late),
        snapshot(
            meeting("z", title="Early", start="2025-04-22T12:00:00Z", end="2025-04-22T13:00:00Z"),
            meeting(
                "a",
                title="Late",
                start="2025-04-23T12:00:00Z",
                end="2025-04-23T13:00:00Z",
                attendees=[1],
            ),
        ),
    )

    assert [c.uid for c in found] == ["z", "a"]
    assert changes.members_affected(found, [1, 2, 3]) == {1: 2, 2: 2}


def test_italian_words_and_rome_in_italian():
    found = changes.diff(
        snapshot(BASE),
        snapshot(meeting("m1", start="2025-04-22T20:00:00Z", end="2025-04-22T21:00:00Z")),
    )
    with translation.override("it"):
        assert changes.present(found, ZONES)[0].lines == [
            "Spostato: Mar 22 Apr 14:00–15:00 → 16:00–17:00 (Detroit), 20:00 → 22:00 (Roma)"
        ]


def test_json_form_round_trips_and_survives_json():
    found = changes.diff(snapshot(BASE), snapshot(meeting("m1", attendees=[1, 3])))

    stored = json.loads(json.dumps(changes.to_json(found)))

    assert changes.from_json(stored) == found
    assert stored[0]["names"] == {"2": "Laura Bianchi", "3": "Marco Verdi"}


# Any edit of any fields: the diff finds exactly the fields that differ, the JSON form keeps
# it, and only attendees of the old or new version are told.
EDITS = {
    "start": st.sampled_from(["2025-04-22T18:00:00Z", "2025-04-22T16:00:00Z"]),
    "status": st.sampled_from(["confirmed", "tentative", "cancelled"]),
    "venue": st.sampled_from([None, GM, BASE["venue"]]),
    "title": st.sampled_from(["Meeting m1", "Other"]),
    "attendees": st.lists(st.sampled_from([1, 2, 3]), unique=True).map(sorted),
    "deleted": st.booleans(),
}


@given(st.fixed_dictionaries({}, optional=EDITS))
def test_any_edit(edit):
    new = meeting("m1", **edit)
    if new["deleted"]:
        new["status"] = "cancelled"
    found = changes.diff(snapshot(BASE), snapshot(new))

    differs = any(new[key] != BASE[key] for key in EDITS)
    assert len(found) == (1 if differs else 0)
    assert changes.from_json(json.loads(json.dumps(changes.to_json(found)))) == found
    for pk in (1, 2, 3):
        if changes.for_member(found, pk):
            assert pk in BASE["attendees"] or pk in new["attendees"]
    with translation.override("en"):
        assert all(view.lines for view in changes.present(found, ZONES))
