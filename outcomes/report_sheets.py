"""The mission report as spreadsheet rows, for the funder's own spreadsheets.

`report_tables(report)` turns a `MissionReport` into named tables (list of rows, first row the
headers, in the active language); `report_xlsx` writes them as sheets with openpyxl and
`report_csv` writes the Meetings table alone. Numbers stay numbers and dates stay dates in the
workbook, so a funder's formulas work on them. Any text cell that a spreadsheet would read as a
formula (=, +, -, @, tab, carriage return first) gets a leading apostrophe: names and summaries
are typed by people, and a cell must never run as a formula on the funder's machine.
"""

import csv
import io
from datetime import date, time

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from config.spreadsheets import safe_text
from outcomes.report import MissionReport


def safe_cell(value):
    """The value as a cell: text that could start a formula is quoted, control characters
    dropped."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        # Control characters (a pasted vertical tab, an escape) are not allowed in the file.
        value = safe_text(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _names(items, name=lambda item: str(item)) -> str:
    return "; ".join(name(item) for item in items)


def _day_label(day: date) -> str:
    return formats.date_format(day, "D j M Y")


def summary_rows(report: MissionReport) -> list[list]:
    mission = report.mission
    tally = report.tally
    rows = [
        [_("Item"), _("Value")],
        [_("Mission"), mission.title],
        [_("Place"), ", ".join(filter(None, [mission.city, mission.region, mission.country]))],
        [_("First day"), mission.start_date],
        [_("Last day"), mission.end_date],
        [_("Time zone"), mission.timezone],
        [_("Organiser"), mission.organiser],
        [_("Funding programme"), mission.funding_programme],
        [_("Meetings planned"), tally.planned],
        [_("Meetings held"), tally.held],
        [_("Meetings not held"), tally.not_held],
        [_("Meetings without an outcome recorded"), tally.not_recorded],
        [_("Meetings cancelled in the planner"), tally.cancelled],
        [_("Organisations met"), len(report.organisations)],
        [_("Countries of the organisations met"), report.countries],
        [_("Delegates involved"), len(report.delegates)],
        [_("Delegation members"), report.delegation_size],
        [_("Notable outcomes"), len(report.notable)],
    ]
    for label, count in report.interest:
        rows.append([_("Held meetings with interest: %(level)s") % {"level": label}, count])
    rows += [
        [_("Follow-ups open"), report.follow_up_counts.get("open", 0)],
        [_("Follow-ups done"), report.follow_up_counts.get("done", 0)],
        [_("Follow-ups dropped"), report.follow_up_counts.get("dropped", 0)],
        [_("Follow-ups overdue"), len(report.overdue)],
        [],
        [_("Day"), _("Held"), _("Not held"), _("Not recorded"), _("Organisations met")],
    ]
    for row in report.by_day:
        rows.append(
            [
                row.day,
                row.tally.held,
                row.tally.not_held,
                row.tally.not_recorded,
                _names(row.organisations, lambda o: o.name),
            ]
        )
    return rows


def meeting_rows(report: MissionReport) -> list[list]:
    rows = [
        [
            _("Date"),
            _("Start"),
            _("End"),
            _("Kind"),
            _("Title"),
            _("Organisations"),
            _("Delegates"),
            _("Held"),
            _("Interest"),
            _("Notable"),
            _("Summary"),
            _("Next steps"),
        ]
    ]
    for row in report.meetings:
        outcome = row.outcome
        start, end = row.local_start, row.local_end
        rows.append(
            [
                start.date(),
                time(start.hour, start.minute),
                time(end.hour, end.minute),
                row.meeting.get_kind_display(),
                row.meeting.title,
                _names(row.organisations, lambda o: o.name),
                _names(row.delegates, lambda m: m.person.full_name),
                row.state_label,
                row.interest_label,
                _("yes") if outcome and outcome.notable else "",
                outcome.summary if outcome else "",
                outcome.next_steps if outcome else "",
            ]
        )
    return rows


def organisation_rows(report: MissionReport) -> list[list]:
    rows = [
        [
            _("Organisation"),
            _("Kind"),
            _("Sector"),
            _("Country"),
            _("City"),
            _("Meetings"),
            _("Days"),
        ]
    ]
    for row in report.organisations:
        org = row.organisation
        rows.append(
            [
                org.name,
                org.get_kind_display(),
                org.sector,
                org.country,
                org.city,
                row.meetings,
                _names(row.days, _day_label),
            ]
        )
    return rows


def follow_up_rows(report: MissionReport) -> list[list]:
    rows = [
        [
            _("Action"),
            _("Organisation"),
            _("Meeting"),
            _("Owner"),
            _("Due date"),
            _("Status"),
            _("Overdue"),
        ]
    ]
    overdue = {item.pk for item in report.overdue}
    for item in report.follow_ups:
        rows.append(
            [
                item.action,
                item.organisation.name if item.organisation else "",
                item.meeting.title if item.meeting else "",
                follow_up_owner(item),
                item.due_date,
                item.get_status_display(),
                _("yes") if item.pk in overdue else "",
            ]
        )
    return rows


def follow_up_owner(item) -> str:
    if item.owner_member_id:
        return item.owner_member.person.full_name
    if item.owner_user_id:
        return item.owner_user.get_full_name() or item.owner_user.get_username()
    return ""


def b2b_rows(report: MissionReport) -> list[list]:
    rows = [
        [
            _("Session"),
            _("Visiting participants"),
            _("Delegation participants"),
            pgettext("request counts", "Requested"),
            pgettext("request counts", "Accepted"),
            pgettext("request counts", "Declined"),
            _("Waiting"),
            _("Scheduled"),
            _("Held"),
            _("No-show"),
        ]
    ]
    for row in report.b2b:
        rows.append(
            [
                row.title,
                row.visitors,
                row.delegation,
                row.requested,
                row.accepted,
                row.declined,
                row.waiting,
                row.scheduled,
                row.held,
                row.no_show,
            ]
        )
    return rows


def report_tables(report: MissionReport) -> list[tuple[str, list[list]]]:
    tables = [
        (_("Summary"), summary_rows(report)),
        (_("Meetings"), meeting_rows(report)),
        (_("Organisations"), organisation_rows(report)),
        (_("Follow-ups"), follow_up_rows(report)),
    ]
    if report.b2b:
        tables.append((_("B2B matchmaking"), b2b_rows(report)))
    return tables


def report_xlsx(report: MissionReport) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for title, rows in report_tables(report):
        # Sheet titles: at most 31 characters, none of []:*?/\ (ours are fixed words).
        sheet = workbook.create_sheet(title[:31])
        widths: dict[int, int] = {}
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c, value=safe_cell(value))
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, time):
                    cell.number_format = "hh:mm"
                if isinstance(value, str) and len(value) > 60:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                widths[c] = max(widths.get(c, 0), min(len(str(value)), 60))
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for c, width in widths.items():
            sheet.column_dimensions[get_column_letter(c)].width = max(width + 2, 10)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_text(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def report_csv(report: MissionReport) -> str:
    """The Meetings table; a byte-order mark first so that Excel reads it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in meeting_rows(report):
        writer.writerow([safe_cell(_csv_text(value)) for value in row])
    return "\ufeff" + buffer.getvalue()
