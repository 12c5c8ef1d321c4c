"""The changelog and compare pages: every kind of change in words, per delegate, per version."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from releases.models import ProgrammeVersion
from tests.builders import make_coordinator, publish
from tests.releases.world import EDITS, build_world, move, set_fields

pytestmark = pytest.mark.django_db


def _text(response_or_html) -> str:
    """The page as a reader sees it: tags dropped, whitespace collapsed."""
    html = getattr(response_or_html, "content", b"").decode() or response_or_html
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&gt;", ">").split())


def _version(response, number: int) -> str:
    """The text of one version's section of the changelog."""
    html = response.content.decode()
    return _text(html.split(f'id="version-{number}"', 1)[1].split("</section>", 1)[0])


@pytest.mark.parametrize("kind,edit,line,told", EDITS, ids=[e[0] for e in EDITS])
def test_every_kind_of_change_is_in_the_changelog_with_the_delegates_concerned(
    client, kind, edit, line, told
):
    world = build_world()
    edit(world)
    publish(world.mission, user=world.coordinator, note=f"Changed: {kind}")
    client.force_login(world.coordinator)

    response = client.get(reverse("versions:list", args=[world.mission.slug]))
    version_2 = _version(response, 2)

    assert version_2.startswith("> Version 2") and f"“Changed: {kind}”" in version_2
    assert line in version_2
    names = {
        "andrea": "Andrea Tronzano",
        "laura": "Laura Bianchi",
        "paolo": "Paolo Rossi",
        "marco": "Marco Verdi",
    }
    counts = re.findall(r"(\w+ \w+): 1 change\b", version_2)
    assert set(counts) == {names[who] for who in told}


def test_changelog_lists_versions_newest_first_with_who_and_when(client):
    world = build_world()
    move(world.visit, minutes=120)
    publish(world.mission, user=world.coordinator, note="Rivian later")
    client.force_login(world.coordinator)

    response = client.get(reverse("versions:list", args=[world.mission.slug]))
    html = response.content.decode()

    assert html.index('id="version-2"') < html.index('id="version-1"')
    assert "“Rivian later”" in _version(response, 2)
    assert "“First programme”" in _version(response, 1)
    assert "Giulia Ferrero" in _version(response, 2)
    # Published "now" (the test's clock): shown in Detroit and in Rome.
    assert re.search(r"\d+ \w+ \d{4} at \d\d:\d\d \(Detroit\) · .* \(Rome\)", _version(response, 2))
    # Version 1: every meeting was new; no digest for a first publication.
    first = _version(response, 1)
    assert "digest" not in first
    assert "Rivian visit New: Tue 22 Apr 14:00–15:00 (Detroit), 20:00–21:00 (Rome)" in first
    assert "Ford lunch New: Wed 23 Apr 12:00–13:00 (Detroit), 18:00–19:00 (Rome)" in first


def test_changelog_shows_the_digests_sent_and_who_has_no_address(
    client, django_capture_on_commit_callbacks
):
    world = build_world()
    move(world.lunch, minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        publish(world.mission, user=world.coordinator)
    client.force_login(world.coordinator)

    response = client.get(reverse("versions:list", args=[world.mission.slug]))

    version_2 = _version(response, 2)
    assert "2 digest e-mails" in version_2
    assert "Marco Verdi — No e-mail address: tell them" in version_2
    assert re.search(r"Paolo Rossi paolo\.rossi@example\.org \w{3} \d{1,2} \w{3} \d{4}", version_2)


def _versions(world, count: int):
    for n in range(count - 1):
        move(world.visit, minutes=15)
        set_fields(world.lunch, title=f"Ford lunch {n}")
        publish(world.mission, user=world.coordinator)


@pytest.mark.parametrize("count", [1, 6])
def test_changelog_queries_do_not_grow_with_versions(client, django_assert_num_queries, count):
    world = build_world()
    _versions(world, count)
    assert ProgrammeVersion.objects.filter(mission=world.mission).count() == count
    client.force_login(world.coordinator)
    url = reverse("versions:list", args=[world.mission.slug])

    # session, user, mission, versions with their publishers, their digests, the delegation,
    # the programme bar under the tabs (what waits to be published)
    with django_assert_num_queries(7):
        response = client.get(url)

    assert [f'id="version-{n}"' in response.content.decode() for n in (1, count)] == [True] * 2


@pytest.mark.parametrize("count", [2, 6])
def test_compare_queries_do_not_grow_with_versions(client, django_assert_num_queries, count):
    world = build_world()
    _versions(world, count)
    client.force_login(world.coordinator)
    url = reverse("versions:compare", args=[world.mission.slug]) + f"?from=1&to={count}"

    # session, user, mission, version numbers, the two versions (one query), the delegation,
    # the programme bar under the tabs
    with django_assert_num_queries(7):
        response = client.get(url)

    assert f"From version 1 to version {count}" in _text(response)


def test_compare_any_two_versions_either_way(client):
    world = build_world()
    move(world.visit, minutes=120)
    publish(world.mission, user=world.coordinator)
    set_fields(world.visit, venue=world.gm)
    publish(world.mission, user=world.coordinator)
    client.force_login(world.coordinator)
    url = reverse("versions:compare", args=[world.mission.slug])

    one_to_three = _text(client.get(url + "?from=1&to=3"))
    two_to_three = _text(client.get(url + "?from=2&to=3"))
    three_to_one = _text(client.get(url + "?from=3&to=1"))

    moved = "Moved: Tue 22 Apr 14:00–15:00 → 16:00–17:00 (Detroit), 20:00 → 22:00 (Rome)"
    venue = "Venue: Rivian HQ, 1 Rivian Way, Plymouth → GM Global Technical Center"
    assert moved in one_to_three and venue in one_to_three
    assert moved not in two_to_three and venue in two_to_three
    assert "Moved: Tue 22 Apr 16:00–17:00 → 14:00–15:00 (Detroit)" in three_to_one
    # One meeting changed twice over is one change for each of its delegates.
    assert "Laura Bianchi: 1 change · Andrea Tronzano: 1 change" in one_to_three


@pytest.mark.parametrize(
    "query,message",
    [
        ("?from=1&to=9", "There is no version 9 of this programme."),
        ("?from=abc&to=2", "There is no version abc of this programme."),
        ("?from=2&to=2", "Choose two different versions."),
        ("?from=99999999999999999999999&to=1", "There is no version 99999999999999999999999"),
        ("?from=%00&to=1", "There is no version"),
    ],
)
def test_compare_bad_numbers_get_a_message_not_an_error(client, query, message):
    world = build_world()
    move(world.visit, minutes=120)
    publish(world.mission, user=world.coordinator)
    client.force_login(world.coordinator)

    response = client.get(reverse("versions:compare", args=[world.mission.slug]) + query)

    assert response.status_code == 200
    assert message in _text(response)
    assert "From version" not in _text(response).replace("From version ", "", 1)


def test_other_coordinators_get_404(client):
    world = build_world()
    client.force_login(make_coordinator())

    for name in ("versions:list", "versions:compare"):
        assert client.get(reverse(name, args=[world.mission.slug])).status_code == 404


@pytest.fixture
def _compare_world():
    """One programme with two versions, built once for all of hypothesis' examples (they
    only read)."""
    world = build_world()
    move(world.visit, minutes=120)
    publish(world.mission, user=world.coordinator)
    return world


ODD = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["1", "2", "0", "-1", "1.5", "\x00", "9" * 40, ""]),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(params=st.dictionaries(st.sampled_from(["from", "to", "x"]), ODD, max_size=3))
def test_compare_with_odd_parameters_never_fails(_compare_world, params):
    client = Client()
    client.force_login(_compare_world.coordinator)

    response = client.get(reverse("versions:compare", args=[_compare_world.mission.slug]), params)

    assert response.status_code == 200
    assert b"Compare versions" in response.content
