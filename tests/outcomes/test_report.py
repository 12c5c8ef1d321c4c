"""The mission report on small built missions: what counts as held and met, local days across
a daylight-saving change, follow-ups overdue, fixed query counts, safe cells, who may see it."""

import csv
import io
from datetime import UTC, date

import openpyxl
import pytest

from config.pdf import html_to_pdf, static_only_fetcher
from meetings.models import Meeting
from meetings.services import meeting_cancel
from outcomes.models import FollowUp, Outcome
from outcomes.report import mission_report
from outcomes.report_views import PDF_BASE_URL
from tests.builders import (
    local,
    make_coordinator,
    make_many_meetings,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
)

pytestmark = pytest.mark.django_db

URLS = ("report/", "report.pdf", "report.xlsx", "report.csv")


@pytest.fixture
def mission():
    return make_mission(start_date=date(2025, 3, 8), end_date=date(2025, 3, 10))


def test_held_not_held_not_recorded_and_cancelled_are_counted_apart(mission):
    met, no_show, pending, dropped = (make_organisation(name=n) for n in "ABCD")
    member = make_member(mission)
    held = make_meeting(
        mission,
        local(mission, 2025, 3, 8, 10, 0),
        local(mission, 2025, 3, 8, 11, 0),
        partner_organisations=[met],
        attendees=[member],
    )
    Outcome.objects.create(meeting=held, summary="Good talk", interest="medium", notable=True)
    absent = make_meeting(
        mission,
        local(mission, 2025, 3, 8, 12, 0),
        local(mission, 2025, 3, 8, 13, 0),
        partner_organisations=[no_show],
        attendees=[make_member(mission)],
    )
    Outcome.objects.create(meeting=absent, held=Outcome.Held.NO_SHOW)
    make_meeting(
        mission,
        local(mission, 2025, 3, 9, 9, 0),
        local(mission, 2025, 3, 9, 10, 0),
        partner_organisations=[pending],
    )
    cancelled = make_meeting(
        mission,
        local(mission, 2025, 3, 9, 11, 0),
        local(mission, 2025, 3, 9, 12, 0),
        partner_organisations=[dropped],
    )
    meeting_cancel(meeting=cancelled)

    report = mission_report(mission)

    tally = report.tally
    assert (tally.held, tally.not_held, tally.not_recorded, tally.cancelled) == (1, 1, 1, 1)
    # Met: the held meeting's partner and the one nobody has reported on yet.
    assert [row.organisation.name for row in report.organisations] == ["A", "C"]
    assert [row.member for row in report.delegates] == [member]
    assert report.delegation_size == 2
    assert dict(report.interest)["Medium"] == 1
    assert [row.meeting for row in report.notable] == [held]
    assert [
        (row.day, row.tally.held, row.tally.not_held, row.tally.not_recorded)
        for row in report.by_day
    ] == [
        (date(2025, 3, 8), 1, 1, 0),
        (date(2025, 3, 9), 0, 0, 1),
        (date(2025, 3, 10), 0, 0, 0),
    ]


def test_meetings_fall_on_their_local_day_across_the_spring_forward(mission):
    # Detroit springs forward on 9 March 2025. 21:30 local on the 8th is the 9th in UTC;
    # 23:30 local on the 9th (EDT) is the 10th in UTC: both stay on their local day.
    late = make_meeting(
        mission, local(mission, 2025, 3, 8, 21, 30), local(mission, 2025, 3, 8, 22, 30)
    )
    later = make_meeting(
        mission, local(mission, 2025, 3, 9, 23, 0), local(mission, 2025, 3, 9, 23, 45)
    )
    assert late.start.astimezone(UTC).date() == date(2025, 3, 9)
    assert later.start.astimezone(UTC).date() == date(2025, 3, 10)
    report = mission_report(mission)
    assert {row.day: row.tally.not_recorded for row in report.by_day} == {
        date(2025, 3, 8): 1,
        date(2025, 3, 9): 1,
        date(2025, 3, 10): 0,
    }


def test_follow_ups_open_first_and_overdue_by_the_due_date(mission):
    user = make_coordinator(mission, first_name="Ada", last_name="Rossi")
    FollowUp.objects.create(mission=mission, action="Done already", status="done")
    late = FollowUp.objects.create(
        mission=mission, action="Send the list", due_date=date(2025, 4, 1), owner_user=user
    )
    FollowUp.objects.create(mission=mission, action="Later", due_date=date(2025, 6, 1))
    report = mission_report(mission, today=date(2025, 5, 1))
    assert [f.action for f in report.follow_ups] == ["Send the list", "Later", "Done already"]
    assert report.overdue == [late]
    assert report.follow_up_counts == {"open": 2, "done": 1, "dropped": 0}


def test_page_explains_what_counts_and_shows_an_empty_mission(client, mission):
    client.force_login(make_coordinator(mission))
    response = client.get(f"/missions/{mission.slug}/report/")
    text = response.content.decode()
    assert "Organisations met are the partner organisations of the meetings held" in text
    assert "No outcome is marked as notable yet" in text
    assert "No meetings yet." in text
    assert f'href="/missions/{mission.slug}/report.pdf"' in text


@pytest.mark.parametrize("path", ["report/", "report.xlsx", "report.csv"])
def test_query_count_does_not_grow_with_the_meetings(client, django_assert_num_queries, path):
    counts = []
    for size in (1, 25):
        mission = make_mission()
        members = [make_member(mission) for _ in range(3)]
        organisations = [make_organisation() for _ in range(2)]
        meetings = make_many_meetings(mission, size, attendees=members, organisations=organisations)
        for meeting in meetings[::2]:
            Outcome.objects.create(meeting=meeting, summary="Said", notable=True)
        for meeting in meetings[:3]:
            FollowUp.objects.create(
                mission=mission,
                meeting=meeting,
                organisation=organisations[0],
                action="Call back",
                owner_member=members[0],
            )
        client.force_login(make_coordinator(mission))
        # session, user, mission; meetings, organisations, attendees; follow-ups; members;
        # the B2B sessions' figures; the page also has the programme bar (releases: pending
        # changes, last version)
        expected = 10 if path == "report/" else 9
        with django_assert_num_queries(expected) as captured:
            response = client.get(f"/missions/{mission.slug}/{path}")
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts == [expected, expected]


def test_pdf_query_count_is_the_same_for_one_and_many(client, django_assert_num_queries):
    for size in (1, 12):
        mission = make_mission()
        make_many_meetings(mission, size, organisations=[make_organisation()])
        client.force_login(make_coordinator(mission))
        # as the spreadsheets: session, user, mission; three for the meetings; follow-ups;
        # members; the B2B sessions' figures
        with django_assert_num_queries(9):
            response = client.get(f"/missions/{mission.slug}/report.pdf")
        assert response.content.startswith(b"%PDF-")


def test_cells_that_look_like_formulas_are_quoted(client, mission):
    evil = make_organisation(name='=HYPERLINK("http://evil.example","x")')
    meeting = make_meeting(
        mission,
        local(mission, 2025, 3, 8, 10, 0),
        local(mission, 2025, 3, 8, 11, 0),
        title="+1 call",
        partner_organisations=[evil],
    )
    Outcome.objects.create(meeting=meeting, summary="@SUM(A1)", next_steps="-2")
    client.force_login(make_coordinator(mission))
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/missions/{mission.slug}/report.csv").content.decode("utf-8-sig")
            )
        )
    )
    assert (rows[1][4], rows[1][5], rows[1][10], rows[1][11]) == (
        "'+1 call",
        '\'=HYPERLINK("http://evil.example","x")',
        "'@SUM(A1)",
        "'-2",
    )
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/missions/{mission.slug}/report.xlsx").content)
    )
    meetings = list(book["Meetings"].iter_rows(values_only=True))
    assert meetings[1][5] == '\'=HYPERLINK("http://evil.example","x")'
    organisations = list(book["Organisations"].iter_rows(values_only=True))
    assert organisations[1][0].startswith("'=")
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("path", URLS)
def test_another_missions_coordinator_gets_404(client, mission, path):
    make_meeting(mission, local(mission, 2025, 3, 8, 10, 0), local(mission, 2025, 3, 8, 11, 0))
    client.force_login(make_coordinator(make_mission()))
    response = client.get(f"/missions/{mission.slug}/{path}")
    assert response.status_code == 404
    assert mission.title.encode() not in response.content
    assert not response.content.startswith((b"%PDF", b"PK"))  # no PDF, no workbook


def test_report_tab_in_the_mission_navigation(client, mission):
    client.force_login(make_coordinator(mission))
    page = client.get(f"/missions/{mission.slug}/agenda/").content.decode()
    assert f'href="/missions/{mission.slug}/report/">Report</a>' in page


def test_meeting_outside_the_mission_days_gets_its_own_row(mission):
    make_meeting(mission, local(mission, 2025, 3, 11, 9, 0), local(mission, 2025, 3, 11, 10, 0))
    report = mission_report(mission)
    assert [row.day for row in report.by_day][-1] == date(2025, 3, 11)
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/static/css/report.css",
        "file:///etc/passwd",
        "https://report.invalid/etc/passwd",
        "https://report.invalid/static/../../etc/passwd",
        "data:text/css,body{}",
    ],
)
def test_pdf_fetcher_refuses_anything_but_the_static_files(url):
    with pytest.raises(ValueError):
        static_only_fetcher(PDF_BASE_URL).fetch(url)


def test_pdf_fetcher_serves_the_report_stylesheet_and_the_pdf_ignores_remote_images():
    response = static_only_fetcher(PDF_BASE_URL).fetch(
        "https://report.invalid/static/css/report_pdf.css"
    )
    assert b"size: A4" in response.read()
    pdf = html_to_pdf(
        '<p>Hello</p><img src="http://192.0.2.1/tracker.png"><img src="file:///etc/hostname">',
        base_url=PDF_BASE_URL,
        stylesheets=["css/report_pdf.css"],
    )
    assert pdf.startswith(b"%PDF-")


def test_control_characters_in_typed_text_never_break_a_download(client, mission):
    acme = make_organisation(name="Acme")
    # Pasted text can carry them; straight to the database, whatever the forms allow.
    type(acme).objects.filter(pk=acme.pk).update(name="Acme\x0bCorp", sector="Tools\x1b")
    meeting = make_meeting(
        mission,
        local(mission, 2025, 3, 8, 10, 0),
        local(mission, 2025, 3, 8, 11, 0),
        partner_organisations=[acme],
    )
    Outcome.objects.create(meeting=meeting, summary="Agreed\x0c to meet\x1b again", notable=True)
    client.force_login(make_coordinator(mission))
    for path in URLS:
        response = client.get(f"/missions/{mission.slug}/{path}")
        assert response.status_code == 200, path
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/missions/{mission.slug}/report.xlsx").content)
    )
    meetings = list(book["Meetings"].iter_rows(values_only=True))
    assert (meetings[1][5], meetings[1][10]) == ("AcmeCorp", "Agreed to meet again")
    page = client.get(f"/missions/{mission.slug}/report/").content.decode()
    assert "ToolsCorp" not in page and "Tools: 1" in page
