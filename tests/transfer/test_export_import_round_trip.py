"""An exported file imports back unchanged: the exports and the importers share
transfer/columns.py, and the importer undoes the exports' guard against formulas."""

import pytest
from django.utils import translation

from meetings.demo import load_demo
from missions.models import Mission
from tests.builders import make_coordinator
from tests.transfer.conftest import database
from transfer.exports import export_file
from transfer.import_delegates import plan_delegates
from transfer.import_meetings import plan_meetings
from transfer.import_partners import plan_partners
from transfer.import_templates import COLUMNS
from transfer.tabular import read_table

PLANS = {"agenda": ("meetings", plan_meetings), "roster": ("delegates", plan_delegates)}


@pytest.fixture
def michigan(db):
    load_demo()
    mission = Mission.objects.get(slug="vtm-michigan-2025")
    return mission, make_coordinator(mission)


def _plan(what, fmt, mission, user, language):
    with translation.override(language):
        content, _type, name = export_file(mission, what, fmt)
        kind, plan = PLANS.get(what, ("partners", None))
        table = read_table(content, name, COLUMNS[kind])
        if plan is None:
            return plan_partners(user=user, table=table, reason="round trip")
        return plan(mission=mission, user=user, table=table, reason="round trip")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("what", ["agenda", "roster", "partners"])
@pytest.mark.parametrize("language", ["en", "it"])
def test_an_export_imports_back_with_every_row_unchanged(michigan, what, fmt, language):
    mission, user = michigan
    before = database()
    plan = _plan(what, fmt, mission, user, language)
    counts = plan.counts()
    assert plan.errors == []
    assert counts["unchanged"] == len(plan.rows) > 0, [
        (row.number, row.label, row.result, row.changes) for row in plan.rows if row.changes
    ]
    assert database() == before
