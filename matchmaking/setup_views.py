"""The coordinators' matchmaking setup: sessions, days and breaks, tables, participants and
their availability, requests entered and decided on a participant's behalf.

Thin views: the mission through get_mission_for_user (another mission's coordinator gets
404), the session through it -> form -> service -> redirect. Every refusal of a service is a
message next to what caused it; nothing is half-saved.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from delegations.models import DelegationMember, Person
from matchmaking import services
from matchmaking.forms import (
    AvailabilityForm,
    DayForm,
    MembersAddForm,
    ParticipantFilterForm,
    ParticipantForm,
    RequestActionForm,
    RequestFilterForm,
    RequestForm,
    SessionForm,
    TableForm,
    TablesAddForm,
    VisitorAddForm,
)
from matchmaking.models import (
    MeetingRequest,
    Participant,
    Session,
    SessionBreak,
    SessionDay,
    Table,
)
from matchmaking.setup_selectors import (
    day_previews,
    participants_with_counts,
    request_counts,
    requests_of,
    sectors_of,
    sessions_of,
    tables_of,
    with_days,
)
from matchmaking.slots import session_slots
from missions.concurrency import EditConflict, parse_version
from missions.links import absolute
from missions.views import add_service_errors, get_mission_for_user, save_versioned

# The visitors' search shows at most this many people of the directory.
SEARCH_LIMIT = 30


def _posted(request):
    """The POST data, even empty (an empty form is refused field by field), or None."""
    return request.POST if request.method == "POST" else None


def _session(request, slug: str, session: int) -> Session:
    mission = get_mission_for_user(request, slug)
    found = get_object_or_404(with_days(Session.objects.filter(mission=mission)), pk=session)
    found.mission = mission
    return found


def _participant(session: Session, pk: int) -> Participant:
    participant = get_object_or_404(
        Participant.objects.filter(session=session).with_people(), pk=pk
    )
    participant.session = session
    return participant


def _remapped(error: ValidationError, field: str) -> ValidationError:
    """The errors of no field (a unique constraint over the session and `field`: the title,
    a table's name, a day's date) moved next to `field`."""
    if isinstance(error, EditConflict) or not hasattr(error, "error_dict"):
        return error
    if NON_FIELD_ERRORS not in error.error_dict:
        return error
    errors = dict(error.error_dict)
    errors.setdefault(field, []).extend(errors.pop(NON_FIELD_ERRORS))
    return ValidationError(errors)


def _errors_to(field: str):
    def add(form, error: ValidationError) -> None:
        add_service_errors(form, _remapped(error, field))

    return add


def _saving_to(field: str, save):
    """`save`, its errors of no field raised next to `field` (for save_versioned)."""

    def run():
        try:
            return save()
        except ValidationError as error:
            remapped = _remapped(error, field)
            if remapped is error:
                raise
            raise remapped from error

    return run


def personal_link(participant: Participant) -> str:
    """The participant's secret page (matchmaking_public, wired with the public pages)."""
    try:
        return absolute(reverse("matchmaking_public:page", args=[participant.token]))
    except NoReverseMatch:
        return ""


def slots_summary(days: int, slots: int, minutes: int) -> str:
    """“2 days, 26 slots of 20 minutes”."""
    return _("%(days)s, %(slots)s") % {
        "days": ngettext("%(count)d day", "%(count)d days", days) % {"count": days},
        "slots": ngettext(
            "%(count)d slot of %(minutes)d minutes", "%(count)d slots of %(minutes)d minutes", slots
        )
        % {"count": slots, "minutes": minutes},
    }


# --- Sessions ---------------------------------------------------------------------------------


@login_required
def session_list(request, slug: str):
    mission = get_mission_for_user(request, slug)
    sessions = list(sessions_of(mission))
    form = SessionForm(_posted(request), mission=mission)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_save(session=form.save(commit=False))
        except ValidationError as error:
            _errors_to("title")(form, error)
        else:
            messages.success(
                request,
                _("Session “%(title)s” created. Now add its days and tables.")
                % {"title": session.title},
            )
            return redirect("matchmaking:session_detail", mission.slug, session.pk)
    return render(
        request,
        "matchmaking/setup/sessions.html",
        {"mission": mission, "sessions": sessions, "form": form},
    )


@login_required
def session_detail(request, slug: str, session: int):
    session = _session(request, slug, session)
    mission = session.mission
    form = SessionForm(_posted(request), instance=session, mission=mission)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, form, conflict = save_versioned(
            form,
            _saving_to(
                "title",
                lambda: services.session_save(
                    session=form.save(commit=False), expected_version=form.opened_version
                ),
            ),
            rebuild=lambda data: SessionForm(
                data, instance=Session.objects.get(pk=session.pk), mission=mission
            ),
            zone=mission.tz,
        )
        if saved:
            messages.success(request, _("Session saved."))
            return redirect("matchmaking:session_detail", mission.slug, session.pk)
    days, slots = day_previews(session)
    return render(
        request,
        "matchmaking/setup/session.html",
        {
            "mission": mission,
            "session": session,
            "form": form,
            "conflict": conflict,
            "days": days,
            "slot_count": len(slots),
            "summary": slots_summary(len(days), len(slots), session.slot_minutes),
            "tables": tables_of(session),
            "tables_form": TablesAddForm(),
            "participant_count": session.participants.count(),
        },
        status=409 if conflict else 200,
    )


# --- Days and breaks --------------------------------------------------------------------------


def _day_page(request, session, form, day, status=200):
    return render(
        request,
        "matchmaking/setup/day_form.html",
        {"mission": session.mission, "session": session, "form": form, "day": day},
        status=status,
    )


def _save_day(request, session, day, form) -> bool:
    data = form.cleaned_data
    day.session = session
    day.date, day.start, day.end = data["date"], data["start"], data["end"]
    breaks = [SessionBreak(start=s, end=e, label=label) for s, e, label in form.breaks]
    try:
        services.session_day_save(day=day, breaks=breaks)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "breaks" in error.error_dict:
            form.add_error("break1_start", error.error_dict.pop("breaks"))
        if not hasattr(error, "error_dict") or error.error_dict:
            _errors_to("date")(form, error)
        if day.pk and not SessionDay.objects.filter(pk=day.pk).exists():
            day.pk = None
        return False
    return True


@login_required
def day_create(request, slug: str, session: int):
    session = _session(request, slug, session)
    form = DayForm(_posted(request), mission=session.mission)
    if request.method == "POST" and form.is_valid():
        day = SessionDay()
        if _save_day(request, session, day, form):
            messages.success(request, _("Day added."))
            return redirect("matchmaking:session_detail", session.mission.slug, session.pk)
    return _day_page(request, session, form, None)


@login_required
def day_edit(request, slug: str, session: int, day: int):
    session = _session(request, slug, session)
    day = get_object_or_404(session.days.all(), pk=day)
    form = DayForm(_posted(request), day=day, mission=session.mission)
    if request.method == "POST" and form.is_valid() and _save_day(request, session, day, form):
        messages.success(request, _("Day saved."))
        return redirect("matchmaking:session_detail", session.mission.slug, session.pk)
    return _day_page(request, session, form, day)


@login_required
@require_POST
def day_delete(request, slug: str, session: int, day: int):
    session = _session(request, slug, session)
    day = get_object_or_404(SessionDay.objects.filter(session=session), pk=day)
    services.session_day_delete(day=day)
    messages.success(request, _("Day %(day)s removed.") % {"day": f"{day.date:%Y-%m-%d}"})
    return redirect("matchmaking:session_detail", session.mission.slug, session.pk)


# --- Tables -----------------------------------------------------------------------------------


@login_required
@require_POST
def tables_add(request, slug: str, session: int):
    session = _session(request, slug, session)
    form = TablesAddForm(request.POST)
    back = redirect(
        reverse("matchmaking:session_detail", args=[session.mission.slug, session.pk]) + "#tables"
    )
    if not form.is_valid():
        messages.error(request, _("Add between 1 and 500 tables."))
        return back
    try:
        created = services.tables_add(session=session, count=form.cleaned_data["count"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    messages.success(
        request,
        ngettext("%(count)d table added.", "%(count)d tables added.", len(created))
        % {"count": len(created)},
    )
    return back


def _table(session: Session, pk: int) -> Table:
    return get_object_or_404(Table.objects.filter(session=session).prefetch_related("hosts"), pk=pk)


@login_required
def table_edit(request, slug: str, session: int, table: int):
    session = _session(request, slug, session)
    table = _table(session, table)
    form = TableForm(_posted(request), instance=table, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.table_save(table=form.save(commit=False))
                services.table_set_host(table=table, host=form.cleaned_data["host"])
        except ValidationError as error:
            _errors_to("name")(form, error)
        else:
            messages.success(request, _("Table “%(name)s” saved.") % {"name": table.name})
            return redirect(
                reverse("matchmaking:session_detail", args=[session.mission.slug, session.pk])
                + "#tables"
            )
    return render(
        request,
        "matchmaking/setup/table_form.html",
        {"mission": session.mission, "session": session, "form": form, "table": table},
    )


@login_required
@require_POST
def table_delete(request, slug: str, session: int, table: int):
    session = _session(request, slug, session)
    table = _table(session, table)
    back = redirect(
        reverse("matchmaking:session_detail", args=[session.mission.slug, session.pk]) + "#tables"
    )
    try:
        services.table_delete(table=table)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    messages.success(request, _("Table “%(name)s” deleted.") % {"name": table.name})
    return back


# --- Participants -----------------------------------------------------------------------------


@login_required
def participant_list(request, slug: str, session: int):
    session = _session(request, slug, session)
    sectors = sectors_of(session)
    filters = ParticipantFilterForm(request.GET or None, sectors=sectors)
    values = filters.cleaned_data if filters.is_valid() else {}
    participants = list(
        participants_with_counts(
            session,
            side=values.get("side", ""),
            sector=values.get("sector", ""),
            text=values.get("q", ""),
        )
    )
    for participant in participants:
        participant.link = personal_link(participant)
    return render(
        request,
        "matchmaking/setup/participants.html",
        {
            "mission": session.mission,
            "session": session,
            "participants": participants,
            "links": any(p.link for p in participants),
            "filters": filters,
            "filtering": any(values.values()) if values else False,
            "import_url": _import_url(session),
        },
    )


def _import_url(session: Session) -> str:
    try:
        return reverse("transfer:import_participants", args=[session.mission.slug, session.pk])
    except NoReverseMatch:
        return ""


def _participants_url(session: Session) -> str:
    return reverse("matchmaking:participants", args=[session.mission.slug, session.pk])


@login_required
def members_add(request, slug: str, session: int):
    session = _session(request, slug, session)
    form = MembersAddForm(_posted(request), session=session)
    if request.method == "POST" and form.is_valid():
        members = form.cleaned_data["members"]
        try:
            with transaction.atomic():
                for member in members:
                    services.participant_add_member(session=session, member=member)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d delegation member added.",
                    "%(count)d delegation members added.",
                    len(members),
                )
                % {"count": len(members)},
            )
            return redirect(_participants_url(session))
    return render(
        request,
        "matchmaking/setup/members_add.html",
        {"mission": session.mission, "session": session, "form": form},
    )


def visitor_candidates(request, session: Session, text: str):
    """People of the directory the user may see, in no delegation of this mission and not yet
    in the session, matching every word of `text` (name, e-mail, organisation)."""
    people = (
        Person.objects.visible_to(request.user)
        .exclude(
            pk__in=DelegationMember.objects.filter(mission=session.mission_id).values("person")
        )
        .exclude(pk__in=Participant.objects.filter(session=session).values("person"))
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )
    for word in text.split()[:5]:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    return people


@login_required
def visitor_add(request, slug: str, session: int):
    session = _session(request, slug, session)
    text = request.GET.get("q", "")[:100].replace("\x00", "")
    candidates = visitor_candidates(request, session, text)
    shown = list(candidates[:SEARCH_LIMIT]) if text else []
    chosen_pk = request.POST.get("person", "")
    form = VisitorAddForm(_posted(request), session=session, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = form.participant_fields()
        try:
            if data["person"] is not None:
                participant = services.participant_add_visitor(
                    session=session, person=data["person"], **fields
                )
            else:
                participant = services.participant_add_new_visitor(
                    session=session,
                    person=Person(
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        email=data["email"],
                    ),
                    organisation_name=data["organisation_name"],
                    sector=data["sector"],
                    country=data["country"],
                    **fields,
                )
        except ValidationError as error:
            # Without a field: the e-mail another person of the directory has.
            _errors_to("email")(form, error)
        else:
            messages.success(
                request,
                _("%(name)s joins the session as a visitor.")
                % {"name": participant.person.full_name},
            )
            return redirect(_participants_url(session))
    if chosen_pk and not any(str(p.pk) == chosen_pk for p in shown):
        shown = list(candidates.filter(pk=chosen_pk)) + shown if chosen_pk.isdigit() else shown
    return render(
        request,
        "matchmaking/setup/visitor_add.html",
        {
            "mission": session.mission,
            "session": session,
            "form": form,
            "q": text,
            "people": shown,
            "more": text and len(shown) >= SEARCH_LIMIT,
        },
    )


@login_required
def participant_edit(request, slug: str, session: int, participant: int):
    session = _session(request, slug, session)
    participant = _participant(session, participant)
    mission = session.mission
    form = ParticipantForm(request.POST or None, instance=participant)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, form, conflict = save_versioned(
            form,
            lambda: services.participant_save(
                participant=form.save(commit=False), expected_version=form.opened_version
            ),
            rebuild=lambda data: ParticipantForm(
                data, instance=_participant(session, participant.pk)
            ),
            zone=mission.tz,
        )
        if saved:
            messages.success(request, _("%(name)s saved.") % {"name": participant.person.full_name})
            return redirect(_participants_url(session))
    return _participant_page(request, session, participant, form, conflict=conflict)


def _participant_page(
    request, session, participant, form, *, conflict=None, grid=None, status=None
):
    mission = session.mission
    slots = session_slots(session)
    absences = list(participant.absences.all())
    if grid is None:
        grid = AvailabilityForm(slots=slots, zone=mission.tz)
    ticked = None
    if grid.is_bound:
        raw = grid.data.getlist("slot")
        ticked = {value for value in raw}
    rows = []
    for slot in slots:
        away = any(a.overlaps(slot.start, slot.end) for a in absences)
        checked = (str(slot.index) in ticked) if ticked is not None else not away
        rows.append((slot, checked))
    days: dict = {}
    for slot, checked in rows:
        days.setdefault(slot.date, []).append((slot, checked))
    return render(
        request,
        "matchmaking/setup/participant.html",
        {
            "mission": mission,
            "session": session,
            "participant": participant,
            "form": form,
            "conflict": conflict,
            "grid": grid,
            "grid_days": list(days.items()),
            "link": personal_link(participant),
            "requests_made": participant.requests_made.count(),
            "requests_received": participant.requests_received.count(),
        },
        status=status or (409 if conflict else 200),
    )


@login_required
@require_POST
def participant_availability(request, slug: str, session: int, participant: int):
    session = _session(request, slug, session)
    participant = _participant(session, participant)
    slots = session_slots(session)
    grid = AvailabilityForm(request.POST, slots=slots, zone=session.mission.tz)
    if not grid.is_valid():
        form = ParticipantForm(instance=participant)
        return _participant_page(request, session, participant, form, grid=grid, status=200)
    available = grid.available()
    periods = [(slot.start, slot.end) for slot in slots if slot.index not in available]
    services.participant_set_absences(participant=participant, periods=periods)
    messages.success(
        request,
        _("Availability of %(name)s saved: %(free)d of %(all)d slots.")
        % {"name": participant.person.full_name, "free": len(available), "all": len(slots)},
    )
    return redirect(
        "matchmaking:participant_edit", session.mission.slug, session.pk, participant.pk
    )


@login_required
def participant_remove(request, slug: str, session: int, participant: int):
    session = _session(request, slug, session)
    participant = _participant(session, participant)
    if request.method == "POST":
        try:
            services.participant_remove(
                participant=participant,
                expected_version=parse_version(request.POST.get("version")),
            )
        except EditConflict:
            messages.error(
                request,
                _("%(name)s was changed by somebody else meanwhile: check before removing.")
                % {"name": participant.person.full_name},
            )
        else:
            messages.success(
                request,
                _("%(name)s removed from the session, with their requests.")
                % {"name": participant.person.full_name},
            )
            return redirect(_participants_url(session))
    requests = MeetingRequest.objects.filter(
        Q(requester=participant) | Q(requested=participant)
    ).count()
    return render(
        request,
        "matchmaking/setup/participant_remove.html",
        {
            "mission": session.mission,
            "session": session,
            "participant": participant,
            "requests": requests,
        },
    )


@login_required
@require_POST
def participant_rotate(request, slug: str, session: int, participant: int):
    session = _session(request, slug, session)
    participant = _participant(session, participant)
    services.participant_rotate_token(participant=participant)
    messages.success(
        request,
        _("New personal link for %(name)s: the old one no longer works.")
        % {"name": participant.person.full_name},
    )
    return redirect(
        "matchmaking:participant_edit", session.mission.slug, session.pk, participant.pk
    )


# --- Requests ---------------------------------------------------------------------------------


def _request_participants(session: Session):
    return Participant.objects.filter(session=session).with_people()


def _warn_past_request_limit(request, session: Session, requester: Participant) -> None:
    """Coordinators may enter requests past the session's limit; they are told so."""
    limit = session.max_requests
    if limit is None:
        return
    made = requester.requests_made.exclude(status=MeetingRequest.Status.WITHDRAWN).count()
    if made > limit:
        messages.warning(
            request,
            _(
                "%(name)s has now made %(made)d requests, more than the session's limit of "
                "%(limit)d (participants cannot go past it; coordinators can)."
            )
            % {"name": requester.person.full_name, "made": made, "limit": limit},
        )


def _warn_past_meeting_limit(request, meeting_request: MeetingRequest) -> None:
    """Accepted requests past a participant's meeting limit: the scheduler will leave some
    out ("limit reached"); the coordinator is told now."""
    for participant in (meeting_request.requester, meeting_request.requested):
        limit = participant.meeting_limit()
        if limit is None:
            continue
        accepted = (
            MeetingRequest.objects.filter(
                Q(requester=participant) | Q(requested=participant),
                status=MeetingRequest.Status.ACCEPTED,
            )
            .values_list("requester", "requested")
            .distinct()
        )
        partners = {a if a != participant.pk else b for a, b in accepted}
        if len(partners) > limit:
            messages.warning(
                request,
                _(
                    "%(name)s now has %(count)d accepted meetings for at most %(limit)d: "
                    "the scheduler will leave some out."
                )
                % {"name": participant.person.full_name, "count": len(partners), "limit": limit},
            )


@login_required
def request_list(request, slug: str, session: int):
    session = _session(request, slug, session)
    participants = list(_request_participants(session))
    form = RequestForm(_posted(request), participants=_request_participants(session))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_create(
                requester=data["requester"],
                requested=data["requested"],
                priority=data["priority"],
                by_coordinator=True,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if created.status == MeetingRequest.Status.ACCEPTED:
                text = _("%(a)s asked to meet %(b)s, who had asked too: a mutual match.")
            else:
                text = _("%(a)s asked to meet %(b)s.")
            messages.success(
                request,
                text
                % {
                    "a": created.requester.person.full_name,
                    "b": created.requested.person.full_name,
                },
            )
            _warn_past_request_limit(request, session, created.requester)
            return redirect("matchmaking:requests", session.mission.slug, session.pk)
    filters = RequestFilterForm(request.GET or None, participants=participants)
    values = filters.cleaned_data if filters.is_valid() else {}
    rows = requests_of(session)
    if values.get("status"):
        rows = rows.filter(status=values["status"])
    if values.get("priority"):
        rows = rows.filter(priority=values["priority"])
    if values.get("participant"):
        rows = rows.filter(Q(requester=values["participant"]) | Q(requested=values["participant"]))
    if values.get("mutual"):
        rows = rows.filter(mutual=True)
    return render(
        request,
        "matchmaking/setup/requests.html",
        {
            "mission": session.mission,
            "session": session,
            "form": form,
            "filters": filters,
            "filtering": any(values.values()) if values else False,
            "rows": list(rows),
            "counts": request_counts(session),
            "priorities": MeetingRequest.Priority.choices,
        },
        status=200,
    )


@login_required
@require_POST
def request_action(request, slug: str, session: int, pk: int):
    session = _session(request, slug, session)
    meeting_request = get_object_or_404(
        MeetingRequest.objects.filter(session=session).select_related(
            "requester__person", "requested__person"
        ),
        pk=pk,
    )
    meeting_request.session = session
    meeting_request.requester.session = meeting_request.requested.session = session
    back = redirect(
        reverse("matchmaking:requests", args=[session.mission.slug, session.pk])
        + f"#request-{meeting_request.pk}"
    )
    form = RequestActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept, decline, withdraw or a priority."))
        return back
    action = form.cleaned_data["action"]
    names = {
        "a": meeting_request.requester.person.full_name,
        "b": meeting_request.requested.person.full_name,
    }
    try:
        if action in ("accept", "decline"):
            services.request_decide(
                request=meeting_request,
                accept=action == "accept",
                by_coordinator=True,
                expected_version=parse_version(form.cleaned_data["version"]),
            )
            text = (
                _("%(b)s accepts to meet %(a)s.")
                if action == "accept"
                else _("%(b)s declines to meet %(a)s.")
            )
        elif action == "withdraw":
            services.request_withdraw(request=meeting_request, by_coordinator=True)
            text = _("%(a)s's request to meet %(b)s withdrawn.")
        else:
            priority = form.cleaned_data["priority"]
            if not priority:
                messages.error(request, _("Choose a priority."))
                return back
            services.request_set_priority(request=meeting_request, priority=priority)
            text = _("Priority of %(a)s → %(b)s changed.")
    except EditConflict:
        messages.error(
            request,
            _("This request was changed by somebody else meanwhile: here it is as it is now."),
        )
        return back
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    messages.success(request, text % names)
    if action == "accept":
        _warn_past_meeting_limit(request, meeting_request)
    return back
