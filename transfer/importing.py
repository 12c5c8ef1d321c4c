"""What an import would do, row by row, and doing it: the plan shared by the three importers.

An importer (transfer/import_meetings.py, transfer/import_people.py) reads a `Table` into a
`Plan`: one `PlanRow` per row, "new", "updated", "unchanged" or "error", with each error at
its row and column and, for the rest, what would change. Planning reads the database in a
fixed number of queries (whatever the number of rows) and writes nothing. `plan_commit`
applies every row of a plan without errors in ONE transaction through the services (so
versions, history and every model rule apply), or nothing: the first row the services refuse
rolls everything back and raises `ImportRefused` naming it.
"""

import hashlib
import json
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from missions.concurrency import EditConflict
from missions.models import known_timezones
from transfer.columns import Column
from transfer.tabular import CellError, Table, label_of

NEW, UPDATED, UNCHANGED, ERROR = "new", "updated", "unchanged", "error"
RESULTS = (NEW, UPDATED, UNCHANGED, ERROR)


@dataclass
class PlanRow:
    number: int
    label: str = ""  # what the row is about: a meeting's title, a person's name
    result: str = UNCHANGED
    errors: list[CellError] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # clash warnings: never block
    apply: Callable[[], object] | None = None
    columns: tuple[Column, ...] = ()

    def error(self, key: str, message: str) -> None:
        self.errors.append(
            CellError(self.number, label_of(self.columns, key) if key else "", message)
        )
        self.result = ERROR

    def check_cells(self, cells: dict[str, str]) -> None:
        """NUL cannot be stored (PostgreSQL) and is never meant: an error at its cell."""
        for key, value in cells.items():
            if "\x00" in value:
                self.error(key, _("This cell holds a NUL character: retype it."))


@dataclass
class Plan:
    kind: str
    columns: tuple[Column, ...]
    rows: list[PlanRow] = field(default_factory=list)
    file_errors: list[CellError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[CellError]:
        return self.file_errors + [error for row in self.rows for error in row.errors]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.errors

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RESULTS, 0)
        for row in self.rows:
            counts[row.result] += 1
        return counts

    @property
    def to_write(self) -> int:
        counts = self.counts()
        return counts[NEW] + counts[UPDATED]

    def digest(self) -> str:
        """What the preview showed: a commit applies the plan only if it is the same."""
        payload = [(row.number, row.result, row.changes) for row in self.rows]
        return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


class ImportRefused(Exception):
    def __init__(self, row: PlanRow, messages: list[str]):
        self.row = row
        self.messages = messages
        super().__init__(f"row {row.number}: {' '.join(messages)}")


def plan_from_table(kind: str, columns: tuple[Column, ...], table: Table) -> Plan:
    return Plan(kind=kind, columns=columns, file_errors=list(table.errors), notes=list(table.notes))


@transaction.atomic
def plan_commit(plan: Plan) -> int:
    """Apply every new or updated row, all or nothing; returns how many rows were written."""
    if not plan.is_valid:
        raise ValueError("a plan with errors is never applied")
    written = 0
    for row in plan.rows:
        if row.result in (NEW, UPDATED) and row.apply is not None:
            try:
                row.apply()
            except EditConflict as error:
                raise ImportRefused(
                    row,
                    [_("Somebody else changed this since the preview: preview the file again.")],
                ) from error
            except ValidationError as error:
                raise ImportRefused(row, error.messages) from error
            written += 1
    return written


# --- Reading cells ----------------------------------------------------------------------------


class CellValueError(ValueError):
    pass


_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$")


def parse_date(text: str) -> date:
    """2026-03-24 (ISO, what .xlsx date cells become) or 24/03/2026, 24.03.2026 (day first,
    as Italy writes it)."""
    text = text.strip()
    if " " in text or "T" in text:
        day_text, _sep, clock = re.split(r"([ T])", text, maxsplit=1)
        if clock.strip() not in ("00:00", "00:00:00"):
            raise CellValueError(_("“%(value)s” is not a date.") % {"value": text})
        text = day_text
    if match := _ISO_DAY.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST.match(text):
        day, month, year = (int(part) for part in match.groups())
        if year < 100:
            year += 2000
    else:
        raise CellValueError(
            _("“%(value)s” is not a date: write it as 2026-03-24 or 24/03/2026.") % {"value": text}
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise CellValueError(
            _("“%(value)s” is not a date of the calendar.") % {"value": text}
        ) from None


def parse_time(text: str) -> time:
    """09:30, 9.30, 09:30:00; an .xlsx time cell that became 1899-12-30 09:30."""
    text = text.strip()
    if re.match(r"^1899-12-(30|31) ", text) or re.match(r"^1900-01-0[01] ", text):
        text = text.split(" ", 1)[1]
    match = _CLOCK.match(text)
    if not match:
        raise CellValueError(_("“%(value)s” is not a time: write it as 09:30.") % {"value": text})
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise CellValueError(_("“%(value)s” is not a time of the day.") % {"value": text})
    return time(hour, minute, second)


def parse_datetime(text: str) -> datetime:
    """A date and a time in one cell: 2026-03-23 18:00, 23/03/2026 18:00."""
    parts = text.strip().replace("T", " ").split()
    if len(parts) == 1:
        return datetime.combine(parse_date(parts[0]), time(0, 0))
    if len(parts) != 2:
        raise CellValueError(
            _("“%(value)s” is not a date and time: write it as 2026-03-23 18:00.") % {"value": text}
        )
    return datetime.combine(parse_date(parts[0]), parse_time(parts[1]))


def parse_zone(text: str, default: zoneinfo.ZoneInfo) -> zoneinfo.ZoneInfo:
    text = text.strip()
    if not text:
        return default
    if text not in known_timezones():
        raise CellValueError(
            _("“%(value)s” is not a known IANA time zone; use a name like Europe/Rome.")
            % {"value": text}
        )
    return zoneinfo.ZoneInfo(text)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def parse_choice(text: str, choices, what: str) -> str:
    """A choice by its code or its label in English or Italian, any case."""
    wanted = _norm(text)
    for value, label in choices.choices:
        spellings = {_norm(value)}
        for language in ("en", "it"):
            with translation.override(language):
                spellings.add(_norm(str(label)))
        if wanted in spellings:
            return value
    raise CellValueError(
        _("“%(value)s” is not a %(what)s; choose one of: %(choices)s.")
        % {
            "value": text,
            "what": what,
            "choices": ", ".join(str(label) for label in choices.labels),
        }
    )


def split_list(text: str) -> list[str]:
    """Names or e-mails separated by ; (or line breaks, as Excel users also do)."""
    return [item.strip() for item in re.split(r"[;\n]", text) if item.strip()]


def norm_key(text: str) -> str:
    return _norm(text)


def searchable(keys: set) -> set:
    """Keys worth a lookup: PostgreSQL refuses a NUL even in a query (the row is an error
    anyway, see PlanRow.check_cells)."""
    return {key for key in keys if key and "\x00" not in "".join(key)}


def error_messages_by_field(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {name: ValidationError(errors).messages for name, errors in error.error_dict.items()}
    return {"": error.messages}


def describe(label: str, old, new) -> str:
    old_text = "—" if old in (None, "") else str(old)
    new_text = "—" if new in (None, "") else str(new)
    return f"{label}: {old_text} → {new_text}"


def local_text(value: datetime | None, zone: zoneinfo.ZoneInfo) -> str:
    if value is None:
        return ""
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def next_day_end(start: datetime, end_clock: time) -> tuple[datetime, bool]:
    """The end on the start's day; an end time earlier than the start is read as after
    midnight (a dinner 20:00-00:30) when that makes at most 12 hours, else it stays before
    the start and is refused as such."""
    end = datetime.combine(start.date(), end_clock)
    if end <= start and end + timedelta(days=1) - start <= timedelta(hours=12):
        return end + timedelta(days=1), True
    return end, False
