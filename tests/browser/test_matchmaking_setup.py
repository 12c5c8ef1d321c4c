"""A coordinator sets up a B2B session in the browser: creates it, adds a day with a lunch
break and ten tables, two delegation members and two visitors, enters a request and accepts
it. Screenshots: screenshots/matchmaking-*.png (docs/matchmaking.md shows a few)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Browser, expect

from matchmaking.models import MeetingRequest, Participant, Session, Table
from tests.builders import make_member, make_organisation, make_person
from tests.matchmaking.setup_builders import torino

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Langhe-Roero-2026"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


def test_set_up_a_session_and_collect_a_request(browser: Browser, live_server):
    mission = torino(slug="vtm-torino-2026")
    comau = make_organisation(name="Comau", sector="Robotics")
    pininfarina = make_organisation(name="Pininfarina", sector="Design")
    make_member(mission, make_person(first_name="Anna", last_name="Rossi", organisation=comau))
    make_member(
        mission, make_person(first_name="Luca", last_name="Verdi", organisation=pininfarina)
    )
    stellantis = make_organisation(name="Stellantis", sector="OEM", country="France")
    make_person(first_name="Marie", last_name="Durand", organisation=stellantis)
    user = get_user_model().objects.create_user(
        "giulia", password=PASSWORD, first_name="Giulia", last_name="Ferrero"
    )
    mission.coordinators.add(user)
    SCREENSHOTS.mkdir(exist_ok=True)

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("giulia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + reverse("meetings:agenda", args=[mission.slug]))

    # The B2B tab: no session yet, so the form to create one.
    page.get_by_role("link", name="B2B", exact=True).click()
    expect(page.get_by_text("No matchmaking session yet")).to_be_visible()
    page.get_by_label("Title").fill("VTM B2B meetings")
    page.get_by_label("Slot length (minutes)").fill("20")
    page.get_by_label("Meetings per participant at most").fill("10")
    page.get_by_role("button", name="Create session").click()
    expect(page.get_by_text("Session “VTM B2B meetings” created")).to_be_visible()
    session = Session.objects.get()

    # A day with a lunch break.
    page.get_by_role("link", name="Add a day").click()
    page.get_by_label("Day").fill("2026-03-24")
    page.get_by_label("First slot starts").fill("09:00")
    page.get_by_label("Last slot ends by").fill("17:00")
    page.locator("#id_break1_start").fill("12:40")
    page.locator("#id_break1_end").fill("14:00")
    page.locator("#id_break1_label").fill("Lunch")
    page.get_by_role("button", name="Add day").click()
    expect(page.locator(".slots-summary")).to_contain_text("1 day, 20 slots of 20 minutes")
    expect(page.get_by_text("Lunch 12:40–14:00")).to_be_visible()

    # A break outside the day: the message next to it, nothing saved.
    page.get_by_role("link", name="Add a day").click()
    page.get_by_label("Day").fill("2026-03-25")
    page.get_by_label("First slot starts").fill("09:00")
    page.get_by_label("Last slot ends by").fill("12:00")
    page.locator("#id_break1_start").fill("12:30")
    page.locator("#id_break1_end").fill("13:30")
    page.get_by_role("button", name="Add day").click()
    expect(page.get_by_text("A break must lie within the day (09:00-12:00).")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "matchmaking-day-error.png", full_page=True)
    assert session.days.count() == 1
    page.get_by_role("link", name="Cancel").click()

    # Ten tables.
    page.locator("#id_count").fill("10")
    page.get_by_role("button", name="tables", exact=True).click()
    expect(page.get_by_text("10 tables added.")).to_be_visible()
    assert Table.objects.filter(session=session).count() == 10
    page.screenshot(path=SCREENSHOTS / "matchmaking-setup.png", full_page=True)

    # Two delegation members.
    page.get_by_role("link", name="Participants", exact=True).first.click()
    page.get_by_role("link", name="Add delegation members").click()
    page.get_by_label("Anna Rossi (Comau)").check()
    page.get_by_label("Luca Verdi (Pininfarina)").check()
    page.get_by_role("button", name="Add to the session").click()
    expect(page.get_by_text("2 delegation members added.")).to_be_visible()

    # A visitor from the directory, then a new person with a new organisation.
    page.get_by_role("link", name="Add a visitor").click()
    page.get_by_label("Search the directory").fill("Durand")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Marie Durand · Stellantis (OEM)").check()
    page.screenshot(path=SCREENSHOTS / "matchmaking-visitor.png", full_page=True)
    page.get_by_label("Looks for").fill("Tier-2 suppliers of castings")
    page.get_by_role("button", name="Add visitor").click()
    expect(page.get_by_text("Marie Durand joins the session as a visitor.")).to_be_visible()
    page.get_by_role("link", name="Add a visitor").click()
    page.get_by_label("First name").fill("Kenji")
    page.get_by_label("Last name").fill("Sato")
    page.get_by_label("Organisation").fill("Denso Europe")
    page.get_by_label("Sector").fill("Electronics")
    page.get_by_label("Country").fill("Japan")
    page.get_by_label("Offers").fill("Thermal systems for EV platforms")
    page.get_by_role("button", name="Add visitor").click()
    expect(page.get_by_text("Kenji Sato joins the session as a visitor.")).to_be_visible()
    assert Participant.objects.filter(session=session).count() == 4
    page.screenshot(path=SCREENSHOTS / "matchmaking-participants.png", full_page=True)

    # A request on Anna's behalf, refused first (oneself), then entered and accepted.
    page.get_by_role("link", name="Requests", exact=True).first.click()
    page.get_by_label("From", exact=True).select_option(label="Anna Rossi (Comau)")
    page.get_by_label("To", exact=True).select_option(label="Anna Rossi (Comau)")
    page.get_by_role("button", name="Add request").click()
    expect(page.get_by_text("A participant cannot ask to meet themselves.")).to_be_visible()
    page.get_by_label("To", exact=True).select_option(label="Marie Durand (Stellantis)")
    page.locator("#id_priority").select_option(label="Must meet")
    page.get_by_role("button", name="Add request").click()
    expect(page.get_by_text("Anna Rossi asked to meet Marie Durand.")).to_be_visible()
    expect(page.locator("#count-pending")).to_have_text("1")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Marie Durand accepts to meet Anna Rossi.")).to_be_visible()
    expect(page.locator("#count-accepted")).to_have_text("1")
    request = MeetingRequest.objects.get()
    assert (request.status, request.priority, request.decided_by) == (
        "accepted",
        "must",
        "coordinator",
    )
    page.screenshot(path=SCREENSHOTS / "matchmaking-requests.png", full_page=True)

    # The participant list on a phone.
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, storage_state=page.context.storage_state()
    ).new_page()
    phone.goto(
        live_server.url + reverse("matchmaking:participants", args=[mission.slug, session.pk])
    )
    expect(phone.get_by_text("4 participants")).to_be_visible()
    phone.screenshot(path=SCREENSHOTS / "matchmaking-participants-phone.png", full_page=True)
    anna = Participant.objects.get(person__last_name="Rossi")
    page.goto(
        live_server.url
        + reverse("matchmaking:participant_edit", args=[mission.slug, session.pk, anna.pk])
    )
    page.screenshot(path=SCREENSHOTS / "matchmaking-participant.png", full_page=True)

    # An import with a bad row: its number and column, nothing imported.
    page.goto(
        live_server.url + reverse("transfer:import_participants", args=[mission.slug, session.pk])
    )
    page.locator("#import-file").set_input_files(
        {
            "name": "participants.csv",
            "mimeType": "text/csv",
            "buffer": (
                b"First name;Last name;E-mail;Organisation;Sector;Country;Side;Offers;Looks for\n"
                b"Hans;Becker;hans@example.de;Bosch;Components;Germany;Visiting company;;Castings\n"
                b"Eva;Klein;not-an-email;;;;Visiting company;;\n"
            ),
        }
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("“not-an-email” is not an e-mail address.")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "matchmaking-import-errors.png", full_page=True)
    assert Participant.objects.filter(session=session).count() == 4
