"""The roster of a mission's delegation and the partners directory.

Imports point down (missions <- delegations <- meetings): meetings are reached through
the reverse relations (`member.meetings`, `organisation.meetings`), never imported,
except for the one lazy call into meetings.notify in `member_send_links`.
"""

import hashlib
import logging
from copy import copy

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delegations.forms import (
    ContactForm,
    ContactSearchForm,
    MemberAddForm,
    MemberPasteForm,
    MemberTimesForm,
    OrganisationForm,
    PartnerFilterForm,
)
from delegations.models import DelegationMember, Organisation, Person
from delegations.services import (
    delegation_add_member,
    delegation_add_new_person,
    delegation_add_people,
    delegation_member_rotate_token,
    delegation_member_save,
    delegation_remove_member,
    organisation_save,
    person_save,
)
from missions import links
from missions.concurrency import HOME_ZONE
from missions.models import Mission
from missions.views import get_mission_for_user, save_versioned

logger = logging.getLogger(__name__)

# Meeting.Status.CANCELLED, spelled out because delegations does not import meetings.
CANCELLED = "cancelled"
PAGE_SIZE = 50


def _get_member(mission: Mission, pk: int) -> DelegationMember:
    return get_object_or_404(DelegationMember.objects.with_people(), mission=mission, pk=pk)


def _save_or_show_errors(form, save) -> bool:
    """Run a service; a ValidationError it raises goes next to the fields of `form`."""
    try:
        save()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return False
    return True


def member_links(member: DelegationMember) -> dict:
    """Absolute links to the delegate's personal page and calendar feed (secret: token), on
    SITE_URL like every link we give out (missions.links), never the request's host."""
    feed = links.absolute(reverse("public:delegate_feed", kwargs={"token": member.token}))
    return {
        "page": links.absolute(reverse("public:delegate_page", kwargs={"token": member.token})),
        "feed": feed,
        "webcal": links.webcal(feed),
    }


def programme_links(mission: Mission) -> dict:
    """The programme feed's addresses: the secret one (complete), the public one (if any)."""
    feed = links.absolute(reverse("public:mission_feed", kwargs={"key": mission.feed_token}))
    public = links.absolute(reverse("public:mission_feed", kwargs={"key": mission.slug}))
    return {
        "feed": feed,
        "webcal": links.webcal(feed),
        "public": public if mission.programme_public else "",
    }


def _links_work(mission: Mission) -> bool:
    """Delegates' pages and feeds answer 404 while the mission is a draft (meetings.feeds)."""
    return mission.status != Mission.Status.DRAFT


def _refuse_draft(request: HttpRequest, mission: Mission) -> HttpResponse:
    messages.error(
        request,
        _(
            "Nothing was sent: %(mission)s is still a draft, and delegates' links answer "
            "“not found” until it is published. Publish the mission first (Edit › Status)."
        )
        % {"mission": mission.title},
    )
    return redirect("delegations:roster", slug=mission.slug)


def _agenda_url(mission: Mission, member: DelegationMember) -> str:
    url = reverse("meetings:agenda", kwargs={"slug": mission.slug})
    return f"{url}?{urlencode({'delegate': member.pk})}"


def _read_only(request: HttpRequest, obj, locking) -> HttpResponse:
    """The answer to someone who may see `obj` but not change it: who can (403)."""
    people = (
        get_user_model()
        .objects.filter(is_active=True, coordinated_missions__in=locking.values("pk"))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    names = [user.get_full_name() or user.get_username() for user in people]
    return render(
        request,
        "delegations/read_only.html",
        {"object": obj, "ask": names},
        status=403,
    )


# --- Roster ---------------------------------------------------------------------------------


@login_required
def roster(request: HttpRequest, slug: str) -> HttpResponse:
    mission = get_mission_for_user(request, slug)
    editable = Person.objects.editable_by(request.user).filter(pk=OuterRef("person"))
    members = list(
        mission.members.with_people()
        .annotate(
            meeting_count=Count("meetings", filter=~Q(meetings__status=CANCELLED), distinct=True),
            # A delegate who also travels with a mission this user does not plan is read-only.
            person_editable=Exists(editable),
        )
        .order_by("person__last_name", "person__first_name")
    )
    for member in members:
        member.links = member_links(member)
        member.agenda_url = _agenda_url(mission, member)
    return render(
        request,
        "delegations/roster.html",
        {
            "mission": mission,
            "members": members,
            "programme": programme_links(mission),
            "links_work": _links_work(mission),
            "with_email": sum(1 for member in members if member.person.email),
        },
    )


@login_required
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    mission = get_mission_for_user(request, slug)
    form = MemberAddForm(
        request.POST or None,
        mission=mission,
        user=request.user,
        instance=DelegationMember(mission=mission),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        options = {
            "mission": mission,
            "role": data["role"],
            "arrival": data.get("arrival"),
            "departure": data.get("departure"),
            "notes": data.get("notes", ""),
        }
        new_person = form.new_person()
        if new_person is None:

            def save():
                return delegation_add_member(person=data["person"], **options)
        else:

            def save():
                return delegation_add_new_person(person=new_person, **options)

        if _save_or_show_errors(form, save):
            name = (new_person or data["person"]).full_name
            messages.success(request, _("%(name)s joined the delegation.") % {"name": name})
            if "add_another" in request.POST:
                return redirect("delegations:member_add", slug=mission.slug)
            return redirect("delegations:roster", slug=mission.slug)
    return render(request, "delegations/member_form.html", {"mission": mission, "form": form})


@login_required
def member_paste(request: HttpRequest, slug: str) -> HttpResponse:
    """Several delegates from pasted lines: a preview with each line's errors beside it,
    then "Add" saves them all, or none (a line with an error is never saved)."""
    mission = get_mission_for_user(request, slug)
    form = MemberPasteForm(request.POST or None, mission=mission, user=request.user)
    lines, digest, changed = None, "", False
    if request.method == "POST" and form.is_valid():
        lines = form.cleaned_data["lines"]
        # "Add" saves the lines as previewed: text changed since is previewed again first.
        digest = hashlib.sha256(request.POST.get("lines", "").encode()).hexdigest()
        changed = "confirm" in request.POST and request.POST.get("previewed") != digest
        if "confirm" in request.POST and not changed and not form.has_line_errors():
            entries = [
                {
                    "line": line.number,
                    "person": line.person,
                    "first_name": line.first_name,
                    "last_name": line.last_name,
                    "email": line.email,
                    "organisation": line.organisation,
                    "organisation_name": line.organisation_name,
                    "role": line.role,
                }
                for line in lines
            ]
            if _save_or_show_errors(
                form, lambda: delegation_add_people(mission=mission, entries=entries)
            ):
                messages.success(
                    request,
                    ngettext(
                        "%(count)d person joined the delegation.",
                        "%(count)d people joined the delegation.",
                        len(entries),
                    )
                    % {"count": len(entries)},
                )
                return redirect("delegations:roster", slug=mission.slug)
    errors = [line for line in lines or [] if line.errors]
    return render(
        request,
        "delegations/member_paste.html",
        {
            "mission": mission,
            "form": form,
            "lines": lines,
            "digest": digest,
            "changed": changed,
            "error_count": len(errors),
            # Created once each, however many lines (and however spelled) name them.
            "new_organisations": sorted(
                {
                    line.organisation_name.lower(): line.organisation_name
                    for line in reversed(lines or [])
                    if line.new_organisation
                }.values()
            ),
        },
    )


@login_required
def member_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    mission = get_mission_for_user(request, slug)
    member = _get_member(mission, pk)
    form = MemberTimesForm(request.POST or None, mission=mission, instance=member)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, form, conflict = save_versioned(
            form,
            lambda: delegation_member_save(
                member=form.instance, expected_version=form.opened_version
            ),
            rebuild=lambda data: MemberTimesForm(
                data, mission=mission, instance=_get_member(mission, pk)
            ),
            zone=mission.tz,
            home_zone=mission.home_tz,
        )
        if saved:
            messages.success(request, _("Saved %(name)s.") % {"name": member.person.full_name})
            return redirect("delegations:roster", slug=mission.slug)
    return render(
        request,
        "delegations/member_form.html",
        {"mission": mission, "form": form, "member": member, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    mission = get_mission_for_user(request, slug)
    member = _get_member(mission, pk)
    if request.method == "POST":
        name = member.person.full_name
        delegation_remove_member(member=member)
        messages.success(
            request,
            _(
                "%(name)s left the delegation. Their meetings stay in the agenda; "
                "they no longer attend them and their personal link stops working."
            )
            % {"name": name},
        )
        return redirect("delegations:roster", slug=mission.slug)
    meetings = member.meetings.order_by("start").only("title", "start", "status")
    return render(
        request,
        "delegations/member_remove.html",
        {"mission": mission, "member": member, "meetings": meetings},
    )


@login_required
@require_POST
def member_rotate_token(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    mission = get_mission_for_user(request, slug)
    member = _get_member(mission, pk)
    delegation_member_rotate_token(member=member)
    messages.success(
        request,
        _(
            "%(name)s has a new personal link. The old page and calendar links stop working: "
            "send them the new ones."
        )
        % {"name": member.person.full_name},
    )
    return redirect("delegations:roster", slug=mission.slug)


@login_required
@require_POST
def member_send_links(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    mission = get_mission_for_user(request, slug)
    member = _get_member(mission, pk)
    if not _links_work(mission):
        return _refuse_draft(request, mission)
    name = member.person.full_name
    if not member.person.email:
        messages.error(
            request,
            _("%(name)s has no e-mail address: add one to their contact card first.")
            % {"name": name},
        )
        return redirect("delegations:roster", slug=mission.slug)
    # Imported here, not at the top: the e-mail belongs to the calendar side (meetings),
    # which imports delegations, and imports must keep pointing one way.
    from meetings.notify import member_send_links as send_links

    try:
        send_links(member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("delegations:roster", slug=mission.slug)
    except OSError:  # SMTP server down or refusing: say so instead of a 500.
        logger.exception("Could not e-mail links to delegation member %s", member.pk)
        messages.error(
            request,
            _("The e-mail to %(name)s could not be sent. Try again later, or copy their links.")
            % {"name": name},
        )
        return redirect("delegations:roster", slug=mission.slug)
    messages.success(
        request,
        _("Sent %(name)s their personal links at %(email)s.")
        % {"name": name, "email": member.person.email},
    )
    return redirect("delegations:roster", slug=mission.slug)


@login_required
def send_all_links(request: HttpRequest, slug: str) -> HttpResponse:
    """Every delegate their links in one action: GET previews who gets what (in which
    language) and who cannot (no e-mail); POST sends and sums up. Refused for a draft."""
    mission = get_mission_for_user(request, slug)
    members = list(
        mission.members.with_people().order_by("person__last_name", "person__first_name")
    )
    recipients = [member for member in members if member.person.email]
    if request.method == "POST":
        if not _links_work(mission):
            return _refuse_draft(request, mission)
        from meetings.notify import member_send_links as send_links  # see member_send_links

        sent, failed = [], []
        for member in recipients:
            try:
                send_links(member=member)
            except (OSError, ValidationError):
                logger.exception("Could not e-mail links to delegation member %s", member.pk)
                failed.append(member.person.full_name)
            else:
                sent.append(member.person.full_name)
        missing = [m.person.full_name for m in members if not m.person.email]
        if sent:
            messages.success(
                request,
                ngettext(
                    "Sent their links to %(count)d delegate: %(names)s.",
                    "Sent their links to %(count)d delegates: %(names)s.",
                    len(sent),
                )
                % {"count": len(sent), "names": ", ".join(sent)},
            )
        if failed:
            messages.error(
                request,
                _("Could not be sent, try again later: %(names)s.") % {"names": ", ".join(failed)},
            )
        if missing:
            messages.warning(
                request,
                _("No e-mail address, nothing sent: %(names)s.") % {"names": ", ".join(missing)},
            )
        if not members:
            messages.info(request, _("Nobody in the delegation yet: nothing was sent."))
        return redirect("delegations:roster", slug=mission.slug)
    from meetings.notify import links_subject  # see member_send_links

    for member in members:
        code = member.person.preferred_language
        # In the language itself ("Italiano"): that is what the delegate reads.
        member.language_name = get_language_info(code)["name_local"] if code else ""
        member.subject = links_subject(member)
    return render(
        request,
        "delegations/send_links.html",
        {
            "mission": mission,
            "recipients": recipients,
            "missing": [member for member in members if not member.person.email],
            "links_work": _links_work(mission),
        },
    )


# --- Partners directory ---------------------------------------------------------------------


def _visible_missions(request: HttpRequest):
    return Mission.objects.visible_to(request.user).values("pk")


@login_required
def partners(request: HttpRequest) -> HttpResponse:
    visible = Organisation.objects.visible_to(request.user)
    # One query for both lists of choices.
    pairs = visible.values_list("sector", "country").distinct()
    sectors, countries = set(), set()
    for sector, country in pairs:
        sectors.add(sector)
        countries.add(country)
    form = PartnerFilterForm(
        request.GET or None,
        sectors=sorted(s for s in sectors if s),
        countries=sorted(c for c in countries if c),
    )
    filters = form.filters()
    people = Person.objects.visible_to(request.user).values("pk")
    organisations = visible.annotate(
        # Only the people the user may see (another mission's delegates are not counted).
        contact_count=Count("people", filter=Q(people__in=people), distinct=True),
        meeting_count=Count(
            "meetings",
            filter=Q(meetings__mission__in=_visible_missions(request)),
            distinct=True,
        ),
    ).order_by("name")
    if query := filters.get("q"):
        organisations = organisations.filter(
            Q(name__icontains=query) | Q(short_name__icontains=query)
        )
    for name in ("kind", "sector", "country"):
        if name in filters:
            organisations = organisations.filter(**{name: filters[name]})
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "delegations/partners.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(filters),
            "querystring": urlencode({k: v for k, v in filters.items()}),
        },
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.visible_to(request.user).with_can_edit(request.user), pk=pk
    )
    contacts = list(
        Person.objects.visible_to(request.user)
        .with_can_edit(request.user)
        .filter(organisation=organisation)
        .order_by("last_name", "first_name")
    )
    # Meetings with the organisation itself or with one of its people, in missions the user
    # may see; the model is reached through the reverse relation, not imported.
    meeting_model = organisation.meetings.model
    meetings = list(
        meeting_model.objects.filter(
            Q(partner_organisations=organisation) | Q(partner_contacts__organisation=organisation),
            mission__in=_visible_missions(request),
        )
        .distinct()
        .select_related("mission", "venue")
        .prefetch_related(
            Prefetch(
                "attendees",
                queryset=DelegationMember.objects.select_related("person").order_by(
                    "person__last_name", "person__first_name"
                ),
            ),
            Prefetch(
                "partner_contacts",
                queryset=Person.objects.filter(organisation=organisation),
                to_attr="contacts_here",
            ),
        )
        .order_by("-start")
    )
    missions = []
    for meeting in meetings:
        if not missions or missions[-1]["mission"].pk != meeting.mission_id:
            missions.append({"mission": meeting.mission, "meetings": []})
        missions[-1]["meetings"].append(meeting)
    return render(
        request,
        "delegations/partners_organisation.html",
        {
            "organisation": organisation,
            "contacts": contacts,
            "missions": missions,
            "meeting_count": len(meetings),
        },
    )


@login_required
def organisation_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk:
        organisation = get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)
        if not Organisation.objects.editable_by(request.user).filter(pk=pk).exists():
            locking = Mission.objects.locked_for(request.user).filter(
                Q(meetings__partner_organisations=organisation)
                | Q(meetings__partner_contacts__organisation=organisation)
                | Q(members__person__organisation=organisation)
            )
            return _read_only(request, organisation, locking)
    else:
        organisation = Organisation()
    # The form writes what was typed onto its instance: headings show the stored copy.
    stored = copy(organisation) if pk else None
    form = OrganisationForm(request.POST or None, instance=organisation)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, form, conflict = save_versioned(
            form,
            lambda: organisation_save(
                organisation=form.instance, expected_version=form.opened_version
            ),
            rebuild=lambda data: OrganisationForm(
                data, instance=get_object_or_404(Organisation, pk=pk)
            ),
            home_zone=HOME_ZONE,
        )
        if saved:
            messages.success(request, _("Saved %(name)s.") % {"name": form.instance.name})
            return redirect("delegations:organisation", pk=form.instance.pk)
        if conflict:
            stored = get_object_or_404(Organisation, pk=pk)
    return render(
        request,
        "delegations/partners_organisation_form.html",
        {"form": form, "organisation": stored, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
def contacts(request: HttpRequest) -> HttpResponse:
    search = ContactSearchForm(request.GET)
    query = search.query()
    people = (
        Person.objects.visible_to(request.user)
        .with_can_edit(request.user)
        .select_related("organisation")
        .order_by("last_name", "first_name")
    )
    if query:
        people = people.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(organisation__name__icontains=query)
            | Q(organisation__short_name__icontains=query)
        )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "delegations/partners_contacts.html",
        {
            "page": page,
            "query": query,
            "search_errors": search.errors.get("q"),
            "querystring": urlencode({"q": query} if query else {}),
        },
    )


@login_required
def contact_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk:
        # Another mission's delegate: 404, as if they did not exist.
        person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
        if not Person.objects.editable_by(request.user).filter(pk=pk).exists():
            locking = Mission.objects.locked_for(request.user).filter(
                Q(members__person=person) | Q(meetings__partner_contacts=person)
            )
            return _read_only(request, person, locking)
    else:
        person = Person()
    stored = copy(person) if pk else None
    initial = {}
    if not pk and (organisation_id := request.GET.get("organisation", "")).isdecimal():
        initial["organisation"] = organisation_id
    # Back to where the coordinator came from (e.g. the roster), if it is one of our pages.
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = ContactForm(request.POST or None, instance=person, initial=initial, user=request.user)
    conflict = None
    saved = False
    if request.method == "POST" and form.is_valid():
        saved, form, conflict = save_versioned(
            form,
            lambda: person_save(person=form.instance, expected_version=form.opened_version),
            rebuild=lambda data: ContactForm(
                data, instance=get_object_or_404(Person, pk=pk), user=request.user
            ),
            home_zone=HOME_ZONE,
        )
        if conflict:
            stored = get_object_or_404(Person, pk=pk)
    if saved:
        messages.success(request, _("Saved %(name)s.") % {"name": form.instance.full_name})
        if next_url:
            return redirect(next_url)
        if form.instance.organisation_id:
            return redirect("delegations:organisation", pk=form.instance.organisation_id)
        return redirect("delegations:contacts")
    return render(
        request,
        "delegations/partners_contact_form.html",
        {"form": form, "person": stored, "next_url": next_url, "conflict": conflict},
        status=409 if conflict else 200,
    )
