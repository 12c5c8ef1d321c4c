"""The demo's two Michigan versions: their changelog and digests, and no mail leaves."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from missions.models import Mission
from releases.models import DigestDelivery, ProgrammeVersion
from tests.builders import make_coordinator

pytestmark = pytest.mark.django_db


def test_demo_changelog_and_digests(client, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=out)
    mission = Mission.objects.get(slug="vtm-michigan-2025")
    final = ProgrammeVersion.objects.get(mission=mission, number=2)

    # Recorded as sent, but nothing went to the console (nor anywhere else).
    deliveries = DigestDelivery.objects.filter(version=final).select_related("member__person")
    names = {d.member.person.last_name for d in deliveries}
    assert {"Geuna", "Tronzano"} <= names
    assert all(d.sent_at is not None or not d.email for d in deliveries)
    assert "Subject:" not in out.getvalue()
    # They went to Django's in-memory outbox instead.
    assert len(mail.outbox) == sum(1 for d in deliveries if d.email) > 0

    client.force_login(make_coordinator(mission))
    html = client.get(reverse("versions:list", args=[mission.slug])).content.decode()
    version_2 = " ".join(
        re.sub(r"<[^>]+>", " ", html.split('id="version-2"')[1].split("</section>")[0]).split()
    )
    assert "“Final programme”" in version_2
    assert (
        "Meeting with Rivian Status: Tentative → Confirmed "
        "Moved: Tue 22 Apr 17:00–18:00 → 15:30–16:30 (Detroit)" in version_2
    )
    assert "Delegates removed: Stefano Geuna" in version_2
    assert "Plant visit (to be confirmed) Deleted from the programme" in version_2
    geuna = next(d for d in deliveries if d.member.person.last_name == "Geuna")
    assert "Cancelled for you: you are no longer expected" in geuna.body or (
        "Annullato per lei" in geuna.body
    )
