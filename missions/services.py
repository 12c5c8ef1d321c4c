from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext, ngettext

from missions.concurrency import EditConflict, claim_version
from missions.history import one_history_record
from missions.models import MARGIN_DAYS, Mission, Venue, new_secret


@transaction.atomic
def mission_save(
    *, mission: Mission, coordinators=None, expected_version: int | None = None
) -> Mission:
    """Create or update a mission; raises EditConflict if saved since `expected_version`."""
    claim_version(mission, expected_version)
    mission.full_clean()
    mission_check_window(mission=mission)
    with one_history_record(mission):
        mission.save()
        if coordinators is not None:
            mission.coordinators.set(coordinators)
    return mission


def _locked(mission: Mission, expected_version: int | None) -> Mission:
    """The mission as stored, its row locked until commit (PostgreSQL), so that two changes
    of its coordinators cannot both read the same list; EditConflict if it changed since
    `expected_version` or was deleted."""
    locked = Mission.objects.select_for_update().filter(pk=mission.pk).first()
    if locked is None:
        raise EditConflict(None, Mission)
    if expected_version is not None and locked.version != expected_version:
        raise EditConflict(locked, Mission)
    return locked


def coordinator_name(user) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def mission_add_coordinator(
    *, mission: Mission, user, expected_version: int | None = None
) -> Mission:
    """Make an active user a coordinator of `mission` (through mission_save: history, version)."""
    locked = _locked(mission, expected_version)
    coordinators = list(locked.coordinators.all())
    if not user.is_active:
        raise ValidationError(
            gettext("%(name)s's account is disabled.") % {"name": coordinator_name(user)},
            code="inactive_user",
        )
    if any(c.pk == user.pk for c in coordinators):
        raise ValidationError(
            gettext("%(name)s already coordinates this mission.")
            % {"name": coordinator_name(user)},
            code="already_coordinator",
        )
    return mission_save(
        mission=locked, coordinators=[*coordinators, user], expected_version=expected_version
    )


@transaction.atomic
def mission_remove_coordinator(
    *, mission: Mission, user, expected_version: int | None = None
) -> Mission:
    """Remove one coordinator; a mission always keeps at least one active coordinator."""
    locked = _locked(mission, expected_version)
    coordinators = list(locked.coordinators.all())
    remaining = [c for c in coordinators if c.pk != user.pk]
    if len(remaining) == len(coordinators):
        raise ValidationError(
            gettext("%(name)s does not coordinate this mission.")
            % {"name": coordinator_name(user)},
            code="not_coordinator",
        )
    if not any(c.is_active for c in remaining):
        raise ValidationError(
            gettext(
                "A mission keeps at least one coordinator: add another one before removing "
                "%(name)s."
            )
            % {"name": coordinator_name(user)},
            code="last_coordinator",
        )
    return mission_save(mission=locked, coordinators=remaining, expected_version=expected_version)


def mission_check_window(*, mission: Mission) -> None:
    """Refuse new dates or a new zone that would leave meetings or delegates' stays outside
    the mission's planning window (see Mission.planning_window); say how many, and which
    end of the mission to move. Nothing is moved or deleted silently.

    Reaches meetings and members through the reverse relations: missions imports neither app.
    """
    window = mission.planning_window() if mission.pk else None
    if window is None:
        return
    first, last = window
    # Two queries, however many meetings and delegates.
    meetings = mission.meetings.aggregate(
        early=Count("pk", filter=Q(start__lt=first)), late=Count("pk", filter=Q(end__gt=last))
    )
    stays = mission.members.aggregate(
        early=Count("pk", filter=Q(arrival__lt=first) | Q(departure__lt=first)),
        late=Count("pk", filter=Q(arrival__gt=last) | Q(departure__gt=last)),
    )
    early_meetings, late_meetings = meetings["early"], meetings["late"]
    early_stays, late_stays = stays["early"], stays["late"]
    errors: dict[str, list[str]] = {}
    params = {"margin": MARGIN_DAYS}
    if early_meetings:
        errors.setdefault("start_date", []).append(
            ngettext(
                "%(count)d meeting would start more than %(margin)d days before the mission: "
                "move or delete it first, or choose an earlier start.",
                "%(count)d meetings would start more than %(margin)d days before the mission: "
                "move or delete them first, or choose an earlier start.",
                early_meetings,
            )
            % {**params, "count": early_meetings}
        )
    if early_stays:
        errors.setdefault("start_date", []).append(
            ngettext(
                "%(count)d delegate's arrival or departure would be more than %(margin)d days "
                "before the mission: change it first, or choose an earlier start.",
                "%(count)d delegates' arrivals or departures would be more than %(margin)d "
                "days before the mission: change them first, or choose an earlier start.",
                early_stays,
            )
            % {**params, "count": early_stays}
        )
    if late_meetings:
        errors.setdefault("end_date", []).append(
            ngettext(
                "%(count)d meeting would end more than %(margin)d days after the mission: "
                "move or delete it first, or choose a later end.",
                "%(count)d meetings would end more than %(margin)d days after the mission: "
                "move or delete them first, or choose a later end.",
                late_meetings,
            )
            % {**params, "count": late_meetings}
        )
    if late_stays:
        errors.setdefault("end_date", []).append(
            ngettext(
                "%(count)d delegate's arrival or departure would be more than %(margin)d days "
                "after the mission: change it first, or choose a later end.",
                "%(count)d delegates' arrivals or departures would be more than %(margin)d "
                "days after the mission: change them first, or choose a later end.",
                late_stays,
            )
            % {**params, "count": late_stays}
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def venue_save(*, venue: Venue) -> Venue:
    venue.full_clean()
    venue.save()
    return venue


@transaction.atomic
def mission_delete(*, mission: Mission) -> None:
    """The mission with its venues, delegation and meetings; every one of them leaves a
    history record, so the whole can be restored (meetings.services.mission_restore)."""
    mission.delete()


@transaction.atomic
def mission_rotate_feed_token(*, mission: Mission) -> Mission:
    """A new secret programme link: the old one answers 404 from now on."""
    mission.feed_token = new_secret()
    mission.save(update_fields=["feed_token", "updated"])
    return mission
