"""Dropping two partners' .ics invitations onto VTM Michigan (the demo) in a real browser:
the drop zone sends them for a preview, "Import" adds them, the agenda shows them; the export
menu offers the files. Screenshots: screenshots/ics-import-*.png."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, expect

from meetings.demo import load_demo
from meetings.models import Meeting
from missions.models import Mission
from tests.transfer.helpers import FILES

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Langhe-Roero-2026"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


def test_drop_two_invitations_into_vtm_michigan(browser: Browser, live_server):
    load_demo()
    mission = Mission.objects.get(slug="vtm-michigan-2025")
    user = get_user_model().objects.create_user("anna", password=PASSWORD)
    mission.coordinators.add(user)
    before = mission.meetings.count()
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/missions/{mission.slug}/agenda/")
    page.get_by_role("button", name="Import").click()
    page.get_by_role("link", name="Import invitations (.ics)").click()
    expect(page.get_by_role("heading", name="Import invitations (.ics)")).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "ics-import-upload.png", full_page=True)

    # Drag and drop, as from the mail client: the page's script posts them for a preview.
    files = [
        {"name": name, "text": (FILES / name).read_text()}
        for name in ("outlook-request.ics", "google-invite.ics")
    ]
    transfer = page.evaluate_handle(
        """(files) => {
            const data = new DataTransfer();
            for (const f of files) {
                data.items.add(new File([f.text], f.name, {type: "text/calendar"}));
            }
            return data;
        }""",
        files,
    )
    page.dispatch_event("#ics-drop", "dragover", {"dataTransfer": transfer})
    expect(page.locator("#ics-drop")).to_have_class(
        "ics-drop rounded-3 p-3 p-md-4 text-center is-dragging"
    )
    page.dispatch_event("#ics-drop", "drop", {"dataTransfer": transfer})
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    preview = page.locator("table.ics-preview")
    expect(preview).to_contain_text("Rivian supplier meeting with the Piemonte delegation")
    expect(preview).to_contain_text("Wed 23 Apr, 10:00–11:00 Detroit")
    expect(preview).to_contain_text("Thu 24 Apr, 09:00–10:00 Detroit")
    expect(preview).to_contain_text("Eastern Standard Time → America/New_York")
    expect(preview).to_contain_text("Andrea Tronzano, Stefano Nigro")
    page.screenshot(path=SCREENSHOTS / "ics-import-preview.png", full_page=True)
    assert mission.meetings.count() == before, "nothing saved by the preview"

    page.get_by_role("button", name="Import 2 invitations").click()
    expect(page.get_by_text("Invitations imported: 2 meetings added.")).to_be_visible()
    expect(
        page.get_by_role("link", name="Rivian supplier meeting with the Piemonte delegation")
    ).to_be_visible()
    expect(
        page.get_by_role("link", name="Detroit Regional Partnership – investment briefing")
    ).to_be_visible()
    assert mission.meetings.count() == before + 2
    assert Meeting.objects.filter(mission=mission, source_uid__endswith="@google.com").exists()
    page.locator(
        "#meeting-{}".format(Meeting.objects.get(source_uid__endswith="@google.com").pk)
    ).scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "ics-import-agenda.png", full_page=False)

    page.get_by_role("button", name="Export").first.click()
    menu = page.locator(".export-menu .dropdown-menu").first
    expect(menu).to_be_visible()
    expect(menu).to_contain_text("Times in America/Detroit")
    page.locator(".export-menu").first.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "ics-import-export-menu.png", full_page=False)
    with page.expect_download() as download:
        menu.get_by_role("link", name="Agenda (Excel)").click()
    # The demo's meetings loaded without programme versions: the working programme.
    assert download.value.suggested_filename == "vtm-michigan-2025-agenda-draft.xlsx"

    # The partner moves the meeting; another sender's zone is unknown: both on the preview.
    page.goto(f"{live_server.url}/missions/{mission.slug}/import/invitations/")
    page.set_input_files(
        "#ics-drop input[type=file]",
        [str(FILES / "outlook-update.ics"), str(FILES / "unknown-zone.ics")],
    )
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("table.ics-preview")
    expect(preview).to_contain_text("Updates a meeting")
    expect(preview).to_contain_text("was Wed 23 Apr, 10:00")
    expect(preview).to_contain_text("Unknown time zone “Michigan Local Time”")
    expect(page.get_by_role("alert").filter(has_text="nothing will be imported")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "ics-import-problems.png", full_page=True)
    assert errors == []
