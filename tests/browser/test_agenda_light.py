"""Issue 12, part 4 in Chromium: the light agenda's one actions menu follows the row clicked,
its ticks still shift, a busy agenda is picked a day at a time, a phone has no sideways
scroll; no console error or CSP violation. Screenshots: screenshots/agenda-light-*.png."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Page, expect

from meetings.agenda_days import DAY_PAGE_LIMIT
from meetings.models import Meeting
from missions.models import Mission
from tests.browser.test_csp import Watch
from tests.meetings.test_agenda_light import busy_fair

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Langhe-Roero-2026"
SLUG = "vtm-michigan-2025"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}


def screenshot(page: Page, name: str, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"agenda-light-{name}.png", full_page=full_page)


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


def test_one_actions_menu_follows_the_row(live_server, page: Page, demo):
    base = live_server.url
    watch = Watch(page)
    page.set_viewport_size(WIDE)
    sign_in(page, base)
    page.goto(f"{base}/missions/{SLUG}/agenda/")
    rows = page.locator("li.meeting-row")
    first, second = rows.first, rows.last  # the open menu covers the rows below
    first_pk = first.get_attribute("id").removeprefix("meeting-")
    second_pk = second.get_attribute("id").removeprefix("meeting-")
    second_title = second.locator(".meeting-title a").inner_text()

    # Every row got its tick box and its "Actions" from the page's one template.
    expect(page.locator("li.meeting-row .shift-pick")).to_have_count(rows.count())
    expect(first.get_by_role("button", name="Actions")).to_be_visible()

    first.get_by_role("button", name="Actions").click()
    menu = first.locator(".dropdown-menu")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="Edit")).to_have_attribute(
        "href", f"/missions/{SLUG}/meetings/{first_pk}/edit/"
    )
    screenshot(page, "menu-desktop", full_page=False)

    # Another row's Actions: the same menu moves there, pointed at that meeting.
    second.get_by_role("button", name="Actions").click()
    expect(second.locator(".dropdown-menu")).to_be_visible()
    expect(first.locator(".dropdown-menu")).to_have_count(0)
    expect(page.locator(".dropdown-menu.show")).to_have_count(1)
    expect(second.get_by_role("link", name="Delete…")).to_have_attribute(
        "href", f"/missions/{SLUG}/meetings/{second_pk}/delete/"
    )
    second.get_by_role("button", name="Duplicate").click()
    expect(page.get_by_role("alert")).to_contain_text(f"A tentative copy of “{second_title}”")
    assert Meeting.objects.filter(mission=demo, title=second_title).count() == 2
    watch.assert_clean("agenda actions")


def test_agenda_on_a_phone(live_server, page: Page, demo):
    base = live_server.url
    watch = Watch(page)
    page.set_viewport_size(PHONE)
    sign_in(page, base)
    page.goto(f"{base}/missions/{SLUG}/agenda/")
    expect(page.locator("li.meeting-row .dropdown-toggle").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    screenshot(page, "phone")
    page.set_viewport_size(WIDE)
    screenshot(page, "desktop")
    watch.assert_clean("agenda phone")


def test_a_busy_agenda_one_day_at_a_time(live_server, page: Page, demo):
    mission = Mission.objects.get(slug=SLUG)
    meetings = busy_fair(mission, 3 * (DAY_PAGE_LIMIT + 1))
    base = live_server.url
    watch = Watch(page)
    page.set_viewport_size(WIDE)
    sign_in(page, base)
    page.goto(f"{base}/missions/{SLUG}/agenda/")
    days = page.get_by_role("navigation", name="Days of the agenda")
    expect(days).to_be_visible()
    screenshot(page, "day-picker", full_page=False)
    days.get_by_role("link", name="Wed 23 Apr").click()
    expect(
        page.get_by_role("navigation", name="Days of the agenda").get_by_role(
            "link", name="Wed 23 Apr"
        )
    ).to_have_attribute("aria-current", "page")
    expect(page.locator("section.agenda-day")).to_have_count(1)

    # The ticks still shift, from the one day shown.
    target = next(m for m in meetings[1::3])
    page.get_by_label(f"Tick “{target.title}” to shift it").check()
    page.get_by_label("Shift the ticked meetings by").fill("15")
    page.get_by_role("button", name="Shift", exact=True).click()
    expect(page.get_by_text("1 meeting moved by +15 minutes.")).to_be_visible()
    target.refresh_from_db()
    assert target.version == 2
    watch.assert_clean("busy agenda")
