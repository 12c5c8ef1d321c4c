"""Programme versions (schedule releases, as pretalx calls them), per mission.

Coordinators edit the *working programme* (the live Meeting rows). Publishing freezes what
delegates see into a ProgrammeVersion: `snapshot` holds everything a delegate page, a
delegate feed, a programme feed or a single-meeting download shows, in the format described
in `releases/snapshot.py`; `changes` what changed since the previous version
(`releases/changes.py`). Public outputs render from the latest version's snapshot only, so
unpublished edits never reach a phone, and the same version always renders the same bytes.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from delegations.models import DelegationMember
from meetings.models import Meeting
from missions.models import Mission


class ProgrammeVersionQuerySet(models.QuerySet):
    def for_mission(self, mission: Mission) -> "ProgrammeVersionQuerySet":
        return self.filter(mission=mission)

    def latest_of(self, mission: Mission) -> "ProgrammeVersion | None":
        return self.filter(mission=mission).order_by("-number").first()

    def without_snapshot(self) -> "ProgrammeVersionQuerySet":
        """For bars and lists: the JSON may weigh hundreds of kilobytes."""
        return self.defer("snapshot", "changes", "event_digests")

    def with_pending(self) -> "ProgrammeVersionQuerySet":
        """Annotate `pending`: how many meetings of the mission differ from this version
        (see releases.services.pending_changes, the same count) as subqueries, so that the
        planner's bar costs one query whatever the number of meetings."""

        def count(**condition) -> Coalesce:
            rows = (
                Meeting.objects.filter(mission=OuterRef("mission"), **condition)
                .order_by()
                .values("mission")
                .annotate(n=Count("pk"))
                .values("n")
            )
            return Coalesce(Subquery(rows[:1]), 0)

        # Settled at its publication, or at a later "discard".
        since = Coalesce(OuterRef("settled_at"), OuterRef("published_at"))
        return self.defer("snapshot", "changes", "event_digests").annotate(
            changed=count(updated__gt=since),
            kept=count(created__lte=since),
        )

    def visible_to(self, user) -> "ProgrammeVersionQuerySet":
        return self.filter(mission__in=Mission.objects.visible_to(user).values("pk"))


class ProgrammeVersion(models.Model):
    mission = models.ForeignKey(
        Mission,
        verbose_name=_("mission"),
        on_delete=models.CASCADE,
        related_name="programme_versions",
    )
    # 1 for a mission's first publication, then 2, 3, ...: never two with the same number.
    number = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"))
    snapshot = models.JSONField(_("snapshot"))
    changes = models.JSONField(_("changes"), default=list, blank=True)
    # Meetings in the snapshot that are still in the programme (tombstones left out): with
    # `settled_at`, what lets `pending_changes` count in one query without reading the JSON.
    meeting_count = models.PositiveIntegerField(_("meetings"), default=0)
    # The working programme matched this version at this instant: its publication, or a
    # later "discard unpublished changes". Meetings saved after it are pending.
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    # {uid: digest of what the meeting's calendar event is made of} (releases.snapshot.
    # event_digests), written with the snapshot: the feeds key their kept events on it
    # without hashing a thousand entries per poll. Versions are never edited; an empty one
    # (a version from before it existed) is computed when read.
    event_digests = models.JSONField(_("event digests"), default=dict, blank=True, editable=False)

    objects = ProgrammeVersionQuerySet.as_manager()

    class Meta:
        ordering = ["mission", "-number"]
        verbose_name = _("programme version")
        verbose_name_plural = _("programme versions")
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "number"], name="programme_version_unique_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="programme_version_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.mission} v{self.number}"

    @property
    def pending(self) -> int:
        """With `with_pending()`: meetings saved since, plus those gone since."""
        return self.changed + max(0, self.meeting_count - self.kept)


class DigestDelivery(models.Model):
    """One e-mail to one delegate about one version: recorded before it is sent, so that a
    digest is never sent twice (the unique constraint) even if two publishers race."""

    version = models.ForeignKey(
        ProgrammeVersion,
        verbose_name=_("programme version"),
        on_delete=models.CASCADE,
        related_name="digests",
    )
    member = models.ForeignKey(
        DelegationMember,
        verbose_name=_("delegate"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digests",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        ordering = ["version", "pk"]
        verbose_name = _("change digest")
        verbose_name_plural = _("change digests")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "member"], name="digest_once_per_member_and_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.email}"
