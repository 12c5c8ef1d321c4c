"""Every URL of the project, asked by every kind of visitor, against a table of answers.

The permission model is docs/permissions.md; this test holds the whole project to it. It walks
every URL pattern through Django's resolver (includes too) and fails, naming the pattern, when
one has no row in TABLE below. Then, for every row, it builds the URL with the objects of
mission A, sends a GET and a POST (an empty form, or the row's data) as each visitor, and
compares the answers. A request that is refused, or a form that does not validate, must not
have changed the database (every table of our apps and the users, history included); every
GET must change nothing.
Each request runs in a savepoint that is rolled back, so one visitor's POST (deleting a
meeting, logging out) never changes what the next one sees.

The visitors (the columns of a row, always in this order):

    anon   nobody logged in
    a      coordinator of mission A (the owner of every object in the URLs)
    b      coordinator of mission B only (another coordinator of the agency)
    staff  coordinator of mission B with is_staff (what the old demo user was), no superuser
    root   a superuser
    token  nobody logged in, but holding A's secrets: the delegate's token in /d/<token>/ URLs
           and mission A's programme feed token in /programme/<key>.ics. Everyone else gets a
           well-formed token that is not theirs (and A's slug for the programme: A is not public).

The answers:

    200, 204, 403, 404, 405  that status code (403: the read-only page of a shared directory
                             entry the visitor may see but not change)
    LOGIN      a redirect to the planner's login page
    ADMIN      a redirect to the admin's login page (the admin is for superusers only)
    DONE       any other redirect: the action was done (only for a POST allowed to change data)

A row (add one per new URL; the key is "namespace:name" as for reverse(), or the route for an
unnamed pattern):

    "meetings:history": Row(
        kwargs=lambda w: {"slug": w.mission_a.slug, "pk": w.meeting_a.pk},
        get=(LOGIN, 200, 404, 404, 200, LOGIN),   # anon, a, b, staff, root, token
        post=(LOGIN, 405, 405, 405, 405, LOGIN),
    ),

`kwargs` builds the URL's arguments from the World (the fixture below: mission_a, member_a,
meeting_a, venue_a, region (the organisation A's delegate works for), partner_a and rivian (the
contact and organisation A meets), loose (a contact no mission uses), mission_b ...);
`token_kwargs`, if given, replaces them for the token column; `data`, if given, is the POST's
form data (a function of the World). Presets for the usual shapes are below (MISSION_PAGE,
MISSION_ACTION, ...). Admin URLs: only a sample is checked (the index, and the changelist and
a change page of every model of ours); other admin patterns are Django's internals behind the
same has_permission and are skipped.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from matchmaking import services as mm_services
from matchmaking.models import Session, SessionDay
from outcomes.models import FollowUp
from outcomes.services import follow_up_save, outcome_save
from tests.builders import (
    local,
    make_coordinator,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
    make_user,
    make_venue,
    publish,
)

pytestmark = pytest.mark.django_db

ROLES = ("anon", "a", "b", "staff", "root", "token")
LOGIN, ADMIN, DONE = "LOGIN", "ADMIN", "DONE"
# A well-formed token that is nobody's: 43 URL-safe characters, like secrets.token_urlsafe(32).
NOBODYS_TOKEN = "N0bodysT0ken" + "x" * 31


@dataclass(frozen=True)
class Row:
    get: tuple
    post: tuple
    kwargs: Callable = field(default=lambda w: {})
    token_kwargs: Callable | None = None
    data: Callable = field(default=lambda w: {})


def _mission(w) -> dict:
    return {"slug": w.mission_a.slug}


def _member(w) -> dict:
    return {"slug": w.mission_a.slug, "pk": w.member_a.pk}


def _meeting(w) -> dict:
    return {"slug": w.mission_a.slug, "pk": w.meeting_a.pk}


def _follow_up(w) -> dict:
    return {"slug": w.mission_a.slug, "pk": w.follow_up_a.pk}


def _session(w) -> dict:
    return {"slug": w.mission_a.slug, "session": w.session_a.pk}


def _participant(w) -> dict:
    return {**_session(w), "participant": w.participant_a.pk}


def _failed_digest(w) -> dict:
    """A digest of mission A that could not be sent (made once per world)."""
    if not hasattr(w, "digest_a"):
        from releases.models import DigestDelivery, ProgrammeVersion
        from tests.builders import publish

        version = ProgrammeVersion.objects.filter(mission=w.mission_a).first()
        w.digest_a = DigestDelivery.objects.create(
            version=version or publish(w.mission_a),
            member=w.member_a,
            email=w.member_a.person.email,
            language="en",
            subject="Changes to your agenda",
            body="Moved",
            error="Connection refused",
        )
    return {"slug": w.mission_a.slug, "pk": w.digest_a.pk}


def _b2b_participant(w) -> dict:
    """The token of A's delegate in A's B2B session."""
    return {"token": w.participant_a.token}


def _b2b(w) -> dict:
    return _session(w)


def _b2b_meeting(w) -> dict:
    """A meeting of A's session placed by the scheduler (greedy), not published (made once
    per world): A's delegate meets a second visitor."""
    if not hasattr(w, "b2b_meeting_a"):
        from matchmaking.scheduling import schedule_run

        visitor = mm_services.participant_add_visitor(session=w.session_a, person=make_person())
        request = mm_services.request_create(
            requester=w.participant_a, requested=visitor, by_coordinator=True
        )
        mm_services.request_decide(request=request, accept=True, by_coordinator=True)
        schedule_run(session=w.session_a, method="greedy")
        request.refresh_from_db()
        w.b2b_meeting_a = request.meeting
    return {**_session(w), "meeting": w.b2b_meeting_a.pk}


# A page of mission A: its coordinators and superusers only; anyone else 404 (never reveal it).
MISSION_PAGE = (LOGIN, 200, 404, 404, 200, LOGIN)
# A form of mission A posted empty: errors shown again, nothing saved.
MISSION_FORM_POST = (LOGIN, 200, 404, 404, 200, LOGIN)
# POST-only actions (require_POST after login_required): GET is 405 once logged in.
POST_ONLY_GET = (LOGIN, 405, 405, 405, 405, LOGIN)
MISSION_ACTION = (LOGIN, DONE, 404, 404, DONE, LOGIN)
# Every coordinator: the agency's shared directory and the mission list.
ANY_COORDINATOR = (LOGIN, 200, 200, 200, 200, LOGIN)
# Open to everybody (login, password reset).
ANYBODY = (200, 200, 200, 200, 200, 200)
# Token-addressed (require_safe): only the holder of the secret reads; nobody posts.
SECRET_GET = (404, 404, 404, 404, 404, 200)
SAFE_ONLY = (405, 405, 405, 405, 405, 405)
# The admin: superusers only.
ADMIN_ONLY = (ADMIN, ADMIN, ADMIN, ADMIN, 200, ADMIN)

TABLE: dict[str, Row] = {
    # --- missions (meetings/mission_urls.py, missions/views.py) ---
    "missions:list": Row(get=ANY_COORDINATOR, post=ANY_COORDINATOR),
    "missions:create": Row(get=ANY_COORDINATOR, post=ANY_COORDINATOR),
    "missions:edit": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "missions:clone": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "missions:new_feed_link": Row(kwargs=_mission, get=POST_ONLY_GET, post=MISSION_ACTION),
    # The add form posted empty: "this field is required", nothing saved.
    "missions:coordinators": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_FORM_POST),
    # Removing A's only coordinator: a asks to leave (the confirmation page, nothing done);
    # a superuser is refused (the last coordinator stays) and sent back to the list of them.
    "missions:coordinator_remove": Row(
        kwargs=lambda w: {"slug": w.mission_a.slug, "user_id": w.users["a"].pk},
        get=MISSION_PAGE,
        post=(LOGIN, 200, 404, 404, DONE, LOGIN),
    ),
    # --- history and restore (meetings/history_views.py, delegations/history_views.py) ---
    "missions:history": Row(kwargs=_mission, get=MISSION_PAGE, post=POST_ONLY_GET),
    "missions:delete": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_ACTION),
    # A history record that is not a deletion: nothing to restore, for anybody (the rights of
    # a real restore are in tests/history/test_permissions.py).
    "missions:restore": Row(
        kwargs=lambda w: {"history_id": w.mission_a.history.first().history_id},
        get=POST_ONLY_GET,
        post=(LOGIN, 404, 404, 404, 404, LOGIN),
    ),
    "meetings:deleted": Row(kwargs=_mission, get=MISSION_PAGE, post=POST_ONLY_GET),
    "meetings:restore": Row(
        kwargs=lambda w: {
            "slug": w.mission_a.slug,
            "history_id": w.meeting_a.history.first().history_id,
        },
        get=POST_ONLY_GET,
        post=(LOGIN, 404, 404, 404, 404, LOGIN),
    ),
    "delegations:member_history": Row(kwargs=_member, get=MISSION_PAGE, post=POST_ONLY_GET),
    # A's delegate: their history (e-mail changes included) is for A's coordinators only.
    "delegations:contact_history": Row(
        kwargs=lambda w: {"pk": w.member_a.person.pk}, get=MISSION_PAGE, post=POST_ONLY_GET
    ),
    "delegations:organisation_history": Row(
        kwargs=lambda w: {"pk": w.region.pk}, get=ANY_COORDINATOR, post=POST_ONLY_GET
    ),
    # --- delegation (delegations/urls.py) ---
    "delegations:roster": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_PAGE),
    "delegations:member_add": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "delegations:member_paste": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "delegations:member_edit": Row(kwargs=_member, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "delegations:member_remove": Row(kwargs=_member, get=MISSION_PAGE, post=MISSION_ACTION),
    "delegations:member_rotate_token": Row(kwargs=_member, get=POST_ONLY_GET, post=MISSION_ACTION),
    "delegations:member_send_links": Row(kwargs=_member, get=POST_ONLY_GET, post=MISSION_ACTION),
    # A preview (GET) of who gets which e-mail; POST sends to everyone (issue 8).
    "delegations:send_all_links": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_ACTION),
    # --- partners directory: shared reading, guarded changes ---
    "delegations:partners": Row(get=ANY_COORDINATOR, post=ANY_COORDINATOR),
    "delegations:organisation_create": Row(get=ANY_COORDINATOR, post=ANY_COORDINATOR),
    "delegations:organisation": Row(
        kwargs=lambda w: {"pk": w.region.pk}, get=ANY_COORDINATOR, post=ANY_COORDINATOR
    ),
    # Used by mission A (its delegate works there): read-only for B. A valid rename.
    "delegations:organisation_edit": Row(
        kwargs=lambda w: {"pk": w.region.pk},
        data=lambda w: {"name": "Renamed", "kind": "public"},
        get=(LOGIN, 200, 403, 403, 200, LOGIN),
        post=(LOGIN, DONE, 403, 403, DONE, LOGIN),
    ),
    "delegations:contacts": Row(get=ANY_COORDINATOR, post=ANY_COORDINATOR),
    "delegations:contact_create": Row(get=ANY_COORDINATOR, post=ANY_COORDINATOR),
    # A's delegate: B does not even see them. A valid change of their e-mail address.
    "delegations:contact_edit": Row(
        kwargs=lambda w: {"pk": w.member_a.person.pk},
        data=lambda w: {
            "first_name": "Changed",
            "last_name": "Person",
            "email": "changed@example.org",
            "preferred_language": "it",
        },
        get=MISSION_PAGE,
        post=MISSION_ACTION,
    ),
    # --- agenda and meetings (meetings/urls.py) ---
    "meetings:agenda": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_PAGE),
    "meetings:agenda_print": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_PAGE),
    # GET only; a move is posted to meetings:move, empty here: refused (400), nothing moved.
    "meetings:timetable": Row(kwargs=_mission, get=MISSION_PAGE, post=POST_ONLY_GET),
    "meetings:move": Row(
        kwargs=_meeting, get=POST_ONLY_GET, post=(LOGIN, 400, 404, 404, 400, LOGIN)
    ),
    "meetings:create": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "meetings:check": Row(kwargs=_mission, get=POST_ONLY_GET, post=MISSION_FORM_POST),
    "meetings:edit": Row(kwargs=_meeting, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "meetings:check_existing": Row(kwargs=_meeting, get=POST_ONLY_GET, post=MISSION_FORM_POST),
    "meetings:cancel": Row(kwargs=_meeting, get=POST_ONLY_GET, post=MISSION_ACTION),
    "meetings:duplicate": Row(kwargs=_meeting, get=POST_ONLY_GET, post=MISSION_ACTION),
    "meetings:delete": Row(kwargs=_meeting, get=MISSION_PAGE, post=MISSION_ACTION),
    # Fast entry (meetings/bulk_views.py): a page of mission A; an empty POST is a form error.
    "meetings:copy_day": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "meetings:shift": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "meetings:quick_add": Row(
        kwargs=lambda w: {"slug": w.mission_a.slug, "kind": "contact"},
        get=MISSION_PAGE,
        post=MISSION_FORM_POST,
    ),
    # --- imports (transfer/urls.py): a mission's meetings and delegates; the directory's
    # partners for every coordinator. An empty upload: "choose a file", nothing written; an
    # empty commit: "this preview has expired" (400), nothing written.
    "transfer:import": Row(
        kwargs=lambda w: {"slug": w.mission_a.slug, "kind": "meetings"},
        get=MISSION_PAGE,
        post=MISSION_FORM_POST,
    ),
    "transfer:import_commit": Row(
        kwargs=lambda w: {"slug": w.mission_a.slug, "kind": "delegates"},
        get=POST_ONLY_GET,
        post=(LOGIN, 400, 404, 404, 400, LOGIN),
    ),
    "transfer:import_template": Row(
        kwargs=lambda w: {"slug": w.mission_a.slug, "kind": "meetings", "fmt": "xlsx"},
        get=MISSION_PAGE,
        post=POST_ONLY_GET,
    ),
    "transfer:import_partners": Row(get=ANY_COORDINATOR, post=ANY_COORDINATOR),
    "transfer:import_partners_commit": Row(
        get=POST_ONLY_GET, post=(LOGIN, 400, 400, 400, 400, LOGIN)
    ),
    "transfer:import_partners_template": Row(
        kwargs=lambda w: {"fmt": "csv"}, get=ANY_COORDINATOR, post=POST_ONLY_GET
    ),
    # Participants of A's B2B session (transfer/participant_views.py), as the imports above.
    "transfer:import_participants": Row(kwargs=_session, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "transfer:import_participants_commit": Row(
        kwargs=_session, get=POST_ONLY_GET, post=(LOGIN, 400, 404, 404, 400, LOGIN)
    ),
    "transfer:import_participants_template": Row(
        kwargs=lambda w: {**_session(w), "fmt": "xlsx"}, get=MISSION_PAGE, post=POST_ONLY_GET
    ),
    # --- the programme booklet, PDF (transfer/urls.py): read-only, GET and HEAD ---
    "transfer:mission_booklet": Row(kwargs=_mission, get=MISSION_PAGE, post=POST_ONLY_GET),
    "transfer:member_booklet": Row(kwargs=_member, get=MISSION_PAGE, post=POST_ONLY_GET),
    # --- the mission report (outcomes/report_urls.py): A's coordinators only; GET only ---
    "report:page": Row(kwargs=_mission, get=MISSION_PAGE, post=POST_ONLY_GET),
    "report:pdf": Row(kwargs=_mission, get=MISSION_PAGE, post=POST_ONLY_GET),
    "report:xlsx": Row(kwargs=_mission, get=MISSION_PAGE, post=POST_ONLY_GET),
    "report:csv": Row(kwargs=_mission, get=MISSION_PAGE, post=POST_ONLY_GET),
    # --- imports and exports (transfer/urls.py) ---
    # An empty upload: "this field is required" next to the file input, nothing imported.
    "transfer:ics_import": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_FORM_POST),
    # A file of mission A (GET only).
    "transfer:export": Row(
        kwargs=lambda w: {"slug": w.mission_a.slug, "what": "agenda", "fmt": "xlsx"},
        get=MISSION_PAGE,
        post=POST_ONLY_GET,
    ),
    # --- delegates, by secret token only (releases/public_urls.py) ---
    "public:delegate_page": Row(
        kwargs=lambda w: {"token": NOBODYS_TOKEN},
        token_kwargs=lambda w: {"token": w.member_a.token},
        get=SECRET_GET,
        post=SAFE_ONLY,
    ),
    "public:delegate_feed": Row(
        kwargs=lambda w: {"token": NOBODYS_TOKEN},
        token_kwargs=lambda w: {"token": w.member_a.token},
        get=SECRET_GET,
        post=SAFE_ONLY,
    ),
    # --- B2B participants, by secret token only (matchmaking/public_urls.py); an empty POST
    # of the holder: "choose an action" on the page, nothing changed ---
    "matchmaking_public:page": Row(
        kwargs=lambda w: {"token": NOBODYS_TOKEN},
        token_kwargs=_b2b_participant,
        get=SECRET_GET,
        post=(404, 404, 404, 404, 404, 200),
    ),
    "matchmaking_public:feed": Row(
        kwargs=lambda w: {"token": NOBODYS_TOKEN},
        token_kwargs=_b2b_participant,
        get=SECRET_GET,
        post=SAFE_ONLY,
    ),
    # --- programme versions (releases/urls.py): an empty POST publishes or discards nothing
    # (nothing pending): the page again with the message ---
    "releases:publish": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "releases:discard": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "public:meeting_ics": Row(
        kwargs=lambda w: {"token": NOBODYS_TOKEN, "pk": w.meeting_a.pk},
        token_kwargs=lambda w: {"token": w.member_a.token, "pk": w.meeting_a.pk},
        get=SECRET_GET,
        post=SAFE_ONLY,
    ),
    # By A's slug: A's programme is not public (404); by its secret feed token: complete.
    "public:mission_feed": Row(
        kwargs=lambda w: {"key": w.mission_a.slug},
        token_kwargs=lambda w: {"key": w.mission_a.feed_token},
        get=SECRET_GET,
        post=SAFE_ONLY,
    ),
    # --- outcomes and follow-ups (outcomes/urls.py): internal, A's coordinators only ---
    # Posted empty: "held" is required, the form again with the message; nothing saved.
    "outcomes:outcome": Row(kwargs=_meeting, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "outcomes:follow_up_create": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "outcomes:follow_up_edit": Row(kwargs=_follow_up, get=MISSION_PAGE, post=MISSION_FORM_POST),
    # Quick buttons of the board: done, with the version shown.
    "outcomes:follow_up_status": Row(
        kwargs=_follow_up,
        data=lambda w: {"status": "done", "version": w.follow_up_a.version},
        get=POST_ONLY_GET,
        post=MISSION_ACTION,
    ),
    "outcomes:follow_up_delete": Row(kwargs=_follow_up, get=POST_ONLY_GET, post=MISSION_ACTION),
    # Across the missions each coordinator plans (B sees an empty board).
    "outcomes:board": Row(get=ANY_COORDINATOR, post=ANY_COORDINATOR),
    # The shared directory's organisation; what is shown is scoped by mission (tested in
    # tests/outcomes/test_timeline.py).
    "outcomes:organisation_timeline": Row(
        kwargs=lambda w: {"pk": w.rivian.pk}, get=ANY_COORDINATOR, post=ANY_COORDINATOR
    ),
    # --- B2B matchmaking setup (matchmaking/setup_urls.py): A's coordinators only. Forms
    # posted empty: "this field is required", nothing saved. ---
    "matchmaking:session": Row(kwargs=_mission, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "matchmaking:session_detail": Row(kwargs=_session, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "matchmaking:day_create": Row(kwargs=_session, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "matchmaking:day_edit": Row(
        kwargs=lambda w: {**_session(w), "day": w.day_a.pk},
        get=MISSION_PAGE,
        post=MISSION_FORM_POST,
    ),
    "matchmaking:day_delete": Row(
        kwargs=lambda w: {**_session(w), "day": w.day_a.pk},
        get=POST_ONLY_GET,
        post=MISSION_ACTION,
    ),
    # Posted empty: back to the setup with "add between 1 and 500 tables", nothing added.
    "matchmaking:tables_add": Row(kwargs=_session, get=POST_ONLY_GET, post=MISSION_ACTION),
    "matchmaking:table_edit": Row(
        kwargs=lambda w: {**_session(w), "table": w.table_a.pk},
        get=MISSION_PAGE,
        post=MISSION_FORM_POST,
    ),
    "matchmaking:table_delete": Row(
        kwargs=lambda w: {**_session(w), "table": w.table_a.pk},
        get=POST_ONLY_GET,
        post=MISSION_ACTION,
    ),
    "matchmaking:participants": Row(kwargs=_session, get=MISSION_PAGE, post=MISSION_PAGE),
    "matchmaking:members_add": Row(kwargs=_session, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "matchmaking:visitor_add": Row(kwargs=_session, get=MISSION_PAGE, post=MISSION_FORM_POST),
    # Posted empty: the form again (nothing bound, nothing saved).
    "matchmaking:participant_edit": Row(
        kwargs=_participant, get=MISSION_PAGE, post=MISSION_FORM_POST
    ),
    # Nothing ticked: absent from every slot.
    "matchmaking:participant_availability": Row(
        kwargs=_participant, get=POST_ONLY_GET, post=MISSION_ACTION
    ),
    "matchmaking:participant_remove": Row(
        kwargs=_participant, get=MISSION_PAGE, post=MISSION_ACTION
    ),
    "matchmaking:participant_rotate": Row(
        kwargs=_participant, get=POST_ONLY_GET, post=MISSION_ACTION
    ),
    "matchmaking:requests": Row(kwargs=_session, get=MISSION_PAGE, post=MISSION_FORM_POST),
    # Posted empty: back to the list with "choose accept, decline...", nothing changed.
    "matchmaking:request_action": Row(
        kwargs=lambda w: {**_session(w), "pk": w.request_a.pk},
        data=lambda w: {"action": "accept", "version": w.request_a.version},
        get=POST_ONLY_GET,
        post=MISSION_ACTION,
    ),
    # --- Django's own: language switch and accounts ---
    # Back to the home page (no `next`), whoever asks: it only sets a cookie.
    "set_language": Row(get=(DONE,) * 6, post=(DONE,) * 6),
    "login": Row(get=ANYBODY, post=ANYBODY),
    # POST only; then to the login page (LOGOUT_REDIRECT_URL).
    "logout": Row(get=(405,) * 6, post=(LOGIN,) * 6),
    "password_change": Row(get=ANY_COORDINATOR, post=ANY_COORDINATOR),
    "password_change_done": Row(get=ANY_COORDINATOR, post=(LOGIN, 405, 405, 405, 405, LOGIN)),
    "password_reset": Row(get=ANYBODY, post=ANYBODY),
    "password_reset_done": Row(get=ANYBODY, post=(405,) * 6),
    # A link that is nobody's: the "invalid link" page.
    "password_reset_confirm": Row(
        kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"}, get=ANYBODY, post=ANYBODY
    ),
    "password_reset_complete": Row(get=ANYBODY, post=(405,) * 6),
    # --- programme versions: changelog, compare, resending a digest (releases/) ---
    "versions:list": Row(kwargs=_mission, get=MISSION_PAGE, post=POST_ONLY_GET),
    "versions:compare": Row(kwargs=_mission, get=MISSION_PAGE, post=POST_ONLY_GET),
    "versions:digest_resend": Row(kwargs=_failed_digest, get=POST_ONLY_GET, post=MISSION_ACTION),
    # --- B2B matchmaking, the run pages (matchmaking/run_urls.py) ---
    # Posted empty: "choose a method", nothing scheduled.
    "matchmaking:run": Row(kwargs=_b2b, get=MISSION_PAGE, post=MISSION_FORM_POST),
    "matchmaking:hall_plan": Row(kwargs=_b2b, get=MISSION_PAGE, post=POST_ONLY_GET),
    # The meeting took place (2025): marked as a no-show.
    "matchmaking:no_show": Row(kwargs=_b2b_meeting, get=POST_ONLY_GET, post=MISSION_ACTION),
    # Every slot is past: nothing to choose, "this field is required", nothing moved.
    "matchmaking:reschedule": Row(kwargs=_b2b_meeting, get=MISSION_PAGE, post=MISSION_FORM_POST),
    # --- the admin: a sample (see the module's docstring) ---
    "admin:index": Row(get=ADMIN_ONLY, post=ADMIN_ONLY),
    # A logged-in superuser's GET is sent on to the index; everyone else sees the form (an
    # empty POST: the form again, with errors).
    "admin:login": Row(get=(200, 200, 200, 200, DONE, 200), post=ANYBODY),
}

# The changelist and a change page of every model of ours. A POST to a change page with an
# empty form is refused with errors (200) even for a superuser: nothing saved.
ADMIN_MODELS = {
    "missions_mission": lambda w: w.mission_a.pk,
    "missions_venue": lambda w: w.venue_a.pk,
    "delegations_organisation": lambda w: w.region.pk,
    "delegations_person": lambda w: w.member_a.person.pk,
    "delegations_delegationmember": lambda w: w.member_a.pk,
    "meetings_meeting": lambda w: w.meeting_a.pk,
    "outcomes_outcome": lambda w: w.outcome_a.pk,
    "outcomes_followup": lambda w: w.follow_up_a.pk,
    "matchmaking_session": lambda w: w.session_a.pk,
    "matchmaking_sessionday": lambda w: w.day_a.pk,
    "matchmaking_table": lambda w: w.table_a.pk,
    "matchmaking_participant": lambda w: w.participant_a.pk,
    "matchmaking_meetingrequest": lambda w: w.request_a.pk,
}
for _model, _pk in ADMIN_MODELS.items():
    TABLE[f"admin:{_model}_changelist"] = Row(get=ADMIN_ONLY, post=ADMIN_ONLY)
    TABLE[f"admin:{_model}_change"] = Row(
        kwargs=lambda w, pk=_pk: {"object_id": pk(w)}, get=ADMIN_ONLY, post=ADMIN_ONLY
    )
# Versions and digests are read-only in the admin (released bytes are immutable): a POST to
# their change page is refused (403) even for a superuser.
ADMIN_READ_ONLY = (ADMIN, ADMIN, ADMIN, ADMIN, 403, ADMIN)
for _model, _pk in {
    "releases_programmeversion": lambda w: w.version_a.pk,
}.items():
    TABLE[f"admin:{_model}_changelist"] = Row(get=ADMIN_ONLY, post=ADMIN_ONLY)
    TABLE[f"admin:{_model}_change"] = Row(
        kwargs=lambda w, pk=_pk: {"object_id": pk(w)}, get=ADMIN_ONLY, post=ADMIN_READ_ONLY
    )


# --- Walking the resolver --------------------------------------------------------------------


def url_patterns(patterns=None, prefix: str = "", namespace: str = ""):
    """(key, route) of every pattern, includes followed; key as for reverse()."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            route = prefix + str(pattern.pattern)
            if pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), route
            else:
                yield route, route


def _is_admin(route: str) -> bool:
    return route.startswith("admin/")


def test_every_url_pattern_has_a_row():
    patterns = dict(url_patterns())
    missing = sorted(
        f"{key} ({route})"
        for key, route in patterns.items()
        if key not in TABLE and not _is_admin(route)
    )
    assert not missing, (
        "URL patterns without a row in tests/test_permission_matrix.py TABLE (who may GET and "
        "POST them?): " + ", ".join(missing)
    )
    stale = sorted(key for key in TABLE if key not in patterns)
    assert not stale, "Rows for URL patterns that no longer exist: " + ", ".join(stale)


# --- The world and the visitors ---------------------------------------------------------------


@pytest.fixture
def world(mailoutbox):
    mission_a = make_mission(title="Mission A", slug="mission-a")
    mission_b = make_mission(title="Mission B", slug="mission-b")
    venue_a = make_venue(mission_a)
    region = make_organisation(name="Regione Piemonte")
    member_a = make_member(mission_a, make_person(organisation=region))
    rivian = make_organisation(name="Rivian")
    partner_a = make_person(last_name="Materazzo", organisation=rivian)
    meeting_a = make_meeting(
        mission_a,
        local(mission_a, 2025, 4, 22, 15),
        local(mission_a, 2025, 4, 22, 16),
        venue=venue_a,
        attendees=[member_a],
        partner_organisations=[rivian],
        partner_contacts=[partner_a],
        internal_notes="INTERNAL-NOTE-OF-A",
    )
    version_a = publish(mission_a)
    member_b = make_member(mission_b)
    # B2B matchmaking (matchmaking/): a session of A with a day, a table, A's delegate and
    # the partner contact as participants, and a request between them.
    session_a = mm_services.session_save(session=Session(mission=mission_a, title="B2B of A"))
    day_a = mm_services.session_day_save(
        day=SessionDay(session=session_a, date=mission_a.start_date, start=time(9), end=time(12))
    )
    table_a = mm_services.tables_add(session=session_a, count=1)[0]
    participant_a = mm_services.participant_add_member(session=session_a, member=member_a)
    visitor_a = mm_services.participant_add_visitor(session=session_a, person=partner_a)
    request_a = mm_services.request_create(requester=participant_a, requested=visitor_a)
    # Internal: an outcome and a follow-up of A's meeting (outcomes/).
    outcome_a = outcome_save(meeting=meeting_a, summary="OUTCOME-OF-A")
    follow_up_a = follow_up_save(
        follow_up=FollowUp(mission=mission_a),
        action="FOLLOW-UP-OF-A",
        meeting=meeting_a,
        owner_member=member_a,
    )
    return SimpleNamespace(
        session_a=session_a,
        day_a=day_a,
        table_a=table_a,
        participant_a=participant_a,
        visitor_a=visitor_a,
        request_a=request_a,
        outcome_a=outcome_a,
        follow_up_a=follow_up_a,
        mission_a=mission_a,
        mission_b=mission_b,
        venue_a=venue_a,
        region=region,
        member_a=member_a,
        rivian=rivian,
        partner_a=partner_a,
        meeting_a=meeting_a,
        version_a=version_a,
        member_b=member_b,
        loose=make_person(last_name="Usesme"),
        users={
            "anon": None,
            "a": make_coordinator(mission_a),
            "b": make_coordinator(mission_b),
            "staff": make_coordinator(mission_b, is_staff=True),
            "root": make_user(is_staff=True, is_superuser=True),
            "token": None,
        },
    )


def _database() -> dict:
    """Every row of our apps' tables (history and m2m included) and of the users."""
    models = [get_user_model()]
    for label in ("missions", "delegations", "meetings", "releases", "outcomes", "matchmaking"):
        models.extend(apps.get_app_config(label).get_models(include_auto_created=True))
    return {
        model._meta.db_table: list(model._default_manager.order_by("pk").values_list())
        for model in models
    }


def _answer(response) -> int | str:
    if response.status_code != 302:
        return response.status_code
    location = response.headers["Location"]
    if location.startswith(reverse("admin:login")):
        return ADMIN
    if location.split("?")[0] == resolve_url(settings.LOGIN_URL):
        return LOGIN
    return DONE


def _ask(client: Client, method: str, url: str, data: dict):
    """One request in a savepoint rolled back afterwards: the next visitor sees the same
    world. Returns the answer and whether the database changed."""
    with transaction.atomic():
        before = _database()
        response = client.get(url) if method == "get" else client.post(url, data)
        changed = _database() != before
        transaction.set_rollback(True)
    return _answer(response), changed


@pytest.mark.parametrize("key", sorted(TABLE))
def test_answers(key, world):
    row = TABLE[key]
    problems = []
    for index, role in enumerate(ROLES):
        client = Client()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        kwargs = row.kwargs(world)
        if role == "token" and row.token_kwargs is not None:
            kwargs = row.token_kwargs(world)
        url = reverse(key, kwargs=kwargs)
        for method, expected in (("get", row.get[index]), ("post", row.post[index])):
            answer, changed = _ask(client, method, url, row.data(world))
            if answer != expected:
                problems.append(f"{method.upper()} as {role}: {answer}, expected {expected}")
            if changed and not (method == "post" and answer == DONE):
                problems.append(f"{method.upper()} as {role} answered {answer} and changed data")
    assert not problems, f"{key} ({reverse(key, kwargs=row.kwargs(world))}): " + "; ".join(problems)
