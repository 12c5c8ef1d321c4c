"""A mission's new zone or dates, and what they do to its meetings and delegates' stays.

Changing the zone asks how the stored times are read: keep the local clock times (10:00 in
Tokyo becomes 10:00 in Berlin: the meetings move in absolute time; the usual case, the zone
was wrong) or keep the instants (10:00 in Tokyo becomes 03:00 in Berlin). Changing the first
day offers to shift everything by the same whole number of days, keeping the local clock
times. `reschedule_plan` says what would change, for the preview; `mission_reschedule`
applies it in one transaction through the services (SEQUENCE bumps, history records), and
the mission's planning window is checked on the result.

Lives in meetings/ because it moves meetings and stays; missions/ imports neither.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from delegations.models import DelegationMember
from delegations.services import delegation_member_save
from meetings.models import Meeting
from meetings.services import meeting_save
from missions.models import Mission
from missions.services import mission_save

KEEP_CLOCK = "clock"
KEEP_INSTANTS = "instants"
MOVED_WITH_MISSION = "moved with the mission"


@dataclass
class Change:
    """One meeting or stay: its times before and after (aware), and a note if a local time
    could not be kept exactly (it does not exist in the new zone that day)."""

    label: str
    before: tuple[datetime | None, datetime | None]
    after: tuple[datetime | None, datetime | None]
    obj: Meeting | DelegationMember
    notes: list[str] = field(default_factory=list)
    outside: bool = False

    @property
    def moves(self) -> bool:
        return self.before != self.after

    def cells(self, zones: list[ZoneInfo]) -> list[tuple[str, bool]]:
        """The preview's cells: before in each zone, then after in each zone; true for the
        two the coordinator reads first (before in the old zone, after in the new one)."""
        return [
            (_span(times, zone), zone == zones[0 if times is self.before else -1])
            for times in (self.before, self.after)
            for zone in zones
        ]


def _span(times, zone: ZoneInfo) -> str:
    start, end = (value.astimezone(zone) if value else None for value in times)
    if start and end and start.date() == end.date():
        return f"{date_format(start, 'D j M Y, H:i')}–{date_format(end, 'H:i')}"
    return " – ".join(
        date_format(value, "D j M Y, H:i") if value else "…" for value in (start, end)
    )


@dataclass
class Plan:
    old_zone: ZoneInfo
    new_zone: ZoneInfo
    zone_changed: bool
    days: int
    keep: str
    meetings: list[Change]
    stays: list[Change]

    @property
    def changes(self) -> list[Change]:
        return [change for change in self.meetings + self.stays if change.moves]

    @property
    def weekdays_change(self) -> bool:
        return self.days % 7 != 0

    @property
    def zones(self) -> list[ZoneInfo]:
        return [self.old_zone, self.new_zone] if self.zone_changed else [self.old_zone]

    @property
    def rows(self) -> list[tuple[Change, list[str]]]:
        return [(change, change.cells(self.zones)) for change in self.meetings + self.stays]

    @property
    def outside_count(self) -> int:
        return sum(change.outside for change in self.meetings + self.stays)


def day_shift(stored: Mission, changed: Mission) -> int:
    """Whole days between the old and the new first day (0 while a date is missing)."""
    if isinstance(stored.start_date, date) and isinstance(changed.start_date, date):
        return (changed.start_date - stored.start_date).days
    return 0


def needs_choice(stored: Mission, changed: Mission) -> bool:
    """A new zone or first day, and something to move: the coordinator must choose."""
    if stored.timezone == changed.timezone and day_shift(stored, changed) == 0:
        return False
    return stored.meetings.exists() or stored.members.exclude(arrival=None, departure=None).exists()


def _moved(value, *, old: ZoneInfo, new: ZoneInfo, keep: str, days: int, notes: list[str]):
    if value is None:
        return None
    wall = value.astimezone(old if keep == KEEP_CLOCK else new).replace(tzinfo=None)
    wall += timedelta(days=days)
    moved = wall.replace(tzinfo=new)
    back = moved.astimezone(ZoneInfo("UTC")).astimezone(new).replace(tzinfo=None)
    if back != wall:
        # Skipped by a daylight-saving change in the new zone: the same length after midnight,
        # i.e. the clock time just after the jump (02:30 becomes 03:30).
        moved = (wall.replace(tzinfo=new).astimezone(ZoneInfo("UTC"))).astimezone(new)
        notes.append(
            _("%(time)s does not exist on %(day)s in %(zone)s (the clocks jump): %(new)s.")
            % {
                "time": wall.strftime("%H:%M"),
                "day": wall.date().isoformat(),
                "zone": new.key,
                "new": moved.strftime("%H:%M"),
            }
        )
    return moved


def reschedule_plan(*, stored: Mission, changed: Mission, keep: str, shift: bool) -> Plan:
    """What the new zone and dates do to every meeting and stay: two queries."""
    old, new = stored.tz, ZoneInfo(changed.timezone)
    days = day_shift(stored, changed) if shift else 0
    # The window of the result: the changed mission (not saved yet) decides.
    rows = []
    for meeting in Meeting.objects.filter(mission=stored).order_by("start", "pk"):
        rows.append((meeting.title, meeting, ("start", "end")))
    for member in (
        DelegationMember.objects.filter(mission=stored)
        .exclude(arrival=None, departure=None)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    ):
        rows.append((str(member), member, ("arrival", "departure")))
    meetings, stays = [], []
    for label, obj, names in rows:
        notes: list[str] = []
        before = tuple(getattr(obj, name) for name in names)
        after = tuple(
            _moved(value, old=old, new=new, keep=keep, days=days, notes=notes) for value in before
        )
        outside = any(changed.outside_window_error(value) for value in after if value)
        change = Change(label, before, after, obj, notes, outside)
        (meetings if isinstance(obj, Meeting) else stays).append(change)
    return Plan(old, new, stored.timezone != changed.timezone, days, keep, meetings, stays)


@transaction.atomic
def mission_reschedule(
    *, mission: Mission, plan: Plan, expected_version: int | None = None
) -> Mission:
    """Save the mission's new zone and dates and move its meetings and stays as planned: all
    or nothing. Each moved meeting goes through meeting_save (SEQUENCE bump, one history
    record), each stay through delegation_member_save; the planning window is then checked on
    the result by mission_save. A meeting or stay that cannot move raises a ValidationError
    naming it; somebody else's save of the mission meanwhile raises EditConflict."""
    errors = []
    for change in plan.changes:
        obj = change.obj
        obj.mission = mission  # checked against the new window, not the stored one
        if isinstance(obj, Meeting):
            obj.start, obj.end = change.after
            save = lambda obj=obj: meeting_save(meeting=obj, history_reason=MOVED_WITH_MISSION)  # noqa: E731
        else:
            obj.arrival, obj.departure = change.after
            save = lambda obj=obj: delegation_member_save(member=obj)  # noqa: E731
        try:
            save()
        except ValidationError as error:
            for message in error.messages:
                errors.append(f"{change.label}: {message}")
    if errors:
        raise ValidationError(errors)
    # Last, so that the window is checked on the moved rows; a conflict undoes everything.
    return mission_save(mission=mission, expected_version=expected_version)
