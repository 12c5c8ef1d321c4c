"""A coordinator moves a meeting, sees on the publish page who will get which e-mail,
publishes, and exactly those delegates get it. Screenshots: screenshots/publish-preview.png,
screenshots/versions-after-publish.png."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Browser, expect

from releases.models import DigestDelivery, ProgrammeVersion
from tests.releases.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Langhe-Roero-2026"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


def test_edit_preview_the_digests_publish_and_they_are_sent(browser: Browser, live_server):
    world = build_world()
    user = get_user_model().objects.get(pk=world.coordinator.pk)
    user.set_password(PASSWORD)
    user.save()
    mail.outbox.clear()

    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # The Rivian visit (Andrea and Laura) moves two hours later.
    page.goto(live_server.url + reverse("meetings:edit", args=[world.mission.slug, world.visit.pk]))
    page.get_by_label("Start time", exact=True).fill("16:00")
    page.get_by_label("End time", exact=True).fill("17:00")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_text("“Rivian visit” saved.")).to_be_visible()
    assert mail.outbox == []  # saved, not published: nobody is told yet

    page.locator("#programme-bar").get_by_role("link", name="Publish changes").click()
    preview = page.locator("#digest-preview")
    expect(preview).to_contain_text("2 delegates get an e-mail")
    names = preview.locator(".digest-name")
    expect(names).to_have_text(["Laura Bianchi", "Andrea Tronzano"])
    expect(page.locator(".publish-preview")).to_contain_text(
        "Moved: Tue 22 Apr 14:00–15:00 → 16:00–17:00 (Detroit), 20:00 → 22:00 (Rome)"
    )
    laura = preview.locator("details.digest").filter(has_text="Laura Bianchi")
    laura.locator("summary").click()
    expect(laura.locator("pre")).to_contain_text("Dear Laura,")
    expect(laura.locator("pre")).to_contain_text(f"/d/{world.laura.token}/")
    andrea = preview.locator("details.digest").filter(has_text="Andrea Tronzano")
    expect(andrea).to_contain_text("Modifiche alla sua agenda")
    expect(preview).not_to_contain_text("Paolo Rossi")
    expect(preview).not_to_contain_text("Marco Verdi")
    page.get_by_label("Note for delegates and colleagues (optional)").fill(
        "Rivian asked for the afternoon"
    )
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "publish-preview.png"), full_page=True)

    page.get_by_role("button", name="Publish and e-mail 2 delegates").click()
    expect(page.get_by_text("Version 2 published")).to_be_visible()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "Andrea Tronzano <andrea.tronzano@example.org>",
        "Laura Bianchi <laura.bianchi@example.org>",
    ]
    (laura_mail,) = [m for m in mail.outbox if "laura" in m.to[0]]
    assert "Rivian asked for the afternoon" in laura_mail.body
    version = ProgrammeVersion.objects.get(mission=world.mission, number=2)
    assert DigestDelivery.objects.filter(version=version, sent_at__isnull=False).count() == 2

    page.goto(live_server.url + reverse("versions:list", args=[world.mission.slug]))
    latest = page.locator("#version-2")
    latest.locator("details.deliveries summary").click()
    expect(latest.locator("tr.delivery")).to_have_count(2)
    expect(latest).to_contain_text("laura.bianchi@example.org")
    page.screenshot(path=str(SCREENSHOTS / "versions-after-publish.png"), full_page=True)
