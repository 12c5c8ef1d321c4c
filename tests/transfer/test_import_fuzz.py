"""Absurd cells (unicode, NUL, huge strings, year 9999, made-up zones, dates that do not
exist) in every column of every import: a plan with errors at their cells, never an
exception, nothing written."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders import make_coordinator, make_member, make_mission, make_person
from tests.transfer.conftest import database
from transfer.import_delegates import plan_delegates
from transfer.import_meetings import plan_meetings
from transfer.import_partners import plan_partners
from transfer.import_templates import COLUMNS
from transfer.tabular import Row, Table

pytestmark = pytest.mark.django_db

CELLS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "\x00",
            "9999-12-31",
            "0001-01-01",
            "31/02/2026",
            "2026-03-29",
            "02:30",
            "24:00",
            "23:59:59",
            "Europe/Turin",
            "America/Detroit",
            "x" * 5000,
            "a@b",
            "delegate@example.org",
            "Confirmed",
            "Visita tecnica",
            "https://",
            "-1",
            "1e308",
        ]
    ),
)


@pytest.fixture
def world(db):
    mission = make_mission(
        timezone="Europe/Rome", start_date=date(2026, 3, 28), end_date=date(2026, 3, 30)
    )
    make_member(mission, make_person(email="delegate@example.org"))
    return mission, make_coordinator(mission)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(kind=st.sampled_from(["meetings", "delegates", "partners"]), data=st.data())
def test_absurd_cells_are_errors_never_exceptions(world, kind, data):
    mission, user = world
    keys = [column.key for column in COLUMNS[kind]]
    rows = data.draw(
        st.lists(st.fixed_dictionaries({key: CELLS for key in keys}), min_size=1, max_size=3)
    )
    table = Table(rows=[Row(n + 2, cells) for n, cells in enumerate(rows)], present=set(keys))
    before = database()
    if kind == "meetings":
        plan = plan_meetings(mission=mission, user=user, table=table, reason="fuzz")
    elif kind == "delegates":
        plan = plan_delegates(mission=mission, user=user, table=table, reason="fuzz")
    else:
        plan = plan_partners(user=user, table=table, reason="fuzz")
    assert len(plan.rows) == len(rows)
    for row in plan.rows:
        assert row.result in ("new", "updated", "unchanged", "error")
        if any("\x00" in value for value in rows[row.number - 2].values()):
            assert row.result == "error", "NUL never reaches the database"
    assert database() == before
