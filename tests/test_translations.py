"""The Italian catalogue is complete and the interface really renders in Italian."""

import re
from collections import Counter
from pathlib import Path

import icalendar
import polib
import pytest
from django.urls import reverse

from config import compilemessages
from tests.builders import (
    local,
    make_coordinator,
    make_meeting,
    make_member,
    make_mission,
    make_person,
    publish,
)

PO_PATH = Path(__file__).resolve().parent.parent / "locale" / "it" / "LC_MESSAGES" / "django.po"

# %(name)s, %s, %d, {name}, {0}; "%%" is a literal percent sign, not a placeholder.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w*\}")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def _live_entries() -> list[polib.POEntry]:
    return [entry for entry in _catalogue() if not entry.obsolete]


def _pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs to compare: one, or one per plural form."""
    if entry.msgid_plural:
        forms = dict(entry.msgstr_plural)
        return [(entry.msgid, forms.get(0, "")), (entry.msgid_plural, forms.get(1, ""))]
    return [(entry.msgid, entry.msgstr)]


def _markup(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text) + HTML_TAG.findall(text))


@pytest.fixture
def italian_catalogue(settings):
    """The compiled .mo matches the .po (as `make` builds it), loaded afresh."""
    compilemessages.main()
    # Reassigning LOCALE_PATHS makes Django drop its cached catalogues.
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)


def test_italian_catalogue_has_the_interface_strings():
    msgids = {entry.msgid for entry in _live_entries()}

    assert {"Sign in", "Missions", "New meeting", "Partners directory"} <= msgids


def test_every_italian_entry_is_translated():
    untranslated = [entry.msgid for entry in _live_entries() if not entry.translated()]

    assert untranslated == []


def test_no_italian_entry_is_fuzzy():
    fuzzy = [entry.msgid for entry in _live_entries() if "fuzzy" in entry.flags]

    assert fuzzy == []


def test_every_translation_keeps_the_placeholders_and_markup_of_its_source():
    mismatched = [
        (source, translation)
        for entry in _live_entries()
        for source, translation in _pairs(entry)
        if _markup(source) != _markup(translation)
    ]

    assert mismatched == []


def test_catalogue_declares_italian_plural_forms():
    catalogue = _catalogue()

    assert (catalogue.metadata["Language"], catalogue.metadata["Plural-Forms"]) == (
        "it",
        "nplurals=2; plural=(n != 1);",
    )


@pytest.mark.django_db
def test_login_page_is_italian_for_a_browser_that_asks_for_italian(client, italian_catalogue):
    response = client.get(reverse("login"), headers={"accept-language": "it"})

    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="it">' in page
    assert "Accedi" in page
    assert "Password dimenticata?" in page
    assert "Forgot your password?" not in page


@pytest.mark.django_db
def test_language_switcher_turns_the_planner_italian(client, italian_catalogue):
    mission = make_mission(title="VTM Michigan 2025")
    client.force_login(make_coordinator(mission))

    switched = client.post(reverse("set_language"), {"language": "it", "next": "/"})
    page = client.get(reverse("missions:list")).content.decode()

    assert switched.status_code == 302
    assert '<h1 class="h3 mb-0">Missioni</h1>' in page
    assert "Nuova missione" in page
    assert "Usa come modello" in page
    assert "Pubblicata" in page


@pytest.mark.django_db
def test_italian_agenda_names_days_and_statuses_in_italian(client, italian_catalogue):
    mission = make_mission(title="VTM Michigan 2025")
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 10, 0),
        local(mission, 2025, 4, 22, 11, 0),
        title="Rivian",
        status="tentative",
    )
    client.force_login(make_coordinator(mission))
    client.cookies["django_language"] = "it"

    page = client.get(reverse("meetings:agenda", args=[mission.slug])).content.decode()

    assert "Martedì" in page or "martedì" in page
    assert "aprile" in page.lower()
    assert "Provvisorio" in page
    assert "Nuovo incontro" in page
    assert "Tuesday" not in page


@pytest.mark.django_db
def test_delegate_page_follows_the_delegates_preferred_language(client, italian_catalogue):
    mission = make_mission(title="VTM Michigan 2025")
    person = make_person(first_name="Chiara", last_name="Bruno", preferred_language="it")
    member = make_member(mission, person)
    make_meeting(
        mission,
        local(mission, 2025, 4, 23, 9, 0),
        local(mission, 2025, 4, 23, 10, 0),
        title="Colazione di lavoro",
        attendees=[member],
    )
    publish(mission)

    response = client.get(
        reverse("public:delegate_page", args=[member.token]), headers={"accept-language": "en"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Agenda di Chiara Bruno" in page
    assert "Questa agenda nel suo calendario" in page
    assert "aprile" in page.lower()
    assert "Put this agenda in your calendar" not in page


@pytest.mark.django_db
def test_admin_index_uses_djangos_own_italian(client, italian_catalogue, django_user_model):
    admin = django_user_model.objects.create_superuser("capo", "capo@example.org", "x-long-pass")
    client.force_login(admin)
    client.cookies["django_language"] = "it"

    page = client.get(reverse("admin:index")).content.decode()

    assert "Azioni recenti" in page
    assert "Esci" in page or "Disconnetti" in page


@pytest.mark.django_db
def test_links_email_is_written_in_the_delegates_language(mailoutbox, italian_catalogue):
    from meetings.notify import member_send_links

    mission = make_mission(title="VTM Michigan 2025")
    person = make_person(first_name="Chiara", last_name="Bruno", preferred_language="it")
    member = make_member(mission, person)

    member_send_links(member=member)

    (message,) = mailoutbox
    assert message.subject == "La sua agenda per VTM Michigan 2025"
    assert message.body.startswith("Gentile Chiara,")
    assert "I coordinatori della missione" in message.body


@pytest.mark.django_db
def test_italian_delegates_feed_describes_meetings_in_italian(client, italian_catalogue):
    mission = make_mission(title="VTM Michigan 2025")
    person = make_person(first_name="Chiara", last_name="Bruno", preferred_language="it")
    member = make_member(mission, person)
    make_meeting(
        mission,
        local(mission, 2025, 4, 23, 9, 0),
        local(mission, 2025, 4, 23, 10, 0),
        title="Rivian",
        attendees=[member],
    )

    body = client.get(reverse("public:delegate_feed", args=[member.token])).content
    calendar = icalendar.Calendar.from_ical(body)

    assert str(calendar["X-WR-CALDESC"]).endswith(". Orari in America/Detroit.")
