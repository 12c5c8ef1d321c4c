import secrets
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from missions.models import Mission


def new_token() -> str:
    """256 bits from the OS's CSPRNG, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


# Permissions (docs/permissions.md). Organisations and people form the agency's shared
# directory: every coordinator reads it, except delegates' contact details, which only the
# coordinators of the delegate's missions see. A directory entry may be changed only by a user
# who coordinates every mission that references it. Meetings live in a higher app: they are
# reached here by lookup strings through their reverse relations, never imported.


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OrganisationQuerySet":
        return self if _active(user) else self.none()

    def editable_by(self, user) -> "OrganisationQuerySet":
        """Organisations no mission locked for the user references: as a partner met, through
        a partner contact working there, or through a delegate working there."""
        if not _active(user):
            return self.none()
        if user.is_superuser:
            return self
        locked = Mission.objects.locked_for(user).values("pk")
        return (
            self.exclude(meetings__mission__in=locked)
            .exclude(people__meetings_as_partner__mission__in=locked)
            .exclude(people__memberships__mission__in=locked)
        )

    def with_can_edit(self, user) -> "OrganisationQuerySet":
        """`can_edit` on each row, in the same query (no query per row or per page)."""
        editable = Organisation.objects.editable_by(user).filter(pk=OuterRef("pk"))
        return self.annotate(can_edit=Exists(editable))


def is_one_line(value: str) -> bool:
    """No line breaks (CR, LF, U+2028/9) and no other control characters (NUL, TAB, ...)."""
    return not any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in value)


class Organisation(models.Model):
    """One directory for both sides: the delegation's organisations and the partners met."""

    class Kind(models.TextChoices):
        PUBLIC_INSTITUTION = "public", _("Public institution")
        AGENCY = "agency", _("Agency")
        ASSOCIATION = "association", _("Association")
        UNIVERSITY = "university", _("University / research")
        OEM = "oem", _("Company / OEM")
        SUPPLIER = "supplier", _("Supplier")
        BANK = "bank", _("Bank / finance")
        CONSULATE = "consulate", _("Consulate / embassy")
        EVENT = "event", _("Event / trade fair")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    # Optimistic concurrency (see missions.models.Mission.version).
    version = models.PositiveIntegerField(_("version"), default=1)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="organisation_name_unique_ci",
                violation_error_message=_("An organisation with this name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def display_name(self) -> str:
        if self.short_name and self.short_name != self.name:
            return f"{self.name} ({self.short_name})"
        return self.name


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PersonQuerySet":
        """Partner contacts (in no delegation) for every coordinator; a delegate only for the
        coordinators of one of their missions, where they travel or are met (and
        superusers)."""
        if not _active(user):
            return self.none()
        if user.is_superuser:
            return self
        missions = Mission.objects.visible_to(user).values("pk")
        delegates = DelegationMember.objects.values("person")
        travelling = DelegationMember.objects.filter(mission__in=missions).values("person")
        met = Person.objects.filter(meetings_as_partner__mission__in=missions).values("pk")
        # Subqueries, not joins: a person in two delegations must come back once.
        return self.filter(~Q(pk__in=delegates) | Q(pk__in=travelling) | Q(pk__in=met))

    def editable_by(self, user) -> "PersonQuerySet":
        """Visible people that no mission locked for the user references, as a delegate or as
        a partner contact of one of its meetings."""
        if not _active(user):
            return self.none()
        if user.is_superuser:
            return self
        locked = Mission.objects.locked_for(user).values("pk")
        return (
            self.visible_to(user)
            .exclude(pk__in=DelegationMember.objects.filter(mission__in=locked).values("person"))
            .exclude(meetings_as_partner__mission__in=locked)
        )

    def with_can_edit(self, user) -> "PersonQuerySet":
        editable = Person.objects.editable_by(user).filter(pk=OuterRef("pk"))
        return self.annotate(can_edit=Exists(editable))


class Person(models.Model):
    class Language(models.TextChoices):
        ITALIAN = "it", _("Italian")
        ENGLISH = "en", _("English")

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    position = models.CharField(_("position"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ITALIAN
    )
    # Optimistic concurrency (see missions.models.Mission.version).
    version = models.PositiveIntegerField(_("version"), default=1)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = PersonQuerySet.as_manager()
    # Every change, e-mail addresses included, with who made it and when.
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="person_email_unique_ci",
                violation_error_message=_("Another person already has this e-mail address."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        # Names go into e-mail headers ("Mario Rossi <mario@...>") and calendar lines.
        errors = {
            name: ValidationError(
                _("A name must be on one line, without control characters."),
                code="multi_line_name",
            )
            for name in ("first_name", "last_name")
            if not is_one_line(getattr(self, name) or "")
        }
        if errors:
            raise ValidationError(errors)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def title_line(self) -> str:
        """“Vice President Manufacturing, Rivian”."""
        org = str(self.organisation) if self.organisation_id else ""
        return ", ".join(part for part in (self.position, org) if part)


class DelegationMemberQuerySet(models.QuerySet):
    def with_people(self) -> "DelegationMemberQuerySet":
        return self.select_related("person", "person__organisation")

    def visible_to(self, user) -> "DelegationMemberQuerySet":
        """Members (their notes and secret tokens) of the missions the user plans."""
        return self.filter(mission__in=Mission.objects.visible_to(user).values("pk"))

    def editable_by(self, user) -> "DelegationMemberQuerySet":
        return self.filter(mission__in=Mission.objects.editable_by(user).values("pk"))


class DelegationMember(models.Model):
    """A person travelling with a mission's delegation."""

    class Role(models.TextChoices):
        HEAD = "head", _("Head of delegation")
        DELEGATE = "delegate", _("Delegate")
        STAFF = "staff", _("Staff")
        GUEST = "guest", _("Guest")

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.DELEGATE)
    arrival = models.DateTimeField(_("arrival"), null=True, blank=True)
    departure = models.DateTimeField(_("departure"), null=True, blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    # Secret for the personal page and calendar feed; rotating it kills old links.
    token = models.CharField(_("access token"), max_length=64, unique=True, default=new_token)
    # Optimistic concurrency (see missions.models.Mission.version).
    version = models.PositiveIntegerField(_("version"), default=1)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = DelegationMemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["mission", "person__last_name", "person__first_name"]
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "person"],
                name="delegation_member_once_per_mission",
                violation_error_message=_("This person is already in the mission's delegation."),
            ),
            models.CheckConstraint(
                condition=Q(arrival__isnull=True)
                | Q(departure__isnull=True)
                | Q(departure__gt=models.F("arrival")),
                name="delegation_member_departure_after_arrival",
                violation_error_message=_("Departure must be after arrival."),
            ),
        ]

    def __str__(self) -> str:
        return self.person.full_name

    def clean(self) -> None:
        errors = {}
        if self.arrival and self.departure and self.departure <= self.arrival:
            errors["departure"] = ValidationError(
                _("Departure must be after arrival."), code="departure_before_arrival"
            )
        if self.mission_id:
            for name in ("arrival", "departure"):
                error = self.mission.outside_window_error(getattr(self, name))
                if error is not None and name not in errors:
                    errors[name] = error
        if errors:
            raise ValidationError(errors)
