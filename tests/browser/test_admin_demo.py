"""The foundation's promise: log into /admin/ with the demo's admin login (a superuser; the
demo coordinator plans in the planner, the admin is for superusers only), see the Detroit
agenda."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_admin_sees_the_michigan_agenda_day_by_day_in_detroit_time(
    live_server, page, settings
):
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", "--with-demo-user", verbosity=0, stdout=out)
    settings.DEBUG = False
    password = re.search(r"username 'admin', password '([^']+)'", out.getvalue()).group(1)

    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/meetings/meeting/")
    page.get_by_role("link", name="Piemonte system mission to VTM Michigan 2025").first.click()
    page.wait_for_url("**mission__id__exact=*")
    page.get_by_role("link", name="Tue 22 Apr 2025").click()
    page.wait_for_url("**day=2025-04-22*")

    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    text = page.locator("#result_list").inner_text()
    assert "Meeting with Rivian" in text
    assert "15:30–16:30 EDT" in text
    assert "Toyota" not in text
