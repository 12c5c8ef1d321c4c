import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.builders import make_coordinator, make_member, make_mission, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def test_login_page_shows_the_form_and_the_forgotten_password_link(client):
    response = client.get(reverse("login"))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in page
    assert 'name="password"' in page
    assert "Forgot your password?" in page
    assert reverse("password_reset") in page


def test_login_with_the_right_password_goes_to_the_requested_page(client):
    mission = make_mission()
    make_coordinator(mission, username="giulia")
    roster = reverse("delegations:roster", args=[mission.slug])

    response = client.post(
        reverse("login"), {"username": "giulia", "password": PASSWORD, "next": roster}
    )

    assert response.status_code == 302
    assert response["Location"] == roster
    assert client.get(roster).status_code == 200


def test_login_with_a_wrong_password_shows_an_error_and_keeps_the_username(client):
    make_user(username="giulia")

    response = client.post(reverse("login"), {"username": "giulia", "password": "wrong"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Please enter a correct username and password" in page
    assert 'value="giulia"' in page
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_lands_on_the_login_page(client):
    client.force_login(make_user())

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "url",
    [
        reverse("missions:list"),
        reverse("delegations:roster", args=["any-mission"]),
        reverse("delegations:member_add", args=["any-mission"]),
        reverse("delegations:partners"),
        reverse("delegations:contacts"),
        reverse("delegations:organisation", args=[1]),
        reverse("password_change"),
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_password_reset_sends_an_email_whose_link_sets_a_new_password(client):
    user = make_user(username="giulia", email="giulia@example.org")

    response = client.post(reverse("password_reset"), {"email": "giulia@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["giulia@example.org"]
    assert message.subject == "Choose a new password for the Trade Mission Planner"
    assert "Hello giulia," in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)

    # The link redirects to a one-time URL that shows the form.
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url,
        {"new_password1": "fresh-and-long-password", "new_password2": "fresh-and-long-password"},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("fresh-and-long-password")
    # Used once, the link no longer works.
    assert "This link no longer works" in client.get(link, follow=True).content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)

    assert "Check your e-mail" in response.content.decode()
    assert mail.outbox == []


def test_password_reset_with_a_malformed_address_shows_the_error_next_to_the_field(client):
    response = client.post(reverse("password_reset"), {"email": "not-an-address"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in page
    assert 'value="not-an-address"' in page
    assert "is-invalid" in page


def test_password_change_needs_the_old_password_and_keeps_the_user_signed_in(client):
    user = make_user()
    client.force_login(user)

    wrong = client.post(
        reverse("password_change"),
        {
            "old_password": "not-it",
            "new_password1": "fresh-and-long-password",
            "new_password2": "fresh-and-long-password",
        },
    )
    assert "Your old password was entered incorrectly" in wrong.content.decode()

    right = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "fresh-and-long-password",
            "new_password2": "fresh-and-long-password",
        },
        follow=True,
    )
    assert "Password changed" in right.content.decode()
    user.refresh_from_db()
    assert user.check_password("fresh-and-long-password")
    assert "_auth_user_id" in client.session


def test_a_signed_in_user_without_missions_sees_none_of_another_coordinators(client):
    mission = make_mission()
    make_member(mission)
    client.force_login(make_user())

    assert client.get(reverse("delegations:roster", args=[mission.slug])).status_code == 404
