"""`make run PORT=...`: the links the app gives out point where it serves (issue 8, finding 4)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def dry_run(*args: str) -> list[str]:
    result = subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return [line for line in result.stdout.splitlines() if "manage.py" in line]


def test_make_run_on_another_port_sets_site_url_to_that_port():
    lines = dry_run("PORT=8101")
    assert [line for line in lines if "runserver" in line][0].endswith("runserver 127.0.0.1:8101")
    # migrate, load_demo (which prints the login address) and runserver all see it.
    assert len(lines) == 3
    assert all("SITE_URL=http://127.0.0.1:8101 " in line for line in lines)


def test_make_run_default_port_is_8000():
    assert all("SITE_URL=http://127.0.0.1:8000 " in line for line in dry_run())


def test_an_explicit_site_url_wins():
    lines = dry_run("PORT=8101", "SITE_URL=https://planner.example.org")
    assert all("SITE_URL=https://planner.example.org " in line for line in lines)
