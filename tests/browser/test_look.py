"""The look in Chromium: the favicon, the error pages, the roster's "e-mail everyone"
preview and the delegate's page at phone width (390 px) and on a wide screen; no console
error anywhere. Screenshots land in screenshots/look-*.png (look at them)."""

from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Page, expect

from delegations.models import DelegationMember
from missions.localtime import aware_from_local
from missions.models import Mission
from tests.browser.test_csp import Watch

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Langhe-Roero-2026"
SLUG = "vtm-michigan-2025"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"look-{name}.png", full_page=True)


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    user = get_user_model().objects.create_user(
        "giulia", "giulia@example.org", PASSWORD, first_name="Giulia", last_name="Ferrero"
    )
    for mission in Mission.objects.all():
        mission.coordinators.add(user)
    return Mission.objects.get(slug=SLUG)


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Username").fill("giulia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Missions", level=1)).to_be_visible()


def no_horizontal_overflow(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{width} px on {page.viewport_size['width']}"


def test_favicon_wordmark_and_error_pages(live_server, page: Page, demo):
    base = live_server.url
    watch = Watch(page)
    icon = page.request.get(f"{base}/favicon.ico")
    assert icon.status == 200 and icon.body()[:4] == b"\x00\x00\x01\x00"

    page.set_viewport_size(PHONE)
    page.goto(f"{base}/no-such-page/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.locator("img.brand-mark")).to_be_visible()
    assert page.evaluate("document.querySelector('img.brand-mark').naturalWidth") > 0
    no_horizontal_overflow(page)
    screenshot(page, "404-phone")
    # The 404 page itself answers 404; that one line is the only console message expected.
    watch.console = [line for line in watch.console if "404 (Not Found)" not in line]
    watch.assert_clean("404")

    sign_in(page, base)
    page.goto(f"{base}/missions/no-such-mission/agenda/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    watch.console = [line for line in watch.console if "404 (Not Found)" not in line]
    watch.assert_clean("404 signed in")


def test_roster_preview_of_everyone_s_links(live_server, page: Page, demo):
    base = live_server.url
    watch = Watch(page)
    page.set_viewport_size(WIDE)
    sign_in(page, base)
    page.goto(f"{base}/missions/{SLUG}/delegation/")
    page.get_by_role("link", name="E-mail everyone their links").click()
    expect(page.get_by_role("heading", name="E-mail everyone their links")).to_be_visible()
    rows = page.locator("#recipients tbody tr")
    with_email = DelegationMember.objects.filter(mission=demo).exclude(person__email="").count()
    expect(rows).to_have_count(with_email)
    screenshot(page, "roster-preview")
    watch.assert_clean("preview")
    page.get_by_role("button", name=f"Send {with_email} e-mails").click()
    expect(page.get_by_text(f"Sent their links to {with_email} delegates")).to_be_visible()
    watch.assert_clean("sent")

    # A draft mission: the roster says the links do not work yet.
    Mission.objects.filter(slug="vtm-torino-2026").update(status=Mission.Status.DRAFT)
    page.goto(f"{base}/missions/vtm-torino-2026/delegation/")
    expect(page.locator("#links-status")).to_be_visible()
    screenshot(page, "roster-draft")
    watch.assert_clean("draft roster")


def test_delegate_page_on_a_phone_and_on_a_wide_screen(live_server, page: Page, demo, monkeypatch):
    # The second day of the mission, 08:00 in Detroit: "Today" and "Next" are shown.
    morning = aware_from_local(datetime(2025, 4, 23, 8, 0), demo.tz)
    monkeypatch.setattr("releases.public.timezone.now", lambda: morning)
    member = (
        DelegationMember.objects.filter(mission=demo, meetings__isnull=False)
        .order_by("person__last_name")
        .first()
    )
    watch = Watch(page)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/d/{member.token}/?lang=en")

    expect(page.locator("#today-title")).to_contain_text("Today")
    expect(page.locator("#subscribe-help")).not_to_have_attribute("open", "")
    expect(page.get_by_text("In the left column, next to “Other calendars”")).to_be_hidden()
    expect(page.locator("figure.qr-wide")).to_be_hidden()
    expect(page.get_by_role("link", name="Subscribe on this phone or computer")).to_be_visible()
    # Today comes before the subscribe card on the screen.
    today_y = page.locator("#today").bounding_box()["y"]
    assert today_y < page.locator("#subscribe").bounding_box()["y"]
    no_horizontal_overflow(page)
    screenshot(page, "delegate-phone")
    page.screenshot(path=SCREENSHOTS / "look-delegate-phone-first-screen.png")
    page.locator("#subscribe-help > summary").click()
    expect(page.get_by_text("Google Calendar (Android)")).to_be_visible()
    watch.assert_clean("delegate phone")

    page.set_viewport_size(WIDE)
    page.reload()
    expect(page.locator("figure.qr-wide")).to_be_visible()
    screenshot(page, "delegate-wide")
    watch.assert_clean("delegate wide")
