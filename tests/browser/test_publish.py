"""Publishing in Chromium: a coordinator moves a meeting, sees "1 change not yet published"
on the mission's pages while the delegate's feed still shows the old time, publishes with a
note, and the delegate's feed then shows the new time with SEQUENCE 1. No CSP violation, no
console error. Screenshots: screenshots/publish-bar.png, screenshots/publish-page.png.
"""

import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Browser, expect

from releases.models import ProgrammeVersion
from tests.browser.test_csp import Watch
from tests.builders import local, make_meeting, make_member, make_mission, make_person, publish

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Langhe-Roero-2026"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - live_server
        return response.read().decode().replace("\r\n ", "")


def test_edit_see_pending_publish_and_the_delegates_feed_follows(live_server, browser: Browser):
    mission = make_mission(title="VTM Michigan 2025", slug="vtm-michigan-2025")
    geuna = make_member(mission, make_person(first_name="Stefano", last_name="Geuna"))
    meeting = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        title="Meeting with Rivian",
        attendees=[geuna],
    )
    make_meeting(
        mission,
        local(mission, 2025, 4, 23, 9),
        local(mission, 2025, 4, 23, 10),
        title="Ecosystem presentation",
        attendees=[geuna],
    )
    publish(mission, note="Preliminary programme")
    user = get_user_model().objects.create_user(
        "anna", password=PASSWORD, first_name="Anna", last_name="Ferrero"
    )
    mission.coordinators.add(user)
    feed_url = live_server.url + reverse("public:delegate_feed", args=[geuna.token])
    assert "DTSTART;TZID=America/Detroit:20250422T140000" in fetch(feed_url)

    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    watch = Watch(page)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(live_server.url + reverse("meetings:edit", args=[mission.slug, meeting.pk]))
    bar = page.locator("#programme-bar")
    expect(bar).to_contain_text("Published: version 1")
    page.get_by_label("Start time", exact=True).fill("16:00")
    page.get_by_label("End time", exact=True).fill("17:00")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_text("“Meeting with Rivian” saved.")).to_be_visible()
    expect(bar).to_contain_text("1 change not yet published")
    expect(bar).to_contain_text("Delegates see version 1.")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "publish-bar.png")
    # Not published yet: the delegate's phone still has 14:00.
    draft_feed = fetch(feed_url)
    assert "DTSTART;TZID=America/Detroit:20250422T140000" in draft_feed
    assert "20250422T160000" not in draft_feed

    bar.get_by_role("link", name="Publish changes").click()
    expect(page.get_by_role("heading", name="Publish changes")).to_be_visible()
    expect(page.get_by_text("1 meeting changed since then.")).to_be_visible()
    page.get_by_label("Note for delegates and colleagues (optional)").fill("Final programme")
    page.screenshot(path=SCREENSHOTS / "publish-page.png")
    # Geuna has an address: the button says who gets an e-mail (releases/digests.py).
    page.get_by_role("button", name="Publish and e-mail 1 delegate").click()
    expect(page.get_by_text("Version 2 published")).to_be_visible()
    expect(page.locator("#programme-bar")).to_contain_text("Published: version 2")
    watch.assert_clean("publish journey")

    version = ProgrammeVersion.objects.get(mission=mission, number=2)
    assert (version.note, version.published_by.username) == ("Final programme", "anna")
    feed = fetch(feed_url)
    assert "DTSTART;TZID=America/Detroit:20250422T160000" in feed
    rivian = feed.split(f"UID:{meeting.uid}")[1].split("END:VEVENT")[0]
    assert "SEQUENCE:1" in rivian
    assert "STATUS:CONFIRMED" in rivian
