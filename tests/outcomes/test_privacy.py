"""Outcomes and follow-ups are internal: never in a feed, a delegate's page or a download."""

import pytest
from django.urls import reverse

from missions.services import mission_save
from outcomes.services import outcome_save
from tests.builders import publish
from tests.outcomes.helpers import add_follow_up

pytestmark = pytest.mark.django_db

SECRETS = (b"SECRET-SUMMARY-7f3a", b"SECRET-NEXT-STEPS-7f3a", b"SECRET-ACTION-7f3a")


def test_no_outcome_or_follow_up_text_in_any_public_output(client, world):
    outcome_save(
        meeting=world.meeting,
        held="held",
        interest="high",
        summary=SECRETS[0].decode(),
        next_steps=SECRETS[1].decode(),
    )
    add_follow_up(
        world.mission,
        action=SECRETS[2].decode(),
        meeting=world.meeting,
        owner_member=world.stefano,
        notes="SECRET-NOTES-7f3a",
    )
    mission = world.mission
    mission.programme_public = True
    mission_save(mission=mission)
    publish(mission)
    token = world.stefano.token
    urls = [
        reverse("public:delegate_page", args=[token]),
        reverse("public:delegate_feed", args=[token]),
        reverse("public:meeting_ics", args=[token, world.meeting.pk]),
        reverse("public:mission_feed", args=[mission.feed_token]),
        reverse("public:mission_feed", args=[mission.slug]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        assert b"Meeting with Rivian" in body, url  # the meeting itself is there
        for secret in (*SECRETS, b"SECRET-NOTES-7f3a", b"interest high", b"Held"):
            assert secret not in body, (url, secret)
