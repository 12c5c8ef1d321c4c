import io
import logging

import pytest

from tests import servers


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def log_output():
    """What settings.LOGGING's handlers write, filters and formatters applied (a StringIO).

    caplog sees records before the handlers' filters run; this is the log file's view.
    """
    stream = io.StringIO()
    handlers = [
        handler
        for logger in (logging.getLogger(), logging.getLogger("django.server"))
        for handler in logger.handlers
        if handler.get_name() in {"console", "django.server"}
    ]
    assert len(handlers) == 2, "settings.LOGGING configures the console and django.server"
    previous = [handler.setStream(stream) for handler in handlers]
    yield stream
    for handler, old in zip(handlers, previous, strict=True):
        handler.setStream(old)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A migrated SQLite file for servers run in a subprocess (copy it before writing)."""
    path = tmp_path_factory.mktemp("migrated") / "db.sqlite3"
    servers.migrate(f"sqlite:///{path}")
    return path
