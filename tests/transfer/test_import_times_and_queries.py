"""Times in the mission's zone across a daylight-saving change; previews in a fixed number of
queries whatever the number of rows."""

from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import Meeting
from tests.builders import (
    local,
    make_coordinator,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
    make_venue,
)
from tests.transfer.conftest import database
from tests.transfer.test_import_meetings import commit, counts

pytestmark = pytest.mark.django_db


def csv_file(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def post(client, url, data: bytes, name="agenda.csv"):
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def rome(db):
    # Europe/Rome springs forward on Sunday 29 March 2026 at 02:00 (to 03:00).
    mission = make_mission(
        timezone="Europe/Rome", start_date=date(2026, 3, 28), end_date=date(2026, 3, 30)
    )
    return mission, make_coordinator(mission)


def test_times_are_read_in_the_missions_zone_across_the_dst_change(client, rome):
    mission, user = rome
    client.force_login(user)
    url = reverse("transfer:import", args=[mission.slug, "meetings"])
    data = csv_file(
        "Date;Start;End;Title;Time zone",
        "28/03/2026;10:00;11:00;Saturday, winter time;",
        "2026-03-29;10:00;11:00;Sunday, summer time;",
        "2026-03-29;10:00;11:00;Sunday call with Detroit;America/Detroit",
        "2026-03-28;23:30;00:30;Over midnight;",
    )
    response = post(client, url, data)
    assert counts(response) == {"new": 4, "updated": 0, "unchanged": 0, "error": 0}
    commit(client, mission, response)
    starts = dict(Meeting.objects.filter(mission=mission).values_list("title", "start"))
    assert starts == {
        "Saturday, winter time": datetime(2026, 3, 28, 9, 0, tzinfo=UTC),  # UTC+1
        "Sunday, summer time": datetime(2026, 3, 29, 8, 0, tzinfo=UTC),  # UTC+2
        "Sunday call with Detroit": datetime(2026, 3, 29, 14, 0, tzinfo=UTC),  # UTC-4
        "Over midnight": datetime(2026, 3, 28, 22, 30, tzinfo=UTC),
    }
    late = Meeting.objects.get(title="Over midnight")
    # 23:30 CET to 00:30 on the 29th, still CET (the change is at 02:00).
    assert late.end == datetime(2026, 3, 28, 23, 30, tzinfo=UTC)


def test_a_time_the_clocks_skip_is_an_error_at_its_cell(client, rome):
    mission, user = rome
    client.force_login(user)
    url = reverse("transfer:import", args=[mission.slug, "meetings"])
    before = database()
    response = post(client, url, csv_file("Date,Start,End,Title", "2026-03-29,02:30,03:30,Early"))
    text = response.content.decode()
    assert "<strong>Start</strong>: " in text
    assert "does not exist in Europe/Rome: the clocks go forward then" in text
    assert database() == before


def _meeting_rows(count: int) -> bytes:
    lines = ["Date,Start,End,Title,Venue,Delegates,Partner organisations,Partner contacts"]
    for n in range(count):
        lines.append(
            f"2026-03-28,{8 + n // 6:02d}:{n % 6 * 10:02d},{8 + n // 6:02d}:{n % 6 * 10 + 5:02d},"
            f"Meeting {n},Hall {n % 3},delegate@example.org,Rivian,Carlo Materazzo"
        )
    return csv_file(*lines)


@pytest.mark.parametrize("rows", [1, 30])
def test_meetings_preview_queries_do_not_grow_with_rows(
    client, rome, rows, django_assert_num_queries
):
    mission, user = rome
    make_member(mission, make_person(email="delegate@example.org"))
    rivian = make_organisation(name="Rivian")
    make_person(first_name="Carlo", last_name="Materazzo", organisation=rivian)
    hall = make_venue(mission, name="Hall 0")
    make_meeting(
        mission,
        local(mission, 2026, 3, 28, 7),
        local(mission, 2026, 3, 28, 8),
        venue=hall,
        partner_organisations=[rivian],
    )
    client.force_login(user)
    url = reverse("transfer:import", args=[mission.slug, "meetings"])
    data = _meeting_rows(rows)
    # session, user, mission; its meetings with attendees, organisations, contacts (4);
    # members; venues; organisations named; contacts named; the programme bar (releases)
    with django_assert_num_queries(12):
        response = post(client, url, data)
    assert counts(response) == {"new": rows, "updated": 0, "unchanged": 0, "error": 0}


@pytest.mark.parametrize("rows", [1, 30])
def test_delegates_preview_queries_do_not_grow_with_rows(
    client, rome, rows, django_assert_num_queries
):
    mission, user = rome
    region = make_organisation(name="Regione Piemonte")
    for n in range(rows):
        make_person(first_name="Known", last_name=f"Person{n}", email=f"known{n}@example.org")
    client.force_login(user)
    url = reverse("transfer:import", args=[mission.slug, "delegates"])
    lines = ["First name,Last name,E-mail,Organisation,Role,Arrival"]
    lines += [
        f"Known,Person{n},known{n}@example.org,{region.name},Delegate,2026-03-27 18:00"
        for n in range(rows)
    ]
    # session, user, mission; members; people by e-mail, visible, editable;
    # organisations named, editable; the programme bar (releases)
    with django_assert_num_queries(10):
        response = post(client, url, csv_file(*lines))
    assert counts(response) == {"new": 0, "updated": rows, "unchanged": 0, "error": 0}


@pytest.mark.parametrize("rows", [1, 30])
def test_partners_preview_queries_do_not_grow_with_rows(
    client, rome, rows, django_assert_num_queries
):
    _mission, user = rome
    for n in range(rows):
        partner = make_organisation(name=f"Partner {n}")
        make_person(first_name="Anna", last_name=f"Verdi{n}", organisation=partner, email="")
    client.force_login(user)
    url = reverse("transfer:import_partners")
    lines = ["Organisation,City,Contact first name,Contact last name,Contact e-mail"]
    lines += [f"Partner {n},Torino,Anna,Verdi{n},anna{n}@example.org" for n in range(rows)]
    # session, user; organisations named, editable; people by e-mail or name, which of
    # them visible, editable
    with django_assert_num_queries(7):
        response = post(client, url, csv_file(*lines))
    # Each contact found by name in their organisation gets the e-mail and the city is new.
    assert counts(response) == {"new": 0, "updated": rows, "unchanged": 0, "error": 0}


def test_clash_warnings_show_in_the_preview_and_do_not_block(client, rome):
    mission, user = rome
    make_member(mission, make_person(first_name="Monica", last_name="Mailander"))
    client.force_login(user)
    url = reverse("transfer:import", args=[mission.slug, "meetings"])
    data = csv_file(
        "Date,Start,End,Title,Delegates,Venue",
        "2026-03-28,10:00,11:00,First,Monica Mailander,Hall A",
        "2026-03-28,10:30,11:30,Second,Monica Mailander,Hall B",
    )
    response = post(client, url, data)
    text = response.content.decode()
    assert "Monica Mailander is also in “Second” (10:30–11:30)." in text
    assert "Monica Mailander is also in “First” (10:00–11:00)." in text
    assert "Import 2 rows" in text
    assert commit(client, mission, response).status_code == 302
