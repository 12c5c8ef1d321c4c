"""The planner's side: the bar on every mission page, the publish and discard pages, "Save
and publish" on the meeting form, two publishers at once (releases/views.py)."""

import re
import threading
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.urls import reverse

from meetings.models import Meeting
from meetings.services import meeting_save
from releases.models import ProgrammeVersion
from releases.services import NothingToPublish, PublishConflict, programme_publish
from tests.builders import (
    local,
    make_coordinator,
    make_many_meetings,
    make_meeting,
    make_member,
    make_mission,
    publish,
)
from tests.formdata import form_fields

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def bar_of(response) -> str:
    html = response.content.decode()
    found = re.search(r'<div class="programme-bar.*?</div>', html, flags=re.S)
    assert found, "no programme bar on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


@pytest.fixture
def mission():
    return make_mission(title="VTM Michigan 2025", slug="vtm-michigan-2025")


@pytest.fixture
def meeting(mission):
    return make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        title="Meeting with Rivian",
    )


@pytest.fixture
def planner(client, mission):
    client.force_login(make_coordinator(mission, first_name="Anna", last_name="Test"))
    return client


def agenda(planner, mission):
    return planner.get(reverse("meetings:agenda", args=[mission.slug]) + "?lang=en")


def _move(meeting, minutes=30):
    meeting = Meeting.objects.get(pk=meeting.pk)
    meeting.start += timedelta(minutes=minutes)
    meeting.end += timedelta(minutes=minutes)
    return meeting_save(meeting=meeting)


def test_bar_says_not_published_then_pending_then_published(planner, mission, meeting):
    assert bar_of(agenda(planner, mission)).startswith("Not published yet")
    version = publish(mission)
    when = version.published_at.astimezone(mission.home_tz).strftime("%-d %b %Y %H:%M")
    assert bar_of(agenda(planner, mission)) == f"Published: version 1 of {when} (Rome) Publish"
    _move(meeting)
    _move(meeting)
    bar = bar_of(agenda(planner, mission))
    assert bar == "1 change not yet published Delegates see version 1. Publish changes Discard"
    make_meeting(mission, local(mission, 2025, 4, 23, 9), local(mission, 2025, 4, 23, 10))
    assert bar_of(agenda(planner, mission)).startswith("2 changes not yet published")


def test_bar_is_on_every_mission_page(planner, mission, meeting):
    for url in (
        reverse("meetings:timetable", args=[mission.slug]),
        reverse("delegations:roster", args=[mission.slug]),
        reverse("meetings:edit", args=[mission.slug, meeting.pk]),
        reverse("missions:edit", args=[mission.slug]),
        reverse("missions:coordinators", args=[mission.slug]),
    ):
        assert bar_of(planner.get(url + "?lang=en")).startswith("Not published yet"), url


@pytest.mark.parametrize("count", [1, 60])
def test_bar_costs_one_query_whatever_the_number_of_meetings(
    planner, mission, django_assert_num_queries, count
):
    make_many_meetings(mission, count + 1)
    publish(mission)
    # One deleted, one moved: 2 changes whatever the number of meetings.
    Meeting.objects.filter(mission=mission).order_by("pk").first().delete()
    _move(Meeting.objects.filter(mission=mission).order_by("pk").last())
    url = reverse("missions:coordinators", args=[mission.slug])
    # 1 session, 2 user, 3 the mission, 4 its coordinators, 5 the bar.
    with django_assert_num_queries(5):
        response = planner.get(url + "?lang=en")
    assert bar_of(response).startswith("2 changes not yet published")


def test_publish_page_publishes_with_the_note(planner, mission, meeting):
    url = reverse("releases:publish", args=[mission.slug])
    page = planner.get(url + "?lang=en")
    assert "Publishing makes version 1 with 1 meeting" in text_of(page)
    form = form_fields(page.content.decode(), "publish-form")
    assert form["expected"] == "0"
    response = planner.post(url, {**form, "note": "Preliminary programme"}, follow=True)
    assert "Version 1 published: delegates' pages and calendars show it now." in text_of(response)
    version = ProgrammeVersion.objects.get(mission=mission)
    assert (version.number, version.note, version.published_by.first_name) == (
        1,
        "Preliminary programme",
        "Anna",
    )


def test_publishing_over_a_version_published_meanwhile_is_a_409(planner, mission, meeting):
    publish(mission)
    _move(meeting)
    url = reverse("releases:publish", args=[mission.slug])
    form = form_fields(planner.get(url).content.decode(), "publish-form")
    assert form["expected"] == "1"
    publish(mission)  # a colleague, meanwhile
    _move(meeting)
    response = planner.post(url + "?lang=en", form)
    assert response.status_code == 409
    assert "Somebody else published version 2 meanwhile: nothing was published." in text_of(
        response
    )
    assert ProgrammeVersion.objects.filter(mission=mission).count() == 2


def test_nothing_to_publish_is_said_on_the_page(planner, mission, meeting):
    publish(mission)
    url = reverse("releases:publish", args=[mission.slug])
    response = planner.post(url + "?lang=en", {"expected": "1", "note": ""})
    assert response.status_code == 200
    assert "Nothing to publish: the programme is the same as version 1." in text_of(response)


@pytest.mark.parametrize("note", ["a\x00b", "two\nlines", "x" * 201])
def test_absurd_notes_are_refused_next_to_the_field(planner, mission, meeting, note):
    url = reverse("releases:publish", args=[mission.slug])
    response = planner.post(url + "?lang=en", {"expected": "0", "note": note})
    assert response.status_code == 200
    assert 'class="invalid-feedback"' in response.content.decode()
    assert not ProgrammeVersion.objects.filter(mission=mission).exists()


def test_discard_page_brings_the_published_programme_back(planner, mission, meeting):
    publish(mission)
    _move(meeting, 90)
    url = reverse("releases:discard", args=[mission.slug])
    page = planner.get(url + "?lang=en")
    assert "The working programme goes back to version 1" in text_of(page)
    form = form_fields(page.content.decode(), "discard-form")
    response = planner.post(url, form, follow=True)
    assert "Unpublished changes discarded: 1 meeting is back as published." in text_of(response)
    assert Meeting.objects.get(pk=meeting.pk).start == meeting.start
    assert bar_of(agenda(planner, mission)).startswith("Published: version 1")


def test_discard_with_nothing_pending_says_so(planner, mission, meeting):
    url = reverse("releases:discard", args=[mission.slug])
    response = planner.post(url + "?lang=en", {"expected": ""})
    assert "Nothing to discard: this programme has never been published." in text_of(response)
    publish(mission)
    response = planner.post(url + "?lang=en", {"expected": "1"})
    assert "Nothing to discard: the programme is the same as version 1." in text_of(response)


def test_save_and_publish_reaches_the_delegates_feed_at_once(planner, mission, meeting):
    member = make_member(mission)
    meeting_save(meeting=Meeting.objects.get(pk=meeting.pk), attendees=[member])
    publish(mission)
    url = reverse("meetings:edit", args=[mission.slug, meeting.pk])
    form = form_fields(planner.get(url).content.decode(), "meeting-form")
    form.pop("save", None)
    form["start_1"], form["end_1"] = "16:00", "17:00"
    response = planner.post(url + "?lang=en", {**form, "publish": "Save and publish"}, follow=True)
    assert "Version 2 published." in text_of(response)
    version = ProgrammeVersion.objects.get(mission=mission, number=2)
    assert version.note == "Urgent fix: Meeting with Rivian"
    feed = planner.get(reverse("public:delegate_feed", args=[member.token])).content.decode()
    assert "DTSTART;TZID=America/Detroit:20250422T160000" in feed


def test_plain_save_does_not_publish(planner, mission, meeting):
    publish(mission)
    url = reverse("meetings:edit", args=[mission.slug, meeting.pk])
    form = form_fields(planner.get(url).content.decode(), "meeting-form")
    form.pop("publish", None)
    form["title"] = "Rivian plant tour"
    planner.post(url, form)
    assert ProgrammeVersion.objects.filter(mission=mission).count() == 1
    assert Meeting.objects.get(pk=meeting.pk).title == "Rivian plant tour"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs concurrent writers: PostgreSQL")
@pytest.mark.parametrize("expected", [None, 0])
def test_two_publishers_at_the_same_moment_never_make_two_equal_numbers(expected):
    mission = make_mission()
    make_meeting(mission, local(mission, 2025, 4, 22, 9), local(mission, 2025, 4, 22, 10))
    barrier = threading.Barrier(2, timeout=30)
    outcomes, errors = [], []

    def publisher() -> None:
        try:
            barrier.wait()
            programme_publish(mission=mission, user=None, expected_number=expected)
            outcomes.append("published")
        except (NothingToPublish, PublishConflict) as refusal:
            outcomes.append(refusal.messages[0])
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=publisher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    numbers = list(
        ProgrammeVersion.objects.filter(mission=mission).values_list("number", flat=True)
    )
    # The second waited for the first's lock, then found nothing left to publish (or,
    # expecting no version, found version 1 there).
    assert numbers == [1]
    refusal = next(outcome for outcome in outcomes if outcome != "published")
    assert outcomes.count("published") == 1
    assert refusal.startswith(("Nothing to publish", "Somebody else published version 1"))
