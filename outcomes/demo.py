"""The demo's outcomes and follow-ups (VTM Michigan 2025), through the services.

Kept small on purpose: one function that `load_demo` calls after the meetings exist, which
later demo content extends. Idempotent like the rest of the demo: a meeting that already
has an outcome is left as it is.
"""

from meetings.models import Meeting
from missions.models import Mission
from outcomes.models import Interest, Outcome
from outcomes.services import outcome_save

UID_DOMAIN = "demo.trade-mission-planner"

# (mission slug, meeting slug) -> the outcome's fields.
OUTCOMES = {
    ("vtm-michigan-2025", "02-rivian"): {
        "held": Outcome.Held.HELD,
        "interest": Interest.MEDIUM,
        "summary": (
            "Exploratory dialogue on a possible Rivian mission to Turin to meet the "
            "local supply chain."
        ),
    },
}


def load_demo_outcomes(missions: list[Mission], report=lambda message: None) -> int:
    """Record the demo's outcomes on the meetings of `missions`; returns how many were new."""
    slugs = {mission.slug: mission for mission in missions}
    uids = {f"{m}-{s}@{UID_DOMAIN}": fields for (m, s), fields in OUTCOMES.items() if m in slugs}
    meetings = Meeting.objects.filter(uid__in=uids, result__isnull=True).select_related("mission")
    created = 0
    for meeting in meetings:
        outcome_save(meeting=meeting, **uids[meeting.uid])
        created += 1
    if created:
        report(f"{created} outcome(s) recorded")
    return created
