"""Meetings from a spreadsheet: a plan (transfer.importing) for one mission.

A row matches a meeting of the mission by its ID (the meeting's calendar UID, as exports write
it) or else by local date, start and title; matched, it updates the meeting, otherwise it
makes a new one. Times are read in the row's zone (the mission's when the cell is empty).
Delegates must be in the mission's delegation, partner organisations and contacts in the
directory; a venue named for the first time is created with the meeting. An empty cell leaves
what is stored as it is. Writes go through meetings.services.meeting_save (SEQUENCE, version,
one history record with the import's reason).
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower
from django.utils import formats
from django.utils.translation import gettext as _

from delegations.models import DelegationMember, Organisation, Person
from meetings.clashes import MissionWindow, Slot, find_clashes, slot_from_meeting, stay_from_member
from meetings.models import Meeting
from meetings.services import meeting_save
from missions.localtime import aware_from_local
from missions.models import Mission, Venue
from missions.services import venue_save
from transfer.columns import MEETING_COLUMNS
from transfer.importing import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATED,
    CellValueError,
    Plan,
    PlanRow,
    describe,
    error_messages_by_field,
    local_text,
    next_day_end,
    norm_key,
    parse_choice,
    parse_date,
    parse_datetime,
    parse_time,
    parse_zone,
    plan_from_table,
    searchable,
    split_list,
)
from transfer.tabular import Table, label_of

# Model fields -> the column that feeds them, to put a model's error next to its cell.
FIELD_COLUMNS = {
    "title": "title",
    "kind": "kind",
    "status": "status",
    "start": "start",
    "end": "end",
    "venue": "venue",
    "description": "description",
    "internal_notes": "internal_notes",
    "attendees": "delegates",
}
TEXT_FIELDS = ("title", "description", "internal_notes")


class Lookups:
    """Everything the rows are matched against, read in a fixed number of queries."""

    def __init__(self, mission: Mission, user, table: Table):
        self.mission = mission
        meetings = list(Meeting.objects.for_mission(mission).with_details())
        self.meetings = meetings
        self.by_uid = {meeting.uid: meeting for meeting in meetings}
        zone = mission.tz
        self.by_key = {}
        for meeting in meetings:
            local = meeting.start.astimezone(zone)
            key = (local.date(), local.strftime("%H:%M"), norm_key(meeting.title))
            self.by_key.setdefault(key, meeting)
        uids = searchable({row.cells.get("id", "") for row in table.rows}) - set(self.by_uid)
        self.foreign_uids = set(
            Meeting.objects.filter(uid__in=uids).values_list("uid", flat=True) if uids else ()
        )
        self.members = {}
        self.delegation = list(DelegationMember.objects.filter(mission=mission).with_people())
        for member in self.delegation:
            person = member.person
            if person.email:
                self.members.setdefault(norm_key(person.email), []).append(member)
            self.members.setdefault(norm_key(person.full_name), []).append(member)
        self.venues = {norm_key(venue.name): venue for venue in mission.venues.all()}
        names = searchable(
            {
                norm_key(name)
                for row in table.rows
                for name in split_list(row.cells.get("partner_organisations", ""))
            }
        )
        self.organisations: dict[str, list[Organisation]] = {}
        if names:
            for organisation in Organisation.objects.annotate(
                lname=Lower("name"), lshort=Lower("short_name")
            ).filter(Q(lname__in=names) | Q(lshort__in=names)):
                for key in {organisation.lname, organisation.lshort} & names:
                    self.organisations.setdefault(key, []).append(organisation)
        wanted = searchable(
            {
                norm_key(name)
                for row in table.rows
                for name in split_list(row.cells.get("partner_contacts", ""))
            }
        )
        self.contacts: dict[str, list[Person]] = {}
        if wanted:
            people = (
                Person.objects.visible_to(user)
                .annotate(
                    lemail=Lower("email"),
                    lname=Lower(Concat("first_name", Value(" "), "last_name")),
                )
                .filter(Q(lemail__in=wanted) | Q(lname__in=wanted))
            )
            for person in people.distinct():
                for key in {person.lemail, person.lname} & wanted:
                    self.contacts.setdefault(key, []).append(person)


def _one(found: dict, name: str, unknown: str, ambiguous: str) -> tuple[object | None, str]:
    matches = {item.pk: item for item in found.get(norm_key(name), [])}
    if not matches:
        return None, unknown % {"name": name}
    if len(matches) > 1:
        return None, ambiguous % {"name": name}
    return next(iter(matches.values())), ""


@dataclass
class NewVenues:
    """Venues the file names for the first time: created once, at the first row naming them."""

    mission: Mission
    reason: str

    def __post_init__(self):
        self.made: dict[str, Venue] = {}
        self.announced: set[str] = set()
        self.numbers: dict[str, int] = {}

    def number(self, name: str) -> int:
        """A number per new venue, standing for its id in clash warnings."""
        return self.numbers.setdefault(norm_key(name), len(self.numbers) + 1)

    def get(self, name: str, address: str) -> Venue:
        key = norm_key(name)
        if key not in self.made:
            venue = Venue(mission=self.mission, name=name, address=address)
            venue._change_reason = self.reason
            self.made[key] = venue_save(venue=venue)
        return self.made[key]


def _times(row: PlanRow, cells: dict, zone) -> tuple[datetime | None, datetime | None]:
    day = start_clock = end_value = None
    try:
        day = parse_date(cells.get("date", ""))
    except CellValueError as error:
        row.error("date", str(error))
    try:
        start_clock = parse_time(cells.get("start", ""))
    except CellValueError as error:
        row.error("start", str(error))
    end_text = cells.get("end", "")
    try:
        # "2026-03-25 00:30" names the day; "00:30" is on the start's day or just after.
        end_value = parse_time(end_text) if len(end_text.split()) < 2 else parse_datetime(end_text)
    except CellValueError as error:
        row.error("end", str(error))
    if day is None or start_clock is None or end_value is None:
        return None, None
    local_start = datetime.combine(day, start_clock)
    if isinstance(end_value, datetime):
        local_end = end_value
    else:
        local_end, _after_midnight = next_day_end(local_start, end_value)
    if local_end <= local_start:
        row.error(
            "end",
            _("The end (%(end)s) is not after the start (%(start)s).")
            % {"end": local_end.strftime("%H:%M"), "start": local_start.strftime("%H:%M")},
        )
        return None, None
    start = end = None
    try:
        start = aware_from_local(local_start, zone)
    except ValidationError as error:
        row.error("start", " ".join(error.messages))
    try:
        end = aware_from_local(local_end, zone)
    except ValidationError as error:
        row.error("end", " ".join(error.messages))
    return start, end


def _people(row, cells, key, found, unknown, ambiguous) -> list | None:
    if not cells.get(key, ""):
        return None
    people = []
    for name in split_list(cells[key]):
        item, message = _one(found, name, unknown, ambiguous)
        if message:
            row.error(key, message)
        elif item not in people:
            people.append(item)
    return people


def _names(items) -> set[str]:
    return {str(item) for item in items}


def plan_meetings(*, mission: Mission, user, table: Table, reason: str) -> Plan:
    plan = plan_from_table("meetings", MEETING_COLUMNS, table)
    if plan.file_errors:
        return plan
    lookups = Lookups(mission, user, table)
    new_venues = NewVenues(mission, reason)
    seen: dict[object, int] = {}
    slots: dict[int, Slot] = {}
    for source in table.rows:
        cells = source.cells
        row = PlanRow(number=source.number, columns=MEETING_COLUMNS, label=cells.get("title", ""))
        plan.rows.append(row)
        row.check_cells(cells)
        _plan_row(row, cells, mission, lookups, new_venues, seen, reason, slots)
    if plan.is_valid:
        _clash_warnings(plan, mission, lookups, slots)
    return plan


def _clash_warnings(plan: Plan, mission: Mission, lookups: Lookups, planned: dict) -> None:
    """The agenda's clash warnings (meetings.clashes) as the mission would be after the
    import, on the rows that write: no query, and like everywhere they never block."""
    slots = {meeting.pk: slot_from_meeting(meeting) for meeting in lookups.meetings}
    for slot in planned.values():
        slots[slot.key] = slot
    warnings = find_clashes(
        MissionWindow.of(mission),
        slots.values(),
        [stay_from_member(member) for member in lookups.delegation],
    )
    for row in plan.rows:
        slot = planned.get(row.number)
        if slot is not None:
            row.warnings = [warning.message for warning in warnings.get(slot.key, [])]


def _plan_row(row, cells, mission, lookups, new_venues, seen, reason, slots) -> None:
    title = cells.get("title", "")
    if not title:
        row.error("title", _("A meeting needs a title."))
    try:
        zone = parse_zone(cells.get("timezone", ""), mission.tz)
    except CellValueError as error:
        row.error("timezone", str(error))
        zone = None
    start, end = _times(row, cells, zone) if zone is not None else (None, None)
    kind = status = None
    if cells.get("kind"):
        try:
            kind = parse_choice(cells["kind"], Meeting.Kind, _("kind of meeting"))
        except CellValueError as error:
            row.error("kind", str(error))
    if cells.get("status"):
        try:
            status = parse_choice(cells["status"], Meeting.Status, _("status"))
        except CellValueError as error:
            row.error("status", str(error))
    attendees = _people(
        row,
        cells,
        "delegates",
        lookups.members,
        _("“%(name)s” is not in the mission's delegation: add them to it first."),
        _("Several delegates are called “%(name)s”: write their e-mail instead."),
    )
    organisations = _people(
        row,
        cells,
        "partner_organisations",
        lookups.organisations,
        _("“%(name)s” is not in the partners directory: import or add it first."),
        _("Several organisations are called “%(name)s”: write the full name."),
    )
    contacts = _people(
        row,
        cells,
        "partner_contacts",
        lookups.contacts,
        _("“%(name)s” is not in the partners directory: import or add them first."),
        _("Several people are called “%(name)s”: write their e-mail instead."),
    )

    # Which meeting the row is about.
    meeting = None
    uid = cells.get("id", "")
    if uid:
        meeting = lookups.by_uid.get(uid)
        if meeting is None and uid in lookups.foreign_uids:
            row.error("id", _("This ID belongs to a meeting of another mission: empty the cell."))
    if meeting is None and start is not None and title:
        local = start.astimezone(mission.tz)
        meeting = lookups.by_key.get((local.date(), local.strftime("%H:%M"), norm_key(title)))
    identity = meeting.pk if meeting else (uid or (start, norm_key(title)))
    if start is not None or uid:
        if identity in seen:
            row.error("", _("Same meeting as row %(row)d.") % {"row": seen[identity]})
        else:
            seen[identity] = row.number
    if row.result == ERROR:
        return

    venue_name = cells.get("venue", "")
    venue = lookups.venues.get(norm_key(venue_name)) if venue_name else None
    new_venue = bool(venue_name) and venue is None
    if new_venue:
        candidate = Venue(mission=mission, name=venue_name, address=cells.get("venue_address", ""))
        try:
            candidate.full_clean(
                exclude=["mission"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for messages in error_messages_by_field(error).values():
                row.error("venue", " ".join(messages))
            return

    # A new venue is announced once, at the first row naming it (and created there).
    announce = new_venue and norm_key(venue_name) not in new_venues.announced
    if announce:
        new_venues.announced.add(norm_key(venue_name))
    is_new = meeting is None
    if is_new:
        meeting = Meeting(mission=mission, uid=uid) if uid else Meeting(mission=mission)
        old = {}
    else:
        meeting.mission = mission
        old = {
            "title": meeting.title,
            "kind": meeting.get_kind_display(),
            "status": meeting.get_status_display(),
            "start": local_text(meeting.start, mission.tz),
            "end": local_text(meeting.end, mission.tz),
            "venue": meeting.venue.name if meeting.venue else "",
            "description": meeting.description,
            "internal_notes": meeting.internal_notes,
            "delegates": _names(meeting.attendees.all()),
            "partner_organisations": _names(meeting.partner_organisations.all()),
            "partner_contacts": _names(meeting.partner_contacts.all()),
        }
    version = meeting.version
    meeting.start, meeting.end = start, end
    for name in TEXT_FIELDS:
        if cells.get(name):
            setattr(meeting, name, cells[name])
    if kind:
        meeting.kind = kind
    if status:
        meeting.status = status
    if venue is not None:
        meeting.venue = venue
    try:
        # Unique checks and foreign keys' existence would cost queries per row: the UID
        # was checked above, the mission and venue come from the database.
        meeting.full_clean(
            exclude=["mission", "venue"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for name, messages in error_messages_by_field(error).items():
            row.error(FIELD_COLUMNS.get(name, ""), " ".join(messages))
        return

    new = {
        "title": meeting.title,
        "kind": meeting.get_kind_display(),
        "status": meeting.get_status_display(),
        "start": local_text(meeting.start, mission.tz),
        "end": local_text(meeting.end, mission.tz),
        "venue": venue_name if new_venue else (meeting.venue.name if meeting.venue else ""),
        "description": meeting.description,
        "internal_notes": meeting.internal_notes,
        "delegates": _names(attendees) if attendees is not None else old.get("delegates", set()),
        "partner_organisations": _names(organisations)
        if organisations is not None
        else old.get("partner_organisations", set()),
        "partner_contacts": _names(contacts)
        if contacts is not None
        else old.get("partner_contacts", set()),
    }
    if is_new:
        row.result = NEW
        row.changes = _summary(mission, meeting, new, announce)
    else:
        row.changes = _changes(old, new, announce)
        row.result = UPDATED if row.changes else UNCHANGED
    if row.result == UNCHANGED:
        return
    if attendees is not None:
        attendee_ids = frozenset(member.pk for member in attendees)
    else:
        attendee_ids = (
            frozenset(m.pk for m in meeting.attendees.all()) if not is_new else frozenset()
        )
    slots[row.number] = Slot(
        # New meetings and venues have no pk yet: negative keys stand for them.
        key=meeting.pk or -row.number,
        title=meeting.title,
        start=meeting.start,
        end=meeting.end,
        venue_id=-new_venues.number(venue_name) if new_venue else meeting.venue_id,
        venue_name=new["venue"],
        attendee_ids=attendee_ids,
        cancelled=meeting.is_cancelled,
    )

    def apply() -> Meeting:
        if new_venue:
            meeting.venue = new_venues.get(venue_name, cells.get("venue_address", ""))
        return meeting_save(
            meeting=meeting,
            attendees=attendees if attendees is not None or not is_new else [],
            partner_organisations=organisations if organisations is not None or not is_new else [],
            partner_contacts=contacts if contacts is not None or not is_new else [],
            expected_version=None if is_new else version,
            history_reason=reason,
        )

    row.apply = apply


def _summary(mission: Mission, meeting: Meeting, new: dict, new_venue: bool) -> list[str]:
    """A new meeting as the agenda will show it: local day and times (to check the zone),
    kind and status, venue, people."""
    start, end = meeting.start.astimezone(mission.tz), meeting.end.astimezone(mission.tz)
    when = "{}, {}–{}".format(
        formats.date_format(start, "D j M Y"),
        start.strftime("%H:%M"),
        end.strftime("%H:%M")
        if end.date() == start.date()
        else formats.date_format(end, "D j M, H:i"),
    )
    lines = [f"{when} · {new['kind']} · {new['status']}"]
    if new["venue"]:
        venue = new["venue"]
        lines.append(_("New venue: %(name)s") % {"name": venue} if new_venue else venue)
    partners = sorted(new["partner_organisations"]) + sorted(new["partner_contacts"])
    people = [
        f"{label}: {', '.join(names)}"
        for label, names in ((_("Delegation"), sorted(new["delegates"])), (_("Partners"), partners))
        if names
    ]
    if people:
        lines.append(" · ".join(people))
    return lines


def _changes(old: dict, new: dict, new_venue: bool) -> list[str]:
    changes = []
    for key, before in old.items():
        after = new[key]
        if before == after:
            continue
        label = label_of(MEETING_COLUMNS, key)
        if isinstance(before, set):
            added = ", ".join(sorted(after - before))
            removed = ", ".join(sorted(before - after))
            parts = ([f"+ {added}"] if added else []) + ([f"− {removed}"] if removed else [])
            changes.append(f"{label}: {'; '.join(parts)}")
        elif key in ("description", "internal_notes"):
            changes.append(_("%(label)s changed") % {"label": label})
        else:
            changes.append(describe(label, before, after))
    if new_venue:
        changes.append(_("New venue: %(name)s") % {"name": new["venue"]})
    return changes
