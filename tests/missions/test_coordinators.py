"""A mission's coordinators, added and removed in the planner (missions/coordinator_views.py)."""

import re
from html import unescape

import pytest
from django.urls import reverse

from missions.models import Mission
from missions.services import mission_save
from tests.builders import make_coordinator, make_mission, make_user

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page as a reader sees it: tags dropped, spaces collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def coordinators_of(mission) -> list[str]:
    return sorted(mission.coordinators.values_list("username", flat=True))


@pytest.fixture
def mission():
    return make_mission(title="VTM Torino 2026", slug="vtm-torino-2026")


@pytest.fixture
def giulia(mission):
    return make_coordinator(
        mission, username="giulia", first_name="Giulia", last_name="Ferrero", email="g@cp.it"
    )


@pytest.fixture
def marco():
    return make_user(username="marco", first_name="Marco", last_name="Bianchi", email="M@cp.it")


@pytest.fixture
def planner(client, giulia):
    client.force_login(giulia)
    return client


def page_url(mission) -> str:
    return reverse("missions:coordinators", args=[mission.slug])


def remove_url(mission, user) -> str:
    return reverse("missions:coordinator_remove", args=[mission.slug, user.pk])


def test_page_lists_the_coordinators_and_offers_to_add_one(planner, mission, giulia):
    response = planner.get(page_url(mission))
    page = text(response)
    assert response.status_code == 200
    assert "Giulia Ferrero you" in page
    assert "giulia · g@cp.it" in page
    # Alone, she cannot leave: no remove button, and the reason.
    assert "The only coordinator: add another one to leave." in page
    assert remove_url(mission, giulia) not in response.content.decode()
    assert "Add a coordinator" in page
    assert f'name="version" value="{mission.version}"' in response.content.decode()


def test_the_mission_header_links_to_the_coordinators(planner, mission):
    page = planner.get(reverse("meetings:agenda", args=[mission.slug])).content.decode()
    assert f'href="{page_url(mission)}">Coordinators</a>' in page


def test_adding_by_username_makes_them_a_coordinator_and_the_history_says_so(
    planner, mission, marco
):
    response = planner.post(
        page_url(mission), {"who": "marco", "version": mission.version}, follow=True
    )
    assert "Marco Bianchi now coordinates “VTM Torino 2026”." in text(response)
    assert "Marco Bianchi marco · M@cp.it" in text(response)
    assert coordinators_of(mission) == ["giulia", "marco"]
    history = text(planner.get(reverse("missions:history", args=[mission.slug])))
    assert "Coordinators : + Marco Bianchi" in history
    # Marco now plans it.
    planner.force_login(marco)
    assert planner.get(reverse("meetings:agenda", args=[mission.slug])).status_code == 200


def test_adding_by_email_ignores_case_and_spaces(planner, mission, marco):
    planner.post(page_url(mission), {"who": "  m@CP.it ", "version": mission.version})
    assert coordinators_of(mission) == ["giulia", "marco"]


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("nobody", "Nobody with an active account has this username or e-mail address."),
        ("retired", "Nobody with an active account has this username or e-mail address."),
        ("shared@cp.it", "Several accounts have this e-mail address: type the username instead."),
        ("giulia", "Giulia Ferrero already coordinates this mission."),
        ("", "This field is required."),
        ("a\x00b", "Null characters are not allowed."),
    ],
)
def test_a_wrong_name_is_an_error_next_to_the_field_and_nothing_changes(
    planner, mission, who, message
):
    make_user(username="retired", is_active=False)
    make_user(username="twin1", email="shared@cp.it")
    make_user(username="twin2", email="Shared@cp.it")
    version = Mission.objects.get(pk=mission.pk).version
    response = planner.post(page_url(mission), {"who": who, "version": mission.version})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in text(response)
    assert 'id="error_1_id_who"' in html
    assert coordinators_of(mission) == ["giulia"]
    assert Mission.objects.get(pk=mission.pk).version == version


def test_removing_a_colleague_takes_the_mission_away_from_them(planner, mission, marco):
    mission.coordinators.add(marco)
    response = planner.post(remove_url(mission, marco), {"version": mission.version}, follow=True)
    assert response.redirect_chain[-1][0] == page_url(mission)
    assert "Marco Bianchi no longer coordinates “VTM Torino 2026”." in text(response)
    assert coordinators_of(mission) == ["giulia"]
    history = text(planner.get(reverse("missions:history", args=[mission.slug])))
    assert "Coordinators : − Marco Bianchi" in history
    planner.force_login(marco)
    assert planner.get(reverse("meetings:agenda", args=[mission.slug])).status_code == 404
    assert "VTM Torino 2026" not in text(planner.get(reverse("missions:list")))


def test_the_last_coordinator_cannot_be_removed(client, mission, giulia, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@cp.it", "pw")
    client.force_login(root)
    response = client.post(remove_url(mission, giulia), {"version": mission.version}, follow=True)
    assert (
        "A mission keeps at least one coordinator: add another one before removing Giulia "
        "Ferrero." in text(response)
    )
    assert coordinators_of(mission) == ["giulia"]


def test_a_disabled_account_does_not_count_as_the_coordinator_who_stays(
    planner, mission, giulia, marco
):
    mission.coordinators.add(marco)
    marco.is_active = False
    marco.save()
    page = text(planner.get(page_url(mission)))
    assert "Marco Bianchi account disabled" in page
    assert "The only coordinator: add another one to leave." in page
    planner.post(remove_url(mission, giulia), {"version": mission.version, "confirm": "on"})
    assert coordinators_of(mission) == ["giulia", "marco"]
    # The disabled one may go.
    planner.post(remove_url(mission, marco), {"version": mission.version})
    assert coordinators_of(mission) == ["giulia"]


def test_leaving_asks_first_then_the_mission_is_gone_from_the_list(planner, mission, giulia, marco):
    mission.coordinators.add(marco)
    listing = planner.get(page_url(mission)).content.decode()
    assert f'href="{remove_url(mission, giulia)}">Leave this mission…</a>' in listing

    confirm = text(planner.get(remove_url(mission, giulia)))
    assert "Leave “VTM Torino 2026”?" in confirm
    assert "it leaves your missions list" in confirm
    assert "To come back, ask one of its coordinators: Marco Bianchi." in confirm

    # Posted without the confirmation (a forged or old form): asked again, nothing changes.
    again = planner.post(remove_url(mission, giulia), {"version": mission.version})
    assert again.status_code == 200
    assert "Leave “VTM Torino 2026”?" in text(again)
    assert coordinators_of(mission) == ["giulia", "marco"]

    response = planner.post(
        remove_url(mission, giulia), {"version": mission.version, "confirm": "on"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("missions:list")
    page = text(response)
    assert "You no longer coordinate “VTM Torino 2026”: it has left your list." in page
    assert "VTM Torino 2026 " not in page.replace("“VTM Torino 2026”", "")
    assert coordinators_of(mission) == ["marco"]
    assert planner.get(reverse("meetings:agenda", args=[mission.slug])).status_code == 404
    assert planner.get(page_url(mission)).status_code == 404


def test_the_only_coordinator_asked_to_leave_is_told_to_add_someone_first(planner, mission, giulia):
    page = text(planner.get(remove_url(mission, giulia)))
    assert "Giulia Ferrero is the only coordinator: add another one first." in page
    assert "Leave the mission" not in page


def test_a_superuser_manages_coordinators_of_a_mission_they_do_not_coordinate(
    client, mission, giulia, marco, django_user_model
):
    client.force_login(django_user_model.objects.create_superuser("root", "root@cp.it", "pw"))
    client.post(page_url(mission), {"who": "marco", "version": mission.version})
    mission.refresh_from_db()
    client.post(remove_url(mission, giulia), {"version": mission.version})
    assert coordinators_of(mission) == ["marco"]


def test_a_coordinator_of_another_mission_gets_404_everywhere(client, mission, giulia, marco):
    client.force_login(make_coordinator(make_mission()))
    assert client.get(page_url(mission)).status_code == 404
    assert client.post(page_url(mission), {"who": "marco"}).status_code == 404
    assert client.get(remove_url(mission, giulia)).status_code == 404
    assert client.post(remove_url(mission, giulia), {"confirm": "on"}).status_code == 404
    assert coordinators_of(mission) == ["giulia"]


def test_removing_somebody_who_is_no_coordinator_is_404(planner, mission, marco):
    assert planner.get(remove_url(mission, marco)).status_code == 404
    assert planner.post(remove_url(mission, marco), {}).status_code == 404


def test_adding_from_a_page_opened_before_another_change_is_refused_and_kept(
    planner, mission, marco, giulia
):
    opened = mission.version
    # Meanwhile Giulia's colleague renamed the mission in another tab.
    stored = Mission.objects.get(pk=mission.pk)
    stored.title = "VTM Torino 2026 (revised)"
    mission_save(mission=stored, expected_version=opened)

    response = planner.post(page_url(mission), {"who": "marco", "version": opened})
    page = text(response)
    assert response.status_code == 409
    assert "changed this mission at" in page
    assert "The coordinators below are as they are now: check them, then try again." in page
    assert 'value="marco"' in response.content.decode()
    assert f'name="version" value="{opened + 1}"' in response.content.decode()
    assert coordinators_of(mission) == ["giulia"]

    # Adding again from that page is deliberate, and works.
    planner.post(page_url(mission), {"who": "marco", "version": opened + 1})
    assert coordinators_of(mission) == ["giulia", "marco"]


def test_removing_from_a_page_opened_before_another_change_is_refused(planner, mission, marco):
    mission.coordinators.add(marco)
    opened = mission.version
    mission_save(mission=Mission.objects.get(pk=mission.pk), expected_version=opened)
    response = planner.post(remove_url(mission, marco), {"version": opened}, follow=True)
    assert "The coordinators below are as they are now" in text(response)
    assert coordinators_of(mission) == ["giulia", "marco"]


def test_a_damaged_version_is_refused_with_a_message(planner, mission, marco):
    mission.coordinators.add(marco)
    response = planner.post(remove_url(mission, marco), {"version": "x1"})
    assert "This form is out of date or damaged: reload the page and try again." in text(response)
    assert coordinators_of(mission) == ["giulia", "marco"]


@pytest.mark.parametrize("count", [1, 12])
def test_page_query_count_does_not_grow_with_coordinators(
    planner, mission, giulia, django_assert_num_queries, count
):
    for _ in range(count - 1):
        mission.coordinators.add(make_user())
    # 1 session, 2 user, 3 the mission, 4 its coordinators, 5 the latest programme version
    # with its pending count (the bar).
    with django_assert_num_queries(5):
        response = planner.get(page_url(mission))
    assert text(response).count(" · user") == count - 1
