"""The reader alone: encodings, delimiters, headers, Excel cells; and garbage of every kind
read without an exception (hypothesis)."""

import io
from datetime import date, datetime, time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from transfer.columns import MEETING_COLUMNS
from transfer.tabular import read_table


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_utf8_with_bom_and_semicolons():
    data = "\ufeffData;Inizio;Fine;Titolo\n24/03/2026;09:00;10:00;Città\n".encode()
    table = read_table(data, "a.csv", MEETING_COLUMNS)
    assert table.errors == []
    assert table.rows[0].number == 2
    assert table.rows[0].cells == {
        "date": "24/03/2026",
        "start": "09:00",
        "end": "10:00",
        "title": "Città",
    }
    assert table.notes == []


def test_windows_1252_is_detected_and_decoded():
    data = "Date,Start,End,Title\n2026-03-24,09:00,10:00,Città – “Lingotto” €\n"
    table = read_table(data.encode("cp1252"), "a.csv", MEETING_COLUMNS)
    assert table.rows[0].cells["title"] == "Città – “Lingotto” €"
    assert table.notes == ["Read as Windows-1252 (Excel's CSV): check the accents below."]


def test_headers_in_any_case_and_spacing_unknown_and_missing_reported_once():
    data = b"  DATE ,start,Fine,Strat,Titolo,titolo\n2026-03-24,09:00,10:00,x,a,b\n"
    table = read_table(data, "a.csv", MEETING_COLUMNS)
    messages = [(error.row, error.column, error.message) for error in table.errors]
    assert messages[0][:2] == (1, "Strat")
    assert messages[0][2].startswith("Unknown column “Strat” (column 4). The columns are: ID,")
    assert messages[1] == (1, "titolo", "This column appears twice.")
    assert len(messages) == 2  # "Start" is there (lower case), so nothing is missing


def test_excel_date_and_time_cells_and_text_cells_read_alike():
    data = xlsx(
        [
            ["Date", "Start", "End", "Title"],
            [date(2026, 3, 24), time(9, 30), time(10, 0), "Cells"],
            [datetime(2026, 3, 25, 0, 0), "09:30", 0.5, "Text"],
            [None, None, None, None],
            ["2026-03-26", "9.30", "10:00", 12.0],
        ]
    )
    table = read_table(data, "a.xlsx", MEETING_COLUMNS)
    assert table.errors == []
    assert [row.number for row in table.rows] == [2, 3, 5]  # blank row 4 skipped
    assert table.rows[0].cells == {
        "date": "2026-03-24",
        "start": "09:30",
        "end": "10:00",
        "title": "Cells",
    }
    assert table.rows[1].cells["date"] == "2026-03-25"
    assert table.rows[2].cells["title"] == "12"


def test_values_in_a_column_without_header_are_an_error():
    table = read_table(
        b"Date,Start,End,Title\n2026-03-24,09:00,10:00,T,extra\n", "a.csv", MEETING_COLUMNS
    )
    assert [(e.row, e.message) for e in table.errors] == [
        (2, "This row has values in a column without a header.")
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000), st.sampled_from(["a.csv", "a.xlsx", "a.txt"]))
def test_any_bytes_are_read_without_an_exception(data, name):
    table = read_table(data, name, MEETING_COLUMNS)
    assert table.rows or table.errors or not data.strip()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.text(max_size=30), max_size=8), max_size=6))
def test_any_csv_text_is_read_without_an_exception(rows):
    text = "\n".join(";".join(cells) for cells in rows)
    read_table(
        ("Date;Start;End;Title\n" + text).encode("utf-8", "replace"), "a.csv", MEETING_COLUMNS
    )


def test_an_old_xls_file_is_named_as_such():
    table = read_table(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "a.xls", MEETING_COLUMNS
    )
    assert [error.message for error in table.errors] == [
        "This is an old Excel file (.xls): save it as .xlsx or CSV."
    ]
