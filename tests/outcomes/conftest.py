import pytest

from tests.outcomes.helpers import make_world


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def anna(client, world):
    client.force_login(world.anna)
    return client
