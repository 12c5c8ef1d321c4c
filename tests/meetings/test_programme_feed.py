"""Finding 9 of issue 7: the programme feed was public at a guessable address and named
delegates and partner contacts. Now: the complete programme at a secret, rotatable link; the
slug address only for a published mission its coordinators marked public, organisations only."""

import logging

import icalendar
import pytest
from django.urls import reverse

from missions.models import Mission
from missions.services import mission_save
from tests.builders import make_coordinator, make_user
from tests.icsparsers import assert_all_parsers_read
from tests.meetings.ics_builders import mission_with_delegate

pytestmark = pytest.mark.django_db


def slug_url(mission) -> str:
    return reverse("public:mission_feed", args=[mission.slug])


def token_url(mission) -> str:
    return reverse("public:mission_feed", args=[mission.feed_token])


def descriptions(body: bytes) -> str:
    cal = icalendar.Calendar.from_ical(body)
    return "\n".join(str(event.get("DESCRIPTION", "")) for event in cal.walk("VEVENT"))


def test_the_slug_address_answers_404_unless_published_and_public(client):
    mission, _, _ = mission_with_delegate()
    assert client.get(slug_url(mission)).status_code == 404  # published, not public
    mission.programme_public = True
    mission.status = Mission.Status.DRAFT
    mission_save(mission=mission)
    assert client.get(slug_url(mission)).status_code == 404  # public, not published
    mission.status = Mission.Status.PUBLISHED
    mission_save(mission=mission)
    assert client.get(slug_url(mission)).status_code == 200


def test_the_public_programme_names_organisations_only(client):
    mission, member, meeting = mission_with_delegate()
    mission.programme_public = True
    mission_save(mission=mission)
    response = client.get(slug_url(mission))
    assert response.status_code == 200
    text = descriptions(response.content)
    partner = meeting.partner_organisations.get()
    contact = meeting.partner_contacts.get()
    assert partner.name in text
    assert contact.last_name not in text
    assert member.person.last_name not in text
    assert "SECRET-INTERNAL-NOTE" not in text
    assert_all_parsers_read(response.content, [meeting])


def test_the_secret_link_gives_the_complete_programme(client):
    mission, member, meeting = mission_with_delegate()
    response = client.get(token_url(mission))
    assert response.status_code == 200
    text = descriptions(response.content)
    assert member.person.last_name in text
    assert meeting.partner_contacts.get().last_name in text
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"].startswith("private")
    assert_all_parsers_read(response.content, [meeting])


def test_the_secret_link_of_a_draft_mission_answers_404(client):
    mission, _, _ = mission_with_delegate(status=Mission.Status.DRAFT)
    assert client.get(token_url(mission)).status_code == 404


def test_a_wrong_or_malformed_token_answers_the_same_404(client):
    mission, _, _ = mission_with_delegate()
    wrong = client.get(reverse("public:mission_feed", args=["x" * 43]))
    short = client.get(reverse("public:mission_feed", args=["short-token"]))
    assert wrong.status_code == short.status_code == 404
    assert wrong.content == short.content


def test_the_public_and_the_complete_programmes_have_different_etags(client):
    mission, _, _ = mission_with_delegate()
    mission.programme_public = True
    mission_save(mission=mission)
    public = client.get(slug_url(mission))
    complete = client.get(token_url(mission))
    assert public.headers["ETag"] != complete.headers["ETag"]
    # A client holding the public ETag never gets a 304 for the complete feed.
    again = client.get(token_url(mission), HTTP_IF_NONE_MATCH=public.headers["ETag"])
    assert again.status_code == 200


def test_rotation_kills_the_old_link(client):
    mission, _, _ = mission_with_delegate()
    old = token_url(mission)
    client.force_login(make_coordinator(mission))
    response = client.post(reverse("missions:new_feed_link", args=[mission.slug]))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("delegations:roster", args=[mission.slug])
    mission.refresh_from_db()
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(token_url(mission)).status_code == 200


def test_only_the_missions_coordinators_rotate_and_only_by_post(client):
    mission, _, _ = mission_with_delegate()
    before = mission.feed_token
    url = reverse("missions:new_feed_link", args=[mission.slug])
    client.force_login(make_user())
    assert client.post(url).status_code == 404
    client.force_login(make_coordinator(mission))
    assert client.get(url).status_code == 405
    mission.refresh_from_db()
    assert mission.feed_token == before


def test_the_roster_shows_the_secret_programme_link_and_the_public_one_if_any(client):
    mission, _, _ = mission_with_delegate()
    client.force_login(make_coordinator(mission))
    roster = reverse("delegations:roster", args=[mission.slug])
    page = client.get(roster).content.decode()
    assert f"/programme/{mission.feed_token}.ics" in page
    assert f"/programme/{mission.slug}.ics" not in page
    assert reverse("missions:new_feed_link", args=[mission.slug]) in page
    mission.programme_public = True
    mission_save(mission=mission)
    assert f"/programme/{mission.slug}.ics" in client.get(roster).content.decode()


def test_the_mission_form_sets_the_public_programme(client):
    mission, _, _ = mission_with_delegate()
    client.force_login(make_coordinator(mission))
    url = reverse("missions:edit", args=[mission.slug])
    page = client.get(url).content.decode()
    assert 'name="programme_public"' in page
    assert "organisations only" in page
    data = {
        "title": mission.title,
        "slug": mission.slug,
        "status": mission.status,
        "city": mission.city,
        "region": mission.region,
        "country": mission.country,
        "start_date": mission.start_date.isoformat(),
        "end_date": mission.end_date.isoformat(),
        "timezone": mission.timezone,
        "home_timezone": mission.home_timezone,
        "clash_buffer_minutes": mission.clash_buffer_minutes,
        "organiser": "",
        "funding_programme": "",
        "description": "",
        "programme_public": "on",
    }
    assert client.post(url, data).status_code == 302
    mission.refresh_from_db()
    assert mission.programme_public is True


def test_the_secret_programme_link_is_never_logged(client, caplog):
    token = "P0rogrammeTokenNotLogged_" + "q" * 18
    with caplog.at_level(logging.INFO):
        assert client.get(reverse("public:mission_feed", args=[token])).status_code == 404
    assert token not in caplog.text
