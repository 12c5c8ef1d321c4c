""".ics invitations into meetings of one mission (transfer/ics_read.py reads the files).

- `import_plan(...)`: what importing would do to each invitation (new, updated, unchanged,
  cancelled, older, skipped, or its errors), read from the database; nothing written.
- `invitations_import(...)`: the plan again, under a lock on the mission, then written in one
  transaction through `meetings.services.meeting_save` (and `venue_save` for a new place),
  only if it is still the plan the user saw (its signature); else `PlanChanged`.

The sender's UID is kept in `Meeting.source_uid` (with SEQUENCE and DTSTAMP): importing the
same invitation again changes that meeting instead of adding one, an older copy is ignored,
METHOD:CANCEL or STATUS:CANCELLED cancels it.
"""

import copy
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from delegations.models import DelegationMember, Person
from meetings.models import Meeting
from meetings.services import meeting_save
from missions.models import Mission, Venue
from missions.services import venue_save
from transfer.ics_read import Invitation

# Stored as the history records' change reason (data, like missions.history.RESTORED).
IMPORTED_FROM = "Imported from {name}"


class PlanChanged(Exception):
    """The database changed between the preview and the import: show the preview again."""


# --- The plan ----------------------------------------------------------------------------------


class Action:
    NEW = "new"
    UPDATE = "updated"
    UNCHANGED = "unchanged"
    CANCEL = "cancelled"
    OLDER = "older"
    SKIPPED = "skipped"
    ERROR = "error"


@dataclass
class PlanRow:
    invitation: Invitation
    action: str
    meeting: Meeting | None = None  # the meeting it changes (None: a new one)
    venue: Venue | None = None
    new_venue: str = ""  # a place that becomes a new venue of the mission: its name
    new_venue_address: str = ""
    attendees: list = field(default_factory=list)  # DelegationMember of the mission
    contacts: list = field(default_factory=list)  # Person (partner contacts)
    organisations: list = field(default_factory=list)  # their organisations
    unmatched: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def writes(self) -> bool:
        return self.action in (Action.NEW, Action.UPDATE, Action.CANCEL)


def _newer_key(invitation: Invitation) -> tuple:
    return (invitation.sequence, invitation.stamp or datetime.min.replace(tzinfo=UTC))


def _validation_messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    messages = []
    for name, errors in error.message_dict.items():
        for message in errors:
            if name == "__all__":
                messages.append(message)
            else:
                label = capfirst(str(Meeting._meta.get_field(name).verbose_name))
                messages.append(f"{label}: {message}")
    return messages


def _people(mission: Mission, user, invitations: list[Invitation]):
    """{e-mail: member of this delegation} and {e-mail: partner contact the user may see}."""
    emails = {email for invitation in invitations for _text, email in invitation.people if email}
    if not emails:
        return {}, {}
    members = {
        member.person.email.lower(): member
        for member in DelegationMember.objects.filter(mission=mission)
        .annotate(email=Lower("person__email"))
        .filter(email__in=emails)
        .select_related("person")
    }
    # As the meeting form: partner contacts are never a delegation's travellers.
    contacts = {
        person.email.lower(): person
        for person in Person.objects.visible_to(user)
        .annotate(lower_email=Lower("email"))
        .filter(lower_email__in=emails)
        .exclude(pk__in=DelegationMember.objects.values("person"))
        .select_related("organisation")
    }
    return members, contacts


def _candidate(invitation: Invitation, mission: Mission, existing: Meeting | None) -> Meeting:
    # A copy: the stored meeting stays as it is for the preview's "before".
    meeting = Meeting(mission=mission) if existing is None else copy.copy(existing)
    meeting.mission = mission
    meeting.title = invitation.title[:200] if invitation.title else meeting.title
    meeting.start, meeting.end = invitation.start, invitation.end
    meeting.description = invitation.description or (existing.description if existing else "")
    if existing is None or existing.is_cancelled:
        tentative = invitation.tentative
        meeting.status = Meeting.Status.TENTATIVE if tentative else Meeting.Status.CONFIRMED
    return meeting


def import_plan(*, mission: Mission, user, invitations: list[Invitation]) -> list[PlanRow]:
    """What importing these invitations would do, one row each, in a fixed number of queries.

    Of several copies of one UID in the upload only the newest counts; the others are
    skipped with a note.
    """
    uids = {i.uid for i in invitations if i.uid}
    existing = {
        meeting.source_uid: meeting
        for meeting in Meeting.objects.filter(mission=mission, source_uid__in=uids)
        .select_related("venue")
        .prefetch_related("attendees", "partner_contacts", "partner_organisations")
    }
    venues = {venue.name.casefold(): venue for venue in Venue.objects.filter(mission=mission)}
    members, contacts = _people(mission, user, invitations)
    newest: dict[str, Invitation] = {}
    for invitation in invitations:
        if invitation.uid and not invitation.errors:
            kept = newest.get(invitation.uid)
            if kept is None or _newer_key(invitation) >= _newer_key(kept):
                newest[invitation.uid] = invitation
    rows = []
    for invitation in invitations:
        row = PlanRow(invitation=invitation, action=Action.ERROR, errors=list(invitation.errors))
        rows.append(row)
        row.notes.extend(invitation.notes)
        if row.errors:
            continue
        if invitation.uid and newest[invitation.uid] is not invitation:
            row.action = Action.SKIPPED
            row.notes.append(_("A newer copy of this invitation is in the same upload."))
            continue
        meeting = existing.get(invitation.uid) if invitation.uid else None
        row.meeting = meeting
        if meeting is not None and _newer_key(invitation) < (
            meeting.source_sequence,
            meeting.source_stamp or datetime.min.replace(tzinfo=UTC),
        ):
            row.action = Action.OLDER
            row.notes.append(_("Older than the imported one, ignored."))
            continue
        if invitation.cancelled:
            if meeting is None:
                row.action = Action.SKIPPED
                row.notes.append(_("A cancellation of a meeting never imported: nothing to do."))
            else:
                row.action = Action.UNCHANGED if meeting.is_cancelled else Action.CANCEL
            continue
        _match_people(row, members, contacts)
        _match_venue(row, venues)
        candidate = _candidate(invitation, mission, meeting)
        candidate.venue = row.venue
        _keep_source(candidate, invitation)  # a UID too long to keep is a row error too
        try:
            # The mission and venue are rows just read (no query per row to check they
            # exist); meeting_save runs the whole full_clean on import.
            candidate.full_clean(
                exclude=["uid", "mission", "venue"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            row.errors.extend(_validation_messages(error))
            row.action = Action.ERROR
            continue
        if meeting is None:
            row.action = Action.NEW
        elif _changes(meeting, candidate, row):
            row.action = Action.UPDATE
        else:
            row.action = Action.UNCHANGED
    return rows


FIELDS_FROM_INVITATIONS = ("title", "start", "end", "description", "status", "venue_id")


def _changes(meeting: Meeting, candidate: Meeting, row: PlanRow) -> bool:
    """Whether an update would change anything: a field, a new place, someone to add
    (people are only ever added: the coordinator's own additions stay)."""
    if row.new_venue or any(
        getattr(meeting, name) != getattr(candidate, name) for name in FIELDS_FROM_INVITATIONS
    ):
        return True
    return (
        bool({m.pk for m in row.attendees} - {m.pk for m in meeting.attendees.all()})
        or bool({p.pk for p in row.contacts} - {p.pk for p in meeting.partner_contacts.all()})
        or bool(
            {o.pk for o in row.organisations} - {o.pk for o in meeting.partner_organisations.all()}
        )
    )


def _match_people(row: PlanRow, members: dict, contacts: dict) -> None:
    for text, email in row.invitation.people:
        if email in members:
            if members[email] not in row.attendees:
                row.attendees.append(members[email])
        elif email in contacts:
            person = contacts[email]
            if person not in row.contacts:
                row.contacts.append(person)
            if person.organisation_id and person.organisation not in row.organisations:
                row.organisations.append(person.organisation)
        elif text and text not in row.unmatched:
            row.unmatched.append(text)


def _match_venue(row: PlanRow, venues: dict) -> None:
    """An existing venue of the mission named as the whole LOCATION or as its first part
    ("Ford, Dearborn" or "Ford"); else a new venue: the first part its name, the rest its
    address ("Rivian Technology Center, Plymouth MI")."""
    place = " ".join(row.invitation.location.split())
    if not place:
        row.venue = row.meeting.venue if row.meeting else None
        return
    name, _comma, address = place.partition(",")
    row.venue = venues.get(place[:200].casefold()) or venues.get(name.strip()[:200].casefold())
    if row.venue is None:
        row.new_venue = name.strip()[:200]
        row.new_venue_address = address.strip()[:300]


def plan_signature(rows: list[PlanRow]) -> str:
    """Identifies what the preview showed: the same upload against the same database."""
    summary = [
        [
            row.invitation.filename,
            row.invitation.uid,
            row.action,
            row.invitation.start.isoformat() if row.invitation.start else "",
            row.meeting.pk if row.meeting else None,
            row.meeting.version if row.meeting else None,
            row.venue.pk if row.venue else None,
            row.new_venue,
            sorted(m.pk for m in row.attendees),
            sorted(p.pk for p in row.contacts),
            row.errors,
        ]
        for row in rows
    ]
    return hashlib.sha256(json.dumps(summary, default=str).encode()).hexdigest()[:32]


# --- Writing -----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    meetings: list[Meeting] = field(default_factory=list)


def _internal_notes(row: PlanRow) -> str:
    invitation = row.invitation
    lines = [_("Imported from %(name)s.") % {"name": invitation.filename}]
    if invitation.people:
        lines.append(_("Organiser: %(who)s") % {"who": invitation.people[0][0]})
    if row.unmatched:
        lines.append(_("Not in the directory: %(people)s") % {"people": "; ".join(row.unmatched)})
    return "\n".join(lines)


@transaction.atomic
def invitations_import(
    *,
    mission: Mission,
    user,
    invitations: list[Invitation],
    kind: str = Meeting.Kind.B2B,
    signature: str,
) -> ImportResult:
    """Write the plan the user saw, all of it or nothing.

    PlanChanged if the plan is not the one whose `signature` the preview carried (another
    import or an edit since); ValidationError if any invitation has an error.
    """
    # Two imports of the same invitation at once: the second waits, then sees the first.
    Mission.objects.select_for_update().filter(pk=mission.pk).first()
    rows = import_plan(mission=mission, user=user, invitations=invitations)
    if plan_signature(rows) != signature:
        raise PlanChanged
    refused = [row for row in rows if row.errors]
    if refused:
        raise ValidationError(
            _("%(name)s: %(error)s")
            % {"name": refused[0].invitation.filename, "error": " ".join(refused[0].errors)}
        )
    result = ImportResult()
    new_venues: dict[str, Venue] = {}
    for row in rows:
        if not row.writes:
            continue
        invitation = row.invitation
        reason = IMPORTED_FROM.format(name=invitation.filename)
        if row.action == Action.CANCEL:
            meeting = row.meeting
            meeting.status = Meeting.Status.CANCELLED
            _keep_source(meeting, invitation)
            meeting_save(meeting=meeting, expected_version=meeting.version, history_reason=reason)
            result.cancelled += 1
            result.meetings.append(meeting)
            continue
        venue = row.venue
        if row.new_venue:
            venue = new_venues.get(row.new_venue.casefold())
            if venue is None:
                venue = Venue(mission=mission, name=row.new_venue, address=row.new_venue_address)
                venue._change_reason = reason  # read by simple-history
                venue = venue_save(venue=venue)
                new_venues[row.new_venue.casefold()] = venue
        if row.action == Action.NEW:
            meeting = _candidate(invitation, mission, None)
            meeting.kind = kind
            meeting.internal_notes = _internal_notes(row)
            meeting.venue = venue
            _keep_source(meeting, invitation)
            meeting_save(
                meeting=meeting,
                attendees=row.attendees,
                partner_organisations=row.organisations,
                partner_contacts=row.contacts,
                history_reason=reason,
            )
            result.created += 1
        else:
            meeting = row.meeting
            version = meeting.version
            attendees = [*meeting.attendees.all(), *row.attendees]
            organisations = [*meeting.partner_organisations.all(), *row.organisations]
            contacts = [*meeting.partner_contacts.all(), *row.contacts]
            meeting = _candidate(invitation, mission, meeting)
            meeting.venue = venue
            _keep_source(meeting, invitation)
            meeting_save(
                meeting=meeting,
                attendees=set(attendees),
                partner_organisations=set(organisations),
                partner_contacts=set(contacts),
                expected_version=version,
                history_reason=reason,
            )
            result.updated += 1
        result.meetings.append(meeting)
    return result


def _keep_source(meeting: Meeting, invitation: Invitation) -> None:
    if invitation.uid:
        meeting.source_uid = invitation.uid
        meeting.source_sequence = invitation.sequence
        meeting.source_stamp = invitation.stamp
