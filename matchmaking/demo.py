"""The demo's B2B session: VTM Torino 2026 (24-25 March 2026, Europe/Rome), about forty
participants on both sides with their requests, scheduled and published out of the box.

The facts are data (`demo_vtm_torino_2026.toml`, illustrative: see its header); this loader
only reads them and calls the services, so the demo obeys the same rules as a user. Called by
`manage.py load_demo` after the missions exist; idempotent: a session that exists is left as
it is, and nothing is scheduled or published twice.
"""

import tomllib
from datetime import datetime, time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from delegations.models import DelegationMember, Organisation, Person
from delegations.services import delegation_add_member, organisation_save, person_save
from matchmaking import services
from matchmaking.models import MeetingRequest, Participant, Session, SessionBreak, SessionDay
from matchmaking.scheduling import schedule_run
from missions.models import Mission

DATA = Path(__file__).with_name("demo_vtm_torino_2026.toml")
MISSION_SLUG = "vtm-torino-2026"


def load_data() -> dict:
    with DATA.open("rb") as file:
        return tomllib.load(file)


def _organisation(name: str, **fields) -> Organisation:
    found = Organisation.objects.annotate(lname=Lower("name")).filter(lname=name.casefold()).first()
    if found is not None:
        return found
    return organisation_save(organisation=Organisation(name=name, **fields))


def _person(first: str, last: str, organisation: Organisation, **fields) -> Person:
    found = Person.objects.filter(first_name=first, last_name=last).first()
    if found is not None:
        return found
    return person_save(
        person=Person(first_name=first, last_name=last, organisation=organisation, **fields)
    )


def _clock(text: str) -> time:
    return time.fromisoformat(text)


@transaction.atomic
def _create_session(mission: Mission, data: dict) -> Session:
    spec = data["session"]
    session = services.session_save(
        session=Session(
            mission=mission,
            title=spec["title"],
            slot_minutes=spec["slot_minutes"],
            max_requests=spec["max_requests"],
            max_meetings=spec["max_meetings"],
            solver_seconds=spec["solver_seconds"],
            hall=mission.venues.filter(name=spec["hall"]).first(),
        )
    )
    for day in spec["days"]:
        services.session_day_save(
            day=SessionDay(session=session, date=day["date"], start=day["start"], end=day["end"]),
            breaks=[
                SessionBreak(start=_clock(start), end=_clock(end), label=label)
                for start, end, label in day["breaks"]
            ],
        )
    services.tables_add(session=session, count=spec["tables"])

    participants: dict[str, Participant] = {}
    members = {m.person_id: m for m in mission.members.all()}
    for row in data["suppliers"]:
        first, last = row["name"]
        organisation = _organisation(
            row["organisation"],
            kind=Organisation.Kind.SUPPLIER,
            sector=row["sector"],
            city=row["city"],
            country="Italy",
        )
        person = _person(
            first,
            last,
            organisation,
            position=row["position"],
            email=f"{first}.{last}@{row['key']}.example".lower(),
            preferred_language=Person.Language.ITALIAN,
        )
        member = members.get(person.pk) or delegation_add_member(
            mission=mission, person=person, role=DelegationMember.Role.DELEGATE
        )
        participants[row["key"]] = services.participant_add_member(
            session=session, member=member, offers=row["offers"], looks_for=row["looks_for"]
        )
    for row in data["visitors"]:
        first, last = row["name"]
        organisation = _organisation(
            row["organisation"],
            kind=Organisation.Kind.OEM,
            sector=row.get("sector", ""),
            country=row.get("country", ""),
        )
        person = _person(
            first,
            last,
            organisation,
            position=row["position"],
            preferred_language=Person.Language.ENGLISH,
        )
        participants[row["key"]] = services.participant_add_visitor(
            session=session,
            person=person,
            looks_for=row["looks_for"],
            offers=row.get("offers", ""),
        )

    zone = mission.tz
    absences: dict[str, list] = {}
    for key, day, start, end in data["absences"]["rows"]:
        absences.setdefault(key, []).append(
            (
                datetime.combine(day, _clock(start), tzinfo=zone),
                datetime.combine(day, _clock(end), tzinfo=zone),
            )
        )
    for key, periods in absences.items():
        services.participant_set_absences(participant=participants[key], periods=periods)

    for requester, requested, priority, answer in data["requests"]["rows"]:
        made = services.request_create(
            requester=participants[requester],
            requested=participants[requested],
            priority=priority,
        )
        # A mutual pair is accepted by the second request already.
        if made.status == MeetingRequest.Status.PENDING and answer != "pending":
            services.request_decide(request=made, accept=answer == "accepted")
    return session


def load_demo_matchmaking(missions: list[Mission], report=lambda message: None) -> None:
    mission = next((m for m in missions if m.slug == MISSION_SLUG), None)
    if mission is None:
        return
    data = load_data()
    session = Session.objects.filter(mission=mission, title=data["session"]["title"]).first()
    created = session is None
    if created:
        session = _create_session(mission, data)
        report(
            f"{mission.slug}: B2B session with {session.participants.count()} participants "
            f"and {session.requests.count()} requests"
        )
    scheduled = False
    if not session.runs.exists():
        try:
            run = schedule_run(session=session, method="cp-sat", seed=0, time_limit=10)
        except ValidationError as error:
            # `make run` must still start: say why, leave the session to a coordinator.
            report(f"{mission.slug}: B2B session not scheduled: {'; '.join(error.messages)}")
        else:
            scheduled = True
            report(f"{mission.slug}: B2B schedule: {run.placed} meetings placed ({run.status})")
    if created or scheduled:
        _publish(mission, report)


def _publish(mission: Mission, report) -> None:
    """Publish the programme with the B2B meetings (lazily: releases' services)."""
    from releases.digests import digests_kept_in_memory
    from releases.services import NothingToPublish, programme_publish

    with digests_kept_in_memory():  # the demo's addresses are made up: no mail leaves
        try:
            version = programme_publish(mission=mission, user=None, note="B2B programme")
        except NothingToPublish:
            return
    report(f"{mission.slug}: version {version.number} published")
