import pytest
from django.urls import reverse

from delegations.models import Organisation, Person
from meetings.services import meeting_cancel
from tests.builders import (
    local,
    make_many_meetings,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
    make_user,
)

pytestmark = pytest.mark.django_db

PARTNERS = reverse("delegations:partners")
CONTACTS = reverse("delegations:contacts")


@pytest.fixture
def coordinator(client):
    user = make_user()
    client.force_login(user)
    return user


def organisation_url(organisation):
    return reverse("delegations:organisation", args=[organisation.pk])


def org_data(**overrides):
    data = {
        "name": "Rivian Automotive",
        "short_name": "Rivian",
        "kind": "oem",
        "sector": "Electric vehicles",
        "city": "Irvine",
        "country": "United States",
        "website": "https://rivian.com",
        "description": "",
    }
    data.update(overrides)
    return data


def contact_data(**overrides):
    data = {
        "first_name": "Carlo",
        "last_name": "Materazzo",
        "position": "VP Manufacturing",
        "organisation": "",
        "email": "carlo@example.org",
        "phone": "",
        "preferred_language": "en",
    }
    data.update(overrides)
    return data


# --- The directory ---------------------------------------------------------------------------


def test_empty_directory_invites_to_add_the_first_organisation(client, coordinator):
    page = client.get(PARTNERS).content.decode()

    assert "No organisations yet" in page
    assert reverse("delegations:organisation_create") in page


def test_directory_lists_organisations_with_contact_and_meeting_counts(client, coordinator):
    mission = make_mission(coordinators=[coordinator])
    rivian = make_organisation(name="Rivian", sector="Electric vehicles", country="United States")
    make_person(organisation=rivian)
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 9, 0),
        local(mission, 2025, 4, 22, 10, 0),
        partner_organisations=[rivian],
    )

    response = client.get(PARTNERS)

    [row] = response.context["page"].object_list
    assert (row.name, row.contact_count, row.meeting_count) == ("Rivian", 1, 1)
    page = response.content.decode()
    assert "Rivian" in page
    assert "Electric vehicles" in page
    assert "1 organisation" in page


def test_directory_counts_only_meetings_of_missions_the_user_plans(client, coordinator):
    mine = make_mission(coordinators=[coordinator])
    theirs = make_mission()
    rivian = make_organisation(name="Rivian")
    for mission in (mine, theirs):
        make_meeting(
            mission,
            local(mission, 2025, 4, 22, 9, 0),
            local(mission, 2025, 4, 22, 10, 0),
            partner_organisations=[rivian],
        )

    [row] = client.get(PARTNERS).context["page"].object_list

    assert row.meeting_count == 1


def test_directory_filters_by_kind_sector_country_and_name(client, coordinator):
    make_organisation(
        name="Rivian", kind="oem", sector="Electric vehicles", country="United States"
    )
    make_organisation(name="Eaton", kind="supplier", sector="Power", country="United States")
    make_organisation(name="ANFIA", kind="association", sector="Automotive", country="Italy")

    def names(**query):
        response = client.get(PARTNERS, query)
        return [o.name for o in response.context["page"].object_list]

    assert names() == ["ANFIA", "Eaton", "Rivian"]
    assert names(kind="supplier") == ["Eaton"]
    assert names(sector="Automotive") == ["ANFIA"]
    assert names(country="United States") == ["Eaton", "Rivian"]
    assert names(country="United States", kind="oem") == ["Rivian"]
    assert names(q="riv") == ["Rivian"]


def test_filter_form_offers_the_known_sectors_and_countries(client, coordinator):
    make_organisation(name="Rivian", sector="Electric vehicles", country="United States")
    make_organisation(name="ANFIA", sector="Automotive", country="Italy")

    page = client.get(PARTNERS).content.decode()

    assert '<option value="Automotive">Automotive</option>' in page
    assert '<option value="Italy">Italy</option>' in page
    assert '<option value="United States">United States</option>' in page


def test_an_unknown_filter_value_is_reported_not_a_crash(client, coordinator):
    make_organisation(name="Rivian")

    response = client.get(PARTNERS, {"kind": "spaceship", "page": "nine"})

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert [o.name for o in response.context["page"].object_list] == ["Rivian"]


def test_no_match_says_so_and_offers_to_clear(client, coordinator):
    make_organisation(name="Rivian")

    page = client.get(PARTNERS, {"q": "zzz"}).content.decode()

    assert "No organisation matches these filters" in page
    assert "Show all organisations" in page


@pytest.mark.parametrize("meeting_count", [1, 300])
def test_directory_queries_do_not_grow_with_meetings(
    client, coordinator, django_assert_num_queries, meeting_count
):
    mission = make_mission(coordinators=[coordinator])
    organisations = [make_organisation() for _ in range(3)]
    make_many_meetings(mission, meeting_count, organisations=organisations)

    with django_assert_num_queries(5):
        # 1 session, 2 user, 3 sectors and countries for the filters,
        # 4 the paginator's count, 5 the page of organisations with their counts.
        response = client.get(PARTNERS)

    assert [o.meeting_count for o in response.context["page"].object_list] == [meeting_count] * 3


# --- An organisation's page ------------------------------------------------------------------


def test_organisation_page_lists_meetings_across_missions_in_their_zones(client, coordinator):
    pontiac = make_mission(title="VTM Michigan 2025", city="Pontiac", coordinators=[coordinator])
    torino = make_mission(
        title="VTM Torino 2026",
        city="Torino",
        country="Italy",
        timezone="Europe/Rome",
        start_date=pontiac.start_date.replace(year=2026),
        end_date=pontiac.end_date.replace(year=2026),
        coordinators=[coordinator],
    )
    rivian = make_organisation(name="Rivian")
    delegate = make_member(pontiac, make_person(first_name="Andrea", last_name="Tronzano"))
    make_meeting(
        pontiac,
        local(pontiac, 2025, 4, 22, 15, 30),
        local(pontiac, 2025, 4, 22, 16, 30),
        title="Meeting with Rivian",
        partner_organisations=[rivian],
        attendees=[delegate],
    )
    make_meeting(
        torino,
        local(torino, 2026, 4, 22, 10, 0),
        local(torino, 2026, 4, 22, 12, 0),
        title="Rivian visits Torino",
        partner_organisations=[rivian],
    )

    page = client.get(organisation_url(rivian)).content.decode()

    assert "2 meetings across the missions you plan." in page
    assert "Met in Pontiac, 2025" in page
    assert "Met in Torino, 2026" in page
    assert page.index("Met in Torino, 2026") < page.index("Met in Pontiac, 2025")
    assert "Tue 22 Apr 2025, 15:30–16:30" in page
    assert "Wed 22 Apr 2026, 10:00–12:00" in page
    assert "Delegation: Andrea Tronzano" in page


def test_organisation_page_includes_meetings_with_its_people(client, coordinator):
    mission = make_mission(coordinators=[coordinator])
    rivian = make_organisation(name="Rivian")
    carlo = make_person(first_name="Carlo", last_name="Materazzo", organisation=rivian)
    other = make_person(first_name="Someone", last_name="Else")
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 9, 0),
        local(mission, 2025, 4, 22, 10, 0),
        title="Breakfast with Carlo",
        partner_contacts=[carlo, other],
    )

    page = client.get(organisation_url(rivian)).content.decode()

    assert "Breakfast with Carlo" in page
    assert "With: Carlo Materazzo" in page
    assert "Someone Else" not in page


def test_organisation_page_hides_meetings_of_missions_the_user_does_not_plan(client, coordinator):
    theirs = make_mission(title="Secret mission")
    rivian = make_organisation(name="Rivian")
    make_meeting(
        theirs,
        local(theirs, 2025, 4, 22, 9, 0),
        local(theirs, 2025, 4, 22, 10, 0),
        title="Confidential talk",
        partner_organisations=[rivian],
    )

    page = client.get(organisation_url(rivian)).content.decode()

    assert "Confidential talk" not in page
    assert "Secret mission" not in page
    assert "No meetings with this organisation yet" in page


def test_superuser_sees_every_missions_meetings_with_an_organisation(client):
    mission = make_mission()
    rivian = make_organisation(name="Rivian")
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 9, 0),
        local(mission, 2025, 4, 22, 10, 0),
        title="Meeting with Rivian",
        partner_organisations=[rivian],
    )
    client.force_login(make_user(is_superuser=True))

    assert "Meeting with Rivian" in client.get(organisation_url(rivian)).content.decode()


def test_organisation_page_marks_cancelled_meetings(client, coordinator):
    mission = make_mission(coordinators=[coordinator])
    rivian = make_organisation(name="Rivian")
    meeting = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 9, 0),
        local(mission, 2025, 4, 22, 10, 0),
        partner_organisations=[rivian],
    )
    meeting_cancel(meeting=meeting)

    page = client.get(organisation_url(rivian)).content.decode()

    assert "meeting-cancelled" in page
    assert "Cancelled" in page


def test_organisation_page_lists_contacts_or_says_there_are_none(client, coordinator):
    rivian = make_organisation(name="Rivian")
    eaton = make_organisation(name="Eaton")
    make_person(first_name="Carlo", last_name="Materazzo", organisation=rivian, phone="+1 555")

    rivian_page = client.get(organisation_url(rivian)).content.decode()
    eaton_page = client.get(organisation_url(eaton)).content.decode()

    assert "Carlo Materazzo" in rivian_page
    assert 'href="tel:+1 555"' in rivian_page
    assert "No contacts at this organisation yet." in eaton_page


def test_unknown_organisation_is_404(client, coordinator):
    assert client.get(reverse("delegations:organisation", args=[999999])).status_code == 404


@pytest.mark.parametrize("meeting_count", [1, 300])
def test_organisation_page_queries_do_not_grow_with_meetings(
    client, coordinator, django_assert_num_queries, meeting_count
):
    mission = make_mission(coordinators=[coordinator])
    rivian = make_organisation(name="Rivian")
    contact = make_person(organisation=rivian)
    members = [make_member(mission) for _ in range(2)]
    make_many_meetings(
        mission, meeting_count, attendees=members, organisations=[rivian], contacts=[contact]
    )

    with django_assert_num_queries(7):
        # 1 session, 2 user, 3 the organisation, 4 its contacts,
        # 5 the meetings with mission and venue, 6 their attendees with people,
        # 7 their contacts from this organisation.
        response = client.get(organisation_url(rivian))

    assert response.context["meeting_count"] == meeting_count


# --- Creating and editing --------------------------------------------------------------------


def test_create_organisation_then_land_on_its_page(client, coordinator):
    response = client.post(reverse("delegations:organisation_create"), org_data(), follow=True)

    rivian = Organisation.objects.get(name="Rivian Automotive")
    assert (rivian.short_name, rivian.kind, rivian.country) == ("Rivian", "oem", "United States")
    assert response.redirect_chain[-1][0] == organisation_url(rivian)
    assert "Saved Rivian Automotive." in response.content.decode()


def test_duplicate_organisation_name_is_an_error_next_to_the_name(client, coordinator):
    make_organisation(name="Rivian Automotive")

    response = client.post(
        reverse("delegations:organisation_create"), org_data(name="rivian automotive")
    )

    page = response.content.decode()
    assert response.context["form"].errors["name"] == [
        "An organisation with this name already exists."
    ]
    assert 'value="rivian automotive"' in page
    assert 'value="Electric vehicles"' in page
    assert Organisation.objects.count() == 1


def test_bad_website_and_kind_are_errors_next_to_their_fields(client, coordinator):
    response = client.post(
        reverse("delegations:organisation_create"), org_data(website="not a url", kind="x")
    )

    errors = response.context["form"].errors
    assert set(errors) == {"website", "kind"}
    assert not Organisation.objects.exists()


def test_edit_organisation_keeps_the_stored_name_in_the_heading_on_error(client, coordinator):
    make_organisation(name="Eaton")
    rivian = make_organisation(name="Rivian")

    response = client.post(
        reverse("delegations:organisation_edit", args=[rivian.pk]), org_data(name="Eaton")
    )

    page = response.content.decode()
    assert "Edit Rivian" in page
    assert 'value="Eaton"' in page
    rivian.refresh_from_db()
    assert rivian.name == "Rivian"


def test_edit_organisation_saves(client, coordinator):
    rivian = make_organisation(name="Rivian")

    client.post(reverse("delegations:organisation_edit", args=[rivian.pk]), org_data())

    rivian.refresh_from_db()
    assert (rivian.name, rivian.city) == ("Rivian Automotive", "Irvine")


def test_new_contact_form_preselects_the_organisation(client, coordinator):
    rivian = make_organisation(name="Rivian")

    response = client.get(reverse("delegations:contact_create"), {"organisation": rivian.pk})

    assert f'<option value="{rivian.pk}" selected>Rivian</option>' in response.content.decode()


def test_create_contact_goes_back_to_their_organisation(client, coordinator):
    rivian = make_organisation(name="Rivian")

    response = client.post(
        reverse("delegations:contact_create"), contact_data(organisation=rivian.pk)
    )

    carlo = Person.objects.get(last_name="Materazzo")
    assert carlo.organisation == rivian
    assert response["Location"] == organisation_url(rivian)


def test_duplicate_contact_email_is_an_error_next_to_the_email(client, coordinator):
    make_person(email="carlo@example.org")

    response = client.post(
        reverse("delegations:contact_create"), contact_data(email="Carlo@Example.org")
    )

    assert response.context["form"].errors["email"] == [
        "Another person already has this e-mail address."
    ]
    assert 'value="Materazzo"' in response.content.decode()
    assert not Person.objects.filter(last_name="Materazzo").exists()


def test_edit_contact_returns_to_a_local_next_page_only(client, coordinator):
    carlo = make_person(first_name="Carlo", last_name="Materazzo")
    url = reverse("delegations:contact_edit", args=[carlo.pk])

    local_next = client.post(f"{url}?next=/missions/x/delegation/", contact_data())
    evil_next = client.post(f"{url}?next=https://evil.example/", contact_data())

    assert local_next["Location"] == "/missions/x/delegation/"
    assert evil_next["Location"] == CONTACTS


# --- Contacts list ---------------------------------------------------------------------------


def test_contacts_list_searches_names_and_organisations(client, coordinator):
    rivian = make_organisation(name="Rivian")
    make_person(first_name="Carlo", last_name="Materazzo", organisation=rivian)
    make_person(first_name="Stefano", last_name="Geuna")

    def names(**query):
        response = client.get(CONTACTS, query)
        return [p.full_name for p in response.context["page"].object_list]

    assert names() == ["Stefano Geuna", "Carlo Materazzo"]
    assert names(q="rivian") == ["Carlo Materazzo"]
    assert names(q="geu") == ["Stefano Geuna"]
    assert "Nobody matches “zzz”" in client.get(CONTACTS, {"q": "zzz"}).content.decode()


def test_empty_contacts_list_invites_to_add_one(client, coordinator):
    assert "No contacts yet" in client.get(CONTACTS).content.decode()


def test_contact_search_with_a_nul_character_says_so_instead_of_failing(client, coordinator):
    make_person(first_name="Stefano", last_name="Geuna")

    response = client.get(CONTACTS + "?q=%00")

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert [p.full_name for p in response.context["page"].object_list] == ["Stefano Geuna"]


def test_a_name_with_a_line_break_is_refused_next_to_the_name(client, coordinator):
    response = client.post(
        reverse("delegations:contact_create"),
        contact_data(first_name="Carlo\r\nBcc: someone@example.com"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["first_name"] == [
        "A name must be on one line, without control characters."
    ]
    assert not Person.objects.filter(last_name="Materazzo").exists()
