"""A mission's agenda, delegation and partners as CSV and Excel files.

The columns are transfer/columns.py's, in that order, headed in the reader's language, so an
exported file can be edited and imported back (the agenda's ID column holds the meeting's
UID). Times are the mission's wall-clock times, and every row names the zone in its "Time
zone" column; the Excel file also says it on an "About" sheet and in its print header.
Cancelled meetings are left out: a file is a plan to work on, and the importer knows only
confirmed and tentative meetings.

CSV is UTF-8 with a BOM (Excel opens accents right only then). A text cell that a
spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return) is
written with a leading apostrophe, in both formats.
"""

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from config.spreadsheets import safe_text
from delegations.models import DelegationMember, Organisation, Person
from meetings.models import Meeting
from missions.models import Mission
from releases.services import ProgrammeLabel
from transfer.columns import (
    DELEGATE_COLUMNS,
    LIST_SEPARATOR,
    MEETING_COLUMNS,
    PARTNER_COLUMNS,
    Column,
)

JOIN = f"{LIST_SEPARATOR} "


def _person_key(person: Person) -> str:
    # E-mail identifies a person on import; a name only when there is none.
    return person.email or person.full_name


def _local(mission: Mission, value: datetime | None) -> datetime | None:
    return value.astimezone(mission.tz).replace(tzinfo=None) if value else None


def agenda_rows(mission: Mission) -> list[list]:
    """One row per meeting (cancelled left out), in five queries."""
    meetings = (
        Meeting.objects.filter(mission=mission)
        .active()
        .with_details()
        .order_by("start", "end", "title")
    )
    rows = []
    for meeting in meetings:
        start, end = _local(mission, meeting.start), _local(mission, meeting.end)
        venue = meeting.venue
        rows.append(
            [
                meeting.uid,
                start.date(),
                start.time(),
                end.time(),
                mission.timezone,
                meeting.title,
                meeting.get_kind_display(),
                meeting.get_status_display(),
                venue.name if venue else "",
                venue.address if venue else "",
                JOIN.join(_person_key(member.person) for member in meeting.attendees.all()),
                JOIN.join(org.name for org in meeting.partner_organisations.all()),
                JOIN.join(_person_key(person) for person in meeting.partner_contacts.all()),
                meeting.description,
                meeting.internal_notes,
            ]
        )
    return rows


def roster_rows(mission: Mission) -> list[list]:
    """One row per member of the delegation, in one query."""
    members = (
        DelegationMember.objects.filter(mission=mission)
        .with_people()
        .order_by("person__last_name", "person__first_name", "pk")
    )
    rows = []
    for member in members:
        person = member.person
        rows.append(
            [
                person.first_name,
                person.last_name,
                person.email,
                person.phone,
                person.organisation.name if person.organisation_id else "",
                person.position,
                member.get_role_display(),
                person.preferred_language,
                _local(mission, member.arrival),
                _local(mission, member.departure),
                mission.timezone,
                member.notes,
            ]
        )
    return rows


def partner_rows(mission: Mission) -> list[list]:
    """The organisations and contacts the mission meets: a row per contact, and a row per
    organisation met without any of its contacts; two queries."""
    contacts = list(
        Person.objects.filter(meetings_as_partner__mission=mission)
        .distinct()
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )
    organisations = list(
        Organisation.objects.filter(
            Q(meetings__mission=mission) | Q(people__meetings_as_partner__mission=mission)
        )
        .distinct()
        .order_by("name")
    )
    by_organisation: dict[int | None, list[Person]] = {}
    for person in contacts:
        by_organisation.setdefault(person.organisation_id, []).append(person)
    rows = []
    for organisation in organisations:
        columns = [
            organisation.name,
            organisation.short_name,
            organisation.get_kind_display(),
            organisation.sector,
            organisation.country,
            organisation.city,
            organisation.website,
        ]
        people = by_organisation.get(organisation.pk) or [None]
        rows.extend(columns + _contact_columns(person) for person in people)
    rows.extend([""] * 7 + _contact_columns(person) for person in by_organisation.get(None, []))
    return rows


def _contact_columns(person: Person | None) -> list:
    if person is None:
        return [""] * 5
    return [person.first_name, person.last_name, person.email, person.phone, person.position]


@dataclass(frozen=True)
class Export:
    name: str  # in the file name: vtm-michigan-2025-agenda.xlsx
    title: str  # lazy: the sheet's name
    columns: Sequence[Column]
    rows: Callable[[Mission], list[list]]


EXPORTS = {
    "agenda": Export("agenda", gettext_lazy("Agenda"), MEETING_COLUMNS, agenda_rows),
    "roster": Export("roster", gettext_lazy("Delegation"), DELEGATE_COLUMNS, roster_rows),
    "partners": Export("partners", gettext_lazy("Partners"), PARTNER_COLUMNS, partner_rows),
}
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def filename(mission: Mission, export: Export, fmt: str, suffix: str = "") -> str:
    """`vtm-michigan-2025-agenda-v2.xlsx`: the version it shows in the name too."""
    return f"{mission.slug}-{export.name}{'-' + suffix if suffix else ''}.{fmt}"


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return safe_text(str(value))


def to_csv(columns: Sequence[Column], rows: Iterable[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(column.label) for column in columns])
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return out.getvalue().encode("utf-8-sig")


NUMBER_FORMATS = {datetime: "yyyy-mm-dd hh:mm", date: "yyyy-mm-dd", time: "hh:mm"}


def _dates(mission: Mission) -> str:
    first, last = mission.start_date, mission.end_date
    return "–".join(formats.date_format(day, "DATE_FORMAT") for day in dict.fromkeys((first, last)))


def to_xlsx(mission: Mission, export: Export, rows: list[list], programme: str = "") -> bytes:
    """The data on the first sheet (header in row 1, bold and frozen; real date and time
    cells), then an "About" sheet naming the mission, its dates and its zone."""
    zone_note = _("Times in %(zone)s") % {"zone": mission.timezone}
    book = Workbook()
    sheet = book.active
    sheet.title = str(export.title)[:31]
    sheet.append([str(column.label) for column in export.columns])
    widths = [len(str(column.label)) for column in export.columns]
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            if isinstance(value, str):
                value = safe_text(value)
                widths[index] = max(widths[index], max(map(len, value.splitlines() or [""])))
            elif value is not None:
                widths[index] = max(widths[index], 16 if isinstance(value, datetime) else 10)
            cells.append(value)
        sheet.append(cells)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            for kind, number_format in NUMBER_FORMATS.items():
                if isinstance(cell.value, kind):
                    cell.number_format = number_format
                    break
            if isinstance(cell.value, str):
                # Text, never a formula, whatever it starts with.
                cell.data_type = "s"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 6) + 2, 60)
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    heading = " · ".join(
        part for part in (mission.title, _dates(mission), zone_note, programme) if part
    )
    sheet.oddHeader.center.text = heading
    about = book.create_sheet(_("About"))
    now = timezone.now().astimezone(mission.tz).replace(tzinfo=None)
    for label, value in (
        (_("Mission"), mission.title),
        (_("Dates"), _dates(mission)),
        (_("Time zone"), zone_note),
        (_("Home time zone"), mission.home_timezone),
        (_("Exported"), now.replace(second=0, microsecond=0)),
        (_("Rows"), len(rows)),
        (_("Programme"), programme),
    ):
        about.append([label, safe_text(value) if isinstance(value, str) else value])
    about["B5"].number_format = NUMBER_FORMATS[datetime]
    for cell in about["A"]:
        cell.font = Font(bold=True)
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_file(
    mission: Mission, what: str, fmt: str, *, label: ProgrammeLabel | None = None
) -> tuple[bytes, str, str]:
    """(content, content type, file name) of one export; `label` says which programme it
    shows (the version and what is pending), in the file name and the workbook."""
    export = EXPORTS[what]
    rows = export.rows(mission)
    text = label.text if label else ""
    content = to_csv(export.columns, rows) if fmt == "csv" else to_xlsx(mission, export, rows, text)
    return content, FORMATS[fmt], filename(mission, export, fmt, label.suffix if label else "")
