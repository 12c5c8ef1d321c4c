"""Every admin page renders, and the Meeting admin speaks the mission's local time."""

from datetime import UTC, datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from delegations.models import DelegationMember
from meetings.models import Meeting
from missions.models import Mission
from tests.builders import (
    local,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
    make_venue,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def one_of_each():
    mission = make_mission()
    venue = make_venue(mission)
    member = make_member(mission, make_person(organisation=make_organisation()))
    meeting = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        venue=venue,
        attendees=[member],
    )
    return {
        "mission": mission,
        "venue": venue,
        "person": member.person,
        "organisation": member.person.organisation,
        "delegationmember": member,
        "meeting": meeting,
    }


def our_models():
    return [
        model
        for model in admin.site._registry
        if model._meta.app_label in {"missions", "delegations", "meetings"}
    ]


def test_every_model_of_ours_is_registered():
    names = sorted(model._meta.model_name for model in our_models())
    assert names == [
        "delegationmember",
        "meeting",
        "mission",
        "organisation",
        "person",
        "venue",
    ]


@pytest.mark.parametrize("page", ["changelist", "add", "change"])
def test_every_admin_page_renders_for_a_superuser(superuser_client, one_of_each, page):
    for model in our_models():
        opts = model._meta
        args = [one_of_each[opts.model_name].pk] if page == "change" else []
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=args)
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        assert opts.verbose_name.lower() in response.content.decode().lower(), url


def meeting_post(mission, **overrides):
    data = {
        "mission": mission.pk,
        "title": "Briefing with the Consul General",
        "kind": Meeting.Kind.BRIEFING,
        "status": Meeting.Status.CONFIRMED,
        "start_0": "2025-04-22",
        "start_1": "14:00",
        "end_0": "2025-04-22",
        "end_1": "15:00",
        "description": "",
        "internal_notes": "",
    }
    data.update(overrides)
    return data


def test_meeting_typed_in_detroit_time_is_stored_in_utc_and_shown_in_detroit_time(
    superuser_client,
):
    mission = make_mission(timezone="America/Detroit")
    response = superuser_client.post(reverse("admin:meetings_meeting_add"), meeting_post(mission))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.start == datetime(2025, 4, 22, 18, 0, tzinfo=UTC)
    assert meeting.end == datetime(2025, 4, 22, 19, 0, tzinfo=UTC)

    page = superuser_client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    html = page.content.decode()
    assert 'name="start_1" value="14:00:00"' in html or 'name="start_1" value="14:00"' in html
    listing = superuser_client.get(reverse("admin:meetings_meeting_changelist")).content.decode()
    assert "14:00–15:00 EDT" in listing


def test_end_before_start_is_shown_next_to_the_end_field(superuser_client):
    mission = make_mission()
    response = superuser_client.post(
        reverse("admin:meetings_meeting_add"), meeting_post(mission, end_1="13:00")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["end"] == ["The meeting must end after it starts."]
    assert Meeting.objects.count() == 0


def test_nonexistent_spring_forward_time_is_a_field_error(superuser_client):
    mission = make_mission(
        timezone="America/Detroit",
        start_date=datetime(2026, 3, 6).date(),
        end_date=datetime(2026, 3, 10).date(),
    )
    response = superuser_client.post(
        reverse("admin:meetings_meeting_add"),
        meeting_post(
            mission, start_0="2026-03-08", start_1="02:30", end_0="2026-03-08", end_1="04:00"
        ),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "does not exist in America/Detroit" in errors["start"][0]
    assert Meeting.objects.count() == 0


def test_attendee_of_another_mission_is_a_field_error(superuser_client):
    mission, other = make_mission(), make_mission()
    stranger = make_member(other)
    response = superuser_client.post(
        reverse("admin:meetings_meeting_add"), meeting_post(mission, attendees=[stranger.pk])
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["attendees"] == [f"Not in this mission's delegation: {stranger}."]
    assert Meeting.objects.count() == 0


def test_duplicate_delegate_is_a_clear_error(superuser_client):
    mission = make_mission()
    member = make_member(mission)
    response = superuser_client.post(
        reverse("admin:delegations_delegationmember_add"),
        {"mission": mission.pk, "person": member.person.pk, "role": "delegate", "notes": ""},
    )
    assert response.status_code == 200
    assert "This person is already in the mission&#x27;s delegation." in response.content.decode()
    assert DelegationMember.objects.count() == 1


def test_bad_time_zone_name_is_a_field_error(superuser_client):
    response = superuser_client.post(
        reverse("admin:missions_mission_add"),
        {
            "title": "Bad zone",
            "slug": "bad-zone",
            "status": "draft",
            "city": "Pontiac",
            "country": "United States",
            "timezone": "Michigan/Pontiac",
            "home_timezone": "Europe/Rome",
            "start_date": "2025-04-22",
            "end_date": "2025-04-24",
            "clash_buffer_minutes": 30,
            "members-TOTAL_FORMS": 0,
            "members-INITIAL_FORMS": 0,
            "venues-TOTAL_FORMS": 0,
            "venues-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["timezone"] == [
        "“Michigan/Pontiac” is not a known IANA time zone; use a name like America/Detroit."
    ]
    assert Mission.objects.count() == 0


def test_cancel_action_keeps_the_meeting_as_cancelled(superuser_client, one_of_each):
    meeting = one_of_each["meeting"]
    superuser_client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "cancel_meetings", "_selected_action": [meeting.pk]},
    )
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == (Meeting.Status.CANCELLED, 1)


def test_duplicate_action_makes_a_tentative_copy_with_a_new_uid(superuser_client, one_of_each):
    meeting = one_of_each["meeting"]
    superuser_client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "duplicate_meetings", "_selected_action": [meeting.pk]},
    )
    copy = Meeting.objects.exclude(pk=meeting.pk).get()
    assert (copy.title, copy.start, copy.status) == (
        meeting.title,
        meeting.start,
        Meeting.Status.TENTATIVE,
    )
    assert copy.uid != meeting.uid
    assert list(copy.attendees.all()) == list(meeting.attendees.all())


def test_local_day_filter_uses_the_mission_zone(superuser_client):
    mission = make_mission(timezone="America/Detroit")
    # 21:30 on 22 April in Detroit is already 23 April in UTC.
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 21, 30),
        local(mission, 2025, 4, 22, 22),
        title="Late dinner",
    )
    make_meeting(
        mission, local(mission, 2025, 4, 23, 8), local(mission, 2025, 4, 23, 9), title="Breakfast"
    )
    url = reverse("admin:meetings_meeting_changelist")
    html = superuser_client.get(url, {"mission__id__exact": mission.pk, "day": "2025-04-22"})
    text = html.content.decode()
    assert "Late dinner" in text
    assert "Breakfast" not in text
