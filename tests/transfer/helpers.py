"""Uploading .ics files to the import page and pressing "Import", as a coordinator does."""

import textwrap
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

FILES = Path(__file__).parent / "files"


def fixture_file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FILES / name).read_bytes(), content_type="text/calendar")


def ics(text: str, name: str = "invite.ics") -> SimpleUploadedFile:
    """An .ics file from indented text (CRLF line ends, as calendars send them)."""
    body = "\r\n".join(textwrap.dedent(text).strip().splitlines()) + "\r\n"
    return SimpleUploadedFile(name, body.encode(), content_type="text/calendar")


def event(start: str, end: str, *, uid: str = "test-1@example.org", extra: str = "") -> str:
    """A calendar with one VEVENT; `start`/`end` are whole property lines' values."""
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Test//EN\nMETHOD:REQUEST\nBEGIN:VEVENT\n"
        f"UID:{uid}\nDTSTAMP:20250101T000000Z\nDTSTART{start}\nDTEND{end}\n"
        f"SUMMARY:Test invitation\n{extra}END:VEVENT\nEND:VCALENDAR"
    )


def import_url(mission) -> str:
    return reverse("transfer:ics_import", args=[mission.slug])


def preview(client, mission, *files):
    """POST the files: the preview page (nothing written)."""
    return client.post(import_url(mission), {"files": list(files)})


def confirm(client, mission, page, kind: str = "b2b"):
    """Press "Import" on a preview page."""
    initial = page.context["confirm"].initial
    return client.post(
        import_url(mission),
        {
            "payload": initial["payload"],
            "signature": initial["signature"],
            "kind": kind,
            "confirm": "1",
        },
    )


def import_files(client, mission, *files, kind: str = "b2b"):
    page = preview(client, mission, *files)
    assert page.status_code == 200
    assert page.context["confirm"] is not None, page.content.decode()[:3000]
    return confirm(client, mission, page, kind=kind)
