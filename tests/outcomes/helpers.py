"""A small world for the outcomes tests: Anna plans the Michigan mission (past), Bruno
plans another; Rivian was met; Stefano travels with the delegation."""

import re
from dataclasses import dataclass
from datetime import date
from html import unescape

from delegations.models import DelegationMember, Organisation
from meetings.models import Meeting
from missions.models import Mission
from outcomes.models import FollowUp
from outcomes.services import follow_up_save
from tests.builders import (
    local,
    make_coordinator,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
)


def text(response) -> str:
    """The page as a reader sees it: tags dropped, spaces collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@dataclass
class World:
    mission: Mission
    other: Mission
    anna: object
    bruno: object
    rivian: Organisation
    stefano: DelegationMember
    meeting: Meeting
    future: Meeting


def make_world() -> World:
    mission = make_mission(title="VTM Michigan 2025", slug="vtm-michigan-2025")
    other = make_mission(
        title="Hannover Messe 2099",
        slug="hannover-2099",
        city="Hannover",
        country="Germany",
        timezone="Europe/Berlin",
        start_date=date(2099, 4, 20),
        end_date=date(2099, 4, 24),
    )
    anna = make_coordinator(mission, username="anna", first_name="Anna", last_name="Ferrero")
    bruno = make_coordinator(other, username="bruno", first_name="Bruno", last_name="Conti")
    rivian = make_organisation(name="Rivian")
    contact = make_person(first_name="Carlo", last_name="Materazzo", organisation=rivian)
    stefano = make_member(mission, make_person(first_name="Stefano", last_name="Geuna"))
    meeting = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 15, 30),
        local(mission, 2025, 4, 22, 16, 30),
        title="Meeting with Rivian",
        attendees=[stefano],
        partner_organisations=[rivian],
        partner_contacts=[contact],
    )
    future = make_meeting(
        other,
        local(other, 2099, 4, 21, 10),
        local(other, 2099, 4, 21, 11),
        title="Fair opening",
    )
    return World(mission, other, anna, bruno, rivian, stefano, meeting, future)


def add_follow_up(mission: Mission, **fields) -> FollowUp:
    return follow_up_save(follow_up=FollowUp(mission=mission), **{"action": "Call back", **fields})
