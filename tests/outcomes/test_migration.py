"""Meeting.outcome (text) becomes an Outcome's summary, and back (migrations run for real)."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Missions at the state these migrations knew (later fields would be NOT NULL without it).
BEFORE = [
    ("missions", "0003_zone_slug_web_address"),
    ("meetings", "0003_hist_venue_restrict"),
    ("outcomes", "0001_initial"),
]
AFTER = [("meetings", "0004_remove_outcome_text"), ("outcomes", "0002_outcome_from_meeting")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_outcome_texts_move_to_outcomes_and_back():
    old = migrate(BEFORE)
    Mission = old.get_model("missions", "Mission")
    Meeting = old.get_model("meetings", "Meeting")
    mission = Mission.objects.create(
        title="VTM Michigan 2025",
        slug="vtm-michigan-2025",
        city="Pontiac",
        country="United States",
        timezone="America/Detroit",
        start_date=date(2025, 4, 22),
        end_date=date(2025, 4, 24),
    )

    def meeting(title, outcome, status="confirmed"):
        return Meeting.objects.create(
            mission=mission,
            title=title,
            start=datetime(2025, 4, 22, 19, 30, tzinfo=UTC),
            end=datetime(2025, 4, 22, 20, 30, tzinfo=UTC),
            outcome=outcome,
            status=status,
            uid=f"{title}@test",
        )

    rivian = meeting("Rivian", "Exploratory dialogue on a Rivian mission to Turin.")
    silent = meeting("GM", "")
    called_off = meeting("Ford", "Moved to May.", status="cancelled")
    try:
        new = migrate(AFTER)
        Outcome = new.get_model("outcomes", "Outcome")
        rows = {o.meeting_id: (o.held, o.summary) for o in Outcome.objects.order_by("meeting_id")}
        assert rows == {
            rivian.pk: ("held", "Exploratory dialogue on a Rivian mission to Turin."),
            called_off.pk: ("cancelled", "Moved to May."),
        }
        assert silent.pk not in rows

        back = migrate(BEFORE)
        texts = dict(back.get_model("meetings", "Meeting").objects.values_list("pk", "outcome"))
        assert texts == {
            rivian.pk: "Exploratory dialogue on a Rivian mission to Turin.",
            silent.pk: "",
            called_off.pk: "Moved to May.",
        }
    finally:
        executor = MigrationExecutor(connection)
        migrate(executor.loader.graph.leaf_nodes())
