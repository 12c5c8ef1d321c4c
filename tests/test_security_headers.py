"""Security headers on every kind of response: CSP, Permissions-Policy, and no-store on the
pages a signed-in coordinator sees (the roster shows every delegate's secret link), while the
calendar feeds keep the headers their conditional GET relies on.

The browser check that every page works under this CSP is tests/browser/test_csp.py.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.builders import local, make_coordinator, make_meeting, make_member, make_mission

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"

CSP = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-hashes' 'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}
NO_STORE = "private, no-store"


@pytest.fixture
def planned():
    mission = make_mission()
    member = make_member(mission)
    meeting = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 10, 0),
        local(mission, 2025, 4, 22, 11, 0),
        attendees=[member],
    )
    coordinator = make_coordinator(mission)
    return mission, member, meeting, coordinator


def assert_hardened(response):
    assert set(response["Content-Security-Policy"].split("; ")) == CSP
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_the_sign_in_page_is_hardened_and_never_cached(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert_hardened(response)
    assert "no-store" in response["Cache-Control"]


def test_a_static_file_carries_the_permissions_policy(client):
    response = client.get("/static/css/app.css")
    body = b"".join(response.streaming_content)
    response.close()

    assert b".narrow-page" in body
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize(
    "name",
    [
        "missions:list",
        "meetings:agenda",
        "meetings:agenda_print",
        "meetings:create",
        "meetings:edit",
        "delegations:roster",
        "delegations:partners",
        "delegations:contacts",
    ],
)
def test_coordinators_pages_are_never_stored(client, planned, name):
    mission, member, meeting, coordinator = planned
    client.force_login(coordinator)
    args = {"missions:list": [], "delegations:partners": [], "delegations:contacts": []}.get(
        name, [mission.slug, meeting.pk] if name == "meetings:edit" else [mission.slug]
    )

    response = client.get(reverse(name, args=args))

    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE
    assert_hardened(response)


def test_the_roster_showing_secret_links_is_never_stored(client, planned):
    mission, member, meeting, coordinator = planned
    client.force_login(coordinator)

    response = client.get(reverse("delegations:roster", args=[mission.slug]))

    assert member.token in response.content.decode()
    assert response["Cache-Control"] == NO_STORE


def test_the_live_clash_check_answer_is_never_stored(client, planned):
    mission, member, meeting, coordinator = planned
    client.force_login(coordinator)

    response = client.post(reverse("meetings:check", args=[mission.slug]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_the_admin_keeps_its_own_never_cache(client, planned):
    *_, coordinator = planned
    coordinator.is_staff = coordinator.is_superuser = True
    coordinator.save()
    client.force_login(coordinator)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert_hardened(response)


def test_the_delegates_page_is_private_and_never_stored(client, planned):
    mission, member, meeting, coordinator = planned

    response = client.get(reverse("public:delegate_page", args=[member.token]))

    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE
    assert response["Referrer-Policy"] == "no-referrer"
    assert_hardened(response)


@pytest.mark.parametrize("signed_in", [False, True], ids=["calendar app", "coordinator"])
def test_the_feed_keeps_its_conditional_get_headers(client, planned, signed_in):
    mission, member, meeting, coordinator = planned
    if signed_in:
        client.force_login(coordinator)
    url = reverse("public:delegate_feed", args=[member.token])

    response = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache, no-transform"
    assert "camera=()" in response["Permissions-Policy"]
    assert again.status_code == 304
    assert again["Cache-Control"] == "private, no-cache, no-transform"


# Nothing in our templates that this CSP would block ---------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"javascript:", re.I)


def page_templates():
    # E-mails are read in mail clients, not served under the CSP.
    return sorted(p for p in TEMPLATES.rglob("*.html") if "email" not in p.parts)


@pytest.mark.parametrize("path", page_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_style_or_event_handler(path):
    text = path.read_text()
    for pattern in (INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER, JS_URL):
        assert not pattern.search(text), f"{pattern.pattern} in {path}"


def test_a_form_sent_without_its_csrf_token_gets_a_styled_page_the_csp_allows(planned):
    mission, member, meeting, coordinator = planned
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)

    response = client.post(reverse("meetings:cancel", args=[mission.slug, meeting.pk]))

    page = response.content.decode()
    assert response.status_code == 403
    assert "This form has expired" in page
    assert "Nothing was saved." in page
    assert "<style" not in page
    assert 'name="language"' not in page
    assert_hardened(response)
    meeting.refresh_from_db()
    assert not meeting.is_cancelled


def test_throttle_and_csp_report_come_from_the_environment():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "LOGIN_FAILURE_LIMIT": "8",
        "LOGIN_LOCKOUT_MINUTES": "30",
        "PROXY_COUNT": "1",
        "CSP_REPORT_URI": "https://reports.example.org/csp",
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), "
        "s.PROXY_COUNT, s.CONTENT_SECURITY_POLICY['DIRECTIVES']['report-uri']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == [8, 1800.0, 1, ["https://reports.example.org/csp"]]
