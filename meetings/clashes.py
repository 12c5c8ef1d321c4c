"""Clash warnings for a whole mission, computed in bulk from rows already fetched.

Pure functions: no ORM calls, no request. Warnings never block a save; the
coordinators decide. Cancelled meetings never clash.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Key of a meeting being edited but not saved yet.
CANDIDATE = 0


@dataclass(frozen=True)
class Slot:
    """The few facts about a meeting that clashes depend on."""

    key: int
    title: str
    start: datetime
    end: datetime
    venue_id: int | None = None
    venue_name: str = ""
    attendee_ids: frozenset[int] = frozenset()
    cancelled: bool = False
    # Venues at one address are one place: no travel time between the tables of a hall.
    place: str = ""


@dataclass(frozen=True)
class Stay:
    """A delegation member's name and when they are in town (None: not given)."""

    member_id: int
    name: str
    arrival: datetime | None = None
    departure: datetime | None = None


@dataclass(frozen=True)
class ClashWarning:
    code: str  # delegate_overlap, venue_overlap, outside_mission, outside_stay, tight_buffer
    message: str
    other_key: int | None = None


@dataclass
class MissionWindow:
    """What the rules need from the mission itself."""

    starts_at: datetime
    ends_at: datetime
    tz: ZoneInfo
    buffer_minutes: int = 30

    @classmethod
    def of(cls, mission) -> "MissionWindow":
        return cls(
            starts_at=mission.starts_at(),
            ends_at=mission.ends_at(),
            tz=mission.tz,
            buffer_minutes=mission.clash_buffer_minutes,
        )


def place_of(address: str | None, city: str | None) -> str:
    """One key for the venues at the same street address (the tables of a B2B hall); empty
    when the address is not given (then only the same venue counts as the same place)."""
    address = " ".join((address or "").split()).casefold()
    return f"{address}|{' '.join((city or '').split()).casefold()}" if address else ""


def slot_from_meeting(meeting, key: int | None = None) -> Slot:
    """From a Meeting whose venue and attendees are already loaded (with_details())."""
    return Slot(
        key=meeting.pk if key is None else key,
        title=meeting.title,
        start=meeting.start,
        end=meeting.end,
        venue_id=meeting.venue_id,
        venue_name=meeting.venue.name if meeting.venue_id else "",
        attendee_ids=frozenset(member.pk for member in meeting.attendees.all()),
        cancelled=meeting.status == "cancelled",
        place=place_of(meeting.venue.address, meeting.venue.city) if meeting.venue_id else "",
    )


def stay_from_member(member) -> Stay:
    return Stay(
        member_id=member.pk,
        name=member.person.full_name,
        arrival=member.arrival,
        departure=member.departure,
    )


def _hm(value: datetime, tz: ZoneInfo) -> str:
    return date_format(value.astimezone(tz), "H:i")


def _span(slot: Slot, tz: ZoneInfo) -> str:
    return f"{_hm(slot.start, tz)}–{_hm(slot.end, tz)}"


def _join(names: list[str]) -> str:
    """“A”, “A and B”, “A, B and C”."""
    if len(names) < 2:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _overlapping_pairs(slots: list[Slot]) -> Iterable[tuple[Slot, Slot]]:
    """Pairs whose time ranges overlap (touching ends do not), by a sweep over start times."""
    ordered = sorted(slots, key=lambda s: (s.start, s.end, s.key))
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.start >= first.end:
                break
            yield first, second


def find_clashes(
    window: MissionWindow, slots: Iterable[Slot], stays: Iterable[Stay]
) -> dict[int, list[ClashWarning]]:
    """Every warning for every meeting, keyed by Slot.key; meetings without warnings are absent."""
    tz = window.tz
    active = [slot for slot in slots if not slot.cancelled]
    stays_by_id = {stay.member_id: stay for stay in stays}
    warnings: dict[int, list[ClashWarning]] = defaultdict(list)

    def name(member_id: int) -> str:
        stay = stays_by_id.get(member_id)
        return stay.name if stay else _("A delegate")

    by_member: dict[int, list[Slot]] = defaultdict(list)
    for slot in active:
        for member_id in slot.attendee_ids:
            by_member[member_id].append(slot)
        if slot.start < window.starts_at or slot.end > window.ends_at:
            warnings[slot.key].append(
                ClashWarning("outside_mission", _("Outside the mission's dates."))
            )

    # One warning per pair of overlapping meetings, naming everyone who is in both.
    for first, second in _overlapping_pairs(active):
        shared = sorted(first.attendee_ids & second.attendee_ids, key=name)
        same_venue = first.venue_id is not None and first.venue_id == second.venue_id
        if not shared and not same_venue:
            continue
        for this, other in ((first, second), (second, first)):
            params = {"other": other.title, "time": _span(other, tz)}
            if shared:
                names = [name(pk) for pk in shared]
                warnings[this.key].append(
                    ClashWarning(
                        "delegate_overlap",
                        ngettext(
                            "%(names)s is also in “%(other)s” (%(time)s).",
                            "%(names)s are also in “%(other)s” (%(time)s).",
                            len(names),
                        )
                        % {**params, "names": _join(names)},
                        other.key,
                    )
                )
            if same_venue:
                warnings[this.key].append(
                    ClashWarning(
                        "venue_overlap",
                        _("%(venue)s also hosts “%(other)s” (%(time)s).")
                        % {**params, "venue": this.venue_name},
                        other.key,
                    )
                )

    for member_id, member_slots in by_member.items():
        stay = stays_by_id.get(member_id)
        if stay is not None:
            _outside_stay(stay, member_slots, tz, warnings)
        _tight_buffers(window, name(member_id), member_slots, warnings)
    return dict(warnings)


def _outside_stay(
    stay: Stay, member_slots: list[Slot], tz: ZoneInfo, warnings: dict[int, list[ClashWarning]]
) -> None:
    for slot in member_slots:
        if stay.arrival and slot.start < stay.arrival:
            warnings[slot.key].append(
                ClashWarning(
                    "outside_stay",
                    _("%(name)s arrives only at %(time)s.")
                    % {
                        "name": stay.name,
                        "time": date_format(stay.arrival.astimezone(tz), "j M H:i"),
                    },
                )
            )
        if stay.departure and slot.end > stay.departure:
            warnings[slot.key].append(
                ClashWarning(
                    "outside_stay",
                    _("%(name)s leaves at %(time)s.")
                    % {
                        "name": stay.name,
                        "time": date_format(stay.departure.astimezone(tz), "j M H:i"),
                    },
                )
            )


def _tight_buffers(
    window: MissionWindow,
    member_name: str,
    member_slots: list[Slot],
    warnings: dict[int, list[ClashWarning]],
) -> None:
    """Less than the buffer between one meeting's end and the next one's start elsewhere."""
    if not window.buffer_minutes:
        return
    buffer = timedelta(minutes=window.buffer_minutes)
    ordered = sorted(member_slots, key=lambda s: (s.start, s.end, s.key))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.venue_id is None or after.venue_id is None or before.venue_id == after.venue_id:
            continue
        if before.place and before.place == after.place:
            continue
        gap = after.start - before.end
        if timedelta(0) <= gap < buffer:
            minutes = int(gap.total_seconds() // 60)
            params = {
                "name": member_name,
                "minutes": minutes,
                "buffer": window.buffer_minutes,
            }
            warnings[after.key].append(
                ClashWarning(
                    "tight_buffer",
                    _(
                        "%(name)s has only %(minutes)s min to get here from “%(other)s” at "
                        "%(venue)s (buffer %(buffer)s min)."
                    )
                    % {**params, "other": before.title, "venue": before.venue_name},
                    before.key,
                )
            )
            warnings[before.key].append(
                ClashWarning(
                    "tight_buffer",
                    _(
                        "%(name)s has only %(minutes)s min to get to “%(other)s” at "
                        "%(venue)s (buffer %(buffer)s min)."
                    )
                    % {**params, "other": after.title, "venue": after.venue_name},
                    after.key,
                )
            )
