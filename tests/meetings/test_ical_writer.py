"""The direct VEVENT writer (ical._write_event, used by the incremental feed build) writes the
bytes icalendar's own Event.to_ical() writes, for any text: accents, emoji, escapes, lines of
every length around the 75-octet fold."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from meetings import ical

ZONE = ZoneInfo("America/Detroit")
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
    max_size=200,
)


def _entry(title: str, description: str, location: str, status: str, url_tail: str):
    start = datetime(2025, 11, 2, 1, 30, tzinfo=ZONE)  # a repeated wall time: written in UTC
    return ical.EventData(
        pk=7,
        uid="meeting-7@" + ical.UID_DOMAIN,
        sequence=3,
        created=datetime(2025, 1, 1, tzinfo=UTC),
        updated=datetime(2025, 2, 1, 12, tzinfo=UTC),
        start=start,
        end=start + timedelta(hours=1),
        title=title,
        kind="b2b",
        status=status,
        description=description,
        location=location,
        geo=(42.33, -83.04) if location else None,
        partners=(title[:40], "Rivian: Jane Doe (VP, Rivian)"),
        attendees=("Mario Rossi", description[:30]),
        stamp=datetime(2025, 3, 1, tzinfo=UTC),
    )


@settings(max_examples=150, deadline=None)
@given(
    title=text,
    description=text,
    location=text,
    status=st.sampled_from(["confirmed", "tentative", "cancelled"]),
    url_tail=st.text(alphabet="abcdefghij-#0123456789", max_size=120),
)
def test_writer_matches_icalendar(title, description, location, status, url_tail):
    entry = _entry(title, description, location, status, url_tail)
    labels = ical.DescriptionLabels(meeting_with="Incontro con:", delegation="Delegazione:")
    start, end = entry.start.astimezone(ZONE), entry.end.astimezone(ZONE)
    url = "https://missions.example.org/d/abc" + url_tail if url_tail else None
    props = ical._event_properties(entry, start, end, "Incontro B2B — è", url, labels)
    expected = ical._event(entry, start, end, "Incontro B2B — è", url, labels).to_ical()
    assert ical._write_event(props) == expected


# The direct writer (ical._write_event_lines, what event_bytes uses): no value object per
# property, date-times written from the zone's form, `_fold` for icalendar's `_foldline`.

ZONES = [
    "America/Detroit",
    "Europe/Rome",
    "UTC",
    "Etc/UTC",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/St_Johns",
]
folded = st.text(
    alphabet=st.one_of(
        st.sampled_from("\\^;,:a"),
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"),
    ),
    max_size=400,
)


@settings(max_examples=400, deadline=None)
@given(line=folded)
def test_fold_matches_icalendar(line):
    from icalendar.parser.string import _foldline

    assert ical._fold(line) == _foldline(line)


@settings(max_examples=200, deadline=None)
@given(line=st.text(alphabet="\\^ab", min_size=60, max_size=300))
def test_fold_never_splits_an_escape_like_icalendar(line):
    from icalendar.parser.string import _foldline

    assert ical._fold(line) == _foldline(line)


@settings(max_examples=250, deadline=None)
@given(
    title=text,
    description=text,
    location=text,
    status=st.sampled_from(["confirmed", "tentative", "cancelled"]),
    url_tail=st.text(alphabet="abcdefghij-#0123456789/?=&", max_size=120),
    zone=st.sampled_from(ZONES),
    start=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2032, 12, 31), timezones=st.just(UTC)
    ),
    minutes=st.integers(min_value=0, max_value=60 * 30),
    geo=st.one_of(
        st.none(),
        st.tuples(
            st.floats(min_value=-90, max_value=90, allow_nan=False),
            st.floats(min_value=-180, max_value=180, allow_nan=False),
        ),
    ),
    sequence=st.integers(min_value=0, max_value=10_000),
    stamped=st.booleans(),
)
def test_direct_writer_matches_icalendar(
    title, description, location, status, url_tail, zone, start, minutes, geo, sequence, stamped
):
    zone = ZoneInfo(zone)
    entry = ical.EventData(
        pk=7,
        uid="meeting-7@" + ical.UID_DOMAIN + title[:10],
        sequence=sequence,
        created=start - timedelta(days=30, microseconds=17),
        updated=start - timedelta(days=2),
        start=start,
        end=start + timedelta(minutes=minutes),
        title=title,
        kind="b2b",
        status=status,
        description=description,
        location=location,
        geo=geo,
        partners=(title[:40], "Rivian: Jane Doe (VP, Rivian)"),
        attendees=("Mario Rossi", description[:30]),
        stamp=datetime(2025, 3, 1, 9, 15, 7, tzinfo=UTC) if stamped else None,
    )
    labels = ical.DescriptionLabels(meeting_with="Incontro con:", delegation="Delegazione:")
    local_start, local_end = entry.start.astimezone(zone), entry.end.astimezone(zone)
    url = "https://missions.example.org/d/abc" + url_tail if url_tail else None
    kind = "Incontro B2B — è"
    expected = ical._event(entry, local_start, local_end, kind, url, labels).to_ical()
    assert ical.event_bytes(entry, zone, url, labels, {"b2b": kind}) == expected


def test_direct_writer_on_the_fall_back_night():
    """A wall time that happens twice is written in UTC, the one after it in the zone."""
    zone = ZoneInfo("America/Detroit")
    labels = ical.DescriptionLabels(meeting_with="Meeting with:", delegation="Delegation:")
    for hour, minute in ((0, 59), (1, 0), (1, 30), (2, 0)):
        start = datetime(2025, 11, 2, hour, minute, tzinfo=zone)
        entry = _entry("Night", "", "", "confirmed", "")
        entry = ical.EventData(**{**entry.__dict__, "start": start, "end": start})
        local = start.astimezone(zone)
        expected = ical._event(entry, local, local, "B2B", None, labels).to_ical()
        written = ical.event_bytes(entry, zone, None, labels, {"b2b": "B2B"})
        assert written == expected
        assert (b"DTSTART:2025" in written) == ical.is_repeated_wall_time(local)
