"""Writes the sample spreadsheets of tests/transfer/files/ (run it again after a change):

    .venv/bin/python tests/transfer/make_files.py

The VTM Torino 2026 agenda (24-25 March 2026, Europe/Rome) for the demo's mission: its
delegation (Tronzano, Nigro, Mailander) and partners of the demo's directory, as a
coordinator receives it: real Excel date and time cells in most rows, text in others. Then
the same agenda as Excel's Italian CSV (Windows-1252, `;`), and the bad files.
"""

import csv
import io
from datetime import date, time
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent / "files"

# fmt: off
HEADERS = [
    "Date", "Start", "End", "Time zone", "Title", "Kind", "Status", "Venue", "Venue address",
    "Delegates", "Partner organisations", "Partner contacts", "Description", "Internal notes",
]
D24, D25 = date(2026, 3, 24), date(2026, 3, 25)
ALL = "andrea.tronzano@example.org; stefano.nigro@example.org; Monica Mailander"
SALA_GIALLA = "Lingotto Fiere, Sala Gialla"
B2B_AREA = "Lingotto Fiere, B2B area"
AGENDA = [
    [D24, time(9, 0), time(9, 45), "", "Welcome briefing of the delegation", "Briefing",
     "Confirmed", SALA_GIALLA, "Via Nizza 294, Torino", ALL, "", "",
     "Programme of the two days, who meets whom.", ""],
    # The demo's tentative meeting, now confirmed in a real hall: the import updates it.
    [D24, time(10, 0), time(12, 0), "", "Rivian delegation meets the Piedmont supply chain",
     "B2B meeting", "Confirmed", SALA_GIALLA, "", ALL, "Rivian", "Carlo Materazzo",
     "Follow-up of the exploratory dialogue opened in Pontiac in April 2025.", ""],
    [D24, time(12, 30), time(13, 15), "", "B2B: ANFIA suppliers meet Rivian purchasing",
     "B2B meeting", "Tentative", B2B_AREA, "Via Nizza 294, Torino", "Monica Mailander",
     "ANFIA; Rivian", "", "", "Ask ANFIA for the list of suppliers."],
    [D24, time(14, 30), time(16, 30), "", "Site visit: Politecnico di Torino, Energy Center",
     "Visita tecnica", "Confirmed", "Energy Center, Politecnico di Torino",
     "Via Paolo Borsellino 38/16, Torino", "andrea.tronzano@example.org; Stefano Nigro",
     "Politecnico di Torino", "Gianmario Pellegrino", "Labs on batteries and e-mobility.", ""],
    [D24, time(20, 0), time(23, 30), "", "Institutional dinner at Palazzo Madama",
     "Dinner / networking", "Confirmed", "Palazzo Madama", "Piazza Castello, Torino", ALL,
     "Regione Piemonte; Città di Torino", "Michela Favaro", "", "Seating plan by Ceipiemonte."],
    # Text cells, as pasted from an e-mail: day first, Italian kind and status.
    ["25/03/2026", "09.30", "10:15", "Europe/Rome", "B2B: Vehicle Valley start-ups",
     "Incontro B2B", "Confermato", B2B_AREA, "", "Monica Mailander", "Vehicle Valley", "", "",
     ""],
    [D25, time(11, 0), time(12, 30), "", "Round table on the Piedmont-Michigan corridor",
     "Presentation", "Confirmed", SALA_GIALLA, "", ALL,
     "Città di Torino; Unione Industriali di Torino", "", "", ""],
]

IT_HEADERS = [
    "Data", "Inizio", "Fine", "Fuso orario", "Titolo", "Tipo", "Stato", "Sede",
    "Indirizzo del luogo", "Delegati", "Organizzazioni partner", "Referenti dei partner",
    "Descrizione", "Note interne",
]
# fmt: on


def _text(value) -> str:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


def agenda_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Agenda"
    sheet.append(HEADERS)
    for row in AGENDA:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "dd/mm/yyyy"
            elif isinstance(cell.value, time):
                cell.number_format = "hh:mm"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(headers, rows, *, delimiter=",", encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_text(value) for value in row])
    return out.getvalue().encode(encoding)


def one_row(**changes) -> list:
    row = list(AGENDA[0])
    for header, value in changes.items():
        row[HEADERS.index(header)] = value
    return row


def main() -> None:
    HERE.mkdir(exist_ok=True)
    files = {
        "vtm-torino-2026-agenda.xlsx": agenda_xlsx(),
        # Excel on an Italian Windows: "CSV (delimitato da separatore di elenco)".
        "vtm-torino-2026-agenda-excel-it.csv": csv_bytes(
            IT_HEADERS, AGENDA, delimiter=";", encoding="cp1252"
        ),
        "corrupt.xlsx": agenda_xlsx()[:1500],
        "missing-column.csv": csv_bytes(
            [h for h in HEADERS if h != "Start"], [AGENDA[0][:1] + AGENDA[0][2:]]
        ),
        "bad-date.csv": csv_bytes(
            HEADERS, [one_row(Date="31/02/2026"), one_row(Date="tomorrow", Title="Second")]
        ),
        "end-before-start.csv": csv_bytes(HEADERS, [one_row(Start=time(14, 0), End=time(10, 0))]),
        "unknown-delegate.csv": csv_bytes(
            HEADERS, [one_row(Delegates="Monica Mailander; Mario Rossi")]
        ),
        "unknown-zone.csv": csv_bytes(HEADERS, [one_row(**{"Time zone": "Europe/Turin"})]),
    }
    for name, data in files.items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
