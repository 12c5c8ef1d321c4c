"""The report page and its spreadsheet in Italian: no English interface phrase left."""

import io
from datetime import date

import openpyxl
import pytest

from outcomes.models import FollowUp, Outcome
from tests.builders import (
    local,
    make_coordinator,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
)
from tests.catalogue import italian_with_pending  # noqa: F401 (fixture)
from tests.test_rendered_italian import english_on, english_phrases

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("italian_with_pending")]


@pytest.fixture
def italian_client(client):
    mission = make_mission(
        title="Missione Stoccarda",
        slug="stoccarda",
        city="Stoccarda",
        country="Germania",
        timezone="Europe/Berlin",
        start_date=date(2025, 4, 22),
        end_date=date(2025, 4, 23),
        organiser="Ceipiemonte",
        funding_programme="FESR 2021-2027",
    )
    bosch = make_organisation(name="Bosch", sector="Componentistica", country="Germania")
    member = make_member(mission, make_person(first_name="Chiara", last_name="Bruno"))
    held = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 10, 0),
        local(mission, 2025, 4, 22, 11, 0),
        title="Incontro con Bosch",
        partner_organisations=[bosch],
        attendees=[member],
    )
    Outcome.objects.create(
        meeting=held,
        summary="Interesse per la filiera piemontese.",
        interest="high",
        next_steps="Inviare l'elenco dei fornitori.",
        notable=True,
    )
    absent = make_meeting(
        mission,
        local(mission, 2025, 4, 23, 10, 0),
        local(mission, 2025, 4, 23, 11, 0),
        title="Visita in stabilimento",
    )
    Outcome.objects.create(meeting=absent, held=Outcome.Held.NO_SHOW)
    FollowUp.objects.create(
        mission=mission,
        organisation=bosch,
        action="Inviare l'elenco dei fornitori",
        due_date=date(2025, 5, 1),
        owner_member=member,
    )
    client.force_login(make_coordinator(mission))
    client.cookies["django_language"] = "it"
    return client


def test_report_page_in_italian_has_no_english_phrase(italian_client):
    page = italian_client.get("/missions/stoccarda/report/").content.decode()
    assert "Incontri svolti" in page and "Esiti di rilievo" in page
    assert "Interesse per la filiera piemontese." in page
    assert english_on(page, english_phrases()) == []


def test_spreadsheet_in_italian(italian_client):
    content = italian_client.get("/missions/stoccarda/report.xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Sintesi", "Incontri", "Organizzazioni", "Azioni di seguito"]
    summary = {row[0]: row[1] for row in book["Sintesi"].iter_rows(values_only=True) if row}
    assert (summary["Incontri svolti"], summary["Incontri non svolti"]) == (1, 1)
    assert summary["Programma di finanziamento"] == "FESR 2021-2027"
    meetings = list(book["Incontri"].iter_rows(values_only=True))
    assert meetings[0][:5] == ("Data", "Inizio", "Fine", "Tipo", "Titolo")
    assert meetings[2][7] == "Non svolto: assenza"
