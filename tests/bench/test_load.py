"""The load script's own arithmetic and its writer's form filling (the script itself is not
run here: it starts PostgreSQL and gunicorn; see bench/load.py)."""

import importlib.util
import random
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from meetings.models import Meeting
from tests.builders import local, make_coordinator, make_meeting, make_member, make_mission

SPEC = importlib.util.spec_from_file_location(
    "bench_load", Path(__file__).resolve().parents[2] / "bench" / "load.py"
)
load = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(load)


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(100, 0, -1)]  # unsorted on purpose
    assert load.percentile(values, 50) == 50
    assert load.percentile(values, 99) == 99
    assert load.percentile(values, 100) == 100
    assert load.percentile([7.0], 99) == 7
    assert load.percentile([], 50) == 0


def test_summarize_counts_rate_latency_and_errors_by_kind():
    samples = [
        ("feed", 0.0, 0.1, "200", True),
        ("feed", 0.0, 0.3, "500", False),
        ("agenda", 1.0, 1.2, "503+Retry-After", False),
        ("agenda", 1.0, 1.2, "ConnectionResetError", False),
    ]
    summary = load.summarize(samples, seconds=2)
    assert summary["requests"] == 4
    assert summary["rps"] == 2
    assert round(summary["p50"]) == 200
    assert round(summary["p99"]) == 300
    assert summary["errors"] == 3
    assert summary["by_kind"] == {
        "agenda:503+Retry-After": 1,
        "agenda:ConnectionResetError": 1,
        "feed:500": 1,
    }


def test_lost_writes_needs_every_ack_in_history_and_the_last_in_the_row():
    writes = [
        {"pk": 1, "title": "w1", "acked": True},
        {"pk": 1, "title": "w2", "acked": True},
        {"pk": 2, "title": "w3", "acked": True},
        {"pk": 2, "title": "w4", "acked": False},  # may or may not have committed
        {"pk": None, "title": "w5", "acked": False},
    ]
    history = {(1, "w1"), (1, "w2"), (2, "w3")}
    assert load.lost_writes(writes, history, {1: "w2", 2: "w4"}) == []
    assert load.lost_writes(writes, history - {(1, "w1")}, {1: "w2", 2: "w3"}) == ["w1 (meeting 1)"]
    assert load.lost_writes(writes, history, {1: "w1", 2: "w3"}) == ["w2 (meeting 1)"]


def test_table_is_markdown():
    assert load.table([("a", "b"), (1, 2)]) == "| a | b |\n|---|---|\n| 1 | 2 |"


@pytest.mark.django_db
def test_the_writers_fields_create_and_edit_a_meeting_through_the_real_form():
    mission = make_mission()
    make_member(mission)
    make_member(mission)
    client = Client(enforce_csrf_checks=True)  # the CSRF token must come from the page
    client.force_login(make_coordinator(mission))
    create = reverse("meetings:create", args=[mission.slug])
    fields = load.meeting_fields(client.get(create).content.decode(), 1, random.Random(0))
    response = client.post(create, fields)
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Load write 1")
    assert f"#meeting-{meeting.pk}" in response["Location"]
    assert meeting.attendees.count() == 2

    other = make_meeting(
        mission, local(mission, 2025, 4, 23, 9, 0), local(mission, 2025, 4, 23, 10, 0)
    )
    edit = reverse("meetings:edit", args=[mission.slug, other.pk])
    fields = load.meeting_fields(client.get(edit).content.decode(), 2, random.Random(0))
    assert client.post(edit, fields).status_code == 302
    other.refresh_from_db()
    assert other.title == "Load write 2"
    assert load.meeting_fields("<p>no form here</p>", 3, random.Random(0)) is None
