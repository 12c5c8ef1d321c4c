import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import database_from_url, env_bool

ROOT = Path(__file__).resolve().parent.parent


def test_postgres_url_is_parsed():
    db = database_from_url("postgres://user:p%40ss@db.example.org:5433/missions")
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql",
        "missions",
        "user",
        "p@ss",
        "db.example.org",
        "5433",
    )


def test_sqlite_is_the_default_shape():
    db = database_from_url("sqlite:///db.sqlite3")
    assert (db["ENGINE"], db["NAME"].name) == ("django.db.backends.sqlite3", "db.sqlite3")


def test_sqlite_absolute_path_is_kept():
    db = database_from_url("sqlite:////srv/data/missions.sqlite3")
    assert str(db["NAME"]) == "/srv/data/missions.sqlite3"


def test_bad_boolean_fails_loudly(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("DEBUG")


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
