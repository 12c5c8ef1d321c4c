"""Login throttling (django-axes) on the coordinators' and the admin's sign-in pages.

Five wrong passwords for one username from one address lock that pair out for 15 minutes:
the right password is then refused too, with a page that says why. Others are not affected.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from config.security import login_client_ip
from tests.builders import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")


def sign_in(client, url, username, password, address="203.0.113.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def assert_locked_out(response, client):
    page = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Too many failed sign-in attempts" in page
    assert "paused for 15 minutes" in page
    assert reverse("password_reset") in page
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN], ids=["planner", "admin"])
def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, url):
    make_user(username="giulia", is_staff=True, is_superuser=True)
    for _ in range(30):
        sign_in(client, url, "giulia", "guess")

    assert_locked_out(sign_in(client, url, "giulia", PASSWORD), client)


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN], ids=["planner", "admin"])
def test_the_fifth_wrong_password_locks_out_and_the_fourth_does_not(client, url):
    make_user(username="giulia", is_staff=True, is_superuser=True)
    for _ in range(4):
        response = sign_in(client, url, "giulia", "guess")
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()

    assert_locked_out(sign_in(client, url, "giulia", "guess"), client)


def test_four_wrong_passwords_then_the_right_one_signs_in_and_starts_the_count_again(client):
    make_user(username="giulia")
    for _ in range(4):
        sign_in(client, LOGIN, "giulia", "guess")

    assert sign_in(client, LOGIN, "giulia", PASSWORD)["Location"] == "/"
    assert not AccessAttempt.objects.exists()


def test_a_colleague_at_the_same_address_still_signs_in(client):
    make_user(username="giulia")
    make_user(username="marco")
    for _ in range(30):
        sign_in(client, LOGIN, "giulia", "guess")

    response = sign_in(client, LOGIN, "marco", PASSWORD)

    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_the_same_user_from_another_address_still_signs_in(client):
    """An attacker elsewhere cannot lock a coordinator out of their own office."""
    make_user(username="giulia")
    for _ in range(30):
        sign_in(client, LOGIN, "giulia", "guess", address="198.51.100.66")

    response = sign_in(client, LOGIN, "giulia", PASSWORD, address="203.0.113.7")

    assert response.status_code == 302


def test_the_lockout_ends_after_the_cool_off(client):
    make_user(username="giulia")
    for _ in range(5):
        sign_in(client, LOGIN, "giulia", "guess")
    assert sign_in(client, LOGIN, "giulia", PASSWORD).status_code == 429

    attempt = AccessAttempt.objects.get()
    attempt.attempt_time -= timedelta(minutes=15, seconds=1)
    attempt.save()

    assert sign_in(client, LOGIN, "giulia", PASSWORD)["Location"] == "/"


def test_limit_and_cool_off_come_from_settings(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    make_user(username="giulia")
    assert sign_in(client, LOGIN, "giulia", "guess").status_code == 200

    response = sign_in(client, LOGIN, "giulia", "guess")

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "paused for 1 minute." in response.content.decode()


# The address counted --------------------------------------------------------------------------


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post(LOGIN, **extra)


def test_without_a_proxy_a_forged_forwarded_for_is_ignored(settings):
    settings.PROXY_COUNT = 0
    assert login_client_ip(request_from("203.0.113.7", "10.9.9.9")) == "203.0.113.7"


def test_behind_one_proxy_the_address_it_saw_counts_not_what_the_client_wrote(settings):
    settings.PROXY_COUNT = 1
    # The client forged the first entry; the proxy appended the real address.
    request = request_from("127.0.0.1", "10.9.9.9, 203.0.113.7")
    assert login_client_ip(request) == "203.0.113.7"


def test_behind_two_proxies_the_outer_proxys_entry_counts(settings):
    settings.PROXY_COUNT = 2
    request = request_from("127.0.0.1", "10.9.9.9, 203.0.113.7, 192.0.2.10")
    assert login_client_ip(request) == "203.0.113.7"


def test_behind_a_proxy_a_garbled_header_falls_back_to_the_socket_address(settings):
    settings.PROXY_COUNT = 1
    assert login_client_ip(request_from("192.0.2.10", "not-an-address")) == "192.0.2.10"
    assert login_client_ip(request_from("192.0.2.10", "")) == "192.0.2.10"


def test_behind_a_proxy_each_client_address_is_counted_separately(client, settings):
    settings.PROXY_COUNT = 1
    make_user(username="giulia")
    for _ in range(30):
        client.post(
            LOGIN,
            {"username": "giulia", "password": "guess"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )

    response = client.post(
        LOGIN,
        {"username": "giulia", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )

    assert response.status_code == 302
