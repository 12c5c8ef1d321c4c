"""Two "Schedule" presses at once (a double-click, two coordinators) on PostgreSQL: both
solve, one writes its schedule, the other is refused with a message; never both."""

import threading
from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from matchmaking import scheduling
from matchmaking.models import MeetingRequest, ScheduleRun
from matchmaking.scheduling import schedule_run
from meetings.models import Meeting
from tests.matchmaking.run_builders import SATURDAY, accept, add_delegate, add_visitor, make_session

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs row locks between two connections"
    ),
]


def test_two_runs_at_once_write_one_schedule(monkeypatch):
    session = make_session(days=((SATURDAY, time(9), time(11)),), tables=2)
    delegates = [add_delegate(session) for _ in range(2)]
    visitors = [add_visitor(session) for _ in range(3)]
    for delegate in delegates:
        for visitor in visitors:
            accept(delegate, visitor)
    barrier = threading.Barrier(2)
    real = scheduling._solve

    def solve_then_wait(built, **kwargs):
        solution = real(built, **kwargs)
        barrier.wait(30)  # both have built and solved before either writes
        return solution

    monkeypatch.setattr(scheduling, "_solve", solve_then_wait)
    outcomes = []

    def run(method):
        try:
            schedule_run(session=session, method=method)
            outcomes.append("written")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(method,))
        for method in (ScheduleRun.Method.GREEDY, ScheduleRun.Method.CP_SAT)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == sorted(
        [
            "written",
            "The session changed while scheduling (requests, participants, tables, days or "
            "meetings, or another run): run again.",
        ]
    )
    assert ScheduleRun.objects.count() == 1
    run = ScheduleRun.objects.get()
    assert Meeting.objects.count() == run.placed == 6
    placed = set(MeetingRequest.objects.values_list("meeting", flat=True))
    assert placed == set(Meeting.objects.values_list("pk", flat=True))
