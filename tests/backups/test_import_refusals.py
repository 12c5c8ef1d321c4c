"""What import_mission refuses: clashes with what exists, and malformed or hostile files.
Each refusal is one clear CommandError, never a traceback, and nothing is written."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from backups import mission_file
from backups.mission_json import export_mission
from delegations.models import DelegationMember, Organisation, Person
from meetings.models import Meeting
from missions.models import Mission, Venue
from tests.backups.helpers import delete_mission, make_full_mission
from tests.builders import local, make_meeting, make_member, make_mission

pytestmark = pytest.mark.django_db

MODELS = (Mission, Venue, Organisation, Person, DelegationMember, Meeting, get_user_model())


def everything() -> dict:
    """Row counts of every table an import writes to, history included."""
    counts = {model.__name__: model.objects.count() for model in MODELS}
    for model in MODELS[:-1]:
        counts[f"history of {model.__name__}"] = model.history.model.objects.count()
    counts["meeting attendees"] = Meeting.attendees.through.objects.count()
    counts["coordinators"] = Mission.coordinators.through.objects.count()
    return counts


@pytest.fixture
def exported():
    """The full mission's file as a dict; the mission itself deleted (a restore)."""
    mission = make_full_mission()
    data = export_mission(mission)
    delete_mission(mission)
    return data


def refused(tmp_path, content, *args) -> str:
    """Import `content` (a dict, or raw bytes); the command must refuse and write nothing."""
    path = tmp_path / "mission.json"
    path.write_bytes(content if isinstance(content, bytes) else mission_file.dumps(content))
    before = everything()
    with pytest.raises(CommandError) as error:
        call_command("import_mission", str(path), *args)
    assert everything() == before
    message = str(error.value)
    assert message.startswith(f"Nothing imported from {path}. ")
    return message.removeprefix(f"Nothing imported from {path}. ")


# Clashes with what exists -------------------------------------------------------------------------


def test_an_existing_slug_is_refused_by_name(tmp_path):
    mission = make_full_mission()
    assert refused(tmp_path, export_mission(mission)) == (
        "A mission with slug “vtm-michigan-2025” already exists: delete it first, import under "
        "another slug with --slug NEW, or import a copy with --as-copy."
    )


def test_another_slug_does_not_share_the_original_secrets(tmp_path):
    mission = make_full_mission()
    assert refused(tmp_path, export_mission(mission), "--slug", "new-slug") == (
        "The programme feed token in the file is already used by mission “vtm-michigan-2025”; "
        "import with --as-copy to issue new secrets."
    )


def test_a_delegate_token_in_use_is_refused_naming_the_delegate(tmp_path, exported):
    other = make_mission(slug="other")
    andrea = next(p for p in exported["people"] if p["first_name"] == "Andrea")
    token = next(m["token"] for m in exported["delegation"] if m["person"] == andrea["ref"])
    holder = make_member(other)
    DelegationMember.objects.filter(pk=holder.pk).update(token=token)
    assert refused(tmp_path, exported) == (
        f"The personal link of Andrea Tronzano in the file is already used by "
        f"{holder.person.full_name} in mission “other”; import with --as-copy to issue new "
        f"secrets."
    )


def test_a_meeting_uid_in_use_is_refused_by_name(tmp_path, exported):
    other = make_mission(slug="other")
    uid = exported["meetings"][0]["uid"]
    make_meeting(
        other, local(other, 2025, 4, 22, 9), local(other, 2025, 4, 22, 10), title="X", uid=uid
    )
    assert refused(tmp_path, exported) == (
        f"The meeting UID “{uid}” is already used by “X” in mission “other”; import with "
        f"--as-copy to issue new UIDs."
    )


def test_as_copy_is_imported_where_the_original_exists(tmp_path):
    mission = make_full_mission()
    path = tmp_path / "mission.json"
    path.write_bytes(mission_file.dumps(export_mission(mission)))
    call_command("import_mission", str(path), "--as-copy")
    assert Mission.objects.filter(slug="vtm-michigan-2025-copy").exists()


def test_a_taken_slug_is_refused_for_a_copy_too(tmp_path):
    mission = make_full_mission()
    make_mission(slug="taken")
    message = refused(tmp_path, export_mission(mission), "--as-copy", "--slug", "taken")
    assert message.startswith("A mission with slug “taken” already exists")


# Malformed and hostile files ----------------------------------------------------------------------


def meeting(data, title="Meeting with Rivian") -> dict:
    return next(m for m in data["meetings"] if m["title"] == title)


def set_in(path: str, value):
    """A change to the exported dict at `path` ("meetings.0.title"); DELETE removes the key."""

    def change(data):
        *parents, last = (int(key) if key.isdigit() else key for key in path.split("."))
        target = data
        for key in parents:
            target = target[key]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
        return data

    return change


DELETE = object()

MALFORMED = [
    (set_in("format", "something/else"), "Not a mission file"),
    (set_in("version", 3), "Mission file version 3 is not supported"),
    (set_in("version", True), "Mission file version true is not supported"),
    (set_in("version", "1"), 'Mission file version "1" is not supported'),
    (set_in("mission.title", DELETE), "mission: missing title"),
    (set_in("meetings.0.colour", "red"), "meetings[0]: unknown colour"),
    (set_in("delegation", DELETE), "file: missing delegation"),
    (set_in("mission.title", 5), "mission.title: expected a string"),
    (set_in("mission.title", None), "mission.title: expected a string"),
    (set_in("mission.programme_public", "yes"), "mission.programme_public: expected true or"),
    (set_in("meetings.0.sequence", "2"), "meetings[0].sequence: expected a whole number"),
    (set_in("meetings.0.sequence", -1), "meetings[0].sequence: expected a whole number"),
    (set_in("meetings.0.sequence", 2**40), "meetings[0].sequence: expected a whole number"),
    (set_in("meetings.0.sequence", 1.0), "meetings[0].sequence: expected a whole number"),
    (set_in("meetings", {}), "meetings: expected a list"),
    (set_in("meetings.0", ["x"]), "meetings[0]: expected an object"),
    (set_in("mission.start_date", "1999-12-31"), "mission.start_date: dates must lie between"),
    (set_in("mission.end_date", "9999-12-31"), "mission.end_date: dates must lie between"),
    (set_in("mission.start_date", "22/04/2025"), "mission.start_date: expected a date like"),
    (set_in("meetings.0.start", "0001-01-01T00:00:00Z"), "meetings[0].start: dates must lie"),
    (set_in("meetings.0.end", "9999-12-31T22:00:00Z"), "meetings[0].end: dates must lie"),
    (set_in("meetings.0.start", "2025-04-22T19:30:00"), "meetings[0].start: expected an ISO"),
    (set_in("meetings.0.start", "tomorrow"), "meetings[0].start: expected an ISO 8601"),
    (set_in("delegation.0.arrival", "1900-01-01T00:00:00Z"), "delegation[0].arrival: dates"),
    (set_in("mission.created", "2200-01-01T00:00:00Z"), "mission.created: dates must lie"),
    (set_in("mission.title", "x" * 201), "mission.title: longer than 200 characters"),
    (
        set_in("meetings.0.outcome.summary", "x" * 100_001),
        "meetings[0].outcome.summary: longer than 100000",
    ),
    (set_in("mission.title", "a\x00b"), "mission.title: contains a NUL character"),
    (set_in("venues.0.latitude", 40.5), "venues[0].latitude: expected a decimal number"),
    (set_in("venues.0.latitude", "NaN"), "venues[0].latitude: expected a decimal number"),
    (set_in("meetings.0.attendees", ["person-99"]), "“person-99” is not listed in the file"),
    (set_in("meetings.0.attendees", [{"a": 1}]), 'meetings[0].attendees[0]: “{"a": 1}” is not'),
    (set_in("meetings.0.venue", "Nowhere"), "meetings[0].venue: “Nowhere” is not listed"),
    (set_in("people.0.organisation", ["x"]), "people[0].organisation: “['x']” is not listed"),
    (set_in("delegation.1.person", "person-1"), "delegation[1].person: “person-1” is in the"),
    (set_in("meetings.1.uid", "same"), None),  # and meetings.0.uid below: a duplicate UID
    (set_in("coordinators.0", "anna"), "coordinators[0]: expected an object"),
]


@pytest.mark.parametrize(("change", "expected"), MALFORMED)
def test_a_malformed_file_is_refused_saying_where(tmp_path, exported, change, expected):
    data = change(json.loads(json.dumps(exported)))
    if expected is None:
        data["meetings"][0]["uid"] = "same"
        expected = "meetings: UID “same” appears twice"
    assert expected in refused(tmp_path, data)


def test_people_with_one_e_mail_in_two_cases_are_refused(tmp_path, exported):
    exported["people"][1]["email"] = exported["people"][0]["email"].upper()
    assert "people: e-mail" in refused(tmp_path, exported)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # Found by the models' own validation, after the mission and people were written:
        # the whole import is rolled back.
        (set_in("meetings.2.status", "maybe"), "status: Value 'maybe' is not a valid choice."),
        (set_in("venues.1.latitude", "91"), "venue “Rivian plant”: latitude: Ensure this value"),
        (set_in("venues.1.longitude", None), "longitude: Give both latitude and longitude"),
        (set_in("mission.timezone", "Mars/Olympus"), "“Mars/Olympus” is not a known IANA"),
        (set_in("mission.slug", "../etc"), "mission: slug: Enter a valid “slug”"),
        (set_in("mission.end_date", "2025-04-01"), "The mission cannot end before it starts."),
        (set_in("people.0.email", "not-an-address"), "email: Enter a valid email address."),
    ],
)
def test_what_the_models_refuse_rolls_everything_back(tmp_path, exported, change, expected):
    assert expected in refused(tmp_path, change(exported))


def test_a_new_organisation_is_checked_like_in_the_planner(tmp_path, exported):
    Organisation.objects.filter(name="MEDC").update(name="MEDC (old)")
    exported["organisations"][0]["website"] = "javascript:alert(1)"
    message = refused(tmp_path, exported)
    assert message == "organisation “MEDC”: website: Enter a valid URL."


def test_a_meeting_ending_before_it_starts_rolls_everything_back(tmp_path, exported):
    meeting(exported)["end"] = meeting(exported)["start"]
    message = refused(tmp_path, exported)
    assert message.startswith("meeting “Meeting with Rivian” (")
    assert message.endswith("end: The meeting must end after it starts.")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "The file is not valid JSON"),
        (b"{", "The file is not valid JSON"),
        (b"\xff\xfe{}", "The file is not UTF-8 text."),
        (b"[]", "The file must hold one JSON object."),
        (b'{"format": NaN}', "The file is not valid JSON: NaN is not allowed"),
        (b'{"format": 1, "format": 2}', "a key appears twice in one object"),
        (b"[" * 100_000 + b"]" * 100_000, "The file is not valid JSON"),
        (b'{"version": ' + b"9" * 5000 + b"}", "The file is not valid JSON"),
        (b'{"format": "trade-mission-planner/mission", "version": 1}', "file: missing mission"),
    ],
)
def test_what_is_not_a_mission_file_is_refused(tmp_path, raw, expected):
    assert expected in refused(tmp_path, raw)


def test_a_file_larger_than_the_limit_is_refused(tmp_path, exported, monkeypatch):
    monkeypatch.setattr(mission_file, "MAX_FILE_BYTES", 1000)
    assert refused(tmp_path, exported) == "The file is larger than 1000 bytes."


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*nope.json: No such file or directory"):
        call_command("import_mission", str(tmp_path / "nope.json"))


def test_export_of_an_unknown_mission_says_so():
    with pytest.raises(CommandError, match="No mission with slug “nope”"):
        call_command("export_mission", "nope")


def test_an_invalid_new_slug_is_refused(tmp_path, exported):
    message = refused(tmp_path, exported, "--as-copy", "--slug", "no spaces/please")
    assert message.startswith("mission: slug: Enter a valid “slug”")


def test_export_to_a_place_that_cannot_be_written_is_a_clear_error(tmp_path):
    mission = make_full_mission()
    with pytest.raises(CommandError, match="Cannot write .*/missing/x.json: No such file"):
        call_command("export_mission", mission.slug, "-o", str(tmp_path / "missing" / "x.json"))


def test_a_dry_run_checks_everything_and_writes_nothing(tmp_path, exported, capsys):
    path = tmp_path / "mission.json"
    path.write_bytes(mission_file.dumps(exported))
    before = everything()

    call_command("import_mission", str(path), "--dry-run", "--create-users")

    assert everything() == before
    assert capsys.readouterr().out == (
        "Checked: mission “vtm-michigan-2025” (3 delegates, 3 meetings) can be imported. "
        "Nothing was written (--dry-run).\n"
    )
    meeting(exported)["end"] = meeting(exported)["start"]
    message = refused(tmp_path, exported, "--dry-run")
    assert message.endswith("end: The meeting must end after it starts.")
