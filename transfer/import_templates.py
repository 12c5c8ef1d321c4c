"""Blank files to fill in: the columns of an import (transfer.columns) as CSV or .xlsx,
headers in the reader's language, one example row, and for .xlsx an instructions sheet."""

import csv
import io
from datetime import date, datetime, time

from django.utils.translation import gettext as _

from transfer.columns import (
    DELEGATE_COLUMNS,
    MEETING_COLUMNS,
    PARTICIPANT_COLUMNS,
    PARTNER_COLUMNS,
    Column,
)

COLUMNS = {"meetings": MEETING_COLUMNS, "delegates": DELEGATE_COLUMNS, "partners": PARTNER_COLUMNS}
# Templates only: participants import into a session (transfer/participant_views.py).
TEMPLATE_COLUMNS = {**COLUMNS, "participants": PARTICIPANT_COLUMNS}


def example_row(kind: str, first_day: date | None) -> dict:
    day = first_day or date(2026, 3, 24)
    if kind == "meetings":
        return {
            "date": day,
            "start": time(9, 30),
            "end": time(10, 30),
            "title": _("B2B meeting with Rivian"),
            "kind": _("B2B meeting"),
            "status": _("Confirmed"),
            "venue": _("Fair centre, hall 1"),
            "delegates": "andrea.tronzano@example.org; Stefano Nigro",
            "partner_organisations": "Rivian",
            "description": _("Supply-chain opportunities in Piedmont."),
        }
    if kind == "participants":
        return {
            "first_name": "Kenji",
            "last_name": "Sato",
            "email": "kenji.sato@example.org",
            "organisation": "Denso Europe",
            "sector": _("Electronics"),
            "country": _("Japan"),
            "side": _("Visiting company"),
            "offers": _("Thermal systems for EV platforms"),
            "looks_for": _("Die-casting suppliers in Piedmont"),
        }
    if kind == "delegates":
        return {
            "first_name": "Andrea",
            "last_name": "Tronzano",
            "email": "andrea.tronzano@example.org",
            "organisation": "Regione Piemonte",
            "position": _("Regional councillor"),
            "role": _("Head of delegation"),
            "language": "it",
            "arrival": datetime.combine(day, time(8, 0)),
        }
    return {
        "organisation": "Rivian",
        "kind": _("Company / OEM"),
        "sector": _("Electric vehicles"),
        "country": _("United States"),
        "city": "Irvine",
        "website": "https://rivian.com",
        "contact_first_name": "Carlo",
        "contact_last_name": "Materazzo",
        "contact_email": "carlo.materazzo@example.org",
        "contact_position": _("Vice President Manufacturing"),
    }


def _text(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def template_csv(kind: str, first_day: date | None = None) -> bytes:
    columns: tuple[Column, ...] = TEMPLATE_COLUMNS[kind]
    example = example_row(kind, first_day)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(column.label) for column in columns])
    writer.writerow([_text(example.get(column.key, "")) for column in columns])
    # With a BOM, so that Excel opens the accents right.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(kind: str, first_day: date | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    columns: tuple[Column, ...] = TEMPLATE_COLUMNS[kind]
    example = example_row(kind, first_day)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Rows")[:31]
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for position, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=position, value=str(column.label))
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        value = example.get(column.key, "")
        target = sheet.cell(row=2, column=position, value=value if value != "" else None)
        if isinstance(value, datetime):
            target.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, time):
            target.number_format = "hh:mm"
        elif isinstance(value, date):
            target.number_format = "yyyy-mm-dd"
        width = max(len(str(column.label)), len(_text(value))) + 2
        sheet.column_dimensions[cell.column_letter].width = min(max(width, 10), 45)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(_("Instructions")[:31])
    notes.append([_("Column"), _("Required"), _("What to write")])
    for cell in notes[1]:
        cell.font = bold
    for column in columns:
        notes.append([str(column.label), _("yes") if column.required else "", str(column.help)])
    notes.append([])
    for line in (
        _("One row per item; the first row holds the column headers (English or Italian)."),
        _("Dates as 2026-03-24 or 24/03/2026, times as 09:30, in the mission's time zone."),
        _("An empty cell leaves what is already stored as it is."),
        _("Importing the same file again changes nothing."),
        _("The example row is only an example: replace it."),
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 60
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
