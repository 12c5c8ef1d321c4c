"""Every kind of page works in Chromium under the enforced Content-Security-Policy.

The policy (config/settings.py) allows scripts and styles from our own static files only:
no inline <script>, <style>, style="" or onclick="". Each page below is opened with a
`securitypolicyviolation` listener installed before any of the page's own scripts run, and
its interactive parts are used (modals, htmx, dropdowns, copy buttons, auto-submitting
selects, the print button): no violation, no console error, no uncaught exception.
Screenshots land in screenshots/csp-*.png.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Page, expect

from delegations.models import DelegationMember, Organisation
from meetings.models import Meeting
from missions.models import Mission

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Langhe-Roero-2026"
SLUG = "vtm-michigan-2025"
RIVIAN = "Meeting with Rivian"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""


class Watch:
    """Violations, console errors and uncaught exceptions of every page opened."""

    def __init__(self, page: Page):
        self.page = page
        self.console: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"uncaught: {error}"))
        page.add_init_script(LISTEN)

    def _console(self, message):
        text, url = message.text, message.location.get("url", "")
        # No exemption for /favicon.ico: it is served (whitenoise's root), a 404 is an error.
        if message.type == "error" or "Content Security Policy" in text:
            self.console.append(f"{message.type}: {text} ({url})")

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__violations || []")

    def assert_clean(self, where: str) -> None:
        assert self.violations() == [], where
        assert self.console == [], where


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"csp-{name}.png", full_page=True)


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    admin = get_user_model().objects.create_superuser(
        "giulia", "giulia@example.org", PASSWORD, first_name="Giulia", last_name="Ferrero"
    )
    mission = Mission.objects.get(slug=SLUG)
    mission.coordinators.add(admin)
    return mission


def test_the_listener_sees_what_the_policy_blocks(live_server, page: Page):
    """The check below can fail: an inline style and an inline script are reported."""
    watch = Watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => {
          const style = document.createElement("style");
          style.textContent = "body { color: red }";
          document.head.append(style);
          const script = document.createElement("script");
          script.textContent = "window.__ran = true";
          document.head.append(script);
        }"""
    )
    expect(page.locator("body")).not_to_have_css("color", "rgb(255, 0, 0)")
    assert page.evaluate("window.__ran === undefined")
    blocked = watch.violations()
    assert [line.split()[0] for line in blocked] == ["style-src-elem", "script-src-elem"]


def test_only_the_one_style_attribute_allowed_by_hash_applies(live_server, page: Page):
    """django-simple-history's admin history page has style="border-top: 0"; nothing else."""
    watch = Watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => {
          document.body.insertAdjacentHTML("beforeend",
            '<p id="allowed" style="border-top: 0">a</p><p id="other" style="color: red">b</p>');
        }"""
    )
    expect(page.locator("#other")).not_to_have_css("color", "rgb(255, 0, 0)")
    assert [line.split()[0] for line in watch.violations()] == ["style-src-attr"]


def test_every_page_works_under_the_policy(live_server, page: Page, context, demo):
    base = live_server.url
    page.set_default_timeout(10_000)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    watch = Watch(page)

    # Sign in.
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    watch.assert_clean("login")
    page.get_by_label("Username").fill("giulia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Missions list; the user menu is a Bootstrap dropdown.
    expect(page.get_by_role("heading", name="Missions", level=1)).to_be_visible()
    page.get_by_role("button", name="Giulia Ferrero").click()
    expect(page.get_by_role("link", name="Change password")).to_be_visible()
    watch.assert_clean("missions list")
    screenshot(page, "missions")

    # Agenda: choosing a filter submits the form (no inline onchange any more).
    page.goto(f"{base}/missions/{SLUG}/agenda/")
    expect(page.locator("li.meeting-row").first).to_be_visible()
    rows = page.locator("li.meeting-row").count()
    with page.expect_navigation():
        page.get_by_label("Kind").select_option(label="Site visit")
    assert "kind=site_visit" in page.url
    assert 0 < page.locator("li.meeting-row").count() < rows
    # The row's actions menu (dropdown) opens.
    page.goto(f"{base}/missions/{SLUG}/agenda/")
    page.locator("li.meeting-row").first.locator(".dropdown-toggle").click()
    expect(page.locator("li.meeting-row").first.locator(".dropdown-menu")).to_be_visible()
    watch.assert_clean("agenda")
    screenshot(page, "agenda")

    # The printable programme: its Print button still calls window.print().
    page.goto(f"{base}/missions/{SLUG}/agenda/print/")
    expect(page.locator(".print-day").first).to_be_visible()
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed === true")
    watch.assert_clean("print")

    # The meeting form: the quick-add modal (Bootstrap + htmx) and the live clash check.
    rivian = Meeting.objects.get(mission=demo, title=RIVIAN)
    page.goto(f"{base}/missions/{SLUG}/meetings/{rivian.pk}/edit/")
    expect(page.get_by_role("heading", name=f"Edit “{RIVIAN}”")).to_be_visible()
    page.get_by_role("button", name="+ New venue").click()
    modal = page.locator("#quick-add-modal")
    expect(modal).to_be_visible()
    expect(modal.get_by_role("heading", name="New venue")).to_be_visible()
    modal.get_by_label("Name").fill("Rivian Plymouth office")
    modal.get_by_role("button", name="Add and select").click()
    expect(modal).to_contain_text("“Rivian Plymouth office” added and selected.")
    expect(modal).to_be_hidden()
    expect(page.get_by_label("Venue", exact=True)).to_have_value(
        str(demo.venues.get(name="Rivian Plymouth office").pk)
    )
    with page.expect_response(lambda r: r.request.method == "POST" and "/check/" in r.url):
        page.get_by_label("End time", exact=True).fill("23:30")
    expect(page.get_by_role("region", name="Clash check")).to_contain_text("clash warning")
    # The pick-list filter boxes are added by planner.js.
    expect(page.locator(".pick-filter").first).to_be_visible()
    watch.assert_clean("meeting form")
    screenshot(page, "meeting-form")

    # Roster: the actions dropdown, the secret links' copy button, the confirm before rotating.
    page.goto(f"{base}/missions/{SLUG}/delegation/")
    member = page.locator("li.roster-member").first
    member.locator(".dropdown-toggle").click()
    expect(member.locator(".dropdown-menu")).to_be_visible()
    tokens = DelegationMember.objects.filter(mission=demo).values_list("token", flat=True)
    before = set(tokens)
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    member.get_by_role("button", name="New personal link").click()
    assert dialogs and dialogs[0].startswith("Give ")
    page.keyboard.press("Escape")
    assert set(tokens.all()) == before  # dismissed: nothing posted
    member.locator("summary").click()
    copy = member.locator("button[data-copy^=page-]")
    expect(copy).to_have_text("Copy")
    copy.click()
    expect(copy).to_have_text("✓")
    assert (
        page.evaluate("navigator.clipboard.readText()")
        == member.locator("input[id^=page-]").input_value()
    )
    watch.assert_clean("roster")
    screenshot(page, "roster")

    # The partners directory, its contacts, an organisation's page.
    page.goto(f"{base}/partners/")
    expect(page.get_by_role("link", name="Rivian").first).to_be_visible()
    watch.assert_clean("partners")
    page.goto(f"{base}/partners/contacts/")
    watch.assert_clean("contacts")
    rivian_org = Organisation.objects.get(name="Rivian")
    page.goto(f"{base}/partners/{rivian_org.pk}/")
    expect(page.get_by_role("heading", name="Rivian", level=1)).to_be_visible()
    watch.assert_clean("organisation")

    # The other forms and confirmations, opened once each.
    member_pk = DelegationMember.objects.filter(mission=demo).order_by("pk").first().pk
    for path in [
        f"/missions/{SLUG}/edit/",
        f"/missions/{SLUG}/clone/",
        "/missions/new/",
        f"/missions/{SLUG}/delegation/add/",
        f"/missions/{SLUG}/delegation/{member_pk}/edit/",
        f"/missions/{SLUG}/delegation/{member_pk}/remove/",
        f"/missions/{SLUG}/meetings/new/",
        f"/missions/{SLUG}/meetings/{rivian.pk}/delete/",
        f"/partners/{rivian_org.pk}/edit/",
        "/partners/contacts/new/",
        "/accounts/password_change/",
    ]:
        response = page.goto(f"{base}{path}")
        assert response.status == 200, path
        expect(page.locator("main form, main .card").first).to_be_visible()
        watch.assert_clean(path)

    # The language switcher submits itself (it had an inline onchange).
    page.get_by_label("Language").select_option("it")
    expect(page.locator("html")).to_have_attribute("lang", "it")
    page.wait_for_load_state("load")  # static/js/app.js submits the switcher once loaded
    page.get_by_label("Lingua").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    watch.assert_clean("language switch")

    # The delegate's page: its stylesheet applies and the copy button works.
    token = DelegationMember.objects.filter(mission=demo).order_by("pk").first().token
    page.goto(f"{base}/d/{token}/?lang=en")
    expect(page.get_by_role("heading", name="Put this agenda in your calendar")).to_be_visible()
    expect(page.locator(".qr")).to_have_css("width", "192px")  # 12rem, from delegate.css
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.get_by_role("textbox", name="Calendar link").input_value()
    assert copied.endswith(f"/d/{token}/calendar.ics")
    watch.assert_clean("delegate page")
    screenshot(page, "delegate")

    # The admin: index, a change list with filters, change pages with date/time widgets.
    page.goto(f"{base}/admin/")
    expect(page.get_by_role("heading", name="Missions, delegations and meetings")).to_be_visible()
    watch.assert_clean("admin index")
    page.goto(f"{base}/admin/meetings/meeting/")
    expect(page.locator("#result_list")).to_be_visible()
    watch.assert_clean("admin meetings")
    page.goto(f"{base}/admin/meetings/meeting/{rivian.pk}/change/")
    expect(page.locator("#meeting_form")).to_be_visible()
    watch.assert_clean("admin meeting")
    page.goto(f"{base}/admin/meetings/meeting/{rivian.pk}/history/")
    watch.assert_clean("admin meeting history")
    page.goto(f"{base}/admin/missions/mission/{demo.pk}/change/")
    expect(page.locator("#mission_form")).to_be_visible()
    page.locator(".datetimeshortcuts a").first.click()  # "Today" from the admin's own JS
    watch.assert_clean("admin mission")
    screenshot(page, "admin-mission")


def test_the_lockout_page_is_styled_and_clean(live_server, page: Page):
    watch = Watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(5):
        page.get_by_label("Username").fill("intruder")
        page.get_by_label("Password").fill("guess")
        page.get_by_role("button", name="Sign in").click()
        if page.get_by_role("heading", name="Too many failed sign-in attempts").is_visible():
            break
    expect(page.get_by_role("heading", name="Too many failed sign-in attempts")).to_be_visible()
    expect(page.get_by_text("paused for 15 minutes")).to_be_visible()
    expect(page.locator(".auth-card")).to_have_css("border-top-width", "4px")
    # The 429 itself is the one expected console error ("Failed to load resource").
    watch.console = [line for line in watch.console if "status of 429" not in line]
    watch.assert_clean("lockout")
    screenshot(page, "lockout")
