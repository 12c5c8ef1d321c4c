"""The report's "B2B matchmaking" block: per session, requests made / accepted / declined /
waiting, meetings scheduled / held / no-show, in one query (outcomes reads matchmaking through
reverse relations only)."""

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from matchmaking import services
from meetings.services import meeting_cancel
from outcomes.report import mission_report
from outcomes.services import outcome_save
from tests.builders import make_coordinator, make_mission
from tests.matchmaking.public_world import at, make_session, make_world, place, visitor

pytestmark = pytest.mark.django_db

AFTER = datetime(2026, 4, 1, tzinfo=UTC)


def accepted(requester, requested, **fields):
    made = services.request_create(requester=requester, requested=requested, **fields)
    return services.request_decide(request=made, accept=True)


@pytest.fixture
def w():
    w = make_world()
    day = date(2026, 3, 24)
    held = place(accepted(w.vera, w.anna, priority="must"), at(w.mission, day, 9, 30))
    outcome_save(meeting=held, held="held", now=AFTER)
    # A mutual pair: two requests, one meeting; nobody came.
    services.request_create(requester=w.bruno, requested=w.otto)
    mutual = services.request_create(requester=w.otto, requested=w.bruno)
    missed = place(mutual, at(w.mission, day, 9, 50), table=1)
    outcome_save(meeting=missed, held="no_show", now=AFTER)
    # Placed, then cancelled in the planner: not scheduled any more.
    gone = place(accepted(w.lena, w.anna), at(w.mission, day, 10, 10))
    meeting_cancel(meeting=gone)
    declined = services.request_create(requester=w.vera, requested=w.bruno)
    services.request_decide(request=declined, accept=False)
    services.request_create(requester=w.anna, requested=w.otto)  # waiting
    withdrawn = services.request_create(requester=w.bruno, requested=w.lena)
    services.request_withdraw(request=withdrawn)
    return w


def test_b2b_figures_per_session(w):
    (row,) = mission_report(w.mission).b2b
    assert (row.title, row.visitors, row.delegation) == ("VTM Torino 2026 B2B", 3, 2)
    assert (row.requested, row.accepted, row.declined, row.waiting) == (6, 4, 1, 1)
    # Vera-Anna and the mutual pair; Lena-Anna was cancelled.
    assert (row.scheduled, row.held, row.no_show) == (2, 1, 1)


def test_the_page_and_the_workbook_show_them(client, w):
    client.force_login(make_coordinator(w.mission))
    page = client.get(f"/missions/{w.mission.slug}/report/").content.decode()
    assert "B2B matchmaking" in page
    assert "3 visiting, 2 delegation" in page
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/missions/{w.mission.slug}/report.xlsx").content)
    )
    rows = list(book["B2B matchmaking"].values)
    assert rows[1] == ("VTM Torino 2026 B2B", 3, 2, 6, 4, 1, 1, 2, 1, 1)


def test_a_mission_without_a_session_has_no_block(client):
    mission = make_mission()
    client.force_login(make_coordinator(mission))
    assert mission_report(mission).b2b == []
    assert "B2B matchmaking" not in client.get(f"/missions/{mission.slug}/report/").content.decode()
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/missions/{mission.slug}/report.xlsx").content)
    )
    assert "B2B matchmaking" not in book.sheetnames


@pytest.mark.parametrize("sessions", [1, 4])
def test_one_query_for_any_number_of_sessions(w, django_assert_num_queries, sessions):
    for n in range(sessions - 1):
        other = make_session(w.mission, title=f"Extra {n}")
        guest = visitor(other, "Guest", f"N{n}", w.vera.person.organisation)
        services.participant_add_member(session=other, member=w.anna.member)
        services.request_create(
            requester=guest, requested=other.participants.get(side="delegation")
        )
    # meetings, organisations, attendees; follow-ups; members; the B2B sessions' figures
    with django_assert_num_queries(6):
        report = mission_report(w.mission)
    assert len(report.b2b) == sessions
