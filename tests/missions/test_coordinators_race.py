"""Two coordinators remove each other at the same instant (PostgreSQL): the mission's row lock
makes the second read the list after the first change, so one removal wins and the other is
refused as the last coordinator; the mission never ends up with nobody, or with the two
removals both applied. SQLite has one writer at a time and no row locks: skipped there."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from missions.models import Mission
from missions.services import mission_remove_coordinator
from tests.builders import make_coordinator, make_mission

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="needs concurrent writers: PostgreSQL"
    ),
]


def test_two_coordinators_removing_each_other_at_once_leave_one():
    mission = make_mission()
    anna = make_coordinator(mission, username="anna")
    bruno = make_coordinator(mission, username="bruno")
    barrier = threading.Barrier(2, timeout=30)
    outcomes, errors = {}, []

    def remove(name: str, other) -> None:
        try:
            stored = Mission.objects.get(pk=mission.pk)
            barrier.wait()
            try:
                mission_remove_coordinator(mission=stored, user=other)
            except ValidationError as error:
                outcomes[name] = error.messages[0]
            else:
                outcomes[name] = "removed"
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
            barrier.abort()
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=remove, args=("anna", bruno)),
        threading.Thread(target=remove, args=("bruno", anna)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(outcomes.values())[1] == "removed"
    assert sorted(outcomes.values())[0].startswith("A mission keeps at least one coordinator")
    assert mission.coordinators.count() == 1
