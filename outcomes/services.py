"""Writes of outcomes and follow-ups: claim the version, full_clean, save, in one transaction.

The planner's views, the admin, the backups' import and the demo all come through here, so
they obey the same rules: an outcome only for a meeting that has started (in the mission's
zone), never "held" for a cancelled meeting; a follow-up's owner is a coordinator of the
mission or one of its delegates, its meeting of that mission and its due date not before
that meeting's day. Each call writes one history record (django-simple-history).
"""

from datetime import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from meetings.models import Meeting
from missions.concurrency import EditConflict, claim_for_delete, claim_version
from outcomes.models import FollowUp, Outcome

OUTCOME_FIELDS = ("held", "summary", "interest", "next_steps", "notable")
FOLLOW_UP_FIELDS = (
    "meeting",
    "organisation",
    "action",
    "owner_user",
    "owner_member",
    "due_date",
    "status",
    "notes",
)


def not_started_error(meeting: Meeting, now: datetime) -> ValidationError | None:
    """None once the meeting has started; else the message, with its start in its zone."""
    if meeting.start <= now:
        return None
    start = meeting.local_start
    return ValidationError(
        _("This meeting has not taken place yet (it starts on %(start)s).")
        % {"start": f"{formats.date_format(start, 'l j F Y, H:i')} {meeting.mission.timezone}"},
        code="not_yet_held",
    )


@transaction.atomic
def outcome_save(
    *,
    meeting: Meeting,
    user=None,
    version: int | None = None,
    now: datetime | None = None,
    **fields,
) -> Outcome:
    """Create or change the outcome of `meeting` (one per meeting).

    `fields` are among OUTCOME_FIELDS; the others keep their stored values. With `version`
    (the one the user's form was opened at), an outcome saved by somebody else meanwhile
    is left alone and EditConflict raised.
    """
    unknown = set(fields) - set(OUTCOME_FIELDS)
    if unknown:
        raise TypeError(f"outcome_save: unknown fields {sorted(unknown)}")
    if error := not_started_error(meeting, now or timezone.now()):
        raise ValidationError({NON_FIELD_ERRORS: [error]})
    outcome = Outcome.objects.select_related("meeting").filter(meeting=meeting).first()
    if outcome is None:
        if version is not None:
            # The form was opened on an outcome that somebody deleted meanwhile.
            raise EditConflict(None, Outcome)
        outcome = Outcome(meeting=meeting)
    else:
        claim_version(outcome, version)
    outcome.meeting = meeting
    for name, value in fields.items():
        setattr(outcome, name, value)
    if user is not None and getattr(user, "is_authenticated", False):
        outcome.recorded_by = user
    outcome.full_clean()
    outcome.save()
    return outcome


@transaction.atomic
def follow_up_save(
    *, follow_up: FollowUp, user=None, version: int | None = None, **fields
) -> FollowUp:
    """Create (no pk) or change a follow-up; `fields` among FOLLOW_UP_FIELDS.

    The mission is the follow-up's own; its meeting, owner and due date are checked
    against it (FollowUp.clean). One owner: setting one clears the other.
    """
    unknown = set(fields) - set(FOLLOW_UP_FIELDS)
    if unknown:
        raise TypeError(f"follow_up_save: unknown fields {sorted(unknown)}")
    claim_version(follow_up, version)
    if fields.get("owner_user") is not None:
        fields.setdefault("owner_member", None)
    elif fields.get("owner_member") is not None:
        fields.setdefault("owner_user", None)
    for name, value in fields.items():
        setattr(follow_up, name, value)
    follow_up.full_clean()
    follow_up.save()
    return follow_up


@transaction.atomic
def follow_up_set_status(
    *, follow_up: FollowUp, status: str, version: int | None = None
) -> FollowUp:
    """Done or dropped (or open again) from the board's buttons."""
    if status not in FollowUp.Status.values:
        raise ValidationError({"status": _("Choose open, done or dropped.")}, code="invalid")
    claim_version(follow_up, version)
    follow_up.status = status
    follow_up.full_clean()
    follow_up.save()
    return follow_up


@transaction.atomic
def follow_up_delete(*, follow_up: FollowUp, version: int | None = None) -> None:
    claim_for_delete(follow_up, version)
    follow_up.delete()
