from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from missions.models import Mission
from releases.models import ProgrammeVersion
from tests.builders import local, make_meeting, make_mission, publish

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("publish_programme", *args, stdout=out)
    return out.getvalue()


def test_upgrade_publishes_version_1_of_published_missions_once():
    published = make_mission(slug="vtm-michigan-2025")
    meeting = make_meeting(
        published, local(published, 2025, 4, 22, 9), local(published, 2025, 4, 22, 10)
    )
    meeting.sequence = 3  # what phones held before versions existed
    meeting.save()
    draft = make_mission(slug="draft", status=Mission.Status.DRAFT)
    already = make_mission(slug="already")
    publish(already)

    assert run("--unversioned") == "vtm-michigan-2025: version 1 published\n"

    version = ProgrammeVersion.objects.get(mission=published)
    assert version.snapshot["meetings"][meeting.uid]["sequence"] == 3
    assert not ProgrammeVersion.objects.filter(mission=draft).exists()
    assert run("--unversioned") == "Nothing to publish.\n"


def test_publishing_one_mission_with_nothing_pending_says_so():
    mission = make_mission(slug="vtm-michigan-2025")
    publish(mission)
    with pytest.raises(CommandError, match="Nothing to publish"):
        run("--mission", "vtm-michigan-2025")
