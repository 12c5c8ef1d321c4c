"""No English left on the pages rendered in Italian (issue 8, finding 6).

The catalogue test (tests/test_translations.py) checks that every msgid has a translation;
it cannot see a string translated at import time, a form field without a label or a name
computed outside the page's language. This test renders the main pages in Italian and looks
for every English interface phrase of the catalogue (msgids of two words or more whose
Italian differs) in the visible text.
"""

import html
import re
from pathlib import Path

import polib
import pytest
from django.urls import reverse

from tests.builders import (
    local,
    make_coordinator,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
    make_venue,
    publish,
)
from tests.catalogue import italian_with_pending  # noqa: F401 (fixture)

# Every page below in the Italian of the merged catalogue (django.po + pending/*.po).
pytestmark = pytest.mark.usefixtures("italian_with_pending")

PO_PATH = Path(__file__).resolve().parent.parent / "locale" / "it" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w*\}|<[^>]*>")
HIDDEN = re.compile(r"<(script|style|template|noscript)\b.*?</\1>", re.S | re.I)
# Text a user reads but that is not between tags: titles, placeholders, labels for readers.
ATTRIBUTES = re.compile(r'\b(?:title|placeholder|aria-label|alt)="([^"]*)"')
# Phrases that are data here, or the same in both languages.
# "Version:" labels the admin's hidden optimistic-locking field, in a row the admin hides.
ALLOWED = {"Google Calendar", "Trade Mission Planner", "Version:"}


def english_phrases() -> list[str]:
    """Literal English fragments of two words or more from the catalogue's msgids (and those
    waiting in locale/it/pending/, which the pages below are rendered with too)."""
    phrases = set()
    entries = [*polib.pofile(str(PO_PATH))]
    for pending in sorted((PO_PATH.parent.parent / "pending").glob("*.po")):
        entries.extend(polib.pofile(str(pending)))
    for entry in entries:
        if entry.obsolete or not entry.msgid or entry.msgctxt:
            continue
        translations = [entry.msgstr, *dict(entry.msgstr_plural).values()]
        for source in filter(None, [entry.msgid, entry.msgid_plural]):
            for fragment in PLACEHOLDER.split(source):
                fragment = " ".join(fragment.split()).strip(" .,:;·()–-")
                if len(fragment.split()) == 1 and fragment == source.strip():
                    # One word alone is too often a name; as a form label ("Start:") it is not.
                    fragment = fragment[:1].upper() + fragment[1:] + ":"
                elif len(fragment.split()) < 2:
                    continue
                if fragment in ALLOWED:
                    continue
                if any(
                    fragment.rstrip(":").lower() in " ".join(t.split()).lower()
                    for t in translations
                ):
                    continue  # the Italian keeps it (a name, a product)
                phrases.add(fragment)
    return sorted(phrases, key=len, reverse=True)


def visible_text(page: str) -> str:
    page = HIDDEN.sub(" ", page)
    extra = " | ".join(ATTRIBUTES.findall(page))
    text = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(f"{text} | {extra}").split())


def english_on(page: str, phrases: list[str]) -> list[str]:
    text = visible_text(page)
    return [p for p in phrases if re.search(rf"(?<![\w']){re.escape(p)}(?![\w'-])", text)]


@pytest.fixture
def world(db):
    mission = make_mission(
        title="Missione Stoccarda",
        slug="stoccarda",
        city="Stoccarda",
        country="Germania",
        timezone="Europe/Berlin",
    )
    venue = make_venue(mission, name="Sede Bosch")
    organisation = make_organisation(name="Bosch")
    person = make_person(first_name="Chiara", last_name="Bruno", preferred_language="it")
    member = make_member(mission, person)
    meeting = make_meeting(
        mission,
        local(mission, 2025, 4, 23, 20, 0),
        local(mission, 2025, 4, 23, 21, 0),
        title="Cena istituzionale",
        venue=venue,
        attendees=[member],
        partner_organisations=[organisation],
    )
    publish(mission)
    return {"mission": mission, "member": member, "meeting": meeting}


def pages(world, client, admin_client) -> dict[str, str]:
    mission, member, meeting = world["mission"], world["member"], world["meeting"]
    slug = mission.slug
    client.force_login(make_coordinator(mission))
    for c in (client, admin_client):
        c.cookies["django_language"] = "it"
    urls = {
        "missions list": reverse("missions:list"),
        "agenda": reverse("meetings:agenda", args=[slug]),
        "print": reverse("meetings:agenda_print", args=[slug]),
        "meeting form": reverse("meetings:create", args=[slug]),
        "meeting edit": reverse("meetings:edit", args=[slug, meeting.pk]),
        "roster": reverse("delegations:roster", args=[slug]),
        "send links": reverse("delegations:send_all_links", args=[slug]),
        "partners": reverse("delegations:partners"),
        "mission form": reverse("missions:edit", args=[slug]),
        **{
            f"quick-add {kind}": reverse("meetings:quick_add", args=[slug, kind])
            for kind in ("venue", "organisation", "contact")
        },
    }
    rendered = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        rendered[name] = response.content.decode()
    # The delegate's page speaks their language whatever the browser's.
    rendered["delegate page"] = client.get(
        reverse("public:delegate_page", args=[member.token]), headers={"accept-language": "en"}
    ).content.decode()
    rendered["admin meeting"] = admin_client.get(
        reverse("admin:meetings_meeting_change", args=[meeting.pk])
    ).content.decode()
    return rendered


@pytest.mark.django_db
def test_main_pages_rendered_in_italian_show_no_english_interface_phrase(
    world, client, admin_client
):
    phrases = english_phrases()
    assert "New venue" in phrases and "Put this agenda in your calendar" in phrases

    found = {
        name: english
        for name, page in pages(world, client, admin_client).items()
        if (english := english_on(page, phrases))
    }

    assert found == {}


def test_the_checker_sees_english_in_text_and_titles_not_in_code():
    phrases = ["New venue", "Copy link"]
    page = '<h1>Nuova sede</h1><script>"New venue"</script><a title="Copy link">x</a>'
    assert english_on(page, phrases) == ["Copy link"]
    assert english_on("<h5>New venue</h5>", phrases) == ["New venue"]


@pytest.mark.django_db
def test_quick_add_title_is_in_the_coordinators_language(world, client):
    client.force_login(make_coordinator(world["mission"]))
    client.cookies["django_language"] = "it"
    url = reverse("meetings:quick_add", args=[world["mission"].slug, "venue"])

    page = client.get(url).content.decode()

    assert "Nuova sede" in page
    assert "New venue" not in page


@pytest.mark.django_db
def test_admin_meeting_times_are_labelled_in_italian(world, admin_client):
    admin_client.cookies["django_language"] = "it"
    url = reverse("admin:meetings_meeting_change", args=[world["meeting"].pk])

    page = admin_client.get(url).content.decode()

    assert '<label class="required">Inizio:</label>' in page
    assert '<label class="required">Fine:</label>' in page
    assert "Start:" not in page and "End:" not in page


@pytest.mark.django_db
def test_delegate_page_names_home_time_in_the_delegates_language(world, client):
    member = world["member"]

    page = client.get(
        reverse("public:delegate_page", args=[member.token]), headers={"accept-language": "en"}
    ).content.decode()

    assert "(Roma 20:00–21:00)" in page
    assert "Rome" not in page
