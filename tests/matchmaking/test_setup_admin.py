"""Matchmaking in the admin (superusers): saved through the services, stale saves refused."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from matchmaking import services
from matchmaking.models import Participant, Session
from tests.formdata import opened
from tests.matchmaking.setup_builders import make_session, torino, visitor_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "pw"))
    return client


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize("kind", ["session", "participant"])
def test_a_stale_admin_save_is_refused_with_what_changed(root, kind):
    session = make_session(torino(), title="B2B")
    obj = session if kind == "session" else visitor_participant(session)
    url = _change_url(obj)
    form = opened(root, url, f"{obj._meta.model_name}_form")
    assert form["version"] == "1"
    if kind == "session":
        other = Session.objects.get(pk=session.pk)
        other.slot_minutes = 30
        services.session_save(session=other)
        form["slot_minutes"] = "15"
    else:
        other = Participant.objects.get(pk=obj.pk)
        other.offers = "Castings"
        services.participant_save(participant=other)
        form["offers"] = "Robots"
    response = root.post(url, form)
    page = _text(response)
    assert response.status_code == 200
    assert "Somebody saved this" in page and "while you were editing" in page
    assert ("Slot length (minutes) is now “30”" in page) or ("Offers is now “Castings”" in page)
    stored = type(obj).objects.get(pk=obj.pk)
    assert (stored.slot_minutes if kind == "session" else stored.offers) in (30, "Castings")


def test_the_participant_admin_hides_the_secret_link(root):
    visitor = visitor_participant(make_session(torino()))
    page = root.get(_change_url(visitor)).content.decode()
    assert visitor.token not in page
