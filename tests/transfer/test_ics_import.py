"""Importing .ics invitations: zones (Windows names, UTC, IANA, VTIMEZONE rules, floating),
daylight-saving edges, updates by UID, cancellations, and bad files: nothing written on the
preview or on any error, never a 500."""

from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from delegations.models import Organisation
from meetings.demo import load_demo
from meetings.models import Meeting
from missions.models import Mission, Venue
from tests.builders import (
    make_coordinator,
    make_member,
    make_mission,
    make_organisation,
    make_person,
    make_venue,
)
from tests.transfer.helpers import (
    FILES,
    confirm,
    event,
    fixture_file,
    ics,
    import_files,
    import_url,
    preview,
)

pytestmark = pytest.mark.django_db

OUTLOOK_UID = (
    "040000008200E00074C5B7101A82E0080000000090B6C1F3E4A9DB01000000000000000010000000"
    "A1C5E4F0B2D84C46A7E03F1D9B2C6E58"
)


def _person(first, last):
    return make_person(
        first_name=first, last_name=last, email=f"{first}.{last}@example.org".lower()
    )


@pytest.fixture
def michigan():
    """VTM Michigan as the fixture files expect it: its venue and three delegates."""
    mission = make_mission(slug="vtm-michigan-2025", title="VTM Michigan 2025")
    make_venue(mission, name="VTM Michigan 2025, Pontiac")
    for first, last in (("Andrea", "Tronzano"), ("Stefano", "Nigro"), ("Michela", "Favaro")):
        make_member(mission, _person(first, last))
    return mission


@pytest.fixture
def coordinator(client, michigan):
    user = make_coordinator(michigan)
    client.force_login(user)
    return user


def _snapshot():
    return (Meeting.objects.count(), Venue.objects.count(), Meeting.history.count())


def _text(response) -> str:
    return response.content.decode()


# --- Zones --------------------------------------------------------------------------------------


def test_outlook_windows_zone_becomes_the_right_instant(client, coordinator, michigan):
    before = _snapshot()
    page = preview(client, michigan, fixture_file("outlook-request.ics"))
    text = _text(page)
    assert "New meeting" in text
    assert "Rivian supplier meeting with the Piemonte delegation" in text
    assert "Wed 23 Apr, 10:00–11:00" in text  # Detroit
    assert "16:00–17:00 Rome" in text  # home time
    assert "Eastern Standard Time → America/New_York" in text
    assert "Andrea Tronzano, Stefano Nigro" in text
    assert "Jennifer Lee &lt;jennifer.lee@rivian.example&gt;" in text
    assert '<option value="b2b" selected>B2B meeting</option>' in text
    assert _snapshot() == before, "the preview writes nothing"

    response = confirm(client, michigan, page)
    assert response.status_code == 302
    meeting = Meeting.objects.get(mission=michigan)
    assert meeting.start == datetime(2025, 4, 23, 14, 0, tzinfo=UTC)
    assert meeting.end == datetime(2025, 4, 23, 15, 0, tzinfo=UTC)
    assert meeting.source_uid == OUTLOOK_UID
    assert meeting.source_sequence == 0
    assert meeting.kind == Meeting.Kind.B2B
    assert meeting.venue.name == "VTM Michigan 2025, Pontiac"
    assert sorted(m.person.last_name for m in meeting.attendees.all()) == ["Nigro", "Tronzano"]
    assert "Jennifer Lee <jennifer.lee@rivian.example>" in meeting.internal_notes
    assert "Mark Hoffmann" in meeting.internal_notes
    assert meeting.description.startswith("Agenda:\n1. Rivian's sourcing plans")
    record = meeting.history.latest()
    assert record.history_change_reason == "Imported from outlook-request.ics"
    assert record.history_user == coordinator
    agenda = client.get(response.url)
    assert "Invitations imported: 1 meeting added." in _text(agenda)
    assert "Rivian supplier meeting with the Piemonte delegation" in _text(agenda)


def test_google_invite_in_utc_creates_its_venue(client, coordinator, michigan):
    response = import_files(client, michigan, fixture_file("google-invite.ics"))
    assert response.status_code == 302
    meeting = Meeting.objects.get(mission=michigan)
    assert meeting.start == datetime(2025, 4, 24, 13, 0, tzinfo=UTC)
    assert meeting.local_start.strftime("%H:%M") == "09:00"
    assert meeting.title == "Detroit Regional Partnership – investment briefing"
    assert meeting.venue.name == "Detroit Regional Partnership"
    assert meeting.venue.address == "1001 Woodward Ave, Detroit, MI 48226"
    assert [m.person.last_name for m in meeting.attendees.all()] == ["Favaro"]


def test_two_invitations_dropped_together(client, coordinator, michigan):
    response = import_files(
        client, michigan, fixture_file("outlook-request.ics"), fixture_file("google-invite.ics")
    )
    assert response.status_code == 302
    assert sorted(Meeting.objects.filter(mission=michigan).values_list("title", flat=True)) == [
        "Detroit Regional Partnership – investment briefing",
        "Rivian supplier meeting with the Piemonte delegation",
    ]
    assert "2 meetings added" in _text(client.get(response.url))


@pytest.mark.parametrize(
    ("tzid", "shown"),
    [
        ("America/Detroit", "America/Detroit"),
        ("/freeassociation.sourceforge.net/America/New_York", "America/New_York"),
        ("Eastern Standard Time", "Eastern Standard Time → America/New_York"),
    ],
)
def test_iana_and_prefixed_zone_names(client, coordinator, michigan, tzid, shown):
    page = preview(
        client,
        michigan,
        ics(event(f";TZID={tzid}:20250422T100000", f";TZID={tzid}:20250422T110000")),
    )
    assert f"sent in {shown}" in _text(page)
    confirm(client, michigan, page)
    assert Meeting.objects.get().start == datetime(2025, 4, 22, 14, 0, tzinfo=UTC)


def test_custom_vtimezone_is_read_by_its_rules(client, coordinator, michigan):
    """A TZID that names no known zone: the calendar's own VTIMEZONE says the offsets."""
    body = event(";TZID=Our office:20250422T100000", ";TZID=Our office:20250422T110000")
    vtimezone = (
        "BEGIN:VTIMEZONE\nTZID:Our office\nBEGIN:STANDARD\nDTSTART:16011104T020000\n"
        "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\n"
        "END:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010309T020000\n"
        "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\n"
        "END:DAYLIGHT\nEND:VTIMEZONE\n"
    )
    body = body.replace("BEGIN:VEVENT", vtimezone + "BEGIN:VEVENT")
    response = import_files(client, michigan, ics(body))
    assert response.status_code == 302
    assert Meeting.objects.get().start == datetime(2025, 4, 22, 14, 0, tzinfo=UTC)


def test_floating_time_is_read_in_the_missions_zone(client, coordinator, michigan):
    import_files(client, michigan, ics(event(":20250422T100000", ":20250422T103000")))
    meeting = Meeting.objects.get()
    assert meeting.start == datetime(2025, 4, 22, 14, 0, tzinfo=UTC)
    assert meeting.end == datetime(2025, 4, 22, 14, 30, tzinfo=UTC)


def test_spring_forward_hour_read_as_calendars_do(client):
    """9 March 2025, 02:30 does not exist in Detroit: RFC 5545 reads it with the offset
    before the jump (EST), which is 07:30 UTC, 03:30 EDT; the preview says so."""
    mission = make_mission(start_date=date(2025, 3, 8), end_date=date(2025, 3, 10))
    client.force_login(make_coordinator(mission))
    page = preview(
        client,
        mission,
        ics(
            event(";TZID=America/Detroit:20250309T023000", ";TZID=America/Detroit:20250309T040000")
        ),
    )
    text = _text(page)
    assert "does not exist in America/Detroit" in text
    assert "Sun 9 Mar, 03:30–04:00" in text
    confirm(client, mission, page)
    meeting = Meeting.objects.get()
    assert meeting.start == datetime(2025, 3, 9, 7, 30, tzinfo=UTC)
    assert meeting.end == datetime(2025, 3, 9, 8, 0, tzinfo=UTC)


def test_fall_back_hour_read_as_its_first_occurrence(client):
    """2 November 2025, 01:30 happens twice in Detroit: the first (EDT) is 05:30 UTC."""
    mission = make_mission(start_date=date(2025, 11, 1), end_date=date(2025, 11, 3))
    client.force_login(make_coordinator(mission))
    page = preview(
        client,
        mission,
        ics(event(";TZID=America/Detroit:20251102T013000", ":20251102T080000Z")),
    )
    assert "happens twice in America/Detroit" in _text(page)
    confirm(client, mission, page)
    meeting = Meeting.objects.get()
    assert meeting.start == datetime(2025, 11, 2, 5, 30, tzinfo=UTC)
    assert meeting.end - meeting.start == datetime(2025, 11, 2, 8) - datetime(2025, 11, 2, 5, 30)


def test_whole_calendar_with_three_events(client):
    torino = make_mission(
        slug="vtm-torino-2026",
        timezone="Europe/Rome",
        city="Torino",
        start_date=date(2026, 3, 24),
        end_date=date(2026, 3, 25),
    )
    make_venue(torino, name="VTM Torino 2026 venue")
    nigro, mailander = _person("Stefano", "Nigro"), _person("Monica", "Mailander")
    make_member(torino, nigro)
    make_member(torino, mailander)
    client.force_login(make_coordinator(torino))
    page = preview(client, torino, fixture_file("vtm-torino-calendar.ics"))
    assert _text(page).count("New meeting") >= 3
    assert "Import 3 invitations" in _text(page)
    response = confirm(client, torino, page, kind="site_visit")
    assert response.status_code == 302
    meetings = list(Meeting.objects.filter(mission=torino).order_by("start"))
    assert [(m.start, m.status, m.kind) for m in meetings] == [
        (datetime(2026, 3, 24, 8, 30, tzinfo=UTC), "confirmed", "site_visit"),
        (datetime(2026, 3, 24, 13, 30, tzinfo=UTC), "tentative", "site_visit"),
        (datetime(2026, 3, 25, 10, 0, tzinfo=UTC), "confirmed", "site_visit"),
    ]
    assert meetings[0].venue.name == "VTM Torino 2026 venue"
    assert meetings[2].venue.name == "Mirafiori Automotive Park"
    assert meetings[2].venue.address == "Corso Settembrini 40, Torino"
    assert {m.person for m in meetings[2].attendees.all()} == {nigro, mailander}


# --- Updates, cancellations, repeats ------------------------------------------------------------


def test_updated_invitation_moves_the_same_meeting(client, coordinator, michigan):
    import_files(client, michigan, fixture_file("outlook-request.ics"))
    first = Meeting.objects.get()
    page = preview(client, michigan, fixture_file("outlook-update.ics"))
    text = _text(page)
    assert "Updates a meeting" in text
    assert "Wed 23 Apr, 15:30–16:30" in text
    assert "was Wed 23 Apr, 10:00" in text
    assert "Rivian Technology Center <span" in text and "new venue" in text
    confirm(client, michigan, page)
    meeting = Meeting.objects.get()
    assert meeting.pk == first.pk and meeting.uid == first.uid
    assert meeting.start == datetime(2025, 4, 23, 19, 30, tzinfo=UTC)
    assert meeting.source_sequence == 1
    assert meeting.sequence == first.sequence + 1  # calendars of the delegates update too
    assert (meeting.venue.name, meeting.venue.address) == (
        "Rivian Technology Center",
        "Plymouth MI",
    )
    assert meeting.history.latest().history_change_reason == "Imported from outlook-update.ics"


def test_update_keeps_what_the_coordinator_added(client, coordinator, michigan):
    import_files(client, michigan, fixture_file("outlook-request.ics"))
    favaro = michigan.members.get(person__last_name="Favaro")
    meeting = Meeting.objects.get()
    meeting.attendees.add(favaro)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.TENTATIVE)
    import_files(client, michigan, fixture_file("outlook-update.ics"))
    meeting.refresh_from_db()
    assert favaro in meeting.attendees.all()
    assert meeting.status == Meeting.Status.TENTATIVE


def test_cancellation_cancels_the_meeting(client, coordinator, michigan):
    import_files(client, michigan, fixture_file("outlook-request.ics"))
    page = preview(client, michigan, fixture_file("outlook-cancel.ics"))
    assert "Cancels a meeting" in _text(page)
    response = confirm(client, michigan, page)
    meeting = Meeting.objects.get()
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.title == "Rivian supplier meeting with the Piemonte delegation"
    assert meeting.source_sequence == 2
    assert "1 meeting cancelled" in _text(client.get(response.url))


def test_cancellation_of_an_unknown_meeting_does_nothing(client, coordinator, michigan):
    page = preview(client, michigan, fixture_file("outlook-cancel.ics"))
    assert "nothing to do" in _text(page)
    assert "Nothing to import" in _text(page)
    assert Meeting.objects.count() == 0


def test_older_invitation_is_ignored(client, coordinator, michigan):
    import_files(client, michigan, fixture_file("outlook-update.ics"))
    before = _snapshot()
    page = preview(client, michigan, fixture_file("outlook-request.ics"))
    assert "Older than the imported one, ignored." in _text(page)
    assert "Nothing to import" in _text(page)
    assert _snapshot() == before
    assert Meeting.objects.get().start == datetime(2025, 4, 23, 19, 30, tzinfo=UTC)


def test_importing_again_changes_nothing(client, coordinator, michigan):
    import_files(client, michigan, fixture_file("outlook-request.ics"))
    before = _snapshot()
    page = preview(client, michigan, fixture_file("outlook-request.ics"))
    assert "Unchanged" in _text(page)
    assert "Nothing to import: the agenda already holds these invitations" in _text(page)
    assert _snapshot() == before


def test_request_and_update_in_one_upload_import_the_newest(client, coordinator, michigan):
    page = preview(
        client, michigan, fixture_file("outlook-update.ics"), fixture_file("outlook-request.ics")
    )
    assert "A newer copy of this invitation is in the same upload." in _text(page)
    confirm(client, michigan, page)
    assert Meeting.objects.get().start == datetime(2025, 4, 23, 19, 30, tzinfo=UTC)


def test_changed_agenda_between_preview_and_import_shows_the_preview_again(
    client, coordinator, michigan
):
    page = preview(client, michigan, fixture_file("outlook-request.ics"))
    import_files(client, michigan, fixture_file("outlook-request.ics"))  # another tab
    before = _snapshot()
    response = confirm(client, michigan, page)
    assert response.status_code == 200
    assert "The agenda changed since this preview" in _text(response)
    assert "Unchanged" in _text(response)
    assert _snapshot() == before


def test_partner_contacts_matched_by_email(client, coordinator, michigan):
    rivian = make_organisation(name="Rivian")
    hoffmann = make_person(
        first_name="Mark",
        last_name="Hoffmann",
        email="Mark.Hoffmann@rivian.example",
        organisation=rivian,
    )
    page = preview(client, michigan, fixture_file("outlook-request.ics"))
    assert "Mark Hoffmann (Rivian)" in _text(page)
    confirm(client, michigan, page)
    meeting = Meeting.objects.get()
    assert list(meeting.partner_contacts.all()) == [hoffmann]
    assert list(meeting.partner_organisations.all()) == [rivian]
    assert "Mark Hoffmann" not in meeting.internal_notes


def test_another_missions_delegate_is_not_matched(client, coordinator, michigan):
    """A delegate of a mission the user does not plan stays hidden: text only."""
    other = make_mission()
    make_member(
        other,
        make_person(first_name="Mark", last_name="Hoffmann", email="mark.hoffmann@rivian.example"),
    )
    confirm(client, michigan, preview(client, michigan, fixture_file("outlook-request.ics")))
    meeting = Meeting.objects.get()
    assert not meeting.partner_contacts.exists()
    assert "Mark Hoffmann <mark.hoffmann@rivian.example>" in meeting.internal_notes


# --- Bad input: a message, nothing written -------------------------------------------------------


def test_unknown_zone_is_refused(client, coordinator, michigan):
    before = _snapshot()
    page = preview(client, michigan, fixture_file("unknown-zone.ics"))
    assert "Unknown time zone “Michigan Local Time”" in _text(page)
    assert "nothing will be imported" in _text(page)
    assert 'id="ics-confirm-form"' not in _text(page)
    assert _snapshot() == before


def test_one_bad_invitation_blocks_the_others(client, coordinator, michigan):
    page = preview(
        client, michigan, fixture_file("google-invite.ics"), fixture_file("unknown-zone.ics")
    )
    assert 'id="ics-confirm-form"' not in _text(page)
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            (FILES / "corrupt.ics").read_bytes(),
            "damaged",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "not a calendar file"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "holds no event"),
        (b"", "The submitted file is empty."),
        ("BEGIN:VCALENDAR\r\nX-\x00:\u00e9\r\n".encode("utf-16"), "calendar"),
    ],
)
def test_corrupt_files_get_a_message(client, coordinator, michigan, content, message):
    before = _snapshot()
    page = preview(client, michigan, SimpleUploadedFile("bad.ics", content))
    assert page.status_code == 200
    assert message in _text(page)
    assert page.context["rows"] is None
    assert _snapshot() == before


def test_fifty_megabyte_upload_is_refused(client, coordinator, michigan):
    before = _snapshot()
    huge = SimpleUploadedFile("huge.ics", b"BEGIN:VCALENDAR\r\n" + b"X" * (50 * 1024 * 1024))
    page = preview(client, michigan, huge)
    assert page.status_code == 200
    assert "huge.ics is larger than 5 MB" in _text(page)
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("start", "end", "extra", "message"),
    [
        (":20250422T110000Z", ":20250422T100000Z", "", "The meeting must end after it starts."),
        (":20250601T100000Z", ":20250601T110000Z", "", "Choose a time between"),
        (";VALUE=DATE:20250422", ";VALUE=DATE:20250423", "", "An all-day event"),
        (
            ":20250422T100000Z",
            ":20250422T110000Z",
            "RRULE:FREQ=DAILY;COUNT=3\n",
            "A repeating event",
        ),
        (":99991231T230000", ":99991231T233000", "", "out of range"),
        (":2025-04-22", ":20250422T110000Z", "", "Unreadable DTSTART"),
    ],
)
def test_bad_events_are_row_errors(client, coordinator, michigan, start, end, extra, message):
    before = _snapshot()
    page = preview(client, michigan, ics(event(start, end, extra=extra)))
    assert page.status_code == 200
    assert message in _text(page)
    assert 'id="ics-confirm-form"' not in _text(page)
    assert _snapshot() == before


def test_nul_and_huge_title_do_not_break_anything(client, coordinator, michigan):
    body = event(":20250422T100000Z", ":20250422T110000Z").replace(
        "SUMMARY:Test invitation", "SUMMARY:Nul\x00here " + "x" * 300
    )
    response = import_files(client, michigan, ics(body))
    assert response.status_code == 302
    assert Meeting.objects.get().title.startswith("Nulhere xxx")


def test_too_long_uid_is_a_row_error_and_long_description_is_shortened(
    client, coordinator, michigan
):
    body = event(":20250422T100000Z", ":20250422T110000Z", uid="u" * 300)
    page = preview(client, michigan, ics(body))
    assert "Invitation UID: Ensure this value has at most 255 characters" in _text(page)
    assert Meeting.objects.count() == 0
    body = event(
        ":20250422T100000Z", ":20250422T110000Z", extra="DESCRIPTION:" + "d" * 30000 + "\n"
    )
    page = preview(client, michigan, ics(body))
    assert "Its description was shortened to 20000 characters." in _text(page)
    confirm(client, michigan, page)
    assert len(Meeting.objects.get().description) == 20000


def test_tampered_preview_is_refused(client, coordinator, michigan):
    page = preview(client, michigan, fixture_file("outlook-request.ics"))
    initial = page.context["confirm"].initial
    response = client.post(
        import_url(michigan),
        {
            "payload": initial["payload"][:-3] + "AAA",
            "signature": initial["signature"],
            "kind": "b2b",
        },
    )
    assert "This preview is out of date or damaged" in _text(response)
    assert Meeting.objects.count() == 0


def test_preview_of_another_mission_cannot_be_replayed(client, coordinator, michigan):
    other = make_mission(coordinators=[coordinator])
    page = preview(client, michigan, fixture_file("outlook-request.ics"))
    response = confirm(client, other, page)
    assert "This preview is out of date or damaged" in _text(response)
    assert Meeting.objects.count() == 0


def test_other_coordinator_gets_404_and_nothing_is_imported(client, michigan):
    client.force_login(make_coordinator(make_mission()))
    response = preview(client, michigan, fixture_file("outlook-request.ics"))
    assert response.status_code == 404
    assert Meeting.objects.count() == 0


def test_agenda_links_to_the_import(client, coordinator, michigan):
    page = client.get(reverse("meetings:agenda", args=[michigan.slug]))
    assert import_url(michigan) in _text(page)
    assert "Import invitations (.ics)" in _text(page)


def test_demo_mission_takes_two_partner_invitations(client):
    """Done when a coordinator drops in two .ics invitations from partners (the demo)."""
    load_demo()
    michigan = Mission.objects.get(slug="vtm-michigan-2025")
    client.force_login(make_coordinator(michigan))
    count = michigan.meetings.count()
    response = import_files(
        client, michigan, fixture_file("outlook-request.ics"), fixture_file("google-invite.ics")
    )
    assert response.status_code == 302
    assert michigan.meetings.count() == count + 2
    agenda = _text(client.get(response.url))
    assert "Rivian supplier meeting with the Piemonte delegation" in agenda
    assert "Detroit Regional Partnership – investment briefing" in agenda
    rivian = michigan.meetings.get(source_uid=OUTLOOK_UID)
    assert rivian.venue.name == "VTM Michigan 2025, Pontiac"
    assert {m.person.last_name for m in rivian.attendees.all()} == {"Tronzano", "Nigro"}
    assert not Organisation.objects.filter(name__icontains="rivian.example").exists()


# --- Query budget --------------------------------------------------------------------------------


def _calendar(count: int):
    events = "".join(
        f"BEGIN:VEVENT\nUID:bulk-{n}@example.org\nDTSTAMP:20250101T000000Z\n"
        f"DTSTART:20250422T{10 + n // 4:02d}{(n % 4) * 15:02d}00Z\nDURATION:PT15M\n"
        f"SUMMARY:Bulk {n}\nLOCATION:VTM Michigan 2025, Pontiac\n"
        "ORGANIZER;CN=Partner:mailto:partner@example.com\n"
        "ATTENDEE;CN=Andrea Tronzano:mailto:andrea.tronzano@example.org\nEND:VEVENT\n"
        for n in range(count)
    )
    return ics(f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Test//EN\n{events}END:VCALENDAR")


@pytest.mark.parametrize("again", [False, True], ids=["new", "unchanged"])
def test_preview_query_count_does_not_grow(
    client, coordinator, michigan, django_assert_num_queries, again
):
    """The same number for 1 invitation or 12: session, user, mission, meetings with those
    UIDs (and their three relations once imported), venues, delegates and contacts by
    e-mail: 7, or 10 once imported."""
    for count in (1, 12):
        if again:
            import_files(client, michigan, _calendar(count))
        # +1: the programme bar of every mission page (releases)
        with django_assert_num_queries(11 if again else 8):
            page = preview(client, michigan, _calendar(count))
        text = _text(page)
        assert text.count("ics-row ics-") == count
        assert text.count("Unchanged" if again else "New meeting") >= count
        Meeting.objects.all().delete()
