"""Finding 1 of issue 7: the partners directory leaked delegates' contact details across
missions and let any coordinator change entries other missions use (docs/permissions.md)."""

import pytest
from django.urls import reverse

from delegations.models import Organisation, Person
from tests.builders import (
    local,
    make_coordinator,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Coordinator A plans mission A, coordinator B plans mission B; A's delegate works for
    an organisation; A meets a partner contact; one contact nobody references."""
    mission_a = make_mission(title="Mission A")
    mission_b = make_mission(title="Mission B")
    a = make_coordinator(mission_a, first_name="Anna", last_name="Rossi")
    b = make_coordinator(mission_b)
    region = make_organisation(name="Regione Piemonte")
    delegate = make_person(
        first_name="Andrea",
        last_name="Tronzano",
        email="andrea@example.org",
        phone="+39 011 555 0101",
        organisation=region,
    )
    member = make_member(mission_a, delegate)
    rivian = make_organisation(name="Rivian")
    partner = make_person(first_name="Carlo", last_name="Materazzo", organisation=rivian)
    make_meeting(
        mission_a,
        local(mission_a, 2025, 4, 22, 15),
        local(mission_a, 2025, 4, 22, 16),
        partner_contacts=[partner],
        partner_organisations=[rivian],
        attendees=[member],
    )
    loose = make_person(first_name="Nobody", last_name="Usesme", email="loose@example.org")
    return {
        "a": a,
        "b": b,
        "mission_a": mission_a,
        "mission_b": mission_b,
        "delegate": delegate,
        "member": member,
        "region": region,
        "rivian": rivian,
        "partner": partner,
        "loose": loose,
    }


def contact_post(person, **overrides):
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "position": person.position,
        "organisation": person.organisation_id or "",
        "email": person.email,
        "phone": person.phone,
        "preferred_language": person.preferred_language,
    }
    data.update(overrides)
    return data


def org_post(organisation, **overrides):
    data = {
        "name": organisation.name,
        "short_name": organisation.short_name,
        "kind": organisation.kind,
        "sector": "",
        "city": "",
        "country": "",
        "website": "",
        "description": "",
    }
    data.update(overrides)
    return data


# --- Reading -----------------------------------------------------------------------------------


def test_b_does_not_see_a_delegates_email_or_phone_in_the_contacts_list(client, world):
    client.force_login(world["b"])
    page = client.get(reverse("delegations:contacts")).content.decode()
    assert "andrea@example.org" not in page
    assert "+39 011 555 0101" not in page
    assert "Tronzano" not in page
    # The shared directory is still shared: partner contacts are listed.
    assert "Materazzo" in page
    found = client.get(reverse("delegations:contacts"), {"q": "Tronzano"}).content.decode()
    assert "andrea@example.org" not in found


def test_a_sees_their_own_delegate(client, world):
    client.force_login(world["a"])
    page = client.get(reverse("delegations:contacts")).content.decode()
    assert "andrea@example.org" in page
    assert "+39 011 555 0101" in page


def test_b_does_not_see_a_delegate_on_their_organisations_page(client, world):
    client.force_login(world["b"])
    page = client.get(reverse("delegations:organisation", args=[world["region"].pk]))
    assert page.status_code == 200
    assert "Tronzano" not in page.content.decode()
    listing = client.get(reverse("delegations:partners")).content.decode()
    assert "Regione Piemonte" in listing


def test_b_cannot_open_a_delegates_contact_page(client, world):
    client.force_login(world["b"])
    url = reverse("delegations:contact_edit", args=[world["delegate"].pk])
    response = client.get(url)
    assert response.status_code == 404
    assert b"andrea@example.org" not in response.content


# --- Changing ----------------------------------------------------------------------------------


def test_b_cannot_change_a_delegates_email(client, world):
    client.force_login(world["b"])
    delegate = world["delegate"]
    url = reverse("delegations:contact_edit", args=[delegate.pk])
    response = client.post(url, contact_post(delegate, email="b-owns-this@example.org"))
    assert response.status_code == 404
    delegate.refresh_from_db()
    assert delegate.email == "andrea@example.org"


def test_a_can_change_their_own_delegates_email(client, world):
    client.force_login(world["a"])
    delegate = world["delegate"]
    url = reverse("delegations:contact_edit", args=[delegate.pk])
    response = client.post(url, contact_post(delegate, email="new@example.org"))
    assert response.status_code == 302
    delegate.refresh_from_db()
    assert delegate.email == "new@example.org"
    # Recorded with who did it.
    assert delegate.history.first().history_user == world["a"]


def test_b_cannot_rename_an_organisation_a_delegate_works_for(client, world):
    client.force_login(world["b"])
    region = world["region"]
    url = reverse("delegations:organisation_edit", args=[region.pk])
    page = client.get(url)
    assert page.status_code == 403
    text = page.content.decode()
    assert "Read-only" in text
    assert "Anna Rossi" in text  # whom to ask
    response = client.post(url, org_post(region, name="Vandalised"))
    assert response.status_code == 403
    region.refresh_from_db()
    assert region.name == "Regione Piemonte"


def test_b_cannot_rename_a_partner_a_meets_nor_change_its_contact(client, world):
    client.force_login(world["b"])
    rivian, partner = world["rivian"], world["partner"]
    response = client.post(
        reverse("delegations:organisation_edit", args=[rivian.pk]), org_post(rivian, name="X")
    )
    assert response.status_code == 403
    assert Organisation.objects.get(pk=rivian.pk).name == "Rivian"
    response = client.post(
        reverse("delegations:contact_edit", args=[partner.pk]),
        contact_post(partner, last_name="Vandal"),
    )
    assert response.status_code == 403
    assert Person.objects.get(pk=partner.pk).last_name == "Materazzo"


def test_no_edit_buttons_for_what_b_may_not_change(client, world):
    client.force_login(world["b"])
    rivian, partner = world["rivian"], world["partner"]
    page = client.get(reverse("delegations:organisation", args=[rivian.pk])).content.decode()
    assert reverse("delegations:organisation_edit", args=[rivian.pk]) not in page
    assert reverse("delegations:contact_edit", args=[partner.pk]) not in page
    assert "Read-only" in page
    contacts = client.get(reverse("delegations:contacts")).content.decode()
    assert reverse("delegations:contact_edit", args=[partner.pk]) not in contacts
    assert reverse("delegations:contact_edit", args=[world["loose"].pk]) in contacts


def test_an_entry_no_mission_uses_is_everyones_to_change(client, world):
    client.force_login(world["b"])
    loose = world["loose"]
    response = client.post(
        reverse("delegations:contact_edit", args=[loose.pk]), contact_post(loose, phone="123")
    )
    assert response.status_code == 302
    assert Person.objects.get(pk=loose.pk).phone == "123"


def test_a_delegate_of_both_missions_is_seen_by_b_but_changed_by_neither_alone(client, world):
    make_member(world["mission_b"], world["delegate"])
    client.force_login(world["b"])
    url = reverse("delegations:contact_edit", args=[world["delegate"].pk])
    assert "andrea@example.org" in client.get(reverse("delegations:contacts")).content.decode()
    assert client.get(url).status_code == 403
    roster = client.get(reverse("delegations:roster", args=[world["mission_b"].slug]))
    assert url not in roster.content.decode()


def test_a_superuser_changes_anything(client, world):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    delegate = world["delegate"]
    url = reverse("delegations:contact_edit", args=[delegate.pk])
    assert client.post(url, contact_post(delegate, phone="1")).status_code == 302


# --- Pick-lists and messages -------------------------------------------------------------------


def test_member_add_pick_list_and_email_clash_do_not_leak_a_delegate(client, world):
    client.force_login(world["b"])
    url = reverse("delegations:member_add", args=[world["mission_b"].slug])
    page = client.get(url).content.decode()
    assert "Tronzano" not in page
    assert "Materazzo" in page  # partner contacts may travel too
    response = client.post(
        url,
        {
            "first_name": "Someone",
            "last_name": "Else",
            "email": "ANDREA@example.org",
            "preferred_language": "it",
            "role": "delegate",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "already in the directory, for someone you cannot see" in text
    assert "Tronzano" not in text
    assert "Andrea" not in text
    # Nobody can pick the hidden person by forging their pk either.
    forged = client.post(url, {"person": world["delegate"].pk, "role": "delegate"})
    assert forged.status_code == 200
    assert not world["mission_b"].members.exists()


def test_meeting_form_offers_b_no_delegate_of_a_as_partner_contact(client, world):
    client.force_login(world["b"])
    page = client.get(reverse("meetings:create", args=[world["mission_b"].slug]))
    text = page.content.decode()
    assert "Tronzano" not in text
    assert "Materazzo" in text


def test_quick_add_contact_email_clash_does_not_name_a_delegate(client, world):
    client.force_login(world["b"])
    url = reverse("meetings:quick_add", args=[world["mission_b"].slug, "contact"])
    response = client.post(
        url,
        {
            "new-contact-first_name": "X",
            "new-contact-last_name": "Y",
            "new-contact-email": "andrea@example.org",
        },
    )
    text = response.content.decode()
    assert "for someone you cannot see" in text
    assert "Tronzano" not in text
    assert Person.objects.filter(email__iexact="andrea@example.org").count() == 1


# --- The querysets themselves ------------------------------------------------------------------


def test_querysets_say_who_sees_and_changes_what(world):
    a, b = world["a"], world["b"]
    delegate, partner, loose = world["delegate"], world["partner"], world["loose"]
    assert set(Person.objects.visible_to(a)) == {delegate, partner, loose}
    assert set(Person.objects.visible_to(b)) == {partner, loose}
    assert set(Person.objects.editable_by(a)) == {delegate, partner, loose}
    assert set(Person.objects.editable_by(b)) == {loose}
    assert set(Organisation.objects.editable_by(b)) == set()
    assert set(Organisation.objects.editable_by(a)) == {world["region"], world["rivian"]}
    from django.contrib.auth.models import AnonymousUser

    assert not Person.objects.visible_to(AnonymousUser()).exists()
    assert not Organisation.objects.visible_to(AnonymousUser()).exists()


def test_a_person_in_two_delegations_comes_back_once(world):
    make_member(world["mission_b"], world["delegate"])
    world["mission_b"].coordinators.add(world["a"])
    people = list(Person.objects.visible_to(world["a"]).filter(pk=world["delegate"].pk))
    assert people == [world["delegate"]]


def test_a_partner_a_meets_stays_visible_to_a_when_b_takes_them_along(client, world):
    partner = world["partner"]
    partner.email = "carlo@example.org"
    partner.save()
    make_member(world["mission_b"], partner)
    client.force_login(world["a"])
    assert "carlo@example.org" in client.get(reverse("delegations:contacts")).content.decode()
    # ... but neither A nor B alone may change them any more.
    assert client.get(reverse("delegations:contact_edit", args=[partner.pk])).status_code == 403
    client.force_login(world["b"])
    assert client.get(reverse("delegations:contact_edit", args=[partner.pk])).status_code == 403
