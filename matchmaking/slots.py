"""A session's slots: each day from its start, one slot length after another, skipping any
slot that overlaps a break and any that would end after the day does. Pure read model over
the session's days (prefetched `days__breaks`); instants are aware, in UTC."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from matchmaking.models import Session


@dataclass(frozen=True)
class Slot:
    index: int  # chronological over the whole session
    day: int  # 0 for the first day of the session
    date: date
    start: datetime  # aware, UTC
    end: datetime

    def local_start(self, zone) -> datetime:
        return self.start.astimezone(zone)

    def local_end(self, zone) -> datetime:
        return self.end.astimezone(zone)


def _utc(day: date, clock, zone) -> datetime:
    # fold=0: a wall-clock time in a DST fold is its first occurrence, as the planner reads it.
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def session_slots(session: Session) -> list[Slot]:
    zone = session.mission.tz
    length = timedelta(minutes=session.slot_minutes)
    slots: list[Slot] = []
    for day_number, day in enumerate(sorted(session.days.all(), key=lambda d: d.date)):
        day_end = _utc(day.date, day.end, zone)
        breaks = [
            (_utc(day.date, b.start, zone), _utc(day.date, b.end, zone)) for b in day.breaks.all()
        ]
        moment = _utc(day.date, day.start, zone)
        while moment + length <= day_end:
            end = moment + length
            clash = [b_end for b_start, b_end in breaks if b_start < end and moment < b_end]
            if clash:
                # Resume at the end of the break, not one slot later.
                moment = max(clash)
                continue
            slots.append(Slot(len(slots), day_number, day.date, moment, end))
            moment = end
    return slots
