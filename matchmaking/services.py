"""Writes of the matchmaking app: the session and its days, breaks and tables; participants
and their absences; requests and their answers. Keyword-only, full_clean() then save, inside
one transaction; the scheduler's writes live in scheduling.py."""

from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delegations.models import DelegationMember, Organisation, Person, new_token
from delegations.services import organisation_save, person_save
from matchmaking.models import (
    Absence,
    MeetingRequest,
    Participant,
    Session,
    SessionBreak,
    SessionDay,
    Table,
)
from missions.concurrency import claim_for_delete, claim_version


@transaction.atomic
def session_save(*, session: Session, expected_version: int | None = None) -> Session:
    claim_version(session, expected_version)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def session_day_save(*, day: SessionDay, breaks: list[SessionBreak] | None = None) -> SessionDay:
    """A day and (when given) its breaks, replaced as a whole: all of it or nothing."""
    day.full_clean()
    day.save()
    if breaks is not None:
        day.breaks.all().delete()
        for pause in breaks:
            pause.day = day
            pause.full_clean()
            if not (day.start <= pause.start and pause.end <= day.end):
                raise ValidationError(
                    {
                        "breaks": _("A break must lie within the day (%(start)s-%(end)s).")
                        % {"start": f"{day.start:%H:%M}", "end": f"{day.end:%H:%M}"}
                    },
                    code="break_outside_day",
                )
            pause.save()
    return day


@transaction.atomic
def session_day_delete(*, day: SessionDay) -> None:
    day.delete()


@transaction.atomic
def tables_add(*, session: Session, count: int, prefix: str = "") -> list[Table]:
    """`count` numbered tables after the highest number in use ("Table 7", "Table 8"...)."""
    if not 1 <= count <= 500:
        raise ValidationError({"count": _("Add between 1 and 500 tables.")}, code="table_count")
    prefix = prefix or _("Table")
    names = set(session.tables.values_list("name", flat=True))
    created, number = [], 1
    while len(created) < count:
        name = f"{prefix} {number}"
        number += 1
        if name in names:
            continue
        table = Table(session=session, name=name)
        table.full_clean()
        table.save()
        created.append(table)
    return created


@transaction.atomic
def table_save(*, table: Table) -> Table:
    table.full_clean()
    table.save()
    return table


@transaction.atomic
def table_delete(*, table: Table) -> None:
    if (
        table.session.requests.filter(meeting__venue=table.venue_id, meeting__isnull=False).exists()
        and table.venue_id
    ):
        raise ValidationError(
            _("Meetings are placed at %(table)s: run the scheduler without it first.")
            % {"table": table.name},
            code="table_in_use",
        )
    table.delete()


@transaction.atomic
def participant_add_member(*, session: Session, member: DelegationMember, **fields) -> Participant:
    participant = Participant(
        session=session,
        side=Participant.Side.DELEGATION,
        member=member,
        person=member.person,
        **fields,
    )
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def participant_add_visitor(*, session: Session, person: Person, **fields) -> Participant:
    if person.memberships.filter(mission=session.mission_id).exists():
        raise ValidationError(
            {
                "person": _("%(name)s is in the delegation: add them from the delegation side.")
                % {"name": person.full_name}
            },
            code="visitor_in_delegation",
        )
    participant = Participant(
        session=session, side=Participant.Side.VISITOR, person=person, **fields
    )
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def participant_save(
    *, participant: Participant, expected_version: int | None = None
) -> Participant:
    claim_version(participant, expected_version)
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def participant_remove(*, participant: Participant, expected_version: int | None = None) -> None:
    """Their requests go with them; meetings already placed stay as ordinary meetings
    (a coordinator cancels them in the agenda if need be)."""
    claim_for_delete(participant, expected_version)
    participant.delete()


@transaction.atomic
def participant_rotate_token(*, participant: Participant) -> Participant:
    claim_version(participant)
    participant.token = new_token()
    participant.save(update_fields=["token", "version", "updated"])
    return participant


@transaction.atomic
def participant_set_absences(
    *, participant: Participant, periods: list[tuple[datetime, datetime]]
) -> list[Absence]:
    """Replace the participant's absences (aware instants), merging overlapping ones."""
    merged: list[list[datetime]] = []
    if any(moment.tzinfo is None for period in periods for moment in period):
        raise ValidationError(_("Absences need times with a zone."), code="naive_absence")
    periods = [(start.astimezone(UTC), end.astimezone(UTC)) for start, end in periods]
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    participant.absences.all().delete()
    absences = []
    for start, end in merged:
        absence = Absence(participant=participant, start=start, end=end)
        absence.full_clean()
        absence.save()
        absences.append(absence)
    claim_version(participant)
    return absences


def _same_organisation(a: Participant, b: Participant) -> bool:
    return bool(a.person.organisation_id) and a.person.organisation_id == b.person.organisation_id


@transaction.atomic
def request_create(
    *,
    requester: Participant,
    requested: Participant,
    priority: str = MeetingRequest.Priority.NICE,
    message: str = "",
    by_coordinator: bool = False,
) -> MeetingRequest:
    """A asks to meet B. Refused: oneself, one's own organisation, another session, the same
    request twice, past the session's limit, or (for participants) once requests are closed.
    If B already asked A, A's request accepts B's: a mutual match."""
    session = requester.session
    if requested.session_id != requester.session_id:
        raise ValidationError(
            {"requested": _("This participant is in another session.")}, code="other_session"
        )
    if requested.pk == requester.pk:
        raise ValidationError(
            {"requested": _("A participant cannot ask to meet themselves.")}, code="oneself"
        )
    if _same_organisation(requester, requested):
        raise ValidationError(
            {
                "requested": _("%(name)s works for the same organisation.")
                % {"name": requested.person.full_name}
            },
            code="same_organisation",
        )
    if not by_coordinator and not session.requests_open:
        raise ValidationError(_("Requests are closed for this session."), code="closed")
    # Lock the requester's row: two requests sent at once cannot both pass the limit.
    Participant.objects.select_for_update().filter(pk=requester.pk).first()
    if MeetingRequest.objects.filter(requester=requester, requested=requested).exists():
        raise ValidationError(
            {
                "requested": _("You already asked to meet %(name)s.")
                % {"name": requested.person.full_name}
            },
            code="duplicate",
        )
    limit = session.max_requests
    sent = requester.requests_made.exclude(status=MeetingRequest.Status.WITHDRAWN).count()
    if limit is not None and sent >= limit and not by_coordinator:
        raise ValidationError(
            _("At most %(limit)d requests per participant in this session.") % {"limit": limit},
            code="request_limit",
        )
    request = MeetingRequest(
        session=session,
        requester=requester,
        requested=requested,
        priority=priority,
        message=message,
    )
    reverse = MeetingRequest.objects.filter(requester=requested, requested=requester).first()
    if reverse is not None and reverse.status in (
        MeetingRequest.Status.PENDING,
        MeetingRequest.Status.ACCEPTED,
    ):
        # Mutual: each side asked for the other; both count as accepted.
        now = timezone.now()
        decided = (
            MeetingRequest.DecidedBy.COORDINATOR
            if by_coordinator
            else MeetingRequest.DecidedBy.PARTICIPANT
        )
        request.status = MeetingRequest.Status.ACCEPTED
        request.decided_by, request.decided_at = decided, now
        if reverse.status == MeetingRequest.Status.PENDING:
            reverse.status = MeetingRequest.Status.ACCEPTED
            reverse.decided_by, reverse.decided_at = decided, now
            claim_version(reverse)
            reverse.save()
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def request_decide(
    *,
    request: MeetingRequest,
    accept: bool,
    by_coordinator: bool = False,
    expected_version: int | None = None,
) -> MeetingRequest:
    if not by_coordinator and not request.session.requests_open:
        raise ValidationError(_("Requests are closed for this session."), code="closed")
    if request.status == MeetingRequest.Status.WITHDRAWN:
        raise ValidationError(_("This request was withdrawn."), code="withdrawn")
    claim_version(request, expected_version)
    request.status = MeetingRequest.Status.ACCEPTED if accept else MeetingRequest.Status.DECLINED
    request.decided_by = (
        MeetingRequest.DecidedBy.COORDINATOR
        if by_coordinator
        else MeetingRequest.DecidedBy.PARTICIPANT
    )
    request.decided_at = timezone.now()
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def request_withdraw(*, request: MeetingRequest, by_coordinator: bool = False) -> MeetingRequest:
    if not by_coordinator and not request.session.requests_open:
        raise ValidationError(_("Requests are closed for this session."), code="closed")
    claim_version(request)
    request.status = MeetingRequest.Status.WITHDRAWN
    request.save()
    return request


@transaction.atomic
def request_set_priority(*, request: MeetingRequest, priority: str) -> MeetingRequest:
    claim_version(request)
    request.priority = priority
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def table_set_host(*, table: Table, host: Participant | None) -> Table:
    """Make `table` the booth of `host` (None: nobody's); a table is one participant's booth
    at most, so whoever had it before loses it."""
    if host is not None and host.session_id != table.session_id:
        raise ValidationError(
            {"host": _("This participant is in another session.")}, code="other_session"
        )
    for previous in table.hosts.exclude(pk=host.pk if host else None):
        claim_version(previous)
        previous.booth = None
        previous.save(update_fields=["booth", "version", "updated"])
    if host is not None and host.booth_id != table.pk:
        claim_version(host)
        host.booth = table
        host.full_clean()
        host.save(update_fields=["booth", "version", "updated"])
    return table


@transaction.atomic
def participant_add_new_visitor(
    *,
    session: Session,
    person: Person,
    organisation_name: str = "",
    sector: str = "",
    country: str = "",
    **fields,
) -> Participant:
    """A new person of the directory (and their organisation, found by name in any case or
    created) joining the session as a visitor: all of it or nothing."""
    organisation_name = organisation_name.strip()
    if organisation_name:
        organisation = Organisation.objects.filter(name__iexact=organisation_name).first()
        if organisation is None:
            organisation = Organisation(name=organisation_name, sector=sector, country=country)
            try:
                organisation_save(organisation=organisation)
            except ValidationError as error:
                raise ValidationError(
                    {"organisation_name": error.messages}, code="organisation"
                ) from error
        person.organisation = organisation
    person_save(person=person)
    return participant_add_visitor(session=session, person=person, **fields)


@transaction.atomic
def request_save(*, request: MeetingRequest, expected_version: int | None = None) -> MeetingRequest:
    """A request as edited in the admin (the pages use the services above)."""
    claim_version(request, expected_version)
    request.full_clean()
    request.save()
    return request
