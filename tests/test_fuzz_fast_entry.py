# ruff: noqa: F401, F811  (the `world` fixture comes from tests/test_fuzz.py)
"""Hypothesis over the fast-entry forms of issue 8 (duplicate to a day, copy a day, shift
meetings, paste delegates): never a 5xx, and a form error never leaves anything half-saved.
Same strategies and world as tests/test_fuzz.py; runs on PostgreSQL too."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from meetings.models import Meeting
from tests.test_fuzz import (
    DATE,
    FUZZ,
    INTEGER,
    NASTY,
    TEXT,
    check_answer,
    choices_of,
    counts,
    maybe,
    pk_lists,
    post,
    snapshot,
    world,
)

pytestmark = pytest.mark.django_db

LINE = st.one_of(
    NASTY,
    TEXT,
    st.tuples(TEXT, TEXT, TEXT, TEXT).map(", ".join),
    st.tuples(st.just("Marco Bianchi"), TEXT, TEXT, TEXT).map(", ".join),
    st.just("Marco Bianchi, m.bianchi@example.it, Rivian, capo delegazione"),
)


@FUZZ
@given(day=st.one_of(DATE, TEXT), pk=st.one_of(st.just(None), INTEGER))
def test_duplicate_to_a_day(world, day, pk):
    meeting = world["meeting"]
    before = counts()
    url = reverse("meetings:duplicate", args=[world["mission"].slug, meeting.pk])
    response = post(world["client"], url, {"day": day})
    assert response.status_code < 500
    # Refused days add nothing; a mission day adds exactly one copy.
    assert counts()["Meeting"] - before["Meeting"] in (0, 1)


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "source": maybe("2025-04-22", st.one_of(DATE, TEXT)),
            "target": maybe("2025-04-23", st.one_of(DATE, TEXT)),
            "preview": maybe(None, TEXT),
            "confirm": maybe(None, TEXT),
        }
    )
)
def test_copy_day(world, data):
    before = counts()
    url = reverse("meetings:copy_day", args=[world["mission"].slug])
    check_answer(post(world["client"], url, data), before)


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "minutes": maybe("30", INTEGER),
            "meetings": maybe([], pk_lists(1, 2)),
            "version-1": maybe(None, INTEGER),
        }
    )
)
def test_shift(world, data):
    meeting = world["meeting"]
    if data["meetings"]:
        data = {**data, "meetings": [str(meeting.pk)] + list(data["meetings"])}
    stored = snapshot(meeting)
    response = post(world["client"], reverse("meetings:shift", args=[world["mission"].slug]), data)
    check_answer(response, counts())
    if response.status_code == 200:
        assert snapshot(meeting) == stored
    else:
        world["meeting"] = Meeting.objects.get(pk=meeting.pk)


@FUZZ
@given(
    lines=st.lists(LINE, max_size=30).map("\n".join),
    confirm=maybe(None, TEXT),
    previewed=maybe(None, choices_of("x")),
)
def test_paste_delegates(world, lines, confirm, previewed):
    before = counts()
    url = reverse("delegations:member_paste", args=[world["mission"].slug])
    data = {"lines": lines, "confirm": confirm, "previewed": previewed}
    check_answer(post(world["client"], url, data), before)
