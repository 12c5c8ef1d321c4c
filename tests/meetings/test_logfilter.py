"""No secret link in any log line: Django's loggers, runserver and gunicorn, whatever the
client does to the path (percent escapes, case, query strings, the Referer)."""

import logging
import shutil

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from meetings.logfilter import GunicornLogger, HideSecretLinks, redact
from missions.models import new_secret
from tests import servers
from tests.meetings.ics_builders import mission_with_delegate

TOKEN = new_secret()


def assert_no_secret(text: str, token: str = TOKEN) -> None:
    assert token.lower() not in text.lower()
    # Not even a long piece of it.
    assert token[4:-4].lower() not in text.lower()


# redact(): every shape a secret link takes in a log line --------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f'"GET /d/{TOKEN}/ HTTP/1.1" 404', '"GET /d/[token]/ HTTP/1.1" 404'),
        (f"Not Found: /d/{TOKEN}/calendar.ics", "Not Found: /d/[token]/calendar.ics"),
        (f"/d/{TOKEN}/meetings/12.ics", "/d/[token]/meetings/12.ics"),
        (f'"GET /%64/{TOKEN}/ HTTP/1.1"', '"GET /d/[token]/ HTTP/1.1"'),
        (f"/%44/{TOKEN}/calendar.ics", "/D/[token]/calendar.ics"),
        (f"/D/{TOKEN}/", "/D/[token]/"),
        (f"//d//{TOKEN}/", "//d//[token]/"),
        (f"/d%2F{TOKEN}%2Fcalendar.ics", "/d/[token]/calendar.ics"),
        (f"/%2564/{TOKEN}/", "/d/[token]/"),
        (f"/d/%{ord(TOKEN[0]):02X}{TOKEN[1:]}/", "/d/[token]/"),
        (f"/accounts/login/?next=%2Fd%2F{TOKEN}%2F", "/accounts/login/?next=/d/[token]/"),
        (f"/accounts/login/?next=/d/{TOKEN}/", "/accounts/login/?next=/d/[token]/"),
        (
            f"webcal://example.org/d/{TOKEN}/calendar.ics",
            "webcal://example.org/d/[token]/calendar.ics",
        ),
        (f"/programme/{TOKEN}.ics?lang=it", "/programme/[token].ics?lang=it"),
        (f"/Programme/{TOKEN}.ics", "/Programme/[token].ics"),
        (f"/accounts/reset/MQ/{TOKEN}/", "/accounts/reset/MQ/[token]/"),
        (f"/anything/?token={TOKEN}&lang=it", "/anything/?token=[token]&lang=it"),
        (
            f"Forbidden (CSRF cookie not set.): /d/{TOKEN}/calendar.ics",
            "Forbidden (CSRF cookie not set.): /d/[token]/calendar.ics",
        ),
    ],
)
def test_redact_replaces_the_secret_in_every_form(line, expected):
    assert redact(line) == expected
    assert_no_secret(redact(line))


@pytest.mark.parametrize(
    "line",
    [
        '"GET /missions/vtm-michigan-2025/agenda/ HTTP/1.1" 200',
        "/accounts/reset/MQ/set-password/",
        "/partners/contacts/?q=rivian&page=2",
        "[29/Nov/2026:21:34:30 +0000] 100% of 3 /static/css/app.css",
        "/d/[token]/calendar.ics",
    ],
)
def test_redact_leaves_lines_without_secrets_alone(line):
    assert redact(line) == line


def test_an_encoded_line_break_cannot_forge_a_log_line():
    cleaned = redact(f"GET /%64/{TOKEN}/x%0D%0A127.0.0.1 fake%0Aline HTTP/1.1")
    assert "\n" not in cleaned and "\r" not in cleaned
    assert_no_secret(cleaned)


def test_the_filter_redacts_arguments_traceback_and_hides_the_request():
    request = HttpRequest()
    request.path = f"/d/{TOKEN}/"
    try:
        raise ValueError(f"bad link /d/{TOKEN}/calendar.ics")
    except ValueError as error:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Oops: %s", (request.path,), None
        )
        record.exc_info = (type(error), error, error.__traceback__)
    record.request = request
    assert HideSecretLinks().filter(record) is True
    text = logging.Formatter().format(record)
    assert text.startswith("Oops: /d/[token]/")
    assert "ValueError: bad link /d/[token]/calendar.ics" in text
    assert_no_secret(text)
    assert record.request is None


def test_gunicorn_atoms_are_redacted_whatever_the_access_log_format():
    atoms = GunicornLogger.atoms_wrapper_class(
        {
            "r": f"GET /%64/{TOKEN}/ HTTP/1.1",
            "U": f"/d/{TOKEN}/calendar.ics",
            "q": f"next=%2Fd%2F{TOKEN}%2F",
            "{referer}i": f"https://missions.example.org/d/{TOKEN}/",
            "s": 404,
        }
    )
    fmt = '"%(r)s" %(U)s?%(q)s %({Referer}i)s %(s)s'  # gunicorn's access_log_format style
    line = fmt % atoms  # noqa: UP031 (what gunicorn does)
    assert line == (
        '"GET /d/[token]/ HTTP/1.1" /d/[token]/calendar.ics?next=/d/[token]/ '
        "https://missions.example.org/d/[token]/ 404"
    )


# Django's loggers, through the configured handlers --------------------------------------------


@pytest.mark.parametrize(
    "logger_name",
    [
        "django.request",
        "django.server",
        "django.security.csrf",
        "django.security.DisallowedHost",
        "django.security.SuspiciousOperation",
        "django",
        "meetings.anything",
        "",  # the root logger
    ],
)
def test_every_logger_is_redacted_on_the_way_out(log_output, logger_name):
    logging.getLogger(logger_name).warning("seen %s and %s", f"/%64/{TOKEN}/", f"/d/{TOKEN}/")
    text = log_output.getvalue()
    assert "seen /d/[token]/ and /d/[token]/" in text
    assert_no_secret(text)


@pytest.mark.django_db
def test_not_found_for_a_percent_encoded_link_is_logged_redacted(client, log_output, caplog):
    for path in (f"/%64/{TOKEN}/", f"/d/{TOKEN}/calendar.ics", f"/D/{TOKEN}/"):
        assert client.get(path).status_code == 404
    text = log_output.getvalue()
    assert text.count("Not Found: /d/[token]/") == 2
    assert "Not Found: /D/[token]/" in text
    assert_no_secret(text)
    # Handlers added to the request logger later see the redacted record too.
    assert_no_secret(caplog.text)


@pytest.mark.django_db
def test_a_post_to_a_token_address_is_a_quiet_405_not_a_csrf_failure(log_output):
    _, member, meeting = mission_with_delegate()
    client = Client(enforce_csrf_checks=True)
    paths = [
        reverse("public:delegate_page", args=[member.token]),
        reverse("public:delegate_feed", args=[member.token]),
        reverse("public:meeting_ics", args=[member.token, meeting.pk]),
        f"/%64/{member.token}/calendar.ics",
    ]
    for path in paths:
        response = client.post(path, {"x": "1"})
        assert response.status_code == 405
        assert response.headers["Allow"] == "GET, HEAD"
    text = log_output.getvalue()
    assert "Forbidden (CSRF" not in text
    assert text.count("Method Not Allowed (POST): /d/[token]/") == 4
    assert_no_secret(text, member.token)


@pytest.mark.django_db
def test_a_csrf_failure_on_a_secret_address_is_logged_redacted(log_output, caplog):
    client = Client(enforce_csrf_checks=True)
    path = reverse("password_reset_confirm", args=["MQ", TOKEN])
    response = client.post(path, {"new_password1": "x", "new_password2": "x"})
    assert response.status_code == 403
    text = log_output.getvalue()
    assert "Forbidden (CSRF cookie not set.): /accounts/reset/MQ/[token]/" in text
    assert_no_secret(text)
    assert_no_secret(caplog.text)


# The real servers: their own request lines --------------------------------------------------


def _secret_requests(server) -> None:
    """What a client, a crawler or a careless user may send with a secret in it."""
    referer = {"Referer": f"https://missions.example.org/d/{TOKEN}/"}
    server.request("GET", f"/d/{TOKEN}/")
    server.request("GET", f"/%64/{TOKEN}/")
    server.request("GET", f"/%64%2F{TOKEN}%2Fcalendar.ics")
    server.request("HEAD", f"/d/{TOKEN}/calendar.ics")
    server.request("POST", f"/d/{TOKEN}/calendar.ics")
    server.request("GET", f"/D/{TOKEN}/")
    server.request("GET", f"/programme/{TOKEN}.ics")
    server.request("GET", f"/accounts/reset/MQ/{TOKEN}/")
    server.request("GET", f"/accounts/login/?next=%2Fd%2F{TOKEN}%2F", referer)


@pytest.mark.parametrize("kind", ["gunicorn", "runserver"])
def test_real_server_logs_carry_no_secret(kind, tmp_path, migrated_sqlite):
    database = tmp_path / "db.sqlite3"
    shutil.copy(migrated_sqlite, database)
    env = servers.server_env(f"sqlite:///{database}", DEBUG="1")
    with servers.running(kind, env, tmp_path) as server:
        _secret_requests(server)
    statuses = [answer.status for answer in server.answers]
    assert statuses == [404, 404, 404, 404, 405, 404, 404, 200, 200]
    output = server.stdout + server.stderr
    assert_no_secret(output)
    request_lines = server.stdout if kind == "gunicorn" else server.stderr
    assert request_lines.count('"GET /d/[token]/ HTTP/1.1" 404') == 2
    assert '"POST /d/[token]/calendar.ics HTTP/1.1" 405' in request_lines
    assert '"GET /programme/[token].ics HTTP/1.1" 404' in request_lines
    assert '"GET /accounts/login/?next=/d/[token]/ HTTP/1.1" 200' in request_lines
    if kind == "gunicorn":
        # The access log is on by default, to stdout, with the referer, redacted too.
        assert '"https://missions.example.org/d/[token]/"' in server.stdout
        assert "Method Not Allowed (POST): /d/[token]/calendar.ics" in server.stderr
