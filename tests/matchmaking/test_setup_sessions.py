"""The coordinators' session pages: create and edit a session, days and breaks with the slots
preview, tables and booths."""

from datetime import date, time

import pytest
from django.urls import reverse

from matchmaking import services
from matchmaking.models import Session, SessionBreak, SessionDay, Table
from tests.builders import local, make_coordinator, make_meeting, make_mission, make_venue
from tests.matchmaking.setup_builders import (
    add_day,
    make_session,
    member_participant,
    session_url,
    visitor_participant,
)

pytestmark = pytest.mark.django_db


def test_the_b2b_tab_leads_to_the_sessions_page(client, mission, coordinator):
    page = client.get(reverse("meetings:agenda", args=[mission.slug])).content.decode()
    assert f'href="{reverse("matchmaking:session", args=[mission.slug])}">B2B</a>' in page


def test_without_a_session_the_page_offers_to_create_one(client, mission, coordinator):
    page = client.get(reverse("matchmaking:session", args=[mission.slug])).content.decode()
    assert "No matchmaking session yet" in page
    assert "Create a session" in page


def test_creating_a_session(client, mission, coordinator):
    hall = make_venue(mission, name="Lingotto Hall 2")
    response = client.post(
        reverse("matchmaking:session", args=[mission.slug]),
        {
            "title": "VTM B2B",
            "slot_minutes": "20",
            "max_meetings": "12",
            "max_requests": "15",
            "requests_open": "on",
            "solver_seconds": "30",
            "hall": hall.pk,
        },
    )
    session = Session.objects.get()
    assert response.url == session_url("session_detail", session)
    assert (session.title, session.slot_minutes, session.max_meetings, session.hall) == (
        "VTM B2B",
        20,
        12,
        hall,
    )
    page = client.get(response.url).content.decode()
    assert "Session “VTM B2B” created" in page
    assert "0 days, 0 slots of 20 minutes" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"slot_minutes": "3"}, "slot_minutes", "greater than or equal to 5"),
        ({"slot_minutes": "300"}, "slot_minutes", "less than or equal to 240"),
        ({"solver_seconds": "500"}, "solver_seconds", "less than or equal to 120"),
        ({"title": ""}, "title", "This field is required."),
        ({"max_meetings": "0"}, "max_meetings", "greater than or equal to 1"),
        ({"title": "Taken"}, "title", "The mission already has a session with this title."),
    ],
)
def test_a_bad_session_is_refused_next_to_its_field(
    client, mission, coordinator, data, field, message
):
    make_session(mission, title="Taken")
    form = {"title": "New", "slot_minutes": "20", "solver_seconds": "30", **data}
    response = client.post(reverse("matchmaking:session", args=[mission.slug]), form)
    assert response.status_code == 200
    assert message in response.context["form"].errors.get(field, [""])[0] or any(
        message in error for error in response.context["form"].errors.get(field, [])
    ), response.context["form"].errors
    assert Session.objects.count() == 1


def test_a_hall_of_another_mission_is_refused(client, mission, coordinator):
    other = make_venue(make_mission())
    response = client.post(
        reverse("matchmaking:session", args=[mission.slug]),
        {"title": "B2B", "slot_minutes": "20", "solver_seconds": "30", "hall": other.pk},
    )
    assert "hall" in response.context["form"].errors
    assert not Session.objects.exists()


def test_editing_a_session_someone_else_saved_meanwhile_is_a_conflict(client, mission, coordinator):
    session = make_session(mission, title="B2B")
    opened = session.version
    services.session_save(session=Session.objects.get(pk=session.pk), expected_version=opened)
    stored = Session.objects.get(pk=session.pk)
    stored.slot_minutes = 30
    services.session_save(session=stored)
    response = client.post(
        session_url("session_detail", session),
        {"title": "B2B", "slot_minutes": "15", "solver_seconds": "30", "version": opened},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "while you were editing" in page
    assert "Save my version" in page
    assert Session.objects.get(pk=session.pk).slot_minutes == 30
    # The form now carries the current version: saving again overwrites deliberately.
    again = client.post(
        session_url("session_detail", session),
        {
            "title": "B2B",
            "slot_minutes": "15",
            "solver_seconds": "30",
            "version": response.context["form"]["version"].value(),
        },
    )
    assert again.status_code == 302
    assert Session.objects.get(pk=session.pk).slot_minutes == 15


def test_another_missions_coordinator_gets_404(client, mission):
    session = make_session(mission)
    client.force_login(make_coordinator(make_mission()))
    for name in ("session_detail", "participants", "requests", "day_create"):
        assert client.get(session_url(name, session)).status_code == 404
    assert client.get(reverse("matchmaking:session", args=[mission.slug])).status_code == 404


# --- Days, breaks and slots -------------------------------------------------------------------


def test_adding_a_day_with_a_lunch_break_previews_its_slots(client, mission, coordinator):
    session = make_session(mission, slot_minutes=20)
    response = client.post(
        session_url("day_create", session),
        {
            "date": "2026-03-24",
            "start": "09:00",
            "end": "13:00",
            "break1_start": "11:00",
            "break1_end": "11:40",
            "break1_label": "Lunch",
        },
    )
    assert response.status_code == 302
    day = SessionDay.objects.get()
    assert [(b.start, b.end, b.label) for b in day.breaks.all()] == [
        (time(11), time(11, 40), "Lunch")
    ]
    add_day(session, date(2026, 3, 25), start=time(14), end=time(16))
    page = client.get(session_url("session_detail", session)).content.decode()
    assert "2 days, 16 slots of 20 minutes" in page
    assert "Lunch 11:00–11:40" in page
    # Local times (Europe/Rome, UTC+1 in March before the change): 09:00, not 08:00.
    assert '<span class="slot-time">09:00</span><span class="slot-time">09:20</span>' in page
    assert '<span class="slot-time">10:40</span><span class="slot-time">11:40</span>' in page
    assert "Tuesday 24 March 2026" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date": "2026-04-10"}, "date", "Choose a day of the mission"),
        ({"end": "08:00"}, "end", "The day must end after it starts."),
        ({"break1_start": "08:00", "break1_end": "08:30"}, "break1_start", "within the day"),
        ({"break1_start": "11:00"}, "break1_end", "A break needs a start and an end."),
        ({"break1_start": "11:00", "break1_end": "10:00"}, "break1_end", "end after it starts"),
        ({"break1_label": "Lunch"}, "break1_start", "When does this break start?"),
        ({"date": "2026-03-25"}, "date", "This day is already in the session."),
        ({"start": "25:00"}, "start", "Enter a valid time."),
    ],
)
def test_a_bad_day_is_refused_and_nothing_is_saved(
    client, mission, coordinator, data, field, message
):
    session = make_session(mission)
    add_day(session, date(2026, 3, 25))
    form = {"date": "2026-03-24", "start": "09:00", "end": "13:00", **data}
    response = client.post(session_url("day_create", session), form)
    assert response.status_code == 200
    errors = response.context["form"].errors
    key = field or "__all__"
    assert any(message in error for error in errors.get(key, [])), errors
    assert message in response.content.decode()
    assert SessionDay.objects.count() == 1
    assert SessionBreak.objects.count() == 0


def test_editing_a_day_replaces_its_breaks(client, mission, coordinator):
    session = make_session(mission)
    day = add_day(session, date(2026, 3, 24), breaks=[(time(10), time(10, 30), "Coffee")])
    page = client.get(session_url("day_edit", session, day=day.pk)).content.decode()
    assert 'value="10:00"' in page and 'value="Coffee"' in page
    response = client.post(
        session_url("day_edit", session, day=day.pk),
        {"date": "2024-03-24", "start": "09:00", "end": "13:00"},
    )
    assert response.status_code == 200  # outside the mission: refused, breaks kept
    assert day.breaks.count() == 1
    response = client.post(
        session_url("day_edit", session, day=day.pk),
        {"date": "2026-03-24", "start": "09:00", "end": "12:00"},
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.end, day.breaks.count()) == (time(12), 0)


def test_removing_a_day(client, mission, coordinator):
    session = make_session(mission)
    day = add_day(session, date(2026, 3, 24))
    client.post(session_url("day_delete", session, day=day.pk))
    assert not SessionDay.objects.exists()


# --- Tables -----------------------------------------------------------------------------------


def test_adding_ten_tables(client, mission, coordinator):
    session = make_session(mission)
    response = client.post(session_url("tables_add", session), {"count": "10"}, follow=True)
    assert [t.name for t in Table.objects.all()] == [f"Table {n}" for n in range(1, 11)]
    page = response.content.decode()
    assert "10 tables added." in page
    assert "10 tables" in page


@pytest.mark.parametrize("count", ["0", "501", "x", ""])
def test_a_bad_number_of_tables_adds_none(client, mission, coordinator, count):
    session = make_session(mission)
    response = client.post(session_url("tables_add", session), {"count": count}, follow=True)
    assert "Add between 1 and 500 tables." in response.content.decode()
    assert not Table.objects.exists()


def test_renaming_a_table_and_making_it_a_booth(client, mission, coordinator):
    session = make_session(mission)
    first, second = services.tables_add(session=session, count=2)
    host = visitor_participant(session, last_name="Bianchi")
    response = client.post(
        session_url("table_edit", session, table=first.pk),
        {"name": "Stand Bianchi", "host": host.pk},
    )
    assert response.status_code == 302
    host.refresh_from_db()
    assert (host.booth, Table.objects.get(pk=first.pk).name) == (first, "Stand Bianchi")
    page = client.get(session_url("session_detail", session)).content.decode()
    assert "booth of Person Bianchi" in page
    # A duplicate name: next to the name, nothing saved (not even the host).
    response = client.post(
        session_url("table_edit", session, table=second.pk),
        {"name": "Stand Bianchi", "host": host.pk},
    )
    assert (
        "The session already has a table with this name."
        in response.context["form"].errors["name"][0]
    )
    host.refresh_from_db()
    assert host.booth == first


def test_a_table_with_meetings_placed_cannot_be_deleted(client, mission, coordinator):
    session = make_session(mission)
    table = services.tables_add(session=session, count=1)[0]
    venue = make_venue(mission, name="Table 1")
    Table.objects.filter(pk=table.pk).update(venue=venue)
    a, b = member_participant(session), visitor_participant(session)
    request = services.request_create(requester=a, requested=b, by_coordinator=True)
    meeting = make_meeting(
        mission, local(mission, 2026, 3, 24, 9), local(mission, 2026, 3, 24, 9, 20), venue=venue
    )
    request.meeting = meeting
    request.save()
    response = client.post(session_url("table_delete", session, table=table.pk), follow=True)
    assert "Meetings are placed at Table 1" in response.content.decode()
    assert Table.objects.filter(pk=table.pk).exists()
    other = services.tables_add(session=session, count=1)[0]
    client.post(session_url("table_delete", session, table=other.pk))
    assert not Table.objects.filter(pk=other.pk).exists()


# --- Query counts -----------------------------------------------------------------------------


def _fill(session, days: int, tables: int):
    for n in range(days):
        add_day(session, date(2026, 3, 24 + n), breaks=[(time(11), time(11, 30), "Coffee")])
    services.tables_add(session=session, count=tables)


@pytest.mark.parametrize(("days", "tables"), [(1, 1), (2, 40)])
def test_the_setup_page_reads_a_fixed_number_of_queries(
    client, mission, coordinator, django_assert_num_queries, days, tables
):
    session = make_session(mission)
    _fill(session, days, tables)
    host = visitor_participant(session)
    services.table_set_host(table=session.tables.first(), host=host)
    with django_assert_num_queries(QUERIES_SETUP):
        response = client.get(session_url("session_detail", session))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_the_sessions_list_reads_a_fixed_number_of_queries(
    client, mission, coordinator, django_assert_num_queries, count
):
    for n in range(count):
        make_session(mission, title=f"Session {n}")
    with django_assert_num_queries(QUERIES_LIST):
        response = client.get(reverse("matchmaking:session", args=[mission.slug]))
    assert len(response.context["sessions"]) == count


QUERIES_SETUP = 11
QUERIES_LIST = 6


def test_a_day_with_many_breaks_keeps_them_all_when_edited(client, mission, coordinator):
    session = make_session(mission)
    pauses = [(time(h), time(h, 10), f"Pause {h}") for h in (9, 10, 11, 12)]
    day = add_day(session, date(2026, 3, 24), start=time(8), end=time(14), breaks=pauses)
    page = client.get(session_url("day_edit", session, day=day.pk))
    data = {
        name: field.value() or ""
        for name, field in ((n, page.context["form"][n]) for n in page.context["form"].fields)
    }
    data = {k: (v.strftime("%H:%M") if isinstance(v, time) else str(v)) for k, v in data.items()}
    data["end"] = "15:00"
    response = client.post(session_url("day_edit", session, day=day.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    assert [b.label for b in day.breaks.all()] == ["Pause 9", "Pause 10", "Pause 11", "Pause 12"]
