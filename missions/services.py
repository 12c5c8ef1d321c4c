from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import ngettext

from missions.concurrency import claim_version
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
