"""The changelog and the compare page in a real browser: what a coordinator reads.
Screenshots: screenshots/versions.png, screenshots/compare.png."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Browser, expect

from meetings.services import meeting_cancel
from tests.builders import publish
from tests.releases.world import build_world, fresh, move, set_fields

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Langhe-Roero-2026"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


def test_changelog_and_compare_read_well(browser: Browser, live_server):
    world = build_world()
    move(world.visit, minutes=120)
    set_fields(world.lunch, venue=world.gm)
    publish(world.mission, user=world.coordinator, note="Rivian asked for the afternoon")
    meeting_cancel(meeting=fresh(world.lunch))
    set_fields(world.visit, title="Rivian plant tour", description="Bring safety shoes.")
    publish(world.mission, user=world.coordinator, note="Ford lunch off")
    user = get_user_model().objects.get(pk=world.coordinator.pk)
    user.set_password(PASSWORD)
    user.save()

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + reverse("versions:list", args=[world.mission.slug]))

    latest = page.locator("#version-3")
    expect(latest).to_contain_text("Ford lunch off")
    expect(latest).to_contain_text("Cancelled (was Wed 23 Apr 12:00–13:00 (Detroit)")
    expect(latest).to_contain_text("Title: “Rivian visit” → “Rivian plant tour”")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "versions.png"), full_page=True)

    page.get_by_label("From version").select_option("1")
    page.get_by_label("To version").select_option("3")
    page.get_by_role("button", name="Compare").click()
    comparison = page.locator(".comparison")
    expect(comparison).to_contain_text("From version 1 to version 3")
    expect(comparison).to_contain_text(
        "Moved: Tue 22 Apr 14:00–15:00 → 16:00–17:00 (Detroit), 20:00 → 22:00 (Rome)"
    )
    expect(comparison).to_contain_text("Andrea Tronzano: 1 change")
    page.screenshot(path=str(SCREENSHOTS / "compare.png"), full_page=True)


def test_delegate_sees_what_changed_on_a_phone(browser: Browser, live_server):
    world = build_world()
    move(world.visit, minutes=120)
    set_fields(world.visit, venue=world.gm)
    publish(world.mission, user=world.coordinator, note="Rivian asked for the afternoon")

    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + reverse("public:delegate_page", args=[world.laura.token]))

    update = page.locator(".delegate-update")
    expect(update).to_contain_text("version 2 · “Rivian asked for the afternoon”")
    expect(update).to_contain_text("What changed")
    expect(update).to_contain_text(
        "Moved: Tue 22 Apr 14:00–15:00 → 16:00–17:00 (Detroit), 20:00 → 22:00 (Rome)"
    )
    expect(update).to_contain_text("Venue: Rivian HQ, 1 Rivian Way, Plymouth → GM Global")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "delegate-what-changed.png"))
