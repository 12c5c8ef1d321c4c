"""Builders for the calendar tests: a delegate with partners and venues, as the demo has them."""

from decimal import Decimal
from itertools import count

from meetings.models import Meeting
from tests.builders import (
    local,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
    make_venue,
    publish,
)

_serial = count(1)


def make_rich_meeting(mission, start, end, *, attendees=(), **fields) -> Meeting:
    """A meeting with a venue (address and point), a partner and a contact, and notes."""
    venue = fields.pop("venue", None) or make_venue(
        mission,
        address="1 Rivian Way",
        city="Normal",
        country="United States",
        latitude=Decimal("40.503600"),
        longitude=Decimal("-88.991800"),
    )
    partner = make_organisation(name=f"Partner {next(_serial)}")
    contact = make_person(
        first_name="Jane", last_name="Doe", position="VP Manufacturing", organisation=partner
    )
    values = {
        "title": "Rivian meeting",
        "description": "Supplier opportunities.",
        "internal_notes": "SECRET-INTERNAL-NOTE",
        "venue": venue,
        "attendees": list(attendees),
        "partner_organisations": [partner],
        "partner_contacts": [contact],
    }
    values.update(fields)
    return make_meeting(mission, start, end, **values)


def mission_with_delegate(**mission_fields):
    """A published Pontiac mission with one Italian-speaking delegate attending one meeting,
    its programme published as version 1 (what feeds and pages show)."""
    mission = make_mission(**mission_fields)
    member = make_member(
        mission, make_person(first_name="Mario", last_name="Rossi", preferred_language="it")
    )
    meeting = make_rich_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        attendees=[member],
    )
    if mission.status == mission.Status.PUBLISHED:
        publish(mission)
    return mission, member, meeting
