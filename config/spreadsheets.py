"""Cells that a spreadsheet shows as text instead of running them (CSV / formula injection),
for every file we write: the exports (transfer/exports.py) and the mission report
(outcomes/report_sheets.py). The importer undoes the quote (transfer.tabular.unquote)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value
