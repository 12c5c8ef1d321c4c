"""The agenda's cost against a trivial view, as ratios from one run.

Builds a 30-meeting and a 300-meeting mission in its own temporary in-memory database and
times, in interleaved rounds (agenda 30, agenda 300, agenda 300 default, trivial, agenda 30,
...), the agenda with every day shown (`?day=all`: all the rows, the worst case), the
300-meeting agenda as first opened (one day of 100: the day picker) and a trivial view.
Each figure is the median of its rounds, so a busy neighbour on a shared machine tilts all
of them alike.

    .venv/bin/python bench/bench_agenda.py             # the table
    .venv/bin/python bench/bench_agenda.py --profile   # plus cProfile of the 300-meeting page
    .venv/bin/python bench/bench_agenda.py --dump x.html   # the 300-meeting page's HTML
"""

import argparse
import cProfile
import logging
import os
import pstats
import statistics
import sys
import time
import types
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# DEBUG=1 only so the settings load without a secret or collected static files;
# query logging is switched off again below so it does not tilt the figures.
os.environ["DEBUG"] = "1"
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import path  # noqa: E402

SIZES = (30, 300)
ROUNDS = 25


def trivial(request):
    return HttpResponse("ok")


def busy_mission(slug: str, count: int, user):
    """A busy fair: three days, four stands in parallel, half-hour slots, two delegates per
    stand, partners at every meeting; no clashes (warnings are cheap to compute but a page
    of 300 clashing meetings is not a realistic figure)."""
    from meetings.models import Meeting
    from tests.builders import (
        make_many_meetings,
        make_member,
        make_mission,
        make_organisation,
        make_venue,
    )

    mission = make_mission(slug=slug)
    members = [make_member(mission) for _ in range(8)]
    venues = [make_venue(mission) for _ in range(4)]
    partners = [make_organisation() for _ in range(2)]
    meetings = make_many_meetings(mission, count, organisations=partners)
    start = mission.starts_at() + timedelta(hours=7)
    through = Meeting.attendees.through
    links = []
    for n, meeting in enumerate(meetings):
        day, rest = n % 3, n // 3
        slot, stand = rest // 4, rest % 4
        meeting.start = start + timedelta(days=day, minutes=30 * slot)
        meeting.end = meeting.start + timedelta(minutes=30)
        meeting.venue = venues[stand]
        for member in members[2 * stand : 2 * stand + 2]:
            links.append(through(meeting_id=meeting.pk, delegationmember_id=member.pk))
    Meeting.objects.bulk_update(meetings, ["start", "end", "venue"])
    through.objects.bulk_create(links)
    mission.coordinators.add(user)
    return mission


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--dump", metavar="FILE")
    args = parser.parse_args()

    settings.DEBUG = False
    logging.disable(logging.INFO)  # axes logs every force_login
    # SQLite: an in-memory database, gone at exit. No setup_test_environment(): its template
    # instrumentation would slow the page being measured.
    connection.creation.create_test_db(verbosity=0)

    import config.urls

    urls = types.ModuleType("bench_urls")
    urls.urlpatterns = [path("trivial/", trivial), *config.urls.urlpatterns]
    settings.ROOT_URLCONF = urls

    user = get_user_model().objects.create_user("bench", password="bench-password-123")
    client = Client()
    client.force_login(user)
    pages = {
        size: f"/missions/{busy_mission(f'bench-{size}', size, user).slug}/agenda/?day=all"
        for size in SIZES
    }
    urls_timed = {
        **{f"agenda {size}": url for size, url in pages.items()},
        # What a coordinator opens first: 100 meetings a day is over the day picker's limit,
        # so the default page is one day of the 300 (meetings/agenda_days.py).
        "agenda 300 one day": pages[300].removesuffix("?day=all"),
        "trivial": "/trivial/",
    }

    sizes = {}
    for name, url in urls_timed.items():  # warm caches and templates; check they render
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        sizes[name] = len(response.content)
    if args.dump:
        Path(args.dump).write_bytes(client.get(pages[300]).content)

    timings: dict[str, list[float]] = {name: [] for name in urls_timed}
    for _ in range(args.rounds):
        for name, url in urls_timed.items():
            began = time.perf_counter()
            client.get(url)
            timings[name].append(time.perf_counter() - began)
    median = {name: statistics.median(values) for name, values in timings.items()}

    labels = {
        "agenda 30": "agenda, 30 meetings",
        "agenda 300": "agenda, 300 meetings",
        "agenda 300 one day": "agenda, 300: default (1 day)",
        "trivial": "trivial view",
    }
    print(f"Median of {args.rounds} interleaved rounds of: {', '.join(urls_timed)}")
    print(f"{'page (all days unless said)':<30} {'ms':>8} {'x trivial':>10} {'KiB HTML':>9}")
    for name in urls_timed:
        print(
            f"{labels[name]:<30} {median[name] * 1000:>8.2f}"
            f" {median[name] / median['trivial']:>9.0f}x {sizes[name] / 1024:>9.0f}"
        )

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            client.get(pages[300])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    main()
