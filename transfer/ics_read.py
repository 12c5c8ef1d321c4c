""".ics files read into `Invitation`s: one per VEVENT, times as aware UTC instants, or the
reasons they cannot be (no database; transfer/ics_import.py plans and writes them).

Every time becomes an aware UTC instant: `...Z` as it is; a TZID that is a Windows name as
Outlook writes it ("Eastern Standard Time"), an IANA name, or a vendor-prefixed IANA name
(/freeassociation.sourceforge.net/Europe/Berlin) through the IANA zone; any other TZID through
the calendar's own VTIMEZONE rules; floating times in the mission's zone. A local time the
clocks skip is read with the offset before the jump and a repeated one as its first
occurrence (RFC 5545, 3.3.5), with a note for the preview. All-day and repeating events are
refused with a message (a meeting has a start and an end time; a series would need every
occurrence). A file that cannot be read at all raises `InvitationFileError`.
"""

import warnings
import zoneinfo
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache

import icalendar
from django.utils import formats
from django.utils.translation import gettext as _
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from missions.models import Mission

# Invitations are a few kilobytes; a bigger file is not an invitation (or carries
# attachments we would not keep anyway).
MAX_FILE_BYTES = 5 * 1024 * 1024
# More events than a mission could hold on a page; the preview would be unreadable.
MAX_EVENTS = 300
# Longer is a pasted document, not a meeting's description (and the preview carries it).
MAX_DESCRIPTION = 20_000


class InvitationFileError(Exception):
    """A file that cannot be read as a calendar: the message says why, for the user."""


@dataclass
class Invitation:
    """One VEVENT as read from a file, with its times in UTC (or the reasons it cannot be)."""

    filename: str
    uid: str = ""
    sequence: int = 0
    stamp: datetime | None = None
    cancelled: bool = False
    tentative: bool = False
    title: str = ""
    description: str = ""
    location: str = ""
    start: datetime | None = None
    end: datetime | None = None
    zone: str = ""  # how the times were read: an IANA name, "UTC", a VTIMEZONE's TZID
    # [display text ("Name <e-mail>"), lower-case e-mail or ""]: the organiser first.
    people: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        data = asdict(self)
        for name in ("stamp", "start", "end"):
            data[name] = data[name].isoformat() if data[name] else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Invitation":
        data = dict(data)
        for name in ("stamp", "start", "end"):
            data[name] = datetime.fromisoformat(data[name]) if data[name] else None
        return cls(**data)


# --- Reading files -----------------------------------------------------------------------------


def _text(value) -> str:
    # NUL cannot be stored by PostgreSQL; an invitation has no use for it.
    return str(value if value is not None else "").replace("\x00", "").strip()


def _decode(data: bytes) -> str:
    """UTF-8 as RFC 5545 says; Windows-1252 (old Outlook exports) otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


@cache
def _iana_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _zone_for(tzid: str, vtimezones: dict) -> tuple[tzinfo, str] | None:
    """The zone a TZID names: (tzinfo, how to call it), or None if we cannot tell."""
    cleaned = tzid.strip().strip('"').strip("/")
    if cleaned in WINDOWS_TO_OLSON:
        name = WINDOWS_TO_OLSON[cleaned]
        return zoneinfo.ZoneInfo(name), f"{cleaned} → {name}"
    parts = cleaned.split("/")
    # "Europe/Rome", or "/freeassociation.sourceforge.net/Europe/Rome": the longest IANA tail.
    for first in range(len(parts)):
        name = "/".join(parts[first:])
        if name in _iana_zones():
            return zoneinfo.ZoneInfo(name), name
    component = vtimezones.get(tzid) or vtimezones.get(cleaned)
    if component is not None:
        try:
            # Not cached by icalendar (lookup_tzid=False): another file may use the same
            # custom name with other rules.
            return component.to_tz(lookup_tzid=False), cleaned
        except Exception:  # noqa: BLE001 - any malformed VTIMEZONE is "unknown zone"
            return None
    return None


def _local_label(value: datetime) -> str:
    return formats.date_format(value, "DATETIME_FORMAT")


def _instant(prop, invitation: Invitation, mission: Mission, vtimezones: dict, what: str):
    """DTSTART/DTEND as an aware UTC instant, or None with the reason in `errors`."""
    value = prop.dt
    if not isinstance(value, datetime):
        if isinstance(value, date):
            invitation.errors.append(
                _(
                    "An all-day event: a meeting needs a start and an end time. "
                    "Add it by hand, with its times."
                )
            )
        return None
    tzid = prop.params.get("TZID")
    if tzid:
        found = _zone_for(str(tzid), vtimezones)
        if found is None:
            if invitation.errors:
                return None  # said once for DTSTART: not again for DTEND
            invitation.errors.append(
                _(
                    "Unknown time zone “%(zone)s”: the invitation does not say which zone it "
                    "means. Ask the sender for an invitation in a known zone, or add the "
                    "meeting by hand."
                )
                % {"zone": _text(tzid)[:100]}
            )
            return None
        zone, label = found
    elif value.tzinfo is not None:
        zone, label = UTC, "UTC"
    else:
        # Floating time: the same wall clock everywhere, so the destination's.
        zone, label = mission.tz, mission.timezone
    invitation.zone = invitation.zone or label
    naive = value.replace(tzinfo=None)
    candidate = naive.replace(tzinfo=zone, fold=0)
    try:
        instant = candidate.astimezone(UTC)
        round_trip = instant.astimezone(zone).replace(tzinfo=None)
    except (OverflowError, ValueError):
        invitation.errors.append(
            _("%(what)s is out of range: the invitation's year cannot be right.") % {"what": what}
        )
        return None
    params = {"time": _local_label(naive), "zone": label, "what": what}
    if round_trip != naive:
        invitation.notes.append(
            _(
                "%(what)s %(time)s does not exist in %(zone)s (the clocks go forward then): "
                "read with the offset before the change, as calendars do."
            )
            % params
        )
    elif naive.replace(tzinfo=zone, fold=1).utcoffset() != candidate.utcoffset():
        invitation.notes.append(
            _(
                "%(what)s %(time)s happens twice in %(zone)s (the clocks go back then): "
                "read as the first of the two, as calendars do."
            )
            % params
        )
    return instant


def _address(prop) -> tuple[str, str]:
    """(display text, lower-case e-mail) of an ORGANIZER or ATTENDEE."""
    value = _text(prop)
    email = value[7:] if value.lower().startswith("mailto:") else value
    email = email.strip().lower() if "@" in email else ""
    name = _text(getattr(prop, "params", {}).get("CN", "")).strip('"')
    if name and email and name.lower() != email:
        return f"{name} <{email}>", email
    return (name or email or value), email


def _read_event(event, filename: str, method: str, vtimezones: dict, mission) -> Invitation:
    invitation = Invitation(filename=filename)
    invitation.uid = _text(event.get("UID"))
    invitation.title = _text(event.get("SUMMARY"))
    invitation.description = _text(event.get("DESCRIPTION"))
    if len(invitation.description) > MAX_DESCRIPTION:
        invitation.description = invitation.description[:MAX_DESCRIPTION]
        invitation.notes.append(
            _("Its description was shortened to %(max)d characters.") % {"max": MAX_DESCRIPTION}
        )
    invitation.location = _text(event.get("LOCATION"))
    status = _text(event.get("STATUS")).upper()
    invitation.cancelled = method == "CANCEL" or status == "CANCELLED"
    invitation.tentative = status == "TENTATIVE"
    for name, error in getattr(event, "errors", []):
        invitation.errors.append(
            _("Unreadable %(property)s: %(error)s") % {"property": name, "error": _text(error)}
        )
    if invitation.errors:
        return invitation
    try:
        sequence = int(event.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        sequence = -1
    if not 0 <= sequence <= 2**31 - 1:
        invitation.errors.append(_("Its SEQUENCE is not a number we can keep."))
    invitation.sequence = max(0, min(sequence, 2**31 - 1))
    stamp = event.get("DTSTAMP")
    if stamp is not None and isinstance(stamp.dt, datetime) and stamp.dt.tzinfo is not None:
        invitation.stamp = stamp.dt.astimezone(UTC)
    if "ORGANIZER" in event:
        invitation.people.append(list(_address(event["ORGANIZER"])))
    attendees = event.get("ATTENDEE", [])
    for prop in attendees if isinstance(attendees, list) else [attendees]:
        person = list(_address(prop))
        if person[0] and person not in invitation.people:
            invitation.people.append(person)
    if "RRULE" in event or "RDATE" in event or "RECURRENCE-ID" in event:
        invitation.errors.append(
            _(
                "A repeating event (or one occurrence of a series): import each meeting as "
                "its own invitation, or add them by hand."
            )
        )
        return invitation
    if "DTSTART" not in event:
        invitation.errors.append(_("The invitation has no start time (DTSTART)."))
        return invitation
    invitation.start = _instant(event["DTSTART"], invitation, mission, vtimezones, _("Start"))
    if "DTEND" in event:
        invitation.end = _instant(event["DTEND"], invitation, mission, vtimezones, _("End"))
    elif "DURATION" in event and isinstance(event["DURATION"].dt, timedelta):
        if invitation.start is not None:
            invitation.end = invitation.start + event["DURATION"].dt
    elif invitation.start is not None:
        invitation.errors.append(_("The invitation has no end time (DTEND or DURATION)."))
    if not invitation.uid:
        invitation.notes.append(
            _("It has no UID: importing it again would add it again instead of updating it.")
        )
    return invitation


def read_invitations(filename: str, data: bytes, mission: Mission) -> list[Invitation]:
    """Every VEVENT of one uploaded file; InvitationFileError if it is not a calendar."""
    filename = _text(filename)[:100] or "invite.ics"
    if len(data) > MAX_FILE_BYTES:
        raise InvitationFileError(
            _("%(name)s is larger than %(max)d MB: an invitation is a few kilobytes.")
            % {"name": filename, "max": MAX_FILE_BYTES // (1024 * 1024)}
        )
    text = _decode(data).replace("\x00", "")
    try:
        with warnings.catch_warnings():
            # icalendar warns when it guesses a zone; we read every TZID ourselves.
            warnings.simplefilter("ignore")
            calendars = icalendar.Calendar.from_ical(text, multiple=True)
        events = []
        for calendar in calendars:
            method = _text(calendar.get("METHOD")).upper()
            vtimezones = {_text(tz.get("TZID")): tz for tz in calendar.walk("VTIMEZONE")}
            events.extend((event, method, vtimezones) for event in calendar.walk("VEVENT"))
    except Exception as error:  # noqa: BLE001 - whatever the parser trips on is a bad file
        raise InvitationFileError(
            _("%(name)s is not a calendar file (.ics) we can read: %(error)s")
            % {"name": filename, "error": _text(error)[:200]}
        ) from None
    if not events:
        raise InvitationFileError(
            _(
                "%(name)s holds no event (VEVENT) we can read: the file is damaged or is not "
                "an invitation."
            )
            % {"name": filename}
        )
    if len(events) > MAX_EVENTS:
        raise InvitationFileError(
            _("%(name)s holds %(count)d events; import at most %(max)d at a time.")
            % {"name": filename, "count": len(events), "max": MAX_EVENTS}
        )
    invitations = []
    for event, method, vtimezones in events:
        try:
            invitations.append(_read_event(event, filename, method, vtimezones, mission))
        except Exception as error:  # noqa: BLE001 - a property icalendar let through half-read
            invitation = Invitation(filename=filename, uid=_text(event.get("UID")))
            invitation.errors.append(
                _("This event cannot be read: %(error)s") % {"error": _text(error)[:200]}
            )
            invitations.append(invitation)
    return invitations
