"""B2B matchmaking for an incoming event: a session of short slots at tables, participants on
both sides (the delegation and the visiting companies' contacts), requests to meet, and the
runs of the scheduler that turn accepted requests into ordinary meetings (docs/matchmaking.md).

Times: a session's days, slots and breaks are wall-clock times in the mission's zone (the one
truth for input and display); absences are aware datetimes stored in UTC.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from delegations.models import DelegationMember, Person, is_one_line, new_token
from meetings.models import Meeting
from missions.models import Mission, Venue

MIN_SLOT_MINUTES = 5
MAX_SLOT_MINUTES = 240
# A solver run longer than this holds a request (and a worker) too long.
MAX_SOLVER_SECONDS = 120


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SessionQuerySet":
        return self.filter(mission__in=Mission.objects.visible_to(user).values("pk"))

    def editable_by(self, user) -> "SessionQuerySet":
        return self.filter(mission__in=Mission.objects.editable_by(user).values("pk"))


class Session(models.Model):
    """One matchmaking event of a mission: its days, slot length, tables and participants."""

    mission = models.ForeignKey(
        Mission,
        verbose_name=_("mission"),
        on_delete=models.CASCADE,
        related_name="matchmaking_sessions",
    )
    title = models.CharField(_("title"), max_length=200, default=_("B2B meetings"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        default=20,
        validators=[MinValueValidator(MIN_SLOT_MINUTES), MaxValueValidator(MAX_SLOT_MINUTES)],
    )
    max_meetings = models.PositiveSmallIntegerField(
        _("meetings per participant at most"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("Empty: no limit. A participant's own limit overrides it."),
    )
    max_requests = models.PositiveSmallIntegerField(
        _("requests per participant at most"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("How many meetings one participant may ask for. Empty: no limit."),
    )
    requests_open = models.BooleanField(
        _("participants may send and answer requests"),
        default=True,
        help_text=_("Close it before the final schedule; coordinators can still decide."),
    )
    solver_seconds = models.PositiveSmallIntegerField(
        _("scheduler time limit (seconds)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SOLVER_SECONDS)],
    )
    hall = models.ForeignKey(
        Venue,
        verbose_name=_("hall"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where the tables stand; each table becomes a venue of the mission."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["mission", "title"]
        verbose_name = _("matchmaking session")
        verbose_name_plural = _("matchmaking sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "title"],
                name="matchmaking_session_title_unique",
                violation_error_message=_("The mission already has a session with this title."),
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=MIN_SLOT_MINUTES, slot_minutes__lte=MAX_SLOT_MINUTES),
                name="matchmaking_session_slot_minutes_range",
                violation_error_message=_("A slot lasts between 5 and 240 minutes."),
            ),
            models.CheckConstraint(
                condition=Q(solver_seconds__gte=1, solver_seconds__lte=MAX_SOLVER_SECONDS),
                name="matchmaking_session_solver_seconds_range",
                violation_error_message=_("The time limit is between 1 and 120 seconds."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.hall_id and self.mission_id and self.hall.mission_id != self.mission_id:
            raise ValidationError(
                {"hall": _("This venue belongs to another mission.")}, code="venue_other_mission"
            )


class SessionDay(models.Model):
    """A day of meetings: from `start` to `end` (local wall clock) cut into slots."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"))
    start = models.TimeField(_("first slot starts"))
    end = models.TimeField(_("last slot ends by"))

    class Meta:
        ordering = ["session", "date"]
        verbose_name = _("session day")
        verbose_name_plural = _("session days")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "date"],
                name="matchmaking_day_once",
                violation_error_message=_("This day is already in the session."),
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="matchmaking_day_end_after_start",
                violation_error_message=_("The day must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.start:%H:%M}-{self.end:%H:%M}"

    def clean(self) -> None:
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = ValidationError(
                _("The day must end after it starts."), code="day_end_before_start"
            )
        if self.date and self.session_id:
            mission = self.session.mission
            if not mission.start_date <= self.date <= mission.end_date:
                errors["date"] = ValidationError(
                    _("Choose a day of the mission (%(first)s to %(last)s)."),
                    code="day_outside_mission",
                    params={"first": mission.start_date, "last": mission.end_date},
                )
        if errors:
            raise ValidationError(errors)


class SessionBreak(models.Model):
    """A pause in a day (lunch, a keynote): no slot overlaps it."""

    day = models.ForeignKey(
        SessionDay, verbose_name=_("day"), on_delete=models.CASCADE, related_name="breaks"
    )
    start = models.TimeField(_("from"))
    end = models.TimeField(_("to"))
    label = models.CharField(_("label"), max_length=100, blank=True)

    class Meta:
        ordering = ["day", "start"]
        verbose_name = _("break")
        verbose_name_plural = _("breaks")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="matchmaking_break_end_after_start",
                violation_error_message=_("The break must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.start:%H:%M}-{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError(
                {"end": _("The break must end after it starts.")}, code="break_end_before_start"
            )


class Table(models.Model):
    """A meeting table: one of the interchangeable pool, or a participant's own booth."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="tables"
    )
    name = models.CharField(_("name"), max_length=60)
    # The meetings placed here have this venue (created by the scheduler on first use).
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "name"],
                name="matchmaking_table_name_unique",
                violation_error_message=_("The session already has a table with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.name and not is_one_line(self.name):
            raise ValidationError(
                {"name": _("A name must be on one line, without control characters.")},
                code="multi_line_name",
            )


class ParticipantQuerySet(models.QuerySet):
    def with_people(self) -> "ParticipantQuerySet":
        return self.select_related("person", "person__organisation", "member", "booth")

    def visible_to(self, user) -> "ParticipantQuerySet":
        return self.filter(session__in=Session.objects.visible_to(user).values("pk"))

    def editable_by(self, user) -> "ParticipantQuerySet":
        return self.filter(session__in=Session.objects.editable_by(user).values("pk"))


class Participant(models.Model):
    """Someone who meets at the session: a delegation member, or a visiting company's contact
    (a person of the directory). Each has a secret link to answer requests and a calendar."""

    class Side(models.TextChoices):
        DELEGATION = "delegation", _("Delegation")
        VISITOR = "visitor", _("Visiting company")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="participants"
    )
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="matchmaking_participations",
    )
    # The delegation side only: removing the member from the delegation removes them here.
    member = models.ForeignKey(
        DelegationMember,
        verbose_name=_("delegation member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="matchmaking_participations",
    )
    offers = models.TextField(_("offers"), blank=True, max_length=2000)
    looks_for = models.TextField(_("looks for"), blank=True, max_length=2000)
    booth = models.ForeignKey(
        Table,
        verbose_name=_("own table (booth)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosts",
        help_text=_("Their meetings take place at their own table."),
    )
    max_meetings = models.PositiveSmallIntegerField(
        _("meetings at most"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("Empty: the session's limit."),
    )
    # Secret for the participant's page and calendar; rotating it kills old links.
    token = models.CharField(_("access token"), max_length=64, unique=True, default=new_token)
    version = models.PositiveIntegerField(_("version"), default=1)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["session", "side", "person__last_name", "person__first_name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                name="matchmaking_participant_once",
                violation_error_message=_("This person already takes part in the session."),
            ),
            models.CheckConstraint(
                condition=Q(side="delegation", member__isnull=False)
                | Q(side="visitor", member__isnull=True),
                name="matchmaking_participant_side_member",
                violation_error_message=_(
                    "Delegation participants are delegation members; visitors are not."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.person.full_name

    def clean(self) -> None:
        errors = {}
        if self.member_id and self.session_id:
            if self.member.mission_id != self.session.mission_id:
                errors["member"] = ValidationError(
                    _("Not in this mission's delegation."), code="member_other_mission"
                )
            elif self.person_id and self.member.person_id != self.person_id:
                errors["member"] = ValidationError(
                    _("This membership is someone else's."), code="member_other_person"
                )
        if self.booth_id and self.session_id and self.booth.session_id != self.session_id:
            errors["booth"] = ValidationError(
                _("This table belongs to another session."), code="table_other_session"
            )
        if errors:
            raise ValidationError(errors)

    def meeting_limit(self) -> int | None:
        return self.max_meetings if self.max_meetings is not None else self.session.max_meetings


class Absence(models.Model):
    """A time a participant cannot meet (arrives late, leaves early, another commitment)."""

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="absences",
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("to"))

    class Meta:
        ordering = ["participant", "start"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="matchmaking_absence_end_after_start",
                violation_error_message=_("The absence must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant}: {self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M} UTC"

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


class MeetingRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MeetingRequestQuerySet":
        return self.filter(session__in=Session.objects.visible_to(user).values("pk"))

    def editable_by(self, user) -> "MeetingRequestQuerySet":
        return self.filter(session__in=Session.objects.editable_by(user).values("pk"))

    def accepted(self) -> "MeetingRequestQuerySet":
        return self.filter(status=MeetingRequest.Status.ACCEPTED)


class MeetingRequest(models.Model):
    """A asks to meet B. B (or a coordinator for them) accepts or declines; the scheduler
    places accepted requests. Two requests between the same two people are one meeting."""

    class Priority(models.TextChoices):
        MUST = "must", _("Must meet")
        NICE = "nice", _("Would like to meet")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class DecidedBy(models.TextChoices):
        NOBODY = "", _("Nobody yet")
        PARTICIPANT = "participant", _("The participant")
        COORDINATOR = "coordinator", _("A coordinator")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="requests"
    )
    requester = models.ForeignKey(
        Participant,
        verbose_name=_("from"),
        on_delete=models.CASCADE,
        related_name="requests_made",
    )
    requested = models.ForeignKey(
        Participant,
        verbose_name=_("to"),
        on_delete=models.CASCADE,
        related_name="requests_received",
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NICE
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    message = models.TextField(_("message"), blank=True, max_length=1000)
    decided_by = models.CharField(
        _("decided by"), max_length=16, choices=DecidedBy.choices, blank=True, default=""
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The meeting the scheduler placed it in (both requests of a mutual pair share it).
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matchmaking_requests",
    )
    # Kept where it is by the next run (published meetings are kept too).
    locked = models.BooleanField(_("keep in place"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["session", "created", "pk"]
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester=F("requested")),
                name="matchmaking_request_not_to_oneself",
                violation_error_message=_("A participant cannot ask to meet themselves."),
            ),
            models.UniqueConstraint(
                fields=["requester", "requested"],
                name="matchmaking_request_once",
                violation_error_message=_("This request already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.requested}"


class ScheduleRun(models.Model):
    """One press of "Schedule": what the solver was asked, what it proved, what it left out."""

    class Method(models.TextChoices):
        CP_SAT = "cp-sat", _("Optimal (CP-SAT)")
        GREEDY = "greedy", _("First fit (greedy)")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="runs"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    status = models.CharField(_("solver status"), max_length=16)
    phase2_status = models.CharField(_("gap phase status"), max_length=16, blank=True)
    objective = models.PositiveIntegerField(_("weighted requests placed"), default=0)
    bound = models.PositiveIntegerField(_("best bound"), default=0)
    gap = models.FloatField(_("optimality gap"), default=0.0)
    seconds = models.FloatField(_("seconds"), default=0.0)
    time_limit = models.PositiveSmallIntegerField(_("time limit (seconds)"), default=30)
    seed = models.PositiveIntegerField(_("seed"), default=0)
    accepted = models.PositiveIntegerField(_("accepted requests"), default=0)
    placed = models.PositiveIntegerField(_("meetings placed"), default=0)
    idle_mean = models.FloatField(_("idle slots per participant"), default=0.0)
    idle_max = models.PositiveIntegerField(_("most idle slots of a participant"), default=0)
    # [{"request": id, "reason": code}] for every accepted request left out.
    unplaced = models.JSONField(_("left out"), default=list, blank=True)

    class Meta:
        ordering = ["session", "-created", "-pk"]
        verbose_name = _("schedule run")
        verbose_name_plural = _("schedule runs")

    def __str__(self) -> str:
        return f"{self.session} {self.created:%Y-%m-%d %H:%M}"
