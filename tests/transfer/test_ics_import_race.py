"""Two coordinators import the same invitation at the same instant (PostgreSQL): the lock on
the mission makes the second plan again after the first import, find its preview out of date
and write nothing; the mission gets one meeting, never two nor an IntegrityError. SQLite has
one writer at a time and no row locks: skipped there."""

import threading

import pytest
from django.db import connection, connections

from meetings.models import Meeting
from missions.models import Mission
from tests.builders import make_coordinator, make_mission
from tests.transfer.helpers import FILES
from transfer.ics_import import PlanChanged, import_plan, invitations_import, plan_signature
from transfer.ics_read import read_invitations

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="needs concurrent writers: PostgreSQL"
    ),
]


def test_the_same_invitation_imported_twice_at_once_makes_one_meeting():
    mission = make_mission()
    users = [make_coordinator(mission), make_coordinator(mission)]
    data = (FILES / "google-invite.ics").read_bytes()
    invitations = read_invitations("google-invite.ics", data, mission)
    signature = plan_signature(import_plan(mission=mission, user=users[0], invitations=invitations))
    barrier = threading.Barrier(2, timeout=30)
    outcomes, errors = [], []

    def run(user) -> None:
        try:
            stored = Mission.objects.get(pk=mission.pk)
            barrier.wait()
            try:
                result = invitations_import(
                    mission=stored, user=user, invitations=invitations, signature=signature
                )
            except PlanChanged:
                outcomes.append("changed")
            else:
                outcomes.append(f"created {result.created}")
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(outcomes) == ["changed", "created 1"]
    assert Meeting.objects.filter(mission=mission).count() == 1
