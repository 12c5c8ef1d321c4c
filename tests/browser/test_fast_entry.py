"""Fast entry in a real browser: a meeting typed by keyboard only (Enter moves on, the end
follows the start, Ctrl+Enter saves), the whole delegation in one click, contacts that follow
the chosen organisation, and several delegates pasted with a preview.
Screenshots: screenshots/fast-entry-*.png."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from delegations.models import DelegationMember
from meetings.models import Meeting
from tests.builders import (
    local,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Langhe-Roero-2026"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


def coordinator_page(browser: Browser, base_url: str, mission) -> Page:
    user = get_user_model().objects.create_user("anna", password=PASSWORD)
    mission.coordinators.add(user)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    page.goto(f"{base_url}/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Missions")).to_be_visible()
    return page


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"fast-entry-{name}.png", full_page=True)


def test_a_meeting_typed_by_keyboard_only(browser: Browser, live_server):
    mission = make_mission(title="Stuttgart 2026", slug="stuttgart-2026")
    for first, last in (("Marco", "Bianchi"), ("Laura", "Rossi"), ("Paolo", "Verdi")):
        make_member(mission, make_person(first_name=first, last_name=last))
    bosch = make_organisation(name="Bosch")
    make_person(first_name="Karl", last_name="Bosch", organisation=bosch)
    make_person(
        first_name="Ute", last_name="Porsche", organisation=make_organisation(name="Porsche")
    )
    page = coordinator_page(browser, live_server.url, mission)
    page.goto(live_server.url + reverse("meetings:agenda", args=[mission.slug]))
    page.locator(".mission-tabs").get_by_role("link", name="New meeting").click()

    # Opened on the mission's first day, 09:00-10:00, already checked; the title has focus.
    expect(page.get_by_label("Starts: date", exact=True)).to_have_value("2025-04-22")
    panel = page.get_by_role("region", name="Clash check")
    expect(panel).to_contain_text("No clashes with the rest of the mission.")
    title = page.get_by_label("Title")
    expect(title).to_be_focused()

    # Enter in the title moves on instead of saving half a meeting.
    page.keyboard.type("Bosch headquarters")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Starts: date", exact=True)).to_be_focused()
    assert Meeting.objects.count() == 0

    # The end follows the start, keeping the hour's length.
    # (Tab steps through the date's own day, month and year; Enter goes to the next field.)
    page.keyboard.press("Enter")
    expect(page.get_by_label("Start time", exact=True)).to_be_focused()
    page.get_by_label("Start time", exact=True).fill("14:00")
    expect(page.get_by_label("End time", exact=True)).to_have_value("15:00")
    expect(page.get_by_label("Ends: date", exact=True)).to_have_value("2025-04-22")

    # The whole delegation at once; the contacts of the chosen organisation first, alone.
    page.get_by_role("button", name="Whole delegation").click()
    for name in ("Marco Bianchi", "Laura Rossi", "Paolo Verdi"):
        expect(page.get_by_label(name, exact=True)).to_be_checked()
    page.get_by_label("Bosch", exact=True).check()
    expect(page.get_by_label("Karl Bosch (Bosch)")).to_be_visible()
    expect(page.get_by_label("Ute Porsche (Porsche)")).to_be_hidden()
    page.get_by_role("button", name="Show all contacts").click()
    expect(page.get_by_label("Ute Porsche (Porsche)")).to_be_visible()
    page.get_by_label("Karl Bosch (Bosch)").check()

    # A new venue without leaving the form: the mission's city is typed already, the window
    # closes itself and the venue is chosen.
    page.get_by_role("button", name="+ New venue").click()
    modal = page.locator("#quick-add-modal")
    expect(modal.get_by_label("City")).to_have_value("Pontiac", timeout=15_000)
    modal.get_by_label("Name").fill("Bosch Feuerbach")
    modal.get_by_role("button", name="Add and select").click()
    expect(modal).to_be_hidden()
    expect(page.get_by_label("Venue", exact=True)).to_have_value(str(mission.venues.get().pk))

    # The end before the start is said in the panel.
    page.get_by_label("End time", exact=True).fill("13:00")
    page.get_by_label("End time", exact=True).dispatch_event("change")
    expect(panel).to_contain_text("The end is before the start")
    page.get_by_label("End time", exact=True).fill("15:30")
    page.get_by_label("End time", exact=True).dispatch_event("change")
    expect(panel).to_contain_text("No clashes with the rest of the mission.")
    shot(page, "meeting-form")

    # Ctrl+Enter saves from anywhere in the form.
    page.get_by_label("Public description").click()
    page.keyboard.type("Plant tour")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("“Bosch headquarters” scheduled.")).to_be_visible()
    meeting = Meeting.objects.get()
    assert (meeting.local_start.hour, meeting.local_start.minute) == (14, 0)
    assert (meeting.end.astimezone(mission.tz).hour, meeting.end.astimezone(mission.tz).minute) == (
        15,
        30,
    )
    assert meeting.attendees.count() == 3
    assert [p.last_name for p in meeting.partner_contacts.all()] == ["Bosch"]
    assert meeting.venue.name == "Bosch Feuerbach"

    # Duplicated to the last day from its page: same local time, tentative, ready to change.
    page.get_by_role("link", name="Bosch headquarters").click()
    page.get_by_label("Duplicate to the day").select_option(label="Thu 24 Apr")
    shot(page, "duplicate")
    page.get_by_role("button", name="Duplicate to this day").click()
    expect(page.get_by_role("alert")).to_contain_text("A tentative copy of “Bosch headquarters”")
    expect(page.get_by_label("Starts: date", exact=True)).to_have_value("2025-04-24")
    expect(page.get_by_label("Start time", exact=True)).to_have_value("14:00")
    assert page.console_errors == []


def test_several_delegates_pasted_with_a_preview(browser: Browser, live_server):
    mission = make_mission(title="Stuttgart 2026", slug="stuttgart-2026")
    make_organisation(name="Bianchi Srl")
    page = coordinator_page(browser, live_server.url, mission)
    page.goto(live_server.url + reverse("delegations:roster", args=[mission.slug]))
    page.get_by_role("link", name="Add several").click()
    box = page.get_by_label("One delegate per line")
    box.fill(
        "Marco Bianchi, m.bianchi@example.it, bianchi srl, capo delegazione\n"
        "Laura Rossi, not-an-address, Rossi Spa, delegata\n"
        "Paolo Verdi, paolo@example.it, Verdi Spa, chief\n"
        "Anna Neri, anna@example.it"
    )
    page.get_by_role("button", name="Preview").click()
    summary = page.locator("#paste-summary")
    expect(summary).to_contain_text("2 of 4 lines have errors")
    expect(page.locator("#line-2")).to_contain_text("“not-an-address” is not an e-mail address.")
    expect(page.locator("#line-3")).to_contain_text("Unknown role “chief”")
    expect(page.get_by_role("button", name="Add 4 people to the delegation")).to_have_count(0)
    shot(page, "paste-errors")
    assert DelegationMember.objects.count() == 0

    # Fixed in the box, previewed again, then added.
    box.fill(
        "Marco Bianchi, m.bianchi@example.it, bianchi srl, capo delegazione\n"
        "Laura Rossi, laura.rossi@example.it, Rossi Spa, delegata\n"
        "Paolo Verdi, paolo@example.it, Verdi Spa, staff\n"
        "Anna Neri, anna@example.it"
    )
    page.get_by_role("button", name="Preview").click()
    expect(summary).to_contain_text("All 4 lines read well")
    expect(page.locator("#line-1")).to_contain_text("Bianchi Srl")
    expect(page.locator("#line-1")).to_contain_text("Head of delegation")
    shot(page, "paste-preview")
    page.get_by_role("button", name="Add 4 people to the delegation").click()
    expect(page.get_by_role("alert")).to_contain_text("4 people joined the delegation.")
    expect(page.get_by_role("heading", name="4 people in the delegation")).to_be_visible()
    assert DelegationMember.objects.filter(mission=mission).count() == 4
    assert page.console_errors == []


def test_copy_a_day_then_shift_it(browser: Browser, live_server):
    mission = make_mission(title="Stuttgart 2026", slug="stuttgart-2026")
    for hour, title in ((9, "Bosch"), (11, "Porsche"), (15, "Mercedes-Benz")):
        make_meeting(
            mission,
            local(mission, 2025, 4, 22, hour),
            local(mission, 2025, 4, 22, hour + 1),
            title=title,
        )
    page = coordinator_page(browser, live_server.url, mission)
    page.goto(live_server.url + reverse("meetings:agenda", args=[mission.slug]))
    page.get_by_role("link", name="Copy day… 22 April").click()
    page.get_by_label("To the day").select_option(label="Thursday 24 April")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("table")
    expect(preview).to_contain_text("Thu 24 Apr 09:00–10:00")
    expect(preview).to_contain_text("Thu 24 Apr 15:00–16:00")
    shot(page, "copy-day")
    assert Meeting.objects.count() == 3
    page.get_by_role("button", name="Copy 3 meetings").click()
    expect(page.get_by_role("alert")).to_contain_text("3 meetings copied, tentative")
    expect(page.get_by_role("region", name="Thursday 24 April 2025")).to_contain_text("Porsche")

    page.get_by_role("link", name="Shift… 24 April").click()
    expect(page.get_by_label("09:00–10:00 Bosch").nth(1)).to_be_checked()
    expect(page.get_by_label("09:00–10:00 Bosch").first).not_to_be_checked()
    page.get_by_label("Shift by (minutes)").fill("-30")
    shot(page, "shift")
    page.get_by_role("button", name="Shift the ticked meetings").click()
    expect(page.get_by_role("alert")).to_contain_text("3 meetings moved by -30 minutes.")
    day = page.get_by_role("region", name="Thursday 24 April 2025")
    expect(day).to_contain_text("08:30–09:30")
    expect(day).to_contain_text("14:30–15:30")
    assert page.console_errors == []

    # Or tick them on the agenda itself.
    page.get_by_label("Tick “Porsche” to shift it").first.check()
    page.get_by_label("Shift the ticked meetings by").fill("15")
    page.get_by_role("button", name="Shift", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("1 meeting moved by +15 minutes.")
    expect(page.get_by_role("region", name="Tuesday 22 April 2025")).to_contain_text("11:15–12:15")
    shot(page, "agenda")
    assert page.console_errors == []

    # On a phone the agenda with its boxes and the shift form still fits the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "agenda-phone")
