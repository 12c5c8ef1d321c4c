"""Hypothesis over the outcome form, the follow-up forms, the board's filters and buttons:
never a 5xx, and a refused form leaves nothing saved. Run on PostgreSQL too (NUL)."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from outcomes.models import FollowUp, Outcome
from tests.outcomes.helpers import add_follow_up
from tests.test_fuzz import DATE, FUZZ, INTEGER, TEXT, choices_of, maybe, post

pytestmark = pytest.mark.django_db


def counts() -> dict:
    return {"outcomes": Outcome.objects.count(), "follow_ups": FollowUp.objects.count()}


@FUZZ
@given(data=st.data())
def test_outcome_form(anna, world, data):
    fields = data.draw(
        st.fixed_dictionaries(
            {
                "held": maybe("held", TEXT),
                "interest": maybe("", TEXT),
                "summary": maybe("", TEXT),
                "next_steps": maybe("", TEXT),
                "notable": maybe("", TEXT),
                "version": maybe(None, INTEGER),
            }
        )
    )
    before = counts()
    response = post(
        anna, reverse("outcomes:outcome", args=[world.mission.slug, world.meeting.pk]), fields
    )
    assert response.status_code < 500
    if response.status_code == 200:
        assert counts() == before


@FUZZ
@given(data=st.data())
def test_follow_up_forms(anna, world, data):
    follow_up = FollowUp.objects.first() or add_follow_up(world.mission, action="Keep me")
    fields = data.draw(
        st.fixed_dictionaries(
            {
                "action": maybe("Call Carlo", TEXT),
                "owner": maybe(f"user-{world.anna.pk}", st.one_of(TEXT, INTEGER)),
                "meeting": maybe("", choices_of(world.meeting.pk, world.future.pk)),
                "organisation": maybe("", choices_of(world.rivian.pk)),
                "due_date": maybe("", DATE),
                "status": maybe("open", TEXT),
                "notes": maybe("", TEXT),
                "version": maybe(None, INTEGER),
                "next": maybe(None, TEXT),
            }
        )
    )
    slug = world.mission.slug
    before = counts()
    response = post(anna, reverse("outcomes:follow_up_create", args=[slug]), fields)
    assert response.status_code < 500
    if response.status_code == 200:
        assert counts() == before
    stored = FollowUp.objects.filter(pk=follow_up.pk).values().first()
    response = post(anna, reverse("outcomes:follow_up_edit", args=[slug, follow_up.pk]), fields)
    assert response.status_code < 500
    if response.status_code in (200, 409):
        assert FollowUp.objects.filter(pk=follow_up.pk).values().first() == stored
    response = post(
        anna,
        reverse("outcomes:follow_up_status", args=[slug, follow_up.pk]),
        {"status": fields["status"], "version": fields["version"], "next": fields["next"]},
    )
    assert response.status_code < 500


@FUZZ
@given(
    params=st.dictionaries(
        st.one_of(st.sampled_from(["owner", "organisation", "mission", "status", "overdue"]), TEXT),
        st.one_of(INTEGER, TEXT),
        max_size=5,
    )
)
def test_board_filters(anna, world, params):
    response = anna.get(reverse("outcomes:board"), params)
    assert response.status_code == 200
