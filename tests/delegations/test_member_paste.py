"""Issue 8, fast entry: several delegates pasted as "name, e-mail, organisation, role" lines,
a preview with each line's errors beside it, then all of them saved or none."""

import hashlib
import html
import re
import time

import pytest
from django.urls import reverse

from delegations.models import DelegationMember, Organisation, Person
from tests.builders import (
    make_coordinator,
    make_member,
    make_mission,
    make_organisation,
    make_person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    return make_mission(title="VTM Michigan 2025", slug="vtm-michigan-2025")


@pytest.fixture
def planner(client, mission):
    client.force_login(make_coordinator(mission, username="coordinator"))
    return client


def url(mission) -> str:
    return reverse("delegations:member_paste", args=[mission.slug])


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def rows(response) -> dict[int, str]:
    """{line number: the preview row's text}."""
    page = response.content.decode()
    found = re.findall(r'<tr class="[^"]*" id="line-(\d+)">(.*?)</tr>', page, re.S)
    return {
        int(n): " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split()) for n, body in found
    }


def confirmed(lines: str) -> dict:
    """The POST of "Add" under a preview of exactly these lines."""
    return {"lines": lines, "confirm": "1", "previewed": hashlib.sha256(lines.encode()).hexdigest()}


def counts() -> tuple[int, int, int]:
    return Person.objects.count(), Organisation.objects.count(), DelegationMember.objects.count()


GOOD = (
    "Marco Bianchi, m.bianchi@example.it, bianchi srl, capo delegazione\n"
    "\n"
    "Laura Rossi\tlaura.rossi@example.it\tRossi Spa\tdelegate\n"
    "Anna Maria De Luca; anna@example.it; BIANCHI SRL; ospite\n"
    "Paolo Verdi, , , staff\n"
)


def test_preview_shows_how_each_line_reads_and_saves_nothing(planner, mission):
    make_organisation(name="Bianchi Srl")
    before = counts()
    response = planner.post(url(mission), {"lines": GOOD, "preview": "1"})
    assert response.status_code == 200
    shown = rows(response)
    assert shown == {
        1: "1 Marco Bianchi m.bianchi@example.it Bianchi Srl Head of delegation ✓ New person",
        3: "3 Laura Rossi laura.rossi@example.it Rossi Spa new Delegate ✓ New person",
        4: "4 Anna Maria De Luca anna@example.it Bianchi Srl Guest ✓ New person",
        5: "5 Paolo Verdi — — Staff ✓ New person",
    }
    page = text(response)
    assert "All 4 lines read well: check them, then add. New organisations: Rossi Spa." in page
    assert "Add 4 people to the delegation" in page
    assert counts() == before


def test_confirm_adds_everyone_and_creates_each_new_organisation_once(planner, mission):
    bianchi = make_organisation(name="Bianchi Srl")
    lines = GOOD + "Giulia Neri, giulia@example.it, ROSSI SPA, delegata\n"
    response = planner.post(url(mission), confirmed(lines))
    assert response["Location"] == reverse("delegations:roster", args=[mission.slug])
    members = {
        m.person.full_name: (m.role, m.person.email, str(m.person.organisation or ""))
        for m in mission.members.with_people()
    }
    assert members == {
        "Marco Bianchi": ("head", "m.bianchi@example.it", "Bianchi Srl"),
        "Laura Rossi": ("delegate", "laura.rossi@example.it", "Rossi Spa"),
        "Anna Maria De Luca": ("guest", "anna@example.it", "Bianchi Srl"),
        "Paolo Verdi": ("staff", "", ""),
        "Giulia Neri": ("delegate", "giulia@example.it", "Rossi Spa"),
    }
    assert Organisation.objects.filter(name__iexact="rossi spa").count() == 1
    assert Person.objects.get(email="anna@example.it").organisation == bianchi
    page = text(planner.get(response["Location"]))
    assert "5 people joined the delegation." in page


def test_someone_already_in_the_directory_is_added_as_they_are(planner, mission):
    known = make_person(first_name="Marco", last_name="Bianchi", email="m.bianchi@example.it")
    response = planner.post(
        url(mission), {"lines": "M Bianchi, M.Bianchi@Example.it, , delegate", "preview": "1"}
    )
    assert rows(response)[1].endswith("Already in the directory: added as they are.")
    planner.post(url(mission), confirmed("M Bianchi, M.Bianchi@Example.it"))
    assert list(mission.members.values_list("person", flat=True)) == [known.pk]
    assert Person.objects.count() == 1


def test_each_wrong_line_says_what_is_wrong_next_to_it(planner, mission):
    make_member(mission, make_person(first_name="Già", last_name="Dentro", email="in@example.it"))
    other = make_mission()
    make_member(other, make_person(email="secret@example.it"))
    lines = "\n".join(
        [
            "Marco Bianchi, m.bianchi@example.it, Bianchi Srl, capo delegazione",
            "Madonna, madonna@example.it",
            "Laura Rossi, not-an-address, Rossi Spa",
            "Paolo Verdi, paolo@example.it, Verdi, chief",
            "A B, a@example.it, Org, delegate, extra",
            "Anna Neri, M.BIANCHI@example.it",
            "Già Dentro, in@example.it",
            "Hidden Person, secret@example.it",
        ]
    )
    before = counts()
    response = planner.post(url(mission), confirmed(lines))
    assert response.status_code == 200
    shown = rows(response)
    assert shown[1].endswith("✓ New person")
    assert "Write a first and a last name, e.g. “Marco Bianchi”." in shown[2]
    assert "“not-an-address” is not an e-mail address." in shown[3]
    assert "Unknown role “chief”: write head, delegate, staff or guest" in shown[4]
    assert "5 parts: write at most “name, e-mail, organisation, role”" in shown[5]
    assert "Same e-mail address as line 1." in shown[6]
    assert "Già Dentro is already in this mission's delegation." in shown[7]
    # Another mission's delegate: taken, without saying by whom.
    assert "already in the directory, for someone you cannot see" in shown[8]
    page = text(response)
    assert "7 of 8 lines have errors: fix them in the box above and preview again." in page
    assert "Add 8 people" not in page
    # Even with "confirm" posted, a line with an error is never saved, nor any other line.
    assert counts() == before
    # What was pasted stays in the box, to be fixed.
    assert "Madonna, madonna@example.it" in response.content.decode()


def test_500_malformed_lines_get_a_report_per_line_fast_and_save_nothing(planner, mission):
    garbage = [
        "x",
        "a,b,c,d,e,f",
        "Nome Cognome, @@@",
        "Nome Cognome, a@example.it, Org, imperatore",
        "Nome Cognome, a@b, " + "O" * 300,
        "\u202e\u200b, 💥, ☃",
        "9" * 400,
        "Nome " + "Lungo" * 30 + ", l@example.it",
    ]
    lines = "\n".join(garbage[n % len(garbage)] for n in range(500))
    before = counts()
    started = time.perf_counter()
    response = planner.post(url(mission), {"lines": lines, "confirm": "1"})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    shown = rows(response)
    assert len(shown) == 500
    assert all("✓" not in row for row in shown.values())
    assert "500 of 500 lines have errors" in text(response)
    assert counts() == before
    assert elapsed < 5, f"500 lines took {elapsed:.1f} s"


@pytest.mark.parametrize(
    "lines,message",
    [
        ("", "Paste or type at least one line."),
        ("   \n\n  ", "Paste or type at least one line."),
        ("Marco Bianchi\x00, m@example.it", "Null characters are not allowed."),
        ("\n".join(["Marco Bianchi"] * 1001), "At most 1000 lines at once: this has 1001."),
        ("x" * 200_001, "Ensure this value has at most 200000 characters"),
    ],
)
def test_bad_paste_is_a_message_next_to_the_box(planner, mission, lines, message):
    before = counts()
    response = planner.post(url(mission), {"lines": lines, "confirm": "1"})
    assert response.status_code == 200
    assert message in text(response)
    assert counts() == before


def test_control_characters_in_a_line_are_that_lines_error(planner, mission):
    response = planner.post(url(mission), {"lines": "Marco\x07 Bianchi, m@example.it"})
    assert "Contains control characters: retype this line." in rows(response)[1]


def test_a_line_refused_by_the_database_at_confirm_rolls_back_every_line(
    planner, mission, monkeypatch
):
    # Somebody takes Laura's address between the preview and the confirmation.
    from delegations import forms

    real = forms.MemberPasteForm._check_against_database
    monkeypatch.setattr(forms.MemberPasteForm, "_check_against_database", lambda self, lines: None)
    make_person(email="laura.rossi@example.it")
    before = counts()
    response = planner.post(
        url(mission),
        confirmed("Marco Bianchi, m@example.it, New Org\nLaura Rossi, laura.rossi@example.it"),
    )
    monkeypatch.setattr(forms.MemberPasteForm, "_check_against_database", real)
    assert response.status_code == 200
    assert "Line 2: Another person already has this e-mail address." in text(response)
    assert counts() == before


def test_the_add_form_and_roster_link_to_the_paste_form(planner, mission):
    add = planner.get(reverse("delegations:member_add", args=[mission.slug])).content.decode()
    assert url(mission) in add
    roster = planner.get(reverse("delegations:roster", args=[mission.slug])).content.decode()
    assert url(mission) in roster
    page = text(planner.get(url(mission)))
    assert "Add several delegates" in page
    assert "name, e-mail, organisation, role" in page


def test_lines_changed_after_the_preview_are_previewed_again_not_saved(planner, mission):
    previewed = confirmed("Marco Bianchi, m@example.it")
    response = planner.post(url(mission), {**previewed, "lines": "Laura Rossi, l@example.it"})
    assert response.status_code == 200
    page = text(response)
    assert "The lines changed since the preview: check them again, then add." in page
    assert "Add 1 person to the delegation" in page
    assert counts() == (0, 0, 0)
