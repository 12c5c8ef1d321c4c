"""What came out of the VTM Michigan 2025 demo mission, from the sources only.

The two Regione Piemonte press releases (see /work/shared/docs/demo-facts.md) say what two
meetings produced: with Rivian, an exploratory dialogue on a Rivian mission to Turin to meet
the local supply chain; at GM's Warren Technical Center, a discussion on extending the
Piedmont supply chain to new models that US industry builds in Europe. For the other meetings
they say only that they took place (the briefing, the dinner, the presentation with the 5th
VTM Torino promoted, the meetings at the stand, Mullen and Mayco, Toyota and Ford): those are
recorded as held with the sources' words where there are any and no summary where there are
none; no interest level is made up. The follow-ups are the obvious next actions of the two
outcomes, with illustrative due dates after the mission.

Keyed on the meetings' UIDs and the follow-ups' wording: a second run changes nothing.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from delegations.models import DelegationMember, Organisation
from meetings.models import Meeting
from missions.models import Mission
from outcomes.models import FollowUp, Interest, Outcome
from outcomes.services import follow_up_save, outcome_save

MISSION_SLUG = "vtm-michigan-2025"
UID = "vtm-michigan-2025-{}@demo.trade-mission-planner"
DEMO_COORDINATOR = "coordinator"


@dataclass(frozen=True)
class DemoOutcome:
    meeting: str  # the slug in meetings.demo
    summary: str = ""
    interest: str = ""
    next_steps: str = ""
    notable: bool = False


OUTCOMES = [
    DemoOutcome(
        "01-consul-briefing",
        summary="Opening briefing with Consul General Allegra Baistrocchi.",
    ),
    DemoOutcome(
        "02-rivian",
        summary=(
            "Exploratory dialogue with Carlo Materazzo, Vice President Manufacturing, on a "
            "possible Rivian mission to Turin to meet the local supply chain."
        ),
        interest=Interest.HIGH,
        next_steps="Explore a Rivian visit to Turin during VTM Torino 2026 (24-25 March 2026).",
        notable=True,
    ),
    DemoOutcome(
        "03-institutional-dinner",
        summary=(
            "Institutional dinner with top managers of Stellantis, Webasto US, Detroit "
            "Regional Partnership, Comerica Bank, Eaton and Wedoo US."
        ),
    ),
    DemoOutcome(
        "04-ecosystem-presentation",
        summary=(
            "The “Piemonte Automotive Ecosystem” presented at VTM Michigan; the 5th VTM "
            "Torino (24-25 March 2026) promoted."
        ),
    ),
    DemoOutcome("05-medc"),
    DemoOutcome("06-michauto"),
    DemoOutcome("07-mema"),
    DemoOutcome(
        "08-general-motors",
        summary=(
            "With GM's strategic management at the Warren Technical Center: the possible "
            "extension of the Piedmont supply chain to new models that US industry builds "
            "in Europe was discussed."
        ),
        notable=True,
    ),
    DemoOutcome("09-mullen"),
    DemoOutcome("10-mayco"),
    DemoOutcome("11-toyota"),
    DemoOutcome("12-ford"),
]

# action, meeting slug, organisation, due date, status
FOLLOW_UPS = [
    (
        "Propose dates for the Rivian delegation's visit to VTM Torino 2026",
        "02-rivian",
        "Rivian",
        date(2025, 6, 30),
        FollowUp.Status.OPEN,
    ),
    (
        "Send the Piedmont supplier list to GM purchasing",
        "08-general-motors",
        "General Motors",
        date(2025, 5, 31),
        FollowUp.Status.OPEN,
    ),
    (
        "Invite the Michigan partners met at the stand to VTM Torino 2026",
        "04-ecosystem-presentation",
        None,
        date(2025, 9, 30),
        FollowUp.Status.OPEN,
    ),
    (
        "Thank-you letters to the hosts of the site visits",
        "12-ford",
        None,
        date(2025, 5, 9),
        FollowUp.Status.DONE,
    ),
]


def _owner(mission: Mission) -> dict:
    """The demo coordinator when `load_demo --with-demo-user` made one, else the agency's own
    delegate (Ceipiemonte's director, staff of the delegation)."""
    user = get_user_model().objects.filter(username=DEMO_COORDINATOR).first()
    if user is not None:
        return {"owner_user": user}
    member = (
        DelegationMember.objects.filter(mission=mission, role=DelegationMember.Role.STAFF)
        .order_by("pk")
        .first()
    )
    return {"owner_member": member}


@transaction.atomic
def load_demo_outcomes(missions: list[Mission], report=lambda message: None) -> None:
    mission = next((m for m in missions if m.slug == MISSION_SLUG), None)
    if mission is None:
        return
    meetings = {
        meeting.uid: meeting
        for meeting in Meeting.objects.filter(mission=mission).select_related("result")
    }
    created = 0
    for spec in OUTCOMES:
        meeting = meetings.get(UID.format(spec.meeting))
        if meeting is None:
            continue
        values = {
            "held": Outcome.Held.HELD,
            "summary": spec.summary,
            "interest": spec.interest,
            "next_steps": spec.next_steps,
            "notable": spec.notable,
        }
        outcome = meeting.result if hasattr(meeting, "result") else None
        if outcome is not None and (outcome.recorded_by_id or outcome.notable or outcome.interest):
            continue  # somebody recorded it: theirs
        if outcome is not None and all(
            getattr(outcome, name) == value for name, value in values.items()
        ):
            continue  # loaded before
        # New, or made without a person (the old Meeting.outcome text moved into Outcome by a
        # migration): the sources' version.
        outcome_save(meeting=meeting, **values)
        created += 1
    organisations = {
        o.name: o for o in Organisation.objects.filter(name__in=["Rivian", "General Motors"])
    }
    existing = set(FollowUp.objects.filter(mission=mission).values_list("action", flat=True))
    owner = None
    for action, meeting_slug, organisation, due, status in FOLLOW_UPS:
        if action in existing:
            continue
        owner = owner or _owner(mission)
        follow_up_save(
            follow_up=FollowUp(mission=mission),
            meeting=meetings.get(UID.format(meeting_slug)),
            organisation=organisations.get(organisation) if organisation else None,
            action=action,
            due_date=due,
            status=status,
            **owner,
        )
        created += 1
    if created:
        report(f"{mission.slug}: {created} outcome(s) and follow-up(s) recorded")
