"""Finding 4: dates without bounds. Missions lie within 2000-2100 and last at most 120 days;
meetings and delegates' stays lie at most 14 days either side of their mission (in its zone)
and a meeting lasts at most 7 days. Every form says so next to the field; nothing answers 500.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from delegations.models import DelegationMember, Person
from meetings.models import Meeting
from missions.models import MAX_MISSION_DAYS, Mission
from tests.builders import local, make_coordinator, make_meeting, make_member, make_mission
from tests.delegations.test_views_roster import new_person_data
from tests.meetings.test_planner import form_data
from tests.meetings.test_reschedule import previewed
from tests.missions.test_views import mission_data
from tests.test_admin import meeting_post

pytestmark = pytest.mark.django_db

OUT_OF_WINDOW = "Choose a date between Jan. 1, 2000 and Dec. 31, 2100."
# Mission 22-24 April 2025 in Detroit: meetings and stays from 8 April to 8 May 2025.
NEAR = "Choose a time between April 8, 2025 and May 8, 2025 (America/Detroit): at most 14 days "
NEAR += "before or after the mission."


@pytest.fixture
def mission():
    return make_mission(title="VTM Michigan 2025", slug="vtm-michigan-2025")


@pytest.fixture
def planner(client, mission):
    client.force_login(make_coordinator(mission))
    return client


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "pw"))
    return client


# --- Missions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("2026-03-24", "9999-12-31", "end_date", OUT_OF_WINDOW),
        ("0001-01-01", "2026-03-25", "start_date", OUT_OF_WINDOW),
        ("0001-01-01", "9999-12-31", "start_date", OUT_OF_WINDOW),
        (
            "2026-01-01",
            "2026-05-01",
            "end_date",
            "A mission lasts at most 120 days; these dates make 121.",
        ),
    ],
)
def test_mission_form_refuses_dates_out_of_bounds_next_to_the_field(
    client, start, end, field, message
):
    client.force_login(make_coordinator())
    response = client.post(reverse("missions:create"), mission_data(start_date=start, end_date=end))

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert Mission.objects.count() == 0


def test_the_longest_mission_is_accepted_and_prints_every_day(client):
    client.force_login(make_coordinator())
    response = client.post(
        reverse("missions:create"), mission_data(start_date="2026-01-01", end_date="2026-04-30")
    )
    mission = Mission.objects.get()
    assert response.status_code == 302
    assert len(mission.days()) == MAX_MISSION_DAYS
    make_meeting(mission, local(mission, 2026, 4, 30, 9), local(mission, 2026, 4, 30, 10))

    page = client.get(reverse("meetings:agenda_print", args=[mission.slug]))

    assert page.status_code == 200
    # The one busy day gets its page; the 119 empty days a line each.
    html = page.content.decode()
    assert html.count('class="print-day"') == 1
    assert html.count('class="print-empty-day"') == MAX_MISSION_DAYS - 1


def test_mission_edit_to_year_9999_says_why_and_changes_nothing(planner, mission):
    response = planner.post(
        reverse("missions:edit", args=[mission.slug]),
        mission_data(
            title=mission.title,
            slug=mission.slug,
            end_date="9999-12-31",
            start_date="2025-04-22",
            timezone="America/Detroit",
        ),
    )

    assert response.context["form"].errors["end_date"] == [OUT_OF_WINDOW]
    mission.refresh_from_db()
    assert mission.end_date == date(2025, 4, 24)
    assert planner.get(reverse("missions:list")).status_code == 200


def test_moving_a_mission_away_from_its_meetings_is_refused_with_how_many(planner, mission):
    member = make_member(
        mission,
        arrival=local(mission, 2025, 4, 21, 10),
        departure=local(mission, 2025, 4, 25, 18),
    )
    for day in (22, 23):
        make_meeting(mission, local(mission, 2025, 4, day, 9), local(mission, 2025, 4, day, 10))

    # Leaving the meetings and stays on their days (issue 8 offers to move them along).
    url = reverse("missions:edit", args=[mission.slug])
    data = mission_data(
        title=mission.title,
        slug=mission.slug,
        start_date="2025-06-02",
        end_date="2025-06-04",
        timezone="America/Detroit",
        shift="no",
    )
    preview = planner.post(url, data).content.decode()
    response = planner.post(url, {**data, "previewed": previewed(preview)})

    assert response.context["form"].errors["start_date"] == [
        "2 meetings would start more than 14 days before the mission: move or delete them "
        "first, or choose an earlier start.",
        "1 delegate's arrival or departure would be more than 14 days before the mission: "
        "change it first, or choose an earlier start.",
    ]
    mission.refresh_from_db()
    assert mission.start_date == date(2025, 4, 22)
    assert DelegationMember.objects.get(pk=member.pk).arrival == local(mission, 2025, 4, 21, 10)


def test_moving_a_mission_by_a_few_days_keeps_its_meetings(planner, mission):
    make_meeting(mission, local(mission, 2025, 4, 22, 9), local(mission, 2025, 4, 22, 10))

    url = reverse("missions:edit", args=[mission.slug])
    data = mission_data(
        title=mission.title,
        slug=mission.slug,
        start_date="2025-04-29",
        end_date="2025-04-30",
        timezone="America/Detroit",
        shift="no",
    )
    preview = planner.post(url, data).content.decode()
    response = planner.post(url, {**data, "previewed": previewed(preview)})

    assert response.status_code == 302
    mission.refresh_from_db()
    assert mission.start_date == date(2025, 4, 29)
    assert Meeting.objects.get().start == local(mission, 2025, 4, 22, 9)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-03-24", "9999-12-31", OUT_OF_WINDOW),
        ("2026-01-01", "2026-12-31", "A mission lasts at most 120 days; these dates make 365."),
    ],
)
def test_clone_refuses_dates_out_of_bounds_next_to_the_field(planner, mission, start, end, message):
    response = planner.post(
        reverse("missions:clone", args=[mission.slug]),
        {"title": "Copy", "slug": "", "start_date": start, "end_date": end},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == [message]
    assert Mission.objects.count() == 1


def test_a_shorter_clone_leaves_stays_that_no_longer_fit_empty(planner):
    source = make_mission(start_date=date(2025, 1, 1), end_date=date(2025, 3, 31))
    planner.force_login(make_coordinator(source))
    late = make_member(
        source, arrival=local(source, 2025, 3, 28, 9), departure=local(source, 2025, 3, 31, 18)
    )
    early = make_member(
        source, arrival=local(source, 2025, 1, 1, 9), departure=local(source, 2025, 1, 3, 18)
    )

    response = planner.post(
        reverse("missions:clone", args=[source.slug]),
        {
            "title": "Short copy",
            "slug": "short-copy",
            "start_date": "2026-01-01",
            "end_date": "2026-01-02",
        },
    )

    assert response.status_code == 302
    copy = Mission.objects.get(slug="short-copy")
    stays = {m.person_id: (m.arrival, m.departure) for m in copy.members.all()}
    assert stays[late.person_id] == (None, None)
    assert stays[early.person_id] == (local(copy, 2026, 1, 1, 9), local(copy, 2026, 1, 3, 18))


def test_admin_refuses_year_9999_and_stranding_meetings_next_to_the_dates(
    superuser_client, mission
):
    make_meeting(mission, local(mission, 2025, 4, 23, 9), local(mission, 2025, 4, 23, 10))
    url = reverse("admin:missions_mission_change", args=[mission.pk])
    data = {
        "title": mission.title,
        "slug": mission.slug,
        "status": "draft",
        "city": "Pontiac",
        "country": "United States",
        "timezone": "America/Detroit",
        "home_timezone": "Europe/Rome",
        "start_date": "2025-04-22",
        "end_date": "9999-12-31",
        "clash_buffer_minutes": 30,
        "members-TOTAL_FORMS": 0,
        "members-INITIAL_FORMS": 0,
        "venues-TOTAL_FORMS": 0,
        "venues-INITIAL_FORMS": 0,
        "feed_token": mission.feed_token,
        "version": mission.version,
    }

    too_far = superuser_client.post(url, data)
    stranding = superuser_client.post(
        url, {**data, "start_date": "2025-09-01", "end_date": "2025-09-02"}
    )

    assert too_far.context["adminform"].form.errors["end_date"] == [OUT_OF_WINDOW]
    assert stranding.context["adminform"].form.errors["start_date"] == [
        "1 meeting would start more than 14 days before the mission: move or delete it first, "
        "or choose an earlier start."
    ]
    mission.refresh_from_db()
    assert (mission.start_date, mission.end_date) == (date(2025, 4, 22), date(2025, 4, 24))


# --- Meetings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"start_0": "0001-01-01", "end_0": "0001-01-01"}, "start", NEAR),
        ({"start_0": "2025-04-01"}, "start", NEAR),
        ({"start_0": "2025-05-08", "start_1": "23:00", "end_0": "2025-05-09"}, "end", NEAR),
        ({"end_0": "2025-04-30"}, "end", "A meeting lasts at most 7 days."),
        (
            {"start_0": "9999-12-31", "start_1": "22:00", "end_0": "9999-12-31", "end_1": "23:00"},
            "start",
            "Dec. 31, 9999, 10 p.m. is out of range: choose a date between the years 2000 and "
            "2100.",
        ),
    ],
)
def test_meeting_form_refuses_times_far_from_the_mission_next_to_the_field(
    planner, mission, overrides, field, message
):
    response = planner.post(
        reverse("meetings:create", args=[mission.slug]), form_data(mission, **overrides)
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert Meeting.objects.count() == 0


def test_meeting_form_accepts_a_briefing_two_weeks_before(planner, mission):
    response = planner.post(
        reverse("meetings:create", args=[mission.slug]),
        form_data(mission, start_0="2025-04-08", start_1="00:00", end_0="2025-04-08"),
    )

    assert response.status_code == 302
    assert Meeting.objects.get().start == datetime(2025, 4, 8, 4, tzinfo=UTC)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_clash_check_of_times_at_the_end_of_the_calendar_answers_without_warnings(
    planner, mission, day
):
    for url in (
        reverse("meetings:check", args=[mission.slug]),
        reverse(
            "meetings:check_existing",
            args=[
                mission.slug,
                make_meeting(
                    mission, local(mission, 2025, 4, 22, 9), local(mission, 2025, 4, 22, 10)
                ).pk,
            ],
        ),
    ):
        response = planner.post(
            url, form_data(mission, start_0=day, start_1="22:00", end_0=day, end_1="23:00")
        )

        assert response.status_code == 200
        assert response.context["checked"] is False


def test_admin_meeting_form_refuses_year_9999_next_to_the_field(superuser_client, mission):
    response = superuser_client.post(
        reverse("admin:meetings_meeting_add"),
        meeting_post(
            mission, start_0="9999-12-31", start_1="22:00", end_0="9999-12-31", end_1="23:00"
        ),
    )

    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["start"]
    assert "is out of range" in error
    assert Meeting.objects.count() == 0


def test_admin_local_day_filter_on_the_last_day_of_the_calendar_is_not_a_500(
    superuser_client, mission
):
    response = superuser_client.get(
        reverse("admin:meetings_meeting_changelist"),
        {"mission__id__exact": mission.pk, "day": "9999-12-31"},
    )
    assert response.status_code == 200


def test_a_week_long_meeting_is_the_longest(mission):
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 20, 9), local(mission, 2025, 4, 20, 9) + timedelta(7)
    )
    assert meeting.pk


# --- Delegates' stays --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"arrival_0": "0001-01-01", "arrival_1": "10:00"}, "arrival"),
        ({"departure_0": "2025-05-20", "departure_1": "10:00"}, "departure"),
    ],
)
def test_member_add_refuses_stays_far_from_the_mission(client, mission, overrides, field):
    client.force_login(make_coordinator(mission))
    response = client.post(
        reverse("delegations:member_add", args=[mission.slug]), new_person_data(**overrides)
    )

    assert response.context["form"].errors[field] == [NEAR]
    assert not Person.objects.filter(last_name="Appendino").exists()
    assert not DelegationMember.objects.exists()


def test_member_edit_refuses_year_9999_next_to_the_field(client, mission):
    client.force_login(make_coordinator(mission))
    member = make_member(mission)
    response = client.post(
        reverse("delegations:member_edit", args=[mission.slug, member.pk]),
        {
            "role": "delegate",
            "arrival_0": "9999-12-31",
            "arrival_1": "22:00",
            "departure_0": "",
            "departure_1": "",
            "notes": "",
        },
    )

    [error] = response.context["form"].errors["arrival"]
    assert "is out of range" in error
    assert DelegationMember.objects.get(pk=member.pk).arrival is None


@pytest.mark.parametrize("action", ["cancel", "duplicate"])
def test_a_meeting_stored_before_the_bounds_is_sent_to_its_form_with_the_reason(
    planner, mission, action
):
    meeting = make_meeting(mission, local(mission, 2025, 4, 22, 9), local(mission, 2025, 4, 22, 10))
    far = local(mission, 2025, 7, 1, 9)
    Meeting.objects.filter(pk=meeting.pk).update(start=far, end=far + timedelta(hours=1))

    response = planner.post(
        reverse(f"meetings:{action}", args=[mission.slug, meeting.pk]), follow=True
    )

    assert response.redirect_chain[-1][0] == reverse(
        "meetings:edit", args=[mission.slug, meeting.pk]
    )
    assert NEAR in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CONFIRMED
    assert Meeting.objects.count() == 1


def test_date_pickers_offer_only_the_days_allowed(planner, mission):
    meeting_page = planner.get(reverse("meetings:create", args=[mission.slug])).content.decode()
    mission_page = planner.get(reverse("missions:edit", args=[mission.slug])).content.decode()

    assert meeting_page.count('min="2025-04-08"') == 2
    assert meeting_page.count('max="2025-05-08"') == 2
    assert mission_page.count('min="2000-01-01"') == 2
    assert mission_page.count('max="2100-12-31"') == 2


@pytest.mark.parametrize(
    ("action", "done"),
    [
        ("cancel_meetings", "Cancelled 0 meetings."),
        ("duplicate_meetings", "Duplicated 0 meetings."),
    ],
)
def test_admin_actions_on_a_meeting_stored_before_the_bounds_say_why(
    superuser_client, mission, action, done
):
    meeting = make_meeting(mission, local(mission, 2025, 4, 22, 9), local(mission, 2025, 4, 22, 10))
    far = local(mission, 2025, 7, 1, 9)
    Meeting.objects.filter(pk=meeting.pk).update(start=far, end=far + timedelta(hours=1))

    response = superuser_client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": action, "_selected_action": [meeting.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert f"{meeting.title}: {NEAR}" in page
    assert done in page
    assert Meeting.objects.get().status == Meeting.Status.CONFIRMED
