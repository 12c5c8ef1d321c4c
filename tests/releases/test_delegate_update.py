"""The delegate's page: "Updated on ..., version N" and "What changed" for them only."""

import re

import pytest
from django.urls import reverse

from tests.builders import publish
from tests.releases.world import build_world, move, set_fields

pytestmark = pytest.mark.django_db


def _page(client, member) -> str:
    html = client.get(reverse("public:delegate_page", args=[member.token])).content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_page_says_which_version_and_what_changed_for_this_delegate(client):
    world = build_world()
    move(world.visit, minutes=120)
    set_fields(world.lunch, title="Ford lunch at the Rotunda")
    publish(world.mission, user=world.coordinator)

    laura = _page(client, world.laura)
    paolo = _page(client, world.paolo)

    assert re.search(r"Updated on \d+ \w+ \d{4} at \d\d:\d\d \(Detroit\), version 2", laura)
    assert (
        "What changed Rivian visit Moved: Tue 22 Apr 14:00–15:00 → 16:00–17:00 (Detroit), "
        "20:00 → 22:00 (Rome)"
    ) in laura
    assert "Title:" not in laura
    assert (
        "What changed Ford lunch at the Rotunda Title: “Ford lunch” → “Ford lunch at the Rotunda”"
        in paolo
    )
    assert "Moved:" not in paolo


def test_in_the_delegates_language(client):
    world = build_world()
    move(world.visit, minutes=120)
    publish(world.mission, user=world.coordinator)

    andrea = _page(client, world.andrea)

    assert re.search(r"Aggiornato il \d+ \w+ \d{4} alle \d\d:\d\d \(Detroit\), versione 2", andrea)
    assert "Cosa è cambiato Rivian visit Spostato: Mar 22 Apr 14:00–15:00 → 16:00–17:00" in andrea


def test_nothing_changed_for_this_delegate_no_section(client):
    world = build_world()
    move(world.visit, minutes=120)
    publish(world.mission, user=world.coordinator)

    paolo = _page(client, world.paolo)

    assert "version 2" in paolo
    assert "What changed" not in paolo


def test_first_version_has_no_what_changed(client):
    world = build_world()

    page = _page(client, world.paolo)

    assert "version 1" in page
    assert "What changed" not in page
    assert "Ford lunch" in page
