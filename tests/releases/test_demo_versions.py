"""The demo's programme versions (releases/demo.py): VTM Michigan 2025 in two versions."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from releases.demo import DROPPED_UID, RIVIAN_UID
from releases.models import ProgrammeVersion
from releases.services import latest_version, pending_changes
from tests.icsparsers import read_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    return ProgrammeVersion.objects.filter(mission__slug="vtm-michigan-2025").order_by("number")


def test_michigan_has_a_preliminary_and_a_final_version(demo):
    preliminary, final = demo
    assert (preliminary.number, preliminary.note) == (1, "Preliminary programme")
    assert (final.number, final.note) == (2, "Final programme")
    before, after = preliminary.snapshot["meetings"], final.snapshot["meetings"]
    # Rivian: tentative at 17:00 EDT, then confirmed at 15:30 EDT (19:30 UTC) as the sources say.
    assert (before[RIVIAN_UID]["status"], before[RIVIAN_UID]["start"]) == (
        "tentative",
        "2025-04-22T21:00:00Z",
    )
    assert (after[RIVIAN_UID]["status"], after[RIVIAN_UID]["start"]) == (
        "confirmed",
        "2025-04-22T19:30:00Z",
    )
    assert after[RIVIAN_UID]["sequence"] == before[RIVIAN_UID]["sequence"] + 1
    assert after[DROPPED_UID]["deleted"] is True
    # The working programme is the final version: nothing pending.
    assert pending_changes(final.mission, latest_version(final.mission)) == 0


def test_geuna_sees_rivian_and_the_plant_visit_cancelled_in_every_parser(demo, client):
    final = demo.last()
    geuna = final.mission.members.get(person__last_name="Geuna")
    body = client.get(reverse("public:delegate_feed", args=[geuna.token])).content
    for parser, events in read_all(body).items():
        statuses = {event.uid: event.status for event in events}
        assert statuses[RIVIAN_UID] == "CANCELLED", parser
        assert statuses[DROPPED_UID] == "CANCELLED", parser


def test_a_second_load_publishes_nothing_more(demo):
    before = list(ProgrammeVersion.objects.values_list("mission__slug", "number"))
    call_command("load_demo", verbosity=0)
    assert list(ProgrammeVersion.objects.values_list("mission__slug", "number")) == before
    # Torino 2026 has one version: the programme with its B2B meetings (matchmaking/demo.py).
    assert ProgrammeVersion.objects.filter(mission__slug="vtm-torino-2026").count() == 1
