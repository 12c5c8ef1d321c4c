"""Programme versions of the demo missions, made through the services like everything else.

VTM Michigan 2025 gets two versions, so that a changelog, a digest and a meeting cancelled
in a delegate's feed can be seen out of the box:

1. "Preliminary programme": the Rivian meeting still tentative, at 17:00-18:00, with Stefano
   Geuna on it too, and a plant visit on the 24th that the final programme drops;
2. "Final programme": the programme as the sources tell it (meetings/demo.py): Rivian at
   15:30-16:30, confirmed, without Geuna (his feed shows it cancelled), the plant visit
   deleted (cancelled in its attendees' feeds).

Other published demo missions get one version. Idempotent: a mission that has a version
already is left alone.
"""

from datetime import datetime, timedelta

from django.db import transaction

from meetings.demo import UID_DOMAIN
from meetings.models import Meeting
from meetings.services import meeting_delete, meeting_save, meeting_schedule
from missions.models import Mission
from releases.models import ProgrammeVersion
from releases.services import programme_publish

MICHIGAN = "vtm-michigan-2025"
RIVIAN_UID = f"{MICHIGAN}-02-rivian@{UID_DOMAIN}"
DROPPED_UID = f"{MICHIGAN}-preliminary-plant-visit@{UID_DOMAIN}"


@transaction.atomic
def publish_demo_versions(missions: list[Mission], report=lambda message: None) -> None:
    for mission in missions:
        if mission.status != Mission.Status.PUBLISHED:
            continue
        if ProgrammeVersion.objects.filter(mission=mission).exists():
            continue
        if mission.slug == MICHIGAN:
            _michigan(mission)
            report(f"{mission.slug}: versions 1 (preliminary) and 2 (final) published")
        else:
            programme_publish(mission=mission, user=None, note="Programme")
            report(f"{mission.slug}: version 1 published")


def _michigan(mission: Mission) -> None:
    rivian = Meeting.objects.get(uid=RIVIAN_UID)
    final = {
        "start": rivian.start,
        "end": rivian.end,
        "status": rivian.status,
        "attendees": list(rivian.attendees.all()),
    }
    geuna = mission.members.get(person__last_name="Geuna")
    zone = mission.tz
    day = rivian.start.astimezone(zone).date()

    # The preliminary programme, as it stood a few weeks before departure.
    rivian.mission = mission
    rivian.start = datetime(day.year, day.month, day.day, 17, 0, tzinfo=zone)
    rivian.end = rivian.start + timedelta(hours=1)
    rivian.status = Meeting.Status.TENTATIVE
    meeting_save(meeting=rivian, attendees=[*final["attendees"], geuna])
    visit_day = mission.end_date
    plant_visit = meeting_schedule(
        mission=mission,
        uid=DROPPED_UID,
        title="Plant visit (to be confirmed)",
        kind=Meeting.Kind.SITE_VISIT,
        start=datetime(visit_day.year, visit_day.month, visit_day.day, 8, 0, tzinfo=zone),
        end=datetime(visit_day.year, visit_day.month, visit_day.day, 9, 30, tzinfo=zone),
        status=Meeting.Status.TENTATIVE,
        attendees=[geuna, *mission.members.filter(person__last_name="Mailander")],
        description="A slot kept free for a plant visit, if one can be arranged.",
    )
    programme_publish(mission=mission, user=None, note="Preliminary programme")

    # The final programme: what the sources say.
    rivian.refresh_from_db()
    rivian.mission = mission
    rivian.start, rivian.end, rivian.status = final["start"], final["end"], final["status"]
    meeting_save(meeting=rivian, attendees=final["attendees"])
    meeting_delete(meeting=plant_visit)
    programme_publish(mission=mission, user=None, note="Final programme")
