"""The follow-up board across missions, and the start page's card of one's own."""

from datetime import date

import pytest
from django.urls import reverse

from outcomes.models import FollowUp
from tests.builders import make_coordinator, make_member, make_mission, make_organisation
from tests.outcomes.helpers import add_follow_up, text

pytestmark = pytest.mark.django_db

BOARD = reverse("outcomes:board")


@pytest.fixture
def actions(world):
    """Anna also plans the Hannover mission here; Bruno plans only that one."""
    world.other.coordinators.add(world.anna)
    medc = make_organisation(name="MEDC")
    return {
        "overdue": add_follow_up(
            world.mission,
            action="Send Rivian the supplier list",
            owner_user=world.anna,
            organisation=world.rivian,
            meeting=world.meeting,
            due_date=date(2025, 5, 15),
        ),
        "later": add_follow_up(
            world.other,
            action="Book the stand",
            owner_user=world.bruno,
            organisation=medc,
            due_date=date(2099, 1, 10),
        ),
        "delegate": add_follow_up(
            world.mission,
            action="Stefano writes to GM",
            owner_member=world.stefano,
            due_date=date(2099, 2, 1),
        ),
        "done": add_follow_up(
            world.mission, action="Thank-you letters", owner_user=world.anna, status="done"
        ),
        "undated": add_follow_up(world.other, action="Ask about hotels", owner_user=world.anna),
    }


def rows(response) -> list[str]:
    return [follow_up.action for follow_up in response.context["board"].rows]


def test_the_board_lists_open_follow_ups_by_due_date_undated_last(anna, actions):
    response = anna.get(BOARD)
    assert rows(response) == [
        "Send Rivian the supplier list",
        "Book the stand",
        "Stefano writes to GM",
        "Ask about hotels",
    ]
    page = text(response)
    assert "4 follow-ups · 1 overdue" in page
    assert "Thu 15 May 2025 Send Rivian the supplier list from “Meeting with Rivian”" in page
    assert "Anna Ferrero me Rivian VTM Michigan 2025 Overdue" in page
    html = response.content.decode()
    row = html[html.index(f'id="follow-up-{actions["overdue"].pk}"') - 60 :][:80]
    assert "follow-up-overdue" in row


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"owner": "me"}, ["Send Rivian the supplier list", "Ask about hotels"]),
        ({"owner": "member-{stefano}"}, ["Stefano writes to GM"]),
        ({"organisation": "{rivian}"}, ["Send Rivian the supplier list"]),
        ({"mission": "{other}"}, ["Book the stand", "Ask about hotels"]),
        ({"status": "done"}, ["Thank-you letters"]),
        ({"overdue": "on"}, ["Send Rivian the supplier list"]),
        (
            {"status": "all", "owner": "me"},
            ["Send Rivian the supplier list", "Ask about hotels", "Thank-you letters"],
        ),
        # Nonsense filters nothing out and breaks nothing.
        ({"owner": "user-99999999999999999999", "mission": "x", "status": "\x00"}, None),
    ],
)
def test_board_filters(anna, world, actions, query, expected):
    ids = {"stefano": world.stefano.pk, "rivian": world.rivian.pk, "other": world.other.pk}
    params = {key: value.format(**ids) for key, value in query.items()}
    response = anna.get(BOARD, params)
    assert response.status_code == 200
    if expected is None:
        return
    assert sorted(rows(response)) == sorted(expected)


def test_board_shows_only_the_missions_the_user_plans(client, world, actions):
    client.force_login(world.bruno)
    response = client.get(BOARD)
    assert rows(response) == ["Book the stand", "Ask about hotels"]
    page = text(response)
    assert "Rivian" not in page
    assert "VTM Michigan" not in page
    # Filtering by a mission or organisation they cannot see shows nothing of it.
    response = client.get(BOARD, {"mission": world.mission.pk, "status": "all"})
    assert rows(response) == []


def test_done_and_drop_buttons_post_with_the_version(anna, world, actions):
    follow_up = actions["overdue"]
    url = reverse("outcomes:follow_up_status", args=[world.mission.slug, follow_up.pk])
    response = anna.post(url, {"status": "done", "version": 1, "next": BOARD}, follow=True)
    assert "“Send Rivian the supplier list” marked as done." in text(response)
    assert "Send Rivian the supplier list" not in rows(response)
    # The same button from a page opened before: refused, nothing changed.
    response = anna.post(url, {"status": "dropped", "version": 1, "next": BOARD}, follow=True)
    assert "was changed by somebody else meanwhile" in text(response)
    assert FollowUp.objects.get(pk=follow_up.pk).status == "done"
    # `next` elsewhere than this site is ignored.
    response = anna.post(url, {"status": "open", "version": 2, "next": "https://evil.example/"})
    assert response.headers["Location"] == BOARD
    assert FollowUp.objects.get(pk=follow_up.pk).status == "open"


def test_another_missions_coordinator_cannot_press_the_buttons(client, world, actions):
    client.force_login(world.bruno)
    follow_up = actions["overdue"]
    url = reverse("outcomes:follow_up_status", args=[world.mission.slug, follow_up.pk])
    assert client.post(url, {"status": "done", "version": 1}).status_code == 404
    assert FollowUp.objects.get(pk=follow_up.pk).status == "open"


@pytest.mark.parametrize("count", [1, 15])
def test_board_query_count_does_not_grow(client, django_assert_num_queries, count):
    user = make_coordinator()
    client.force_login(user)
    for n in range(count):
        mission = make_mission(coordinators=[user])
        member = make_member(mission)
        organisation = make_organisation()
        add_follow_up(mission, owner_member=member, organisation=organisation)
        add_follow_up(mission, owner_user=user, due_date=date(2025, 1, 1 + n))
    # 1 session, 2 user, 3 the rows (mission, meeting, organisation, owner joined),
    # 4 the missions for the filter, 5 organisations concerned, 6 coordinators owning
    # some, 7 delegates owning some (with person and mission).
    with django_assert_num_queries(7):
        response = client.get(BOARD)
    assert len(response.context["board"].rows) == 2 * count
    # Each 2025 row is overdue, highlighted; the undated ones are not.
    assert response.content.decode().count("follow-up-row follow-up-overdue") == count


def test_start_page_card_lists_my_open_follow_ups_overdue_first(anna, actions):
    page = text(anna.get(reverse("missions:list")))
    assert "Your open follow-ups (2)" in page
    card = page[page.index("Your open follow-ups") :]
    assert card.index("Send Rivian the supplier list") < card.index("Ask about hotels")
    assert (
        "Overdue Send Rivian the supplier list due 15 May 2025 · Rivian · VTM Michigan 2025" in card
    )
    assert "Thank-you letters" not in card  # done
    assert "Book the stand" not in card  # Bruno's


def test_start_page_card_shows_at_most_five(client, world):
    client.force_login(world.anna)
    for n in range(7):
        add_follow_up(world.mission, action=f"Task {n}", owner_user=world.anna)
    page = text(client.get(reverse("missions:list")))
    assert "Your open follow-ups (7)" in page
    assert "Task 4" in page
    assert "Task 5" not in page


def test_no_card_without_open_follow_ups(anna, world):
    assert "Your open follow-ups" not in text(anna.get(reverse("missions:list")))
