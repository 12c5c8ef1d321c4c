"""One day at a time on a busy agenda: the day picker.

A fair of 1,000+ meetings is 300+ a day: the page stays fast and readable by showing one day
when any day has more than DAY_PAGE_LIMIT meetings (after the filters), with a picker of the
days (and their counts) and "All days" still one click away. Smaller missions see every day
as before. The printable programme (agenda_print) always has every day.

?day=YYYY-MM-DD shows that day, ?day=all every day; no or an unknown value: the default.
"""

from dataclasses import dataclass
from datetime import date

from django.http import QueryDict

from meetings.planning import AgendaDay

# About two screenfuls of rows on a laptop: above it a day is easier to work one at a time.
DAY_PAGE_LIMIT = 60
ALL = "all"


@dataclass
class DayChoice:
    day: date | None  # None: "All days"
    count: int
    current: bool
    query: str  # the page's filters with this day


def _query(params: QueryDict, value: str) -> str:
    query = params.copy()
    query["day"] = value
    return query.urlencode()


def _default_day(days: list[AgendaDay], today: date) -> AgendaDay:
    """Today while the mission runs, else the first day with meetings."""
    for day in days:
        if day.day == today and day.items:
            return day
    return next((day for day in days if day.items), days[0])


def day_picker(days: list[AgendaDay], params: QueryDict, today: date) -> dict:
    """The days to show and, on a busy agenda, the picker's choices (context for the page)."""
    busy = any(len(day.items) > DAY_PAGE_LIMIT for day in days)
    requested = params.get("day", "")
    chosen = next((day for day in days if day.day.isoformat() == requested), None)
    if chosen is None and (requested == ALL or not busy):
        return {"days": days, "day_choices": _choices(days, params, None) if busy else []}
    chosen = chosen or _default_day(days, today)
    return {"days": [chosen], "day_choices": _choices(days, params, chosen)}


def _choices(days: list[AgendaDay], params: QueryDict, chosen: AgendaDay | None) -> list:
    total = sum(len(day.items) for day in days)
    return [DayChoice(None, total, chosen is None, _query(params, ALL))] + [
        DayChoice(day.day, len(day.items), day is chosen, _query(params, day.day.isoformat()))
        for day in days
    ]
