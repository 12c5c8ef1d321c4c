"""An organisation's timeline: every mission, meeting, outcome and follow-up with it."""

from datetime import date

import pytest
from django.urls import reverse

from outcomes.services import outcome_save
from tests.builders import (
    local,
    make_coordinator,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
)
from tests.outcomes.helpers import add_follow_up, text

pytestmark = pytest.mark.django_db


def timeline_url(organisation):
    return reverse("outcomes:organisation_timeline", args=[organisation.pk])


@pytest.fixture
def history(world):
    """Rivian met in Michigan 2025 (outcome, follow-ups) and in Bruno's Hannover 2099;
    a Rivian employee travelled with a third mission of Anna's."""
    outcome_save(
        meeting=world.meeting,
        held="held",
        interest="high",
        summary="Rivian will visit Turin.",
        next_steps="Dates by May.",
    )
    add_follow_up(
        world.mission,
        action="Send the supplier list",
        meeting=world.meeting,
        owner_user=world.anna,
        due_date=date(2025, 5, 15),
    )
    add_follow_up(
        world.mission, action="Invite Rivian to VTM Torino 2026", organisation=world.rivian
    )
    make_meeting(
        world.other,
        local(world.other, 2099, 4, 22, 9),
        local(world.other, 2099, 4, 22, 10),
        title="Rivian at Hannover (Bruno's)",
        partner_organisations=[world.rivian],
    )
    torino = make_mission(
        title="VTM Torino 2026",
        slug="vtm-torino-2026",
        city="Torino",
        country="Italy",
        timezone="Europe/Rome",
        start_date=date(2026, 6, 10),
        end_date=date(2026, 6, 12),
        coordinators=[world.anna],
    )
    make_member(
        torino, make_person(first_name="Luca", last_name="Bianchi", organisation=world.rivian)
    )
    return torino


def test_timeline_shows_missions_newest_first_with_meetings_outcomes_and_follow_ups(
    anna, world, history
):
    page = text(anna.get(timeline_url(world.rivian)))
    assert "Rivian: history with the agency" in page
    assert page.index("VTM Torino 2026") < page.index("VTM Michigan 2025")
    assert "Travelled with the delegation: Luca Bianchi" in page
    assert (
        "Tue 22 Apr 2025, 15:30 (America/Detroit) Meeting with Rivian Held · interest high" in page
    )
    assert "Met: Carlo Materazzo · Delegation: Stefano Geuna" in page
    assert "Rivian will visit Turin." in page
    assert "Agreed next steps: Dates by May." in page
    assert "→ Send the supplier list Overdue · Anna Ferrero · due 15 May 2025" in page
    assert "Other follow-ups about them → Invite Rivian to VTM Torino 2026 Open" in page


def test_timeline_leaves_out_missions_the_user_does_not_plan(anna, client, world, history):
    page = text(anna.get(timeline_url(world.rivian)))
    assert "Hannover" not in page
    client.force_login(world.bruno)
    page = text(client.get(timeline_url(world.rivian)))
    assert "Rivian at Hannover (Bruno's)" in page
    assert "VTM Michigan" not in page
    assert "Rivian will visit Turin." not in page
    assert "Send the supplier list" not in page


def test_timeline_of_an_unknown_organisation_is_404(anna):
    assert anna.get(reverse("outcomes:organisation_timeline", args=[999999])).status_code == 404


def test_the_organisation_page_links_to_the_timeline(anna, world):
    page = anna.get(reverse("delegations:organisation", args=[world.rivian.pk])).content.decode()
    assert timeline_url(world.rivian) in page


@pytest.mark.parametrize("count", [1, 8])
def test_timeline_query_count_does_not_grow(client, django_assert_num_queries, count):
    user = make_coordinator()
    client.force_login(user)
    organisation = make_organisation()
    for n in range(count):
        mission = make_mission(coordinators=[user])
        member = make_member(mission, make_person(organisation=organisation))
        contact = make_person(organisation=organisation)
        meeting = make_meeting(
            mission,
            local(mission, 2025, 4, 22, 9),
            local(mission, 2025, 4, 22, 10),
            attendees=[member],
            partner_organisations=[organisation],
            partner_contacts=[contact],
        )
        outcome_save(meeting=meeting, summary=f"Summary {n}")
        add_follow_up(mission, meeting=meeting, owner_user=user)
        add_follow_up(mission, organisation=organisation, owner_member=member)
    # 1 session, 2 user, 3 the organisation, 4 missions, 5 meetings (with outcome and
    # venue), 6 their attendees, 7 their partner contacts, 8 follow-ups, 9 travellers.
    with django_assert_num_queries(9):
        response = client.get(timeline_url(organisation))
    page = text(response)
    assert page.count("Summary ") == count
    assert page.count("Call back") == 2 * count
