"""The report of the VTM Michigan 2025 demo counts what the sources say.

The expected figures below are written from /work/shared/docs/demo-facts.md (the two Regione
Piemonte press releases), not from the code: Tuesday 22 April the Consul General's briefing,
Rivian and the institutional dinner (with Stellantis, Webasto US, Detroit Regional Partnership,
Comerica Bank, Eaton, Wedoo US); Wednesday 23 April the "Piemonte Automotive Ecosystem"
presentation, MEDC, MichAuto and MEMA at the stand, General Motors at Warren, Mullen and
Mayco; Thursday 24 April Toyota North America and Ford.
"""

import csv
import io
import re
import shutil
import subprocess
from datetime import date

import openpyxl
import pytest
from django.core.management import call_command

from missions.models import Mission
from outcomes.models import FollowUp, Outcome
from outcomes.report import mission_report
from tests.builders import make_coordinator
from tests.catalogue import italian_with_pending  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

MEETINGS_PER_DAY = {date(2025, 4, 22): 3, date(2025, 4, 23): 7, date(2025, 4, 24): 2}
ORGANISATIONS_PER_DAY = {
    date(2025, 4, 22): {
        "Consulate General of Italy in Detroit",
        "Rivian",
        "Stellantis",
        "Webasto US",
        "Detroit Regional Partnership",
        "Comerica Bank",
        "Eaton",
        "Wedoo US",
    },
    date(2025, 4, 23): {
        "Michigan Economic Development Corporation",
        "MichAuto (Detroit Regional Chamber)",
        "MEMA, The Vehicle Suppliers Association",
        "General Motors",
        "Mullen Automotive",
        "Mayco International",
    },
    date(2025, 4, 24): {"Toyota North America", "Ford"},
}
ORGANISATIONS_MET = 8 + 6 + 2
DELEGATION = 8  # Tronzano, Favaro, Geuna, Mailander, Nigro, Giorda, Antonioli, Pellegrino
RIVIAN = "possible Rivian mission to Turin to meet the local supply chain"
GM = "extension of the Piedmont supply chain to new models that US industry builds in Europe"


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    return Mission.objects.get(slug="vtm-michigan-2025")


@pytest.fixture
def coordinator_client(client, demo):
    client.force_login(make_coordinator(demo))
    return client


def _text(html: bytes) -> str:
    text = re.sub(r"<svg\b.*?</svg>", " ", html.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def _pdf_text(pdf: bytes, tmp_path, *options) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode()


def _pdf_lines(pdf: bytes, tmp_path) -> list[str]:
    """The PDF's text as laid out, one printed line each, spaces collapsed: a table's row."""
    return [" ".join(line.split()) for line in _pdf_text(pdf, tmp_path, "-layout").splitlines()]


def test_meetings_per_day_and_organisations_met_each_day_are_the_sources(demo):
    report = mission_report(demo, today=date(2025, 5, 1))
    assert {row.day: row.tally.held for row in report.by_day} == MEETINGS_PER_DAY
    assert {row.day: {o.name for o in row.organisations} for row in report.by_day} == (
        ORGANISATIONS_PER_DAY
    )
    assert (report.tally.held, report.tally.not_recorded, report.tally.cancelled) == (12, 0, 0)
    assert len(report.organisations) == ORGANISATIONS_MET
    assert (len(report.delegates), report.delegation_size) == (DELEGATION, DELEGATION)
    assert report.organisations_by_country == [("United States", ORGANISATIONS_MET)]


def test_demo_outcomes_say_what_the_sources_say_and_nothing_more(demo):
    outcomes = {o.meeting.title: o for o in Outcome.objects.select_related("meeting")}
    assert len(outcomes) == 12
    assert all(o.held == Outcome.Held.HELD for o in outcomes.values())
    rivian = outcomes["Meeting with Rivian"]
    assert RIVIAN in rivian.summary
    assert (rivian.interest, rivian.notable) == ("high", True)
    gm = outcomes["General Motors at the Warren Technical Center"]
    assert GM in gm.summary and gm.notable
    # The sources say nothing of what Toyota, Ford, Mullen or Mayco said: no words invented.
    for title in (
        "Toyota North America site visit",
        "Ford site visit",
        "Meeting with Mullen Automotive",
    ):
        assert (outcomes[title].summary, outcomes[title].interest) == ("", "")
    notable = [row.meeting.title for row in mission_report(demo).notable]
    assert notable == ["Meeting with Rivian", "General Motors at the Warren Technical Center"]


def test_follow_ups_after_the_mission_owned_by_the_agency(demo):
    follow_ups = {f.action: f for f in FollowUp.objects.select_related("organisation")}
    rivian = follow_ups["Propose dates for the Rivian delegation's visit to VTM Torino 2026"]
    assert rivian.organisation.name == "Rivian"
    assert rivian.owner_member.person.full_name == "Stefano Nigro"
    assert all(f.due_date > date(2025, 4, 24) for f in follow_ups.values())
    report = mission_report(demo, today=date(2025, 6, 1))
    assert report.follow_up_counts == {"open": 3, "done": 1, "dropped": 0}
    assert [f.action for f in report.overdue] == [
        "Send the Piedmont supplier list to GM purchasing"
    ]


def test_second_run_records_nothing_twice(demo):
    before = (Outcome.objects.count(), FollowUp.objects.count())
    call_command("load_demo", verbosity=0)
    assert (Outcome.objects.count(), FollowUp.objects.count()) == before == (12, 4)


def test_the_page_shows_the_results_at_a_glance(coordinator_client, demo):
    response = coordinator_client.get("/missions/vtm-michigan-2025/report/")
    text = _text(response.content)
    assert "Meetings held 12 of 12 meetings planned" in text
    assert "Organisations met 16 from 1 country" in text
    assert "Delegates involved 8 of 8 in the delegation" in text
    assert "Notable outcomes 2 12 outcomes recorded" in text
    assert "Follow-ups open 3" in text
    assert "Tuesday 22 April 3 0 0 Comerica Bank, Consulate General of Italy in Detroit" in text
    assert "Thursday 24 April 2 0 0 Ford, Toyota North America" in text
    assert RIVIAN in text and GM in text
    assert "FESR 2021-2027" in text
    # The charts are in the page, with their numbers as text.
    html = response.content.decode()
    assert html.count("<svg") == 6
    assert "Wed 23 Apr: Held 7, Not held 0, Not recorded 0" in html


def test_pdf_in_english_has_the_figures_and_the_outcomes(coordinator_client, tmp_path):
    response = coordinator_client.get("/missions/vtm-michigan-2025/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert "vtm-michigan-2025-report.pdf" in response["Content-Disposition"]
    text = " ".join(_pdf_text(response.content, tmp_path).split())
    lines = _pdf_lines(response.content, tmp_path)
    assert "MISSION REPORT Piemonte system mission to VTM Michigan 2025" in text
    assert "Integrated supply-chain project “Automotive&Transportation”" in text
    # The key figures' boxes side by side: the numbers, then the first line of their labels.
    figures = lines.index("12 16 8 2 3")
    assert lines[figures + 1] == "Meetings held Organisations Delegates Notable Follow-ups open"
    assert "Tuesday 22 April 3 0 0 Comerica Bank, Consulate General of" in lines
    assert "Total 12 0 0 16 organisations" in lines
    assert RIVIAN in text and GM in text
    assert "Tuesday 22 April 3 0 0" in text


@pytest.mark.usefixtures("italian_with_pending")
def test_pdf_in_italian(coordinator_client, tmp_path):
    coordinator_client.cookies["django_language"] = "it"
    response = coordinator_client.get("/missions/vtm-michigan-2025/report.pdf")
    text = " ".join(_pdf_text(response.content, tmp_path).split())
    lines = _pdf_lines(response.content, tmp_path)
    assert "RELAZIONE SULLA MISSIONE Piemonte system mission to VTM Michigan 2025" in text
    assert "12 16 8 2 3" in lines
    assert "In sintesi" in text and "Esiti di rilievo" in text
    assert "Incontri svolti" in text and "Organizzazioni incontrate" in text
    assert any(line.lower().startswith("martedì 22 aprile 3 0 0 ") for line in lines)
    assert "Totale 12 0 0 16 organizzazioni" in lines
    assert RIVIAN in text and GM in text


def test_spreadsheet_has_the_pages_numbers(coordinator_client):
    page = _text(coordinator_client.get("/missions/vtm-michigan-2025/report/").content)
    response = coordinator_client.get("/missions/vtm-michigan-2025/report.xlsx")
    assert "vtm-michigan-2025-report.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Meetings", "Organisations", "Follow-ups"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row}
    assert summary["Funding programme"].endswith("FESR 2021-2027")
    figures = {
        "Meetings held": summary["Meetings held"],
        "Organisations met": summary["Organisations met"],
        "Delegates involved": summary["Delegates involved"],
        "Notable outcomes": summary["Notable outcomes"],
        "Follow-ups open": summary["Follow-ups open"],
    }
    assert figures == {
        "Meetings held": 12,
        "Organisations met": 16,
        "Delegates involved": 8,
        "Notable outcomes": 2,
        "Follow-ups open": 3,
    }
    for label, value in figures.items():
        assert f"{label} {value}" in page
    meetings = list(book["Meetings"].iter_rows(values_only=True))
    assert meetings[0][:8] == (
        "Date",
        "Start",
        "End",
        "Kind",
        "Title",
        "Organisations",
        "Delegates",
        "Held",
    )
    per_day = {}
    for row in meetings[1:]:
        per_day[row[0].date()] = per_day.get(row[0].date(), 0) + 1
    assert per_day == MEETINGS_PER_DAY
    rivian = next(row for row in meetings if row[4] == "Meeting with Rivian")
    assert (rivian[1].strftime("%H:%M"), rivian[5], rivian[7], rivian[8]) == (
        "15:30",
        "Rivian",
        "Held",
        "High",
    )
    assert RIVIAN in rivian[10]
    organisations = list(book["Organisations"].iter_rows(values_only=True))[1:]
    assert len(organisations) == ORGANISATIONS_MET
    follow_ups = list(book["Follow-ups"].iter_rows(values_only=True))[1:]
    assert len(follow_ups) == 4


def test_csv_is_the_meetings_sheet(coordinator_client):
    response = coordinator_client.get("/missions/vtm-michigan-2025/report.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Date", "Start", "End", "Kind", "Title"]
    assert [row[0] for row in rows[1:]].count("2025-04-23") == 7
    gm = next(row for row in rows if row[4] == "General Motors at the Warren Technical Center")
    assert (gm[1], gm[2], gm[5], gm[9]) == ("14:30", "16:00", "General Motors", "yes")


def test_loader_completes_an_outcome_nobody_recorded_and_keeps_a_coordinators(demo):
    # As a migration of the old Meeting.outcome text would leave it: words, nothing else.
    rivian = Outcome.objects.get(meeting__title="Meeting with Rivian")
    Outcome.objects.filter(pk=rivian.pk).update(summary="Old text", interest="", notable=False)
    gm = Outcome.objects.get(meeting__title="General Motors at the Warren Technical Center")
    Outcome.objects.filter(pk=gm.pk).update(
        summary="Typed by a coordinator", recorded_by=make_coordinator(demo)
    )
    call_command("load_demo", verbosity=0)
    rivian.refresh_from_db()
    gm.refresh_from_db()
    assert (rivian.interest, rivian.notable) == ("high", True) and RIVIAN in rivian.summary
    assert gm.summary == "Typed by a coordinator"
