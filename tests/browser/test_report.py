"""The mission report in Chromium under the enforced CSP: the demo's results at a glance, the
charts drawn (inline SVG, no style attribute needed), the downloads offered; on a phone too.
Screenshots land in screenshots/report-*.png."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Page, expect

from missions.models import Mission
from tests.browser.test_csp import Watch

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Langhe-Roero-2026"
SLUG = "vtm-michigan-2025"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    user = get_user_model().objects.create_user(
        "giulia", "giulia@example.org", PASSWORD, first_name="Giulia", last_name="Ferrero"
    )
    Mission.objects.get(slug=SLUG).coordinators.add(user)


def _sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Username").fill("giulia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Missions", level=1)).to_be_visible()


def test_report_of_the_demo_in_the_browser(live_server, page: Page, demo):
    base = live_server.url
    page.set_default_timeout(10_000)
    watch = Watch(page)
    _sign_in(page, base)
    page.goto(f"{base}/missions/{SLUG}/agenda/")
    page.get_by_role("link", name="Report").click()
    expect(page.get_by_role("heading", name="At a glance")).to_be_visible()
    figures = page.locator(".report-figures > div")
    expect(figures.nth(0)).to_contain_text("Meetings held")
    expect(figures.nth(0).locator("dd").first).to_have_text("12")
    expect(figures.nth(1).locator("dd").first).to_have_text("16")
    expect(page.locator(".report-notable")).to_have_count(2)
    expect(page.locator(".report-notable").first).to_contain_text("Rivian mission to Turin")
    charts = page.locator("svg.report-chart")
    expect(charts).to_have_count(6)
    # Drawn, at a readable size: the per-day chart spans the content's width.
    box = charts.first.bounding_box()
    assert box["width"] > 600 and box["height"] > 60
    expect(page.get_by_role("img", name="Meetings per day")).to_be_visible()
    watch.assert_clean("report")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=SCREENSHOTS / "report-page.png", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename == "vtm-michigan-2025-report.xlsx"

    # A phone: the figures wrap, the charts scale down, nothing overflows sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.screenshot(path=SCREENSHOTS / "report-phone.png", full_page=True)
    watch.assert_clean("report on a phone")
