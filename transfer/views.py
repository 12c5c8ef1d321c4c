"""The import pages: upload, preview, "Import N rows" (thin: fetch with permission, then the
shared steps of transfer/import_flow.py). Meetings and delegates import into a mission (its
coordinators only, 404 for anybody else); partner organisations and contacts into the shared
directory, where each entry obeys `editable_by` (docs/permissions.md).
"""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from missions.views import get_mission_for_user
from transfer import import_flow
from transfer.import_delegates import plan_delegates
from transfer.import_meetings import plan_meetings
from transfer.import_partners import plan_partners
from transfer.import_templates import COLUMNS
from transfer.importing import Plan
from transfer.tabular import read_table

TITLES = {
    "meetings": gettext_lazy("Import meetings"),
    "delegates": gettext_lazy("Import delegates"),
    "partners": gettext_lazy("Import partner organisations and contacts"),
}


def _mission(request, slug, kind):
    if kind not in COLUMNS or (kind == "partners") != (slug is None):
        raise Http404
    return get_mission_for_user(request, slug) if slug else None


def _plan(kind: str, mission, user, data: bytes, filename: str) -> Plan:
    table = read_table(data, filename, COLUMNS[kind])
    reason = _("Imported from %(file)s") % {"file": filename}
    if kind == "meetings":
        return plan_meetings(mission=mission, user=user, table=table, reason=reason)
    if kind == "delegates":
        return plan_delegates(mission=mission, user=user, table=table, reason=reason)
    return plan_partners(user=user, table=table, reason=reason)


def _done_url(kind: str, mission):
    if kind == "meetings":
        return redirect("meetings:agenda", mission.slug)
    if kind == "delegates":
        return redirect("delegations:roster", mission.slug)
    return redirect("delegations:partners")


def _page(request, kind, mission, **state):
    context = {
        "mission": mission,
        "kind": kind,
        "header_tab": "roster" if kind == "delegates" else "",
        "title": TITLES[kind],
        "columns": COLUMNS[kind],
    }
    return import_flow.render_page(request, context, **state)


def _importer(request, kind, mission) -> import_flow.Importer:
    return import_flow.Importer(
        kind=kind,
        scope={"mission": mission.pk if mission else None},
        plan=partial(_plan, kind, mission),
        page=partial(_page, request, kind, mission),
        done=partial(_done_url, kind, mission),
    )


@csrf_exempt
@login_required
def import_upload(request: HttpRequest, kind: str, slug: str | None = None) -> HttpResponse:
    mission = _mission(request, slug, kind)
    return import_flow.upload(request, _importer(request, kind, mission))


@login_required
@require_POST
def import_commit(request: HttpRequest, kind: str, slug: str | None = None) -> HttpResponse:
    mission = _mission(request, slug, kind)
    return import_flow.commit(request, _importer(request, kind, mission))


@login_required
@require_safe
def import_template(
    request: HttpRequest, kind: str, fmt: str, slug: str | None = None
) -> HttpResponse:
    mission = _mission(request, slug, kind)
    first_day = mission.start_date if mission else None
    name = {"meetings": _("meetings"), "delegates": _("delegates"), "partners": _("partners")}[kind]
    return import_flow.template_download(kind, first_day, name, fmt)
