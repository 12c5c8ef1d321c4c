"""Spreadsheets in: a CSV or .xlsx file read into rows of {column key: text}.

Pure (no database). What a coordinator's Excel writes is accepted as it is: CSV in UTF-8
with or without BOM, or in Windows-1252 (Excel's "CSV" on an Italian or English Windows),
with `,` or `;` between cells (Excel in Italy writes `;`); .xlsx with real date and time
cells or text cells. Headers are matched in English or Italian, case, spaces and dashes
ignored. Every problem of the file itself (not a spreadsheet, unknown or missing columns)
is a `CellError` at row 1 (the headers) or row 0 (the whole file); rows are numbered as
Excel shows them, the headers being row 1.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import translation
from django.utils.translation import gettext as _

from transfer.columns import Column

# 5 MB of spreadsheet is thousands of meetings; bigger is a mistake (or worse), refused
# before it is read (transfer.views checks the request's length and the upload's size).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
# An .xlsx is a zip: refuse one whose content would unpack to more than this (a zip bomb).
MAX_XLSX_UNPACKED = 60 * 1024 * 1024
# Cells of a row beyond this many columns are never read (a sheet may claim 16384).
MAX_COLUMNS = 60
# The same width for CSV: a line of a million `;` is not a spreadsheet.
MAX_CELL_CHARS = 10_000


@dataclass(frozen=True)
class CellError:
    row: int  # as the user sees it in Excel: 1 = headers, 0 = the whole file
    column: str  # the column's label in the user's language ("" = the whole row)
    message: str


@dataclass
class Row:
    number: int
    cells: dict[str, str]


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    present: set[str] = field(default_factory=set)  # the keys of the columns in the file
    notes: list[str] = field(default_factory=list)  # e.g. "read as Windows-1252"


def normalise_header(text: str) -> str:
    return re.sub(r"[\s\-_.*]+", "", str(text)).casefold()


def header_aliases(columns: tuple[Column, ...]) -> dict[str, str]:
    """Every accepted spelling of every header -> the column's key."""
    aliases = {}
    for column in columns:
        aliases[normalise_header(column.key)] = column.key
        for language in ("en", "it"):
            with translation.override(language):
                aliases[normalise_header(str(column.label))] = column.key
    return aliases


def label_of(columns: tuple[Column, ...], key: str) -> str:
    for column in columns:
        if column.key == key:
            return str(column.label)
    return key


def unquote(text: str) -> str:
    """Undo the exports' guard against formulas (transfer/exports.py writes "'+39 011 ..."
    for a cell that a spreadsheet would otherwise run), so that an export imports back."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def cell_text(value) -> str:
    """A cell as text: dates as ISO 8601, times as HH:MM, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M" if not value.second else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M" if not value.second else "%H:%M:%S")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


def decode_csv(data: bytes) -> tuple[str | None, str]:
    """(text, encoding name) or (None, "") when it is no text we can read."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            return None, ""
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # Excel's "CSV" on Windows: every byte but five is a character in Windows-1252.
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return None, ""


def sniff_delimiter(text: str) -> str:
    """`;` (Excel in Italy), `,` or a tab: whichever the header line holds most of."""
    first = text.split("\n", 1)[0]
    counts = {delimiter: first.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_records(data: bytes, table: Table) -> list[list[str]] | None:
    text, encoding = decode_csv(data)
    if text is None:
        table.errors.append(
            CellError(0, "", _("This file is not text we can read: save it as CSV UTF-8."))
        )
        return None
    if "\x00" in text:
        table.errors.append(
            CellError(
                0,
                "",
                _("This file holds NUL characters, so it is no CSV: save it as CSV or .xlsx."),
            )
        )
        return None
    if encoding == "Windows-1252":
        table.notes.append(_("Read as Windows-1252 (Excel's CSV): check the accents below."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    records = []
    try:
        for record in reader:
            if len(records) > MAX_ROWS + 1:
                break
            records.append(
                [unquote(cell[:MAX_CELL_CHARS].strip()) for cell in record[:MAX_COLUMNS]]
            )
    except csv.Error as error:
        table.errors.append(
            CellError(
                reader.line_num, "", _("This line cannot be read: %(error)s") % {"error": error}
            )
        )
        return None
    return records


def _xlsx_records(data: bytes, table: Table) -> list[list[str]] | None:
    unreadable = _("This is not a readable .xlsx workbook: open it in Excel and save it again.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED:
                table.errors.append(CellError(0, "", _("This workbook is too large to read.")))
                return None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        table.errors.append(CellError(0, "", unreadable))
        return None
    # openpyxl raises whatever its parsers meet in a damaged file (KeyError, lxml or
    # zip errors, ValueError, TypeError...): every one of them means "cannot read it".
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            records = []
            for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                if len(records) > MAX_ROWS + 1:
                    break
                records.append([unquote(cell_text(value)[:MAX_CELL_CHARS]) for value in values])
        finally:
            workbook.close()
    except Exception:  # noqa: BLE001 - see above
        table.errors.append(CellError(0, "", unreadable))
        return None
    return records


def is_xlsx(data: bytes, filename: str) -> bool:
    return data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm"))


def read_table(data: bytes, filename: str, columns: tuple[Column, ...]) -> Table:
    """The rows of the first sheet (or the CSV) under known headers; problems in `errors`."""
    table = Table()
    if not data.strip():
        table.errors.append(CellError(0, "", _("The file is empty.")))
        return table
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        table.errors.append(
            CellError(0, "", _("This is an old Excel file (.xls): save it as .xlsx or CSV."))
        )
        return table
    records = _xlsx_records(data, table) if is_xlsx(data, filename) else _csv_records(data, table)
    if records is None:
        return table
    # Rows are numbered as in Excel even when blank ones are skipped.
    numbered = [(n, record) for n, record in enumerate(records, start=1) if any(record)]
    if not numbered:
        table.errors.append(CellError(0, "", _("The file has no rows.")))
        return table
    header_number, headers = numbered[0]
    aliases = header_aliases(columns)
    keys: list[str | None] = []
    for position, header in enumerate(headers, start=1):
        if not header:
            keys.append(None)
            continue
        key = aliases.get(normalise_header(header))
        if key is None:
            table.errors.append(
                CellError(
                    header_number,
                    header,
                    _(
                        "Unknown column “%(header)s” (column %(position)d). The columns are: "
                        "%(known)s."
                    )
                    % {
                        "header": header,
                        "position": position,
                        "known": ", ".join(str(column.label) for column in columns),
                    },
                )
            )
        elif key in table.present:
            table.errors.append(CellError(header_number, header, _("This column appears twice.")))
            key = None
        else:
            table.present.add(key)
        keys.append(key)
    for column in columns:
        if column.required and column.key not in table.present:
            table.errors.append(
                CellError(
                    header_number,
                    str(column.label),
                    _("The column “%(label)s” is missing: it is required.")
                    % {"label": column.label},
                )
            )
    data_rows = numbered[1:]
    if len(data_rows) > MAX_ROWS:
        table.errors.append(
            CellError(
                0, "", _("At most %(max)d rows at a time: split the file.") % {"max": MAX_ROWS}
            )
        )
        return table
    for number, record in data_rows:
        cells = {}
        extra = False
        for position, value in enumerate(record):
            key = keys[position] if position < len(keys) else None
            if key is not None:
                cells[key] = value
            elif value and (position >= len(keys) or not headers[position]):
                extra = True
        if extra:
            table.errors.append(
                CellError(number, "", _("This row has values in a column without a header."))
            )
        table.rows.append(Row(number, cells))
    return table
