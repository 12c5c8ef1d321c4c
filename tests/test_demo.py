"""load_demo reproduces the VTM Michigan 2025 facts and is idempotent."""

import re
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from delegations.models import DelegationMember, Organisation, Person
from meetings.models import Meeting
from missions.models import Mission

pytestmark = pytest.mark.django_db


def table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Mission, Organisation, Person, DelegationMember, Meeting)
    }


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    return Mission.objects.get(slug="vtm-michigan-2025")


def local_days(mission):
    days = {}
    for meeting in mission.meetings.order_by("start"):
        days.setdefault(meeting.local_start.date(), []).append(meeting.title)
    return days


def test_michigan_mission_is_published_in_detroit_time(demo):
    assert (demo.status, demo.timezone, demo.home_timezone) == (
        "published",
        "America/Detroit",
        "Europe/Rome",
    )
    assert (demo.start_date, demo.end_date, demo.city) == (
        date(2025, 4, 22),
        date(2025, 4, 24),
        "Pontiac",
    )
    assert demo.organiser == "Ceipiemonte"
    assert "FESR 2021-2027" in demo.funding_programme


def test_the_delegation_named_in_the_sources(demo):
    members = {
        (m.person.full_name, m.person.position, str(m.person.organisation), m.role)
        for m in demo.members.select_related("person__organisation")
    }
    assert (
        "Andrea Tronzano",
        "Regional councillor for Productive Activities",
        "Regione Piemonte",
        "head",
    ) in members
    assert ("Michela Favaro", "Deputy Mayor", "Città di Torino", "head") in members
    names = sorted(m[0] for m in members)
    assert names == [
        "Andrea Tronzano",
        "Gianmarco Giorda",
        "Gianmario Pellegrino",
        "Michela Favaro",
        "Monica Mailander",
        "Pierpaolo Antonioli",
        "Stefano Geuna",
        "Stefano Nigro",
    ]


def test_rivian_meeting_with_carlo_materazzo_on_22_april(demo):
    rivian = demo.meetings.get(partner_organisations__name="Rivian")
    assert rivian.local_start.date() == date(2025, 4, 22)
    contacts = [(p.full_name, p.position) for p in rivian.partner_contacts.all()]
    assert contacts == [("Carlo Materazzo", "Vice President Manufacturing")]
    assert "possible Rivian mission to Turin" in rivian.result.summary
    assert (rivian.result.held, rivian.result.interest) == ("held", "high")
    # Illustrative 15:30 Detroit time (EDT, UTC-4).
    assert rivian.start == datetime(2025, 4, 22, 19, 30, tzinfo=UTC)


def test_toyota_and_ford_on_24_april(demo):
    titles = local_days(demo)[date(2025, 4, 24)]
    assert titles == ["Toyota North America site visit", "Ford site visit"]


def test_the_dinner_has_its_six_partner_organisations(demo):
    dinner = demo.meetings.get(kind=Meeting.Kind.DINNER)
    assert sorted(o.name for o in dinner.partner_organisations.all()) == [
        "Comerica Bank",
        "Detroit Regional Partnership",
        "Eaton",
        "Stellantis",
        "Webasto US",
        "Wedoo US",
    ]
    assert dinner.local_start.date() == date(2025, 4, 22)


def test_day_by_day_programme(demo):
    days = local_days(demo)
    assert days[date(2025, 4, 22)] == [
        "Briefing with the Consul General of Italy in Detroit",
        "Meeting with Rivian",
        "Institutional dinner with Michigan industry leaders",
    ]
    assert days[date(2025, 4, 23)][0] == "Presentation of the “Piemonte Automotive Ecosystem”"
    partners_23 = set(
        demo.meetings.filter(
            start__date__gte=date(2025, 4, 23), start__date__lt=date(2025, 4, 24)
        ).values_list("partner_organisations__short_name", flat=True)
    )
    assert {"MEDC", "MichAuto", "MEMA", "GM", "Mullen", "Mayco"} <= partners_23
    briefing = demo.meetings.get(kind=Meeting.Kind.BRIEFING)
    assert [p.full_name for p in briefing.partner_contacts.all()] == ["Allegra Baistrocchi"]


def test_torino_2026_in_rome_time_is_published_with_its_b2b_session():
    call_command("load_demo", verbosity=0)
    torino = Mission.objects.get(slug="vtm-torino-2026")
    # Published by the B2B session's demo (matchmaking/demo.py), so that its participants'
    # pages and calendars answer.
    assert (torino.status, torino.timezone, torino.start_date, torino.end_date) == (
        "published",
        "Europe/Rome",
        date(2026, 3, 24),
        date(2026, 3, 25),
    )


def test_second_run_changes_nothing(demo):
    before = table_counts()
    stamps = list(Meeting.objects.order_by("pk").values_list("uid", "updated", "sequence"))
    call_command("load_demo", verbosity=0)
    assert table_counts() == before
    assert list(Meeting.objects.order_by("pk").values_list("uid", "updated", "sequence")) == stamps


def test_demo_user_needs_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo", "--with-demo-user", verbosity=0)
    assert not get_user_model().objects.exists()


def test_demo_user_coordinates_both_missions(settings, client):
    settings.DEBUG = True
    call_command("load_demo", "--with-demo-user", verbosity=0, stdout=StringIO())
    call_command("load_demo", "--with-demo-user", verbosity=0, stdout=StringIO())
    user = get_user_model().objects.get(username="coordinator")
    assert sorted(user.coordinated_missions.values_list("slug", flat=True)) == [
        "vtm-michigan-2025",
        "vtm-torino-2026",
    ]
    # Through the sign-in page: the login throttle needs a request.
    login = {"username": "coordinator", "password": "piemonte-2025"}
    assert client.post("/accounts/login/", login)["Location"] == "/"
    page = client.get("/missions/vtm-michigan-2025/agenda/").content.decode()
    assert "Meeting with Rivian" in page


def test_demo_coordinator_is_a_plain_coordinator_without_the_admin(settings, client):
    settings.DEBUG = True
    call_command("load_demo", "--with-demo-user", verbosity=0, stdout=StringIO())
    user = get_user_model().objects.get(username="coordinator")
    assert (user.is_staff, user.is_superuser, user.user_permissions.count()) == (False, False, 0)
    client.force_login(user)
    response = client.get("/admin/meetings/meeting/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")
    assert "Meeting with Rivian" not in client.get("/admin/", follow=True).content.decode()


def test_an_older_staff_demo_coordinator_loses_the_admin(settings, django_user_model):
    django_user_model.objects.create_user("coordinator", password="x", is_staff=True)
    settings.DEBUG = True
    call_command("load_demo", "--with-demo-user", verbosity=0, stdout=StringIO())
    assert django_user_model.objects.get(username="coordinator").is_staff is False


def test_demo_admin_is_a_superuser_with_the_printed_password(settings, client):
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", "--with-demo-user", verbosity=0, stdout=out)
    password = re.search(r"username 'admin', password '([^']+)'", out.getvalue()).group(1)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    # Through the admin's sign-in page: the login throttle needs a request.
    answer = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": password})
    assert answer["Location"] == "/admin/"
    page = client.get("/admin/meetings/meeting/").content.decode()
    assert "Meeting with Rivian" in page


def test_demo_login_is_printed_at_the_address_served_not_always_port_8000(settings):
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:8101"
    out = StringIO()
    call_command("load_demo", "--with-demo-user", verbosity=0, stdout=out)
    printed = out.getvalue()
    assert "password 'piemonte-2025' at http://127.0.0.1:8101/\n" in printed
    assert "at http://127.0.0.1:8101/admin/" in printed
    assert ":8000" not in printed
