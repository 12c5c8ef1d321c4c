"""The mission file carries outcomes and follow-ups; version 1 files (an outcome text on
each meeting, no follow-ups) still import."""

import json

import pytest

from backups import mission_file
from backups.mission_json import export_mission, import_mission
from outcomes.models import FollowUp, Outcome
from tests.backups.helpers import delete_mission, make_full_mission

pytestmark = pytest.mark.django_db


def test_a_version_1_file_imports_its_outcome_texts_as_held_outcomes():
    mission = make_full_mission()
    doc = json.loads(mission_file.dumps(export_mission(mission)))
    delete_mission(mission)
    # What the same mission looked like in a version 1 file.
    doc["version"] = 1
    del doc["follow_ups"]
    del doc["mission"]["practical_info"]
    for meeting in doc["meetings"]:
        meeting["outcome"] = (meeting["outcome"] or {}).get("summary", "")

    restored = import_mission(doc)

    outcomes = Outcome.objects.filter(meeting__mission=restored)
    assert [(o.meeting.title, o.held, o.summary) for o in outcomes] == [
        ("Meeting with Rivian", "held", "Follow-up in May.")
    ]
    assert not FollowUp.objects.filter(mission=restored).exists()


def test_a_version_2_file_without_follow_ups_is_refused_saying_so():
    mission = make_full_mission()
    doc = json.loads(mission_file.dumps(export_mission(mission)))
    del doc["follow_ups"]
    with pytest.raises(mission_file.MissionFileError, match="file: missing follow_ups"):
        import_mission(doc, as_copy=True)


def test_follow_ups_come_back_with_owner_meeting_and_organisation():
    mission = make_full_mission()
    data = mission_file.dumps(export_mission(mission))
    delete_mission(mission)
    restored = import_mission(mission_file.loads(data))
    rows = [
        (
            f.action,
            f.meeting.title if f.meeting else None,
            f.organisation.name if f.organisation else None,
            f.owner_label,
            f.status,
        )
        for f in FollowUp.objects.filter(mission=restored).order_by("action")
    ]
    assert rows == [
        ("Invite Regione to VTM Torino 2026", None, "Regione Piemonte", "Andrea Tronzano", "done"),
        (
            "Send Rivian the supplier list",
            "Meeting with Rivian",
            "Rivian",
            "vtm-michigan-2025-anna",  # a coordinator without a full name: the username
            "open",
        ),
    ]
