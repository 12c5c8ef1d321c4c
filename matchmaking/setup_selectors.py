"""Reads of the coordinators' setup pages, each in a fixed number of queries whatever the
number of participants and requests: the session with its days, breaks and tables; the
participants with their request counts; the requests with the mutual pairs marked."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce

from matchmaking.models import MeetingRequest, Participant, Session, SessionDay, Table
from matchmaking.slots import Slot, session_slots

ACTIVE = (MeetingRequest.Status.PENDING, MeetingRequest.Status.ACCEPTED)


def sessions_of(mission) -> QuerySet:
    return (
        Session.objects.filter(mission=mission)
        .annotate(
            participant_count=Count("participants", distinct=True),
            table_count=Count("tables", distinct=True),
        )
        .order_by("title", "pk")
    )


def with_days(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("mission", "hall").prefetch_related(
        Prefetch("days", queryset=SessionDay.objects.prefetch_related("breaks").order_by("date"))
    )


@dataclass
class DayPreview:
    day: SessionDay
    slots: list[Slot]


def day_previews(session: Session) -> tuple[list[DayPreview], list[Slot]]:
    """Each day with its slots (local times come from the template), and all slots."""
    slots = session_slots(session)
    days = sorted(session.days.all(), key=lambda d: d.date)
    by_date: dict = {}
    for slot in slots:
        by_date.setdefault(slot.date, []).append(slot)
    return [DayPreview(day, by_date.get(day.date, [])) for day in days], slots


def tables_of(session: Session) -> list[Table]:
    return list(
        Table.objects.filter(session=session).prefetch_related(
            Prefetch("hosts", queryset=Participant.objects.select_related("person"))
        )
    )


def _count(queryset: QuerySet, expression=None, *, distinct: bool = False):
    """COUNT over `queryset` as a correlated subquery (no join multiplies the rows)."""
    template = "COUNT(DISTINCT %(expressions)s)" if distinct else "COUNT(%(expressions)s)"
    counted = queryset.order_by().annotate(
        _n=Func(expression or F("pk"), template=template, output_field=IntegerField())
    )
    return Coalesce(Subquery(counted.values("_n")[:1]), 0)


def participants_with_counts(session: Session, *, side="", sector="", text="") -> QuerySet:
    mine = Q(requester=OuterRef("pk")) | Q(requested=OuterRef("pk"))
    requests = MeetingRequest.objects.filter(session=session.pk)
    partner = Case(
        When(requester=OuterRef("pk"), then=F("requested")),
        default=F("requester"),
    )
    participants = (
        Participant.objects.filter(session=session)
        .with_people()
        .select_related("member")
        .annotate(
            made=_count(
                requests.filter(requester=OuterRef("pk")).exclude(
                    status=MeetingRequest.Status.WITHDRAWN
                )
            ),
            received=_count(
                requests.filter(requested=OuterRef("pk")).exclude(
                    status=MeetingRequest.Status.WITHDRAWN
                )
            ),
            # A mutual pair is one meeting: partners are counted, not requests.
            accepted=_count(
                requests.filter(mine, status=MeetingRequest.Status.ACCEPTED),
                partner,
                distinct=True,
            ),
            placed=_count(
                requests.filter(mine, meeting__isnull=False), F("meeting"), distinct=True
            ),
        )
        .order_by("side", "person__last_name", "person__first_name", "pk")
    )
    if side in Participant.Side.values:
        participants = participants.filter(side=side)
    if sector:
        participants = participants.filter(person__organisation__sector=sector)
    for word in text.split()[:5]:
        participants = participants.filter(
            Q(person__first_name__icontains=word)
            | Q(person__last_name__icontains=word)
            | Q(person__email__icontains=word)
            | Q(person__organisation__name__icontains=word)
            | Q(offers__icontains=word)
            | Q(looks_for__icontains=word)
        )
    return participants


def sectors_of(session: Session) -> list[str]:
    return sorted(
        set(
            Participant.objects.filter(session=session)
            .exclude(person__organisation__sector="")
            .exclude(person__organisation__isnull=True)
            .values_list("person__organisation__sector", flat=True)
        )
    )


def requests_of(session: Session) -> QuerySet:
    reverse = MeetingRequest.objects.filter(
        requester=OuterRef("requested"), requested=OuterRef("requester"), status__in=ACTIVE
    )
    return (
        MeetingRequest.objects.filter(session=session)
        .select_related(
            "requester__person__organisation",
            "requested__person__organisation",
            "meeting",
        )
        .annotate(mutual=Exists(reverse))
        .order_by("-created", "-pk")
    )


def request_counts(session: Session) -> dict[str, int]:
    status = MeetingRequest.Status
    reverse = MeetingRequest.objects.filter(
        requester=OuterRef("requested"), requested=OuterRef("requester"), status__in=ACTIVE
    )
    counts = (
        MeetingRequest.objects.filter(session=session)
        .annotate(mutual=Exists(reverse))
        .aggregate(
            requested=Count("pk", filter=~Q(status=status.WITHDRAWN)),
            accepted=Count("pk", filter=Q(status=status.ACCEPTED)),
            declined=Count("pk", filter=Q(status=status.DECLINED)),
            pending=Count("pk", filter=Q(status=status.PENDING)),
            mutual_requests=Count("pk", filter=Q(mutual=True, status__in=ACTIVE)),
        )
    )
    # Both requests of a pair are mutual: the pair is counted once.
    counts["mutual"] = counts.pop("mutual_requests") // 2
    return counts
