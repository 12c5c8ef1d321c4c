"""How fast is the mission feed of 1,000 meetings? Prints figures; asserts nothing.

(a) the feed view through Django's test Client (token/slug -> queries -> build -> bytes);
(b) the floor: icalendar serialising the same 1,000 events already built in memory;
(c) the conditional GET answered 304 (If-None-Match) without building the calendar.
Targets: (a) at most 1.5x (b); (c) at least 20x faster than (a).

Runs on its own temporary SQLite database: `.venv/bin/python bench/bench_feed.py`.
"""

import os
import statistics
import sys
import tempfile
import time
import warnings
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.TemporaryDirectory(prefix="bench-feed-")
os.environ["DATABASE_URL"] = "sqlite:///bench.sqlite3"  # replaced below by a temporary file
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SITE_URL", "https://missions.example.org")
os.environ["REDIS_URL"] = ""  # measure the build, not a cache hit
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# WhiteNoise warns that collectstatic never ran; irrelevant to a feed.
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.db import connections  # noqa: E402

# Never the project's database: a throwaway file, removed at exit.
connections["default"].settings_dict["NAME"] = str(Path(WORKDIR.name) / "bench.sqlite3")

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from delegations.models import Organisation, Person  # noqa: E402
from delegations.services import delegation_add_member, organisation_save, person_save  # noqa: E402
from meetings import calendars, ical  # noqa: E402
from meetings.models import Meeting  # noqa: E402
from meetings.services import meeting_schedule  # noqa: E402
from missions.models import Mission, Venue  # noqa: E402
from missions.services import mission_save, venue_save  # noqa: E402

MEETINGS = 1000
ROUNDS = 15


def build_data() -> Mission:
    mission = mission_save(
        mission=Mission(
            title="Benchmark mission",
            slug="bench",
            city="Pontiac",
            country="United States",
            timezone="America/Detroit",
            start_date=date(2025, 4, 1),
            end_date=date(2025, 6, 30),
            status=Mission.Status.PUBLISHED,
        )
    )
    venues = [
        venue_save(venue=Venue(mission=mission, name=f"Venue {n}", address=f"{n} Main St"))
        for n in range(10)
    ]
    members = []
    for n in range(8):
        person = person_save(
            person=Person(first_name="Delegate", last_name=f"N{n}", email=f"d{n}@example.org")
        )
        members.append(delegation_add_member(mission=mission, person=person))
    partners = [
        organisation_save(organisation=Organisation(name=f"Partner {n}")) for n in range(50)
    ]
    zone = mission.tz
    for n in range(MEETINGS):
        day = date(2025, 4, 1) + timedelta(days=n // 12)
        start = datetime(day.year, day.month, day.day, 8 + n % 12, 0, tzinfo=zone)
        meeting_schedule(
            mission=mission,
            title=f"Meeting {n}",
            start=start,
            end=start + timedelta(minutes=45),
            venue=venues[n % len(venues)],
            attendees=members[n % 3 : n % 3 + 3],
            partner_organisations=[partners[n % len(partners)]],
            description="Agenda: introductions, supplier opportunities, next steps.",
            internal_notes="not in any feed",
        )
    return mission


def interleaved(*fns, rounds: int = ROUNDS) -> list[tuple[float, float]]:
    """Best and median of each function, timed in turn within every round, so that a
    change in the machine's load tilts all of them alike (the ratios are what matter)."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for fn, bucket in zip(fns, times, strict=True):
            started = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - started)
    return [(min(bucket), statistics.median(bucket)) for bucket in times]


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    print(f"Building {MEETINGS} meetings…", flush=True)
    mission = build_data()
    client = Client()
    url = reverse("public:mission_feed", args=[mission.feed_token])

    first = client.get(url)
    assert first.status_code == 200, first.status_code
    assert first.content.count(b"BEGIN:VEVENT") == MEETINGS
    etag = first.headers["ETag"]

    def view():
        response = client.get(url)
        assert response.status_code == 200

    meetings = list(Meeting.objects.filter(mission=mission).with_details())
    component = ical.mission_calendar_component(
        mission, meetings, source_url=calendars.mission_feed_url(mission)
    )
    assert component.to_ical() == first.content  # the floor serialises the very same calendar

    def floor():
        component.to_ical()

    def not_modified():
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304

    (a_best, a_median), (b_best, b_median), (c_best, c_median) = interleaved(
        view, floor, not_modified
    )
    size = len(first.content)
    print(f"Mission feed, {MEETINGS} meetings, {size / 1024:.0f} KiB, median of {ROUNDS} runs:")
    print(f"(a) feed view, full build      {a_median * 1000:8.1f} ms  (best {a_best * 1000:.1f})")
    print(f"(b) floor: icalendar to_ical() {b_median * 1000:8.1f} ms  (best {b_best * 1000:.1f})")
    print(f"(c) conditional GET, 304       {c_median * 1000:8.1f} ms  (best {c_best * 1000:.1f})")
    print(f"(a)/(b) = {a_median / b_median:.2f}  (target <= 1.5)")
    print(f"(a)/(c) = {a_median / c_median:.0f}x  (target >= 20x)")


if __name__ == "__main__":
    main()
