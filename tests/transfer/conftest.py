import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from meetings.demo import load_demo
from missions.models import Mission
from tests.builders import make_coordinator

FILES = __import__("pathlib").Path(__file__).resolve().parent / "files"


@pytest.fixture(autouse=True)
def _upload_dir(settings, tmp_path):
    settings.TRANSFER_UPLOAD_DIR = str(tmp_path / "imports")


@pytest.fixture
def torino(db):
    """The demo's draft VTM Torino 2026 (Europe/Rome, 24-25 March 2026) and a coordinator
    of it (and of VTM Michigan, whose people the agenda names too)."""
    load_demo()
    mission = Mission.objects.get(slug="vtm-torino-2026")
    user = make_coordinator(mission, Mission.objects.get(slug="vtm-michigan-2025"))
    return mission, user


def read(name: str) -> bytes:
    return (FILES / name).read_bytes()


def database() -> dict:
    """Every row of our apps' tables, history and many-to-many links included."""
    models = [get_user_model()]
    for label in ("missions", "delegations", "meetings"):
        models.extend(apps.get_app_config(label).get_models(include_auto_created=True))
    return {
        model._meta.db_table: list(model._default_manager.order_by("pk").values_list())
        for model in models
    }
