"""Per-delegate digests: exactly the affected delegates, only their changes, their language,
their link; recorded with the version, never twice, failures recorded and sent again."""

import re
from unittest import mock

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from releases import digests
from releases.changelog import publish_preview
from releases.models import DigestDelivery, ProgrammeVersion
from releases.services import PublishConflict, programme_publish
from tests.builders import publish
from tests.formdata import opened
from tests.releases.world import EDITS, build_world, move, set_fields

pytestmark = pytest.mark.django_db


def _publish(world, django_capture_on_commit_callbacks, note=""):
    with django_capture_on_commit_callbacks(execute=True):
        return publish(world.mission, user=world.coordinator, note=note)


def _recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def _email_of(member) -> str:
    return member.person.email


@pytest.mark.parametrize("kind,edit,line,told", EDITS, ids=[e[0] for e in EDITS])
def test_every_kind_of_change_reaches_exactly_the_affected_delegates(
    kind, edit, line, told, django_capture_on_commit_callbacks
):
    world = build_world()
    mail.outbox.clear()
    edit(world)

    _publish(world, django_capture_on_commit_callbacks)

    expected = {getattr(world, who) for who in told}
    with_email = {m for m in expected if m.person.email}
    assert {re.sub(r".*<(.*)>", r"\1", to) for to in _recipients()} == {
        _email_of(m) for m in with_email
    }
    for message in mail.outbox:
        member = next(m for m in with_email if _email_of(m) in message.to[0])
        # Each e-mail carries that delegate's own link.
        assert f"/d/{member.token}/" in message.body
        html = message.alternatives[0][0]
        assert f"/d/{member.token}/" in html
    assert DigestDelivery.objects.filter(sent_at__isnull=False).count() == len(with_email)


def test_digest_lists_only_the_delegates_own_changes(django_capture_on_commit_callbacks):
    world = build_world()
    mail.outbox.clear()
    move(world.visit, minutes=120)  # Andrea (it) and Laura (en)
    set_fields(world.lunch, venue=world.gm)  # Paolo (en) and Marco (no address)

    _publish(world, django_capture_on_commit_callbacks, note="Rivian asked for later")

    by_to = {message.to[0]: message for message in mail.outbox}
    laura = by_to["Laura Bianchi <laura.bianchi@example.org>"]
    assert laura.subject == "Changes to your agenda for VTM Michigan 2025"
    assert "Rivian visit\n  - Moved: Tue 22 Apr 14:00–15:00 → 16:00–17:00 (Detroit), " in (
        laura.body
    )
    assert "20:00 → 22:00 (Rome)" in laura.body
    assert "Ford lunch" not in laura.body
    assert "A note from the coordinators: Rivian asked for later" in laura.body
    paolo = by_to["Paolo Rossi <paolo.rossi@example.org>"]
    assert "Ford lunch\n  - Venue: no venue → GM Global Technical Center" in paolo.body
    assert "Rivian" not in paolo.body.replace("Rivian asked for later", "")
    assert len(mail.outbox) == 3  # Andrea too; Marco has no address


def test_italian_delegate_gets_an_italian_digest(django_capture_on_commit_callbacks):
    world = build_world()
    mail.outbox.clear()
    move(world.visit, minutes=120)

    _publish(world, django_capture_on_commit_callbacks)

    (andrea,) = [m for m in mail.outbox if "andrea" in m.to[0]]
    assert andrea.subject == "Modifiche alla sua agenda per VTM Michigan 2025"
    assert andrea.body.startswith("Gentile Andrea,")
    assert "Spostato: Mar 22 Apr 14:00–15:00 → 16:00–17:00 (Detroit), 20:00 → 22:00 (Roma)" in (
        andrea.body
    )
    assert 'lang="it"' in andrea.alternatives[0][0]


def test_first_publication_sends_nothing(django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        world = build_world()

    assert ProgrammeVersion.objects.get(mission=world.mission).changes  # all new
    assert mail.outbox == []
    assert not DigestDelivery.objects.exists()


def test_unaffected_delegates_get_nothing(django_capture_on_commit_callbacks):
    world = build_world()
    mail.outbox.clear()
    set_fields(world.lunch, title="Ford lunch at the Rotunda")

    _publish(world, django_capture_on_commit_callbacks)

    assert _recipients() == {"Paolo Rossi <paolo.rossi@example.org>"}
    assert set(DigestDelivery.objects.values_list("member", flat=True)) == {
        world.paolo.pk,
        world.marco.pk,
    }


def test_member_without_email_is_in_the_preview_and_recorded_unsent(
    django_capture_on_commit_callbacks,
):
    world = build_world()
    mail.outbox.clear()
    move(world.lunch, minutes=30)

    preview = publish_preview(world.mission)

    assert [d.name for d in preview.to_email] == ["Paolo Rossi"]
    assert [d.name for d in preview.without_email] == ["Marco Verdi"]
    assert preview.without_email[0].page_url.endswith(f"/d/{world.marco.token}/")
    _publish(world, django_capture_on_commit_callbacks)
    marco = DigestDelivery.objects.get(member=world.marco)
    assert (marco.email, marco.sent_at, marco.error) == ("", None, "")
    assert "Moved: Wed 23 Apr 12:00–13:00 → 12:30–13:30 (Detroit)" in marco.body


def test_a_digest_is_never_recorded_twice():
    world = build_world()
    move(world.visit, minutes=120)
    version = publish(world.mission, user=world.coordinator)
    assert DigestDelivery.objects.filter(version=version).count() == 2

    with pytest.raises(IntegrityError), transaction.atomic():
        digests.digests_record(version=version)

    assert DigestDelivery.objects.filter(version=version).count() == 2


def test_a_publication_racing_another_sends_nothing(django_capture_on_commit_callbacks):
    world = build_world()
    mail.outbox.clear()
    move(world.visit, minutes=120)
    # Both coordinators opened the publish page on version 1; the first one publishes.
    _publish(world, django_capture_on_commit_callbacks)
    sent = len(mail.outbox)
    move(world.visit, minutes=30)

    with pytest.raises(PublishConflict), django_capture_on_commit_callbacks(execute=True):
        programme_publish(mission=world.mission, user=world.coordinator, expected_number=1)

    assert len(mail.outbox) == sent == 2
    assert ProgrammeVersion.objects.filter(mission=world.mission).count() == 2
    assert DigestDelivery.objects.count() == 2


def test_a_failing_digest_is_recorded_and_can_be_sent_again(
    client, django_capture_on_commit_callbacks
):
    world = build_world()
    mail.outbox.clear()
    move(world.visit, minutes=120)
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=ConnectionRefusedError("Connection refused"),
    ):
        _publish(world, django_capture_on_commit_callbacks)
    failed = DigestDelivery.objects.get(member=world.laura)
    assert (failed.sent_at, failed.error) == (None, "Connection refused")
    client.force_login(world.coordinator)
    page = client.get(reverse("versions:list", args=[world.mission.slug])).content.decode()
    assert "Not sent: Connection refused" in page

    response = client.post(reverse("versions:digest_resend", args=[world.mission.slug, failed.pk]))
    again = client.post(reverse("versions:digest_resend", args=[world.mission.slug, failed.pk]))

    assert response.status_code == again.status_code == 302
    failed.refresh_from_db()
    assert failed.sent_at is not None and failed.error == ""
    assert [m.to for m in mail.outbox] == [["Laura Bianchi <laura.bianchi@example.org>"]]
    assert "Moved: Tue 22 Apr 14:00–15:00" in mail.outbox[0].body


def test_resend_of_another_missions_digest_is_404(client):
    world, other = build_world(), build_world(domain="example.com")
    move(other.visit, minutes=120)
    version = publish(other.mission, user=other.coordinator)
    delivery = DigestDelivery.objects.filter(version=version).first()
    client.force_login(world.coordinator)

    response = client.post(
        reverse("versions:digest_resend", args=[world.mission.slug, delivery.pk])
    )

    assert response.status_code == 404


def _plain(response) -> str:
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&quot;", '"').split())


def test_publish_page_previews_exactly_the_affected_delegates_and_their_emails(client):
    world = build_world()
    move(world.visit, minutes=120)  # Andrea and Laura
    move(world.lunch, minutes=30)  # Paolo and Marco (no address)
    client.force_login(world.coordinator)

    page = _plain(client.get(reverse("releases:publish", args=[world.mission.slug])))

    assert "Publish and e-mail 3 delegates" in page
    assert re.findall(r"<strong class=\"digest-name\">([^<]+)</strong>", _html(client, world)) == [
        "Laura Bianchi",
        "Paolo Rossi",
        "Andrea Tronzano",
    ]
    assert "Subject: Changes to your agenda for VTM Michigan 2025" in page
    assert "Subject: Modifiche alla sua agenda per VTM Michigan 2025" in page
    assert "Marco Verdi : No e-mail address: tell them (1 meeting)" in page
    assert f'value="http://127.0.0.1:8000/d/{world.marco.token}/" readonly' in _html(client, world)
    assert mail.outbox == []  # a preview sends nothing


def _html(client, world) -> str:
    return client.get(reverse("releases:publish", args=[world.mission.slug])).content.decode()


def test_publishing_from_the_page_sends_the_previewed_emails(
    client, django_capture_on_commit_callbacks
):
    world = build_world()
    mail.outbox.clear()
    move(world.visit, minutes=120)
    client.force_login(world.coordinator)
    url = reverse("releases:publish", args=[world.mission.slug])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"note": "Rivian later", "expected": "1"})

    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == [
        "Andrea Tronzano <andrea.tronzano@example.org>",
        "Laura Bianchi <laura.bianchi@example.org>",
    ]


def test_a_publish_page_opened_before_another_publication_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    world = build_world()
    mail.outbox.clear()
    move(world.visit, minutes=120)
    client.force_login(world.coordinator)
    url = reverse("releases:publish", args=[world.mission.slug])
    # A colleague publishes while this page (opened on version 1) waits.
    with django_capture_on_commit_callbacks(execute=True):
        publish(world.mission, user=world.coordinator)
    move(world.visit, minutes=30)
    sent = len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"note": "", "expected": "1"})

    assert response.status_code == 409
    assert "Somebody else published version 2 meanwhile" in _plain(response)
    assert len(mail.outbox) == sent
    assert ProgrammeVersion.objects.filter(mission=world.mission).count() == 2
    # The page shows what publishing now would send instead.
    assert "Publish and e-mail 2 delegates" in _plain(response)


def test_save_and_publish_from_the_meeting_form_sends_the_digests_too(
    client, django_capture_on_commit_callbacks
):
    world = build_world()
    mail.outbox.clear()
    client.force_login(world.coordinator)
    url = reverse("meetings:edit", args=[world.mission.slug, world.lunch.pk])
    data = opened(client, url, "meeting-form")
    data.update({"start_1": "12:30", "end_1": "13:30", "publish": "1"})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302
    assert [m.to[0] for m in mail.outbox] == ["Paolo Rossi <paolo.rossi@example.org>"]
    assert "Moved: Wed 23 Apr 12:00–13:00 → 12:30–13:30 (Detroit)" in mail.outbox[0].body
    assert DigestDelivery.objects.filter(member=world.marco, email="").exists()
