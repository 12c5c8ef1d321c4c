"""Who reaches the history and restore pages: one table, every role, GET and POST.

(The project's permission matrix should carry the same rows.)"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from meetings.models import Meeting
from meetings.services import meeting_delete
from missions.models import Mission
from missions.services import mission_delete
from tests.builders import (
    local,
    make_coordinator,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
)

pytestmark = pytest.mark.django_db

LOGIN = "login"
ROLES = ("anonymous", "coordinator", "other", "staff", "superuser")


@pytest.fixture
def world():
    mission = make_mission(slug="mission-a")
    member = make_member(mission)
    meeting = make_meeting(mission, local(mission, 2025, 4, 22, 9), local(mission, 2025, 4, 22, 10))
    meeting_pk = meeting.pk
    meeting_delete(meeting=meeting)
    gone = make_mission(slug="mission-gone")
    users = {
        "coordinator": make_coordinator(mission, gone),
        "other": make_coordinator(make_mission(slug="mission-b")),
        "staff": make_coordinator(make_mission(slug="mission-c"), is_staff=True),
        "superuser": get_user_model().objects.create_superuser("root", "r@example.org", "pw"),
    }
    mission_delete(mission=Mission.objects.get(pk=gone.pk))
    return {
        "users": users,
        "urls": {
            "missions:history": reverse("missions:history", args=["mission-a"]),
            "missions:delete": reverse("missions:delete", args=["mission-a"]),
            "missions:restore": reverse(
                "missions:restore",
                args=[Mission.history.get(id=gone.pk, history_type="-").history_id],
            ),
            "meetings:deleted": reverse("meetings:deleted", args=["mission-a"]),
            "meetings:restore": reverse(
                "meetings:restore",
                args=[
                    "mission-a",
                    Meeting.history.get(id=meeting_pk, history_type="-").history_id,
                ],
            ),
            "delegations:member_history": reverse(
                "delegations:member_history", args=["mission-a", member.pk]
            ),
            "delegations:contact_history (delegate)": reverse(
                "delegations:contact_history", args=[member.person.pk]
            ),
            "delegations:contact_history (partner)": reverse(
                "delegations:contact_history", args=[make_person().pk]
            ),
            "delegations:organisation_history": reverse(
                "delegations:organisation_history", args=[make_organisation().pk]
            ),
        },
    }


# name: {method: (anonymous, coordinator of A, coordinator of B, staff of C, superuser)}
# POSTs that change something are checked last in their row (a restore is done once).
EXPECTED = {
    "missions:history": {"GET": (LOGIN, 200, 404, 404, 200), "POST": (LOGIN, 405, 405, 405, 405)},
    "meetings:deleted": {"GET": (LOGIN, 200, 404, 404, 200), "POST": (LOGIN, 405, 405, 405, 405)},
    "delegations:member_history": {
        "GET": (LOGIN, 200, 404, 404, 200),
        "POST": (LOGIN, 405, 405, 405, 405),
    },
    "delegations:contact_history (delegate)": {
        "GET": (LOGIN, 200, 404, 404, 200),
        "POST": (LOGIN, 405, 405, 405, 405),
    },
    "delegations:contact_history (partner)": {
        "GET": (LOGIN, 200, 200, 200, 200),
        "POST": (LOGIN, 405, 405, 405, 405),
    },
    "delegations:organisation_history": {
        "GET": (LOGIN, 200, 200, 200, 200),
        "POST": (LOGIN, 405, 405, 405, 405),
    },
    "missions:delete": {"GET": (LOGIN, 200, 404, 404, 200)},
    "meetings:restore": {"GET": (LOGIN, 405, 405, 405, 405)},
    "missions:restore": {"GET": (LOGIN, 405, 405, 405, 405)},
}
# One-shot POSTs: who is refused (404, nothing changes), then who succeeds (302).
ONE_SHOT = {
    "meetings:restore": {"refused": ("other", "staff"), "allowed": "coordinator"},
    "missions:restore": {"refused": ("other", "staff"), "allowed": "coordinator"},
    "missions:delete": {"refused": ("other", "staff"), "allowed": "superuser"},
}


def answer(client, user, method, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(url) if method == "GET" else client.post(url)
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_history_and_restore_pages_answer_each_role_as_agreed(client, world, name):
    users = world["users"]
    url = world["urls"][name]
    for method, expected in EXPECTED[name].items():
        got = tuple(answer(client, users.get(role), method, url) for role in ROLES)
        assert got == expected, (name, method)


@pytest.mark.parametrize("name", sorted(ONE_SHOT))
def test_restore_and_delete_posts_only_for_who_may(client, world, name):
    users = world["users"]
    url = world["urls"][name]
    assert answer(client, None, "POST", url) == LOGIN
    for role in ONE_SHOT[name]["refused"]:
        assert answer(client, users[role], "POST", url) == 404, role
    assert answer(client, users[ONE_SHOT[name]["allowed"]], "POST", url) == 302
