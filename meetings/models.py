import uuid
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from delegations.models import DelegationMember, Organisation, Person
from missions.models import Mission, Venue

# The missions' window (missions.models.EARLIEST_DATE..LATEST_DATE) with a day's margin for
# zones: an instant outside it is refused by the database whatever the form says.
MEETING_EARLIEST = datetime(1999, 12, 31, tzinfo=UTC)
MEETING_LATEST = datetime(2101, 1, 2, tzinfo=UTC)
# Longer is a typo (a wrong month or year), and would make pages and feeds heavy.
MAX_MEETING_DAYS = 7


def new_uid() -> str:
    # Stable for the life of the meeting: calendars match updates on it.
    return f"{uuid.uuid4()}@trade-mission-planner"


class MeetingQuerySet(models.QuerySet):
    def for_mission(self, mission: Mission) -> "MeetingQuerySet":
        return self.filter(mission=mission)

    def visible_to(self, user) -> "MeetingQuerySet":
        """Meetings (internal notes included) of the missions the user plans."""
        return self.filter(mission__in=Mission.objects.visible_to(user).values("pk"))

    def editable_by(self, user) -> "MeetingQuerySet":
        return self.filter(mission__in=Mission.objects.editable_by(user).values("pk"))

    def active(self) -> "MeetingQuerySet":
        return self.exclude(status=Meeting.Status.CANCELLED)

    def with_details(self) -> "MeetingQuerySet":
        """Everything a page or a calendar shows, in a fixed number of queries."""
        return self.select_related("mission", "venue").prefetch_related(
            models.Prefetch(
                "attendees",
                queryset=DelegationMember.objects.select_related(
                    "person", "person__organisation"
                ).order_by("person__last_name", "person__first_name"),
            ),
            "partner_organisations",
            models.Prefetch(
                "partner_contacts",
                queryset=Person.objects.select_related("organisation"),
            ),
        )


class Meeting(models.Model):
    class Kind(models.TextChoices):
        BRIEFING = "briefing", _("Briefing")
        B2B = "b2b", _("B2B meeting")
        INSTITUTIONAL = "institutional", _("Institutional meeting")
        PRESENTATION = "presentation", _("Presentation")
        SITE_VISIT = "site_visit", _("Site visit")
        DINNER = "dinner", _("Dinner / networking")
        TRAVEL = "travel", _("Travel")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        TENTATIVE = "tentative", _("Tentative")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.B2B)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        # RESTRICT, not PROTECT: a venue with meetings cannot be deleted on its own, but
        # deleting the whole mission takes both (and can be restored from history).
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CONFIRMED
    )
    attendees = models.ManyToManyField(
        DelegationMember,
        verbose_name=_("delegation attendees"),
        related_name="meetings",
        blank=True,
    )
    partner_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("partner organisations"),
        related_name="meetings",
        blank=True,
    )
    partner_contacts = models.ManyToManyField(
        Person,
        verbose_name=_("partner contacts"),
        related_name="meetings_as_partner",
        blank=True,
    )
    description = models.TextField(
        _("public description"), blank=True, help_text=_("Shown to delegates and in calendars.")
    )
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Coordinators only; never in a feed.")
    )
    uid = models.CharField(_("calendar UID"), max_length=255, unique=True, default=new_uid)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    # Where an imported invitation came from (transfer/ics_import.py): the sender's UID,
    # SEQUENCE and DTSTAMP, so that the sender's update changes this meeting and an older
    # copy of the invitation is recognised and ignored. Empty for meetings made here.
    source_uid = models.CharField(_("invitation UID"), max_length=255, blank=True, default="")
    source_sequence = models.PositiveIntegerField(_("invitation sequence"), default=0)
    source_stamp = models.DateTimeField(_("invitation time stamp"), null=True, blank=True)
    # Optimistic concurrency (see missions.models.Mission.version).
    version = models.PositiveIntegerField(_("version"), default=1)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[attendees, partner_organisations, partner_contacts])

    class Meta:
        ordering = ["start", "end", "title"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["mission", "start"], name="meeting_mission_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="meeting_end_after_start",
                violation_error_message=_("The meeting must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(start__gte=MEETING_EARLIEST, end__lte=MEETING_LATEST),
                name="meeting_times_in_window",
                violation_error_message=_("Meeting times must lie between 2000 and 2100."),
            ),
            models.UniqueConstraint(
                fields=["mission", "source_uid"],
                condition=~Q(source_uid=""),
                name="meeting_source_uid_unique_per_mission",
                violation_error_message=_("This invitation is already imported in the mission."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = ValidationError(
                _("The meeting must end after it starts."), code="end_before_start"
            )
        elif self.start and self.end and self.end - self.start > timedelta(days=MAX_MEETING_DAYS):
            errors["end"] = ValidationError(
                _("A meeting lasts at most %(days)d days."),
                code="meeting_too_long",
                params={"days": MAX_MEETING_DAYS},
            )
        if self.mission_id:
            for name in ("start", "end"):
                error = self.mission.outside_window_error(getattr(self, name))
                if error is not None and name not in errors:
                    errors[name] = error
        if self.venue_id and self.mission_id and self.venue.mission_id != self.mission_id:
            errors["venue"] = ValidationError(
                _("This venue belongs to another mission."), code="venue_other_mission"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def local_start(self):
        return self.start.astimezone(self.mission.tz)

    @property
    def local_end(self):
        return self.end.astimezone(self.mission.tz)

    @property
    def home_start(self):
        return self.start.astimezone(self.mission.home_tz)

    @property
    def home_end(self):
        return self.end.astimezone(self.mission.home_tz)
