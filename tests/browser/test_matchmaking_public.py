"""A visiting company's contact at VTM Torino 2026, on a phone (390 px wide), at their secret
B2B link: asks a Piemonte supplier to meet, then accepts a request they received.
Screenshots: screenshots/matchmaking-participant-phone.png, -desktop.png (copied, small, to
docs/screenshots/ by hand after looking at them)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse
from playwright.sync_api import Browser, expect

from matchmaking import services
from matchmaking.models import MeetingRequest, Participant, Session
from tests.browser.test_csp import Watch

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


def _strangers(session: Session, visitor: Participant) -> list[Participant]:
    """Suppliers with no request either way with the visitor."""
    linked = MeetingRequest.objects.filter(Q(requester=visitor) | Q(requested=visitor))
    known = {r.requester_id for r in linked} | {r.requested_id for r in linked}
    return list(
        session.participants.filter(side="delegation")
        .exclude(pk__in=known)
        .select_related("person__organisation")
        .order_by("person__organisation__name")
    )


def test_visitor_asks_to_meet_and_accepts_a_request_on_a_phone(browser: Browser, live_server):
    call_command("load_demo", verbosity=0)
    session = Session.objects.get(mission__slug="vtm-torino-2026")
    visitor = session.participants.get(person__last_name="Materazzo")
    strangers = _strangers(session, visitor)
    wanted, asking = strangers[0], strangers[1]
    # A supplier asks Carlo Materazzo: his answer is what this test gives.
    received = services.request_create(requester=asking, requested=visitor, priority="must")

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = Watch(page)
    page.goto(live_server.url + reverse("matchmaking_public:page", args=[visitor.token]))
    expect(page.get_by_role("heading", name="Carlo Materazzo")).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "matchmaking-participant-phone.png")

    # Ask to meet a supplier found with the search box.
    organisation = wanted.person.organisation.name
    page.get_by_label("Search by name, company, sector, country, offers or needs").fill(
        organisation
    )
    page.get_by_role("button", name="Search").click()
    entry = page.locator(f"#participant-{wanted.pk}")
    entry.get_by_text("Ask to meet").click()
    entry.get_by_label("Must meet").check()
    entry.get_by_label("Message (optional)").fill("We are looking at a European footprint.")
    entry.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "matchmaking-participant-phone-ask.png")
    entry.get_by_role("button", name="Send the request").click()
    entry = page.locator(f"#participant-{wanted.pk}")
    expect(entry).to_contain_text(f"Request sent to {wanted.person.full_name}.")
    expect(entry).to_contain_text("You asked: Waiting for an answer")
    made = MeetingRequest.objects.get(requester=visitor, requested=wanted)
    assert (made.priority, made.message) == ("must", "We are looking at a European footprint.")
    page.screenshot(path=SCREENSHOTS / "matchmaking-participant-phone-asked.png")

    # Accept the request received.
    card = page.locator(f"#request-{received.pk}")
    card.scroll_into_view_if_needed()
    expect(card).to_contain_text(asking.person.full_name)
    card.get_by_role("button", name="Accept").click()
    card = page.locator(f"#request-{received.pk}")
    expect(card).to_contain_text(f"You accepted to meet {asking.person.full_name}.")
    expect(card).to_contain_text("Accepted")
    received.refresh_from_db()
    assert received.status == MeetingRequest.Status.ACCEPTED
    watch.assert_clean("b2b participant page")
    context.close()

    # The same page on a computer, and a supplier's page.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + reverse("matchmaking_public:page", args=[visitor.token]))
    page.screenshot(path=SCREENSHOTS / "matchmaking-participant-desktop.png")
    supplier = session.participants.filter(side="delegation").order_by("pk").first()
    page.goto(live_server.url + reverse("matchmaking_public:page", args=[supplier.token]))
    # In the supplier's language (Italian): the directory of the visiting companies.
    expect(page.locator("#directory-title")).to_contain_text("20")
    page.screenshot(path=SCREENSHOTS / "matchmaking-participant-supplier.png", full_page=True)
    context.close()
