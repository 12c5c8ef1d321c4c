"""Requests for coordinators: the list with counts and filters, a request entered on someone's
behalf (the service's refusals next to the fields), decisions on a participant's behalf."""

import pytest

from matchmaking import services
from matchmaking.models import MeetingRequest
from tests.builders import make_organisation
from tests.matchmaking.setup_builders import (
    make_session,
    member_participant,
    session_url,
    torino,
    visitor_participant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(mission):
    return make_session(mission, title="VTM B2B", max_requests=2)


@pytest.fixture
def people(session):
    comau = make_organisation(name="Comau")
    return {
        "anna": member_participant(
            session, first_name="Anna", last_name="Rossi", organisation=comau
        ),
        "carlo": member_participant(
            session, first_name="Carlo", last_name="Neri", organisation=comau
        ),
        "bob": visitor_participant(session, first_name="Bob", last_name="Smith"),
        "cleo": visitor_participant(session, first_name="Cleo", last_name="Jones"),
    }


def test_entering_a_request_on_someones_behalf(client, session, coordinator, people):
    response = client.post(
        session_url("requests", session),
        {"requester": people["anna"].pk, "requested": people["bob"].pk, "priority": "must"},
        follow=True,
    )
    request = MeetingRequest.objects.get()
    assert (request.requester, request.requested, request.priority, request.status) == (
        people["anna"],
        people["bob"],
        "must",
        "pending",
    )
    page = response.content.decode()
    assert "Anna Rossi asked to meet Bob Smith." in page
    assert 'id="count-requested">1<' in page and 'id="count-pending">1<' in page


@pytest.mark.parametrize(
    ("requester", "requested", "field", "message"),
    [
        ("anna", "anna", "requested", "A participant cannot ask to meet themselves."),
        ("anna", "carlo", "requested", "Carlo Neri works for the same organisation."),
        ("anna", "bob", "requested", "You already asked to meet Bob Smith."),
        ("anna", None, "requested", "This field is required."),
        ("anna", "forged", "requested", "Select a valid choice"),
    ],
)
def test_a_refused_request_says_why_next_to_the_field(
    client, session, coordinator, people, requester, requested, field, message
):
    services.request_create(requester=people["anna"], requested=people["bob"], by_coordinator=True)
    other = visitor_participant(make_session(torino(slug="elsewhere")))
    targets = {"forged": other.pk, None: "", **{name: p.pk for name, p in people.items()}}
    target = targets[requested]
    response = client.post(
        session_url("requests", session),
        {"requester": people[requester].pk, "requested": target, "priority": "nice"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors.get(field, [])), errors
    assert message in response.content.decode()
    assert MeetingRequest.objects.count() == 1


def test_the_reverse_request_makes_a_mutual_match(client, session, coordinator, people):
    services.request_create(requester=people["bob"], requested=people["anna"], by_coordinator=True)
    response = client.post(
        session_url("requests", session),
        {"requester": people["anna"].pk, "requested": people["bob"].pk, "priority": "nice"},
        follow=True,
    )
    page = response.content.decode()
    assert "who had asked too: a mutual match" in page
    assert page.count('class="badge text-bg-success mutual-badge"') == 2
    assert 'id="count-mutual">1<' in page and 'id="count-accepted">2<' in page
    assert set(MeetingRequest.objects.values_list("status", flat=True)) == {"accepted"}


def _act(client, session, request, **data):
    request.refresh_from_db()
    return client.post(
        session_url("request_action", session, pk=request.pk),
        {"version": request.version, **data},
        follow=True,
    )


def test_deciding_on_a_participants_behalf(client, session, coordinator, people):
    request = services.request_create(requester=people["anna"], requested=people["bob"])
    page = _act(client, session, request, action="accept").content.decode()
    assert "Bob Smith accepts to meet Anna Rossi." in page
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("accepted", "coordinator")
    _act(client, session, request, action="decline")
    request.refresh_from_db()
    assert request.status == "declined"
    _act(client, session, request, action="priority", priority="must")
    request.refresh_from_db()
    assert request.priority == "must"
    _act(client, session, request, action="withdraw")
    request.refresh_from_db()
    assert request.status == "withdrawn"
    page = _act(client, session, request, action="accept").content.decode()
    assert "This request was withdrawn." in page
    request.refresh_from_db()
    assert request.status == "withdrawn"


def test_a_decision_on_a_request_changed_meanwhile_is_refused(client, session, coordinator, people):
    request = services.request_create(requester=people["anna"], requested=people["bob"])
    opened = request.version
    services.request_decide(request=request, accept=False, by_coordinator=True)
    response = client.post(
        session_url("request_action", session, pk=request.pk),
        {"version": opened, "action": "accept"},
        follow=True,
    )
    assert "changed by somebody else meanwhile" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "declined"


@pytest.mark.parametrize(
    "data", [{}, {"action": "explode"}, {"action": "priority", "priority": ""}]
)
def test_a_bad_action_changes_nothing(client, session, coordinator, people, data):
    request = services.request_create(requester=people["anna"], requested=people["bob"])
    response = client.post(session_url("request_action", session, pk=request.pk), data, follow=True)
    assert response.status_code == 200
    assert "Choose" in response.content.decode()
    request.refresh_from_db()
    assert (request.status, request.priority, request.version) == ("pending", "nice", 1)


def test_closed_requests_still_let_coordinators_decide(client, session, coordinator, people):
    session.requests_open = False
    services.session_save(session=session)
    request = services.request_create(
        requester=people["anna"], requested=people["bob"], by_coordinator=True
    )
    page = _act(client, session, request, action="accept").content.decode()
    assert "Requests are closed for participants" in page
    request.refresh_from_db()
    assert request.status == "accepted"


def test_filters_and_counts(client, session, coordinator, people):
    a, b, c = people["anna"], people["bob"], people["cleo"]
    services.request_create(requester=a, requested=b, priority="must", by_coordinator=True)
    declined = services.request_create(requester=c, requested=a, by_coordinator=True)
    services.request_decide(request=declined, accept=False, by_coordinator=True)
    services.request_create(requester=b, requested=people["carlo"], by_coordinator=True)

    def pairs(query):
        response = client.get(session_url("requests", session) + query)
        return sorted(
            (r.requester.person.last_name, r.requested.person.last_name)
            for r in response.context["rows"]
        )

    assert pairs("?status=declined") == [("Jones", "Rossi")]
    assert pairs("?priority=must") == [("Rossi", "Smith")]
    assert pairs(f"?participant={b.pk}") == [("Rossi", "Smith"), ("Smith", "Neri")]
    assert pairs("?participant=99999999999999999999") == pairs("")
    assert pairs("?status=nonsense") == pairs("")
    counts = client.get(session_url("requests", session)).context["counts"]
    assert counts == {"requested": 3, "accepted": 0, "declined": 1, "pending": 2, "mutual": 0}


@pytest.mark.parametrize("count", [1, 25])
def test_the_list_reads_a_fixed_number_of_queries(
    client, session, coordinator, people, django_assert_num_queries, count
):
    member = people["anna"]
    for _ in range(count):
        services.request_create(
            requester=visitor_participant(session), requested=member, by_coordinator=True
        )
    with django_assert_num_queries(11):
        response = client.get(session_url("requests", session))
    assert len(response.context["rows"]) == count


def test_coordinators_may_go_past_the_request_limit_and_are_told(
    client, session, coordinator, people
):
    a = people["anna"]
    services.request_create(requester=a, requested=people["bob"], by_coordinator=True)
    services.request_create(requester=a, requested=people["cleo"], by_coordinator=True)
    extra = visitor_participant(session, first_name="Dan", last_name="Extra")
    response = client.post(
        session_url("requests", session),
        {"requester": a.pk, "requested": extra.pk, "priority": "nice"},
        follow=True,
    )
    assert "Anna Rossi has now made 3 requests, more than the session&#x27;s limit of 2" in (
        response.content.decode()
    )
    assert MeetingRequest.objects.filter(requester=a).count() == 3


def test_accepting_past_a_meeting_limit_warns(client, session, coordinator, people):
    bob = people["bob"]
    bob.max_meetings = 1
    services.participant_save(participant=bob)
    first = services.request_create(requester=people["anna"], requested=bob)
    services.request_decide(request=first, accept=True, by_coordinator=True)
    second = services.request_create(requester=people["cleo"], requested=bob)
    # Cleo and Bob are both visitors of different organisations: allowed.
    page = _act(client, session, second, action="accept").content.decode()
    assert "Bob Smith now has 2 accepted meetings for at most 1" in page
