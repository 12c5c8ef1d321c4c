"""What a published programme feed costs at 10, 100 and 1,000 meetings. Prints figures;
asserts only that each path does what it says (bytes, events rebuilt, queries).

Per size, timed in turn within each round (median of the rounds; see `interleaved`):
  cold   the feed view with nothing kept, neither events nor the writer's memos (token ->
         2 queries -> every event made -> bytes);
  floor  icalendar's own to_ical() of the same calendar, prebuilt in memory;
  warm   the feed view just after one meeting changed and a new version was published
         (the change and the publication are not timed): one event made, the rest kept;
  304    the conditional GET (If-None-Match) answered from the one query;
  view   a trivial view (one primary-key query, a few bytes) through the same middleware.
Targets: cold <= 1.2x floor; warm <= 0.15x floor (at 1,000); 304 <= 3x view;
304 at 1,000 <= 1.2x 304 at 10; the 304 is one query.

Runs on its own temporary SQLite database: `.venv/bin/python bench/bench_feed.py`
(or `make bench`).
"""

import gc
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
os.environ["REDIS_URL"] = ""  # the process's own memory keeps the events
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# WhiteNoise warns that collectstatic never ran; irrelevant to a feed.
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402

# Never the project's database: a throwaway file, removed at exit.
connections["default"].settings_dict["NAME"] = str(Path(WORKDIR.name) / "bench.sqlite3")

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import clear_url_caches, path, reverse  # noqa: E402
from django.utils import translation  # noqa: E402

from config.urls import urlpatterns as site_urls  # noqa: E402
from delegations.models import Organisation, Person  # noqa: E402
from delegations.services import delegation_add_member, organisation_save, person_save  # noqa: E402
from meetings import calendars, ical  # noqa: E402
from meetings.models import Meeting  # noqa: E402
from meetings.services import meeting_save, meeting_schedule  # noqa: E402
from missions.models import Mission, Venue  # noqa: E402
from missions.services import mission_save, venue_save  # noqa: E402
from releases import feed_build, published  # noqa: E402
from releases.services import programme_publish  # noqa: E402

SIZES = (10, 100, 1000)
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "9"))


def trivial(request):
    """The cheapest useful view: one query by primary key, a few bytes."""
    return HttpResponse(str(Mission.objects.filter(pk=1).values_list("pk", flat=True).first()))


urlpatterns = [path("bench-trivial/", trivial), *site_urls]


def build_mission(size: int) -> Mission:
    mission = mission_save(
        mission=Mission(
            title=f"Benchmark mission {size}",
            slug=f"bench-{size}",
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
            person=Person(
                first_name="Delegate", last_name=f"N{size}-{n}", email=f"d{size}-{n}@example.org"
            )
        )
        members.append(delegation_add_member(mission=mission, person=person))
    partners = [
        organisation_save(organisation=Organisation(name=f"Partner {size}-{n}")) for n in range(50)
    ]
    zone = mission.tz
    for n in range(size):
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
    programme_publish(mission=mission, user=None, note="Benchmark")
    return mission


def floor_component(mission: Mission):
    """The calendar the cold path serialises, built in memory (as published.*_cold does)."""
    owner = published.programme_candidates(mission.feed_token, token_shaped=True)[0]
    snapshot = published.snapshot_of(owner.release_id)
    shown = published.mission_of(snapshot, owner)
    stamp = owner.release_at
    events = [published.event_of(e, snapshot, stamp=stamp) for e in snapshot["meetings"].values()]
    with translation.override(settings.LANGUAGE_CODE):
        return ical.mission_calendar_component(
            shown, events, source_url=calendars.mission_feed_url(owner)
        )


def forget() -> None:
    """Nothing kept: the events (the cache and the process's memo), and the memos of the
    calendar writer (per zone: the VTIMEZONE, the TZID form; the property order)."""
    cache.clear()
    feed_build.forget()
    for memo in (
        ical._zone_form,
        ical._event_order,
        ical._vtimezone_bytes,
        ical._vtimezone_feed_bytes,
    ):
        memo.cache_clear()


def interleaved(steps: dict, rounds: int = ROUNDS) -> dict[str, float]:
    """Median of each timed step, the steps run in turn within every round, so that a change
    in the machine's load tilts all of them alike (the ratios are what matter). A step is
    (untimed preparation or None, timed call)."""
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, (prepare, timed) in steps.items():
            if prepare is not None:
                prepare()
            # The previous step's garbage is collected before, not during, this one.
            gc.collect()
            started = time.perf_counter()
            timed()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(bucket) for name, bucket in times.items()}


def main() -> None:
    setup_test_environment()
    settings.ROOT_URLCONF = __name__
    clear_url_caches()
    call_command("migrate", verbosity=0)
    client = Client()
    print(f"Building missions of {', '.join(map(str, SIZES))} meetings…", flush=True)
    missions = {size: build_mission(size) for size in SIZES}
    steps = {}
    sizes_kib = {}
    for size, mission in missions.items():
        url = reverse("public:mission_feed", args=[mission.feed_token])
        cache.clear()
        first = client.get(url)
        assert first.status_code == 200, first.status_code
        assert first.content.count(b"BEGIN:VEVENT") == size
        component = floor_component(mission)
        # The floor serialises the very same calendar the view answered.
        assert component.to_ical() == first.content
        sizes_kib[size] = len(first.content) / 1024
        state = {"etag": first.headers["ETag"], "n": 0}
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, HTTP_IF_NONE_MATCH=state["etag"]).status_code == 304
        assert len(queries) == 1, len(queries)
        target = Meeting.objects.filter(mission=mission).order_by("pk").first()

        def change(mission=mission, target=target, state=state):
            state["n"] += 1
            meeting = Meeting.objects.get(pk=target.pk)
            meeting.title = f"Meeting 0, edition {state['n']}"
            meeting_save(meeting=meeting)
            programme_publish(mission=mission, user=None, note=f"Change {state['n']}")

        def warm(url=url, state=state):
            response = client.get(url)
            assert response.status_code == 200
            assert feed_build.last_build["built"] == 1, feed_build.last_build
            state["etag"] = response.headers["ETag"]

        def cold(url=url):
            response = client.get(url)
            assert response.status_code == 200
            assert feed_build.last_build["kept"] == 0

        def not_modified(url=url, state=state):
            assert client.get(url, HTTP_IF_NONE_MATCH=state["etag"]).status_code == 304

        # Cold first (it forgets every kept event, of every size, and the writer's memos),
        # then warm: one change.
        steps[f"cold {size}"] = (forget, cold)
        steps[f"warm {size}"] = (change, warm)
        steps[f"floor {size}"] = (None, component.to_ical)
        steps[f"304 {size}"] = (None, not_modified)

    def view():
        assert client.get("/bench-trivial/").status_code == 200

    steps["view"] = (None, view)
    median = interleaved(steps)
    ms = {name: value * 1000 for name, value in median.items()}
    print(f"Published programme feed, median of {ROUNDS} interleaved rounds (ms):")
    print(
        f"{'meetings':>9} {'KiB':>6} {'cold':>8} {'floor':>8} {'cold/fl':>8} "
        f"{'warm':>7} {'warm/fl':>8} {'304':>6} {'304/view':>9}"
    )
    for size in SIZES:
        floor = ms[f"floor {size}"]
        print(
            f"{size:>9} {sizes_kib[size]:>6.0f} {ms[f'cold {size}']:>8.1f} {floor:>8.1f} "
            f"{ms[f'cold {size}'] / floor:>8.2f} {ms[f'warm {size}']:>7.1f} "
            f"{ms[f'warm {size}'] / floor:>8.2f} {ms[f'304 {size}']:>6.2f} "
            f"{ms[f'304 {size}'] / ms['view']:>9.2f}"
        )
    big, small = max(SIZES), min(SIZES)
    print(f"trivial view {ms['view']:.2f} ms; 304 is 1 query at every size")
    print(
        f"304 at {big} / 304 at {small} = {ms[f'304 {big}'] / ms[f'304 {small}']:.2f} "
        "(target <= 1.2)"
    )
    print(f"304 at {big} / trivial view = {ms[f'304 {big}'] / ms['view']:.2f} (target <= 3)")
    print(f"cold at {big} / floor = {ms[f'cold {big}'] / ms[f'floor {big}']:.2f} (target <= 1.2)")
    print(
        f"warm after one change at {big} / floor = "
        f"{ms[f'warm {big}'] / ms[f'floor {big}']:.2f} (target <= 0.15)"
    )


if __name__ == "__main__":
    main()
