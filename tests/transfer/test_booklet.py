"""The programme booklet (transfer/booklet.py): the PDF's text, read back with poppler's
pdftotext, against the database; in English and Italian; a delegate's booklet; across a
daylight-saving change; a fixed number of queries; what it fetches; the views and links."""

import base64
import re
import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse

from delegations.models import DelegationMember, Organisation
from meetings.feeds import qr_svg
from meetings.models import Meeting
from missions import links
from outcomes.models import Outcome
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
from transfer.booklet import (
    STATIC_PREFIX,
    _fetcher,
    booklet_data,
    booklet_html,
    booklet_pdf,
    long_date_range,
)

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils")
    assert pdf.startswith(b"%PDF-")
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


def page_count(text: str) -> int:
    # pdftotext ends every page with a form feed.
    return text.count("\f")


def squeezed(text: str) -> str:
    """Without any whitespace: a long URL wrapped over lines reads as one again."""
    return "".join(text.split())


def hhmm(value) -> str:
    return value.strftime("%H:%M")


@pytest.fixture
def world():
    mission = make_mission(
        title="Piemonte mission to Michigan",
        organiser="Ceipiemonte",
        funding_programme="FESR 2021-2027",
        practical_info="Emergencies: 911. Hotel lobby at 08:15 every morning.",
    )
    coordinator = make_coordinator(mission, first_name="Laura", last_name="Bianchi")
    warren = make_venue(mission, name="GM Technical Center", address="30001 Van Dyke Ave")
    hotel = make_venue(mission, name="Delegation hotel", address="1 Hotel Drive")
    rivian = make_organisation(name="Rivian Automotive")
    materazzo = make_person(
        first_name="Carlo", last_name="Materazzo", position="VP Manufacturing", organisation=rivian
    )
    consulate = make_organisation(
        name="Consulate General of Italy in Detroit", kind=Organisation.Kind.CONSULATE
    )
    consul = make_person(
        first_name="Allegra",
        last_name="Baistrocchi",
        position="Consul General",
        organisation=consulate,
        email="consul@example.org",
        phone="+1 313 555 0100",
    )
    region = make_organisation(name="Regione Piemonte")
    head = make_member(
        mission,
        make_person(
            first_name="Andrea",
            last_name="Tronzano",
            position="Regional councillor",
            organisation=region,
            preferred_language="it",
        ),
        role=DelegationMember.Role.HEAD,
    )
    delegate = make_member(
        mission,
        make_person(first_name="Giulia", last_name="Verdi", preferred_language="en"),
        role=DelegationMember.Role.DELEGATE,
    )
    staff = make_member(
        mission,
        make_person(first_name="Marco", last_name="Neri"),
        role=DelegationMember.Role.STAFF,
    )
    briefing = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14, 0),
        local(mission, 2025, 4, 22, 15, 0),
        title="Briefing with the Consul General",
        kind=Meeting.Kind.BRIEFING,
        venue=hotel,
        attendees=[head, delegate],
        partner_organisations=[consulate],
        partner_contacts=[consul],
        description="Opening briefing of the mission.",
        internal_notes="INTERNAL-NOTE-briefing",
    )
    visit = make_meeting(
        mission,
        local(mission, 2025, 4, 23, 9, 30),
        local(mission, 2025, 4, 23, 11, 0),
        title="Visit to the Warren campus",
        kind=Meeting.Kind.SITE_VISIT,
        venue=warren,
        attendees=[head, staff],
        partner_organisations=[rivian],
        partner_contacts=[materazzo],
        internal_notes="INTERNAL-NOTE-visit",
    )
    dinner = make_meeting(
        mission,
        local(mission, 2025, 4, 23, 19, 30),
        local(mission, 2025, 4, 23, 21, 30),
        title="Dinner with industry leaders",
        kind=Meeting.Kind.DINNER,
        status=Meeting.Status.TENTATIVE,
        venue=hotel,
        attendees=[delegate],
    )
    # Outcomes are internal (outcomes.Outcome): never printed.
    Outcome.objects.create(meeting=briefing, summary="OUTCOME-briefing", next_steps="OUTCOME-next")
    Outcome.objects.create(meeting=dinner, held=Outcome.Held.NO_SHOW, summary="OUTCOME-dinner")
    return {
        "mission": mission,
        "coordinator": coordinator,
        "head": head,
        "delegate": delegate,
        "staff": staff,
        "meetings": [briefing, visit, dinner],
        "briefing": briefing,
        "visit": visit,
        "dinner": dinner,
        "warren": warren,
        "consul": consul,
    }


@pytest.fixture
def english(world):
    return pdf_text(booklet_pdf(booklet_data(world["mission"]), language="en"))


def test_mission_booklet_prints_every_meeting_with_local_and_home_times(world, english):
    mission = world["mission"]
    assert "22–24 April 2025" in english
    for day in ("Tuesday 22 April 2025", "Wednesday 23 April 2025"):
        assert day in english
    for meeting in world["meetings"]:
        meeting.refresh_from_db()
        assert meeting.title in english
        local_range = f"{hhmm(meeting.local_start)}–{hhmm(meeting.local_end)}"
        home_range = f"{hhmm(meeting.home_start)}–{hhmm(meeting.home_end)} Rome"
        assert local_range in english
        assert home_range in english
    # Detroit is six hours behind Rome in April: 14:00 there is 20:00 at home.
    assert "14:00–15:00" in english and "20:00–21:00 Rome" in english
    # The dinner ends after midnight at home: the home day is named.
    assert "01:30–03:30 Rome" in english
    assert "Times in Detroit time (UTC−4); Rome time (UTC+2) in grey." in english
    assert mission.funding_programme in english
    assert "Ceipiemonte" in english
    cover = english[: english.index("\f")]
    assert "DELEGATION LED BY" in cover  # uppercase by the stylesheet
    assert "Andrea Tronzano, Regional councillor, Regione Piemonte" in cover
    assert "Giulia Verdi" not in cover


def test_mission_booklet_prints_venues_partners_delegation_and_contacts(world, english):
    assert "GM Technical Center" in english
    assert world["warren"].full_address in english
    assert "Rivian Automotive" in english
    assert "Carlo Materazzo (VP Manufacturing)" in english
    # The delegation, heads first, with roles and organisations.
    delegation = english[english.index("Delegation\n") :]
    rows = [line for line in delegation.splitlines() if re.search(r"Tronzano|Verdi|Neri", line)]
    assert "Andrea Tronzano" in rows[0] and "Head of delegation" in rows[0]
    assert "Regional councillor, Regione Piemonte" in rows[0]
    assert any("Giulia Verdi" in row and "Delegate" in row for row in rows)
    assert any("Marco Neri" in row and "Staff" in row for row in rows)
    # Practical page: the mission's text, its coordinators, the consulate met and its contact.
    assert "Emergencies: 911. Hotel lobby at 08:15 every morning." in english
    assert f"Laura Bianchi · {world['coordinator'].email}" in english
    assert "Consulate General of Italy in Detroit" in english
    assert "Allegra Baistrocchi, Consul General · consul@example.org · +1 313 555 0100" in english
    assert "TENTATIVE: TO BE CONFIRMED" in english  # uppercase by the stylesheet


def test_booklet_never_prints_internal_notes_or_outcomes(world, english):
    booklet = booklet_data(world["mission"], member=world["head"])
    head = pdf_text(booklet_pdf(booklet, language="it"))
    for text in (english, head):
        assert "INTERNAL-NOTE" not in text
        assert "OUTCOME" not in text


def test_italian_booklet_has_italian_day_and_month_names(world):
    text = pdf_text(booklet_pdf(booklet_data(world["mission"]), language="it"))
    lowered = text.lower()
    assert "martedì 22 aprile 2025" in lowered
    assert "mercoledì 23 aprile 2025" in lowered
    # Italian writes month names in lower case, also where they are not at the start.
    assert "22–24 aprile 2025" in text
    assert "Aprile" not in text
    assert "Capo delegazione" in text
    assert "14:00–15:00" in text and "20:00–21:00 Roma" in text
    assert re.search(r"Pagina 2 di \d+", text)
    assert "Head of delegation" not in text and "Tuesday" not in text


def test_delegate_booklet_has_their_meetings_only_and_their_link(world):
    head = world["head"]
    booklet = booklet_data(world["mission"], member=head)
    text = pdf_text(booklet_pdf(booklet, language="en"))
    assert "PROGRAMME FOR" in text  # uppercase by the stylesheet
    assert "Andrea Tronzano, head of delegation" in text
    assert "Briefing with the Consul General" in text
    assert "Visit to the Warren campus" in text
    assert "Dinner with industry leaders" not in text
    # Colleagues only where they meet them: Verdi (briefing) and Neri (visit).
    assert "Giulia Verdi" in text and "Marco Neri" in text
    url = links.absolute(reverse("public:delegate_page", args=[head.token]))
    assert squeezed("Scan to add the programme to your phone's calendar") in squeezed(text)
    assert url in squeezed(text)
    # The QR code is the same drawing qrcode makes of that URL, embedded as an SVG image.
    html, _footer = booklet_html(booklet, language="en")
    assert base64.b64encode(qr_svg(url).encode()).decode() in html


def test_delegate_booklet_lists_only_colleagues_they_meet(world):
    text = pdf_text(
        booklet_pdf(booklet_data(world["mission"], member=world["delegate"]), language="en")
    )
    assert "Dinner with industry leaders" in text
    assert "Visit to the Warren campus" not in text
    assert "Andrea Tronzano" in text  # met at the briefing
    assert "Marco Neri" not in text  # never met in Verdi's meetings


def test_mission_spanning_rome_dst_change_prints_each_days_offsets():
    mission = make_mission(
        title="New York spring mission",
        city="New York",
        timezone="America/New_York",
        start_date=date(2026, 3, 27),
        end_date=date(2026, 3, 30),
    )
    # Rome moves its clocks forward on Sunday 29 March 2026; New York did on 8 March.
    make_meeting(
        mission,
        local(mission, 2026, 3, 27, 10, 0),
        local(mission, 2026, 3, 27, 11, 0),
        title="Before the change",
    )
    make_meeting(
        mission,
        local(mission, 2026, 3, 30, 10, 0),
        local(mission, 2026, 3, 30, 11, 0),
        title="After the change",
    )
    text = pdf_text(booklet_pdf(booklet_data(mission), language="en"))
    before = text[text.index("Friday 27 March 2026") : text.index("Monday 30 March 2026")]
    after = text[text.index("Monday 30 March 2026") :]
    assert "10:00–11:00" in before and "15:00–16:00 Rome" in before
    assert "New York time (UTC−4); Rome time (UTC+1)" in before
    assert "10:00–11:00" in after and "16:00–17:00 Rome" in after
    assert "New York time (UTC−4); Rome time (UTC+2)" in after


def test_page_count_is_sane(world, english):
    # Cover, at a glance, two days with meetings, venues, delegation, practical.
    assert 7 <= page_count(english) <= 9
    mission = world["mission"]
    make_many_meetings(mission, 30, attendees=[world["head"]])
    text = pdf_text(booklet_pdf(booklet_data(mission), language="en"))
    assert "Bulk meeting 29" in text
    assert page_count(text) < 25


@pytest.mark.parametrize("count", [1, 30])
def test_booklet_data_takes_a_fixed_number_of_queries(world, count, django_assert_num_queries):
    mission = world["mission"]
    organisation = make_organisation()
    contact = make_person(organisation=organisation)
    make_many_meetings(
        mission,
        count,
        attendees=[world["head"], world["delegate"]],
        organisations=[organisation],
        contacts=[contact],
        venue=world["warren"],
    )
    head = DelegationMember.objects.get(pk=world["head"].pk)
    # Meetings with venue, attendees, partner organisations, partner contacts; the
    # delegation; the coordinators; the consulates and their contacts met.
    with django_assert_num_queries(8):
        booklet = booklet_data(mission)
        booklet_html(booklet, language="en")
    with django_assert_num_queries(8):
        booklet = booklet_data(mission, member=head)
        booklet_html(booklet, language="it")
    assert booklet.meeting_count == count + 2


def test_long_date_range_in_words():
    assert long_date_range(date(2025, 4, 22), date(2025, 4, 24)) == "22–24 April 2025"
    assert long_date_range(date(2025, 4, 30), date(2025, 5, 2)) == "30 April – 2 May 2025"
    assert (
        long_date_range(date(2026, 12, 30), date(2027, 1, 2)) == "30 December 2026 – 2 January 2027"
    )
    assert long_date_range(date(2025, 5, 5), date(2025, 5, 5)) == "5 May 2025"


def test_fetcher_serves_our_static_files_and_refuses_everything_else():
    fetcher = _fetcher()
    response = fetcher.fetch(STATIC_PREFIX + "css/booklet.css")
    assert b"size: A4" in response.read()
    assert response.content_type == "text/css"
    for url in (
        "http://example.org/tracker.png",
        "file:///etc/passwd",
        STATIC_PREFIX + "../config/settings.py",
        STATIC_PREFIX + "css/nothing-here.css",
        "https://booklet.invalid/admin/",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"


def test_a_url_in_a_description_is_printed_not_fetched(world):
    briefing = world["briefing"]
    Meeting.objects.filter(pk=briefing.pk).update(
        description='<img src="http://example.org/x.png"> see http://example.org/agenda'
    )
    text = pdf_text(booklet_pdf(booklet_data(world["mission"]), language="en"))
    assert '<img src="http://example.org/x.png"> see http://example.org/agenda' in text


# --- The views --------------------------------------------------------------------------


def test_mission_booklet_view_in_the_coordinators_language(client, world):
    mission = world["mission"]
    client.force_login(world["coordinator"])
    url = reverse("transfer:mission_booklet", args=[mission.slug])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="{mission.slug}-programme-en.pdf"'
    )
    assert "Tuesday 22 April 2025" in pdf_text(response.content)

    response = client.get(url, {"lang": "it"})
    assert response["Content-Disposition"] == (
        f'inline; filename="{mission.slug}-programma-it.pdf"'
    )
    assert "martedì 22 aprile 2025" in pdf_text(response.content).lower()

    # An unknown language is the default, never an error.
    response = client.get(url, {"lang": "xx\x00"})
    assert response["Content-Language"] == "en"


def test_member_booklet_view_defaults_to_the_delegates_language(client, world):
    mission, head = world["mission"], world["head"]
    client.force_login(world["coordinator"])
    url = reverse("transfer:member_booklet", args=[mission.slug, head.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'inline; filename="{mission.slug}-andrea-tronzano-it.pdf"'
    )
    text = pdf_text(response.content)
    assert "PROGRAMMA DI" in text and "Andrea Tronzano" in text
    assert "Dinner with industry leaders" not in text
    assert "Andrea Tronzano, head of delegation" in pdf_text(
        client.get(url, {"lang": "en"}).content
    )


def test_booklets_are_for_the_missions_coordinators_only(client, world):
    mission, head = world["mission"], world["head"]
    other = make_mission()
    stranger = make_member(other)
    client.force_login(make_coordinator(other))
    assert client.get(reverse("transfer:mission_booklet", args=[mission.slug])).status_code == 404
    assert (
        client.get(reverse("transfer:member_booklet", args=[mission.slug, head.pk])).status_code
        == 404
    )
    # A member of another mission is not reachable through this mission's address.
    client.force_login(world["coordinator"])
    assert (
        client.get(reverse("transfer:member_booklet", args=[mission.slug, stranger.pk])).status_code
        == 404
    )


@pytest.mark.parametrize("count", [1, 25])
def test_booklet_view_queries_do_not_grow_with_meetings(
    client, world, count, django_assert_num_queries
):
    mission = world["mission"]
    make_many_meetings(mission, count, attendees=[world["head"]], venue=world["warren"])
    client.force_login(world["coordinator"])
    url = reverse("transfer:member_booklet", args=[mission.slug, world["head"].pk])
    # Session, user, mission, member, the programme version (its label), the booklet's eight.
    with django_assert_num_queries(13):
        response = client.get(url)
    assert f"Bulk meeting {count - 1}" in pdf_text(response.content)


def test_agenda_and_roster_link_to_the_booklets(client, world):
    mission, head = world["mission"], world["head"]
    client.force_login(world["coordinator"])
    booklet = reverse("transfer:mission_booklet", args=[mission.slug])
    agenda = client.get(reverse("meetings:agenda", args=[mission.slug])).content.decode()
    assert f'href="{booklet}"' in agenda and "Booklet (PDF)" in agenda
    assert f'href="{booklet}?lang=it"' in agenda
    roster = client.get(reverse("delegations:roster", args=[mission.slug])).content.decode()
    assert f'href="{booklet}"' in roster
    member_url = reverse("transfer:member_booklet", args=[mission.slug, head.pk])
    assert f'href="{member_url}"' in roster and "Their booklet (PDF)" in roster


def test_agenda_filtered_by_a_delegate_offers_their_booklet(client, world):
    mission, delegate = world["mission"], world["delegate"]
    client.force_login(world["coordinator"])
    agenda = client.get(
        reverse("meetings:agenda", args=[mission.slug]), {"delegate": delegate.pk}
    ).content.decode()
    member_url = reverse("transfer:member_booklet", args=[mission.slug, delegate.pk])
    assert f'href="{member_url}"' in agenda and "Booklet of Giulia Verdi" in agenda


def test_long_descriptions_are_cut_in_print(world):
    briefing = world["briefing"]
    Meeting.objects.filter(pk=briefing.pk).update(description="word " * 20_000 + "THE-END")
    text = pdf_text(booklet_pdf(booklet_data(world["mission"]), language="en"))
    assert "word word" in text and "…" in text
    assert "THE-END" not in text


def test_draft_mission_booklet_says_so_and_that_the_link_waits(world):
    mission = world["mission"]
    mission.status = mission.Status.DRAFT
    text = pdf_text(booklet_pdf(booklet_data(mission, member=world["head"]), language="en"))
    assert "PERSONAL PROGRAMME · DRAFT" in text  # uppercase by the stylesheet
    assert squeezed("The link works once the mission is published.") in squeezed(text)
