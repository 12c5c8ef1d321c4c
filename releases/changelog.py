"""Read models for the changelog, the compare page, the publish preview and the delegate's
"What changed": selectors that own their queries, and the words of releases/changes.py.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from delegations.models import DelegationMember
from missions.models import Mission
from releases import changes as changes_module
from releases.changes import ChangeView, MeetingChange, Zones
from releases.digests import Digest, digests_build
from releases.models import DigestDelivery, ProgrammeVersion
from releases.services import build_snapshot, latest_version


@dataclass
class MemberCount:
    name: str
    count: int

    @property
    def text(self) -> str:
        return changes_module.count_text(self.count)


@dataclass
class VersionEntry:
    version: ProgrammeVersion
    published: str  # "22 April 2025 at 15:02 (Detroit)"
    published_home: str
    changes: list[ChangeView]
    members: list[MemberCount]
    deliveries: list[DigestDelivery] = field(default_factory=list)


def _member_names(mission: Mission) -> dict[int, str]:
    """Everyone of the delegation by pk (one query); a member removed since has a name in
    the version's changes only if added or removed there, else "#pk"."""
    members = (
        DelegationMember.objects.filter(mission=mission)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    # In the roster's order (by last name), which member_counts keeps.
    return {member.pk: member.person.full_name for member in members}


def member_counts(changes: list[MeetingChange], names: dict[int, str]) -> list[MemberCount]:
    pks = set(names)
    for change in changes:
        for entry in (change.old, change.new):
            if entry:
                pks.update(int(pk) for pk in entry["attendees"])
    counts = changes_module.members_affected(changes, sorted(pks))
    fallback = {int(pk): name for change in changes for pk, name in change.names.items()}
    # The roster's order (names come by last name); members removed since go last.
    order = {pk: index for index, pk in enumerate(names)}
    ranked = sorted(counts, key=lambda pk: (order.get(pk, len(order)), pk))
    return [
        MemberCount(name=names.get(pk) or fallback.get(pk, f"#{pk}"), count=counts[pk])
        for pk in ranked
    ]


def zones_of(mission: Mission) -> Zones:
    return Zones.of({"timezone": mission.timezone, "home_timezone": mission.home_timezone})


def changelog(mission: Mission) -> list[VersionEntry]:
    """Every version of the mission, newest first, with its changes in words, a count per
    delegate and its digests: four queries whatever the number of versions (the versions
    without their snapshots, their publishers, their digests, the delegation)."""
    zones = zones_of(mission)
    versions = list(
        ProgrammeVersion.objects.for_mission(mission)
        .defer("snapshot")
        .select_related("published_by")
        .prefetch_related(
            Prefetch(
                "digests",
                queryset=DigestDelivery.objects.select_related("member__person").order_by(
                    "member__person__last_name", "member__person__first_name", "pk"
                ),
            )
        )
        .order_by("-number")
    )
    names = _member_names(mission) if versions else {}
    entries = []
    for version in versions:
        found = changes_module.from_json(version.changes)
        entries.append(
            VersionEntry(
                version=version,
                published=changes_module.instant_text(version.published_at, zones.local),
                published_home=changes_module.instant_text(version.published_at, zones.home),
                changes=changes_module.present(found, zones),
                members=member_counts(found, names),
                deliveries=list(version.digests.all()),
            )
        )
    return entries


@dataclass
class Comparison:
    older: ProgrammeVersion
    newer: ProgrammeVersion
    changes: list[ChangeView]
    members: list[MemberCount]


def compare(mission: Mission, older: int, newer: int) -> Comparison | None:
    """What changed from version `older` to version `newer` (either way round); None if one
    of them does not exist. Two queries (both versions, the delegation)."""
    versions = {
        v.number: v
        for v in ProgrammeVersion.objects.for_mission(mission).filter(number__in=[older, newer])
    }
    if older not in versions or newer not in versions:
        return None
    found = changes_module.diff(versions[older].snapshot, versions[newer].snapshot)
    return Comparison(
        older=versions[older],
        newer=versions[newer],
        changes=changes_module.present(found, zones_of(mission)),
        members=member_counts(found, _member_names(mission)),
    )


def version_numbers(mission: Mission) -> list[int]:
    return list(
        ProgrammeVersion.objects.for_mission(mission)
        .order_by("-number")
        .values_list("number", flat=True)
    )


@dataclass
class PublishPreview:
    """What publishing now would tell whom: the changes since the latest version and each
    affected delegate's e-mail (or that they have no address)."""

    expected_number: int  # the latest version seen (0: none): a concurrent publish is refused
    changes: list[ChangeView]
    digests: list[Digest]

    @property
    def to_email(self) -> list[Digest]:
        return [d for d in self.digests if d.email]

    @property
    def without_email(self) -> list[Digest]:
        return [d for d in self.digests if not d.email]


def publish_preview(mission: Mission, *, note: str = "") -> PublishPreview:
    previous = latest_version(mission)
    now = timezone.now()
    snapshot = build_snapshot(mission, previous, now=now)
    found = changes_module.diff(previous.snapshot if previous else None, snapshot)
    number = (previous.number if previous else 0) + 1
    return PublishPreview(
        expected_number=number - 1,
        changes=changes_module.present(found, zones_of(mission)),
        # A first publication e-mails nobody (releases.digests.digests_record): say so.
        digests=[]
        if previous is None
        else digests_build(
            mission=mission,
            changes=found,
            snapshot_mission=snapshot["mission"],
            number=number,
            published_at=now,
            note=note,
        ),
    )


@dataclass
class MemberUpdate:
    number: int
    published: str
    changes: list[ChangeView]
    note: str = ""


def latest_for_page(release_id: int | None) -> ProgrammeVersion | None:
    """The latest version for the delegate's page, snapshot and changes in one query
    (`release_id` comes annotated with the member: releases.published.member_by_token)."""
    if release_id is None:
        return None
    return ProgrammeVersion.objects.only(
        "number", "published_at", "note", "snapshot", "changes"
    ).get(pk=release_id)


def member_update(
    member: DelegationMember, version: ProgrammeVersion | None
) -> MemberUpdate | None:
    """ "Updated on ... (version N)" and the delegate's own changes in it, in the active
    language; no query (the version is the one the page renders from)."""
    if version is None or str(member.pk) not in version.snapshot["members"]:
        return None
    mission = version.snapshot["mission"]
    zones = Zones.of(mission)
    # Version 1: everything would be "new"; the agenda below says it better.
    found = changes_module.from_json(version.changes) if version.number > 1 else []
    mine = changes_module.for_member(found, member.pk)
    return MemberUpdate(
        number=version.number,
        published=changes_module.instant_text(version.published_at, zones.local),
        changes=changes_module.present(mine, zones, personal=True),
        note=version.note,
    )
