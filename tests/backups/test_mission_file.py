"""The file itself: export's query budget, and no input that makes the import crash."""

import json

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backups import mission_file
from backups.mission_json import export_mission, import_mission
from tests.backups.helpers import delete_mission, make_full_mission
from tests.builders import make_many_meetings, make_member, make_mission, make_organisation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 200])
def test_export_queries_do_not_grow_with_the_mission(django_assert_num_queries, count):
    mission = make_mission()
    members = [make_member(mission) for _ in range(3)]
    make_many_meetings(mission, count, attendees=members, organisations=[make_organisation()])
    # 1 venues, 2 members with people and organisations, 3 meetings with venues,
    # 4 attendees, 5 partner organisations, 6 partner contacts, 7 follow-ups,
    # 8 coordinators (outcomes come with the meetings: select_related)
    with django_assert_num_queries(8):
        data = export_mission(mission)
    assert len(data["meetings"]) == count


def leaves(value, path=()):
    """Every place in the document where a value sits, as a path of keys and indexes."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list) and value:
        for n, item in enumerate(value):
            yield from leaves(item, (*path, n))
    yield path


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=300)
    | st.sampled_from(
        ["", "2025-04-22", "2025-04-22T19:30:00Z", "0001-01-01T00:00:00+14:00", "person-1"]
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=5,
)


@pytest.fixture
def exported() -> dict:
    """Built once per test, not per example: a restore (people and partners still here)."""
    mission = make_full_mission(slug="fuzzed")
    doc = json.loads(mission_file.dumps(export_mission(mission)))
    delete_mission(mission)
    return doc


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_value_anywhere_is_imported_or_refused_never_a_crash(exported, data):
    """Imported, or refused with a MissionFileError: no other exception, nothing half-written
    (each example runs in a savepoint that is rolled back)."""
    doc = json.loads(json.dumps(exported))
    path = data.draw(st.sampled_from(sorted(leaves(doc), key=repr)))
    value = data.draw(JSON)
    if path:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    else:
        doc = value
    with transaction.atomic():
        try:
            import_mission(doc if isinstance(doc, dict) else {"format": doc})
        except mission_file.MissionFileError as error:
            assert str(error)
        transaction.set_rollback(True)


def test_export_and_parse_agree_on_every_key(exported):
    """What export writes is exactly what the checker asks for (no key one side only)."""
    assert mission_file.parse(exported)["mission"]["slug"] == "fuzzed"
    assert list(exported) == [
        "format",
        "version",
        "mission",
        "coordinators",
        "organisations",
        "people",
        "venues",
        "delegation",
        "meetings",
        "follow_ups",
    ]
