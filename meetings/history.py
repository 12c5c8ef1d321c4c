"""Read models for the history pages: a meeting's changes, a mission's (with everything
under it), a contact's. Each in a fixed number of queries whatever the number of records
(see missions.history for how records become entries)."""

from django.utils.translation import gettext as _

from delegations.models import DelegationMember, Organisation, Person
from meetings.models import Meeting
from missions.history import Names, history_entries
from missions.models import Mission, Venue

# Pages show the latest changes; older ones stay in the admin's history.
MISSION_HISTORY_LIMIT = 300
MEETING_HISTORY_LIMIT = 100


def _names() -> Names:
    return Names({DelegationMember: DelegationMember.objects.select_related("person")})


def _records(history_queryset, limit: int | None = None) -> list:
    queryset = history_queryset.select_related("history_user").order_by("-history_id")
    if limit is not None:
        queryset = queryset[:limit]
    return list(queryset)


def meeting_history(meeting: Meeting, limit: int = MEETING_HISTORY_LIMIT) -> list:
    """The changes of one meeting (the latest `limit`), newest first, with times in its
    mission's zone."""
    entries = history_entries(
        # One more than shown: the oldest shown is told as a change from it.
        _records(Meeting.history.filter(id=meeting.pk), limit + 1),
        zone=meeting.mission.tz,
        names=_names(),
    )
    return entries[:limit]


def mission_history(mission: Mission, limit: int = MISSION_HISTORY_LIMIT) -> list:
    """The mission's changes and those of its venues, delegation, meetings and delegates'
    contact cards, newest first (the latest `limit` of each kind)."""
    names = _names()
    zone = mission.tz
    members = _records(DelegationMember.history.filter(mission_id=mission.pk), limit)
    person_ids = {record.person_id for record in members}
    names.want(Person, person_ids)
    entries = [
        *history_entries(
            _records(Mission.history.filter(id=mission.pk), limit),
            zone=zone,
            names=names,
            subject=lambda r: _("Mission"),
        ),
        *history_entries(
            _records(Venue.history.filter(mission_id=mission.pk), limit),
            zone=zone,
            names=names,
            subject=lambda r: _("Venue “%(name)s”") % {"name": r.name},
        ),
        *history_entries(
            members,
            zone=zone,
            names=names,
            subject=lambda r: _("Delegate %(name)s") % {"name": names.name(Person, r.person_id)},
        ),
        *history_entries(
            _records(Meeting.history.filter(mission_id=mission.pk), limit),
            zone=zone,
            names=names,
            subject=lambda r: _("Meeting “%(title)s”") % {"title": r.title},
        ),
        *history_entries(
            _records(Person.history.filter(id__in=person_ids), limit),
            zone=zone,
            names=names,
            subject=lambda r: (
                _("Contact card of %(name)s") % {"name": f"{r.first_name} {r.last_name}".strip()}
            ),
        ),
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def person_history(person: Person, zone=None) -> list:
    return history_entries(_records(Person.history.filter(id=person.pk)), zone=zone, names=Names())


def organisation_history(organisation: Organisation, zone=None) -> list:
    return history_entries(
        _records(Organisation.history.filter(id=organisation.pk)), zone=zone, names=Names()
    )
