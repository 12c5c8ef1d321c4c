"""The timetable: a mission's days as columns, hours as rows, meetings as blocks.

Built from the agenda's read model (meetings.planning.mission_agenda), so it costs no query
of its own. Everything is in the mission's wall-clock time: a block's position is minutes
after local midnight of its column's day, whatever the UTC offset that day (a meeting at
10:00 sits on the 10:00 line before and after a daylight-saving change). Home time is on
the axis, for the first day shown; a day whose difference from home time is another one
says so in its heading.

`move_meeting` is the one write: a block dropped on a day and a wall-clock time, through
`meeting_save` and its version check.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from meetings.clashes import ClashWarning
from meetings.models import MAX_MEETING_DAYS, Meeting
from meetings.planning import Agenda
from meetings.services import meeting_save
from missions.localtime import aware_from_local

# The hours shown when no meeting lies outside them (07:00-23:00).
FIRST_HOUR, LAST_HOUR = 7, 23
SLOT_MINUTES = 30
DAY_MINUTES = 24 * 60
# Columns per page: a 120-day mission is shown a week at a time.
DAYS_PER_PAGE = 7


@dataclass
class Block:
    meeting: Meeting
    warnings: list[ClashWarning]
    start_min: int  # minutes after local midnight of the column's day
    end_min: int  # clipped to the day's end (24:00) for a meeting that runs on
    local_start: datetime
    local_end: datetime
    lane: int = 0
    lanes: int = 1

    @property
    def duration_min(self) -> int:
        """As drawn (clipped at midnight)."""
        return self.end_min - self.start_min

    @property
    def wall_duration_min(self) -> int:
        """The whole length on the wall clock: what a move keeps, past midnight too."""
        naive = self.local_end.replace(tzinfo=None) - self.local_start.replace(tzinfo=None)
        return int(naive.total_seconds() // 60)

    @property
    def runs_on(self) -> bool:
        """It ends on a later day than it starts (the block stops at midnight)."""
        return self.local_end.date() > self.local_start.date()


@dataclass
class Slot:
    """A free half hour: a link to a new meeting there (none when the time does not exist)."""

    minute: int
    exists: bool = True

    @property
    def clock(self) -> str:
        return f"{self.minute // 60:02d}:{self.minute % 60:02d}"

    @property
    def is_hour(self) -> bool:
        return self.minute % 60 == 0


@dataclass
class Column:
    day: date
    in_mission: bool
    home_offset_min: int  # home time minus local time at noon, in minutes
    blocks: list[Block] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)

    @property
    def home_offset_label(self) -> str:
        """ "+6 h", "-1 h 30": home time minus local time."""
        sign = "+" if self.home_offset_min >= 0 else "−"
        hours, minutes = divmod(abs(self.home_offset_min), 60)
        return f"{sign}{hours} h" + (f" {minutes:02d}" if minutes else "")


@dataclass
class AxisHour:
    minute: int
    local: str
    home: str
    home_day_shift: int  # the home clock is on the previous (-1) or next (+1) day


@dataclass
class Timetable:
    columns: list[Column]
    axis: list[AxisHour]
    first_min: int
    last_min: int
    page: int
    pages: int
    same_offset: bool  # every column shown has the same difference from home time

    @property
    def slot_count(self) -> int:
        return (self.last_min - self.first_min) // SLOT_MINUTES


def _minutes(value: datetime) -> int:
    return value.hour * 60 + value.minute


def _home_offset(day: date, tz: ZoneInfo, home: ZoneInfo) -> int:
    noon = datetime.combine(day, time(12), tzinfo=tz)
    delta = noon.astimezone(home).utcoffset() - noon.utcoffset()
    return int(delta.total_seconds() // 60)


def _exists(day: date, minute: int, tz: ZoneInfo) -> bool:
    """False for a wall-clock time skipped by a spring-forward change."""
    naive = datetime.combine(day, time(minute // 60, minute % 60))
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive


def _assign_lanes(blocks: list[Block]) -> None:
    """Overlapping blocks side by side: each group of overlapping blocks shares its width."""
    blocks.sort(key=lambda b: (b.start_min, -b.end_min, b.meeting.pk))
    group: list[Block] = []
    lane_ends: list[int] = []
    group_end = -1

    def close():
        for member in group:
            member.lanes = len(lane_ends)

    for block in blocks:
        if group and block.start_min >= group_end:
            close()
            group, lane_ends, group_end = [], [], -1
        for index, end in enumerate(lane_ends):
            if end <= block.start_min:
                block.lane = index
                lane_ends[index] = block.end_min
                break
        else:
            block.lane = len(lane_ends)
            lane_ends.append(block.end_min)
        group.append(block)
        group_end = max(group_end, block.end_min)
    close()


def build_timetable(agenda: Agenda, meetings: list[Meeting], page: int = 1) -> Timetable:
    """The columns of one page (up to DAYS_PER_PAGE days) with their blocks and free slots."""
    mission = agenda.mission
    tz, home = mission.tz, mission.home_tz
    agenda_days = agenda.days(meetings)
    pages = max(1, -(-len(agenda_days) // DAYS_PER_PAGE))
    page = min(max(page, 1), pages)
    shown = agenda_days[(page - 1) * DAYS_PER_PAGE : page * DAYS_PER_PAGE]

    first_min, last_min = FIRST_HOUR * 60, LAST_HOUR * 60
    columns = []
    for agenda_day in shown:
        column = Column(
            day=agenda_day.day,
            in_mission=agenda_day.in_mission,
            home_offset_min=_home_offset(agenda_day.day, tz, home),
        )
        for item in agenda_day.items:
            local_start = item.meeting.start.astimezone(tz)
            local_end = item.meeting.end.astimezone(tz)
            start_min = _minutes(local_start)
            end_min = _minutes(local_end) if local_end.date() == local_start.date() else DAY_MINUTES
            # A block is never thinner than a quarter of an hour, or nobody could grab it.
            end_min = max(end_min, min(start_min + 15, DAY_MINUTES))
            column.blocks.append(
                Block(item.meeting, item.warnings, start_min, end_min, local_start, local_end)
            )
            first_min = min(first_min, start_min // 60 * 60)
            last_min = max(last_min, -(-end_min // 60) * 60)
        _assign_lanes(column.blocks)
        columns.append(column)

    for column in columns:
        column.slots = [
            Slot(minute, _exists(column.day, minute, tz))
            for minute in range(first_min, last_min, SLOT_MINUTES)
        ]
    reference = columns[0].day if columns else mission.start_date
    axis = []
    for minute in range(first_min, last_min, 60):
        local = datetime.combine(reference, time(minute // 60), tzinfo=tz)
        at_home = local.astimezone(home)
        axis.append(
            AxisHour(
                minute=minute,
                local=f"{minute // 60:02d}:00",
                home=at_home.strftime("%H:%M"),
                home_day_shift=(at_home.date() - reference).days,
            )
        )
    offsets = {column.home_offset_min for column in columns}
    return Timetable(
        columns=columns,
        axis=axis,
        first_min=first_min,
        last_min=last_min,
        page=page,
        pages=pages,
        same_offset=len(offsets) <= 1,
    )


# --- The one write: a block dropped somewhere else -------------------------------------------


def move_meeting(
    *, meeting: Meeting, day: date, start: time, duration_min: int, expected_version: int
) -> Meeting:
    """Move a meeting to `day` at the wall-clock time `start` in its mission's zone, lasting
    `duration_min` wall-clock minutes. The local clock time dropped on is kept whatever the
    UTC offset that day; a time skipped or repeated by a clock change is refused (as in the
    form), a time outside the mission's planning window by the service, and a meeting saved
    by somebody else since `expected_version` raises EditConflict: nothing is written.
    """
    tz = meeting.mission.tz
    if not 0 < duration_min <= MAX_MEETING_DAYS * DAY_MINUTES:
        raise ValidationError(
            {"duration": _("A meeting lasts at most %(days)d days.") % {"days": MAX_MEETING_DAYS}}
        )
    local_start = datetime.combine(day, start)
    try:
        local_end = local_start + timedelta(minutes=duration_min)
    except OverflowError:
        local_end = datetime.max
    errors = {}
    try:
        meeting.start = aware_from_local(local_start, tz)
    except ValidationError as error:
        errors["start"] = error
    try:
        meeting.end = aware_from_local(local_end, tz)
    except ValidationError as error:
        errors["end"] = error
    if errors:
        raise ValidationError(errors)
    return meeting_save(meeting=meeting, expected_version=expected_version)
