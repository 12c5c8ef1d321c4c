"""Delegates and partners from spreadsheets; size limits; the templates to fill in."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from delegations.models import DelegationMember, Organisation, Person
from tests.builders import (
    make_coordinator,
    make_member,
    make_mission,
    make_organisation,
    make_person,
)
from tests.transfer.conftest import database
from tests.transfer.test_import_meetings import commit, counts

pytestmark = pytest.mark.django_db


def post(client, url, text: str, name="file.csv"):
    return client.post(url, {"file": SimpleUploadedFile(name, text.encode())})


def test_delegates_import_with_italian_headers_then_reimport_is_unchanged(client, torino):
    mission, user = torino
    client.force_login(user)
    url = reverse("transfer:import", args=[mission.slug, "delegates"])
    text = (
        "NOME;COGNOME;E-mail;Organizzazione;Ruolo;Lingua;Arrivo\n"
        "Gianmarco;Giorda;gianmarco.giorda@example.org;ANFIA;Delegato;it;23/03/2026 18:00\n"
        "Laura;Bianchi;laura.bianchi@example.org;Nuova Srl;Staff;en;\n"
        "Monica;Mailander;monica.mailander@example.org;;Capo delegazione;;\n"
    )
    preview = post(client, url, text)
    assert counts(preview) == {"new": 1, "updated": 2, "unchanged": 0, "error": 0}
    page = preview.content.decode()
    assert "Joins the delegation (already in the directory)." in page
    assert "Role: Delegate → head" in page or "Role: Delegate →" in page
    assert commit(client, mission, preview, kind="delegates").status_code == 302
    giorda = DelegationMember.objects.get(mission=mission, person__last_name="Giorda")
    assert giorda.arrival.isoformat() == "2026-03-23T17:00:00+00:00"  # 18:00 in Rome
    bianchi = Person.objects.get(email="laura.bianchi@example.org")
    assert bianchi.organisation.name == "Nuova Srl"
    assert bianchi.preferred_language == "en"
    assert DelegationMember.objects.get(person=bianchi).role == DelegationMember.Role.STAFF
    assert (
        DelegationMember.objects.get(mission=mission, person__last_name="Mailander").role
        == DelegationMember.Role.HEAD
    )
    assert bianchi.history.first().history_change_reason == "Imported from file.csv"
    before = database()
    again = post(client, url, text)
    assert counts(again) == {"new": 0, "updated": 0, "unchanged": 3, "error": 0}
    assert database() == before


def test_a_shared_delegate_the_user_may_not_edit_is_a_row_error(client, db):
    mine, theirs = make_mission(), make_mission()
    user = make_coordinator(mine)
    shared = make_member(theirs).person
    make_member(mine, shared)
    client.force_login(user)
    url = reverse("transfer:import", args=[mine.slug, "delegates"])
    before = database()
    response = post(client, url, f"First name,Last name,E-mail,Phone\nX,Y,{shared.email},+39 011\n")
    page = response.content.decode()
    assert counts(response)["error"] == 1
    assert "is also in missions you do not coordinate" in page
    assert database() == before


def test_partners_import_creates_organisations_and_contacts_once(client, torino):
    _mission, user = torino
    client.force_login(user)
    url = reverse("transfer:import_partners")
    text = (
        "Organisation,Kind,City,Contact first name,Contact last name,Contact e-mail\n"
        "Lear Italia,Supplier,Grugliasco,Paola,Neri,paola.neri@example.org\n"
        "Lear Italia,,,Marco,Gialli,marco.gialli@example.org\n"
        "Lear Italia,OEM,,,,\n"
        "rivian,,,Carlo,Materazzo,\n"
    )
    preview = post(client, url, text)
    page = preview.content.decode()
    # Row 4 contradicts row 2 about the kind; nothing written.
    assert counts(preview)["error"] == 1
    assert "Row 2 says “Supplier” for this organisation." in page
    text = text.replace("Lear Italia,OEM,,,,\n", "")
    preview = post(client, url, text)
    assert counts(preview) == {"new": 2, "updated": 0, "unchanged": 1, "error": 0}
    assert commit(client, None, preview, partners=True).status_code == 302
    lear = Organisation.objects.get(name="Lear Italia")
    assert lear.kind == Organisation.Kind.SUPPLIER and lear.city == "Grugliasco"
    assert sorted(lear.people.values_list("last_name", flat=True)) == ["Gialli", "Neri"]
    before = database()
    again = post(client, url, text)
    assert counts(again) == {"new": 0, "updated": 0, "unchanged": 3, "error": 0}
    assert database() == before


def test_an_organisation_used_by_another_coordinators_mission_is_not_overwritten(client, db):
    theirs = make_mission()
    used = make_organisation(name="Shared Org", city="Torino")
    make_member(theirs, make_person(organisation=used))
    user = make_coordinator(make_mission())
    client.force_login(user)
    before = database()
    response = post(
        client, reverse("transfer:import_partners"), "Organisation,City\nshared org,Milano\n"
    )
    assert "Shared Org is used by missions you do not coordinate" in response.content.decode()
    assert database() == before


def test_a_50_mb_upload_is_refused_without_500(client, torino):
    mission, user = torino
    client.force_login(user)
    url = reverse("transfer:import", args=[mission.slug, "meetings"])
    before = database()
    response = client.post(url, {"file": SimpleUploadedFile("huge.csv", b"a" * (50 << 20))})
    assert response.status_code == 413
    assert "The file is larger than 5 MB" in response.content.decode()
    assert database() == before


def test_a_file_just_over_the_limit_is_stopped_while_it_is_read(client, torino, settings):
    mission, user = torino
    client.force_login(user)
    url = reverse("transfer:import", args=[mission.slug, "meetings"])
    # Over 5 MB of file, under the request-length check: the upload handler stops it.
    response = client.post(
        url, {"file": SimpleUploadedFile("big.csv", b"a" * (5 * 1024 * 1024 + 10))}
    )
    assert response.status_code == 413


@pytest.mark.parametrize("body", [b"\x00\x01\x02garbage", "Titolo\n€".encode("utf-16"), b""])
def test_garbage_never_500s(client, torino, body):
    mission, user = torino
    client.force_login(user)
    url = reverse("transfer:import", args=[mission.slug, "meetings"])
    response = client.post(url, {"file": SimpleUploadedFile("x.csv", body)})
    assert response.status_code == 200
    assert "Nothing was imported." in response.content.decode() or b"Choose a CSV" in (
        response.content
    )


def test_templates_in_the_users_language_with_instructions(client, torino):
    mission, user = torino
    client.force_login(user)
    url = reverse("transfer:import_template", args=[mission.slug, "meetings", "xlsx"])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="it")
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("ID", "Data", "Inizio", "Fine")
    assert rows[1][1].date().isoformat() == "2026-03-24"  # the mission's first day
    assert workbook.sheetnames[1] == "Istruzioni"
    csv_url = reverse("transfer:import_template", args=[mission.slug, "delegates", "csv"])
    text = client.get(csv_url).content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("First name,Last name,E-mail")
    # The template itself imports (its example row names people who may not exist).
    preview = client.post(
        reverse("transfer:import", args=[mission.slug, "meetings"]),
        {"file": SimpleUploadedFile("t.xlsx", response.content)},
    )
    assert "Unknown column" not in preview.content.decode()
