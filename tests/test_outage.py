"""A database outage answers 503 with Retry-After, logs one line per failed request, and the
next request after the database is back is served without a restart (config.outage)."""

import logging
import shutil
from contextlib import contextmanager

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client
from django.urls import reverse
from django.utils import translation

from missions.models import Mission
from tests import servers
from tests.builders import make_coordinator
from tests.meetings.ics_builders import mission_with_delegate

# The outage closes the connection: no test transaction may be open around it.
pytestmark = pytest.mark.django_db(transaction=True)

UNAVAILABLE = "Temporarily unavailable"


@contextmanager
def database_down():
    """The default database becomes unreachable as in an outage, and comes back on exit.

    PostgreSQL: the connection is closed and its address becomes a closed port
    (127.0.0.1:1), so every connection attempt is refused. SQLite: the next connection opens
    a file in a directory that does not exist. The in-memory test database lives only while
    a connection holds it: that connection is set aside, not closed.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    saved = dict(connection.settings_dict)
    kept = None
    if connection.vendor == "sqlite":
        kept, connection.connection = connection.connection, None
        connection.settings_dict["NAME"] = "/nonexistent/outage/db.sqlite3"
    else:
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)
        if kept is not None:
            connection.connection = kept


def client_seeing_errors() -> Client:
    """A client that gets the server's answer to an error, as a browser would."""
    return Client(raise_request_exception=False)


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    body = response.content.decode()
    assert f"<h1>{UNAVAILABLE}</h1>" in body
    assert "try again in a minute" in body


def request_log(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "django.request"]


def test_feed_and_planner_answer_503_and_log_one_line_each(caplog, log_output):
    mission, member, _ = mission_with_delegate()
    coordinator = make_coordinator(mission)
    delegate = client_seeing_errors()
    planner = client_seeing_errors()
    planner.force_login(coordinator)
    feed = reverse("public:delegate_feed", args=[member.token])
    # Only what the outage writes: signing in above logs a line of its own (django-axes).
    log_output.seek(0)
    log_output.truncate()
    with database_down(), caplog.at_level(logging.INFO):
        # A view's query; then the session and the user loaded for @login_required.
        answers = [delegate.get(feed), planner.get("/"), delegate.get(feed)]
    for answer in answers:
        assert_unavailable(answer)
    records = request_log(caplog)
    assert len(records) == 3, "one record per failed request"
    for record in records:
        assert record.levelno == logging.ERROR
        assert record.exc_info is None and record.exc_text is None
        assert "OperationalError" in record.getMessage()
    text = log_output.getvalue()
    assert "Traceback" not in text
    lines = text.splitlines()
    assert len(lines) == 3
    # "... Service Unavailable: <path> (OperationalError: connection to server at
    # "127.0.0.1", port 1 failed: Connection refused)" or "(... unable to open database file)"
    assert (
        "django.request: Service Unavailable: /d/[token]/calendar.ics (OperationalError: "
        in (lines[0])
    )
    assert lines[0].endswith(")")
    assert "Service Unavailable: / (OperationalError: " in lines[1]
    assert member.token not in text

    # Back again: the same clients, no restart, no reconnect by hand.
    assert delegate.get(feed).status_code == 200
    page = planner.get("/")
    assert page.status_code == 200
    assert mission.title in page.content.decode()


@pytest.mark.urls("tests.outage_urls")
def test_session_saved_by_middleware_during_an_outage_is_a_503(caplog):
    client = client_seeing_errors()
    with database_down(), caplog.at_level(logging.INFO):
        response = client.get("/outage-test/session/")
    assert_unavailable(response)
    assert len(request_log(caplog)) == 1
    assert client.get("/outage-test/session/").content == b"saved by the session middleware"


@pytest.mark.urls("tests.outage_urls")
def test_queryset_failing_while_a_template_renders_is_a_503(caplog):
    mission, _, _ = mission_with_delegate()
    client = client_seeing_errors()
    with database_down(), caplog.at_level(logging.INFO):
        response = client.get("/outage-test/template/")
    assert_unavailable(response)
    assert len(request_log(caplog)) == 1
    assert client.get("/outage-test/template/").content.decode() == mission.title


@pytest.mark.urls("tests.outage_urls")
def test_other_errors_stay_a_500_with_their_traceback(caplog, log_output):
    with caplog.at_level(logging.INFO):
        response = client_seeing_errors().get("/outage-test/broken/")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    assert "Traceback" in log_output.getvalue()
    assert "ValueError: a bug, not an outage" in log_output.getvalue()


def test_outage_page_follows_the_visitors_language():
    client = client_seeing_errors()
    # LocaleMiddleware activates Italian for this thread: put the language back afterwards.
    with translation.override("en"), database_down():
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="it", HTTP_COOKIE="sessionid=" + "a" * 32)
    assert response.status_code == 503
    assert '<html lang="it">' in response.content.decode()


def test_gunicorn_answers_503_until_the_database_is_back_then_serves_without_restart(
    tmp_path, migrated_sqlite
):
    """The real thing: gunicorn with the shipped config, DEBUG off, an SQLite file that is
    missing and then restored while gunicorn keeps running."""
    live = tmp_path / "live"
    env = servers.server_env(f"sqlite:///{live}/db.sqlite3")
    # An anonymous visitor with a session cookie: the session is looked up in the database.
    visitor = {"Cookie": "sessionid=" + "a" * 32}
    token = Mission._meta.get_field("feed_token").default()
    with servers.running("gunicorn", env, tmp_path) as server:
        down = [
            server.request("GET", f"/d/{token}/calendar.ics"),
            server.request("GET", "/", visitor),
            server.request("HEAD", f"/%64/{token}/"),
        ]
        live.mkdir()
        shutil.copy(migrated_sqlite, live / "db.sqlite3")
        back = server.request("GET", "/", visitor)
    assert [answer.status for answer in down] == [503, 503, 503]
    for answer in down:
        assert answer.headers["Retry-After"] == "30"
    assert UNAVAILABLE in down[0].body
    assert (back.status, back.headers["Location"]) == (302, "/accounts/login/?next=/")

    errors = server.stderr
    assert "Traceback" not in errors
    assert "WSGI app sent body bytes" not in errors, "a HEAD answer has no body to drop"
    failures = [line for line in errors.splitlines() if "Service Unavailable" in line]
    assert len(failures) == 3
    assert failures[0].endswith(
        "django.request: Service Unavailable: /d/[token]/calendar.ics "
        "(OperationalError: unable to open database file)"
    )
    assert token not in errors + server.stdout
    assert '"GET /d/[token]/calendar.ics HTTP/1.1" 503' in server.stdout
