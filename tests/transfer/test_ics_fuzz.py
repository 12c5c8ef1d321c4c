"""Hypothesis on the .ics import: mangled invitations (lines dropped, swapped, cut, values
replaced by nasty text, random bytes) and forged import forms never answer 5xx, and whatever
is refused leaves the database as it was."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings.models import Meeting
from missions.models import Venue
from tests.builders import make_coordinator, make_member, make_mission, make_person, make_venue
from tests.transfer.helpers import FILES, import_url

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SOURCES = [
    (FILES / name).read_bytes().split(b"\r\n")
    for name in ("outlook-request.ics", "google-invite.ics", "vtm-torino-calendar.ics")
]
NASTY = st.sampled_from(
    [
        "",
        "\x00",
        ";TZID=Nowhere:20250422T100000",
        ":99991231T235959",
        ":00010101T000000",
        ":20250230T100000",
        ";VALUE=DATE:20250422",
        ":-1",
        "x" * 3000,
        "💥" * 40,
        ";TZID=/:20250422T100000",
        ";TZID=Eastern Standard Time:20250309T023000",
        ":99999999999999999999",
    ]
)


@st.composite
def mangled(draw) -> bytes:
    lines = list(draw(st.sampled_from(SOURCES)))
    for _ in range(draw(st.integers(0, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "swap", "cut", "value", "bytes"]))
        line = lines[index]
        if action == "drop":
            del lines[index]
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], line
        elif action == "cut":
            lines[index] = line[: draw(st.integers(0, len(line)))]
        elif action == "value":
            name = line.split(b":")[0].split(b";")[0]
            lines[index] = name + draw(NASTY).encode()
        else:
            lines[index] = draw(st.binary(max_size=30))
        if not lines:
            break
    return b"\r\n".join(lines)


@pytest.fixture
def world(client):
    mission = make_mission(slug="vtm-michigan-2025")
    make_venue(mission, name="VTM Michigan 2025, Pontiac")
    make_member(mission, make_person(email="andrea.tronzano@example.org"))
    client.force_login(make_coordinator(mission))
    return {"client": client, "mission": mission}


def _counts():
    return Meeting.objects.count(), Venue.objects.count(), Meeting.history.count()


@FUZZ
@given(content=st.one_of(mangled(), st.binary(max_size=500)))
def test_mangled_invitations_never_break_the_preview(world, content):
    client, mission = world["client"], world["mission"]
    before = _counts()
    response = client.post(import_url(mission), {"files": SimpleUploadedFile("x.ics", content)})
    assert response.status_code == 200
    assert _counts() == before
    page = response.context
    if page["rows"] and page["writes"] and not page["blocked"]:
        initial = page["confirm"].initial
        done = client.post(
            import_url(mission),
            {"payload": initial["payload"], "signature": initial["signature"], "kind": "b2b"},
        )
        assert done.status_code in (200, 302)


@FUZZ
@given(
    payload=st.one_of(st.text(max_size=200), st.just("\x00")),
    signature=st.text(max_size=80),
    kind=st.one_of(st.just("b2b"), st.text(max_size=20)),
)
def test_forged_import_forms_are_refused(world, payload, signature, kind):
    client, mission = world["client"], world["mission"]
    before = _counts()
    response = client.post(
        import_url(mission), {"payload": payload, "signature": signature, "kind": kind}
    )
    assert response.status_code == 200
    assert _counts() == before
