import secrets
import zoneinfo
from datetime import date, datetime, time, timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Missions live in this window: no page, feed or print view can be made slow or broken by a
# date in year 1 or 9999 (see docs/permissions.md and docs/reliability.md).
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)
MAX_MISSION_DAYS = 120
# Meetings and delegates' stays may lie this many days before the first day and after the last
# (in the mission's zone): a pre-departure briefing, a late return. Outside: refused.
MARGIN_DAYS = 14


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def mission_dates_errors(start: date | None, end: date | None) -> dict[str, ValidationError]:
    """Errors of a mission's first and last day, by field: the window, the order, the length."""
    errors = {}
    outside = _("Choose a date between %(earliest)s and %(latest)s.")
    params = {"earliest": _day(EARLIEST_DATE), "latest": _day(LATEST_DATE)}
    for name, value in (("start_date", start), ("end_date", end)):
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            errors[name] = ValidationError(outside, code="date_outside_window", params=params)
    if errors or start is None or end is None:
        return errors
    if end < start:
        errors["end_date"] = ValidationError(
            _("The mission cannot end before it starts."), code="end_before_start"
        )
    elif (end - start).days + 1 > MAX_MISSION_DAYS:
        errors["end_date"] = ValidationError(
            _("A mission lasts at most %(max)d days; these dates make %(days)d."),
            code="mission_too_long",
            params={"max": MAX_MISSION_DAYS, "days": (end - start).days + 1},
        )
    return errors


def new_secret() -> str:
    """256 bits from the OS's CSPRNG, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


# The IANA areas of places. Outside them: legacy aliases (US/Eastern, Japan, CET, EST5EDT),
# fixed offsets (Etc/GMT+12, whose sign is inverted) and system files that are no zone at all
# (`localtime` is the server's own zone, `Factory` a placeholder): never a mission's zone.
GEOGRAPHIC_AREAS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe"}
    | {"Indian", "Pacific"}
)


@cache
def known_timezones() -> frozenset[str]:
    """The zones a mission (or its home) may have: Area/Location names of places, and UTC."""
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if name.partition("/")[0] in GEOGRAPHIC_AREAS and "/" in name
    ) | {"UTC"}


def validate_timezone(value: str) -> None:
    if value not in known_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known IANA time zone; use a name like America/Detroit."),
            code="invalid_timezone",
            params={"value": value},
        )


class MissionQuerySet(models.QuerySet):
    """Who may see and change a mission: its coordinators and superusers (docs/permissions.md).

    Everything under a mission (venues, delegation, meetings, secret links, history) follows
    the mission: see `Venue.objects.visible_to`, `DelegationMember.objects.visible_to`,
    `Meeting.objects.visible_to`.
    """

    def visible_to(self, user) -> "MissionQuerySet":
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(coordinators=user)

    def editable_by(self, user) -> "MissionQuerySet":
        # The same people read and change a mission: there is no read-only coordinator.
        return self.visible_to(user)

    def locked_for(self, user) -> "MissionQuerySet":
        """The missions this user may not change. A shared directory entry (person,
        organisation) that one of them references is read-only for the user."""
        return self.exclude(pk__in=Mission.objects.editable_by(user).values("pk"))

    def published(self) -> "MissionQuerySet":
        return self.filter(status=Mission.Status.PUBLISHED)

    def search(self, text: str) -> "MissionQuerySet":
        """Every word of `text` in the title, city, region or country (any case); words past
        the tenth are ignored, so a pasted paragraph cannot make the query huge."""
        missions = self
        for word in text.split()[:10]:
            missions = missions.filter(
                Q(title__icontains=word)
                | Q(city__icontains=word)
                | Q(region__icontains=word)
                | Q(country__icontains=word)
            )
        return missions


class Phase(models.TextChoices):
    """Where a mission stands today, by the calendar of its own zone (Mission.phase)."""

    RUNNING = "running", _("Running")
    UPCOMING = "upcoming", _("Upcoming")
    PAST = "past", _("Past")


class Mission(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        error_messages={"unique": _("Another mission already uses this web address.")},
    )
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_timezone],
        help_text=_("IANA name of the destination's zone, e.g. America/Detroit."),
    )
    home_timezone = models.CharField(
        _("home time zone"),
        max_length=64,
        default="Europe/Rome",
        validators=[validate_timezone],
        help_text=_("Where the delegation comes from; shown alongside local times."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    funding_programme = models.CharField(_("funding programme"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Printed on the booklet's practical page: what a delegate needs on the road and no
    # other field holds (hotel, emergency numbers, transfers).
    practical_info = models.TextField(
        _("practical information"),
        blank=True,
        help_text=_("Hotel, transfers, emergency numbers: printed in the programme booklet."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    clash_buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer between venues (minutes)"),
        default=30,
        validators=[MaxValueValidator(24 * 60)],
        help_text=_(
            "Warn when a delegate has less than this between meetings at different venues."
        ),
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        related_name="coordinated_missions",
        blank=True,
    )
    programme_public = models.BooleanField(
        _("public programme"),
        default=False,
        help_text=_(
            "Publish the programme feed at an address made from the title. Otherwise it is "
            "reachable only through its secret link."
        ),
    )
    # Secret for the programme feed; rotating it kills the old link.
    feed_token = models.CharField(
        _("programme feed token"), max_length=64, unique=True, default=new_secret
    )
    # Optimistic concurrency: every saved change raises it; a form saved from an older
    # version is refused instead of overwriting what somebody else saved meanwhile.
    version = models.PositiveIntegerField(_("version"), default=1)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = MissionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[coordinators])

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="mission_end_not_before_start",
                violation_error_message=_("The mission cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(start_date__gte=EARLIEST_DATE, end_date__lte=LATEST_DATE),
                name="mission_dates_in_window",
                violation_error_message=_("Mission dates must lie between 2000 and 2100."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = mission_dates_errors(self.start_date, self.end_date)
        if errors:
            raise ValidationError(errors)

    def planning_window(self) -> tuple[datetime, datetime] | None:
        """Where its meetings and delegates' stays may lie: from midnight MARGIN_DAYS before
        the first day to midnight MARGIN_DAYS after the last, in the mission's zone.

        None while the mission's own dates or zone are invalid (their form says why).
        """
        if mission_dates_errors(self.start_date, self.end_date) or self.timezone not in (
            known_timezones()
        ):
            return None
        margin = timedelta(days=MARGIN_DAYS)
        return self.starts_at() - margin, self.ends_at() + margin

    def outside_window_error(self, value: datetime | None) -> ValidationError | None:
        """The error for a meeting time, arrival or departure outside planning_window()."""
        window = self.planning_window()
        if value is None or value.tzinfo is None or window is None:
            return None
        if window[0] <= value <= window[1]:
            return None
        margin = timedelta(days=MARGIN_DAYS)
        return ValidationError(
            _(
                "Choose a time between %(first)s and %(last)s (%(zone)s): at most %(margin)d "
                "days before or after the mission."
            ),
            code="outside_mission_window",
            params={
                "first": _day(self.start_date - margin),
                "last": _day(self.end_date + margin),
                "zone": self.timezone,
                "margin": MARGIN_DAYS,
            },
        )

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def home_tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.home_timezone)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def local(self, value: datetime) -> datetime:
        """An aware instant as the mission's wall-clock time."""
        return value.astimezone(self.tz)

    def starts_at(self) -> datetime:
        """Midnight local time of the first day, as an aware instant."""
        return datetime.combine(self.start_date, time.min, tzinfo=self.tz)

    def ends_at(self) -> datetime:
        """Midnight local time after the last day, as an aware instant."""
        return datetime.combine(self.end_date + timedelta(days=1), time.min, tzinfo=self.tz)

    def local_today(self, now: datetime) -> date:
        """The date it is at `now` where the mission takes place."""
        return now.astimezone(self.tz).date()

    def phase(self, now: datetime) -> Phase:
        """Running from the first day's midnight to the last day's, in the mission's zone: a
        mission in Tokyo runs while it is still the day before in Detroit."""
        today = self.local_today(now)
        if today < self.start_date:
            return Phase.UPCOMING
        if today > self.end_date:
            return Phase.PAST
        return Phase.RUNNING

    def days(self) -> list[date]:
        return [
            date.fromordinal(n)
            for n in range(self.start_date.toordinal(), self.end_date.toordinal() + 1)
        ]


class VenueQuerySet(models.QuerySet):
    def visible_to(self, user) -> "VenueQuerySet":
        return self.filter(mission__in=Mission.objects.visible_to(user).values("pk"))

    def editable_by(self, user) -> "VenueQuerySet":
        return self.filter(mission__in=Mission.objects.editable_by(user).values("pk"))


class Venue(models.Model):
    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="venues"
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = VenueQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "name"],
                name="venue_name_unique_per_mission",
                violation_error_message=_("This mission already has a venue with this name."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="venue_coordinates_both_and_in_range",
                violation_error_message=_(
                    "Give both latitude and longitude (in range), or neither."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                {"longitude": _("Give both latitude and longitude, or neither.")},
                code="coordinates_pair",
            )

    @property
    def full_address(self) -> str:
        return ", ".join(part for part in (self.address, self.city, self.country) if part)

    @property
    def has_geo(self) -> bool:
        return self.latitude is not None and self.longitude is not None
