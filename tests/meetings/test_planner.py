import json
from datetime import date

import pytest
from django.urls import reverse

from delegations.models import Organisation, Person
from meetings.models import Meeting
from missions.models import Venue
from tests.builders import (
    local,
    make_coordinator,
    make_many_meetings,
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
def planner(client, mission):
    client.force_login(make_coordinator(mission, username="coordinator"))
    return client


def form_data(mission, **overrides):
    data = {
        "title": "Meeting with Rivian",
        "kind": "b2b",
        "status": "confirmed",
        "start_0": "2025-04-22",
        "start_1": "14:00",
        "end_0": "2025-04-22",
        "end_1": "15:00",
        "venue": "",
        "description": "",
        "internal_notes": "",
    }
    data.update(overrides)
    return data


def test_agenda_requires_login(client, mission):
    url = reverse("meetings:agenda", args=[mission.slug])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_every_meeting_page_is_404_for_a_coordinator_of_another_mission(client, mission):
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15)
    )
    client.force_login(make_coordinator(make_mission()))
    slug, pk = mission.slug, meeting.pk
    for name in ("meetings:edit", "meetings:delete"):
        assert client.get(reverse(name, args=[slug, pk])).status_code == 404
    for name in ("meetings:cancel", "meetings:duplicate", "meetings:delete", "meetings:edit"):
        assert client.post(reverse(name, args=[slug, pk])).status_code == 404
    assert client.get(reverse("meetings:create", args=[slug])).status_code == 404
    assert client.post(reverse("meetings:check", args=[slug])).status_code == 404
    assert client.get(reverse("meetings:quick_add", args=[slug, "venue"])).status_code == 404
    meeting.refresh_from_db()
    assert (meeting.status, Meeting.objects.count()) == ("confirmed", 1)


def test_a_meeting_of_another_mission_is_404_even_through_my_own_mission(planner, mission):
    other = make_mission()
    meeting = make_meeting(other, local(other, 2025, 4, 22, 14), local(other, 2025, 4, 22, 15))
    assert planner.get(reverse("meetings:edit", args=[mission.slug, meeting.pk])).status_code == 404


def test_agenda_shows_each_day_and_meeting_in_local_and_home_time(planner, mission):
    venue = make_venue(mission, name="Piemonte stand", address="Exhibition floor")
    member = make_member(mission, make_person(first_name="Michela", last_name="Favaro"))
    rivian = make_organisation(name="Rivian")
    contact = make_person(first_name="Carlo", last_name="Materazzo", position="VP")
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        title="Meeting with Rivian",
        venue=venue,
        attendees=[member],
        partner_organisations=[rivian],
        partner_contacts=[contact],
        status=Meeting.Status.TENTATIVE,
    )
    page = planner.get(reverse("meetings:agenda", args=[mission.slug])).content.decode()
    for text in (
        "Tuesday 22 April 2025",
        "Wednesday 23 April 2025",
        "Thursday 24 April 2025",
        "14:00–15:00",
        "20:00 Rome",
        "Meeting with Rivian",
        "B2B meeting",
        "Tentative",
        "Piemonte stand",
        "Michela Favaro",
        "Carlo Materazzo",
        "Nothing scheduled yet.",
        "No clashes",
    ):
        assert text in page, text


def test_agenda_empty_state(planner, mission):
    page = planner.get(reverse("meetings:agenda", args=[mission.slug])).content.decode()
    assert "No meetings yet" in page


def test_agenda_shows_clash_warnings_until_resolved(planner, mission):
    member = make_member(mission, make_person(first_name="Maria", last_name="Rossi"))
    first = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        title="Rivian",
        attendees=[member],
    )
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14, 30),
        local(mission, 2025, 4, 22, 15, 30),
        title="MEDC",
        attendees=[member],
    )
    url = reverse("meetings:agenda", args=[mission.slug])
    page = planner.get(url).content.decode()
    assert "Maria Rossi is also in “MEDC” (14:30–15:30)." in page
    assert "2 with clash warnings" in page
    first.start, first.end = local(mission, 2025, 4, 22, 10), local(mission, 2025, 4, 22, 11)
    from meetings.services import meeting_save

    meeting_save(meeting=first)
    page = planner.get(url).content.decode()
    assert "is also in" not in page
    assert "No clashes" in page


def test_moved_meeting_is_marked_changed(planner, mission):
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15)
    )
    url = reverse("meetings:agenda", args=[mission.slug])
    assert "Changed since first scheduled" not in planner.get(url).content.decode()
    planner.post(
        reverse("meetings:edit", args=[mission.slug, meeting.pk]),
        form_data(mission, title=meeting.title, start_1="16:00", end_1="17:00"),
    )
    page = planner.get(url).content.decode()
    assert "Changed since first scheduled: calendars follow once published." in page


def test_filters_by_delegate_show_their_name_and_only_their_meetings(planner, mission):
    maria = make_member(mission, make_person(first_name="Maria", last_name="Rossi"))
    luca = make_member(mission, make_person(first_name="Luca", last_name="Verdi"))
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 9),
        local(mission, 2025, 4, 22, 10),
        title="Maria's visit",
        attendees=[maria],
    )
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 11),
        local(mission, 2025, 4, 22, 12),
        title="Luca's visit",
        attendees=[luca],
    )
    url = reverse("meetings:agenda", args=[mission.slug])
    page = planner.get(url, {"delegate": maria.pk}).content.decode()
    assert "Agenda of Maria Rossi" in page
    assert "Maria&#x27;s visit" in page
    assert "Luca&#x27;s visit" not in page


def test_filters_by_kind_partner_and_status(planner, mission):
    rivian = make_organisation(name="Rivian")
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 9),
        local(mission, 2025, 4, 22, 10),
        title="Rivian talk",
        partner_organisations=[rivian],
    )
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 11),
        local(mission, 2025, 4, 22, 12),
        title="Dinner",
        kind="dinner",
        status="tentative",
    )
    url = reverse("meetings:agenda", args=[mission.slug])
    by_partner = planner.get(url, {"partner": rivian.pk}).content.decode()
    by_kind = planner.get(url, {"kind": "dinner"}).content.decode()
    by_status = planner.get(url, {"status": "confirmed"}).content.decode()
    assert ("Rivian talk" in by_partner, "Dinner</a>" in by_partner) == (True, False)
    assert ("Rivian talk" in by_kind, "Dinner</a>" in by_kind) == (False, True)
    assert ("Rivian talk" in by_status, "Dinner</a>" in by_status) == (True, False)


def test_nonsense_filters_are_ignored_not_a_500(planner, mission):
    response = planner.get(
        reverse("meetings:agenda", args=[mission.slug]),
        {"delegate": "abc", "kind": "party", "partner": "99999", "status": "x"},
    )
    assert response.status_code == 200


def test_printable_agenda_has_one_section_per_busy_day_and_no_navigation(planner, mission):
    make_meeting(
        mission,
        local(mission, 2025, 4, 23, 10),
        local(mission, 2025, 4, 23, 11),
        title="MEDC at the stand",
    )
    page = planner.get(reverse("meetings:agenda_print", args=[mission.slug])).content.decode()
    # Only the day with a meeting gets a page; the two empty days are a line each.
    assert page.count('class="print-day"') == 1
    assert page.count('class="print-empty-day"') == 2
    assert "MEDC at the stand" in page
    assert "navbar" not in page
    assert "Wednesday 23 April 2025" in page


@pytest.mark.parametrize("meetings", [1, 300])
def test_agenda_query_count_does_not_grow_with_meetings(
    planner, mission, django_assert_num_queries, meetings
):
    members = [make_member(mission), make_member(mission)]
    partners = [make_organisation()]
    make_many_meetings(
        mission, meetings, attendees=members, venue=make_venue(mission), organisations=partners
    )
    # 1 session, 2 user, 3 mission, 4 meetings with venue, 5 their attendees with people,
    # 6 partner organisations, 7 partner contacts, 8 the delegation for filters and clashes,
    # 9 the latest programme version with its pending count (the bar).
    with django_assert_num_queries(9):
        response = planner.get(reverse("meetings:agenda", args=[mission.slug]))
    assert response.status_code == 200
    # The printable programme has no bar: 1-8 as above.
    with django_assert_num_queries(8):
        response = planner.get(reverse("meetings:agenda_print", args=[mission.slug]))
    assert response.status_code == 200


def test_creating_a_meeting_typed_in_detroit_time(planner, mission):
    member = make_member(mission)
    venue = make_venue(mission)
    org = make_organisation()
    response = planner.post(
        reverse("meetings:create", args=[mission.slug]),
        form_data(
            mission,
            venue=venue.pk,
            attendees=[member.pk],
            partner_organisations=[org.pk],
        ),
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert meeting.start == local(mission, 2025, 4, 22, 14)
    assert (list(meeting.attendees.all()), list(meeting.partner_organisations.all())) == (
        [member],
        [org],
    )


def test_every_error_is_next_to_its_field_and_input_is_kept(planner, mission):
    response = planner.post(
        reverse("meetings:create", args=[mission.slug]),
        form_data(mission, title="", start_1="14:00", end_1="13:00", kind="party"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error_1_id_title"' in page
    assert 'id="error_1_id_kind"' in page
    assert "The meeting must end after it starts." in page
    assert 'id="error_1_id_end"' in page
    assert 'value="14:00"' in page and 'value="13:00"' in page
    assert Meeting.objects.count() == 0


def test_nonexistent_local_time_is_a_field_error(planner, django_user_model):
    dst = make_mission(
        slug="detroit-dst",
        start_date=date(2026, 3, 7),
        end_date=date(2026, 3, 9),
        timezone="America/Detroit",
    )
    dst.coordinators.add(django_user_model.objects.get(username="coordinator"))
    response = planner.post(
        reverse("meetings:create", args=[dst.slug]),
        form_data(dst, start_0="2026-03-08", start_1="02:30", end_0="2026-03-08", end_1="04:00"),
    )
    page = response.content.decode()
    assert 'id="error_1_id_start"' in page
    assert "does not exist in America/Detroit" in page
    assert Meeting.objects.count() == 0


def test_dst_crossing_mission_shows_the_right_wall_clock_times(planner, django_user_model):
    dst = make_mission(
        slug="detroit-dst",
        start_date=date(2026, 3, 7),
        end_date=date(2026, 3, 9),
        timezone="America/Detroit",
    )
    dst.coordinators.add(django_user_model.objects.get(username="coordinator"))
    make_meeting(dst, local(dst, 2026, 3, 7, 9), local(dst, 2026, 3, 7, 10), title="Before")
    make_meeting(dst, local(dst, 2026, 3, 9, 9), local(dst, 2026, 3, 9, 10), title="After")
    page = planner.get(reverse("meetings:agenda", args=[dst.slug])).content.decode()
    # Detroit moves to EDT on 8 March, Rome only on 29 March: 6 hours apart, then 5.
    assert page.count("09:00–10:00") == 2
    assert "15:00 Rome" in page
    assert "14:00 Rome" in page


def test_editing_shows_the_stored_time_in_the_missions_zone(planner, mission):
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15, 30)
    )
    page = planner.get(reverse("meetings:edit", args=[mission.slug, meeting.pk])).content.decode()
    assert 'value="14:00"' in page and 'value="15:30"' in page
    assert 'value="2025-04-22"' in page


def test_attendee_of_another_mission_cannot_be_posted(planner, mission):
    stranger = make_member(make_mission())
    response = planner.post(
        reverse("meetings:create", args=[mission.slug]),
        form_data(mission, attendees=[stranger.pk]),
    )
    assert 'id="error_1_id_attendees"' in response.content.decode()
    assert Meeting.objects.count() == 0


def test_venue_of_another_mission_cannot_be_posted(planner, mission):
    foreign = make_venue(make_mission())
    response = planner.post(
        reverse("meetings:create", args=[mission.slug]), form_data(mission, venue=foreign.pk)
    )
    assert 'id="error_1_id_venue"' in response.content.decode()
    assert Meeting.objects.count() == 0


def test_check_endpoint_shows_warnings_before_saving(planner, mission):
    member = make_member(mission, make_person(first_name="Maria", last_name="Rossi"))
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        title="Rivian",
        attendees=[member],
    )
    response = planner.post(
        reverse("meetings:check", args=[mission.slug]),
        form_data(mission, start_1="14:30", end_1="15:30", attendees=[member.pk]),
    )
    page = response.content.decode()
    assert "Maria Rossi is also in “Rivian” (14:00–15:00)." in page
    assert "You can still save" in page
    assert Meeting.objects.count() == 1


def test_check_endpoint_without_valid_times_asks_for_them(planner, mission):
    response = planner.post(
        reverse("meetings:check", args=[mission.slug]), form_data(mission, start_1="nonsense")
    )
    assert "Type a start and an end to check for clashes." in response.content.decode()


def test_check_of_an_existing_meeting_ignores_itself(planner, mission):
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15)
    )
    response = planner.post(
        reverse("meetings:check_existing", args=[mission.slug, meeting.pk]),
        form_data(mission, start_1="14:30", end_1="15:30"),
    )
    assert "No clashes with the rest of the mission." in response.content.decode()


def test_warnings_never_block_saving(planner, mission):
    member = make_member(mission)
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        attendees=[member],
    )
    response = planner.post(
        reverse("meetings:create", args=[mission.slug]), form_data(mission, attendees=[member.pk])
    )
    assert response.status_code == 302
    assert Meeting.objects.count() == 2


def test_cancel_keeps_the_meeting_as_cancelled(planner, mission):
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15)
    )
    assert (
        planner.get(reverse("meetings:cancel", args=[mission.slug, meeting.pk])).status_code == 405
    )
    planner.post(reverse("meetings:cancel", args=[mission.slug, meeting.pk]))
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == ("cancelled", 1)
    page = planner.get(reverse("meetings:agenda", args=[mission.slug])).content.decode()
    assert "meeting-cancelled" in page


def test_duplicate_makes_a_tentative_copy_and_opens_it(planner, mission):
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15), title="Rivian"
    )
    response = planner.post(reverse("meetings:duplicate", args=[mission.slug, meeting.pk]))
    copy = Meeting.objects.exclude(pk=meeting.pk).get()
    assert response["Location"] == reverse("meetings:edit", args=[mission.slug, copy.pk])
    assert (copy.title, copy.status, copy.uid != meeting.uid) == ("Rivian", "tentative", True)


def test_delete_asks_for_confirmation_and_says_what_goes_with_it(planner, mission):
    member = make_member(mission, make_person(first_name="Maria", last_name="Rossi"))
    meeting = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        title="Rivian",
        attendees=[member],
        partner_organisations=[make_organisation(name="Rivian Automotive")],
    )
    url = reverse("meetings:delete", args=[mission.slug, meeting.pk])
    page = planner.get(url).content.decode()
    assert "Delete “Rivian”?" in page
    assert "calendar feed of 1 delegate" in page and "Maria Rossi" in page
    assert "Rivian Automotive" in page
    assert Meeting.objects.count() == 1
    planner.post(url)
    assert Meeting.objects.count() == 0
    assert Organisation.objects.filter(name="Rivian Automotive").exists()


def test_quick_add_organisation_returns_the_new_option(planner, mission):
    url = reverse("meetings:quick_add", args=[mission.slug, "organisation"])
    assert "new-organisation-name" in planner.get(url).content.decode()
    response = planner.post(
        url, {"new-organisation-name": "Rivian", "new-organisation-kind": "oem"}
    )
    org = Organisation.objects.get(name="Rivian")
    assert "“Rivian” added and selected." in response.content.decode()
    assert json.loads(response["HX-Trigger"]) == {
        "optionAdded": {"field": "partner_organisations", "value": org.pk, "label": "Rivian"}
    }


def test_quick_add_duplicate_venue_shows_the_error_in_the_modal(planner, mission):
    make_venue(mission, name="Piemonte stand")
    response = planner.post(
        reverse("meetings:quick_add", args=[mission.slug, "venue"]),
        {"new-venue-name": "Piemonte stand"},
    )
    assert "This mission already has a venue with this name." in response.content.decode()
    assert "HX-Trigger" not in response
    assert Venue.objects.count() == 1


def test_quick_add_contact_and_unknown_kind(planner, mission):
    url = reverse("meetings:quick_add", args=[mission.slug, "contact"])
    planner.post(url, {"new-contact-first_name": "Carlo", "new-contact-last_name": "Materazzo"})
    assert Person.objects.filter(last_name="Materazzo").exists()
    bad = reverse("meetings:quick_add", args=[mission.slug, "spaceship"])
    assert planner.get(bad).status_code == 404


def test_add_on_a_day_prefills_that_day_in_local_time(planner, mission):
    url = reverse("meetings:create", args=[mission.slug])
    response = planner.get(url, {"day": "2025-04-23"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="start_0" value="2025-04-23"' in html
    assert 'name="start_1" value="09:00"' in html
    assert 'name="end_1" value="10:00"' in html


def test_add_on_a_day_outside_the_mission_ignores_the_day(planner, mission):
    url = reverse("meetings:create", args=[mission.slug])
    response = planner.get(url, {"day": "not-a-day"})
    assert response.status_code == 200
    # Not the day asked for: the mission's first day (issue 8, finding 12).
    assert 'name="start_0" value="2025-04-22"' in response.content.decode()


def test_home_time_label_is_translated(planner, mission):
    from django.utils import translation

    make_meeting(mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15))
    with translation.override("it"):
        html = planner.get(
            reverse("meetings:agenda", args=[mission.slug]), HTTP_ACCEPT_LANGUAGE="it"
        ).content.decode()
    assert "20:00 Roma" in html
