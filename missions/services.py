from django.db import transaction

from missions.concurrency import claim_version
from missions.history import one_history_record
from missions.models import Mission, Venue, new_secret


@transaction.atomic
def mission_save(
    *, mission: Mission, coordinators=None, expected_version: int | None = None
) -> Mission:
    """Create or update a mission; raises EditConflict if saved since `expected_version`."""
    claim_version(mission, expected_version)
    mission.full_clean()
    with one_history_record(mission):
        mission.save()
        if coordinators is not None:
            mission.coordinators.set(coordinators)
    return mission


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
