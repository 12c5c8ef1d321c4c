from datetime import UTC, datetime

import pytest
from django.core import mail
from django.urls import reverse

from delegations.models import DelegationMember, Person
from meetings.models import Meeting
from meetings.services import meeting_cancel
from tests.builders import (
    local,
    make_coordinator,
    make_many_meetings,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    return make_mission(slug="vtm-michigan", title="VTM Michigan", timezone="America/Detroit")


@pytest.fixture
def coordinator(client, mission):
    user = make_coordinator(mission)
    client.force_login(user)
    return user


def roster_url(mission):
    return reverse("delegations:roster", args=[mission.slug])


def add_url(mission):
    return reverse("delegations:member_add", args=[mission.slug])


def member_url(name, member):
    return reverse(f"delegations:{name}", args=[member.mission.slug, member.pk])


def new_person_data(**overrides):
    data = {
        "person": "",
        "first_name": "Chiara",
        "last_name": "Appendino",
        "position": "Councillor",
        "organisation": "",
        "email": "chiara@example.org",
        "phone": "",
        "preferred_language": "it",
        "role": "delegate",
        "arrival_0": "",
        "arrival_1": "",
        "departure_0": "",
        "departure_1": "",
        "notes": "",
    }
    data.update(overrides)
    return data


# --- Permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["member_edit", "member_remove"])
def test_anonymous_visitor_is_sent_to_login_from_member_pages(client, mission, name):
    member = make_member(mission)
    url = member_url(name, member)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", ["member_rotate_token", "member_send_links", "member_remove"])
def test_anonymous_post_changes_nothing(client, mission, name):
    member = make_member(mission)
    token = member.token

    response = client.post(member_url(name, member))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert DelegationMember.objects.get(pk=member.pk).token == token


def test_coordinator_of_another_mission_gets_404_everywhere(client, mission):
    member = make_member(mission)
    client.force_login(make_coordinator(make_mission()))

    assert client.get(roster_url(mission)).status_code == 404
    assert client.get(add_url(mission)).status_code == 404
    assert client.post(add_url(mission), new_person_data()).status_code == 404
    for name in ("member_edit", "member_remove"):
        assert client.get(member_url(name, member)).status_code == 404
    for name in ("member_rotate_token", "member_send_links", "member_remove"):
        assert client.post(member_url(name, member)).status_code == 404
    assert DelegationMember.objects.filter(pk=member.pk).exists()
    assert not Person.objects.filter(last_name="Appendino").exists()


def test_a_member_is_reached_only_through_their_own_mission(client, coordinator, mission):
    other_mission = make_mission(coordinators=[coordinator])
    stranger = make_member(other_mission)

    url = reverse("delegations:member_edit", args=[mission.slug, stranger.pk])

    assert client.get(url).status_code == 404


def test_superuser_sees_every_mission_roster(client, mission):
    make_member(mission, make_person(first_name="Alberto", last_name="Cirio"))
    client.force_login(make_user(is_superuser=True, is_staff=True))

    response = client.get(roster_url(mission))

    assert response.status_code == 200
    assert "Alberto Cirio" in response.content.decode()


# --- The roster ------------------------------------------------------------------------------


def test_empty_roster_invites_to_add_the_first_delegate(client, coordinator, mission):
    page = client.get(roster_url(mission)).content.decode()

    assert "Nobody in the delegation yet" in page
    assert add_url(mission) in page


def test_roster_lists_delegates_with_organisation_role_and_local_travel_times(
    client, coordinator, mission
):
    regione = make_organisation(name="Regione Piemonte")
    person = make_person(
        first_name="Andrea",
        last_name="Tronzano",
        position="Regional councillor",
        organisation=regione,
    )
    make_member(
        mission,
        person,
        role=DelegationMember.Role.HEAD,
        # 19:30 UTC is 15:30 in Detroit (EDT, UTC-4).
        arrival=datetime(2025, 4, 21, 19, 30, tzinfo=UTC),
        departure=datetime(2025, 4, 25, 14, 0, tzinfo=UTC),
    )

    page = client.get(roster_url(mission)).content.decode()

    assert "1 person in the delegation" in page
    assert "Andrea Tronzano" in page
    assert "Regional councillor" in page
    assert "Regione Piemonte" in page
    assert "Head of delegation" in page
    assert "Mon 21 Apr, 15:30" in page
    assert "Fri 25 Apr, 10:00" in page


def test_roster_counts_meetings_but_not_cancelled_ones(client, coordinator, mission):
    member = make_member(mission)
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 9, 0),
        local(mission, 2025, 4, 22, 10, 0),
        attendees=[member],
    )
    cancelled = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 11, 0),
        local(mission, 2025, 4, 22, 12, 0),
        attendees=[member],
    )
    meeting_cancel(meeting=cancelled)

    response = client.get(roster_url(mission))

    assert [m.meeting_count for m in response.context["members"]] == [1]
    assert '<span class="fw-semibold" data-meeting-count>1</span>' in response.content.decode()


def test_roster_shows_personal_link_feed_and_agenda_of_each_delegate(
    client, coordinator, mission, settings
):
    settings.SITE_URL = "https://missions.example.org"
    settings.ALLOWED_HOSTS = ["10.0.0.5", "testserver"]
    member = make_member(mission)

    # Whatever host the coordinator's browser used, the links are on SITE_URL (one rule).
    page = client.get(roster_url(mission), HTTP_HOST="10.0.0.5:8101").content.decode()

    base = "https://missions.example.org"
    page_url = base + reverse("public:delegate_page", args=[member.token])
    feed_url = base + reverse("public:delegate_feed", args=[member.token])
    assert f'value="{page_url}"' in page
    assert f'value="{feed_url}"' in page
    assert (
        "webcal://missions.example.org" + reverse("public:delegate_feed", args=[member.token])
        in page
    )
    assert "10.0.0.5" not in page
    agenda = reverse("meetings:agenda", args=[mission.slug])
    assert f"{agenda}?delegate={member.pk}" in page


@pytest.mark.parametrize("meeting_count", [1, 300])
def test_roster_queries_do_not_grow_with_meetings(
    client, coordinator, mission, django_assert_num_queries, meeting_count
):
    members = [make_member(mission) for _ in range(3)]
    make_many_meetings(mission, meeting_count, attendees=members)

    # +1: the latest programme version with its pending count (the bar).
    with django_assert_num_queries(5):
        # 1 session, 2 user, 3 the mission (visible to this coordinator),
        # 4 the members with people, organisations and meeting counts.
        response = client.get(roster_url(mission))

    assert [m.meeting_count for m in response.context["members"]] == [meeting_count] * 3


# --- Adding a delegate -----------------------------------------------------------------------


def test_add_form_offers_existing_people_and_new_person_fields(client, coordinator, mission):
    make_person(first_name="Stefano", last_name="Geuna")

    page = client.get(add_url(mission)).content.decode()

    assert "Geuna Stefano" in page
    assert 'name="first_name"' in page
    assert 'name="arrival_0"' in page and 'type="date"' in page
    assert "Local time in America/Detroit." in page


def test_add_an_existing_person_with_arrival_in_the_mission_zone(client, coordinator, mission):
    person = make_person(first_name="Stefano", last_name="Geuna")

    response = client.post(
        add_url(mission),
        new_person_data(
            person=person.pk,
            first_name="",
            last_name="",
            position="",
            email="",
            role="delegate",
            arrival_0="2025-04-21",
            arrival_1="15:30",
            departure_0="2025-04-25",
            departure_1="10:00",
        ),
        follow=True,
    )

    member = DelegationMember.objects.get(mission=mission, person=person)
    assert member.arrival == datetime(2025, 4, 21, 19, 30, tzinfo=UTC)
    assert member.departure == datetime(2025, 4, 25, 14, 0, tzinfo=UTC)
    assert response.redirect_chain[-1][0] == roster_url(mission)
    assert "Stefano Geuna joined the delegation." in response.content.decode()


def test_add_a_new_person_creates_them_and_their_membership(client, coordinator, mission):
    regione = make_organisation(name="Regione Piemonte")

    response = client.post(add_url(mission), new_person_data(organisation=regione.pk, role="head"))

    assert response.status_code == 302
    person = Person.objects.get(last_name="Appendino")
    assert (person.first_name, person.position, person.organisation, person.email) == (
        "Chiara",
        "Councillor",
        regione,
        "chiara@example.org",
    )
    assert person.preferred_language == "it"
    member = DelegationMember.objects.get(person=person)
    assert (member.mission, member.role) == (mission, "head")


def test_add_and_add_another_comes_back_to_the_form(client, coordinator, mission):
    response = client.post(add_url(mission), new_person_data(add_another="1"))

    assert response["Location"] == add_url(mission)


def test_adding_someone_twice_says_so_next_to_the_person_field(client, coordinator, mission):
    person = make_person(first_name="Stefano", last_name="Geuna")
    make_member(mission, person)

    response = client.post(
        add_url(mission),
        new_person_data(person=person.pk, first_name="", last_name="", position="", email=""),
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["person"] == ["Stefano Geuna is already in this mission's delegation."]
    assert "Stefano Geuna is already in this mission&#x27;s delegation." in (
        response.content.decode()
    )
    assert DelegationMember.objects.filter(mission=mission).count() == 1


def test_picking_a_person_and_typing_one_is_an_error(client, coordinator, mission):
    person = make_person()

    response = client.post(add_url(mission), new_person_data(person=person.pk))

    assert response.context["form"].errors["person"] == [
        "Pick someone from the list or type a new person, not both."
    ]
    assert not DelegationMember.objects.exists()
    assert not Person.objects.filter(last_name="Appendino").exists()


def test_an_empty_add_form_asks_for_someone(client, coordinator, mission):
    response = client.post(
        add_url(mission),
        new_person_data(first_name="", last_name="", position="", email=""),
    )

    assert response.context["form"].errors["person"] == [
        "Pick someone from the list, or type the new person's name below."
    ]


def test_a_new_person_needs_a_last_name_and_keeps_what_was_typed(client, coordinator, mission):
    response = client.post(add_url(mission), new_person_data(last_name=""))

    page = response.content.decode()
    assert response.context["form"].errors["last_name"] == ["Required for a new person."]
    assert 'value="Chiara"' in page
    assert 'value="chiara@example.org"' in page
    assert not Person.objects.filter(first_name="Chiara").exists()


def test_a_new_person_with_a_known_email_points_to_the_list(client, coordinator, mission):
    make_person(email="chiara@example.org")

    response = client.post(add_url(mission), new_person_data(email="CHIARA@example.org"))

    assert response.context["form"].errors["email"] == [
        "Another person already has this e-mail address: pick them from the list."
    ]
    assert not DelegationMember.objects.exists()


def test_departure_before_arrival_saves_neither_person_nor_membership(client, coordinator, mission):
    response = client.post(
        add_url(mission),
        new_person_data(
            arrival_0="2025-04-25",
            arrival_1="10:00",
            departure_0="2025-04-21",
            departure_1="15:30",
        ),
    )

    page = response.content.decode()
    assert response.context["form"].errors["departure"] == ["Departure must be after arrival."]
    assert 'value="2025-04-25"' in page
    assert 'value="15:30"' in page
    assert not Person.objects.filter(last_name="Appendino").exists()
    assert not DelegationMember.objects.exists()


def test_an_arrival_in_the_skipped_dst_hour_is_refused(client, coordinator, mission):
    # Detroit's clocks jumped from 02:00 to 03:00 on 9 March 2025.
    response = client.post(
        add_url(mission), new_person_data(arrival_0="2025-03-09", arrival_1="02:30")
    )

    [error] = response.context["form"].errors["arrival"]
    assert "does not exist in America/Detroit" in error
    assert not Person.objects.filter(last_name="Appendino").exists()


def test_garbage_dates_are_errors_not_crashes(client, coordinator, mission):
    response = client.post(
        add_url(mission),
        new_person_data(arrival_0="2025-13-45", arrival_1="25:99", role="emperor", person="x"),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"arrival", "role", "person"}


# --- Editing ---------------------------------------------------------------------------------


def test_edit_form_shows_stored_times_in_the_mission_zone(client, coordinator, mission):
    member = make_member(mission, arrival=datetime(2025, 4, 21, 19, 30, tzinfo=UTC))

    page = client.get(member_url("member_edit", member)).content.decode()

    assert 'value="2025-04-21"' in page
    assert 'value="15:30"' in page


def test_edit_changes_role_and_departure(client, coordinator, mission):
    member = make_member(mission)

    response = client.post(
        member_url("member_edit", member),
        {
            "role": "staff",
            "arrival_0": "",
            "arrival_1": "",
            "departure_0": "2025-04-25",
            "departure_1": "08:00",
            "notes": "Flies back via Paris",
        },
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == "staff"
    assert member.departure == datetime(2025, 4, 25, 12, 0, tzinfo=UTC)
    assert member.notes == "Flies back via Paris"


def test_edit_with_a_date_but_no_time_shows_the_error_and_changes_nothing(
    client, coordinator, mission
):
    member = make_member(mission)

    response = client.post(
        member_url("member_edit", member),
        {"role": "staff", "arrival_0": "2025-04-21", "arrival_1": "", "notes": ""},
    )

    assert response.context["form"].errors["arrival"] == ["Enter a valid time."]
    member.refresh_from_db()
    assert (member.role, member.arrival) == ("delegate", None)


# --- Removing, rotating, e-mailing -----------------------------------------------------------


def test_remove_asks_first_and_says_their_meetings_stay(client, coordinator, mission):
    member = make_member(mission, make_person(first_name="Stefano", last_name="Geuna"))
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 9, 0),
        local(mission, 2025, 4, 22, 10, 0),
        title="Visit to GM",
        attendees=[member],
    )

    page = client.get(member_url("member_remove", member)).content.decode()

    assert "Remove Stefano Geuna from the delegation?" in page
    assert "Their 1 meeting stays in the agenda; they simply stop attending it." in page
    assert "Tue 22 Apr, 09:00 · Visit to GM" in page
    assert DelegationMember.objects.filter(pk=member.pk).exists()


def test_remove_deletes_the_membership_and_keeps_the_meeting(client, coordinator, mission):
    member = make_member(mission, make_person(first_name="Stefano", last_name="Geuna"))
    meeting = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 9, 0),
        local(mission, 2025, 4, 22, 10, 0),
        attendees=[member],
    )

    response = client.post(member_url("member_remove", member), follow=True)

    assert not DelegationMember.objects.filter(pk=member.pk).exists()
    assert Person.objects.filter(pk=member.person_id).exists()
    assert list(Meeting.objects.get(pk=meeting.pk).attendees.all()) == []
    assert "Stefano Geuna left the delegation." in response.content.decode()


def test_rotate_token_issues_a_new_link_and_warns_old_ones_stop(client, coordinator, mission):
    member = make_member(mission, make_person(first_name="Stefano", last_name="Geuna"))
    old = member.token

    response = client.post(member_url("member_rotate_token", member), follow=True)

    member.refresh_from_db()
    assert member.token != old
    page = response.content.decode()
    assert "Stefano Geuna has a new personal link. The old page and calendar links stop" in page
    assert reverse("public:delegate_page", args=[member.token]) in page
    assert reverse("public:delegate_page", args=[old]) not in page


def test_rotate_token_refuses_get(client, coordinator, mission):
    member = make_member(mission)

    assert client.get(member_url("member_rotate_token", member)).status_code == 405
    assert client.get(member_url("member_send_links", member)).status_code == 405


def test_send_links_without_an_email_address_says_what_to_do(client, coordinator, mission):
    member = make_member(mission, make_person(first_name="Stefano", last_name="Geuna", email=""))

    response = client.post(member_url("member_send_links", member), follow=True)

    assert "Stefano Geuna has no e-mail address: add one to their contact card first." in (
        response.content.decode()
    )
    assert mail.outbox == []


def test_send_links_emails_the_delegate_their_links(client, coordinator, mission, settings):
    settings.SITE_URL = "http://127.0.0.1:8101"
    member = make_member(
        mission, make_person(first_name="Stefano", last_name="Geuna", email="sg@example.org")
    )

    response = client.post(member_url("member_send_links", member), follow=True)

    assert "Sent Stefano Geuna their personal links at sg@example.org." in (
        response.content.decode()
    )
    [message] = mail.outbox
    assert message.to == ["Stefano Geuna <sg@example.org>"]
    assert "http://127.0.0.1:8101" + reverse("public:delegate_page", args=[member.token]) in (
        message.body
    )


class RefusingBackend:
    """An SMTP server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def test_send_links_when_the_mail_server_is_down_says_so(client, coordinator, mission, settings):
    settings.EMAIL_BACKEND = "tests.delegations.test_views_roster.RefusingBackend"
    member = make_member(mission, make_person(first_name="Stefano", last_name="Geuna"))

    response = client.post(member_url("member_send_links", member), follow=True)

    assert response.status_code == 200
    assert "The e-mail to Stefano Geuna could not be sent." in response.content.decode()
