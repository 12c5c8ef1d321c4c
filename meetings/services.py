from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from delegations.models import DelegationMember, Organisation, Person, new_token
from delegations.services import delegation_member_save
from meetings.models import Meeting, new_uid
from missions.concurrency import EditConflict, claim_for_delete, claim_version
from missions.history import RESTORED, WITH_MISSION, m2m_ids, one_history_record, state_before
from missions.localtime import aware_from_local, local_day_bounds
from missions.models import Mission, Venue, new_secret
from missions.services import mission_save, venue_save

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
    history_reason: str = "",
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
    # One history record for the meeting and its people, not one per relation changed.
    with one_history_record(meeting, reason=history_reason):
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


def _moved_to_day(meeting: Meeting, day: date) -> tuple[datetime, datetime]:
    """The meeting's start and end on `day`, at the same local clock times (a meeting over
    midnight still ends the next day). A time the clocks skip or repeat on that day is a
    ValidationError saying so."""
    zone = meeting.mission.tz
    start, end = meeting.start.astimezone(zone), meeting.end.astimezone(zone)
    shift = day - start.date()
    return (
        aware_from_local(start.replace(tzinfo=None) + shift, zone),
        aware_from_local(end.replace(tzinfo=None) + shift, zone),
    )


def _mission_day_error(mission: Mission, day: date) -> ValidationError | None:
    if day not in mission.days():
        return ValidationError(
            _("Choose one of the mission's days (%(first)s to %(last)s).")
            % {"first": mission.start_date.isoformat(), "last": mission.end_date.isoformat()},
            code="not_a_mission_day",
        )
    return None


@transaction.atomic
def meeting_duplicate(*, meeting: Meeting, day: date | None = None) -> Meeting:
    """A new meeting (new UID) with the same time, place and people, tentative; on `day`
    (one of the mission's days) at the same local clock time, if given."""
    start, end = meeting.start, meeting.end
    if day is not None:
        if error := _mission_day_error(meeting.mission, day):
            raise error
        start, end = _moved_to_day(meeting, day)
    copy = Meeting(
        mission=meeting.mission,
        title=meeting.title,
        kind=meeting.kind,
        start=start,
        end=end,
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


def meetings_of_day(mission: Mission, day: date) -> list[Meeting]:
    """The meetings starting on a local day of the mission, cancelled ones left out."""
    first, last = local_day_bounds(day, mission.tz)
    return list(
        Meeting.objects.filter(mission=mission, start__gte=first, start__lt=last)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("venue")
        .order_by("start", "pk")
    )


def day_copy_plan(*, mission: Mission, source: date, target: date) -> list[dict]:
    """What copying `source` to `target` would make: one row per meeting with its new start
    and end, or the error that stops it. Nothing written."""
    errors = {}
    for name, day in (("source", source), ("target", target)):
        if error := _mission_day_error(mission, day):
            errors[name] = error
    if source == target and not errors:
        errors["target"] = ValidationError(
            _("Choose another day than the one copied."), code="same_day"
        )
    if errors:
        raise ValidationError(errors)
    plan = []
    for meeting in meetings_of_day(mission, source):
        meeting.mission = mission
        row = {"meeting": meeting, "start": None, "end": None, "error": ""}
        try:
            row["start"], row["end"] = _moved_to_day(meeting, target)
        except ValidationError as error:
            row["error"] = " ".join(error.messages)
        plan.append(row)
    return plan


@transaction.atomic
def day_copy(*, mission: Mission, source: date, target: date) -> list[Meeting]:
    """Copy every meeting of `source` to `target`, tentative, same local clock times: all
    of them or none (the first that cannot be copied stops the whole copy)."""
    plan = day_copy_plan(mission=mission, source=source, target=target)
    refused = [row for row in plan if row["error"]]
    if refused:
        raise ValidationError(
            _("“%(title)s”: %(error)s")
            % {"title": refused[0]["meeting"].title, "error": refused[0]["error"]}
        )
    return [meeting_duplicate(meeting=row["meeting"], day=target) for row in plan]


MAX_SHIFT_MINUTES = 7 * 24 * 60


@transaction.atomic
def meetings_shift(
    *,
    mission: Mission,
    meetings: Iterable[Meeting],
    minutes: int,
    versions: dict[int, int] | None = None,
) -> list[Meeting]:
    """Move each meeting by `minutes` on the local clock (negative: earlier), through
    meeting_save: all or none. A meeting that would land outside the planning window or on
    a skipped or repeated hour, or (with `versions`, {pk: version seen}) that somebody saved
    since it was seen, stops the whole shift with a ValidationError naming it."""
    versions = versions or {}
    if not -MAX_SHIFT_MINUTES <= minutes <= MAX_SHIFT_MINUTES:
        raise ValidationError(
            _("Shift by at most %(max)d minutes (7 days) either way.") % {"max": MAX_SHIFT_MINUTES},
            code="shift_too_large",
        )
    zone = mission.tz
    delta = timedelta(minutes=minutes)
    moved = []
    for meeting in meetings:
        if meeting.mission_id != mission.pk:
            raise ValidationError(_("A meeting of another mission cannot be shifted here."))
        meeting.mission = mission
        try:
            meeting.start = aware_from_local(
                meeting.start.astimezone(zone).replace(tzinfo=None) + delta, zone
            )
            meeting.end = aware_from_local(
                meeting.end.astimezone(zone).replace(tzinfo=None) + delta, zone
            )
            moved.append(meeting_save(meeting=meeting, expected_version=versions.get(meeting.pk)))
        except EditConflict as error:
            raise ValidationError(
                _(
                    "“%(title)s” was changed by somebody else after you opened this page: "
                    "nothing was shifted. Check the list and try again."
                )
                % {"title": meeting.title},
                code="shift_conflict",
            ) from error
        except ValidationError as error:
            raise ValidationError(
                _("“%(title)s”: %(error)s")
                % {"title": meeting.title, "error": " ".join(error.messages)},
                code="shift_refused",
            ) from error
    return moved


@transaction.atomic
def meeting_delete(*, meeting: Meeting, expected_version: int | None = None) -> None:
    """Gone from feeds too; cancelling is kinder to calendars that already hold it.

    With `expected_version`, a meeting changed since the user confirmed is not deleted.
    """
    claim_for_delete(meeting, expected_version)
    mission_id = meeting.mission_id
    meeting.delete()
    _touch_mission(mission_id)


# --- Restoring what was deleted (from django-simple-history's records) ------------------------


def _fields_of(record, model) -> dict:
    """The stored fields of a historical record, ready for `model(**fields)`."""
    return {f.attname: getattr(record, f.attname) for f in model.history.model.tracked_fields}


def deleted_meetings(mission: Mission) -> list:
    """The meetings deleted from this mission and not back since, newest deletion first:
    their "-" records (with who deleted them) in one query."""
    records = (
        Meeting.history.filter(mission_id=mission.pk, history_type="-")
        .exclude(uid__in=Meeting.objects.values("uid"))
        .select_related("history_user")
        .order_by("-history_id")
    )
    latest, seen = [], set()
    for record in records:
        if record.uid not in seen:  # deleted, restored and deleted again: the last one
            seen.add(record.uid)
            latest.append(record)
    return latest


@transaction.atomic
def meeting_restore(*, mission: Mission, deleted) -> tuple[Meeting, list[str]]:
    """Bring a deleted meeting back as it was: same id (if free), UID, SEQUENCE, times,
    notes, venue (if it still exists), the attendees still in the delegation
    and the partners still in the directory. Returns the meeting and what could not come
    back, in words.
    """
    if deleted.history_type != "-" or deleted.mission_id != mission.pk:
        raise ValidationError(_("This is not a meeting deleted from this mission."))
    # Two clicks on "Restore" at once: the second waits here, then finds the meeting back.
    Mission.objects.select_for_update().filter(pk=mission.pk).first()
    if Meeting.objects.filter(uid=deleted.uid).exists():
        raise ValidationError(_("“%(title)s” is already back.") % {"title": deleted.title})
    before = state_before(deleted) or deleted
    meeting = Meeting(**_fields_of(deleted, Meeting))
    meeting.mission = mission
    if Meeting.objects.filter(pk=meeting.pk).exists():
        meeting.pk = None
    lost = []
    if meeting.venue_id and not Venue.objects.filter(pk=meeting.venue_id, mission=mission).exists():
        meeting.venue = None
        lost.append(_("Its venue no longer exists: choose another one."))
    attendee_ids = m2m_ids(before, "attendees")
    attendees = list(DelegationMember.objects.filter(mission=mission, pk__in=attendee_ids))
    if len(attendees) < len(attendee_ids):
        missing = len(attendee_ids) - len(attendees)
        lost.append(
            ngettext(
                "%(count)d attendee is no longer in the delegation.",
                "%(count)d attendees are no longer in the delegation.",
                missing,
            )
            % {"count": missing}
        )
    organisation_ids = m2m_ids(before, "partner_organisations")
    contact_ids = m2m_ids(before, "partner_contacts")
    organisations = list(Organisation.objects.filter(pk__in=organisation_ids))
    contacts = list(Person.objects.filter(pk__in=contact_ids))
    if len(organisations) < len(organisation_ids) or len(contacts) < len(contact_ids):
        lost.append(_("Some partners are no longer in the directory."))
    meeting = meeting_save(
        meeting=meeting,
        attendees=attendees,
        partner_organisations=organisations,
        partner_contacts=contacts,
        history_reason=RESTORED,
    )
    # auto_now_add stamped it now: it was created back then.
    Meeting.objects.filter(pk=meeting.pk).update(created=deleted.created)
    return meeting, lost


def deleted_missions(user, *, since=None) -> list:
    """Missions deleted (and not back) that `user` may restore: a superuser any, others
    those they coordinated when it was deleted. Newest first, in three queries."""
    if not user.is_authenticated:
        return []
    records = Mission.history.filter(history_type="-").exclude(id__in=Mission.objects.values("id"))
    if since is not None:
        records = records.filter(history_date__gte=since)
    latest = {}
    for record in records.select_related("history_user").order_by("history_id"):
        latest[record.id] = record
    if not latest:
        return []
    coordinators = mission_coordinators_at_deletion(list(latest.values()))
    return sorted(
        (r for r in latest.values() if user.is_superuser or user.pk in coordinators[r.history_id]),
        key=lambda r: r.history_id,
        reverse=True,
    )


def mission_coordinators_at_deletion(deleted_records: list) -> dict[int, set[int]]:
    """{history_id of a "-" record: ids of the mission's coordinators just before it}."""
    ids = {r.id for r in deleted_records}
    earlier = (
        Mission.history.filter(id__in=ids).exclude(history_type="-").values_list("history_id", "id")
    )
    before = {}
    for deleted in deleted_records:
        candidates = [h for h, i in earlier if i == deleted.id and h < deleted.history_id]
        before[deleted.history_id] = max(candidates) if candidates else None
    field = Mission._meta.get_field("coordinators")
    m2m_model = HistoricalRecords.m2m_models[field]
    rows = m2m_model.objects.filter(
        history_id__in=[h for h in before.values() if h is not None]
    ).values_list("history_id", "user_id")
    users = defaultdict(set)
    for history_id, user_id in rows:
        users[history_id].add(user_id)
    return {deleted: users[previous] for deleted, previous in before.items()}


def _latest_cascaded(history_model, mission_pk: int) -> list:
    """Records of objects that went with the mission (and have not come back since)."""
    records = history_model.objects.filter(mission_id=mission_pk).order_by("history_id")
    latest = {}
    for record in records:
        latest[record.id] = record
    return [
        r
        for r in latest.values()
        if r.history_type == "-" and r.history_change_reason == WITH_MISSION
    ]


@transaction.atomic
def mission_restore(*, deleted) -> tuple[Mission, list[str]]:
    """Bring a deleted mission back with what went with it: venues, delegation members
    (same tokens, so their links work again), meetings (same UIDs and SEQUENCE) and their
    people. Returns the mission and what could not come back, in words."""
    if deleted.history_type != "-":
        raise ValidationError(_("This is not a deleted mission."))
    if Mission.objects.filter(pk=deleted.id).exists():
        raise ValidationError(_("“%(title)s” is already back.") % {"title": deleted.title})
    before = state_before(deleted) or deleted
    mission = Mission(**_fields_of(deleted, Mission))
    mission._change_reason = RESTORED  # read by simple-history for the record
    if Mission.objects.filter(feed_token=mission.feed_token).exists():
        mission.feed_token = new_secret()
    User = get_user_model()
    coordinators = list(User.objects.filter(pk__in=m2m_ids(before, "coordinators")))
    try:
        mission = mission_save(mission=mission, coordinators=coordinators)
    except IntegrityError as error:
        # Restored by someone else at the same moment (same id): nothing to do twice.
        raise ValidationError(
            _("“%(title)s” is already back.") % {"title": deleted.title}
        ) from error
    except ValidationError as error:
        if "slug" in getattr(error, "error_dict", {}):
            raise ValidationError(
                _("Another mission now uses the address “%(slug)s”: rename or delete it first.")
                % {"slug": deleted.slug}
            ) from error
        raise
    Mission.objects.filter(pk=mission.pk).update(created=deleted.created)
    lost = []
    for record in _latest_cascaded(Venue.history.model, deleted.id):
        venue = Venue(**_fields_of(record, Venue))
        venue._change_reason = RESTORED
        venue_save(venue=venue)
    for record in _latest_cascaded(DelegationMember.history.model, deleted.id):
        member = DelegationMember(**_fields_of(record, DelegationMember))
        member._change_reason = RESTORED
        if not Person.objects.filter(pk=member.person_id).exists():
            lost.append(_("A delegate's contact card was deleted since: add them again."))
            continue
        if DelegationMember.objects.filter(token=member.token).exists():
            member.token = new_token()
        delegation_member_save(member=member)
        DelegationMember.objects.filter(pk=member.pk).update(created=record.created)
    for record in sorted(
        _latest_cascaded(Meeting.history.model, deleted.id), key=lambda r: (r.start, r.id)
    ):
        _meeting, meeting_lost = meeting_restore(mission=mission, deleted=record)
        lost.extend(meeting_lost)
    _touch_mission(mission.pk)
    # Versions are not in the history: publish what came back (lazy: releases imports us).
    from releases.services import programme_publish_restored

    programme_publish_restored(mission=mission)
    return mission, lost
