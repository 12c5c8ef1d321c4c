"""A coordinator plans a mission from the browser alone, in English and in Italian.

Real Chromium against live_server. The mission is in Detroit, 6-10 March 2026: the US clocks
go forward on Sunday 8 March, so a meeting typed at 10:00 on Friday is 15:00 UTC and one typed
at 10:00 on Monday is 14:00 UTC. The delegate's feed is fetched like a calendar app would
(no cookies) and parsed back with icalendar.
"""

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import polib
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Page, expect

from delegations.models import DelegationMember, Person
from meetings.models import Meeting
from meetings.services import meeting_cancel
from tests.builders import (
    local,
    make_meeting,
    make_member,
    make_mission,
    make_person,
    publish,
)

pytestmark = pytest.mark.django_db(transaction=True)

DETROIT = ZoneInfo("America/Detroit")
PASSWORD = "Langhe-Roero-2026"
MISSION_TITLE = "Piemonte automotive mission to Detroit 2026"
MISSION_SLUG = "piemonte-automotive-mission-to-detroit-2026"
OTHER_TITLE = "Agrifood mission to Osaka 2026"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
PO_PATH = Path(settings.BASE_DIR) / "locale" / "it" / "LC_MESSAGES" / "django.po"

RIVIAN = "Meeting with Rivian"
FORD = "Visit to the Ford Rouge plant"
LUNCH = "Lunch with the MEDC"
GM = "Call with General Motors"
DAYS = [
    "Friday 6 March 2026",
    "Saturday 7 March 2026",
    "Sunday 8 March 2026",
    "Monday 9 March 2026",
    "Tuesday 10 March 2026",
]


# --- helpers ---------------------------------------------------------------------------------


def make_user(username: str, first_name: str, last_name: str):
    """A coordinator: neither staff nor superuser, sees only the missions they coordinate."""
    return get_user_model().objects.create_user(
        username, password=PASSWORD, first_name=first_name, last_name=last_name
    )


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"journey-{name}.png", full_page=True)


def log_in(page: Page, base_url: str, username: str) -> None:
    page.set_default_timeout(10_000)  # fail fast: every step here takes well under a second
    page.goto(f"{base_url}/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def agenda_row(page: Page, title: str):
    """The agenda's list item for one meeting, found by its heading."""
    return page.locator("li.meeting-row").filter(has=page.get_by_role("heading", name=title))


def clash_check_request(response) -> bool:
    return response.request.method == "POST" and "/check/" in response.url


def fill_times(page: Page, day: str, start: str, end: str, *, labels=None) -> None:
    """Type a meeting's start and end in the mission's local time; wait for the clash check.

    Every change posts the form to the clash check (htmx). In this order no half-typed state
    shows the texts the tests then expect (a state with the end before the start is not
    checked at all), so a panel text that appears is the answer for the final values.
    """
    start_date, start_time, end_date, end_time = labels or (
        "Starts: date",
        "Start time",
        "Ends: date",
        "End time",
    )
    page.get_by_label(start_date, exact=True).fill(day)
    page.get_by_label(end_date, exact=True).fill(day)
    page.get_by_label(start_time, exact=True).fill(start)
    with page.expect_response(clash_check_request):
        page.get_by_label(end_time, exact=True).fill(end)


def schedule(page: Page, *, title: str, kind: str, day: str, start: str, end: str, who) -> None:
    """Fill the new-meeting form (already open) and save it."""
    expect(page.get_by_role("heading", name="New meeting", level=2)).to_be_visible()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Kind").select_option(label=kind)
    for name in who:
        page.get_by_label(name).check()
    fill_times(page, day, start, end)
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("alert")).to_contain_text(f"“{title}” scheduled.")


def plan_detroit_mission(coordinator) -> dict:
    """The journey's mission as it stands once planned, built through the services.

    The General Motors call still overlaps the Rivian meeting; the MEDC lunch is cancelled.
    """
    mission = make_mission(
        title=MISSION_TITLE,
        slug=MISSION_SLUG,
        city="Detroit",
        region="Michigan",
        country="United States",
        timezone="America/Detroit",
        start_date=datetime(2026, 3, 6).date(),
        end_date=datetime(2026, 3, 10).date(),
        coordinators=[coordinator],
    )
    marco = make_member(
        mission,
        make_person(
            first_name="Marco",
            last_name="Bianchi",
            position="CEO",
            email="marco.bianchi@example.it",
            preferred_language=Person.Language.ITALIAN,
        ),
        role=DelegationMember.Role.HEAD,
    )
    laura = make_member(
        mission,
        make_person(
            first_name="Laura",
            last_name="Rossi",
            position="Export manager",
            email="laura.rossi@example.it",
        ),
        role=DelegationMember.Role.DELEGATE,
    )
    make_meeting(
        mission,
        local(mission, 2026, 3, 6, 10, 0),
        local(mission, 2026, 3, 6, 11, 0),
        title=RIVIAN,
        attendees=[marco],
    )
    make_meeting(
        mission,
        local(mission, 2026, 3, 9, 10, 0),
        local(mission, 2026, 3, 9, 11, 30),
        title=FORD,
        kind=Meeting.Kind.SITE_VISIT,
        attendees=[marco, laura],
    )
    lunch = make_meeting(
        mission,
        local(mission, 2026, 3, 9, 12, 30),
        local(mission, 2026, 3, 9, 13, 30),
        title=LUNCH,
        kind=Meeting.Kind.INSTITUTIONAL,
        attendees=[marco, laura],
    )
    meeting_cancel(meeting=lunch)
    make_meeting(
        mission,
        local(mission, 2026, 3, 6, 10, 30),
        local(mission, 2026, 3, 6, 11, 0),
        title=GM,
        attendees=[marco],
    )
    # What delegates see: the programme as published (version 1).
    publish(mission)
    return {"mission": mission, "marco": marco, "laura": laura}


class Italian:
    """The Italian msgstrs, read from the .po the translators maintain (never hard-coded)."""

    def __init__(self, path: Path):
        self.path = path
        self.entries = {
            (entry.msgctxt, entry.msgid): entry
            for entry in polib.pofile(str(path))
            if not entry.obsolete
        }

    def _entry(self, msgid: str, context: str | None = None):
        entry = self.entries.get((context, msgid))
        if entry is None:
            pytest.fail(f"{msgid!r} (context {context!r}) is missing from {self.path}")
        if "fuzzy" in entry.flags:
            pytest.fail(f"{msgid!r} is fuzzy in {self.path}")
        return entry

    def __call__(self, msgid: str, *, context: str | None = None, **params) -> str:
        text = self._entry(msgid, context).msgstr
        if not text:
            pytest.fail(f"{msgid!r} has no Italian translation in {self.path}")
        return text % params if params else text

    def plural(self, msgid: str, n: int, **params) -> str:
        forms = self._entry(msgid).msgstr_plural
        text = forms.get(0 if n == 1 else 1, "")  # Italian: plural=(n != 1)
        if not text:
            pytest.fail(f"{msgid!r} has no Italian plural form in {self.path}")
        return text % {"counter": n, **params}


@pytest.fixture
def italian() -> Italian:
    mo_path = PO_PATH.with_suffix(".mo")
    if not PO_PATH.exists():
        pytest.fail(f"{PO_PATH} is missing")
    if not mo_path.exists() or mo_path.stat().st_mtime < PO_PATH.stat().st_mtime:
        pytest.fail(f"{mo_path} is missing or older than the .po: run `make messages`")
    return Italian(PO_PATH)


# --- the journey in English ------------------------------------------------------------------


def test_coordinator_plans_a_mission_and_the_delegate_feed_shows_the_move_and_the_cancellation(
    live_server, page: Page, playwright, settings
):
    # Every link the app gives out is SITE_URL + path (missions/links.py): here, this server.
    settings.SITE_URL = live_server.url
    make_user("giulia", "Giulia", "Ferrero")
    make_mission(
        title=OTHER_TITLE,
        slug="agrifood-osaka-2026",
        timezone="Asia/Tokyo",
        coordinators=[make_user("luca", "Luca", "Verdi")],
    )
    base = live_server.url

    # Log in through the form; only her own (none yet) missions are listed.
    log_in(page, base, "giulia")
    expect(page.get_by_role("heading", name="Missions", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Giulia Ferrero")).to_be_visible()
    expect(page.get_by_role("heading", name="No missions yet")).to_be_visible()
    expect(page.get_by_text(OTHER_TITLE)).to_have_count(0)
    screenshot(page, "01-missions-empty")

    # Create the mission, in Detroit across the US change to daylight saving time.
    page.get_by_role("link", name="New mission").first.click()
    expect(page.get_by_role("heading", name="New mission", level=1)).to_be_visible()
    page.get_by_label("Title").fill(MISSION_TITLE)
    page.get_by_label("Status").select_option(label="Published")
    page.get_by_label("City").fill("Detroit")
    page.get_by_label("Region").fill("Michigan")
    page.get_by_label("Country").fill("United States")
    page.get_by_label("Start date").fill("2026-03-06")
    page.get_by_label("End date").fill("2026-03-10")
    page.get_by_role("combobox", name=re.compile(r"^Time zone")).fill("America/Detroit")
    expect(page.get_by_label("Home time zone")).to_have_value("Europe/Rome")
    page.get_by_label("Organiser").fill("Ceipiemonte")
    screenshot(page, "02-mission-form")
    page.get_by_role("button", name="Save mission").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Mission created. Now add the delegation and meetings."
    )
    expect(page.get_by_role("heading", name=MISSION_TITLE, level=1)).to_be_visible()
    expect(page.locator(".mission-header")).to_contain_text(
        "Detroit, Michigan, United States · 6–10 Mar 2026 · America/Detroit"
    )
    expect(page.locator(".mission-header")).to_contain_text("(home: Europe/Rome)")
    expect(page.get_by_role("heading", name="No meetings yet")).to_be_visible()
    expect(page.locator(".agenda-day")).to_have_count(0)
    assert page.url == f"{base}/missions/{MISSION_SLUG}/agenda/"

    # Another coordinator's mission does not exist for her.
    response = page.goto(f"{base}/missions/agrifood-osaka-2026/agenda/")
    assert response.status == 404
    page.goto(f"{base}/")
    expect(page.locator("article.mission-card")).to_have_count(1)
    expect(page.get_by_role("heading", name=MISSION_TITLE, level=3)).to_be_visible()
    expect(page.get_by_text(OTHER_TITLE)).to_have_count(0)

    # Two delegates on the roster.
    page.get_by_role("link", name="Agenda", exact=True).click()
    page.get_by_role("link", name="Delegation", exact=True).click()
    expect(page.get_by_role("heading", name="Nobody in the delegation yet")).to_be_visible()
    page.get_by_role("link", name="Add the first delegate").click()
    expect(page.get_by_role("heading", name="Add a delegate", level=2)).to_be_visible()
    page.get_by_label("First name").fill("Marco")
    page.get_by_label("Last name").fill("Bianchi")
    page.get_by_label("Position").fill("CEO")
    page.get_by_label("E-mail").fill("marco.bianchi@example.it")
    page.get_by_label("Preferred language").select_option(label="Italian")
    page.get_by_label("Role").select_option(label="Head of delegation")
    page.get_by_role("button", name="Add and add another").click()
    expect(page.get_by_role("alert")).to_contain_text("Marco Bianchi joined the delegation.")
    expect(page.get_by_role("heading", name="Add a delegate", level=2)).to_be_visible()
    page.get_by_label("First name").fill("Laura")
    page.get_by_label("Last name").fill("Rossi")
    page.get_by_label("Position").fill("Export manager")
    page.get_by_label("E-mail").fill("laura.rossi@example.it")
    page.get_by_label("Role").select_option(label="Delegate")
    page.get_by_role("button", name="Add to the delegation").click()
    expect(page.get_by_role("alert")).to_contain_text("Laura Rossi joined the delegation.")
    expect(page.get_by_role("heading", name="2 people in the delegation")).to_be_visible()
    roster = page.get_by_role("list", name="Delegation")
    marco_item = roster.locator("li.roster-member").filter(has_text="Marco Bianchi")
    laura_item = roster.locator("li.roster-member").filter(has_text="Laura Rossi")
    expect(marco_item).to_contain_text("Head of delegation")
    expect(marco_item).to_contain_text("CEO")
    expect(laura_item).to_contain_text("Delegate")
    expect(laura_item).to_contain_text("Export manager")
    screenshot(page, "03-roster")

    # Three meetings typed in Detroit time; the first from the day's own "+ Add" button.
    page.get_by_role("link", name="Agenda", exact=True).click()
    expect(page.get_by_role("heading", name="No meetings yet")).to_be_visible()
    page.get_by_role("link", name="New meeting").first.click()
    # Opened on the mission's first day at 09:00-10:00, already checked (issue 8, finding 9).
    expect(page.get_by_role("region", name="Clash check")).to_contain_text(
        "No clashes with the rest of the mission."
    )
    schedule(
        page,
        title=RIVIAN,
        kind="B2B meeting",
        day="2026-03-06",
        start="10:00",
        end="11:00",
        who=["Marco Bianchi"],
    )
    expect(page.get_by_role("region", name=DAYS[0])).to_contain_text(RIVIAN)
    expect(agenda_row(page, RIVIAN)).to_contain_text("10:00–11:00")

    page.get_by_role("link", name="New meeting on 9 March").click()
    expect(page.get_by_label("Starts: date", exact=True)).to_have_value("2026-03-09")
    expect(page.get_by_label("Start time", exact=True)).to_have_value("09:00")
    page.get_by_label("Title").fill(FORD)
    page.get_by_label("Kind").select_option(label="Site visit")
    page.get_by_label("Marco Bianchi").check()
    page.get_by_label("Laura Rossi").check()
    fill_times(page, "2026-03-09", "10:00", "11:30")
    expect(page.get_by_role("region", name="Clash check")).to_contain_text(
        "No clashes with the rest of the mission."
    )
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("alert")).to_contain_text(f"“{FORD}” scheduled.")

    page.get_by_role("link", name="New meeting").first.click()
    schedule(
        page,
        title=LUNCH,
        kind="Institutional meeting",
        day="2026-03-09",
        start="12:30",
        end="13:30",
        who=["Marco Bianchi", "Laura Rossi"],
    )
    monday = page.get_by_role("region", name=DAYS[3])
    expect(monday).to_contain_text("2 meetings")
    expect(agenda_row(page, FORD)).to_contain_text("10:00–11:30")
    expect(agenda_row(page, FORD)).to_contain_text(
        "15:00 Rome"
    )  # 14:00 UTC: Detroit on EDT, Rome still on CET
    expect(agenda_row(page, FORD)).to_contain_text("Site visit")
    expect(agenda_row(page, FORD)).to_contain_text("Delegation: Marco Bianchi, Laura Rossi")
    expect(agenda_row(page, RIVIAN)).to_contain_text(
        "16:00 Rome"
    )  # 15:00 UTC: the same 10:00, before the change
    expect(page.locator(".agenda-summary")).to_contain_text("3 meetings in all")
    expect(page.locator(".agenda-summary")).to_contain_text("No clashes")

    # A fourth meeting overlapping Rivian for Marco: the warning shows before saving.
    page.get_by_role("link", name="New meeting").first.click()
    page.get_by_label("Title").fill(GM)
    page.get_by_label("Marco Bianchi").check()
    fill_times(page, "2026-03-06", "10:30", "11:00")
    panel = page.get_by_role("region", name="Clash check")
    expect(panel).to_contain_text("1 clash warning")
    expect(panel).to_contain_text(f"Marco Bianchi is also in “{RIVIAN}” (10:00–11:00).")
    expect(panel).to_contain_text("You can still save: warnings never block, you decide.")
    assert page.url == f"{base}/missions/{MISSION_SLUG}/meetings/new/"
    assert not Meeting.objects.filter(title=GM).exists()
    screenshot(page, "04-clash-before-saving")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("alert")).to_contain_text(f"“{GM}” scheduled.")
    expect(page.locator(".agenda-summary")).to_contain_text("2 with clash warnings")
    expect(agenda_row(page, GM).get_by_role("list", name="Clash warnings")).to_have_text(
        f"⚠ Marco Bianchi is also in “{RIVIAN}” (10:00–11:00)."
    )
    expect(agenda_row(page, RIVIAN).get_by_role("list", name="Clash warnings")).to_have_text(
        f"⚠ Marco Bianchi is also in “{GM}” (10:30–11:00)."
    )
    screenshot(page, "05-agenda-with-clash")

    # Move it to Monday afternoon (after the clocks changed): the warning goes away.
    agenda_row(page, GM).get_by_role("link", name=GM).click()
    expect(page.get_by_role("heading", name=f"Edit “{GM}”")).to_be_visible()
    expect(page.get_by_label("Starts: date", exact=True)).to_have_value("2026-03-06")
    expect(page.get_by_label("Start time", exact=True)).to_have_value("10:30")
    panel = page.get_by_role("region", name="Clash check")
    expect(panel).to_contain_text(f"Marco Bianchi is also in “{RIVIAN}” (10:00–11:00).")
    fill_times(page, "2026-03-09", "15:00", "15:30")
    expect(panel).to_contain_text("No clashes with the rest of the mission.")
    expect(panel.get_by_role("listitem")).to_have_count(0)
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"“{GM}” saved. Attendees' calendars will update when you publish the changes."
    )
    expect(page.locator(".agenda-summary")).to_contain_text("No clashes")
    expect(page.get_by_role("list", name="Clash warnings")).to_have_count(0)
    expect(page.get_by_role("region", name=DAYS[0])).not_to_contain_text(GM)
    moved = (
        page.get_by_role("region", name=DAYS[3])
        .locator("li.meeting-row")
        .filter(has=page.get_by_role("heading", name=GM))
    )
    expect(moved).to_contain_text("15:00–15:30")
    expect(moved).to_contain_text("Changed")
    expect(moved).to_contain_text("Changed since first scheduled: calendars follow once published.")

    # Cancel the lunch; it stays on the agenda, marked cancelled.
    lunch = agenda_row(page, LUNCH)
    lunch.get_by_role("button", name="Actions").click()
    lunch.get_by_role("button", name="Cancel meeting").click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"“{LUNCH}” cancelled. It stays in attendees' calendars, marked as cancelled."
    )
    expect(agenda_row(page, LUNCH)).to_contain_text("Cancelled")
    expect(agenda_row(page, LUNCH)).not_to_contain_text("Confirmed")
    screenshot(page, "06-agenda-moved-and-cancelled")

    # The missions list sums it up.
    page.get_by_role("link", name="Missions", exact=True).first.click()
    card = page.locator("article.mission-card")
    expect(card).to_contain_text("6–10 Mar 2026")
    expect(card).to_contain_text("Detroit, Michigan, United States")
    expect(card.locator("dl")).to_contain_text("Delegates2")
    expect(card.locator("dl")).to_contain_text("Meetings3")
    expect(card.locator("dl")).to_contain_text("Cancelled1")
    expect(card).to_contain_text("No clashes, nothing tentative.")

    # The printable agenda: no navigation, a section (a page) per busy day, a line per empty one.
    card.get_by_role("link", name="Agenda").click()
    page.get_by_role("link", name="Printable version").click()
    expect(page.get_by_role("navigation")).to_have_count(0)
    expect(page.locator(".navbar")).to_have_count(0)
    expect(page.get_by_label("Language")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text([DAYS[0], DAYS[3]])
    expect(page.locator(".print-empty-day")).to_have_text(
        ["Sat 7 Mar: no meetings", "Sun 8 Mar: no meetings", "Tue 10 Mar: no meetings"]
    )
    expect(page.locator("section").nth(1).locator("tbody tr")).to_have_text(
        [
            re.compile(rf"^\s*10:00–11:30\s*15:00 Rome\s*{FORD}\s*Site visit\s*—"),
            re.compile(
                rf"^\s*12:30–13:30\s*17:30 Rome\s*{LUNCH}\s*Institutional meeting · Cancelled"
            ),
            re.compile(rf"^\s*15:00–15:30\s*20:00 Rome\s*{GM}\s*B2B meeting · changed"),
        ]
    )
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Back to the agenda")).to_be_hidden()
    breaks = page.locator("section, .print-empty-day").evaluate_all(
        "blocks => blocks.map(b => getComputedStyle(b).breakBefore)"
    )
    # Friday, then Saturday and Sunday's lines at the top of Monday's page; Tuesday's under it.
    assert breaks == ["auto", "page", "auto", "auto", "auto"]
    screenshot(page, "07-printable-agenda")
    page.emulate_media(media="screen")

    # Delegates see the published programme only: publish it (version 1) from the bar.
    page.goto(f"{base}/missions/{MISSION_SLUG}/agenda/")
    bar = page.locator("#programme-bar")
    expect(bar).to_contain_text("Not published yet")
    bar.get_by_role("link", name="Publish the programme").click()
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_role("alert")).to_contain_text("Version 1 published")

    # The feed Marco's phone subscribes to, fetched without any cookie.
    page.goto(f"{base}/missions/{MISSION_SLUG}/delegation/")
    marco_item = page.locator("li.roster-member").filter(has_text="Marco Bianchi")
    laura_item = page.locator("li.roster-member").filter(has_text="Laura Rossi")
    # Meetings they attend, the cancelled lunch left out.
    expect(marco_item.locator("[data-meeting-count]")).to_have_text("3")
    expect(laura_item.locator("[data-meeting-count]")).to_have_text("1")
    marco_item.get_by_text("Personal link and calendar feed").click()
    feed_url = marco_item.get_by_label("Calendar feed").input_value()
    assert feed_url.startswith(f"{base}/d/")
    calendar_app = playwright.request.new_context()
    try:
        response = calendar_app.get(feed_url)
        assert response.status == 200
        assert response.headers["content-type"] == "text/calendar; charset=utf-8"
        body = response.body()
    finally:
        calendar_app.dispose()
    calendar = icalendar.Calendar.from_ical(body)
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    assert sorted(events) == sorted([RIVIAN, FORD, LUNCH, GM])
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Detroit"]

    gm = events[GM]
    assert int(gm["SEQUENCE"]) >= 1
    assert gm["DTSTART"].params["TZID"] == "America/Detroit"
    assert gm["DTSTART"].dt == datetime(2026, 3, 9, 15, 0, tzinfo=DETROIT)
    assert gm["DTSTART"].dt.utcoffset() == timedelta(hours=-4)  # EDT, after the change
    assert gm["DTEND"].dt == datetime(2026, 3, 9, 15, 30, tzinfo=DETROIT)
    assert str(gm["STATUS"]) == "CONFIRMED"

    assert str(events[LUNCH]["STATUS"]) == "CANCELLED"
    assert int(events[LUNCH]["SEQUENCE"]) >= 1

    rivian = events[RIVIAN]
    assert int(rivian["SEQUENCE"]) == 0
    assert rivian["DTSTART"].params["TZID"] == "America/Detroit"
    assert rivian["DTSTART"].dt == datetime(2026, 3, 6, 10, 0, tzinfo=DETROIT)
    assert rivian["DTSTART"].dt.utcoffset() == timedelta(hours=-5)  # EST, before the change


# --- the same pages in Italian ---------------------------------------------------------------


def test_coordinator_switches_to_italian_and_plans_in_italian(live_server, page: Page, italian):
    coordinator = make_user("giulia", "Giulia", "Ferrero")
    plan_detroit_mission(coordinator)
    base = live_server.url
    log_in(page, base, "giulia")
    expect(page.get_by_role("heading", name="Missions", level=1)).to_be_visible()
    # The switcher submits through static/js/app.js, which runs once the page has loaded.
    page.wait_for_load_state("load")

    # The switcher in the navbar.
    page.get_by_label("Language", exact=True).select_option("it")
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.get_by_label(italian("Language"), exact=True)).to_have_value("it")

    # Missions list.
    expect(page.get_by_role("heading", name=italian("Missions"), level=1)).to_be_visible()
    expect(page.get_by_role("link", name=italian("New mission"))).to_be_visible()
    card = page.locator("article.mission-card")
    expect(card).to_contain_text(italian("Published"))
    expect(card.locator("dl")).to_contain_text(italian("Delegates") + "2")
    expect(card.locator("dl")).to_contain_text(italian("Meetings") + "3")
    expect(card.locator("dl")).to_contain_text(
        italian("Cancelled", context="count of meetings") + "1"
    )
    expect(card).to_contain_text(italian.plural("%(counter)s meeting with clash warnings", 2))
    screenshot(page, "it-01-missions")

    # Agenda: Italian labels, Italian dates, warnings in Italian.
    card.get_by_role("link", name=italian("Agenda")).click()
    expect(page.get_by_role("link", name=italian("Delegation"), exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=italian("Printable version"))).to_be_visible()
    filters = page.get_by_role("form", name=italian("Filter the agenda"))
    expect(filters.get_by_label(italian("Delegate"), exact=True)).to_contain_text(
        italian("Everyone")
    )
    expect(filters.get_by_label(italian("Kind"), exact=True)).to_contain_text(italian("All kinds"))
    expect(page.get_by_role("heading", level=2).filter(has_text="2026")).to_have_text(
        [
            "Venerdì 6 Marzo 2026",
            "Sabato 7 Marzo 2026",
            "Domenica 8 Marzo 2026",
            "Lunedì 9 Marzo 2026",
            "Martedì 10 Marzo 2026",
        ]
    )
    expect(page.locator(".agenda-summary")).to_contain_text(
        italian.plural("%(counter)s with clash warnings", 2)
    )
    overlap = italian.plural(
        "%(names)s is also in “%(other)s” (%(time)s).",
        1,
        names="Marco Bianchi",
        other=RIVIAN,
        time="10:00–11:00",
    )
    expect(
        agenda_row(page, GM).get_by_role("list", name=italian("Clash warnings"))
    ).to_contain_text(overlap)
    expect(agenda_row(page, RIVIAN)).to_contain_text(italian("B2B meeting"))
    expect(agenda_row(page, RIVIAN)).to_contain_text(italian("Confirmed"))
    expect(agenda_row(page, LUNCH)).to_contain_text(italian("Cancelled"))
    expect(agenda_row(page, FORD)).to_contain_text(italian("Site visit"))
    # Home time alongside, with the home city's Italian name; 10:00 in Detroit is 16:00 in
    # Rome before the US change and 15:00 after it.
    expect(agenda_row(page, RIVIAN)).to_contain_text(f"16:00 {italian('Rome')}")
    expect(agenda_row(page, FORD)).to_contain_text(f"15:00 {italian('Rome')}")
    screenshot(page, "it-02-agenda")

    # Meeting form: Italian labels and the clash check before saving, in Italian.
    page.get_by_role("link", name=italian("New meeting"), exact=True).first.click()
    expect(page.get_by_role("heading", name=italian("New meeting"), level=2)).to_be_visible()
    panel = page.get_by_role("region", name=italian("Clash check"))
    expect(panel).to_contain_text(italian("No clashes with the rest of the mission."))
    expect(page.get_by_role("group", name=italian("Delegation attendees"))).to_be_visible()
    page.get_by_label(italian("title").capitalize()).fill("Incontro con Stellantis")
    page.get_by_label("Marco Bianchi").check()
    date_word = italian("date")
    fill_times(
        page,
        "2026-03-09",
        "11:00",
        "12:00",
        labels=(
            f"{italian('Starts')}: {date_word}",
            italian("Start time"),
            f"{italian('Ends')}: {date_word}",
            italian("End time"),
        ),
    )
    expect(panel).to_contain_text(italian.plural("%(counter)s clash warning", 1))
    expect(panel).to_contain_text(
        italian.plural(
            "%(names)s is also in “%(other)s” (%(time)s).",
            1,
            names="Marco Bianchi",
            other=FORD,
            time="10:00–11:30",
        )
    )
    expect(page.get_by_role("button", name=italian("Save meeting"))).to_be_visible()
    screenshot(page, "it-03-meeting-form")

    # Roster.
    page.get_by_role("link", name=italian("Delegation"), exact=True).click()
    expect(
        page.get_by_role("heading", name=italian.plural("%(counter)s person in the delegation", 2))
    ).to_be_visible()
    expect(page.get_by_role("link", name=italian("Add a delegate"))).to_be_visible()
    marco_item = page.locator("li.roster-member").filter(has_text="Marco Bianchi")
    expect(marco_item).to_contain_text(italian("Head of delegation"))
    expect(marco_item).to_contain_text(italian("Personal link and calendar feed"))
    expect(page.locator("li.roster-member").filter(has_text="Laura Rossi")).to_contain_text(
        italian("Delegate")
    )
    screenshot(page, "it-04-roster")


# --- the delegate on a phone -----------------------------------------------------------------


@pytest.mark.browser_context_args(
    viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2
)
def test_delegate_page_fits_a_phone_screen_without_sideways_scrolling(live_server, page: Page):
    data = plan_detroit_mission(make_user("giulia", "Giulia", "Ferrero"))
    url = live_server.url + reverse("public:delegate_page", args=[data["marco"].token])
    for language in ("it", "en"):
        page.goto(f"{url}?lang={language}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Marco Bianchi")
        for title in (RIVIAN, FORD, LUNCH, GM):
            expect(page.get_by_text(title, exact=True).first).to_be_visible()
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert inner_width == 390  # the page's viewport meta is honoured, not a 980px desktop
        assert scroll_width <= inner_width
        screenshot(page, f"phone-delegate-{language}")


@pytest.mark.browser_context_args(
    viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2
)
def test_planner_pages_fit_a_phone_screen_without_sideways_scrolling(live_server, page: Page):
    plan_detroit_mission(make_user("giulia", "Giulia", "Ferrero"))
    log_in(page, live_server.url, "giulia")
    expect(page.get_by_role("heading", name="Missions", level=1)).to_be_visible()
    mission = f"/missions/{MISSION_SLUG}"
    pages = {
        "/": MISSION_TITLE,
        f"{mission}/delegation/": "Laura Rossi",
        f"{mission}/meetings/new/": "Marco Bianchi",
        f"{mission}/agenda/print/": LUNCH,
        f"{mission}/agenda/": GM,
    }
    for path, text in pages.items():
        page.goto(live_server.url + path)
        expect(page.get_by_text(text).first).to_be_visible()
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert inner_width == 390, path
        assert scroll_width <= inner_width, path
    screenshot(page, "phone-agenda")
