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
