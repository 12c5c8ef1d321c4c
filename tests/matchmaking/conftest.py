"""Fixtures of the matchmaking tests: a VTM Torino 2026-like mission and its coordinator,
logged in (tests/matchmaking/setup_builders.py builds the rest)."""

import pytest

from tests.builders import make_coordinator
from tests.matchmaking.setup_builders import torino


@pytest.fixture
def mission():
    return torino()


@pytest.fixture
def coordinator(client, mission):
    user = make_coordinator(mission)
    client.force_login(user)
    return user
