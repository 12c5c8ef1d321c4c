"""The timetable in Chromium: drag a meeting to another day and time (mouse and touch), drag
its lower edge, move one with the keyboard, click a free slot to create one there, and see
the refusal when somebody else moved it first. Each move is checked in the database and in
the mission's calendar feed; no CSP violation, no console error. Screenshots (desktop and
tablet width): screenshots/timetable-*.png.
"""

import contextlib
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from meetings.models import Meeting
from meetings.services import meeting_save
from missions.models import Mission
from releases.services import NothingToPublish
from tests.browser.test_csp import Watch
from tests.builders import (
    local,
    make_meeting,
    make_member,
    make_mission,
    make_person,
    make_venue,
    publish,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Langhe-Roero-2026"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
DESKTOP = {"width": 1366, "height": 1024}
TABLET = {"width": 820, "height": 1180}


@pytest.fixture
def mission() -> Mission:
    mission = make_mission(
        title="VTM Michigan 2025",
        slug="vtm-michigan-2025",
        start_date=date(2025, 4, 22),
        end_date=date(2025, 4, 24),
    )
    people = [
        make_person(first_name=first, last_name=last)
        for first, last in (
            ("Andrea", "Tronzano"),
            ("Michela", "Favaro"),
            ("Stefano", "Geuna"),
            ("Paola", "Bianchi"),
        )
    ]
    members = [make_member(mission, person) for person in people]
    hall = make_venue(mission, name="Suburban Collection Showplace")
    consulate = make_venue(mission, name="Consulate General of Italy")
    rivian = make_venue(mission, name="Rivian, Plymouth")
    day = [(2025, 4, 22), (2025, 4, 23), (2025, 4, 24)]
    for d, start, end, title, kind, venue, who, status in (
        (
            0,
            (8, 30),
            (9, 30),
            "Consul General briefing",
            "briefing",
            consulate,
            members,
            "confirmed",
        ),
        (0, (10, 0), (12, 0), "VTM opening and B2B", "b2b", hall, members[:2], "confirmed"),
        (0, (14, 0), (15, 0), "Meeting with Rivian", "b2b", rivian, members[1:3], "confirmed"),
        (0, (14, 30), (15, 30), "Meeting with Ford", "b2b", hall, members[2:], "tentative"),
        (0, (19, 0), (22, 0), "Institutional dinner", "dinner", None, members, "confirmed"),
        (
            1,
            (9, 0),
            (10, 30),
            "Piemonte Automotive Ecosystem",
            "presentation",
            hall,
            members,
            "confirmed",
        ),
        (
            1,
            (13, 0),
            (16, 0),
            "GM Tech Center, Warren",
            "site_visit",
            None,
            members[:3],
            "confirmed",
        ),
        (1, (17, 0), (18, 0), "Toyota", "b2b", hall, members[3:], "cancelled"),
        (2, (9, 30), (10, 30), "Stellantis", "b2b", hall, members[:2], "tentative"),
        (2, (11, 0), (12, 30), "Lear Corporation", "b2b", hall, members[2:], "confirmed"),
    ):
        make_meeting(
            mission,
            local(mission, *day[d], *start),
            local(mission, *day[d], *end),
            title=title,
            kind=kind,
            venue=venue,
            attendees=who,
            status=status,
        )
    users = get_user_model().objects
    user = users.create_user("anna", password=PASSWORD, first_name="Anna", last_name="Ferrero")
    mission.coordinators.add(user)
    return mission


def signed_in(browser: Browser, base: str, viewport: dict, **options) -> tuple[Page, Watch]:
    page = browser.new_context(viewport=viewport, **options).new_page()
    page.set_default_timeout(10_000)
    watch = Watch(page)
    page.goto(f"{base}/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Missions", level=1)).to_be_visible()
    return page, watch


def open_timetable(page: Page, base: str, mission: Mission) -> None:
    page.goto(base + reverse("meetings:timetable", args=[mission.slug]))
    expect(page.locator("#timetable.tt-ready")).to_be_attached()


def block(page: Page, title: str):
    return page.locator(".tt-block", has=page.get_by_role("link", name=title, exact=True))


def slot_point(page: Page, day: str, minute: int) -> tuple[float, float]:
    """Where on screen a day's column shows a wall-clock minute (the top of that line)."""
    return page.evaluate(
        """([day, minute]) => {
          const column = document.querySelector(`.tt-day[data-day="${day}"]`);
          const grid = document.querySelector(".tt");
          const slot = column.querySelector(".tt-slot");
          const perMin = slot.getBoundingClientRect().height / 30;
          const box = column.getBoundingClientRect();
          const first = parseInt(grid.dataset.firstMin, 10);
          return [box.left + box.width / 2, box.top + (minute - first) * perMin];
        }""",
        [day, minute],
    )


def drag(page: Page, source, to: tuple[float, float], grab_dy: float = 6) -> None:
    """Grab `source` grab_dy pixels below its top and drop it so that its top lands on `to`."""
    source.scroll_into_view_if_needed()
    box = source.bounding_box()
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + grab_dy
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 3, y0 + 8, steps=3)
    page.mouse.move(to[0], to[1] + grab_dy, steps=12)
    page.mouse.up()


def feed_text(page: Page, base: str, mission: Mission) -> str:
    """The programme feed once what is pending is published (delegates see versions only)."""
    mission.refresh_from_db()
    with contextlib.suppress(NothingToPublish):
        publish(mission)
    url = base + reverse("public:mission_feed", args=[mission.feed_token])
    return page.request.get(url).text().replace("\r\n ", "")


def test_a_coordinator_plans_on_the_timetable(browser: Browser, live_server, mission):
    base = live_server.url
    page, watch = signed_in(browser, base, DESKTOP)
    page.goto(base + reverse("meetings:agenda", args=[mission.slug]))
    page.get_by_role("link", name="Timetable").click()
    expect(page.locator("#timetable.tt-ready")).to_be_attached()
    expect(page.locator(".tt-day")).to_have_count(3)
    expect(block(page, "Meeting with Rivian")).to_contain_text("14:00–15:00")
    expect(block(page, "Meeting with Rivian")).to_contain_text("20:00 Rome")
    # The clash of Rivian and Ford (Stefano Geuna in both) is on both blocks.
    expect(block(page, "Meeting with Rivian").locator(".tt-warnings")).to_contain_text(
        "Stefano Geuna is also in “Meeting with Ford”"
    )
    expect(block(page, "Toyota")).to_have_class(re.compile(r"\btt-cancelled\b"))
    # Blocks are placed on their lines: Rivian's top is on the 14:00 line of Tuesday.
    x, y = slot_point(page, "2025-04-22", 14 * 60)
    top = block(page, "Meeting with Rivian").bounding_box()["y"]
    assert abs(top - y) < 2
    watch.assert_clean("timetable")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "timetable-desktop.png", full_page=True)

    # Drag Rivian from Tuesday 14:00 to Wednesday 10:30.
    rivian = Meeting.objects.get(title="Meeting with Rivian")
    drag(page, block(page, "Meeting with Rivian"), slot_point(page, "2025-04-23", 10 * 60 + 30))
    status = page.locator("#tt-status")
    expect(status).to_have_text(
        "“Meeting with Rivian” moved to Wed 23 Apr 10:30–11:30."
        " Attendees' calendars will update when you publish the changes."
    )
    rivian.refresh_from_db()
    assert (rivian.start, rivian.end, rivian.sequence) == (
        local(mission, 2025, 4, 23, 10, 30),
        local(mission, 2025, 4, 23, 11, 30),
        1,
    )
    assert "DTSTART;TZID=America/Detroit:20250423T103000" in feed_text(page, base, mission)
    moved = block(page, "Meeting with Rivian")
    expect(moved).to_have_attribute("data-start-min", "630")
    assert (
        page.locator('.tt-day[data-day="2025-04-23"]').locator(f"#tt-meeting-{rivian.pk}").count()
        == 1
    )
    # The clash with Ford is gone from both blocks.
    expect(block(page, "Meeting with Ford").locator(".tt-warnings")).to_have_count(0)

    # Drag the lower edge of the dinner down by one hour: 19:00-23:00.
    dinner = block(page, "Institutional dinner")
    page.evaluate(
        "const box = document.querySelector('.tt-scroll');"
        "box.scrollIntoView({block: 'end', behavior: 'instant'});"
    )
    handle = dinner.locator(".tt-resize").bounding_box()
    hx, hy = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    _, one_hour_lower = slot_point(page, "2025-04-22", 23 * 60)
    page.mouse.move(hx, hy)
    page.mouse.down()
    page.mouse.move(hx, hy + 6, steps=2)
    page.mouse.move(hx, one_hour_lower - 1, steps=8)
    page.mouse.up()
    expect(status).to_contain_text("“Institutional dinner” moved to Tue 22 Apr 19:00–23:00.")
    assert Meeting.objects.get(title="Institutional dinner").end == local(mission, 2025, 4, 22, 23)

    # The keyboard: Stellantis (Thu 09:30-10:30) up by 30 minutes, a day back, 15 minutes
    # longer, then Enter.
    stellantis = block(page, "Stellantis")
    stellantis.focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Shift+ArrowDown")
    expect(status).to_have_text(
        "“Stellantis”: Wed 23 Apr 09:00–10:15. Enter to save, Escape to cancel."
    )
    assert Meeting.objects.get(title="Stellantis").start == local(mission, 2025, 4, 24, 9, 30)
    page.keyboard.press("Enter")
    expect(status).to_have_text(
        "“Stellantis” moved to Wed 23 Apr 09:00–10:15."
        " Attendees' calendars will update when you publish the changes."
    )
    stored = Meeting.objects.get(title="Stellantis")
    assert (stored.start, stored.end) == (
        local(mission, 2025, 4, 23, 9),
        local(mission, 2025, 4, 23, 10, 15),
    )
    # Focus stays on the moved block; Escape puts a keyboard move back unsaved.
    expect(block(page, "Stellantis")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(status).to_have_text("Move of “Stellantis” cancelled.")
    expect(block(page, "Stellantis")).to_have_attribute("data-start-min", "540")
    assert Meeting.objects.get(title="Stellantis").version == stored.version
    watch.assert_clean("after moves")

    # Somebody else moves Lear meanwhile: this page's drop is refused and redrawn.
    lear = Meeting.objects.get(title="Lear Corporation")
    lear.start, lear.end = local(mission, 2025, 4, 24, 15), local(mission, 2025, 4, 24, 16)
    meeting_save(meeting=lear)
    drag(page, block(page, "Lear Corporation"), slot_point(page, "2025-04-24", 8 * 60))
    note = page.locator(".tt-note")
    expect(note).to_contain_text("after this page was loaded")
    expect(status).to_contain_text("Somebody changed “Lear Corporation” at ")
    expect(status).to_contain_text("the timetable now shows it as saved")
    expect(block(page, "Lear Corporation")).to_have_attribute("data-start-min", "900")
    lear.refresh_from_db()
    assert lear.start == local(mission, 2025, 4, 24, 15)
    # Chromium reports the refused request (409) in the console; nothing else.
    assert [line for line in watch.console if "status of 409" not in line] == []
    assert watch.violations() == []
    watch.console.clear()

    # A free slot: Thursday 16:30 opens the new-meeting form there.
    page.locator('.tt-day[data-day="2025-04-24"] a.tt-slot[href*="time=16:30&"]').click()
    expect(page.get_by_label("Title")).to_be_visible()
    expect(page.get_by_label("Starts: date")).to_have_value("2025-04-24")
    expect(page.get_by_label("Start time", exact=True)).to_have_value("16:30")
    expect(page.get_by_label("End time", exact=True)).to_have_value("17:30")
    page.get_by_label("Title").fill("Magna International")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_text("“Magna International” scheduled.")).to_be_visible()
    # Back on the timetable, the new meeting's block in view.
    expect(page.locator("#timetable.tt-ready")).to_be_attached()
    expect(block(page, "Magna International")).to_be_visible()
    assert Meeting.objects.get(title="Magna International").start == local(
        mission, 2025, 4, 24, 16, 30
    )
    watch.assert_clean("new meeting from a slot")


def test_on_a_tablet_a_finger_drags_a_meeting(browser: Browser, live_server, mission):
    base = live_server.url
    page, watch = signed_in(browser, base, TABLET, has_touch=True, is_mobile=True)
    open_timetable(page, base, mission)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "timetable-tablet.png", full_page=False)
    target = block(page, "Lear Corporation")
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + 6
    x1, y1 = slot_point(page, "2025-04-24", 14 * 60)
    cdp = page.context.new_cdp_session(page)

    def touch(kind, x, y):
        points = [] if kind == "touchEnd" else [{"x": x, "y": y, "id": 1}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", x0, y0)
    for step in range(1, 11):
        touch("touchMove", x0 + (x1 - x0) * step / 10, y0 + (y1 + 6 - y0) * step / 10)
    touch("touchEnd", x1, y1 + 6)
    expect(page.locator("#tt-status")).to_contain_text(
        "“Lear Corporation” moved to Thu 24 Apr 14:00–15:30."
    )
    assert Meeting.objects.get(title="Lear Corporation").start == local(mission, 2025, 4, 24, 14)
    watch.assert_clean("tablet")


def test_a_skipped_hour_is_refused_next_to_the_block(browser: Browser, live_server):
    # Detroit springs forward on Sunday 9 March 2025: 02:00-03:00 does not exist.
    mission = make_mission(
        title="Detroit in March", start_date=date(2025, 3, 8), end_date=date(2025, 3, 10)
    )
    make_meeting(
        mission, local(mission, 2025, 3, 8, 10), local(mission, 2025, 3, 8, 11), title="Early"
    )
    users = get_user_model().objects
    mission.coordinators.add(users.create_user("anna", password=PASSWORD))
    base = live_server.url
    page, watch = signed_in(browser, base, DESKTOP)
    open_timetable(page, base, mission)
    early = block(page, "Early")
    # 10:00 on Saturday, moved to Sunday by keyboard, then up to 02:00 (the skipped hour).
    early.focus()
    page.keyboard.press("ArrowRight")
    for _ in range(8 * 4):
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    note = page.locator(".tt-note")
    expect(note).to_contain_text("does not exist in America/Detroit: the clocks go forward then")
    expect(page.locator("#tt-status")).to_contain_text("does not exist")
    expect(block(page, "Early")).to_have_attribute("data-start-min", "600")
    assert Meeting.objects.get(title="Early").start == local(mission, 2025, 3, 8, 10)
    assert [line for line in watch.console if "status of 400" not in line] == []
    assert watch.violations() == []


def test_a_meeting_past_midnight_keeps_its_length_when_moved(browser: Browser, live_server):
    mission = make_mission(title="Late", start_date=date(2025, 4, 22), end_date=date(2025, 4, 24))
    make_meeting(
        mission, local(mission, 2025, 4, 22, 22, 30), local(mission, 2025, 4, 23, 1), title="Gala"
    )
    users = get_user_model().objects
    mission.coordinators.add(users.create_user("anna", password=PASSWORD))
    base = live_server.url
    page, watch = signed_in(browser, base, DESKTOP)
    open_timetable(page, base, mission)
    gala = block(page, "Gala")
    expect(gala).to_contain_text("→ Wed")
    gala.focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#tt-status")).to_have_text(
        "“Gala”: Tue 22 Apr 22:45–01:15 (+1). Enter to save, Escape to cancel."
    )
    page.keyboard.press("Enter")
    expect(page.locator("#tt-status")).to_contain_text("“Gala” moved to Tue 22 Apr 22:45–01:15")
    stored = Meeting.objects.get(title="Gala")
    assert (stored.start, stored.end) == (
        local(mission, 2025, 4, 22, 22, 45),
        local(mission, 2025, 4, 23, 1, 15),
    )
    watch.assert_clean("past midnight")
    # Enter on a block with nothing to save opens the meeting.
    block(page, "Gala").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Title")).to_have_value("Gala")
