"""Participants from a spreadsheet: preview, then all rows or none through the services."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from delegations.models import DelegationMember, Organisation, Person
from matchmaking.models import Participant
from tests.builders import make_member, make_organisation, make_person
from tests.matchmaking.setup_builders import make_session, visitor_participant

pytestmark = pytest.mark.django_db

HEADER = "First name;Last name;E-mail;Organisation;Sector;Country;Side;Offers;Looks for"


@pytest.fixture(autouse=True)
def _upload_dir(settings, tmp_path):
    settings.TRANSFER_UPLOAD_DIR = str(tmp_path / "imports")


@pytest.fixture
def session(mission):
    return make_session(mission, title="VTM B2B")


def _csv(*lines: str, name="participants.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join((HEADER, *lines)) + "\n").encode(), "text/csv")


def _upload_url(session):
    return reverse("transfer:import_participants", args=[session.mission.slug, session.pk])


def _preview(client, session, upload):
    return client.post(_upload_url(session), {"file": upload})


def _commit(client, session, page):
    return client.post(
        reverse("transfer:import_participants_commit", args=[session.mission.slug, session.pk]),
        {"token": page.context["token"]},
        follow=True,
    )


def test_the_participants_page_links_to_the_import(client, session, coordinator):
    page = client.get(
        reverse("matchmaking:participants", args=[session.mission.slug, session.pk])
    ).content.decode()
    assert f'href="{_upload_url(session)}"' in page


def test_importing_both_sides(client, mission, session, coordinator):
    delegate = make_member(
        mission, make_person(first_name="Anna", last_name="Rossi", email="anna@example.org")
    )
    make_organisation(name="Stellantis", sector="OEM")
    upload = _csv(
        "Anna;Rossi;anna@example.org;;;;Delegation;Die casting;EV makers",
        "Paolo;Bruni;paolo@example.org;Comau;Robotics;Italy;Delegazione;Robots;",
        "Marie;Durand;marie@example.org;stellantis;;;Visiting company;;Tier-2 suppliers",
        "Kenji;Sato;kenji@example.org;Denso Europe;Electronics;Japan;visitor;Thermal;Castings",
    )
    page = _preview(client, session, upload)
    assert page.context["counts"] == {"new": 4, "updated": 0, "unchanged": 0, "error": 0}
    html = page.content.decode()
    assert "Joins the delegation." in html
    assert not Participant.objects.exists()  # a preview writes nothing
    response = _commit(client, session, page)
    assert "4 rows written" in response.content.decode()
    participants = {
        p.person.last_name: p
        for p in Participant.objects.select_related("person__organisation", "member")
    }
    assert participants["Rossi"].member == delegate
    assert (participants["Rossi"].offers, participants["Rossi"].looks_for) == (
        "Die casting",
        "EV makers",
    )
    bruni = participants["Bruni"]
    assert bruni.side == "delegation"
    assert DelegationMember.objects.filter(mission=mission, person=bruni.person).exists()
    assert (bruni.person.organisation.name, bruni.person.organisation.sector) == (
        "Comau",
        "Robotics",
    )
    assert participants["Durand"].person.organisation.name == "Stellantis"
    assert participants["Sato"].side == "visitor"
    assert Organisation.objects.filter(name__iexact="stellantis").count() == 1
    # Again: every row unchanged, nothing written.
    upload.seek(0)
    again = _preview(client, session, upload)
    assert again.context["counts"] == {"new": 0, "updated": 0, "unchanged": 4, "error": 0}
    assert not again.context["token"]


def test_an_xlsx_file_and_an_update(client, session, coordinator):
    visitor_participant(session, first_name="Marie", last_name="Durand", email="marie@example.org")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(
        [
            "Marie",
            "Durand",
            "marie@example.org",
            None,
            None,
            None,
            "Visiting company",
            "Platforms",
            None,
        ]
    )
    out = io.BytesIO()
    workbook.save(out)
    page = _preview(client, session, SimpleUploadedFile("p.xlsx", out.getvalue()))
    assert page.context["counts"]["updated"] == 1
    assert "Offers: — → Platforms" in page.content.decode()
    _commit(client, session, page)
    assert Participant.objects.get().offers == "Platforms"


def test_every_bad_row_is_reported_with_its_row_and_column_and_nothing_is_written(
    client, mission, session, coordinator
):
    make_member(mission, make_person(first_name="Dele", last_name="Gata", email="dg@example.org"))
    people = Person.objects.count()
    page = _preview(
        client,
        session,
        _csv(
            "Good;Row;good@example.org;Acme;;;Visiting company;;",
            ";Nolast;;;;;Visiting company;;",
            "Bad;Mail;not-an-email;;;;Visiting company;;",
            "Odd;Side;odd@example.org;;;;Spectator;;",
            "Dele;Gata;dg@example.org;;;;Visiting company;;",
            "Good;Row;good@example.org;Acme;;;Visiting company;;",
            "No;Side;noside@example.org;;;;;;",
        ),
    )
    html = page.content.decode()
    errors = {(e.row, str(e.column)) for e in page.context["plan"].errors}
    assert errors == {
        (3, "First name"),
        (4, "E-mail"),
        (5, "Side"),
        (6, "Side"),
        (7, ""),
        (8, "Side"),
    }
    assert "“not-an-email” is not an e-mail address." in html
    assert "Dele Gata is in the delegation: write Delegation." in html
    assert "Same person as row 2." in html
    assert "“Spectator” is not a Side" in html
    assert "Nothing was imported." in html
    assert not page.context["token"]
    assert (Person.objects.count(), Participant.objects.count()) == (people, 0)


def test_a_row_refused_at_commit_rolls_everything_back(client, session, coordinator, monkeypatch):
    page = _preview(
        client,
        session,
        _csv(
            "One;First;one@example.org;New Org;;;Visiting company;;",
            "Two;Second;two@example.org;;;;Visiting company;;",
        ),
    )
    people, organisations = Person.objects.count(), Organisation.objects.count()
    from django.core.exceptions import ValidationError

    import transfer.import_participants as module

    original = module.participant_add_visitor

    def refuse_second(*, session, person, **fields):
        if person.last_name == "Second":
            raise ValidationError("Refused for the test.")
        return original(session=session, person=person, **fields)

    monkeypatch.setattr(module, "participant_add_visitor", refuse_second)
    response = _commit(client, session, page)
    assert "Row 3 was refused: nothing was imported." in response.content.decode()
    assert (Person.objects.count(), Organisation.objects.count()) == (people, organisations)
    assert not Participant.objects.exists()


def test_the_template_has_the_columns(client, session, coordinator):
    response = client.get(
        reverse(
            "transfer:import_participants_template",
            args=[session.mission.slug, session.pk, "xlsx"],
        )
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == HEADER.split(";")


@pytest.mark.parametrize("rows", [1, 30])
def test_the_preview_reads_a_fixed_number_of_queries(
    client, session, coordinator, django_assert_num_queries, rows
):
    lines = [
        f"P{n};Person{n};p{n}@example.org;Org {n % 3};;;Visiting company;;" for n in range(rows)
    ]
    with django_assert_num_queries(9):
        page = _preview(client, session, _csv(*lines))
    assert page.context["counts"]["new"] == rows
