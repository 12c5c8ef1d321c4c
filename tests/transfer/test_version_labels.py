"""The printed programme and the exports say which programme version they show (issue 10):
the working programme, against the latest published version."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from meetings.services import meeting_save
from releases.models import ProgrammeVersion
from tests.builders import local, make_coordinator, make_meeting, make_member, make_mission, publish
from tests.transfer.test_booklet import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission(client):
    mission = make_mission(slug="vtm-michigan-2025", title="VTM Michigan 2025")
    member = make_member(mission)
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14, 0),
        local(mission, 2025, 4, 22, 15, 0),
        title="Briefing",
        attendees=[member],
    )
    client.force_login(make_coordinator(mission))
    return mission


def _about(response) -> dict:
    book = load_workbook(io.BytesIO(response.content))
    return {row[0].value: row[1].value for row in book["About"].iter_rows()}


def _published_day(mission) -> str:
    version = ProgrammeVersion.objects.get(mission=mission)
    return f"{version.published_at.astimezone(mission.home_tz):%-d %b %Y}"


def test_exports_name_the_version_and_what_is_pending(client, mission):
    url = reverse("transfer:export", args=[mission.slug, "agenda", "xlsx"])
    response = client.get(url)
    assert 'filename="vtm-michigan-2025-agenda-draft.xlsx"' in response["Content-Disposition"]
    assert _about(response)["Programme"] == "Working programme, not published yet"

    publish(mission)
    response = client.get(url)
    assert 'filename="vtm-michigan-2025-agenda-v1.xlsx"' in response["Content-Disposition"]
    assert _about(response)["Programme"] == f"Version 1 of {_published_day(mission)}"

    meeting = mission.meetings.get()
    meeting.title = "Briefing with the Consul General"
    meeting_save(meeting=meeting)
    response = client.get(url)
    assert 'filename="vtm-michigan-2025-agenda-v1-draft.xlsx"' in response["Content-Disposition"]
    assert _about(response)["Programme"] == (
        f"Version 1 of {_published_day(mission)} + 1 unpublished change"
    )
    csv = client.get(reverse("transfer:export", args=[mission.slug, "agenda", "csv"]))
    assert 'filename="vtm-michigan-2025-agenda-v1-draft.csv"' in csv["Content-Disposition"]


def test_the_booklet_prints_the_version_in_its_language(client, mission):
    publish(mission)
    url = reverse("transfer:mission_booklet", args=[mission.slug])
    english = pdf_text(client.get(url + "?lang=en").content)
    assert f"Version 1 of {_published_day(mission)}" in english
    italian = pdf_text(client.get(url + "?lang=it").content)
    assert "Versione 1 del" in italian
