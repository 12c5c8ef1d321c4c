"""Hypothesis over the matchmaking setup's forms and filters: never a 5xx, and a form error
never leaves anything half-saved (run it on PostgreSQL too, like tests/test_fuzz.py)."""

from datetime import date, time

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from delegations.models import DelegationMember, Organisation, Person
from matchmaking import services
from matchmaking.models import Absence, MeetingRequest, Participant, Session, SessionDay, Table
from tests.builders import make_coordinator, make_member
from tests.matchmaking.setup_builders import (
    add_day,
    make_session,
    session_url,
    torino,
    visitor_participant,
)
from tests.test_fuzz import DATE, FUZZ, INTEGER, TEXT, TIME, maybe

pytestmark = pytest.mark.django_db

MODELS = (
    Session,
    SessionDay,
    Table,
    Participant,
    Absence,
    MeetingRequest,
    Person,
    Organisation,
    DelegationMember,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def world(client):
    mission = torino()
    client.force_login(make_coordinator(mission))
    session = make_session(mission, title="B2B")
    add_day(session, date(2026, 3, 24), start=time(9), end=time(11))
    member = services.participant_add_member(session=session, member=make_member(mission))
    visitor = visitor_participant(session)
    return {"client": client, "session": session, "member": member, "visitor": visitor}


def _check(response, before):
    assert response.status_code < 500, response.status_code
    if response.status_code == 200:
        assert counts() == before


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "title": maybe("Second", TEXT),
            "slot_minutes": maybe("20", INTEGER),
            "max_meetings": maybe("", INTEGER),
            "max_requests": maybe("", INTEGER),
            "solver_seconds": maybe("30", INTEGER),
            "hall": maybe("", INTEGER),
            "requests_open": maybe("on", TEXT),
        }
    )
)
def test_session_form(world, data):
    before = counts()
    response = world["client"].post(
        reverse("matchmaking:session", args=[world["session"].mission.slug]), data
    )
    _check(response, before)


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "date": maybe("2026-03-25", DATE),
            "start": maybe("09:00", TIME),
            "end": maybe("12:00", TIME),
            "break1_start": maybe("10:00", TIME),
            "break1_end": maybe("10:30", TIME),
            "break1_label": maybe("Lunch", TEXT),
        }
    )
)
def test_day_form(world, data):
    before = counts()
    _check(world["client"].post(session_url("day_create", world["session"]), data), before)


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "person": maybe("", INTEGER),
            "first_name": maybe("Kenji", TEXT),
            "last_name": maybe("Sato", TEXT),
            "email": maybe("", TEXT),
            "organisation_name": maybe("Denso", TEXT),
            "sector": maybe("", TEXT),
            "country": maybe("", TEXT),
            "offers": maybe("", TEXT),
            "booth": maybe("", INTEGER),
            "max_meetings": maybe("", INTEGER),
        }
    ),
    query=TEXT,
)
def test_visitor_form(world, data, query):
    before = counts()
    url = session_url("visitor_add", world["session"])
    assert world["client"].get(url, {"q": query}).status_code < 500
    _check(world["client"].post(url, data), before)


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "requester": maybe("", INTEGER),
            "requested": maybe("", INTEGER),
            "priority": maybe("must", TEXT),
        }
    ),
    filters=st.fixed_dictionaries(
        {"status": TEXT, "priority": TEXT, "participant": INTEGER, "mutual": TEXT}
    ),
)
def test_requests_form_and_filters(world, data, filters):
    if data["requester"] == "":
        data["requester"] = str(world["member"].pk)
    if data["requested"] == "":
        data["requested"] = str(world["visitor"].pk)
    url = session_url("requests", world["session"])
    assert world["client"].get(url, filters).status_code < 500
    before = counts()
    _check(world["client"].post(url, data), before)


@FUZZ
@given(
    slots=st.lists(st.one_of(INTEGER, TEXT), max_size=5),
    arrives=st.one_of(INTEGER, TEXT),
    leaves=st.one_of(INTEGER, TEXT),
    side=TEXT,
    query=TEXT,
    action=TEXT,
    version=TEXT,
)
def test_availability_actions_and_filters(
    world, slots, arrives, leaves, side, query, action, version
):
    session, visitor = world["session"], world["visitor"]
    client = world["client"]
    response = client.post(
        session_url("participant_availability", session, participant=visitor.pk),
        {"slot": slots, "arrives": arrives, "leaves": leaves},
    )
    assert response.status_code < 500
    assert (
        client.get(session_url("participants", session), {"side": side, "q": query}).status_code
        < 500
    )
    assert client.post(session_url("tables_add", session), {"count": query}).status_code < 500
    request = MeetingRequest.objects.first() or services.request_create(
        requester=world["member"], requested=visitor, by_coordinator=True
    )
    response = client.post(
        session_url("request_action", session, pk=request.pk),
        {"action": action, "version": version, "priority": side},
    )
    assert response.status_code < 500
