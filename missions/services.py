from django.db import transaction

from missions.models import Mission, Venue, new_secret


@transaction.atomic
def mission_save(*, mission: Mission, coordinators=None) -> Mission:
    mission.full_clean()
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
def mission_rotate_feed_token(*, mission: Mission) -> Mission:
    """A new secret programme link: the old one answers 404 from now on."""
    mission.feed_token = new_secret()
    mission.save(update_fields=["feed_token", "updated"])
    return mission
