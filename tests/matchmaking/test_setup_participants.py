"""Participants of a session: delegation members, visitors from the directory or new, their
availability (a grid of slots, across a DST change), links, removal, the list with counts."""

from datetime import UTC, date, datetime, time

import pytest
from django.urls import reverse

from delegations.models import Organisation, Person
from matchmaking import services
from matchmaking.models import Absence, MeetingRequest, Participant
from tests.builders import (
    local,
    make_coordinator,
    make_meeting,
    make_member,
    make_organisation,
    make_person,
)
from tests.matchmaking.setup_builders import (
    add_day,
    make_session,
    member_participant,
    session_url,
    torino,
    visitor_participant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(mission):
    return make_session(mission, title="VTM B2B", slot_minutes=30)


# --- Adding ---------------------------------------------------------------------------------


def test_adding_delegation_members_not_yet_in(client, mission, session, coordinator):
    comau = make_organisation(name="Comau", sector="Robotics")
    rossi = make_member(
        mission, make_person(first_name="Anna", last_name="Rossi", organisation=comau)
    )
    verdi = make_member(mission, make_person(first_name="Luca", last_name="Verdi"))
    already = member_participant(session, first_name="Gia", last_name="Dentro")
    page = client.get(session_url("members_add", session)).content.decode()
    assert "Anna Rossi (Comau)" in page and "Luca Verdi" in page
    assert "Gia Dentro" not in page
    response = client.post(session_url("members_add", session), {"members": [rossi.pk, verdi.pk]})
    assert response.status_code == 302
    added = Participant.objects.filter(session=session).exclude(pk=already.pk)
    assert {(p.member, p.side) for p in added} == {
        (rossi, Participant.Side.DELEGATION),
        (verdi, Participant.Side.DELEGATION),
    }


def test_adding_no_member_or_another_missions_member_is_refused(
    client, mission, session, coordinator
):
    stranger = make_member(torino(slug="other-torino"))
    for data in ({}, {"members": [stranger.pk]}, {"members": ["99999999999999999999"]}):
        response = client.post(session_url("members_add", session), data)
        assert response.status_code == 200
        assert response.context["form"].errors["members"]
    assert not Participant.objects.exists()


def test_the_visitor_search_shows_directory_people_outside_the_delegation(
    client, mission, session, coordinator
):
    stellantis = make_organisation(name="Stellantis", sector="OEM")
    contact = make_person(first_name="Marie", last_name="Durand", organisation=stellantis)
    member_participant(session, first_name="Marie", last_name="Delegata")
    page = client.get(session_url("visitor_add", session) + "?q=Marie").content.decode()
    assert "Marie Durand · Stellantis" in page
    assert "(OEM)" in page
    assert "Marie Delegata" not in page
    response = client.post(
        session_url("visitor_add", session) + "?q=Marie",
        {"person": contact.pk, "offers": "Platforms", "looks_for": "Tier-2 suppliers"},
    )
    assert response.status_code == 302
    visitor = Participant.objects.get(person=contact)
    assert (visitor.side, visitor.offers, visitor.looks_for) == (
        Participant.Side.VISITOR,
        "Platforms",
        "Tier-2 suppliers",
    )


def test_a_delegation_member_cannot_be_added_as_a_visitor(client, mission, session, coordinator):
    member = make_member(mission)
    response = client.post(session_url("visitor_add", session), {"person": member.person.pk})
    assert "Select a valid choice" in response.context["form"].errors["person"][0]
    assert not Participant.objects.exists()


def test_a_new_person_and_organisation_in_one_go(client, mission, session, coordinator):
    response = client.post(
        session_url("visitor_add", session),
        {
            "first_name": "Kenji",
            "last_name": "Sato",
            "email": "k.sato@example.jp",
            "organisation_name": "Denso Europe",
            "sector": "Electronics",
            "country": "Japan",
            "max_meetings": "5",
        },
    )
    assert response.status_code == 302
    visitor = Participant.objects.select_related("person__organisation").get()
    organisation = visitor.person.organisation
    assert (organisation.name, organisation.sector, organisation.country) == (
        "Denso Europe",
        "Electronics",
        "Japan",
    )
    assert (visitor.person.email, visitor.max_meetings) == ("k.sato@example.jp", 5)
    # An organisation of the directory is found by its name, any case.
    client.post(
        session_url("visitor_add", session),
        {"first_name": "Aiko", "last_name": "Ito", "organisation_name": "DENSO europe"},
    )
    assert Organisation.objects.filter(name__iexact="denso europe").count() == 1
    assert Person.objects.get(last_name="Ito").organisation == organisation


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "person", "Choose a person of the directory"),
        ({"first_name": "Solo"}, "last_name", "This field is required."),
        ({"first_name": "A", "last_name": "B", "email": "nope"}, "email", "valid email"),
        ({"first_name": "A", "last_name": "B", "max_meetings": "0"}, "max_meetings", "greater"),
        # Somebody of the directory has this e-mail: the new organisation is not kept either.
        ({"first_name": "A", "last_name": "B", "email": "taken@example.org"}, "email", "e-mail"),
    ],
)
def test_a_bad_new_visitor_saves_nothing(
    client, mission, session, coordinator, data, field, message
):
    make_person(email="taken@example.org")
    people, organisations = Person.objects.count(), Organisation.objects.count()
    response = client.post(
        session_url("visitor_add", session), {"organisation_name": "Brand New Srl", **data}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors.get(field, [])), errors
    assert (Person.objects.count(), Organisation.objects.count()) == (people, organisations)
    assert not Participant.objects.exists()


# --- The list -------------------------------------------------------------------------------


def test_the_list_counts_requests_per_participant(client, mission, session, coordinator):
    a = member_participant(session, first_name="Anna", last_name="Rossi")
    b = visitor_participant(session, first_name="Bob", last_name="Smith")
    c = visitor_participant(session, first_name="Cleo", last_name="Jones")
    services.request_create(requester=a, requested=b, by_coordinator=True)
    services.request_create(requester=b, requested=a, by_coordinator=True)  # mutual
    to_c = services.request_create(requester=a, requested=c, by_coordinator=True)
    services.request_decide(request=to_c, accept=True, by_coordinator=True)
    services.request_create(requester=c, requested=b, by_coordinator=True)
    meeting = make_meeting(mission, local(mission, 2026, 3, 24, 9), local(mission, 2026, 3, 24, 10))
    MeetingRequest.objects.filter(requester=a, requested=b).update(meeting=meeting)
    MeetingRequest.objects.filter(requester=b, requested=a).update(meeting=meeting)
    response = client.get(session_url("participants", session))
    counts = {
        p.person.last_name: (p.made, p.received, p.accepted, p.placed)
        for p in response.context["participants"]
    }
    # Anna: asked Bob and Cleo; Bob asked her; accepted with Bob (mutual, once) and Cleo;
    # one meeting placed (the mutual pair's).
    assert counts == {"Rossi": (2, 1, 2, 1), "Smith": (1, 2, 1, 1), "Jones": (1, 1, 1, 0)}
    page = response.content.decode()
    assert "3 participants" in page
    assert "made 2 · received 1 · accepted 2 · placed 1" in page  # on a phone
    assert 'class="text-center d-none d-md-table-cell count-accepted">2<' in page


def test_filters_by_side_sector_and_text(client, mission, session, coordinator):
    member_participant(
        session, last_name="Rossi", organisation=make_organisation(sector="Robotics")
    )
    visitor_participant(session, last_name="Smith", organisation=make_organisation(sector="OEM"))
    visitor_participant(
        session, last_name="Jones", organisation=make_organisation(sector="Robotics")
    )

    def names(query):
        response = client.get(session_url("participants", session) + query)
        return sorted(p.person.last_name for p in response.context["participants"])

    assert names("?side=visitor") == ["Jones", "Smith"]
    assert names("?sector=Robotics") == ["Jones", "Rossi"]
    assert names("?q=smi") == ["Smith"]
    assert names("?side=delegation&sector=OEM") == []
    assert names("?side=bogus") == ["Jones", "Rossi", "Smith"]


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_reads_a_fixed_number_of_queries(
    client, mission, session, coordinator, django_assert_num_queries, count
):
    people = [visitor_participant(session) for _ in range(count)]
    member = member_participant(session)
    for person in people:
        services.request_create(requester=member, requested=person, by_coordinator=True)
    with django_assert_num_queries(8):
        response = client.get(session_url("participants", session))
    assert len(response.context["participants"]) == count + 1


def test_the_list_and_the_page_give_the_personal_link(
    client, mission, session, coordinator, settings
):
    settings.SITE_URL = "https://planner.example.org"
    visitor = visitor_participant(session, first_name="Giulia", last_name="Ferraris")
    path = f"/b2b/{visitor.token}/"
    assert reverse("matchmaking_public:page", args=[visitor.token]) == path
    link = f"https://planner.example.org{path}"
    assert link in client.get(session_url("participants", session)).content.decode()
    page = client.get(
        session_url("participant_edit", session, participant=visitor.pk)
    ).content.decode()
    assert f'value="{link}"' in page
    client.logout()
    opened = client.get(path)
    assert opened.status_code == 200
    assert "Giulia Ferraris" in opened.content.decode()
    client.force_login(coordinator)
    client.post(session_url("participant_rotate", session, participant=visitor.pk))
    visitor.refresh_from_db()
    page = client.get(
        session_url("participant_edit", session, participant=visitor.pk)
    ).content.decode()
    assert link not in page
    new_path = f"/b2b/{visitor.token}/"
    assert f"https://planner.example.org{new_path}" in page
    client.logout()
    assert client.get(path).status_code == 404
    assert "Giulia Ferraris" in client.get(new_path).content.decode()


# --- One participant ------------------------------------------------------------------------


def test_editing_a_participant(client, mission, session, coordinator):
    table = services.tables_add(session=session, count=1)[0]
    visitor = visitor_participant(session)
    response = client.post(
        session_url("participant_edit", session, participant=visitor.pk),
        {
            "offers": "Castings",
            "looks_for": "",
            "booth": table.pk,
            "max_meetings": "4",
            "version": visitor.version,
        },
    )
    assert response.status_code == 302
    visitor.refresh_from_db()
    assert (visitor.offers, visitor.booth, visitor.max_meetings) == ("Castings", table, 4)


def test_editing_a_participant_changed_meanwhile_is_a_conflict(
    client, mission, session, coordinator
):
    visitor = visitor_participant(session)
    opened = visitor.version
    services.participant_save(participant=Participant.objects.get(pk=visitor.pk))
    response = client.post(
        session_url("participant_edit", session, participant=visitor.pk),
        {"offers": "Mine", "version": opened},
    )
    assert response.status_code == 409
    assert "Save my version" in response.content.decode()
    assert Participant.objects.get(pk=visitor.pk).offers == ""


def test_a_delegation_members_stay_is_shown(client, mission, session, coordinator):
    member = make_member(
        mission,
        arrival=local(mission, 2026, 3, 23, 18),
        departure=local(mission, 2026, 3, 25, 16),
    )
    participant = services.participant_add_member(session=session, member=member)
    page = client.get(
        session_url("participant_edit", session, participant=participant.pk)
    ).content.decode()
    assert "arrives Mon 23 Mar 18:00" in page
    assert "leaves Wed 25 Mar 16:00" in page


def test_removing_a_participant_takes_their_requests(client, mission, session, coordinator):
    a, b = member_participant(session), visitor_participant(session)
    services.request_create(requester=a, requested=b, by_coordinator=True)
    page = client.get(session_url("participant_remove", session, participant=b.pk)).content.decode()
    assert "Their 1 request (made or received) goes with them." in page
    client.post(
        session_url("participant_remove", session, participant=b.pk), {"version": b.version}
    )
    assert not Participant.objects.filter(pk=b.pk).exists()
    assert not MeetingRequest.objects.exists()


def test_removing_a_participant_changed_meanwhile_is_refused(client, mission, session, coordinator):
    b = visitor_participant(session)
    opened = b.version
    services.participant_save(participant=Participant.objects.get(pk=b.pk))
    response = client.post(
        session_url("participant_remove", session, participant=b.pk), {"version": opened}
    )
    assert "changed by somebody else meanwhile" in response.content.decode()
    assert Participant.objects.filter(pk=b.pk).exists()


# --- Availability across the change to summer time -------------------------------------------


@pytest.fixture
def dst_session():
    """Europe/Rome moves its clocks forward on Sunday 29 March 2026 at 02:00."""
    mission = torino(start_date=date(2026, 3, 28), end_date=date(2026, 3, 29), slug="vtm-dst")
    session = make_session(mission, slot_minutes=30)
    add_day(session, date(2026, 3, 28), start=time(9), end=time(11))
    add_day(session, date(2026, 3, 29), start=time(9), end=time(11))
    return session


def _ticked(page: str) -> list[str]:
    import re

    return re.findall(r'name="slot" value="(\d+)" checked', page)


def test_the_availability_grid_round_trips_across_a_dst_change(client, dst_session):
    session = dst_session
    client.force_login(make_coordinator(session.mission))
    visitor = visitor_participant(session)
    url = session_url("participant_edit", session, participant=visitor.pk)
    page = client.get(url).content.decode()
    # Both days from 09:00 local, four slots each; all ticked at first.
    assert page.count("> 09:00</label>") == 2
    assert _ticked(page) == [str(n) for n in range(8)]
    # Absent at 09:30 on Saturday and at 10:00 and 10:30 on Sunday (summer time).
    response = client.post(
        session_url("participant_availability", session, participant=visitor.pk),
        {"slot": ["0", "2", "3", "4", "5"]},
    )
    assert response.status_code == 302
    assert [(a.start, a.end) for a in Absence.objects.order_by("start")] == [
        (datetime(2026, 3, 28, 8, 30, tzinfo=UTC), datetime(2026, 3, 28, 9, 0, tzinfo=UTC)),
        (datetime(2026, 3, 29, 8, 0, tzinfo=UTC), datetime(2026, 3, 29, 9, 0, tzinfo=UTC)),
    ]
    page = client.get(url).content.decode()
    assert _ticked(page) == ["0", "2", "3", "4", "5"]


def test_arrives_and_leaves_untick_the_slots_outside(client, dst_session):
    session = dst_session
    client.force_login(make_coordinator(session.mission))
    visitor = visitor_participant(session)
    client.post(
        session_url("participant_availability", session, participant=visitor.pk),
        {"slot": [str(n) for n in range(8)], "arrives": "2", "leaves": "5"},
    )
    page = client.get(
        session_url("participant_edit", session, participant=visitor.pk)
    ).content.decode()
    assert _ticked(page) == ["2", "3", "4", "5"]
    response = client.post(
        session_url("participant_availability", session, participant=visitor.pk),
        {"slot": ["0"], "arrives": "5", "leaves": "2"},
    )
    assert "They cannot leave before they arrive." in response.content.decode()
    page = client.get(
        session_url("participant_edit", session, participant=visitor.pk)
    ).content.decode()
    assert _ticked(page) == ["2", "3", "4", "5"]
    assert Absence.objects.count() == 2


@pytest.mark.parametrize("days", [1, 2])
def test_a_participants_page_reads_a_fixed_number_of_queries(
    client, mission, session, coordinator, django_assert_num_queries, days
):
    for n in range(days):
        add_day(session, date(2026, 3, 24 + n), start=time(9), end=time(17))
    participant = member_participant(session)
    slots = [
        (datetime(2026, 3, 24, 8, 0, tzinfo=UTC), datetime(2026, 3, 24, 8, 30, tzinfo=UTC)),
        (datetime(2026, 3, 24, 10, 0, tzinfo=UTC), datetime(2026, 3, 24, 10, 30, tzinfo=UTC)),
    ]
    services.participant_set_absences(participant=participant, periods=slots[:days])
    with django_assert_num_queries(QUERIES_PARTICIPANT):
        response = client.get(session_url("participant_edit", session, participant=participant.pk))
    assert response.status_code == 200


QUERIES_PARTICIPANT = 12


def test_the_members_list_shows_their_stay(client, mission, session, coordinator):
    make_member(
        mission,
        make_person(first_name="Sara", last_name="Bianchi"),
        arrival=local(mission, 2026, 3, 23, 18),
        departure=local(mission, 2026, 3, 25, 16),
    )
    page = client.get(session_url("members_add", session)).content.decode()
    assert "Sara Bianchi · arrives Mon 23 Mar 18:00, leaves Wed 25 Mar 16:00" in page
