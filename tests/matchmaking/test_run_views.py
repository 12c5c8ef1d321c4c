"""The run page ("Schedule" and its results), the hall plan, no-show and reschedule."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.urls import reverse

from matchmaking import scheduling, solver
from matchmaking.models import MeetingRequest, ScheduleRun
from matchmaking.scheduling import schedule_run
from meetings.models import Meeting
from outcomes.models import Outcome
from tests.builders import make_coordinator, make_mission, publish
from tests.catalogue import italian_with_pending  # noqa: F401  (a fixture)
from tests.matchmaking.run_builders import (
    SATURDAY,
    SUNDAY,
    accept,
    add_delegate,
    add_visitor,
    make_session,
)

pytestmark = pytest.mark.django_db


def run_url(session) -> str:
    return reverse("matchmaking:run", args=[session.mission.slug, session.pk])


def plan_url(session) -> str:
    return reverse("matchmaking:hall_plan", args=[session.mission.slug, session.pk])


@pytest.fixture
def turin():
    """Two days of four slots, two tables; Anna is limited to one meeting."""
    session = make_session(
        days=((SATURDAY, time(9), time(11)), (SUNDAY, time(9), time(11))), tables=2
    )
    anna = add_delegate(session, "Anna Rossi", "Regione Piemonte", max_meetings=1)
    bruno = add_delegate(session, "Bruno Bianchi", "Brembo")
    carla = add_visitor(session, "Carla Conti", "Rivian")
    dan = add_visitor(session, "Dan Doe", "Lucid")
    accept(anna, carla, MeetingRequest.Priority.MUST)
    accept(anna, dan)
    accept(bruno, carla)
    accept(dan, bruno, MeetingRequest.Priority.MUST)
    user = make_coordinator(session.mission)
    return session, user, (anna, bruno, carla, dan)


def test_pressing_schedule_places_the_requests_and_says_how_well(client, turin):
    session, user, (anna, bruno, carla, dan) = turin
    client.force_login(user)
    response = client.post(run_url(session), {"method": "cp-sat"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [(run_url(session), 302)]
    assert "Placed 3 of 4 accepted requests (weighted 7 of 8); optimal, proven in" in page
    assert "Anna Rossi ↔ Dan Doe" in page
    assert "Anna Rossi&#x27;s limit of 1 meeting reached" in page
    assert "Idle slots between meetings per participant" in page
    assert "(the fewest possible)" in page
    assert reverse("versions:list", args=[session.mission.slug]) in page
    assert Meeting.objects.filter(kind=Meeting.Kind.B2B).count() == 3
    run = ScheduleRun.objects.get()
    assert run.created_by == user


def test_quick_first_fit_and_earlier_runs_are_listed(client, turin):
    session, user, people = turin
    client.force_login(user)
    client.post(run_url(session), {"method": "greedy"})
    client.post(run_url(session), {"method": "cp-sat"})
    page = client.get(run_url(session)).content.decode()
    assert "Earlier runs" in page
    assert "quick first fit in" in page
    assert ScheduleRun.objects.count() == 2


def test_a_time_limited_run_shows_its_gap(client, turin):
    session, user, people = turin
    schedule_run(session=session)
    ScheduleRun.objects.update(status="feasible", gap=0.04)
    client.force_login(user)
    page = client.get(run_url(session)).content.decode()
    assert "best found, within 4 % of optimal (time limit reached)" in page


@pytest.mark.parametrize(
    "setup, message",
    [
        ("no_days", "The session has no days yet"),
        ("no_tables", "The session has no tables yet"),
        ("no_requests", "No accepted requests to schedule yet"),
        ("solver", "The scheduler refused this session: Locked requests clash."),
        ("method", "Select a valid choice."),
    ],
)
def test_bad_input_is_a_message_on_the_page_never_a_500(client, monkeypatch, setup, message):
    session = make_session(
        days=() if setup == "no_days" else ((SATURDAY, time(9), time(10)),),
        tables=0 if setup == "no_tables" else 1,
    )
    if setup != "no_requests":
        accept(add_delegate(session), add_visitor(session))

    def refuse(problem, **kwargs):
        raise ValueError("Locked requests clash.")

    monkeypatch.setattr(solver, "solve", refuse)
    client.force_login(make_coordinator(session.mission))
    data = {"method": "bogus" if setup == "method" else "cp-sat"}
    response = client.post(run_url(session), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ScheduleRun.objects.exists()
    assert not Meeting.objects.exists()


def test_a_change_while_scheduling_asks_to_run_again(client, turin, monkeypatch):
    session, user, (anna, bruno, carla, dan) = turin
    real = scheduling._solve

    def meanwhile(built, **kwargs):
        solution = real(built, **kwargs)
        accept(bruno, dan)
        return solution

    monkeypatch.setattr(scheduling, "_solve", meanwhile)
    client.force_login(user)
    response = client.post(run_url(session), {"method": "greedy"})
    assert response.status_code == 200
    assert "run again" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_run_page_lists_clash_warnings_of_the_sessions_meetings(client, turin):
    session, user, (anna, bruno, carla, dan) = turin
    schedule_run(session=session)
    meeting = MeetingRequest.objects.filter(meeting__isnull=False).first().meeting
    attendee = meeting.attendees.first()
    attendee.departure = meeting.start
    from delegations.services import delegation_member_save

    delegation_member_save(member=attendee)
    client.force_login(user)
    page = client.get(run_url(session)).content.decode()
    assert "Clash warnings" in page
    assert f"{attendee.person.full_name} leaves at" in page


# Session and user 2, mission 1, session 1, runs 1, may edit 1, accepted 1, the session's
# meetings 1, clash rules (meetings, attendees, members) 3, programme bar 1.
QUERIES_RUN_PAGE = 12


@pytest.mark.parametrize("runs", [1, 3])
def test_run_page_queries_do_not_grow_with_runs(client, turin, django_assert_num_queries, runs):
    session, user, people = turin
    for _ in range(runs):
        schedule_run(session=session, method=ScheduleRun.Method.GREEDY)
    client.force_login(user)
    client.get(run_url(session))
    with django_assert_num_queries(QUERIES_RUN_PAGE):
        assert client.get(run_url(session)).status_code == 200


# --- hall plan -------------------------------------------------------------------------------


def test_the_hall_plan_shows_who_meets_whom_at_which_table(client, turin):
    session, user, (anna, bruno, carla, dan) = turin
    schedule_run(session=session)
    client.force_login(user)
    page = client.get(plan_url(session)).content.decode()
    mutual = MeetingRequest.objects.get(requester=anna, requested=carla).meeting
    assert mutual.venue.name.split(" · ")[0] in page
    for name in ("Anna Rossi", "Carla Conti", "Regione Piemonte", "Rivian", "Dan Doe", "Lucid"):
        assert name in page
    assert "Saturday 28 March 2026" in page
    assert "Each participant's tables" in page
    assert "has not been published yet" in page
    publish(session.mission)
    page = client.get(plan_url(session)).content.decode()
    assert "has not been published yet" not in page
    assert "not published yet" not in page


def test_the_hall_plan_says_when_changes_are_unpublished(client, turin):
    session, user, people = turin
    schedule_run(session=session)
    publish(session.mission)
    schedule_run(session=session, method=ScheduleRun.Method.GREEDY)
    meeting = Meeting.objects.first()
    meeting.title = "Renamed"
    from meetings.services import meeting_save

    meeting_save(meeting=meeting)
    client.force_login(user)
    page = client.get(plan_url(session)).content.decode()
    assert "This is the working programme: 1 change is not published yet" in page


# Session and user 2, mission 1, session 1, may edit 1, the plan 5 (days, breaks, tables,
# participants, requests with meetings), latest version and pending 2, programme bar 1.
QUERIES_HALL_PLAN = 13


@pytest.mark.parametrize("pairs", [1, 6])
def test_hall_plan_queries_do_not_grow_with_meetings(client, django_assert_num_queries, pairs):
    session = make_session(days=((SATURDAY, time(9), time(12)),), tables=3)
    for _ in range(pairs):
        accept(add_delegate(session), add_visitor(session))
    schedule_run(session=session, method=ScheduleRun.Method.GREEDY)
    user = make_coordinator(session.mission)
    client.force_login(user)
    client.get(plan_url(session))
    with django_assert_num_queries(QUERIES_HALL_PLAN):
        page = client.get(plan_url(session)).content.decode()
    assert page.count('id="meeting-') == pairs


# --- no-show and reschedule ------------------------------------------------------------------


def _during_the_event(monkeypatch, *args):
    """Now is 28 March 2026 at this UTC time (the session's first day)."""
    moment = datetime(*args, tzinfo=UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    return moment


def test_no_show_only_for_started_meetings_then_reschedule_into_the_first_free_slot(
    client, turin, monkeypatch
):
    session, user, (anna, bruno, carla, dan) = turin
    schedule_run(session=session)
    meeting = MeetingRequest.objects.get(requester=bruno, requested=carla).meeting
    client.force_login(user)
    no_show = reverse("matchmaking:no_show", args=[session.mission.slug, session.pk, meeting.pk])
    # Before it starts: no button, and the POST is refused with the outcome rule's message.
    _during_the_event(monkeypatch, 2026, 3, 28, 7, 0)
    page = client.get(plan_url(session)).content.decode()
    assert no_show not in page
    response = client.post(no_show, follow=True)
    assert "has not taken place yet" in response.content.decode()
    assert not Outcome.objects.exists()
    # Once it started: the button, and the mark.
    started = meeting.start + timedelta(minutes=5)
    monkeypatch.setattr("django.utils.timezone.now", lambda: started)
    page = client.get(plan_url(session)).content.decode()
    assert no_show in page
    response = client.post(no_show, follow=True)
    assert "marked as a no-show" in response.content.decode()
    assert Outcome.objects.get(meeting=meeting).held == Outcome.Held.NO_SHOW
    # Reschedule: the free slots after now, the first chosen.
    url = reverse("matchmaking:reschedule", args=[session.mission.slug, session.pk, meeting.pk])
    page = client.get(url).content.decode()
    assert "Move the meeting" in page
    options = scheduling.reschedule_options(session=session, meeting=meeting)
    assert options and all(o.slot.start > meeting.start for o in options)
    sequence = meeting.sequence
    response = client.post(
        url, {"choice": options[0].value, "version": meeting.version}, follow=True
    )
    assert "moved to" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.start, meeting.venue) == (options[0].slot.start, options[0].table.venue)
    assert meeting.sequence == sequence + 1
    assert not Outcome.objects.filter(meeting=meeting).exists()


def test_reschedule_with_no_free_slot_says_so(client, turin, monkeypatch):
    session, user, (anna, bruno, carla, dan) = turin
    schedule_run(session=session)
    meeting = MeetingRequest.objects.get(requester=bruno, requested=carla).meeting
    _during_the_event(monkeypatch, 2026, 3, 29, 12, 0)  # after the last slot
    client.force_login(user)
    url = reverse("matchmaking:reschedule", args=[session.mission.slug, session.pk, meeting.pk])
    page = client.get(url).content.decode()
    assert "No free slot left after now" in page
    response = client.post(url, {"choice": "1-1", "version": meeting.version})
    assert response.status_code == 200
    assert Meeting.objects.get(pk=meeting.pk).start == meeting.start


def test_reschedule_refuses_a_stale_version(client, turin, monkeypatch):
    session, user, (anna, bruno, carla, dan) = turin
    schedule_run(session=session)
    meeting = MeetingRequest.objects.get(requester=bruno, requested=carla).meeting
    _during_the_event(monkeypatch, 2026, 3, 28, 7, 0)
    options = scheduling.reschedule_options(session=session, meeting=meeting)
    client.force_login(user)
    url = reverse("matchmaking:reschedule", args=[session.mission.slug, session.pk, meeting.pk])
    response = client.post(url, {"choice": options[0].value, "version": meeting.version - 1})
    assert response.status_code == 409
    assert "Somebody changed this meeting" in response.content.decode()


def test_another_missions_meeting_is_not_found(client, turin):
    session, user, people = turin
    other = make_mission()
    from tests.builders import local, make_meeting

    meeting = make_meeting(other, local(other, 2025, 4, 22, 9), local(other, 2025, 4, 22, 10))
    client.force_login(user)
    url = reverse("matchmaking:reschedule", args=[session.mission.slug, session.pk, meeting.pk])
    assert client.get(url).status_code == 404
    url = reverse("matchmaking:no_show", args=[session.mission.slug, session.pk, meeting.pk])
    assert client.post(url).status_code == 404


def test_a_coordinator_who_may_not_change_the_mission_cannot_schedule(client, turin, monkeypatch):
    session, user, people = turin
    from missions.models import MissionQuerySet

    monkeypatch.setattr(MissionQuerySet, "editable_by", lambda self, user: self.none())
    client.force_login(user)
    page = client.get(run_url(session)).content.decode()
    assert "you cannot run the scheduler" in page
    assert 'name="method"' not in page
    assert client.post(run_url(session), {"method": "greedy"}).status_code == 403
    assert not ScheduleRun.objects.exists()


def test_reschedule_refuses_a_slot_not_offered(client, turin, monkeypatch):
    session, user, (anna, bruno, carla, dan) = turin
    schedule_run(session=session)
    meeting = MeetingRequest.objects.get(requester=bruno, requested=carla).meeting
    _during_the_event(monkeypatch, 2026, 3, 28, 7, 0)
    client.force_login(user)
    url = reverse("matchmaking:reschedule", args=[session.mission.slug, session.pk, meeting.pk])
    for choice in ("999-999", "x", "\x00", "1" * 40):
        response = client.post(url, {"choice": choice, "version": meeting.version})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).start == meeting.start


def test_the_run_page_lists_meetings_kept_outside_the_schedule(client, turin):
    session, user, (anna, bruno, carla, dan) = turin
    schedule_run(session=session)
    meeting = MeetingRequest.objects.get(requester=dan, requested=bruno).meeting
    from matchmaking.services import participant_remove

    participant_remove(participant=dan)
    client.force_login(user)
    client.post(run_url(session), {"method": "cp-sat"})
    page = client.get(run_url(session)).content.decode()
    assert "Meetings kept outside the schedule" in page
    assert f">{meeting.title}</a>: placed for a participant no longer in the session" in page


def test_moving_between_two_tables_of_the_hall_is_no_buffer_warning(client):
    session = make_session(days=((SATURDAY, time(9), time(10)),), tables=2)
    first, second = session.tables.order_by("pk")
    anna = add_delegate(session, "Anna Rossi")
    carla = add_visitor(session, "Carla Conti", booth=first)
    dan = add_visitor(session, "Dan Doe", booth=second)
    accept(anna, carla)
    accept(anna, dan)
    run = schedule_run(session=session)
    assert run.placed == 2
    venues = set(session.tables.values_list("venue", flat=True))
    assert set(Meeting.objects.values_list("venue", flat=True)) == venues
    assert len(venues) == 2
    client.force_login(make_coordinator(session.mission))
    page = client.get(run_url(session)).content.decode()
    assert "Clash warnings" not in page
    assert "has only" not in page


def test_a_cancelled_meeting_is_not_rescheduled(client, turin, monkeypatch):
    session, user, (anna, bruno, carla, dan) = turin
    schedule_run(session=session)
    meeting = MeetingRequest.objects.get(requester=bruno, requested=carla).meeting
    from meetings.services import meeting_cancel

    meeting_cancel(meeting=meeting)
    _during_the_event(monkeypatch, 2026, 3, 28, 7, 0)
    client.force_login(user)
    url = reverse("matchmaking:reschedule", args=[session.mission.slug, session.pk, meeting.pk])
    page = client.get(url).content.decode()
    assert "This meeting is cancelled" in page
    assert "Move the meeting" not in page


@pytest.mark.usefixtures("italian_with_pending")
def test_the_run_page_and_hall_plan_speak_italian(client, turin):
    session, user, people = turin
    client.force_login(user)
    client.cookies["django_language"] = "it"
    client.post(run_url(session), {"method": "cp-sat"})
    page = client.get(run_url(session)).content.decode()
    assert "Richieste collocate: 3 su 4 accettate (peso 7 su 8); ottimale, dimostrato in" in page
    assert "Raggiunto il limite di 1 incontro di Anna Rossi" in page
    assert "Metti in calendario le richieste accettate" in page
    page = client.get(plan_url(session)).content.decode()
    assert "Piano della sala" in page
    assert "I tavoli di ogni partecipante" in page


def test_a_meeting_with_an_outcome_shows_it_instead_of_the_no_show_button(client, turin):
    session, user, (anna, bruno, carla, dan) = turin
    schedule_run(session=session)
    meeting = MeetingRequest.objects.get(requester=bruno, requested=carla).meeting
    from outcomes.services import outcome_save

    outcome_save(meeting=meeting, held=Outcome.Held.HELD, now=meeting.end)
    client.force_login(user)
    page = client.get(plan_url(session)).content.decode()
    no_show = reverse("matchmaking:no_show", args=[session.mission.slug, session.pk, meeting.pk])
    assert no_show not in page
    outcome = reverse("outcomes:outcome", args=[session.mission.slug, meeting.pk])
    assert f'href="{outcome}">Held</a>' in page
