"""The issue's "done when": a coordinator reworks the Michigan programme for an afternoon,
publishes once with a note, and only the delegates whose meetings moved get an e-mail
listing exactly their changes."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from meetings.models import Meeting
from meetings.services import meeting_delete, meeting_save, meeting_schedule
from missions.models import Mission, Venue
from releases.models import DigestDelivery
from releases.services import latest_version
from tests.builders import local, make_user, publish

pytestmark = pytest.mark.django_db


def _meeting(mission, title: str) -> Meeting:
    return Meeting.objects.get(mission=mission, title__startswith=title)


def test_an_afternoon_of_rework_emails_only_the_three_leaders(django_capture_on_commit_callbacks):
    call_command("load_demo", verbosity=0)
    mission = Mission.objects.get(slug="vtm-michigan-2025")
    coordinator = make_user(first_name="Giulia", last_name="Ferrero")
    mission.coordinators.add(coordinator)
    mayco = _meeting(mission, "Meeting with Mayco")
    # Published before the afternoon: the Mayco meeting is for the three leaders only.
    leaders = [m for m in mayco.attendees.all() if m.person.last_name != "Mailänder"]
    leaders = [m for m in leaders if m.person.last_name in ("Tronzano", "Favaro", "Nigro")]
    assert len(leaders) == 3
    meeting_save(meeting=mayco, attendees=leaders)
    if latest_version(mission) is None or not _published_as_is(mission):
        publish(mission, user=coordinator)
    mail.outbox.clear()

    # The afternoon: Mayco moves half an hour later, to the Piemonte stand ...
    mayco.refresh_from_db()
    mayco.start += timedelta(minutes=30)
    mayco.end += timedelta(minutes=30)
    mayco.venue = Venue.objects.get(mission=mission, name__startswith="Piemonte stand")
    meeting_save(meeting=mayco)
    # ... an internal note on Mullen (never published), Ford edited and put back, a
    # tentative meeting added and deleted again: nothing a delegate sees.
    mullen = _meeting(mission, "Meeting with Mullen")
    mullen.internal_notes = "Ask about the Michigan battery plant."
    meeting_save(meeting=mullen)
    ford = _meeting(mission, "Ford site visit")
    ford.title = "Ford (Dearborn)"
    meeting_save(meeting=ford)
    ford.title = "Ford site visit"
    meeting_save(meeting=ford)
    draft = meeting_schedule(
        mission=mission,
        title="Maybe: Stellantis",
        start=local(mission, 2025, 4, 24, 15),
        end=local(mission, 2025, 4, 24, 16),
        status=Meeting.Status.TENTATIVE,
    )
    meeting_delete(meeting=draft)

    with django_capture_on_commit_callbacks(execute=True):
        version = publish(mission, user=coordinator, note="Mayco asked for later, at our stand")

    assert sorted(message.to[0] for message in mail.outbox) == [
        "Andrea Tronzano <andrea.tronzano@example.org>",
        "Michela Favaro <michela.favaro@example.org>",
        "Stefano Nigro <stefano.nigro@example.org>",
    ]
    assert DigestDelivery.objects.filter(version=version).count() == 3
    for message in mail.outbox:
        # Exactly one change: the Mayco meeting, moved and to the stand; nothing else.
        body = message.body
        assert body.count("\n  - ") == 2
        assert "Mayco International" in body
        # All three leaders write Italian.
        assert (
            "Spostato: Mer 23 Apr 17:45–18:30 → 18:15–19:00 (Detroit), "
            "Mer 23 Apr 23:45 → Gio 24 Apr 00:15 (Roma)"
        ) in body
        assert "Piemonte stand" in body
        assert "Mayco asked for later, at our stand" in body
        assert "Mullen" not in body and "battery" not in body and "Stellantis" not in body
    (andrea,) = [m for m in mail.outbox if "tronzano" in m.to[0]]
    assert andrea.subject.startswith("Modifiche alla sua agenda per")


def _published_as_is(mission) -> bool:
    from releases.services import build_snapshot

    version = latest_version(mission)
    return build_snapshot(mission, version, now=version.published_at) == version.snapshot
