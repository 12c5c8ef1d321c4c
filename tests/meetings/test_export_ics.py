import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.meetings.ics_builders import mission_with_delegate

pytestmark = pytest.mark.django_db


def test_export_writes_the_same_bytes_as_the_mission_feed(client, tmp_path):
    mission, _, _ = mission_with_delegate()
    target = tmp_path / "programme.ics"
    call_command("export_ics", mission.slug, "-o", str(target))
    feed = client.get(reverse("public:mission_feed", args=[mission.feed_token])).content
    assert target.read_bytes() == feed


def test_export_of_one_delegate_writes_the_same_bytes_as_their_feed(client, tmp_path):
    mission, member, _ = mission_with_delegate()
    target = tmp_path / "mario.ics"
    call_command(
        "export_ics", mission.slug, "--delegate", member.person.email.upper(), "-o", str(target)
    )
    feed = client.get(reverse("public:delegate_feed", args=[member.token])).content
    assert target.read_bytes() == feed


def test_export_of_an_unknown_mission_or_delegate_says_so():
    mission, _, _ = mission_with_delegate()
    with pytest.raises(CommandError, match="No mission with slug “nope”"):
        call_command("export_ics", "nope")
    with pytest.raises(CommandError, match="Nobody with e-mail “x@example.org”"):
        call_command("export_ics", mission.slug, "--delegate", "x@example.org")
