"""Participants of a B2B matchmaking session from a spreadsheet: upload, preview, "Import N
rows", with the steps the other imports share (transfer/import_flow.py), into one session of
a mission (its coordinators only; 404 for anybody else)."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from matchmaking.models import Session
from missions.views import get_mission_for_user
from transfer import import_flow
from transfer.columns import PARTICIPANT_COLUMNS
from transfer.import_participants import plan_participants
from transfer.importing import Plan
from transfer.tabular import read_table

KIND = "participants"


def _session(request, slug: str, session: int) -> Session:
    mission = get_mission_for_user(request, slug)
    found = get_object_or_404(Session.objects.filter(mission=mission), pk=session)
    found.mission = mission
    return found


def _plan(session: Session, user, data: bytes, filename: str) -> Plan:
    table = read_table(data, filename, PARTICIPANT_COLUMNS)
    reason = _("Imported from %(file)s") % {"file": filename}
    return plan_participants(session=session, user=user, table=table, reason=reason)


def _page(request, session, **state):
    context = {
        "mission": session.mission,
        "session": session,
        "kind": KIND,
        "header_tab": "b2b",
        "title": _("Import participants of “%(session)s”") % {"session": session.title},
        "columns": PARTICIPANT_COLUMNS,
    }
    return import_flow.render_page(request, context, **state)


def _done(session):
    return redirect("matchmaking:participants", session.mission.slug, session.pk)


def _importer(request, session) -> import_flow.Importer:
    return import_flow.Importer(
        kind=KIND,
        scope={"mission": session.mission.pk, "session": session.pk},
        plan=partial(_plan, session),
        page=partial(_page, request, session),
        done=partial(_done, session),
    )


@csrf_exempt
@login_required
def participants_upload(request: HttpRequest, slug: str, session: int) -> HttpResponse:
    session = _session(request, slug, session)
    return import_flow.upload(request, _importer(request, session))


@login_required
@require_POST
def participants_commit(request: HttpRequest, slug: str, session: int) -> HttpResponse:
    session = _session(request, slug, session)
    return import_flow.commit(request, _importer(request, session))


@login_required
@require_safe
def participants_template(request: HttpRequest, slug: str, session: int, fmt: str) -> HttpResponse:
    session = _session(request, slug, session)
    first_day = session.mission.start_date
    return import_flow.template_download(KIND, first_day, _("participants"), fmt)
