"""Two coordinators, two real sessions, one meeting, the same instant (PostgreSQL).

Each thread logs in through the login page with its own cookies, opens the meeting's edit
page, then both post different changes at once (threading.Barrier) to the live server, whose
threads each hold their own database connection. Exactly one save wins; the other sees the
conflict panel with its own typing kept; the database holds the winner's change only.
SQLite has one writer at a time and no row locks to race on: skipped there, run in CI's
PostgreSQL pass.
"""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connection
from django.urls import reverse

from meetings.models import Meeting
from tests.builders import local, make_coordinator, make_meeting, make_mission
from tests.formdata import form_fields

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="needs concurrent writers: PostgreSQL"
    ),
]

PASSWORD = "Langhe-Roero-2026"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    """A browser-like client: its own cookies, CSRF token from the page, no redirects."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - http://127.0.0.1 live_server
        if body is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:  # 302 (not followed) and 409 land here
            return error.code, error.read().decode()

    def login(self, username: str) -> None:
        path = reverse("login")
        _, page = self.request(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _ = self.request(
            path, {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        assert status == 302, "login failed"


def test_two_sessions_saving_one_meeting_at_once_lose_nothing(live_server, settings):
    # Plain http on loopback: let the session and CSRF cookies travel without TLS.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    mission = make_mission(title="VTM Michigan 2025", slug="vtm-michigan-2025")
    meeting = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        title="Meeting with Rivian",
    )
    for name, first in (("anna", "Anna"), ("bruno", "Bruno")):
        make_coordinator(
            mission, username=name, first_name=first, last_name="Test", password=PASSWORD
        )
    url = reverse("meetings:edit", args=[mission.slug, meeting.pk])
    changes = {
        "anna": {"title": "Rivian: plant tour"},
        "bruno": {"description": "Follow-up call in May"},
    }
    barrier = threading.Barrier(2, timeout=30)
    results, errors = {}, []

    def coordinator(name: str) -> None:
        try:
            session = Session(live_server.url)
            session.login(name)
            status, page = session.request(url)
            assert status == 200
            form = form_fields(page, "meeting-form")
            assert form["version"] == "1"
            barrier.wait()  # both have the form open at version 1
            barrier.wait()  # ... and post at the same moment
            results[name] = session.request(url, {**form, **changes[name]})
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=coordinator, args=(name,)) for name in changes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors

    statuses = sorted(status for status, _ in results.values())
    assert statuses == [302, 409]
    winner = next(name for name, (status, _) in results.items() if status == 302)
    loser = "bruno" if winner == "anna" else "anna"
    page = re.sub(r"\s+", " ", results[loser][1])
    assert f"{winner.capitalize()} Test saved this meeting at" in page
    assert "Save my version" in page
    # The loser's typing is shown back, with the winner's change listed beside it.
    typed = changes[loser]
    assert next(iter(typed.values())) in page
    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.version == 2
    expected = {
        "title": "Rivian: plant tour" if winner == "anna" else "Meeting with Rivian",
        "description": "Follow-up call in May" if winner == "bruno" else "",
    }
    assert {"title": stored.title, "description": stored.description} == expected
