"""A coordinator loads the VTM Torino 2026 agenda from a spreadsheet, in Chromium: the
agenda's Import menu, the upload, the preview (counts, a row per meeting), "Import 7 rows",
the agenda with the meetings. Screenshots: screenshots/import-preview.png, import-done.png."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Browser, expect

from meetings.models import Meeting
from missions.models import Mission
from tests.browser.test_csp import Watch

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Langhe-Roero-2026"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
AGENDA = Path(__file__).resolve().parent.parent / "transfer" / "files"


def test_coordinator_loads_the_vtm_torino_agenda_from_a_spreadsheet(
    browser: Browser, live_server, settings, tmp_path
):
    settings.TRANSFER_UPLOAD_DIR = str(tmp_path)
    call_command("load_demo", verbosity=0)
    mission = Mission.objects.get(slug="vtm-torino-2026")
    user = get_user_model().objects.create_user("anna", password=PASSWORD)
    mission.coordinators.add(user)
    Mission.objects.get(slug="vtm-michigan-2025").coordinators.add(user)

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    watch = Watch(page)
    page.goto(live_server.url + "/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + reverse("meetings:agenda", args=[mission.slug]))
    page.get_by_role("button", name="Import").click()
    page.get_by_role("link", name="Meetings from CSV or Excel").click()
    expect(page.get_by_role("heading", name="Import meetings")).to_be_visible()

    page.get_by_label("CSV or Excel (.xlsx) file").set_input_files(
        str(AGENDA / "vtm-torino-2026-agenda.xlsx")
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Preview of vtm-torino-2026-agenda.xlsx")).to_be_visible()
    expect(page.locator('[data-count="new"]')).to_have_text("6 new")
    expect(page.locator('[data-count="updated"]')).to_have_text("1 updated")
    expect(page.locator("#row-3")).to_contain_text("Status: Tentative → Confirmed")
    # The demo's B2B meetings (matchmaking) aside.
    agenda = Meeting.objects.filter(mission=mission, matchmaking_requests__isnull=True)
    assert agenda.count() == 1, "the preview wrote nothing"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "import-preview.png", full_page=True)

    page.get_by_role("button", name="Import 7 rows").click()
    expect(page.get_by_text("Imported vtm-torino-2026-agenda.xlsx: 7 rows written")).to_be_visible()
    expect(page.get_by_role("link", name="Institutional dinner at Palazzo Madama")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "import-done.png", full_page=True)
    assert agenda.count() == 7
    watch.assert_clean("import")


def test_errors_are_listed_by_row_and_column_in_italian(
    browser: Browser, live_server, settings, tmp_path
):
    settings.TRANSFER_UPLOAD_DIR = str(tmp_path)
    call_command("load_demo", verbosity=0)
    mission = Mission.objects.get(slug="vtm-torino-2026")
    user = get_user_model().objects.create_user("anna", password=PASSWORD)
    mission.coordinators.add(user)
    bad = tmp_path / "agenda.csv"
    bad.write_bytes(
        (
            "Data;Inizio;Fine;Titolo;Delegati;Fuso orario\n"
            "24/03/2026;14:00;10:00;Fine prima dell'inizio;;\n"
            "31/02/2026;09:00;10:00;Data impossibile;;\n"
            "25/03/2026;09:00;10:00;Delegato sconosciuto;Mario Rossi;\n"
            "25/03/2026;11:00;12:00;Fuso sconosciuto;;Europe/Turin\n"
            "25/03/2026;12:00;13:00;Va bene;Monica Mailander;\n"
        ).encode("cp1252")
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "it", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = Watch(page)
    page.goto(live_server.url + "/")
    page.get_by_label("Nome utente").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.goto(live_server.url + reverse("transfer:import", args=[mission.slug, "meetings"]))
    page.get_by_label("File CSV o Excel (.xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Anteprima").click()
    expect(page.locator('[data-count="error"]')).to_have_text("4 errori")
    expect(page.locator("#row-2")).to_contain_text("Fine: La fine (10:00) non è successiva")
    expect(page.locator("#row-3")).to_contain_text("Data: “31/02/2026” non è una data")
    expect(page.locator("#row-4")).to_contain_text("Delegati: “Mario Rossi” non fa parte")
    expect(page.locator("#row-5")).to_contain_text("Fuso orario: “Europe/Turin” non è un fuso")
    expect(page.locator("#row-6")).to_contain_text("Mer 25 Mar 2026, 12:00–13:00")
    expect(page.get_by_role("button", name="Importa")).to_have_count(0)
    page.screenshot(path=SCREENSHOTS / "import-errors-it.png", full_page=True)
    assert Meeting.objects.filter(mission=mission, matchmaking_requests__isnull=True).count() == 1
    watch.assert_clean("import errors")


def test_partners_imported_from_the_directory(browser: Browser, live_server, settings, tmp_path):
    settings.TRANSFER_UPLOAD_DIR = str(tmp_path)
    get_user_model().objects.create_user("anna", password=PASSWORD)
    partners = tmp_path / "partners.csv"
    partners.write_text(
        "Organisation;Kind;City;Contact first name;Contact last name;Contact e-mail\n"
        "Lear Italia;Supplier;Grugliasco;Paola;Neri;paola.neri@example.org\n"
        "Lear Italia;;;Marco;Gialli;marco.gialli@example.org\n",
        encoding="utf-8",
    )
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.set_default_timeout(15_000)
    watch = Watch(page)
    page.goto(live_server.url + "/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + reverse("delegations:partners"))
    page.get_by_role("button", name="Import").click()
    page.screenshot(path=SCREENSHOTS / "import-menu-partners.png")
    page.get_by_role("link", name="Organisations and contacts from CSV or Excel").click()
    page.get_by_label("CSV or Excel (.xlsx) file").set_input_files(str(partners))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator('[data-count="new"]')).to_have_text("2 new")
    expect(page.locator("#row-2")).to_contain_text("New organisation")
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_text("Imported partners.csv: 2 rows written")).to_be_visible()
    expect(page.get_by_role("link", name="Lear Italia")).to_be_visible()
    watch.assert_clean("partners import")
