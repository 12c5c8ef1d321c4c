"""A coordinator records how a meeting went and what comes next, then works the board.
Screenshots: screenshots/outcome-form.png, follow-up-board.png, organisation-timeline.png."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Browser, expect

from outcomes.models import FollowUp, Outcome
from outcomes.services import follow_up_save, outcome_save
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


def test_record_an_outcome_and_a_follow_up_then_see_it_on_the_board(browser: Browser, live_server):
    mission = make_mission(title="VTM Michigan 2025", slug="vtm-michigan-2025")
    rivian = make_organisation(name="Rivian")
    carlo = make_person(
        first_name="Carlo", last_name="Materazzo", position="VP Manufacturing", organisation=rivian
    )
    regione = make_organisation(name="Regione Piemonte")
    stefano = make_member(
        mission, make_person(first_name="Stefano", last_name="Geuna", organisation=regione)
    )
    andrea = make_member(mission, make_person(first_name="Andrea", last_name="Tronzano"))
    meeting = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 15, 30),
        local(mission, 2025, 4, 22, 16, 30),
        title="Meeting with Rivian",
        attendees=[stefano, andrea],
        partner_organisations=[rivian],
        partner_contacts=[carlo],
    )
    gm = make_meeting(
        mission,
        local(mission, 2025, 4, 23, 10),
        local(mission, 2025, 4, 23, 12),
        title="GM at Warren",
        attendees=[stefano],
        partner_organisations=[make_organisation(name="General Motors")],
    )
    anna = get_user_model().objects.create_user(
        "anna", password=PASSWORD, first_name="Anna", last_name="Ferrero"
    )
    mission.coordinators.add(anna)
    outcome_save(meeting=gm, held="held", interest="medium", summary="Plant tour.")
    follow_up_save(
        follow_up=FollowUp(mission=mission),
        action="Thank GM for the plant tour",
        meeting=gm,
        owner_member=stefano,
        due_date=date(2099, 5, 2),
    )

    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + reverse("meetings:agenda", args=[mission.slug]))

    row = page.locator(f"#meeting-{meeting.pk}")
    row.get_by_role("button", name="Actions").click()
    row.get_by_role("link", name="Record outcome").click()
    expect(page.get_by_role("heading", name="Outcome of “Meeting with Rivian”")).to_be_visible()

    page.get_by_label("Held", exact=True).check()
    page.get_by_label("High").check()
    page.get_by_label("Summary").fill(
        "Rivian is interested in meeting the Piemonte supply chain in Turin."
    )
    page.get_by_label("Agreed next steps").fill("Propose dates for a visit during VTM Torino 2026.")
    page.get_by_label("Notable").check()
    page.get_by_role("button", name="Save outcome").click()
    expect(page.get_by_text("Outcome of “Meeting with Rivian” saved.")).to_be_visible()

    form = page.locator("details.add-follow-up")
    form.get_by_label("What").fill("Send Rivian the list of Piemonte suppliers")
    form.get_by_label("Owner").select_option(label="Anna Ferrero")
    form.get_by_label("Due date").fill("2025-05-15")
    form.get_by_role("button", name="Add follow-up").click()
    expect(
        page.get_by_text("Follow-up “Send Rivian the list of Piemonte suppliers” added.")
    ).to_be_visible()
    follow_ups = page.locator(".follow-up-list")
    expect(follow_ups).to_contain_text("Send Rivian the list of Piemonte suppliers")
    expect(follow_ups).to_contain_text("Overdue")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "outcome-form.png", full_page=True)

    stored = Outcome.objects.get(meeting=meeting)
    assert (stored.held, stored.interest, stored.notable, stored.recorded_by) == (
        "held",
        "high",
        True,
        anna,
    )

    # The agenda's badge, then the board: overdue first and highlighted.
    page.goto(live_server.url + reverse("meetings:agenda", args=[mission.slug]))
    expect(page.locator(f"#meeting-{meeting.pk}")).to_contain_text("Held · interest high")
    page.get_by_role("link", name="Follow-ups", exact=True).click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Send Rivian the list of Piemonte suppliers")
    expect(rows.nth(0)).to_have_class("follow-up-row follow-up-overdue")
    expect(rows.nth(1)).to_contain_text("Thank GM for the plant tour")
    expect(rows.nth(1)).to_contain_text("Stefano Geuna")
    page.screenshot(path=SCREENSHOTS / "follow-up-board.png", full_page=True)

    # Her start page lists it, overdue.
    page.get_by_role("link", name="Missions", exact=True).click()
    card = page.locator(".your-follow-ups")
    expect(card).to_contain_text("Your open follow-ups (1)")
    expect(card).to_contain_text("Overdue Send Rivian the list of Piemonte suppliers")
    page.screenshot(path=SCREENSHOTS / "start-page-follow-ups.png")
    card.get_by_role("link", name="All on the board").click()

    # Filter "me" (the card's link did), then mark it done.
    expect(page.get_by_label("Owner")).to_have_value("me")
    expect(rows).to_have_count(1)
    rows.nth(0).get_by_role("button", name="Done").click()
    expect(page.get_by_text("marked as done.")).to_be_visible()
    assert FollowUp.objects.get(owner_user=anna).status == "done"

    # Rivian's timeline: the meeting, its outcome and the follow-up.
    page.goto(live_server.url + reverse("outcomes:organisation_timeline", args=[rivian.pk]))
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Meeting with Rivian")
    expect(timeline).to_contain_text("Rivian is interested in meeting the Piemonte supply chain")
    expect(timeline).to_contain_text("Send Rivian the list of Piemonte suppliers")
    page.screenshot(path=SCREENSHOTS / "organisation-timeline.png", full_page=True)
