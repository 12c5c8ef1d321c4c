"""Export a mission, delete it, import it again: the same data, feeds and agenda."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from backups import mission_file
from backups.mission_json import export_mission, import_mission
from delegations.models import DelegationMember, Organisation, Person
from meetings.models import Meeting
from missions.models import Mission, Venue
from tests.backups.helpers import (
    delete_mission,
    feeds,
    make_full_mission,
    snapshot,
    visible_text,
)
from tests.builders import make_coordinator, make_mission

pytestmark = pytest.mark.django_db

# What --as-copy renews (and the mission a row points to, named by its slug).
COPY_CHANGES = ("slug", "token", "feed_token", "uid", "mission")


def export_bytes(mission: Mission) -> bytes:
    return mission_file.dumps(export_mission(Mission.objects.get(pk=mission.pk)))


def agenda_text(client, slug: str) -> list[str]:
    client.force_login(get_user_model().objects.get(username=f"{slug}-anna"))
    response = client.get(reverse("meetings:agenda", args=[slug]))
    assert response.status_code == 200
    return visible_text(response.content.decode())


def test_two_exports_of_the_same_data_are_byte_identical():
    mission = make_full_mission()
    first = export_bytes(mission)
    assert export_bytes(mission) == first
    data = json.loads(first)
    assert (data["format"], data["version"]) == ("trade-mission-planner/mission", 2)
    rivian = next(m for m in data["meetings"] if m["title"] == "Meeting with Rivian")
    assert rivian["sequence"] == 2
    assert rivian["internal_notes"] == "SECRET-INTERNAL-NOTE"
    assert rivian["start"] == "2025-04-22T19:30:00Z"  # 15:30 in Detroit, in UTC
    assert rivian["venue"] == "Rivian plant"
    assert rivian["outcome"]["summary"] == "Follow-up in May."
    assert rivian["outcome"]["recorded_by"] == "vtm-michigan-2025-anna"
    assert [f["action"] for f in data["follow_ups"]] == [
        "Invite Regione to VTM Torino 2026",
        "Send Rivian the supplier list",
    ]
    assert not {"pk", "id"} & keys_of(data)  # no primary key is written


def keys_of(value) -> set[str]:
    if isinstance(value, dict):
        return set(value).union(*(keys_of(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_of(v) for v in value))
    return set()


def test_export_delete_import_gives_back_every_field_every_feed_and_the_agenda(client):
    mission = make_full_mission()
    beside = make_full_mission(slug="other-mission")
    before = snapshot(mission)
    before_feeds = feeds(mission)
    before_agenda = agenda_text(client, mission.slug)
    data = export_bytes(mission)
    people, organisations = Person.objects.count(), Organisation.objects.count()

    delete_mission(mission)
    assert not Mission.objects.filter(slug="vtm-michigan-2025").exists()
    restored = import_mission(mission_file.loads(data))

    assert restored.pk != mission.pk
    assert snapshot(restored) == before
    assert export_bytes(restored) == data
    assert feeds(restored) == before_feeds
    assert agenda_text(client, restored.slug) == before_agenda
    # People and organisations were still here: reused, not duplicated.
    assert (Person.objects.count(), Organisation.objects.count()) == (people, organisations)
    assert snapshot(beside) == snapshot(Mission.objects.get(slug="other-mission"))


def test_restored_delegate_link_and_feed_answer_as_before(client):
    mission = make_full_mission()
    member = mission.members.get(person__first_name="Andrea")
    url = reverse("public:delegate_feed", args=[member.token])
    before = client.get(url).content
    data = export_bytes(mission)
    delete_mission(mission)
    assert client.get(url).status_code == 404

    import_mission(mission_file.loads(data))

    after = client.get(url)
    assert after.status_code == 200
    # Same events, same UIDs and SEQUENCEs; only the pk in each meeting's link differs.
    assert after.content.count(b"BEGIN:VEVENT") == before.count(b"BEGIN:VEVENT") == 2
    events = before.decode().replace("\r\n ", "").split("BEGIN:VEVENT", 1)[1]
    for line in events.split("\r\n"):
        if line.startswith(("UID:", "SEQUENCE:", "DTSTART", "DTEND", "SUMMARY", "STATUS")):
            assert line in after.content.decode().replace("\r\n ", "")


def test_import_into_an_empty_database_creates_everything_from_the_file(client):
    mission = make_full_mission()
    before = snapshot(mission)
    before_feeds = feeds(mission)
    data = export_bytes(mission)
    for model in (Meeting, DelegationMember, Venue, Mission, Person, Organisation):
        model.objects.all().delete()
    get_user_model().objects.all().delete()

    notes = []
    restored = import_mission(mission_file.loads(data), create_users=True, notes=notes)

    assert snapshot(restored) == before
    assert export_bytes(restored) == data
    assert feeds(restored) == before_feeds
    assert notes == [
        "Created user “vtm-michigan-2025-anna” without a password (set one with changepassword).",
        "Created user “vtm-michigan-2025-bruno” without a password (set one with changepassword).",
    ]
    anna = get_user_model().objects.get(username="vtm-michigan-2025-anna")
    assert (anna.email, anna.has_usable_password(), anna.is_active) == (
        "anna@example.org",
        False,
        True,
    )


def test_missing_coordinators_are_reported_not_created(tmp_path, capsys):
    mission = make_full_mission()
    path = tmp_path / "mission.json"
    path.write_bytes(export_bytes(mission))
    delete_mission(mission)
    get_user_model().objects.filter(username="vtm-michigan-2025-bruno").delete()

    call_command("import_mission", str(path))

    out, err = capsys.readouterr()
    assert out == "Imported mission “vtm-michigan-2025”: 3 delegates, 3 meetings.\n"
    assert "No user “vtm-michigan-2025-bruno” here: not made a coordinator" in err
    restored = Mission.objects.get(slug="vtm-michigan-2025")
    assert [u.username for u in restored.coordinators.all()] == ["vtm-michigan-2025-anna"]
    assert not get_user_model().objects.filter(username="vtm-michigan-2025-bruno").exists()


def test_import_beside_other_missions_as_a_copy_gets_new_slug_secrets_and_uids(tmp_path):
    mission = make_full_mission()
    make_mission(slug="unrelated")
    path = tmp_path / "mission.json"
    call_command("export_mission", mission.slug, "-o", str(path))
    people = Person.objects.count()

    call_command("import_mission", str(path), "--as-copy")
    call_command("import_mission", str(path), "--as-copy")
    call_command("import_mission", str(path), "--as-copy", "--slug", "torino-2026")

    slugs = ["vtm-michigan-2025-copy", "vtm-michigan-2025-copy-2", "torino-2026"]
    original = snapshot(mission, skip=COPY_CHANGES)
    for slug in slugs:
        copy = Mission.objects.get(slug=slug)
        assert snapshot(copy, skip=COPY_CHANGES) == original
        assert copy.feed_token != mission.feed_token
    tokens = list(DelegationMember.objects.values_list("token", flat=True))
    uids = list(Meeting.objects.values_list("uid", flat=True))
    assert len(tokens) == len(set(tokens)) == 4 * 3
    assert len(uids) == len(set(uids)) == 4 * 3
    assert Person.objects.count() == people  # the same people, by e-mail or name
    assert snapshot(mission) == snapshot(Mission.objects.get(slug="vtm-michigan-2025"))


def test_an_existing_person_or_organisation_is_kept_and_the_differences_reported():
    mission = make_full_mission()
    data = mission_file.loads(export_bytes(mission))
    delete_mission(mission)
    Person.objects.filter(first_name="Carlo").update(phone="+1 555 0100", position="CEO")
    Organisation.objects.filter(name="Rivian").update(city="Irvine")

    notes = []
    restored = import_mission(data, notes=notes)

    assert notes == [
        "Kept organisation “Rivian” as it is here; the file differs in: city.",
        "Kept Carlo Materazzo as here; the file differs in: position, phone.",
    ]
    carlo = Meeting.objects.get(mission=restored, title="Meeting with Rivian").partner_contacts
    assert carlo.get().position == "CEO"


def test_coordinator_user_lookup_is_by_exact_username():
    mission = make_full_mission()
    data = mission_file.loads(export_bytes(mission))
    delete_mission(mission)
    get_user_model().objects.filter(username__endswith="-anna").update(username="Someone-else")
    make_coordinator(username="VTM-MICHIGAN-2025-ANNA")

    restored = import_mission(data)

    assert [u.username for u in restored.coordinators.all()] == ["vtm-michigan-2025-bruno"]


def test_export_to_stdout_and_import_from_stdin(capsysbinary, monkeypatch):
    mission = make_full_mission()
    call_command("export_mission", mission.slug)
    data = capsysbinary.readouterr().out
    assert data == export_bytes(mission)
    delete_mission(mission)

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    call_command("import_mission", "-")

    assert export_bytes(Mission.objects.get(slug=mission.slug)) == data


def test_the_import_is_recorded_in_the_history():
    mission = make_full_mission()
    data = mission_file.loads(export_bytes(mission))
    delete_mission(mission)

    restored = import_mission(data)

    meeting = restored.meetings.get(title="Meeting with Rivian")
    reasons = [
        obj.history.latest().history_change_reason
        for obj in (restored, meeting, restored.venues.first(), restored.members.first())
    ]
    assert reasons == ["Imported from a mission file"] * 4


def test_two_people_without_e_mail_and_with_one_name_stay_two_people():
    mission = make_full_mission()
    data = mission_file.loads(export_bytes(mission))
    delete_mission(mission)
    Person.objects.filter(email="").delete()
    twin = next(p for p in data["people"] if p["last_name"] == "Posta")
    data["people"].append({**twin, "ref": "person-6"})
    data["delegation"].append(
        {**next(m for m in data["delegation"] if m["person"] == twin["ref"]), "person": "person-6"}
    )
    data["delegation"][-1]["token"] = "another-token"

    restored = import_mission(data)

    assert restored.members.filter(person__last_name="Posta").count() == 2
    assert Person.objects.filter(last_name="Posta").count() == 2
