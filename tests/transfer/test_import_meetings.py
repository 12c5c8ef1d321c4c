"""Meetings from a spreadsheet, through the pages: preview, commit, re-import, bad files."""

import re
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import Meeting
from tests.transfer.conftest import database, read

pytestmark = pytest.mark.django_db


def upload(client, mission, name, data=None, kind="meetings"):
    data = read(name) if data is None else data
    return client.post(
        reverse("transfer:import", args=[mission.slug, kind]),
        {"file": SimpleUploadedFile(name, data)},
    )


def commit(client, mission, preview, kind="meetings", partners=False):
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode())[1]
    if partners:
        url = reverse("transfer:import_partners_commit")
    else:
        url = reverse("transfer:import_commit", args=[mission.slug, kind])
    return client.post(url, {"token": token})


def counts(response) -> dict:
    text = response.content.decode()
    return {
        kind: int(re.search(rf'data-count="{kind}">(\d+)', text)[1])
        for kind in ("new", "updated", "unchanged", "error")
    }


def test_vtm_torino_agenda_previews_then_imports(client, torino):
    mission, user = torino
    client.force_login(user)
    before = database()
    preview = upload(client, mission, "vtm-torino-2026-agenda.xlsx")
    assert preview.status_code == 200
    # Six new meetings; the demo's tentative Rivian meeting is confirmed.
    assert counts(preview) == {"new": 6, "updated": 1, "unchanged": 0, "error": 0}
    text = preview.content.decode()
    assert "Status: Tentative → Confirmed" in text
    assert "Venue: VTM Torino 2026 venue → Lingotto Fiere, Sala Gialla" in text
    # New meetings as the agenda will show them, times in Rome.
    assert "Tue 24 Mar 2026, 20:00–23:30 · Dinner / networking · Confirmed" in text
    assert "Import 7 rows" in text
    assert database() == before, "a preview writes nothing"

    response = commit(client, mission, preview)
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:agenda", args=[mission.slug])
    meetings = {m.title: m for m in Meeting.objects.filter(mission=mission).with_details()}
    assert len(meetings) == 7
    dinner = meetings["Institutional dinner at Palazzo Madama"]
    # 20:00-23:30 in Rome on 24 March 2026 (CET, UTC+1).
    assert dinner.start == datetime(2026, 3, 24, 19, 0, tzinfo=UTC)
    assert dinner.end == datetime(2026, 3, 24, 22, 30, tzinfo=UTC)
    assert dinner.kind == Meeting.Kind.DINNER
    assert dinner.venue.name == "Palazzo Madama"
    assert dinner.venue.address == "Piazza Castello, Torino"
    assert {m.person.last_name for m in dinner.attendees.all()} == {
        "Tronzano",
        "Nigro",
        "Mailander",
    }
    assert {o.name for o in dinner.partner_organisations.all()} == {
        "Regione Piemonte",
        "Città di Torino",
    }
    assert [p.last_name for p in dinner.partner_contacts.all()] == ["Favaro"]
    assert dinner.internal_notes == "Seating plan by Ceipiemonte."
    visit = meetings["Site visit: Politecnico di Torino, Energy Center"]
    assert visit.kind == Meeting.Kind.SITE_VISIT  # "Visita tecnica", the Italian label
    start_ups = meetings["B2B: Vehicle Valley start-ups"]  # text cells: 25/03/2026, 09.30
    assert start_ups.start == datetime(2026, 3, 25, 8, 30, tzinfo=UTC)
    rivian = meetings["Rivian delegation meets the Piedmont supply chain"]
    assert rivian.status == Meeting.Status.CONFIRMED
    assert rivian.sequence == 1  # calendars replace their copy
    # Two venues named twice were created once each.
    assert mission.venues.filter(name="Lingotto Fiere, Sala Gialla").count() == 1
    record = dinner.history.first()
    assert record.history_change_reason == "Imported from vtm-torino-2026-agenda.xlsx"
    assert record.history_user == user
    assert rivian.history.first().history_change_reason == (
        "Imported from vtm-torino-2026-agenda.xlsx"
    )

    agenda = client.get(reverse("meetings:agenda", args=[mission.slug])).content.decode()
    assert "Imported vtm-torino-2026-agenda.xlsx: 7 rows written" in agenda
    assert "Institutional dinner at Palazzo Madama" in agenda


def test_reimporting_the_same_file_changes_nothing(client, torino):
    mission, user = torino
    client.force_login(user)
    commit(client, mission, upload(client, mission, "vtm-torino-2026-agenda.xlsx"))
    before = database()
    again = upload(client, mission, "vtm-torino-2026-agenda.xlsx")
    assert counts(again) == {"new": 0, "updated": 0, "unchanged": 7, "error": 0}
    text = again.content.decode()
    assert "Nothing to import: everything is already as the file says." in text
    assert 'name="token"' not in text
    # The same agenda as Excel's Italian CSV (Windows-1252, ";", Italian headers) matches too.
    italian = upload(client, mission, "vtm-torino-2026-agenda-excel-it.csv")
    assert counts(italian) == {"new": 0, "updated": 0, "unchanged": 7, "error": 0}
    assert "Read as Windows-1252" in italian.content.decode()
    assert database() == before, "no new rows, no new history records"


def test_italian_cp1252_csv_imports_accents_right(client, torino):
    mission, user = torino
    client.force_login(user)
    preview = upload(client, mission, "vtm-torino-2026-agenda-excel-it.csv")
    assert counts(preview) == {"new": 6, "updated": 1, "unchanged": 0, "error": 0}
    commit(client, mission, preview)
    dinner = Meeting.objects.get(mission=mission, title="Institutional dinner at Palazzo Madama")
    assert "Città di Torino" in {o.name for o in dinner.partner_organisations.all()}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("corrupt.xlsx", ["This is not a readable .xlsx workbook"]),
        ("missing-column.csv", ["The column “Start” is missing: it is required."]),
        (
            "bad-date.csv",
            [
                "<strong>Date</strong>: “31/02/2026” is not a date of the calendar.",
                "<strong>Date</strong>: “tomorrow” is not a date: write it as 2026-03-24",
            ],
        ),
        ("end-before-start.csv", ["<strong>End</strong>: The end (10:00) is not after the start"]),
        (
            "unknown-delegate.csv",
            ["<strong>Delegates</strong>: “Mario Rossi” is not in the mission&#x27;s delegation"],
        ),
        ("unknown-zone.csv", ["<strong>Time zone</strong>: “Europe/Turin” is not a known IANA"]),
    ],
)
def test_bad_files_list_every_problem_and_write_nothing(client, torino, name, expected):
    mission, user = torino
    client.force_login(user)
    before = database()
    response = upload(client, mission, name)
    assert response.status_code == 200
    text = response.content.decode()
    for message in expected:
        assert message in text
    assert "Nothing was imported." in text
    assert 'name="token"' not in text
    assert database() == before


def test_one_bad_row_means_nothing_is_written(client, torino):
    mission, user = torino
    client.force_login(user)
    good = read("vtm-torino-2026-agenda-excel-it.csv").decode("cp1252")
    bad = good.replace("Monica Mailander;Vehicle Valley", "Mario Rossi;Vehicle Valley")
    assert bad != good
    before = database()
    response = upload(client, mission, "agenda.csv", bad.encode("cp1252"))
    assert counts(response)["error"] == 1
    assert 'id="row-7"' in response.content.decode()
    assert database() == before


def test_commit_refuses_when_the_database_changed_since_the_preview(client, torino):
    mission, user = torino
    client.force_login(user)
    preview = upload(client, mission, "vtm-torino-2026-agenda.xlsx")
    rivian = Meeting.objects.get(mission=mission, title__startswith="Rivian")
    Meeting.objects.filter(pk=rivian.pk).update(status=Meeting.Status.CONFIRMED)
    before = database()
    response = commit(client, mission, preview)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Something changed since the preview" in text
    # The status is already confirmed: only the venue is left to change.
    assert counts(response) == {"new": 6, "updated": 1, "unchanged": 0, "error": 0}
    assert "Status: Tentative → Confirmed" not in text
    assert "Venue: VTM Torino 2026 venue → Lingotto Fiere, Sala Gialla" in text
    assert database() == before
    # The preview shown now can be imported.
    assert commit(client, mission, response).status_code == 302
    assert Meeting.objects.filter(mission=mission).count() == 7


def test_a_forged_or_foreign_token_is_refused(client, torino):
    mission, user = torino
    client.force_login(user)
    url = reverse("transfer:import_commit", args=[mission.slug, "meetings"])
    response = client.post(url, {"token": "forged"})
    assert response.status_code == 400
    assert "This preview has expired" in response.content.decode()
    # A delegates preview cannot be committed as meetings.
    preview = upload(client, mission, "vtm-torino-2026-agenda.xlsx")
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode())[1]
    other = reverse("transfer:import_commit", args=[mission.slug, "delegates"])
    assert client.post(other, {"token": token}).status_code == 400


def test_the_id_column_matches_an_exported_meeting_even_renamed(client, torino):
    mission, user = torino
    client.force_login(user)
    rivian = Meeting.objects.get(mission=mission, title__startswith="Rivian")
    url = reverse("transfer:import", args=[mission.slug, "meetings"])
    data = (
        "ID,Date,Start,End,Title\n"
        f"{rivian.uid},2026-03-24,10:30,12:00,Rivian and the Piedmont supply chain\n"
    ).encode()
    preview = client.post(url, {"file": SimpleUploadedFile("export.csv", data)})
    assert counts(preview) == {"new": 0, "updated": 1, "unchanged": 0, "error": 0}
    text = preview.content.decode()
    assert "Start: 2026-03-24 10:00 → 2026-03-24 10:30" in text
    commit(client, mission, preview)
    rivian.refresh_from_db()
    assert rivian.title == "Rivian and the Piedmont supply chain"
    assert rivian.start == datetime(2026, 3, 24, 9, 30, tzinfo=UTC)
    assert Meeting.objects.filter(mission=mission).count() == 1


def test_an_id_of_another_missions_meeting_and_duplicate_rows_are_errors(client, torino):
    mission, user = torino
    client.force_login(user)
    foreign = Meeting.objects.exclude(mission=mission).first()
    data = (
        "ID,Date,Start,End,Title\n"
        f"{foreign.uid},2026-03-24,10:30,12:00,Stolen\n"
        ",2026-03-24,15:00,16:00,Twice\n"
        ",24/03/2026,15:00,16:00,twice\n"
    ).encode()
    url = reverse("transfer:import", args=[mission.slug, "meetings"])
    before = database()
    preview = client.post(url, {"file": SimpleUploadedFile("x.csv", data)})
    text = preview.content.decode()
    assert "This ID belongs to a meeting of another mission" in text
    assert "Same meeting as row 3." in text
    assert counts(preview)["error"] >= 2
    assert database() == before


def test_the_upload_checks_the_csrf_token(torino):
    from django.test import Client

    mission, user = torino
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    url = reverse("transfer:import", args=[mission.slug, "meetings"])
    response = client.post(url, {"file": SimpleUploadedFile("a.csv", b"Date\n")})
    assert response.status_code == 403
