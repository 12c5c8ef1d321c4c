"""The project's own face: favicon, wordmark, and 404, 403 and 500 pages in both languages
(issue 8, finding 14 and "look")."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.builders import make_coordinator, make_mission
from tests.catalogue import italian_with_pending  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parent.parent


def client_seeing_errors() -> Client:
    return Client(raise_request_exception=False)


# --- favicon and wordmark -------------------------------------------------------------------


@pytest.mark.django_db
def test_favicon_ico_is_served_at_the_root_without_a_view(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/favicon.ico")
    body = b"".join(response.streaming_content)
    response.close()
    assert response.status_code == 200
    assert response.headers["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.django_db
def test_svg_favicon_and_wordmark_are_static_files(client):
    for name in ("favicon.svg", "img/mark.svg", "img/apple-touch-icon.png"):
        response = client.get(f"/static/{name}")
        response.close()
        assert response.status_code == 200, name


@pytest.mark.django_db
def test_pages_link_the_real_icons_and_show_the_wordmark(client):
    mission = make_mission()
    client.force_login(make_coordinator(mission))

    for url in (
        reverse("missions:list"),
        reverse("meetings:agenda_print", args=[mission.slug]),
        reverse("login"),
    ):
        page = client.get(url).content.decode()
        assert '<link rel="icon" href="/favicon.ico"' in page, url
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page, url
        assert 'href="data:,"' not in page, url
    page = client.get(reverse("missions:list")).content.decode()
    assert '<img class="brand-mark" src="/static/img/mark.svg"' in page
    assert '<span class="brand-name">Trade Mission Planner</span>' in page


def test_no_template_keeps_the_empty_icon_of_before():
    templates = (ROOT / "templates").rglob("*.html")
    assert [t.name for t in templates if 'href="data:,"' in t.read_text()] == []


# --- 404, 403, 500 --------------------------------------------------------------------------


@pytest.mark.django_db
def test_404_is_the_projects_page_in_english(client):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<h1 class="h3 mb-3">Page not found</h1>' in page
    assert "Go to the missions" in page
    assert "brand-mark" in page
    assert "Sign in" in page  # nobody is signed in


@pytest.mark.django_db
@pytest.mark.usefixtures("italian_with_pending")
def test_404_for_a_signed_in_coordinator_in_italian(client):
    mission = make_mission()
    client.force_login(make_coordinator(mission))
    client.cookies["django_language"] = "it"

    response = client.get("/missions/not-mine/agenda/")

    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="it">' in page
    assert "Pagina non trovata" in page
    assert "Vai alle missioni" in page
    assert "Page not found" not in page
    assert "Accedi" not in page  # signed in already


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "You may not open this page"), ("it", "Non puoi aprire questa pagina")],
)
@pytest.mark.usefixtures("italian_with_pending")
def test_403_is_the_projects_page_in_both_languages(client, language, heading):
    client.cookies["django_language"] = language
    response = client.get("/error-test/forbidden/")
    assert response.status_code == 403
    assert f'<h1 class="h3 mb-3">{heading}</h1>' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Something went wrong"), ("it", "Qualcosa è andato storto")]
)
@pytest.mark.usefixtures("italian_with_pending")
def test_500_is_the_projects_page_in_both_languages(language, heading):
    client = client_seeing_errors()
    with translation.override("en"):
        response = client.get("/error-test/broken/", HTTP_COOKIE=f"django_language={language}")
    page = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in page
    assert f'<h1 class="h3 mb-3">{heading}</h1>' in page
    assert "Retry-After" not in response.headers


@pytest.mark.django_db
def test_500_page_renders_without_a_request_or_the_database(django_assert_num_queries):
    from django.template.loader import get_template

    with django_assert_num_queries(0):
        page = get_template("500.html").render()
    assert "Something went wrong" in page
    assert "/static/css/app.css" in page
    assert "csrfmiddlewaretoken" not in page


@pytest.mark.urls("tests.error_urls")
def test_a_500_page_that_cannot_render_still_answers_a_plain_500(monkeypatch):
    from config import outage

    def fails(request):
        raise ValueError("a static file missing from the manifest")

    monkeypatch.setattr(outage, "django_server_error", fails)
    response = client_seeing_errors().get("/error-test/broken/")
    assert response.status_code == 500
    assert response.content == b"Server error (500)"


def test_a_404_while_the_database_is_down_is_the_outage_503(monkeypatch):
    from django.db import OperationalError

    from config import errors

    def down(request, exception):
        raise OperationalError("connection refused")

    monkeypatch.setattr(errors.defaults, "page_not_found", down)
    with translation.override("en"):
        response = client_seeing_errors().get("/no-such-page/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
