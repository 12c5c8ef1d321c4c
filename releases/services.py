"""Publishing the working programme as a version, and discarding what was not published.

`build_snapshot` freezes the working programme (the live rows) into the JSON described in
`releases/snapshot.py`, carrying SEQUENCE, LAST-MODIFIED and the tombstones over from the
previous version. `programme_publish` stores it as the next ProgrammeVersion;
`programme_discard` brings the working meetings back to the last version through the meeting
services (so history records say so); `pending_changes` counts what waits, in one query.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from delegations.models import DelegationMember, Organisation, Person
from meetings.models import Meeting
from meetings.services import meeting_delete, meeting_save
from missions.models import Mission, Venue
from missions.services import mission_save
from releases import changes, digests
from releases.models import ProgrammeVersion
from releases.snapshot import FORMAT, event_digests

# The history records of what a discard changed say why (see missions/history.py).
DISCARDED = gettext_lazy("Unpublished changes discarded")
# What a delegate's phone must replace its copy for (RFC 5545 SEQUENCE).
SEQUENCE_KEYS = ("start", "end", "venue", "status", "deleted")
# Bookkeeping carried from version to version, not content: never "a change" by itself.
DERIVED_KEYS = ("sequence", "former_attendees", "created", "last_modified")


class NothingToPublish(ValidationError):
    pass


class PublishConflict(ValidationError):
    """Somebody published (or discarded) since the coordinator opened the page."""


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    if len(text) == 20 and text[10] == "T" and text[19] == "Z":
        # What iso() writes; fromisoformat is some ten times cheaper than strptime, and a
        # 1,000-meeting feed parses four thousand of these.
        return datetime.fromisoformat(text)
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _decimal(value) -> str | None:
    return None if value is None else f"{value:f}"


def _venue(venue: Venue | None) -> dict | None:
    if venue is None:
        return None
    return {
        "id": venue.pk,
        "name": venue.name,
        "address": venue.address,
        "city": venue.city,
        "country": venue.country,
        "latitude": _decimal(venue.latitude),
        "longitude": _decimal(venue.longitude),
    }


def _member(member: DelegationMember) -> dict:
    person = member.person
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "name": person.full_name,
        "role": member.role,
        "position": person.position,
        "organisation": str(person.organisation) if person.organisation_id else "",
        "language": person.preferred_language,
        "email": person.email,
    }


def _organisation(organisation: Organisation) -> dict:
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "short_name": organisation.short_name,
    }


def _contact(person: Person) -> dict:
    return {
        "id": person.pk,
        "name": person.full_name,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "position": person.position,
        "organisation": str(person.organisation) if person.organisation_id else "",
        "organisation_id": person.organisation_id,
        "organisation_name": person.organisation.name if person.organisation_id else "",
        "organisation_short_name": (
            person.organisation.short_name if person.organisation_id else ""
        ),
    }


def _working_meetings(mission: Mission) -> list[Meeting]:
    """The working programme with everything a snapshot holds: four queries."""
    return list(
        Meeting.objects.filter(mission=mission)
        .select_related("venue")
        .prefetch_related(
            "attendees",
            "partner_organisations",
            Prefetch("partner_contacts", queryset=Person.objects.select_related("organisation")),
        )
        .order_by("pk")
    )


def _content(meeting: Meeting) -> dict:
    """What a delegate sees of a meeting (no bookkeeping): compared from version to version."""
    return {
        "pk": meeting.pk,
        "uid": meeting.uid,
        "title": meeting.title,
        "kind": meeting.kind,
        "status": meeting.status,
        "description": meeting.description,
        "start": iso(meeting.start),
        "end": iso(meeting.end),
        "venue": _venue(meeting.venue),
        "attendees": sorted(member.pk for member in meeting.attendees.all()),
        "partner_organisations": [
            _organisation(o)
            for o in sorted(meeting.partner_organisations.all(), key=lambda o: (o.name, o.pk))
        ],
        "partner_contacts": [
            _contact(p)
            for p in sorted(
                meeting.partner_contacts.all(), key=lambda p: (p.last_name, p.first_name, p.pk)
            )
        ],
        "deleted": False,
    }


def _same_content(a: dict, b: dict) -> bool:
    return {k: v for k, v in a.items() if k not in DERIVED_KEYS} == {
        k: v for k, v in b.items() if k not in DERIVED_KEYS
    }


def mission_is_over(mission: Mission, now: datetime) -> bool:
    """Past the mission's last day in its own zone: tombstones (deleted meetings, former
    attendees) are no longer carried from version to version; a version still tells once
    what it cancels, so that a phone learns it."""
    return now.astimezone(mission.tz).date() > mission.end_date


def build_snapshot(
    mission: Mission, previous: ProgrammeVersion | None, *, now: datetime | None = None
) -> dict:
    """The working programme as the next version would freeze it (see releases/snapshot.py).

    `now` is the publication instant: the LAST-MODIFIED of what changed in this version.
    """
    now = now or timezone.now()
    before = previous.snapshot["meetings"] if previous is not None else {}
    over = mission_is_over(mission, now)
    members = DelegationMember.objects.filter(mission=mission).select_related(
        "person", "person__organisation"
    )
    member_rows = {str(m.pk): _member(m) for m in members}
    meetings = {}
    for meeting in _working_meetings(mission):
        entry = _content(meeting)
        old = before.get(meeting.uid)
        if old is None:
            # First published now: the working SEQUENCE, which is what phones held before
            # versions existed (version 1 of an existing mission), so it never goes back.
            entry["sequence"] = meeting.sequence
            entry["last_modified"] = iso(now)
            former = set()
        else:
            moved = any(old.get(key) != entry[key] for key in SEQUENCE_KEYS)
            entry["sequence"] = old["sequence"] + (1 if moved else 0)
            entry["last_modified"] = old["last_modified"] if _same_content(old, entry) else iso(now)
            # Once the mission is over, only those who lose it in this very version.
            carried = set() if over else set(old.get("former_attendees", []))
            former = set(old["attendees"]) | carried
        former -= set(entry["attendees"])
        former &= {int(pk) for pk in member_rows}
        entry["former_attendees"] = sorted(former)
        entry["created"] = iso(meeting.created)
        meetings[meeting.uid] = entry
    for uid, old in before.items():
        if uid in meetings or (over and old.get("deleted")):
            continue
        # Deleted from the working programme: kept, cancelled, so that phones remove it;
        # once the mission is over, only in the version that deletes it.
        tombstone = dict(old)
        if not old.get("deleted"):
            tombstone.update(
                deleted=True,
                status=Meeting.Status.CANCELLED,
                sequence=old["sequence"] + 1,
                last_modified=iso(now),
            )
        meetings[uid] = tombstone
    return {
        "format": FORMAT,
        "mission": {
            "title": mission.title,
            "city": mission.city,
            "region": mission.region,
            "country": mission.country,
            "timezone": mission.timezone,
            "home_timezone": mission.home_timezone,
            "start_date": mission.start_date.isoformat(),
            "end_date": mission.end_date.isoformat(),
            "description": mission.description,
            "organiser": mission.organiser,
        },
        "members": dict(sorted(member_rows.items(), key=lambda item: int(item[0]))),
        "meetings": dict(sorted(meetings.items())),
    }


def latest_version(mission: Mission) -> ProgrammeVersion | None:
    return ProgrammeVersion.objects.latest_of(mission)


def _lock(mission: Mission) -> Mission:
    """The mission row locked until commit (PostgreSQL): two publishers (or a publisher
    and a discarder) of one mission take turns, so the second sees the first's version."""
    locked = Mission.objects.select_for_update().filter(pk=mission.pk).first()
    if locked is None:
        raise ValidationError(_("This mission no longer exists."))
    return locked


def _check_expected(previous: ProgrammeVersion | None, expected_number: int | None) -> None:
    if expected_number is None:
        return
    current = previous.number if previous is not None else 0
    if current != expected_number:
        raise PublishConflict(
            _(
                "Somebody else published version %(number)d meanwhile: nothing was "
                "published. Look at the programme again and publish if something still waits."
            )
            % {"number": current},
            code="published_meanwhile",
        )


@transaction.atomic
def programme_publish(
    *, mission: Mission, user, note: str = "", expected_number: int | None = None
) -> ProgrammeVersion:
    """Freeze the working programme as the next version (1 for the first publication).

    `expected_number`: the latest version the coordinator saw (0: none); if somebody
    published since, PublishConflict and nothing is written. NothingToPublish when the
    programme is what the latest version already says.
    """
    mission = _lock(mission)
    previous = latest_version(mission)
    _check_expected(previous, expected_number)
    now = timezone.now()
    snapshot = build_snapshot(mission, previous, now=now)
    if previous is not None and snapshot == previous.snapshot:
        raise NothingToPublish(
            _("Nothing to publish: the programme is the same as version %(number)d.")
            % {"number": previous.number},
            code="nothing_to_publish",
        )
    version = ProgrammeVersion(
        mission=mission,
        number=(previous.number if previous is not None else 0) + 1,
        note=note.strip(),
        published_by=user if user is not None and user.is_authenticated else None,
        published_at=now,
        snapshot=snapshot,
        changes=changes.to_json(
            changes.diff(previous.snapshot if previous is not None else None, snapshot)
        ),
        meeting_count=sum(1 for m in snapshot["meetings"].values() if not m["deleted"]),
        settled_at=now,
        event_digests=event_digests(snapshot),
    )
    version.full_clean(exclude=["mission", "published_by"])
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError as error:
        # Only where the row lock is not enforced (SQLite serialises writers anyway).
        raise PublishConflict(
            _("Somebody else published at the same moment: nothing was published. Try again."),
            code="published_meanwhile",
        ) from error
    if mission.status == Mission.Status.DRAFT:
        mission.status = Mission.Status.PUBLISHED
        mission_save(mission=mission)
    # In this transaction: a version is never without its digests, nor a digest recorded
    # twice; they are e-mailed after the commit (releases/digests.py).
    digests.digests_record(version=version)
    return version


def _differing(mission: Mission, version: ProgrammeVersion) -> tuple[dict, dict]:
    """{uid: published entry} to bring back, {uid: Meeting} to delete."""
    published = {
        uid: entry for uid, entry in version.snapshot["meetings"].items() if not entry["deleted"]
    }
    restore, remove, present = {}, {}, set()
    for meeting in _working_meetings(mission):
        entry = published.get(meeting.uid)
        if entry is None:
            remove[meeting.uid] = meeting
        elif not _same_content(entry, _content(meeting)):
            restore[meeting.uid] = entry
    working = set(remove) | {m for m in published if m in restore}
    present = set(Meeting.objects.filter(mission=mission).values_list("uid", flat=True))
    for uid, entry in published.items():
        if uid not in present:
            restore[uid] = entry
    del working
    return restore, remove


@transaction.atomic
def programme_discard(*, mission: Mission, user, expected_number: int | None = None) -> int:
    """Bring the working meetings back to the latest version: changed ones reverted,
    deleted ones re-created with their UID, new ones deleted. Internal notes and outcomes
    (never published) stay as they are. Returns how many meetings were touched."""
    mission = _lock(mission)
    version = latest_version(mission)
    _check_expected(version, expected_number)
    if version is None:
        raise ValidationError(
            _("Nothing to discard: this programme has never been published."),
            code="nothing_to_discard",
        )
    restore, remove = _differing(mission, version)
    if not restore and not remove:
        raise ValidationError(
            _("Nothing to discard: the programme is the same as version %(number)d.")
            % {"number": version.number},
            code="nothing_to_discard",
        )
    for meeting in remove.values():
        meeting._change_reason = str(DISCARDED)
        meeting_delete(meeting=meeting)
    existing = {m.uid: m for m in Meeting.objects.filter(mission=mission, uid__in=list(restore))}
    venues = set(Venue.objects.filter(mission=mission).values_list("pk", flat=True))
    members = {m.pk: m for m in DelegationMember.objects.filter(mission=mission)}
    organisation_ids = {o["id"] for e in restore.values() for o in e["partner_organisations"]}
    contact_ids = {c["id"] for e in restore.values() for c in e["partner_contacts"]}
    organisations = Organisation.objects.in_bulk(organisation_ids)
    contacts = Person.objects.in_bulk(contact_ids)
    for uid, entry in restore.items():
        meeting = existing.get(uid)
        if meeting is None:
            meeting = Meeting(mission=mission, uid=uid)
            if not Meeting.objects.filter(pk=entry["pk"]).exists():
                meeting.pk = entry["pk"]
        meeting.mission = mission
        meeting.title = entry["title"]
        meeting.kind = entry["kind"]
        meeting.status = entry["status"]
        meeting.description = entry["description"]
        meeting.start = parse_iso(entry["start"])
        meeting.end = parse_iso(entry["end"])
        venue_id = entry["venue"]["id"] if entry["venue"] else None
        meeting.venue_id = venue_id if venue_id in venues else None
        meeting_save(
            meeting=meeting,
            attendees=[members[pk] for pk in entry["attendees"] if pk in members],
            partner_organisations=[
                organisations[o["id"]]
                for o in entry["partner_organisations"]
                if o["id"] in organisations
            ],
            partner_contacts=[
                contacts[c["id"]] for c in entry["partner_contacts"] if c["id"] in contacts
            ],
            history_reason=str(DISCARDED),
        )
        if existing.get(uid) is None:
            Meeting.objects.filter(pk=meeting.pk).update(created=parse_iso(entry["created"]))
    # From now on only later saves are pending.
    ProgrammeVersion.objects.filter(pk=version.pk).update(settled_at=timezone.now())
    return len(restore) + len(remove)


def pending_changes(mission: Mission, version: ProgrammeVersion | None) -> int:
    """How many meetings differ from `version` (the latest), in one query: those saved
    since it was settled (new or changed) plus those of the version no longer there.

    Saves count even if they put a meeting back as it was; changes of the directory (a
    contact's position) or of the delegation do not count here, but are published with
    the next version all the same.
    """
    if version is None:
        return Meeting.objects.filter(mission=mission).count()
    # The planner's bar counts the same way (ProgrammeVersionQuerySet.with_pending).
    return ProgrammeVersion.objects.with_pending().get(pk=version.pk).pending


@dataclass(frozen=True)
class ProgrammeLabel:
    """What a printed or exported programme says it shows (the working programme)."""

    text: str  # "Version 2 of 23 Apr 2025", "... + 3 unpublished changes", "Not published yet"
    suffix: str  # for file names: "v2", "v2-draft", "draft"


def programme_label(mission: Mission) -> ProgrammeLabel:
    """One query: the latest version and what is pending since, in the coordinators' words."""
    version = (
        ProgrammeVersion.objects.filter(mission=mission).with_pending().order_by("-number").first()
    )
    if version is None:
        return ProgrammeLabel(_("Working programme, not published yet"), "draft")
    day = formats.date_format(version.published_at.astimezone(mission.home_tz), "j M Y")
    text = _("Version %(number)d of %(day)s") % {"number": version.number, "day": day}
    if not version.pending:
        return ProgrammeLabel(text, f"v{version.number}")
    more = ngettext(
        "%(text)s + %(count)d unpublished change",
        "%(text)s + %(count)d unpublished changes",
        version.pending,
    ) % {"text": text, "count": version.pending}
    return ProgrammeLabel(more, f"v{version.number}-draft")


def programme_publish_restored(*, mission: Mission) -> ProgrammeVersion | None:
    """Versions go with a deleted mission and are in no backup file: a published mission
    brought back (from history or from a file) is published again at once, as it came back,
    so that its delegates' links answer as before."""
    if mission.status != Mission.Status.PUBLISHED or latest_version(mission) is not None:
        return None
    return programme_publish(mission=mission, user=None, note=_("Restored"))
