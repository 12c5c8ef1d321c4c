"""Time to render a 300-meeting agenda against a trivial view, as a ratio from one run.

Sets up its own temporary in-memory database; run with `.venv/bin/python bench/bench_agenda.py`.
"""

import os
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

MEETINGS = 300
RUNS = 20


def trivial(request):
    return HttpResponse("ok")


def main() -> None:
    settings.DEBUG = False
    # SQLite: an in-memory database, gone at exit. No setup_test_environment(): its template
    # instrumentation would slow the page being measured.
    connection.creation.create_test_db(verbosity=0)

    import config.urls
    from meetings.models import Meeting
    from tests.builders import (
        make_many_meetings,
        make_member,
        make_mission,
        make_organisation,
        make_venue,
    )

    urls = types.ModuleType("bench_urls")
    urls.urlpatterns = [path("trivial/", trivial), *config.urls.urlpatterns]
    settings.ROOT_URLCONF = urls

    mission = make_mission(slug="bench-mission")
    members = [make_member(mission) for _ in range(8)]
    venues = [make_venue(mission) for _ in range(4)]
    partners = [make_organisation() for _ in range(2)]
    # A busy fair: three days, four stands in parallel, 25 half-hour slots a day, two
    # delegates per stand, partners at every meeting; no clashes (warnings are cheap to
    # compute but a page of 300 clashing meetings is not a realistic figure).
    meetings = make_many_meetings(mission, MEETINGS, organisations=partners)
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
    user = get_user_model().objects.create_user("bench", password="bench-password-123")
    mission.coordinators.add(user)

    client = Client()
    client.force_login(user)
    agenda_url = f"/missions/{mission.slug}/agenda/"

    def best_of(url: str) -> float:
        assert client.get(url).status_code == 200  # warm caches and templates
        timings = []
        for _ in range(RUNS):
            began = time.perf_counter()
            client.get(url)
            timings.append(time.perf_counter() - began)
        return min(timings)

    trivial_s = best_of("/trivial/")
    agenda_s = best_of(agenda_url)
    size = len(client.get(agenda_url).content)
    print(f"agenda with {MEETINGS} meetings: {agenda_s * 1000:.1f} ms ({size // 1024} KiB of HTML)")
    print(f"trivial view:                {trivial_s * 1000:.2f} ms")
    print(f"ratio agenda/trivial:        {agenda_s / trivial_s:.0f}x (best of {RUNS} runs each)")


if __name__ == "__main__":
    main()
