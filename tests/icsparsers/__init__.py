"""Read our calendars back with three independent parsers and compare what each understood.

- icalendar (the library that writes them): no missing VTIMEZONE, no component errors;
- vobject, with validation (`readOne(..., validate=True)`);
- Mozilla's ical.js, the parser of Thunderbird, run with the machine's Node.js.

A missing parser fails the test run: a calendar that was not read was not checked.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import vobject

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("icaljs_parse.mjs")
PARSERS = ("icalendar", "vobject", "ical.js")


@dataclass(frozen=True, order=True)
class ParsedEvent:
    uid: str
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    sequence: int
    status: str


def _utc(value: datetime) -> datetime:
    assert isinstance(value, datetime) and value.tzinfo is not None, f"not an instant: {value!r}"
    return value.astimezone(UTC)


def read_icalendar(data: bytes) -> list[ParsedEvent]:
    cal = icalendar.Calendar.from_ical(data)
    assert cal.get_missing_tzids() == set(), cal.get_missing_tzids()
    for component in cal.walk():
        assert component.errors == [], (component.name, component.errors)
    return sorted(
        ParsedEvent(
            uid=str(event["UID"]),
            start=_utc(event.start),
            end=_utc(event.end),
            sequence=int(event.get("SEQUENCE", 0)),
            status=str(event.get("STATUS", "")),
        )
        for event in cal.walk("VEVENT")
    )


def _forget_vobject_timezones() -> None:
    """vobject keeps the first VTIMEZONE it ever saw for a TZID, process-wide; forget them
    so that each calendar is read with its own VTIMEZONE, as a client reading it would."""
    registry = vars(vobject.icalendar)["__tzidMap"]
    utc = registry.get("UTC")
    registry.clear()
    if utc is not None:
        registry["UTC"] = utc


def read_vobject(data: bytes) -> list[ParsedEvent]:
    _forget_vobject_timezones()
    cal = vobject.readOne(data.decode("utf-8"), validate=True)
    events = getattr(cal, "vevent_list", [])
    return sorted(
        ParsedEvent(
            uid=event.uid.value,
            start=_utc(event.dtstart.value),
            end=_utc(event.dtend.value),
            sequence=int(event.sequence.value) if hasattr(event, "sequence") else 0,
            status=event.status.value if hasattr(event, "status") else "",
        )
        for event in events
    )


def node_binary() -> str:
    node = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").exists() else None)
    if node is None:
        raise RuntimeError("Node.js is required to read calendars with ical.js (Thunderbird)")
    if not (ROOT / "node_modules" / "ical.js").is_dir():
        raise RuntimeError("ical.js is missing: run `make test` or `npm install` first")
    return node


def read_icaljs_raw(data: bytes) -> dict:
    result = subprocess.run(
        [node_binary(), str(SCRIPT)],
        input=data,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"ical.js could not read the calendar:\n{result.stderr.decode()}")
    return json.loads(result.stdout)


def read_icaljs(data: bytes) -> list[ParsedEvent]:
    parsed = read_icaljs_raw(data)
    return sorted(
        ParsedEvent(
            uid=event["uid"],
            start=datetime.fromisoformat(event["start"]),
            end=datetime.fromisoformat(event["end"]),
            sequence=event["sequence"] or 0,
            status=event["status"] or "",
        )
        for event in parsed["events"]
    )


def read_all(data: bytes) -> dict[str, list[ParsedEvent]]:
    """What each parser read, by parser name."""
    return {
        "icalendar": read_icalendar(data),
        "vobject": read_vobject(data),
        "ical.js": read_icaljs(data),
    }


def assert_all_parsers_read(data: bytes, meetings) -> dict[str, list[ParsedEvent]]:
    """Every parser reads every meeting at the database's exact instants (UTC)."""
    expected = sorted(
        ParsedEvent(
            uid=meeting.uid,
            start=meeting.start.astimezone(UTC),
            end=meeting.end.astimezone(UTC),
            sequence=meeting.sequence,
            status=meeting.status.upper(),
        )
        for meeting in meetings
    )
    results = read_all(data)
    for parser, events in results.items():
        assert events == expected, parser
    return results
