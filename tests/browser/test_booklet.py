"""The booklet from the coordinator's browser: the agenda's "Booklet (PDF)" menu and the
roster's per-delegate item give real PDFs, read back with pdftotext."""

import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Browser, expect

from missions.models import Mission
from tests.browser.test_print import PASSWORD, signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


def test_agenda_and_roster_links_give_the_booklets(browser: Browser, live_server):
    call_command("load_demo", verbosity=0)
    demo = Mission.objects.get(slug="vtm-michigan-2025")
    demo.coordinators.add(get_user_model().objects.create_user("anna", password=PASSWORD))
    page, watch = signed_in(browser, live_server.url, {"width": 1280, "height": 900})

    page.goto(live_server.url + reverse("meetings:agenda", args=[demo.slug]))
    page.locator(".booklet-link .dropdown-toggle").click()
    italian = page.get_by_role("link", name="Italiano")
    expect(italian).to_be_visible()
    response = page.request.get(live_server.url + italian.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    text = text_of(response.body())
    assert "martedì 22 aprile 2025" in text.lower()
    assert "Briefing with the Consul General of Italy in Detroit" in text

    page.goto(live_server.url + reverse("delegations:roster", args=[demo.slug]))
    tronzano = page.locator(".roster-member", has_text="Andrea Tronzano")
    tronzano.locator(".dropdown-toggle").click()
    link = tronzano.get_by_role("link", name="Their booklet (PDF)")
    expect(link).to_be_visible()
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert "tronzano" in response.headers["content-disposition"]
    text = text_of(response.body())
    assert "Andrea Tronzano" in text and "capo delegazione" in text
    watch.assert_clean("agenda and roster with the booklet links")
