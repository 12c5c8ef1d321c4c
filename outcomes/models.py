"""What came out of the mission: an outcome per meeting and follow-up actions.

Internal to the agency: never in a feed, a delegate page or a snapshot of a programme version.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from delegations.models import DelegationMember, Organisation
from meetings.models import Meeting
from missions.models import EARLIEST_DATE, LATEST_DATE, Mission


class Interest(models.TextChoices):
    NONE = "none", _("None")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class OutcomeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OutcomeQuerySet":
        return self.filter(meeting__mission__in=Mission.objects.visible_to(user).values("pk"))

    def editable_by(self, user) -> "OutcomeQuerySet":
        return self.filter(meeting__mission__in=Mission.objects.editable_by(user).values("pk"))


class Outcome(models.Model):
    class Held(models.TextChoices):
        HELD = "held", _("Held")
        NO_SHOW = "no_show", _("Not held: no-show")
        CANCELLED = "cancelled", _("Not held: cancelled")

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="result"
    )
    held = models.CharField(_("held"), max_length=16, choices=Held.choices, default=Held.HELD)
    summary = models.TextField(_("summary"), blank=True)
    interest = models.CharField(
        _("interest shown"), max_length=8, choices=Interest.choices, blank=True
    )
    next_steps = models.TextField(_("agreed next steps"), blank=True)
    notable = models.BooleanField(
        _("notable"), default=False, help_text=_("Quoted in words in the mission report.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = OutcomeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self) -> str:
        return str(self.meeting)

    def clean(self) -> None:
        # Whether the meeting has started depends on the clock: outcome_save checks that.
        if (
            self.meeting_id
            and self.held == self.Held.HELD
            and self.meeting.status == Meeting.Status.CANCELLED
        ):
            raise ValidationError(
                {
                    "held": ValidationError(
                        _("This meeting was cancelled: it cannot have been held."),
                        code="held_but_cancelled",
                    )
                }
            )

    @property
    def is_held(self) -> bool:
        return self.held == self.Held.HELD


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user) -> "FollowUpQuerySet":
        return self.filter(mission__in=Mission.objects.visible_to(user).values("pk"))

    def editable_by(self, user) -> "FollowUpQuerySet":
        return self.filter(mission__in=Mission.objects.editable_by(user).values("pk"))

    def open(self) -> "FollowUpQuerySet":
        return self.filter(status=FollowUp.Status.OPEN)


class FollowUp(models.Model):
    class Status(models.TextChoices):
        # "Open" alone is the verb elsewhere ("Apri"): the status has its own context.
        OPEN = "open", pgettext_lazy("follow-up status", "Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation concerned"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    action = models.CharField(_("what"), max_length=300)
    # The owner is a coordinator (a user) or a delegate of the mission, never both.
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner (coordinator)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    owner_member = models.ForeignKey(
        DelegationMember,
        verbose_name=_("owner (delegate)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = FollowUpQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        indexes = [models.Index(fields=["status", "due_date"], name="followup_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_user__isnull=True) | Q(owner_member__isnull=True),
                name="followup_one_owner",
                violation_error_message=_("A follow-up has one owner."),
            ),
        ]

    def __str__(self) -> str:
        return self.action

    @property
    def owner(self):
        return self.owner_user or self.owner_member

    @property
    def owner_label(self) -> str:
        if self.owner_user_id:
            return self.owner_user.get_full_name() or self.owner_user.get_username()
        if self.owner_member_id:
            return self.owner_member.person.full_name
        return ""

    def is_overdue(self, today) -> bool:
        return bool(self.status == self.Status.OPEN and self.due_date and self.due_date < today)

    def clean(self) -> None:
        errors = {}
        if self.meeting_id and self.mission_id and self.meeting.mission_id != self.mission_id:
            errors["meeting"] = ValidationError(
                _("This meeting belongs to another mission."), code="meeting_other_mission"
            )
        if (
            self.owner_member_id
            and self.mission_id
            and self.owner_member.mission_id != self.mission_id
        ):
            errors["owner_member"] = ValidationError(
                _("This delegate is not in the mission's delegation."), code="owner_outside"
            )
        if (
            self.owner_user_id
            and self.mission_id
            and not self.mission.coordinators.filter(pk=self.owner_user_id).exists()
        ):
            errors["owner_user"] = ValidationError(
                _("This person is not a coordinator of the mission."), code="owner_outside"
            )
        if self.due_date and not EARLIEST_DATE <= self.due_date <= LATEST_DATE:
            errors["due_date"] = ValidationError(
                _("Choose a due date between 2000 and 2100."), code="due_out_of_range"
            )
        # A follow-up comes out of its meeting: due before that day (in the mission's
        # zone, where the meeting took place) is a typo.
        if (
            self.due_date
            and self.meeting_id
            and "meeting" not in errors
            and "due_date" not in errors
            and self.due_date < self.meeting.local_start.date()
        ):
            errors["due_date"] = ValidationError(
                _("The due date is before the meeting (%(day)s)."),
                code="due_before_meeting",
                params={"day": self.meeting.local_start.date().isoformat()},
            )
        if errors:
            raise ValidationError(errors)
