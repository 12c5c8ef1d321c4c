"""A small published programme for the changelog and digest tests (through the services)."""

from dataclasses import dataclass
from datetime import timedelta

from delegations.models import DelegationMember, Organisation
from meetings.models import Meeting
from meetings.services import meeting_cancel, meeting_delete, meeting_save, meeting_schedule
from missions.models import Mission, Venue
from tests.builders import (
    local,
    make_coordinator,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
    make_venue,
    publish,
)


@dataclass
class World:
    mission: Mission
    coordinator: object
    rivian: Venue
    gm: Venue
    andrea: DelegationMember  # Italian, attends the Rivian visit
    laura: DelegationMember  # English, attends the Rivian visit
    paolo: DelegationMember  # English, attends only the Ford lunch
    marco: DelegationMember  # no e-mail address, attends only the Ford lunch
    visit: Meeting  # Rivian visit: andrea + laura, Tue 22 Apr 14:00-15:00 Detroit
    lunch: Meeting  # Ford lunch: paolo + marco, Wed 23 Apr 12:00-13:00 Detroit


def build_world(*, published: bool = True, domain: str = "example.org") -> World:
    mission = make_mission(title="VTM Michigan 2025")
    coordinator = make_coordinator(mission, first_name="Giulia", last_name="Ferrero")
    rivian = make_venue(mission, name="Rivian HQ", address="1 Rivian Way", city="Plymouth")
    gm = make_venue(
        mission, name="GM Global Technical Center", address="30001 Van Dyke Ave", city="Warren"
    )

    def member(first, last, language="en", email=True):
        fields = {"first_name": first, "last_name": last, "preferred_language": language}
        if not email:
            fields["email"] = ""
        else:
            fields["email"] = f"{first.lower()}.{last.lower()}@{domain}"
        return make_member(mission, make_person(**fields))

    andrea = member("Andrea", "Tronzano", "it")
    laura = member("Laura", "Bianchi")
    paolo = member("Paolo", "Rossi")
    marco = member("Marco", "Verdi", email=False)
    visit = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        title="Rivian visit",
        venue=rivian,
        attendees=[andrea, laura],
        partner_organisations=[
            Organisation.objects.filter(name="Rivian Automotive").first()
            or make_organisation(name="Rivian Automotive")
        ],
    )
    lunch = make_meeting(
        mission,
        local(mission, 2025, 4, 23, 12),
        local(mission, 2025, 4, 23, 13),
        title="Ford lunch",
        attendees=[paolo, marco],
    )
    if published:
        publish(mission, user=coordinator, note="First programme")
    return World(mission, coordinator, rivian, gm, andrea, laura, paolo, marco, visit, lunch)


def fresh(meeting: Meeting) -> Meeting:
    meeting.refresh_from_db()
    return meeting


def move(meeting: Meeting, *, minutes: int) -> Meeting:
    meeting = fresh(meeting)
    meeting.start += timedelta(minutes=minutes)
    meeting.end += timedelta(minutes=minutes)
    return meeting_save(meeting=meeting)


def set_fields(meeting: Meeting, **fields) -> Meeting:
    meeting = fresh(meeting)
    for name, value in fields.items():
        setattr(meeting, name, value)
    return meeting_save(meeting=meeting)


# Every kind of change on the Rivian visit (or the programme), and who it concerns:
# (kind, what it does to the world, a line of the changelog, the delegates told).
def _attendees(w: World):
    meeting_save(meeting=fresh(w.visit), attendees=[w.andrea, w.paolo])


def _new(w: World):
    meeting_schedule(
        mission=w.mission,
        title="Toyota visit",
        start=local(w.mission, 2025, 4, 24, 9),
        end=local(w.mission, 2025, 4, 24, 10),
        venue=w.gm,
        attendees=[w.paolo],
    )


def _partners(w: World):
    meeting_save(
        meeting=fresh(w.visit),
        partner_organisations=[make_organisation(name="Ford Motor Company")],
    )


EDITS = [
    (
        "moved",
        lambda w: move(w.visit, minutes=120),
        "Moved: Tue 22 Apr 14:00–15:00 → 16:00–17:00 (Detroit), 20:00 → 22:00 (Rome)",
        {"andrea", "laura"},
    ),
    (
        "cancelled",
        lambda w: meeting_cancel(meeting=fresh(w.visit)),
        "Cancelled (was Tue 22 Apr 14:00–15:00 (Detroit), 20:00–21:00 (Rome))",
        {"andrea", "laura"},
    ),
    (
        "deleted",
        lambda w: meeting_delete(meeting=fresh(w.visit)),
        "Deleted from the programme (was Tue 22 Apr 14:00–15:00 (Detroit), 20:00–21:00 (Rome))",
        {"andrea", "laura"},
    ),
    (
        "venue",
        lambda w: set_fields(w.visit, venue=w.gm),
        "Venue: Rivian HQ, 1 Rivian Way, Plymouth → GM Global Technical Center, "
        "30001 Van Dyke Ave, Warren",
        {"andrea", "laura"},
    ),
    (
        "title",
        lambda w: set_fields(w.visit, title="Rivian plant tour"),
        "Title: “Rivian visit” → “Rivian plant tour”",
        {"andrea", "laura"},
    ),
    (
        "description",
        lambda w: set_fields(w.visit, description="Bring safety shoes."),
        "Description changed: Bring safety shoes.",
        {"andrea", "laura"},
    ),
    (
        "status",
        lambda w: set_fields(w.visit, status=Meeting.Status.TENTATIVE),
        "Status: Confirmed → Tentative",
        {"andrea", "laura"},
    ),
    ("partners", _partners, "Meeting also: Ford Motor Company", {"andrea", "laura"}),
    ("attendees", _attendees, "Delegates added: Paolo Rossi", {"laura", "paolo"}),
    ("new", _new, "New: Thu 24 Apr 09:00–10:00 (Detroit), 15:00–16:00 (Rome)", {"paolo"}),
]
