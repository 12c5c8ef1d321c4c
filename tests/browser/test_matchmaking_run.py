"""A coordinator presses "Schedule", reads the result, opens the hall plan and prints it
(to PDF: no slot's block is split over two pages; read back through poppler's pdftotext).
Screenshots: screenshots/matchmaking-run.png, matchmaking-hall-plan.png (small copies of
both in docs/screenshots/)."""

import re
import subprocess
from datetime import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Browser, expect

from matchmaking.models import MeetingRequest
from matchmaking.scheduling import schedule_run
from meetings.models import Meeting
from tests.matchmaking.run_builders import (
    SATURDAY,
    SUNDAY,
    accept,
    add_delegate,
    add_visitor,
    make_session,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Lingotto-Hall-2026"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


def test_press_schedule_see_the_result_and_open_the_hall_plan(browser: Browser, live_server):
    session = make_session(
        days=((SATURDAY, time(9), time(11)), (SUNDAY, time(9), time(10))), tables=3
    )
    delegates = [
        add_delegate(session, "Stefano Geuna", "Regione Piemonte", offers="Regional funding"),
        add_delegate(session, "Chiara Ferro", "Brembo", offers="Brake systems", max_meetings=2),
        add_delegate(session, "Luca Moretti", "Pininfarina", offers="Design studies"),
    ]
    visitors = [
        add_visitor(session, "Carlo Materazzo", "Rivian", looks_for="Suppliers in Piedmont"),
        add_visitor(session, "Dana Price", "Lucid Motors", looks_for="Lightweight parts"),
        add_visitor(session, "Ellen Park", "Hyundai Mobis"),
    ]
    for delegate in delegates:
        for visitor in visitors:
            accept(
                delegate,
                visitor,
                MeetingRequest.Priority.MUST if visitor == visitors[0] else "nice",
            )
    accept(visitors[1], delegates[0])  # mutual
    user = get_user_model().objects.create_user(
        "anna", password=PASSWORD, first_name="Anna", last_name="Ferrero"
    )
    session.mission.coordinators.add(user)

    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + reverse("matchmaking:run", args=[session.mission.slug, session.pk]))
    page.get_by_label("Optimal (CP-SAT)").check()
    page.get_by_role("button", name="Schedule", exact=True).click()

    summary = page.locator(".run-summary")
    expect(summary).to_contain_text("Placed 8 of 9 accepted requests")
    expect(summary).to_contain_text("optimal, proven in")
    expect(page.locator(".left-out")).to_contain_text("Chiara Ferro's limit of 2 meetings reached")
    assert Meeting.objects.filter(kind=Meeting.Kind.B2B).count() == 8
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "matchmaking-run.png", full_page=True)

    page.get_by_role("link", name="Hall plan").first.click()
    expect(page.get_by_role("heading", name="Saturday 28 March 2026")).to_be_visible()
    first = page.locator(".hall-slot").first
    expect(first).to_contain_text("09:00–09:30")
    expect(page.locator(".my-tables")).to_contain_text("Carlo Materazzo")
    page.screenshot(path=SCREENSHOTS / "matchmaking-hall-plan.png", full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=SCREENSHOTS / "matchmaking-hall-plan-print.png", full_page=True)


def _sign_in(browser: Browser, live_server, session):
    user = get_user_model().objects.create_user("anna", password=PASSWORD)
    session.mission.coordinators.add(user)
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def test_the_printed_hall_plan_keeps_each_slot_on_one_page(browser: Browser, live_server):
    session = make_session(days=((SATURDAY, time(9), time(13)),), tables=6)
    delegates = [add_delegate(session, f"Dele Gate{n}", f"Org D{n}") for n in range(8)]
    visitors = [add_visitor(session, f"Visi Tor{n}", f"Org V{n}") for n in range(8)]
    for n, delegate in enumerate(delegates):
        for visitor in visitors[n % 3 : n % 3 + 5]:
            accept(delegate, visitor)
    schedule_run(session=session, method="greedy")
    page = _sign_in(browser, live_server, session)
    page.goto(
        live_server.url + reverse("matchmaking:hall_plan", args=[session.mission.slug, session.pk])
    )
    page.emulate_media(media="print")
    SCREENSHOTS.mkdir(exist_ok=True)
    pdf = SCREENSHOTS / "matchmaking-hall-plan.pdf"
    page.pdf(path=pdf, format="A4")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    # The plan's pages: up to the participants' lists, which start on a page of their own.
    plan_pages = text.split("Each participant")[0].split("\f")
    plan_pages = [p for p in plan_pages if "Table" in p]
    assert len(plan_pages) >= 2
    for number, content in enumerate(plan_pages, 1):
        # Every page of the plan starts with a slot's heading, not with the rest of one.
        heading = re.search(r"\w{3} \d+ \w{3} · \d\d:\d\d–\d\d:\d\d", content)
        assert heading and heading.start() < content.index("Table"), f"page {number}: {content}"
