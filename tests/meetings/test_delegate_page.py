"""The delegate's personal page: their agenda by day, in mission time with home time alongside."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from meetings import calendars
from meetings.services import meeting_cancel
from missions.models import Mission
from tests.builders import (
    local,
    make_meeting,
    make_member,
    make_mission,
    make_person,
    publish,
)
from tests.catalogue import italian_with_pending  # noqa: F401 (fixture)
from tests.meetings.ics_builders import make_rich_meeting, mission_with_delegate

pytestmark = pytest.mark.django_db


def page_url(member) -> str:
    return reverse("public:delegate_page", args=[member.token])


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_page_shows_the_agenda_in_mission_time_with_home_time(client):
    mission, member, meeting = mission_with_delegate()
    colleague = make_member(mission, make_person(first_name="Anna", last_name="Bianchi"))
    meeting.attendees.add(colleague)
    publish(mission)
    response = client.get(page_url(member) + "?lang=en")
    text = text_of(response)
    assert response.status_code == 200
    assert "Agenda of Mario Rossi" in text
    assert "Tuesday 22 April 2025" in text
    # 14:00 in Detroit (EDT, UTC-4) is 20:00 in Rome (CEST, UTC+2).
    assert "14:00–15:00 (Rome 20:00–21:00)" in text
    assert "Rivian meeting" in text
    assert f"{meeting.venue.name} 1 Rivian Way, Normal, United States" in text
    partner = meeting.partner_organisations.get()
    assert f"{partner.name}: Jane Doe (VP Manufacturing, {partner.name})" in text
    assert "With you from the delegation: Anna Bianchi" in text
    assert "Supplier opportunities." in text
    assert "https://www.openstreetmap.org/?mlat=40.503600&amp;mlon=-88.991800" in (
        response.content.decode()
    )


def test_home_time_is_right_in_the_weeks_when_detroit_and_rome_are_five_hours_apart(client):
    # The US moves its clocks on 8 March 2026, Europe only on 29 March.
    mission = make_mission(start_date=date(2026, 3, 16), end_date=date(2026, 3, 18))
    member = make_member(mission)
    make_meeting(
        mission,
        local(mission, 2026, 3, 16, 10),
        local(mission, 2026, 3, 16, 11),
        attendees=[member],
    )
    publish(mission)
    text = text_of(client.get(page_url(member) + "?lang=en"))
    assert "10:00–11:00 (Rome 15:00–16:00)" in text


def test_home_time_on_another_day_says_which_day(client):
    mission = make_mission()
    member = make_member(mission)
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 19),
        local(mission, 2025, 4, 22, 21),
        attendees=[member],
    )
    publish(mission)
    text = text_of(client.get(page_url(member) + "?lang=en"))
    assert "19:00–21:00 (Rome 01:00–03:00, Wed 23 Apr)" in text


def test_subscribe_panel_has_webcal_https_copy_steps_and_inline_qr(client):
    _, member, _ = mission_with_delegate()
    response = client.get(page_url(member) + "?lang=en")
    html = response.content.decode()
    feed = calendars.delegate_feed_url(member)
    assert f'href="{calendars.webcal_url(feed)}"' in html
    assert f'value="{feed}"' in html
    assert 'id="copy-feed-url"' in html
    text = text_of(response)
    assert "choose “From URL”" in text
    assert "“Subscribe from web”" in text
    assert re.search(
        r'<div class="qr[^"]*"[^>]*><svg [^>]*xmlns="http://www.w3.org/2000/svg"', html
    )
    # Nothing loaded from elsewhere: no external scripts, styles or images.
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?://', html)


def test_page_hides_coordinator_navigation_and_sends_no_referrer(client):
    _, member, _ = mission_with_delegate()
    response = client.get(page_url(member) + "?lang=en")
    html = response.content.decode()
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert '<meta name="referrer" content="no-referrer">' in html
    assert "Main navigation" not in html
    assert "Skip to content" in text_of(response)


def test_page_speaks_the_delegates_language(client):
    _, member, _ = mission_with_delegate()  # Mario Rossi prefers Italian
    response = client.get(page_url(member))
    assert response.headers["Content-Language"] == "it"
    assert '<html lang="it">' in response.content.decode()
    assert "Martedì 22 Aprile 2025" in text_of(response)


def test_cancelled_meeting_is_shown_as_cancelled(client):
    mission, member, meeting = mission_with_delegate()
    meeting_cancel(meeting=meeting)
    publish(mission)
    text = text_of(client.get(page_url(member) + "?lang=en"))
    assert "Rivian meeting Cancelled" in text


def test_internal_notes_never_appear_on_the_page(client):
    _, member, _ = mission_with_delegate()
    assert "SECRET-INTERNAL-NOTE" not in client.get(page_url(member)).content.decode()


def test_meeting_without_venue_shows_no_map(client):
    mission = make_mission()
    member = make_member(mission)
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 9),
        local(mission, 2025, 4, 22, 10),
        attendees=[member],
        title="Call",
    )
    publish(mission)
    response = client.get(page_url(member) + "?lang=en")
    assert "Call" in text_of(response)
    assert "openstreetmap.org/?" not in response.content.decode()


def test_delegate_without_meetings_sees_a_clear_message(client):
    mission = make_mission()
    member = make_member(mission)
    publish(mission)
    text = text_of(client.get(page_url(member) + "?lang=en"))
    assert "No meetings yet." in text


def test_unknown_token_is_a_404_without_hint(client):
    response = client.get(reverse("public:delegate_page", args=["n" * 43]))
    assert response.status_code == 404
    assert "This link does not work" in text_of(response)


def test_draft_mission_page_is_hidden_but_its_coordinator_can_preview(client, django_user_model):
    coordinator = django_user_model.objects.create_user("coord", password="pw")
    mission, member, _ = mission_with_delegate(
        status=Mission.Status.DRAFT, coordinators=[coordinator]
    )
    assert client.get(page_url(member)).status_code == 404
    client.force_login(coordinator)
    response = client.get(page_url(member) + "?lang=en")
    assert response.status_code == 200
    assert "Preview: this mission is still a draft" in text_of(response)


@pytest.mark.parametrize("count", [1, 30])
def test_page_queries_do_not_grow_with_the_number_of_meetings(
    client, django_assert_num_queries, count
):
    mission, member, _ = mission_with_delegate()
    start = local(mission, 2025, 4, 23, 8)
    for n in range(count - 1):
        make_rich_meeting(
            mission,
            start + timedelta(hours=n),
            start + timedelta(hours=n, minutes=30),
            attendees=[member],
        )
    if count > 1:
        publish(mission)
    # 1 member by token (with the latest version's id); 2 the version's snapshot;
    # 3 the member's B2B sessions (matchmaking: a link to each of their B2B pages)
    with django_assert_num_queries(3):
        response = client.get(page_url(member))
    assert response.content.decode().count('class="card mb-2') == count


# --- On the road: today's and the next meetings first (issue 8, item 5) ----------------------


def at(monkeypatch, mission, *when):
    """Freeze the page's clock at a local time of the mission."""
    moment = local(mission, *when)
    monkeypatch.setattr("releases.public.timezone.now", lambda: moment)


def running_mission_with_three_days():
    mission = make_mission(start_date=date(2025, 4, 22), end_date=date(2025, 4, 24))
    member = make_member(mission)
    for day, hour, title in [(22, 9, "Consul briefing"), (23, 10, "Rivian"), (24, 14, "Ford")]:
        make_meeting(
            mission,
            local(mission, 2025, 4, day, hour),
            local(mission, 2025, 4, day, hour + 1),
            title=title,
            attendees=[member],
        )
    publish(mission)
    return mission, member


def section(html: str, section_id: str) -> str:
    found = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, flags=re.S)
    return found.group(0) if found else ""


def test_while_the_mission_runs_today_and_next_come_first(client, monkeypatch):
    mission, member = running_mission_with_three_days()
    # 23:30 on the 22nd in Detroit is already the 23rd in UTC and in Rome: the mission's day.
    at(monkeypatch, mission, 2025, 4, 22, 23, 30)

    html = client.get(page_url(member) + "?lang=en").content.decode()

    today, upcoming = section(html, "today"), section(html, "next")
    assert "Today" in today and "Tuesday 22 April" in today and "Consul briefing" in today
    assert "Rivian" not in today
    assert "Next" in upcoming and "Wednesday 23 April" in upcoming and "Rivian" in upcoming
    assert "Ford" not in upcoming
    # Then the subscribe card, then the whole agenda with the anchors the feeds link to.
    assert html.index('id="today"') < html.index('id="next"') < html.index('id="subscribe"')
    assert html.index('id="subscribe"') < html.index('id="full-agenda"')
    assert html.count('id="meeting-') == 3


def test_a_day_without_meetings_says_so_and_shows_the_next(client, monkeypatch):
    mission = make_mission(start_date=date(2025, 4, 22), end_date=date(2025, 4, 24))
    member = make_member(mission)
    make_meeting(
        mission,
        local(mission, 2025, 4, 24, 9),
        local(mission, 2025, 4, 24, 10),
        title="Ford",
        attendees=[member],
    )
    publish(mission)
    at(monkeypatch, mission, 2025, 4, 22, 8)

    html = client.get(page_url(member) + "?lang=en").content.decode()

    assert "No meetings today." in section(html, "today")
    assert "Thursday 24 April" in section(html, "next")


def test_before_the_mission_there_is_no_today_section(client, monkeypatch):
    mission, member = running_mission_with_three_days()
    at(monkeypatch, mission, 2025, 4, 1, 12)

    html = client.get(page_url(member) + "?lang=en").content.decode()

    assert 'id="today"' not in html and 'id="next"' not in html
    assert 'id="full-agenda"' not in html
    assert "Consul briefing" in html


@pytest.mark.usefixtures("italian_with_pending")
def test_today_is_in_italian_for_an_italian_delegate(client, monkeypatch):
    mission, member = running_mission_with_three_days()
    member.person.preferred_language = "it"
    member.person.save()
    at(monkeypatch, mission, 2025, 4, 23, 8)

    html = client.get(page_url(member)).content.decode()

    assert "Oggi" in section(html, "today")
    assert "A seguire" in section(html, "next")
    assert "Come iscriversi: Google Calendar, Outlook, iPhone" in html
    assert "mercoledì 23 aprile" in section(html, "today").lower()


def test_subscribe_help_is_folded_and_the_qr_code_is_for_wide_screens(client):
    _, member, _ = mission_with_delegate()

    html = client.get(page_url(member) + "?lang=en").content.decode()

    help_ = re.search(
        r'<details class="subscribe-help" id="subscribe-help">(.*?)</details>\s*<figure',
        html,
        flags=re.S,
    )
    assert help_ and "choose “From URL”" in help_.group(1)
    assert '<details class="subscribe-help" id="subscribe-help" open' not in html
    # The subscribe button and the link stay in view, unfolded.
    assert html.index('id="copy-feed-url"') < html.index('id="subscribe-help"')
    assert re.search(r'<figure class="[^"]*\bqr-wide\b', html)


def test_qr_code_is_hidden_below_768_pixels_by_the_stylesheet():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "delegate.css").read_text()
    assert ".delegate-page .qr-wide { display: none; }" in css
    assert re.search(
        r"@media \(min-width: 768px\) \{\s*\.delegate-page \.qr-wide \{ display: block; \}", css
    )
