"""Issue 8: findings 9 and 12 and the fast-entry actions (duplicate to a day, copy a day,
shift meetings), as a coordinator sees them; bad input never a 500, never half-saved."""

import html
import re
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from meetings.models import Meeting
from tests.builders import (
    local,
    make_coordinator,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
    make_venue,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    return make_mission(title="VTM Michigan 2025", slug="vtm-michigan-2025")


@pytest.fixture
def coordinator(mission):
    return make_coordinator(mission, username="coordinator")


@pytest.fixture
def planner(client, coordinator):
    client.force_login(coordinator)
    return client


def text(response) -> str:
    """The page's visible text, tags removed and spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def input_value(response, name: str) -> str | None:
    match = re.search(rf'name="{name}" value="([^"]*)"', response.content.decode())
    return match.group(1) if match else None


def times(meeting) -> tuple[str, str]:
    zone = meeting.mission.tz
    return (
        meeting.start.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        meeting.end.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
    )


# --- Finding 9: the clash panel on open, and an end before the start ------------------------


def test_new_meeting_form_checks_its_prefilled_hour_on_open(planner, mission):
    member = make_member(mission, make_person(first_name="Maria", last_name="Rossi"))
    make_meeting(
        mission,
        local(mission, 2025, 4, 23, 9, 30),
        local(mission, 2025, 4, 23, 10, 30),
        title="Breakfast",
        attendees=[member],
    )
    make_meeting(
        mission,
        local(mission, 2025, 4, 23, 11),
        local(mission, 2025, 4, 23, 12),
        title="Later",
    )
    response = planner.get(reverse("meetings:create", args=[mission.slug]), {"day": "2025-04-23"})
    page = text(response)
    assert input_value(response, "start_1") == "09:00"
    # Checked before anything is typed: the busy hour is plain at once.
    assert "Type a start and an end" not in page
    assert "No clashes with the rest of the mission." in page
    assert "Also at this time: “Breakfast” 09:30–10:30" in page
    assert "Later" not in page
    # Ticking Maria (the form posts itself to the check) turns it into a clash warning.
    data = {
        "title": "",
        "kind": "b2b",
        "status": "confirmed",
        "start_0": "2025-04-23",
        "start_1": "09:00",
        "end_0": "2025-04-23",
        "end_1": "10:00",
        "attendees": [member.pk],
    }
    page = text(planner.post(reverse("meetings:check", args=[mission.slug]), data))
    assert "1 clash warning" in page
    assert "Maria Rossi is also in “Breakfast” (09:30–10:30)." in page


def test_edit_form_opens_with_its_clashes_checked(planner, mission):
    member = make_member(mission, make_person(first_name="Maria", last_name="Rossi"))
    make_meeting(
        mission,
        local(mission, 2025, 4, 23, 9, 30),
        local(mission, 2025, 4, 23, 10, 30),
        title="Breakfast",
        attendees=[member],
    )
    mine = make_meeting(
        mission,
        local(mission, 2025, 4, 23, 9),
        local(mission, 2025, 4, 23, 10),
        title="Mine",
        attendees=[member],
    )
    page = text(planner.get(reverse("meetings:edit", args=[mission.slug, mine.pk])))
    assert "Maria Rossi is also in “Breakfast” (09:30–10:30)." in page


def test_new_meeting_form_on_a_free_hour_says_no_clashes_on_open(planner, mission):
    page = text(planner.get(reverse("meetings:create", args=[mission.slug])))
    assert "No clashes with the rest of the mission." in page
    assert "Type a start and an end" not in page


def test_check_with_the_end_before_the_start_says_so(planner, mission):
    data = {
        "title": "Rivian",
        "kind": "b2b",
        "status": "confirmed",
        "start_0": "2025-04-22",
        "start_1": "14:00",
        "end_0": "2025-04-22",
        "end_1": "10:00",
    }
    page = text(planner.post(reverse("meetings:check", args=[mission.slug]), data))
    assert "The end is before the start" in page
    assert "Type a start and an end" not in page


# --- Finding 12 ---------------------------------------------------------------------------


def test_new_meeting_from_the_top_bar_opens_on_the_first_day_09_to_10(planner, mission):
    response = planner.get(reverse("meetings:create", args=[mission.slug]))
    assert input_value(response, "start_0") == "2025-04-22"
    assert input_value(response, "start_1") == "09:00"
    assert input_value(response, "end_0") == "2025-04-22"
    assert input_value(response, "end_1") == "10:00"


def test_new_meeting_while_the_mission_runs_opens_on_today(planner, mission):
    # 2025-04-23 03:00 UTC is still the 22nd in Detroit: "today" is the mission's local day.
    now = datetime(2025, 4, 23, 3, 0, tzinfo=ZoneInfo("UTC"))
    with mock.patch("django.utils.timezone.now", return_value=now):
        response = planner.get(reverse("meetings:create", args=[mission.slug]))
    assert input_value(response, "start_0") == "2025-04-22"
    now = datetime(2025, 4, 24, 12, 0, tzinfo=ZoneInfo("UTC"))
    with mock.patch("django.utils.timezone.now", return_value=now):
        response = planner.get(reverse("meetings:create", args=[mission.slug]))
    assert input_value(response, "start_0") == "2025-04-24"


def test_meeting_form_flows_by_keyboard(planner, mission):
    html = planner.get(reverse("meetings:create", args=[mission.slug])).content.decode()
    assert re.search(r'<input type="text" name="title"[^>]*autofocus', html)
    assert "data-keyboard-form" in html
    assert "Ctrl+Enter" in html
    # Editing an existing meeting: no autofocus stealing the page's scroll position.
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15)
    )
    html = planner.get(reverse("meetings:edit", args=[mission.slug, meeting.pk])).content.decode()
    assert not re.search(r'<input type="text" name="title"[^>]*autofocus', html)


def test_partner_contacts_never_offer_delegates(planner, mission, coordinator):
    # The coordinator plans two missions: the other one's delegate is visible to them, yet
    # is no partner contact; neither is this mission's own delegate.
    other = make_mission(title="Other mission")
    other.coordinators.add(coordinator)
    make_member(other, make_person(first_name="Other", last_name="Delegate"))
    make_member(mission, make_person(first_name="Own", last_name="Delegate"))
    rivian = make_organisation(name="Rivian")
    make_person(first_name="Partner", last_name="Contact", organisation=rivian)
    html = planner.get(reverse("meetings:create", args=[mission.slug])).content.decode()
    contacts = html[html.index('id="div_id_partner_contacts"') :]
    contacts = contacts[: contacts.index("</fieldset>")]
    assert "Partner Contact" in contacts
    assert "Other Delegate" not in contacts
    assert "Own Delegate" not in contacts
    # Each contact says its organisation, so the list can follow the chosen organisations.
    assert f'data-organisation="{rivian.pk}"' in contacts


def test_quick_add_venue_is_prefilled_with_the_missions_city_and_country(planner, mission):
    html = planner.get(reverse("meetings:quick_add", args=[mission.slug, "venue"])).content.decode()
    assert 'name="new-venue-city" value="Pontiac"' in html
    assert 'name="new-venue-country" value="United States"' in html


# --- Duplicate to another day ---------------------------------------------------------------


def test_duplicate_to_another_day_keeps_the_local_clock_time_across_dst(client):
    mission = make_mission(start_date=date(2025, 3, 7), end_date=date(2025, 3, 11))
    client.force_login(make_coordinator(mission))
    meeting = make_meeting(
        mission, local(mission, 2025, 3, 7, 10), local(mission, 2025, 3, 7, 11), title="GM"
    )
    response = client.post(
        reverse("meetings:duplicate", args=[mission.slug, meeting.pk]), {"day": "2025-03-10"}
    )
    copy = Meeting.objects.exclude(pk=meeting.pk).get()
    assert response["Location"] == reverse("meetings:edit", args=[mission.slug, copy.pk])
    # The clocks went forward on the 9th: same 10:00 on the clock, another UTC offset.
    assert times(copy) == ("2025-03-10 10:00", "2025-03-10 11:00")
    assert copy.status == Meeting.Status.TENTATIVE
    assert copy.uid != meeting.uid
    page = text(client.get(response["Location"]))
    assert "A tentative copy of “GM” was made" in page


def test_duplicate_page_offers_the_missions_days(planner, mission):
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 23, 14), local(mission, 2025, 4, 23, 15)
    )
    html = planner.get(reverse("meetings:edit", args=[mission.slug, meeting.pk])).content.decode()
    options = re.findall(r'<option value="(2025-04-\d\d)"( selected)?>', html)
    assert options == [("2025-04-22", ""), ("2025-04-23", " selected"), ("2025-04-24", "")]
    assert "Duplicate to this day" in html


@pytest.mark.parametrize(
    "day", ["2025-05-30", "2025-04-21", "garbage", "2025-04-22\x00", "99999999999999999999", ""]
)
def test_duplicate_to_a_day_outside_the_mission_is_refused(planner, mission, day):
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15)
    )
    response = planner.post(
        reverse("meetings:duplicate", args=[mission.slug, meeting.pk]), {"day": day}, follow=True
    )
    assert response.status_code == 200
    assert "Choose one of the mission's days (2025-04-22 to 2025-04-24)." in text(response)
    assert Meeting.objects.count() == 1


# --- Copy a whole day -----------------------------------------------------------------------


def _day_of_meetings(mission):
    make_meeting(
        mission, local(mission, 2025, 4, 22, 9), local(mission, 2025, 4, 22, 10), title="A"
    )
    make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15), title="B"
    )
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 16),
        local(mission, 2025, 4, 22, 17),
        title="Called off",
        status=Meeting.Status.CANCELLED,
    )
    make_meeting(
        mission, local(mission, 2025, 4, 23, 9), local(mission, 2025, 4, 23, 10), title="C"
    )


def test_copy_day_previews_then_copies_every_meeting_tentative(planner, mission):
    _day_of_meetings(mission)
    url = reverse("meetings:copy_day", args=[mission.slug])
    assert 'value="2025-04-22" selected' in planner.get(url, {"day": "2025-04-22"}).content.decode()
    preview = planner.post(url, {"source": "2025-04-22", "target": "2025-04-24", "preview": "1"})
    page = text(preview)
    assert "Thu 24 Apr 09:00–10:00" in page
    assert "Thu 24 Apr 14:00–15:00" in page
    assert "Called off" not in page
    assert "Copy 2 meetings" in page
    assert Meeting.objects.count() == 4  # a preview writes nothing

    response = planner.post(url, {"source": "2025-04-22", "target": "2025-04-24", "confirm": "1"})
    assert response["Location"].endswith("#day-2025-04-24")
    copies = Meeting.objects.filter(start__gte=local(mission, 2025, 4, 24, 0)).order_by("start")
    assert [(m.title, m.status) + times(m)[:1] for m in copies] == [
        ("A", "tentative", "2025-04-24 09:00"),
        ("B", "tentative", "2025-04-24 14:00"),
    ]
    page = text(planner.get(response["Location"]))
    assert "2 meetings copied, tentative" in page


@pytest.mark.parametrize(
    "source,target,message",
    [
        ("2025-04-22", "2025-04-22", "Choose another day than the one copied."),
        ("2025-04-22", "2025-05-01", "Select a valid choice."),
        ("garbage", "2025-04-23", "Select a valid choice."),
        ("2025-04-22\x00", "2025-04-23", "Select a valid choice."),
        ("99999999999999999999", "-1", "Select a valid choice."),
    ],
)
def test_copy_day_bad_input_is_a_message_and_copies_nothing(
    planner, mission, source, target, message
):
    _day_of_meetings(mission)
    response = planner.post(
        reverse("meetings:copy_day", args=[mission.slug]),
        {"source": source, "target": target, "confirm": "1"},
    )
    assert response.status_code == 200
    assert message in text(response)
    assert Meeting.objects.count() == 4


def test_copy_day_onto_a_skipped_hour_copies_nothing(client):
    mission = make_mission(start_date=date(2025, 3, 8), end_date=date(2025, 3, 9))
    client.force_login(make_coordinator(mission))
    make_meeting(
        mission, local(mission, 2025, 3, 8, 1), local(mission, 2025, 3, 8, 2), title="Early"
    )
    make_meeting(
        mission, local(mission, 2025, 3, 8, 2, 30), local(mission, 2025, 3, 8, 3), title="Late"
    )
    url = reverse("meetings:copy_day", args=[mission.slug])
    preview = text(client.post(url, {"source": "2025-03-08", "target": "2025-03-09"}))
    assert "does not exist in America/Detroit" in preview
    assert "nothing will be copied" in preview
    response = client.post(url, {"source": "2025-03-08", "target": "2025-03-09", "confirm": "1"})
    assert response.status_code == 200
    assert "does not exist in America/Detroit" in text(response)
    assert Meeting.objects.count() == 2


# --- Shift a set of meetings ----------------------------------------------------------------


def _three(mission):
    return [
        make_meeting(
            mission, local(mission, 2025, 4, 22, h), local(mission, 2025, 4, 22, h + 1), title=t
        )
        for h, t in ((9, "A"), (11, "B"), (14, "C"))
    ]


def test_shift_moves_the_ticked_meetings_and_warns_of_clashes_after(planner, mission):
    a, b, c = _three(mission)
    url = reverse("meetings:shift", args=[mission.slug])
    page = planner.get(url, {"day": "2025-04-22"}).content.decode()
    assert page.count('name="meetings"') == 3 and page.count(" checked>") == 3
    response = planner.post(
        url,
        {"minutes": "90", "meetings": [a.pk, b.pk], f"version-{a.pk}": a.version},
        follow=True,
    )
    page = text(response)
    assert "2 meetings moved by +90 minutes." in page
    # B now runs 12:30-13:30 and A 10:30-11:30: no overlap with C at 14:00; A and B do not
    # meet either. Now shift C back onto B.
    for meeting in (a, b, c):
        meeting.refresh_from_db()
    assert times(a)[0] == "2025-04-22 10:30" and times(b)[0] == "2025-04-22 12:30"
    assert times(c)[0] == "2025-04-22 14:00"
    assert (a.sequence, b.sequence, c.sequence) == (1, 1, 0)
    venue = make_venue(mission)
    for meeting in (b, c):
        meeting.venue = venue
        meeting.save()
    response = planner.post(url, {"minutes": "-90", "meetings": [c.pk]}, follow=True)
    page = text(response)
    assert "1 meeting moved by -90 minutes." in page
    assert "1 of these meetings has clash warnings" in page


@pytest.mark.parametrize(
    "data,message",
    [
        ({"minutes": "30"}, "Tick at least one meeting to shift."),
        ({"minutes": "0", "meetings": ["A"]}, "Type a number of minutes other than 0."),
        ({"minutes": "99999999999999999999", "meetings": ["A"]}, "less than or equal to 10080"),
        ({"minutes": "-99999", "meetings": ["A"]}, "greater than or equal to -10080"),
        ({"minutes": "ten", "meetings": ["A"]}, "Enter a whole number."),
        ({"minutes": "30\x00", "meetings": ["A"]}, "Enter a whole number."),
        ({"minutes": "30", "meetings": ["99999999999999999999"]}, "is not a valid value"),
        ({"minutes": "30", "meetings": ["garbage"]}, "is not a valid value"),
        ({"minutes": "30", "meetings": ["OTHER"]}, "Select a valid choice"),
    ],
)
def test_shift_bad_input_is_a_message_and_moves_nothing(planner, mission, data, message):
    a, b, c = _three(mission)
    other = make_mission()
    theirs = make_meeting(other, local(other, 2025, 4, 22, 9), local(other, 2025, 4, 22, 10))
    ids = {"A": str(a.pk), "OTHER": str(theirs.pk)}
    if "meetings" in data:
        data = {**data, "meetings": [ids.get(v, v) for v in data["meetings"]]}
    response = planner.post(reverse("meetings:shift", args=[mission.slug]), data)
    assert response.status_code == 200
    assert message in text(response)
    assert [times(m) for m in Meeting.objects.filter(mission=mission).order_by("start")] == [
        times(a),
        times(b),
        times(c),
    ]
    assert set(Meeting.objects.values_list("version", flat=True)) == {1}


def test_shift_is_all_or_nothing(planner, mission):
    a, b, c = _three(mission)
    # Planned 11 days after the mission (inside its window, a warning only): a week later
    # would be past the window, so nothing moves, not even A which would have fitted.
    late = make_meeting(
        mission, local(mission, 2025, 5, 5, 10), local(mission, 2025, 5, 5, 11), title="Late"
    )
    response = planner.post(
        reverse("meetings:shift", args=[mission.slug]),
        {"minutes": str(7 * 24 * 60), "meetings": [a.pk, late.pk]},
    )
    assert response.status_code == 200
    assert "“Late”: Choose a time between" in text(response)
    for meeting in (a, late):
        before = times(meeting)
        meeting.refresh_from_db()
        assert times(meeting) == before and meeting.version == 1
    # A version changed since the page was read stops everything.
    response = planner.post(
        reverse("meetings:shift", args=[mission.slug]),
        {"minutes": "30", "meetings": [a.pk, c.pk], f"version-{c.pk}": "7"},
    )
    assert "“C” was changed by somebody else after you opened this page" in text(response)
    a.refresh_from_db()
    assert times(a)[0] == "2025-04-22 09:00" and a.version == 1


def test_agenda_rows_tick_into_the_shift_form(planner, mission):
    a, b, c = _three(mission)
    html = planner.get(reverse("meetings:agenda", args=[mission.slug])).content.decode()
    # The box and its version are in the page once, in the rows' actions template, which
    # static/js/agenda.js copies into each row (tests/browser/test_fast_entry.py ticks them);
    # each row carries the version its box posts.
    assert html.count('form="shift-form"') == 2
    assert 'name="version-__pk__" value="__version__" form="shift-form"' in html
    for meeting in (a, b, c):
        row = re.search(rf'<li [^>]*id="meeting-{meeting.pk}".*?</li>', html, re.S).group()
        assert f'<div class="meeting-actions" data-version="{meeting.version}"' in row
    assert f'action="{reverse("meetings:shift", args=[mission.slug])}" id="shift-form"' in html
    assert "Copy day…" in html and "Shift…" in html


@pytest.mark.parametrize(
    "start,end,says",
    [
        (("2025-04-22", ""), ("2025-04-22", "10:00"), "Type a start and an end"),
        (("2025-04-22", "14:00"), ("", ""), "Type a start and an end"),
        (("2025-06-22", "14:00"), ("2025-06-22", "15:00"), "Choose a time between"),
        (("2025-04-22", "14:00"), ("2025-05-22", "15:00"), "A meeting lasts at most 7 days."),
    ],
)
def test_check_says_why_times_cannot_be_checked(planner, mission, start, end, says):
    data = {
        "title": "Rivian",
        "kind": "b2b",
        "status": "confirmed",
        "start_0": start[0],
        "start_1": start[1],
        "end_0": end[0],
        "end_1": end[1],
    }
    page = text(planner.post(reverse("meetings:check", args=[mission.slug]), data))
    assert says in page
