"""Exports of the agenda, the delegation and the partners: parsed back (csv, openpyxl) and
compared with the database; times in the mission's zone, the zone named; formulas defused."""

import csv
import io
from datetime import UTC, date, datetime, time

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from meetings.demo import load_demo
from meetings.models import Meeting
from meetings.services import meeting_cancel
from missions.models import Mission
from tests.builders import (
    local,
    make_coordinator,
    make_many_meetings,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
    make_venue,
)
from transfer.columns import DELEGATE_COLUMNS, MEETING_COLUMNS, PARTNER_COLUMNS

pytestmark = pytest.mark.django_db


def _url(mission, what, fmt):
    return reverse("transfer:export", args=[mission.slug, what, fmt])


def _csv(response) -> list[list[str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, for Excel"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


@pytest.fixture
def world(client):
    mission = make_mission(slug="vtm-michigan-2025", title="VTM Michigan 2025")
    hall = make_venue(
        mission, name="Suburban Collection Showplace", address="46100 Grand River Ave"
    )
    rivian = make_organisation(name="Rivian", sector="Electric vehicles", country="United States")
    materazzo = make_person(
        first_name="Carlo",
        last_name="Materazzo",
        email="carlo@rivian.example",
        organisation=rivian,
        position="VP Manufacturing",
    )
    region = make_organisation(name="Città di Torino")
    favaro = make_person(
        first_name="Michela",
        last_name="Favaro",
        email="michela.favaro@example.org",
        organisation=region,
        phone="+39 011 123",
    )
    member = make_member(
        mission,
        favaro,
        arrival=local(mission, 2025, 4, 21, 18, 30),
        departure=local(mission, 2025, 4, 25, 9, 0),
        notes="Vegetarian",
    )
    # Over midnight, across the Rome date line: 23:30-00:30 Detroit.
    late = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 23, 30),
        local(mission, 2025, 4, 23, 0, 30),
        title="Late call with Torino",
        venue=hall,
        attendees=[member],
        partner_organisations=[rivian],
        partner_contacts=[materazzo],
        description="Perché sì: accenti",
        internal_notes="Bring the brochure",
    )
    early = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 9, 0),
        local(mission, 2025, 4, 22, 10, 15),
        title='=HYPERLINK("http://evil.example","click")',
        status=Meeting.Status.TENTATIVE,
    )
    gone = make_meeting(
        mission, local(mission, 2025, 4, 24, 9, 0), local(mission, 2025, 4, 24, 10, 0), title="Gone"
    )
    meeting_cancel(meeting=gone)
    user = make_coordinator(mission)
    client.force_login(user)
    return {"mission": mission, "late": late, "early": early, "member": member, "rivian": rivian}


def test_agenda_csv_matches_the_database(client, world):
    mission = world["mission"]
    response = client.get(_url(mission, "agenda", "csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    # Never published: the working programme, "draft" in the name (releases.programme_label).
    disposition = 'attachment; filename="vtm-michigan-2025-agenda-draft.csv"'
    assert response["Content-Disposition"] == disposition
    header, *rows = _csv(response)
    assert header == [str(column.label) for column in MEETING_COLUMNS]
    assert [row[5] for row in rows] == [
        '\'=HYPERLINK("http://evil.example","click")',
        "Late call with Torino",
    ], "cancelled meetings left out; a formula defused"
    by_uid = {row[0]: dict(zip([c.key for c in MEETING_COLUMNS], row, strict=True)) for row in rows}
    for meeting in Meeting.objects.filter(mission=mission).active():
        row = by_uid[meeting.uid]
        start, end = meeting.start.astimezone(mission.tz), meeting.end.astimezone(mission.tz)
        assert row["date"] == start.date().isoformat()
        assert row["start"] == start.strftime("%H:%M")
        assert row["end"] == end.strftime("%H:%M")
        assert row["timezone"] == "America/Detroit"
        assert row["status"] == meeting.get_status_display()
    late = by_uid[world["late"].uid]
    assert (late["date"], late["start"], late["end"]) == ("2025-04-22", "23:30", "00:30")
    assert late["venue"] == "Suburban Collection Showplace"
    assert late["venue_address"] == "46100 Grand River Ave"
    assert late["delegates"] == "michela.favaro@example.org"
    assert late["partner_organisations"] == "Rivian"
    assert late["partner_contacts"] == "carlo@rivian.example"
    assert late["description"] == "Perché sì: accenti"
    assert late["internal_notes"] == "Bring the brochure"
    assert late["kind"] == "B2B meeting"


def test_agenda_xlsx_has_real_times_a_frozen_bold_header_and_the_zone(client, world):
    mission = world["mission"]
    response = client.get(_url(mission, "agenda", "xlsx"))
    disposition = 'attachment; filename="vtm-michigan-2025-agenda-draft.xlsx"'
    assert response["Content-Disposition"] == disposition
    book = _xlsx(response)
    sheet = book.worksheets[0]
    assert sheet.title == "Agenda"
    header = [cell.value for cell in sheet[1]]
    assert header == [str(column.label) for column in MEETING_COLUMNS]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["F"].width > 20  # the title column is wide enough
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 2
    late = next(row for row in rows if row[0] == world["late"].uid)
    assert late[1] == datetime(
        2025, 4, 22, 0, 0
    )  # a date cell (openpyxl reads dates back as datetimes)
    assert late[2] == time(23, 30) and late[3] == time(0, 30)
    assert late[4] == "America/Detroit"
    early = next(row for row in rows if row[0] == world["early"].uid)
    assert early[5].startswith("'=HYPERLINK")
    assert sheet.cell(row=2, column=6).data_type == "s"
    about = book.worksheets[1]
    notes = {row[0].value: row[1].value for row in about.iter_rows()}
    assert notes["Mission"] == "VTM Michigan 2025"
    assert notes["Time zone"] == "Times in America/Detroit"
    assert notes["Dates"] == "April 22, 2025–April 24, 2025"
    assert "Times in America/Detroit" in sheet.oddHeader.center.text


def test_roster_exports(client, world):
    mission = world["mission"]
    header, row = _csv(client.get(_url(mission, "roster", "csv")))
    assert header == [str(column.label) for column in DELEGATE_COLUMNS]
    values = dict(zip([c.key for c in DELEGATE_COLUMNS], row, strict=True))
    assert values["first_name"] == "Michela" and values["last_name"] == "Favaro"
    assert values["email"] == "michela.favaro@example.org"
    assert values["phone"] == "'+39 011 123"
    assert values["organisation"] == "Città di Torino"
    assert values["role"] == "Delegate"
    assert values["language"] == "it"
    assert values["arrival"] == "2025-04-21 18:30"
    assert values["departure"] == "2025-04-25 09:00"
    assert values["timezone"] == "America/Detroit"
    assert values["notes"] == "Vegetarian"
    sheet = _xlsx(client.get(_url(mission, "roster", "xlsx"))).worksheets[0]
    assert sheet.title == "Delegation"
    cells = [cell.value for cell in sheet[2]]
    assert cells[8] == datetime(2025, 4, 21, 18, 30)
    assert sheet.cell(row=2, column=9).number_format == "yyyy-mm-dd hh:mm"


def test_partner_exports(client, world):
    mission = world["mission"]
    # An organisation met without any of its contacts gets a row of its own.
    lonely = make_organisation(name="Stellantis")
    make_meeting(
        mission,
        local(mission, 2025, 4, 23, 9, 0),
        local(mission, 2025, 4, 23, 10, 0),
        partner_organisations=[lonely],
    )
    header, *rows = _csv(client.get(_url(mission, "partners", "csv")))
    assert header == [str(column.label) for column in PARTNER_COLUMNS]
    keys = [c.key for c in PARTNER_COLUMNS]
    rows = [dict(zip(keys, row, strict=True)) for row in rows]
    assert [(r["organisation"], r["contact_email"]) for r in rows] == [
        ("Rivian", "carlo@rivian.example"),
        ("Stellantis", ""),
    ]
    assert rows[0]["sector"] == "Electric vehicles"
    assert rows[0]["contact_position"] == "VP Manufacturing"
    assert rows[0]["kind"] == "Company / OEM"
    sheet = _xlsx(client.get(_url(mission, "partners", "xlsx"))).worksheets[0]
    assert [cell.value for cell in sheet["A"]] == [
        str(PARTNER_COLUMNS[0].label),
        "Rivian",
        "Stellantis",
    ]


def test_exports_in_italian(client, world):
    client.cookies["django_language"] = "it"
    with translation.override("it"):
        expected = [str(column.label) for column in MEETING_COLUMNS]
    header, *_rows = _csv(client.get(_url(world["mission"], "agenda", "csv")))
    assert header == expected
    assert "Data" in header and "Titolo" in header
    book = _xlsx(client.get(_url(world["mission"], "agenda", "xlsx")))
    assert book.worksheets[1]["B3"].value == "Orari in America/Detroit"


@pytest.mark.parametrize("what", ["agenda", "roster", "partners"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_query_count_does_not_grow(client, django_assert_num_queries, what, fmt):
    """Session, user, mission, then the export's own: 4 for the agenda (meetings, attendees,
    partner organisations, partner contacts), 1 for the roster, 2 for the partners."""
    own = {"agenda": 4, "roster": 1, "partners": 2}[what]
    for count in (1, 25):
        mission = make_mission()
        organisation = make_organisation()
        contact = make_person(organisation=organisation)
        members = [make_member(mission) for _ in range(count)]
        make_many_meetings(
            mission, count, attendees=members, organisations=[organisation], contacts=[contact]
        )
        client.force_login(make_coordinator(mission))
        # session, user, mission, the programme version (its label), then its own
        with django_assert_num_queries(4 + own):
            response = client.get(_url(mission, what, fmt))
        assert response.status_code == 200
        if fmt == "csv":
            assert len(_csv(response)) == 1 + (1 if what == "partners" else count)


def test_exports_are_for_the_missions_coordinators_only(client, world):
    mission = world["mission"]
    client.force_login(make_coordinator(make_mission()))
    for what in ("agenda", "roster", "partners"):
        assert client.get(_url(mission, what, "csv")).status_code == 404
    client.logout()
    assert client.get(_url(mission, "agenda", "csv")).status_code == 302


def test_unknown_export_is_404(client, world):
    assert client.get(_url(world["mission"], "budget", "csv")).status_code == 404
    assert client.get(_url(world["mission"], "agenda", "pdf")).status_code == 404


def test_export_is_get_only(client, world):
    assert client.post(_url(world["mission"], "agenda", "csv")).status_code == 405


def test_export_menu_on_agenda_and_roster(client, world):
    mission = world["mission"]
    for page in ("meetings:agenda", "delegations:roster"):
        text = client.get(reverse(page, args=[mission.slug])).content.decode()
        assert "Times in America/Detroit" in text
        for what in ("agenda", "roster", "partners"):
            for fmt in ("csv", "xlsx"):
                assert _url(mission, what, fmt) in text


def test_demo_agenda_export_round_trips_through_the_columns(client):
    load_demo()
    mission = Mission.objects.get(slug="vtm-michigan-2025")
    client.force_login(make_coordinator(mission))
    sheet = _xlsx(client.get(_url(mission, "agenda", "xlsx"))).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    meetings = list(mission.meetings.active().order_by("start", "end", "title"))
    assert [row[0] for row in rows] == [m.uid for m in meetings]
    for row, meeting in zip(rows, meetings, strict=True):
        start = meeting.start.astimezone(mission.tz)
        assert (row[1].date(), row[2]) == (start.date(), start.time().replace(tzinfo=None))
        aware = datetime.combine(row[1].date(), row[2], tzinfo=mission.tz)
        assert aware.astimezone(UTC) == meeting.start
    assert rows[0][1].date() >= date(2025, 4, 22)
