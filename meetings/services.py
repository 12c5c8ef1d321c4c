from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delegations.models import DelegationMember, Organisation, Person
from meetings.models import Meeting, new_uid
from missions.concurrency import EditConflict, claim_for_delete, claim_version
from missions.models import Mission, Venue

# A change to any of these means calendars must replace their copy (RFC 5545 SEQUENCE).
SEQUENCE_FIELDS = ("start", "end", "venue_id", "status")


def _touch_mission(mission_id: int) -> None:
    """Feeds take Last-Modified from the mission too: a meeting deleted, or a delegate
    removed from one, leaves no row behind to carry the change."""
    Mission.objects.filter(pk=mission_id).update(updated=timezone.now())


def _check_attendees(meeting: Meeting, attendees: list[DelegationMember]) -> None:
    strangers = [member for member in attendees if member.mission_id != meeting.mission_id]
    if strangers:
        names = ", ".join(str(member) for member in strangers)
        raise ValidationError(
            {"attendees": _("Not in this mission's delegation: %(names)s.") % {"names": names}},
            code="attendee_other_mission",
        )


@transaction.atomic
def meeting_save(
    *,
    meeting: Meeting,
    attendees: Iterable[DelegationMember] | None = None,
    partner_organisations: Iterable[Organisation] | None = None,
    partner_contacts: Iterable[Person] | None = None,
    expected_version: int | None = None,
) -> Meeting:
    """Create or update a meeting with its people; bump SEQUENCE when time, place or status move.

    `None` for a relation leaves it as it is; an empty list clears it. The version rises by
    one per save, relations included; with `expected_version`, a meeting saved by somebody
    else since then is left alone and EditConflict raised.
    """
    attendees = list(attendees) if attendees is not None else None
    claim_version(meeting, expected_version)
    meeting.full_clean()
    if attendees is not None:
        _check_attendees(meeting, attendees)
    if meeting.pk:
        previous = (
            Meeting.objects.select_for_update()
            .filter(pk=meeting.pk)
            .values("sequence", *SEQUENCE_FIELDS)
            .first()
        )
        if previous is not None:
            moved = any(previous[name] != getattr(meeting, name) for name in SEQUENCE_FIELDS)
            meeting.sequence = previous["sequence"] + (1 if moved else 0)
    meeting.save()
    if attendees is not None:
        meeting.attendees.set(attendees)
    if partner_organisations is not None:
        meeting.partner_organisations.set(partner_organisations)
    if partner_contacts is not None:
        meeting.partner_contacts.set(partner_contacts)
    _touch_mission(meeting.mission_id)
    return meeting


def meeting_schedule(
    *,
    mission: Mission,
    title: str,
    start: datetime,
    end: datetime,
    kind: str = Meeting.Kind.B2B,
    venue: Venue | None = None,
    status: str = Meeting.Status.CONFIRMED,
    attendees: Iterable[DelegationMember] = (),
    partner_organisations: Iterable[Organisation] = (),
    partner_contacts: Iterable[Person] = (),
    description: str = "",
    internal_notes: str = "",
    outcome: str = "",
    uid: str | None = None,
) -> Meeting:
    meeting = Meeting(
        mission=mission,
        title=title,
        kind=kind,
        start=start,
        end=end,
        venue=venue,
        status=status,
        description=description,
        internal_notes=internal_notes,
        outcome=outcome,
    )
    if uid:
        meeting.uid = uid
    return meeting_save(
        meeting=meeting,
        attendees=attendees,
        partner_organisations=partner_organisations,
        partner_contacts=partner_contacts,
    )


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, expected_version: int | None = None) -> Meeting:
    """Cancelled meetings stay, so calendars show them as cancelled instead of losing them.

    Cancels the meeting as stored now, not the copy read earlier: a change somebody saved
    meanwhile stays (and with `expected_version`, such a change stops the cancellation).
    """
    if meeting.pk is not None:
        stored = (
            Meeting.objects.select_for_update()
            .filter(pk=meeting.pk)
            .values_list("version", flat=True)
            .first()
        )
        if stored is None or expected_version not in (None, stored):
            raise EditConflict(Meeting.objects.filter(pk=meeting.pk).first(), Meeting)
        meeting.refresh_from_db()
        expected_version = stored
    if meeting.is_cancelled:
        return meeting
    meeting.status = Meeting.Status.CANCELLED
    return meeting_save(meeting=meeting, expected_version=expected_version)


@transaction.atomic
def meeting_duplicate(*, meeting: Meeting) -> Meeting:
    """A new meeting (new UID) with the same time, place and people, tentative."""
    copy = Meeting(
        mission=meeting.mission,
        title=meeting.title,
        kind=meeting.kind,
        start=meeting.start,
        end=meeting.end,
        venue=meeting.venue,
        status=Meeting.Status.TENTATIVE,
        description=meeting.description,
        internal_notes=meeting.internal_notes,
        uid=new_uid(),
    )
    return meeting_save(
        meeting=copy,
        attendees=meeting.attendees.all(),
        partner_organisations=meeting.partner_organisations.all(),
        partner_contacts=meeting.partner_contacts.all(),
    )


@transaction.atomic
def meeting_delete(*, meeting: Meeting, expected_version: int | None = None) -> None:
    """Gone from feeds too; cancelling is kinder to calendars that already hold it.

    With `expected_version`, a meeting changed since the user confirmed is not deleted.
    """
    claim_for_delete(meeting, expected_version)
    mission_id = meeting.mission_id
    meeting.delete()
    _touch_mission(mission_id)
