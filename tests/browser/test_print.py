"""The printable programme in Chromium: at phone width nothing is wider than the screen, and
printed to PDF a day longer than a page carries its heading on every page, while an empty day
is one line, not a page. Screenshot: screenshots/print-phone.png; the PDF's pages as text
through poppler's pdftotext (apt-get install poppler-utils)."""

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from missions.models import Mission
from tests.browser.test_csp import Watch
from tests.builders import local, make_meeting, make_member, make_mission, make_person, make_venue

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Langhe-Roero-2026"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def mission() -> Mission:
    mission = make_mission(
        title="VTM Michigan 2025",
        slug="vtm-michigan-2025",
        start_date=date(2025, 4, 22),
        end_date=date(2025, 4, 24),
        home_timezone="Europe/Rome",
    )
    members = [
        make_member(mission, make_person(first_name=first, last_name=last))
        for first, last in (("Andrea", "Tronzano"), ("Michela", "Favaro"), ("Paola", "Bianchi"))
    ]
    hall = make_venue(
        mission,
        name="Suburban Collection Showplace Exhibition and Conference Centre",
        address="46100 Grand River Avenue",
    )
    # Tuesday: 30 half-hour meetings with long descriptions, several printed pages.
    for n in range(30):
        minutes = 8 * 60 + 30 * n
        make_meeting(
            mission,
            local(mission, 2025, 4, 22, minutes // 60, minutes % 60),
            local(mission, 2025, 4, 22, (minutes + 30) // 60, (minutes + 30) % 60),
            title=f"B2B with supplier number {n + 1}",
            venue=hall,
            attendees=members,
            description="Bring the catalogue, samples of the new alloy wheels and the price "
            "list for the North American market; follow up on last year's visit.",
        )
    # Wednesday: nothing. Thursday: one meeting past midnight.
    make_meeting(
        mission,
        local(mission, 2025, 4, 24, 23, 30),
        local(mission, 2025, 4, 25, 3, 30),
        title="Night shift at the plant",
        attendees=members[:1],
    )
    user = get_user_model().objects.create_user("anna", password=PASSWORD)
    mission.coordinators.add(user)
    return mission


def signed_in(browser: Browser, base: str, viewport: dict) -> tuple[Page, Watch]:
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(10_000)
    watch = Watch(page)
    page.goto(f"{base}/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Missions", level=1)).to_be_visible()
    return page, watch


def test_print_view_fits_a_phone(browser: Browser, live_server):
    """The demo's names and partners made the four columns 438 px wide on a 390 px phone."""
    call_command("load_demo", verbosity=0)
    demo = Mission.objects.get(slug="vtm-michigan-2025")
    demo.coordinators.add(get_user_model().objects.create_user("anna", password=PASSWORD))
    page, watch = signed_in(browser, live_server.url, PHONE)
    page.goto(live_server.url + reverse("meetings:agenda_print", args=[demo.slug]))
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, f"the print view is {width} px wide on a 390 px phone"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "print-phone.png")
    watch.assert_clean("print view on a phone")


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils")
    path = tmp_path / "programme.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_printed_day_repeats_its_heading_and_empty_days_take_no_page(
    browser: Browser, live_server, mission, tmp_path
):
    page, watch = signed_in(browser, live_server.url, {"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("meetings:agenda_print", args=[mission.slug]))
    page.emulate_media(media="print")
    pages = pdf_pages(page.pdf(format="A4"), tmp_path)
    tuesday = [text for text in pages if "B2B with supplier" in text]
    assert len(tuesday) >= 2, "the busy day should need more than one page"
    for number, text in enumerate(tuesday, start=1):
        assert "Tuesday 22 April 2025" in text, f"page {number} of Tuesday has no heading"
    # Wednesday is one line at the top of Thursday's page, not a page of its own.
    assert len(pages) == len(tuesday) + 1
    assert not any("Wednesday 23 April 2025" in text for text in pages)
    assert "Wed 23 Apr: no meetings" in pages[-1]
    assert "Thursday 24 April 2025" in pages[-1]
    assert "23:30–03:30 (+1 day)" in pages[-1]
    watch.assert_clean("printed programme")
