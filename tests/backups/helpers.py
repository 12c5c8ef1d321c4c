"""A mission with every kind of data the file carries, and ways to compare two databases'
copies of it without looking at primary keys."""

import re
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.db import models

from delegations.models import DelegationMember, Organisation, Person
from meetings import calendars
from meetings.models import Meeting
from meetings.services import meeting_cancel, meeting_save
from missions.models import Mission
from outcomes.models import FollowUp, Interest, Outcome
from outcomes.services import follow_up_save, outcome_save
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


def _existing(model, **lookup):
    """The directory is shared: a second mission meets the same partners."""
    return model.objects.filter(**lookup).first()


def make_full_mission(slug: str = "vtm-michigan-2025") -> Mission:
    """Non-default values everywhere: the round trip must carry each of them."""
    mission = make_mission(
        title="VTM Michigan 2025",
        slug=slug,
        region="Michigan",
        home_timezone="Europe/Rome",
        organiser="Ceipiemonte",
        funding_programme="FESR 2021-2027",
        description="Regione Piemonte's mission.\nSecond line, «quotes» & ünïcode.",
        clash_buffer_minutes=45,
        programme_public=True,
    )
    make_coordinator(mission, username=f"{slug}-anna", email="anna@example.org")
    make_coordinator(mission, username=f"{slug}-bruno")
    regione = _existing(Organisation, name="Regione Piemonte") or make_organisation(
        name="Regione Piemonte",
        short_name="Regione",
        kind=Organisation.Kind.PUBLIC_INSTITUTION,
        sector="Government",
        country="Italy",
        city="Torino",
        website="https://www.regione.piemonte.it/",
        description="The region.",
    )
    rivian = _existing(Organisation, name="Rivian") or make_organisation(
        name="Rivian", kind=Organisation.Kind.OEM, country="US"
    )
    medc = _existing(Organisation, name="MEDC") or make_organisation(
        name="MEDC", kind=Organisation.Kind.AGENCY
    )
    head = make_member(
        mission,
        make_person(
            first_name="Andrea",
            last_name="Tronzano",
            position="Assessore",
            organisation=regione,
            email=f"Andrea.Tronzano.{slug}@Example.org",
            phone="+39 011 000",
            preferred_language="it",
        ),
        role=DelegationMember.Role.HEAD,
        arrival=local(mission, 2025, 4, 21, 16, 5),
        departure=local(mission, 2025, 4, 25, 11, 30),
        notes="Vegetarian.",
    )
    guest = make_member(
        mission,
        make_person(
            first_name="Michela",
            last_name="Favaro",
            email=f"michela.{slug}@example.org",
            preferred_language="en",
        ),
        role=DelegationMember.Role.GUEST,
    )
    staff = make_member(
        mission,
        _existing(Person, last_name="Posta")
        or make_person(first_name="Senza", last_name="Posta", email="", organisation=regione),
        role=DelegationMember.Role.STAFF,
    )
    contact = make_person(
        first_name="Carlo",
        last_name="Materazzo",
        position="VP Manufacturing",
        organisation=rivian,
        email=f"carlo.{slug}@example.org",
    )
    no_mail_contact = _existing(Person, last_name="Roe") or make_person(
        first_name="Jane", last_name="Roe", email="", organisation=medc
    )
    plant = make_venue(
        mission,
        name="Rivian plant",
        address="100 N Rivian Motorway",
        city="Normal",
        country="United States",
        latitude=Decimal("40.503600"),
        longitude=Decimal("-88.991800"),
        notes="Gate 3.",
    )
    stand = make_venue(mission, name="Piemonte stand")
    rivian_meeting = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        title="Meeting with Rivian",
        kind="b2b",
        venue=plant,
        attendees=[head, guest],
        partner_organisations=[rivian],
        partner_contacts=[contact],
        description="Supplier opportunities.",
        internal_notes="SECRET-INTERNAL-NOTE",
    )
    anna = mission.coordinators.get(username=f"{slug}-anna")
    outcome_save(
        meeting=rivian_meeting,
        user=anna,
        held=Outcome.Held.HELD,
        interest=Interest.HIGH,
        summary="Follow-up in May.",
        next_steps="Send the supplier list.",
        notable=True,
    )
    follow_up_save(
        follow_up=FollowUp(mission=mission),
        meeting=rivian_meeting,
        organisation=rivian,
        action="Send Rivian the supplier list",
        owner_user=anna,
        due_date=date(2025, 5, 15),
        notes="Ask Carlo which plants.",
    )
    follow_up_save(
        follow_up=FollowUp(mission=mission),
        organisation=regione,
        action="Invite Regione to VTM Torino 2026",
        owner_member=head,
        status=FollowUp.Status.DONE,
    )
    # Moved twice: SEQUENCE 2.
    for minutes in (30, 60):
        rivian_meeting.start += timedelta(minutes=minutes)
        rivian_meeting.end += timedelta(minutes=minutes)
        meeting_save(meeting=rivian_meeting)
    cancelled = make_meeting(
        mission,
        local(mission, 2025, 4, 23, 9),
        local(mission, 2025, 4, 23, 10),
        title="MEDC at the stand",
        venue=stand,
        attendees=[staff, head],
        partner_organisations=[medc],
        partner_contacts=[no_mail_contact],
    )
    meeting_cancel(meeting=cancelled)
    make_meeting(
        mission,
        local(mission, 2025, 4, 24, 19),
        local(mission, 2025, 4, 24, 22),
        title="Dinner",
        kind="dinner",
        status=Meeting.Status.TENTATIVE,
        attendees=[guest],
    )
    # What delegates see: the programme as published (version 1).
    publish(mission)
    mission.refresh_from_db()
    return mission


def delete_mission(mission: Mission) -> None:
    """What a coordinator's deletion does (meetings first: a venue is protected by them)."""
    mission.meetings.all().delete()
    mission.delete()


# Field by field, without primary keys -----------------------------------------------------------


def _natural(obj):
    if obj is None:
        return None
    if isinstance(obj, Mission):
        return ("mission", obj.slug)
    if isinstance(obj, Organisation):
        return ("organisation", obj.name)
    if isinstance(obj, Person):
        return ("person", obj.email.lower(), obj.first_name, obj.last_name)
    if isinstance(obj, DelegationMember):
        return ("member", _natural(obj.person))
    if isinstance(obj, get_user_model()):
        return ("user", obj.username)
    if isinstance(obj, Meeting):
        return ("meeting", obj.start, obj.title)
    return ("venue", obj.name)


def fields(obj: models.Model, skip: tuple = ()) -> dict:
    out = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in skip:
            continue
        if field.is_relation:
            out[field.name] = _natural(getattr(obj, field.name))
        else:
            out[field.name] = getattr(obj, field.attname)
    return out


def snapshot(mission: Mission, skip: tuple = ()) -> dict:
    """Every field of every object of the mission, people and organisations included."""
    mission = Mission.objects.get(pk=mission.pk)
    people = {}
    organisations = {}

    def person(p: Person):
        people[_natural(p)] = fields(p, skip)
        if p.organisation_id:
            organisation(p.organisation)
        return _natural(p)

    def organisation(o: Organisation):
        organisations[_natural(o)] = fields(o, skip)
        return _natural(o)

    members = {}
    for member in mission.members.all():
        person(member.person)
        members[_natural(member)] = fields(member, skip)
    meetings = {}
    for meeting in mission.meetings.all():
        meetings[(meeting.start, meeting.title)] = {
            **fields(meeting, skip),
            "attendees": sorted(_natural(m) for m in meeting.attendees.all()),
            "partner_organisations": sorted(
                organisation(o) for o in meeting.partner_organisations.all()
            ),
            "partner_contacts": sorted(person(p) for p in meeting.partner_contacts.all()),
        }
    outcomes = {
        (meeting.start, meeting.title): fields(meeting.result, skip)
        for meeting in mission.meetings.filter(result__isnull=False).select_related("result")
    }
    follow_ups = sorted(
        (fields(f, (*skip, "mission")) for f in mission.follow_ups.all()), key=lambda f: f["action"]
    )
    return {
        "outcomes": outcomes,
        "follow_ups": follow_ups,
        "mission": fields(mission, skip),
        "coordinators": sorted(u.username for u in mission.coordinators.all()),
        "venues": {v.name: fields(v, skip) for v in mission.venues.all()},
        "members": members,
        "meetings": meetings,
        "people": people,
        "organisations": organisations,
    }


# What delegates' calendars and the planner show -------------------------------------------------


def feeds(mission: Mission) -> dict:
    """Every delegate's feed and the programme feed (both languages), with what carries a
    primary key (calendar UIDs `mission-<pk>`/`member-<pk>`, `#meeting-<pk>` links) replaced
    by what the pk stands for; lines unfolded, since a longer pk folds a line elsewhere."""
    mission = Mission.objects.get(pk=mission.pk)
    uids = dict(mission.meetings.values_list("pk", "uid"))
    out = {}
    members = mission.members.select_related("person")
    for member in members:
        out[member.token] = calendars.member_feed_bytes(member)
    for language in ("en", "it"):
        out[f"programme-{language}"] = calendars.mission_feed_bytes(mission, language=language)
    tokens = {str(m.pk): m.token for m in members}
    for key, body in out.items():
        text = body.decode().replace("\r\n ", "")
        text = text.replace(f"mission-{mission.pk}@", f"mission-{mission.slug}@")
        text = re.sub(r"member-(\d+)@", lambda m: f"member-{tokens[m[1]]}@", text)
        text = re.sub(r"#meeting-(\d+)", lambda m: f"#meeting-{uids[int(m[1])]}", text)
        out[key] = text
    return out


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts
