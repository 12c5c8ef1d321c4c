"""What pressing "Schedule" costs end to end (matchmaking.scheduling.schedule_run): reading the
session (build_problem), solving (CP-SAT, both phases), writing the meetings through
meetings.services in one transaction, and a second run on the same input (which keeps every
meeting where it is and writes only the run). Prints figures; asserts only that each run
placed what it says and that the second run rewrote nothing.

Generated sessions with a fixed seed: two days of 20-minute slots (09:00-13:00 and
14:00-18:00: 24 slots a day), half the participants on each side, each delegate asking for
visitors at random, every request accepted.

Runs on its own temporary SQLite database: `.venv/bin/python bench/bench_schedule_run.py`
(`--sizes 50,150` to choose; `--time-limit 30`).
"""

import argparse
import os
import random
import sys
import tempfile
import time
import warnings
from datetime import date
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.TemporaryDirectory(prefix="bench-schedule-")
os.environ["DATABASE_URL"] = "sqlite:///bench.sqlite3"  # replaced below by a temporary file
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SITE_URL", "https://missions.example.org")
os.environ["REDIS_URL"] = ""
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402

connections["default"].settings_dict["NAME"] = str(Path(WORKDIR.name) / "bench.sqlite3")

from django.core.management import call_command  # noqa: E402

from delegations.models import Organisation, Person  # noqa: E402
from delegations.services import delegation_add_member  # noqa: E402
from matchmaking import scheduling  # noqa: E402
from matchmaking.models import MeetingRequest, Session, SessionBreak, SessionDay  # noqa: E402
from matchmaking.services import (  # noqa: E402
    participant_add_member,
    participant_add_visitor,
    session_day_save,
    session_save,
    tables_add,
)
from meetings.models import Meeting  # noqa: E402
from missions.models import Mission, Venue  # noqa: E402
from missions.services import mission_save, venue_save  # noqa: E402

DAYS = (date(2026, 3, 27), date(2026, 3, 28))


def _session(participants: int, requests: int, tables: int, seed: int) -> Session:
    n = Mission.objects.count() + 1
    mission = mission_save(
        mission=Mission(
            title=f"Bench {n}",
            slug=f"bench-{n}",
            city="Torino",
            country="Italy",
            timezone="Europe/Rome",
            start_date=DAYS[0],
            end_date=DAYS[-1],
        )
    )
    hall = venue_save(venue=Venue(mission=mission, name="Lingotto", city="Torino"))
    session = session_save(session=Session(mission=mission, slot_minutes=20, hall=hall))
    for day in DAYS:
        session_day_save(
            day=SessionDay(session=session, date=day, start=clock(9), end=clock(18)),
            breaks=[SessionBreak(start=clock(13), end=clock(14), label="Lunch")],
        )
    tables_add(session=session, count=tables)
    delegates, visitors = [], []
    for k in range(participants):
        organisation = Organisation.objects.create(name=f"Bench {n} org {k}")
        person = Person.objects.create(
            first_name="P",
            last_name=f"{n}-{k}",
            email=f"p{n}-{k}@example.org",
            organisation=organisation,
        )
        if k % 2 == 0:
            member = delegation_add_member(mission=mission, person=person)
            delegates.append(participant_add_member(session=session, member=member))
        else:
            visitors.append(participant_add_visitor(session=session, person=person))
    rng = random.Random(seed)
    pairs = set()
    while len(pairs) < requests:
        pairs.add((rng.choice(delegates).pk, rng.choice(visitors).pk))
    MeetingRequest.objects.bulk_create(
        MeetingRequest(
            session=session,
            requester_id=a,
            requested_id=b,
            status=MeetingRequest.Status.ACCEPTED,
            priority=rng.choice(["must", "nice", "nice"]),
        )
        for a, b in sorted(pairs)
    )
    return session


class Counter:
    def __init__(self):
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


def _run(session: Session, time_limit: float) -> dict:
    counter = Counter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        built = scheduling.build_problem(session)
        read = time.perf_counter() - started
        read_queries = counter.queries
        solution = scheduling._solve(built, method="cp-sat", seed=0, time_limit=time_limit)
        solved = time.perf_counter() - started - read
        run = scheduling._commit(
            built, solution, user=None, method="cp-sat", seed=0, time_limit=time_limit
        )
    total = time.perf_counter() - started
    return {
        "run": run,
        "read": read,
        "read_queries": read_queries,
        "solve": solved,
        "write": total - read - solved,
        "write_queries": counter.queries - read_queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50,150")
    parser.add_argument("--time-limit", type=float, default=30.0)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(
        f"{'people':>6} {'requests':>8} {'tables':>6} {'placed':>6} {'status':>8} "
        f"{'read s':>7} {'solve s':>7} {'write s':>7} {'queries':>7} {'again s':>7}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        requests, tables = size * 4, max(10, size // 5)
        session = _session(size, requests, tables, seed=size)
        first = _run(session, args.time_limit)
        meetings = sorted(Meeting.objects.filter(mission=session.mission).values_list("pk", "uid"))
        again = _run(session, args.time_limit)
        after = sorted(Meeting.objects.filter(mission=session.mission).values_list("pk", "uid"))
        assert after == meetings, "the second run rewrote meetings"
        assert first["run"].placed == len(meetings)
        run = first["run"]
        print(
            f"{size:>6} {requests:>8} {tables:>6} {run.placed:>6} {run.status:>8} "
            f"{first['read']:>7.2f} {first['solve']:>7.1f} {first['write']:>7.1f} "
            f"{first['write_queries']:>7} "
            f"{again['read'] + again['solve'] + again['write']:>7.1f}"
        )


if __name__ == "__main__":
    main()
