"""The import pages: upload, preview, "Import N rows" (thin: fetch with permission, read,
plan, commit). Meetings and delegates import into a mission (its coordinators only, 404 for
anybody else); partner organisations and contacts into the shared directory, where each
entry obeys `editable_by` (docs/permissions.md).

The preview stores the uploaded bytes on the server (transfer.uploads) and the commit form
carries a signed key to them with the digest of the preview shown: "Import" re-reads and
re-checks the very same file and refuses, showing the preview again, if the result would
differ from what was shown.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from missions.views import get_mission_for_user
from transfer import uploads
from transfer.import_delegates import plan_delegates
from transfer.import_meetings import plan_meetings
from transfer.import_partners import plan_partners
from transfer.import_templates import COLUMNS, template_csv, template_xlsx
from transfer.importing import ERROR, ImportRefused, Plan, plan_commit
from transfer.tabular import MAX_UPLOAD_BYTES, CellError, read_table

# Multipart framing around a file: a request longer than the file limit plus this is refused
# before a byte of it is read.
ENVELOPE = 64 * 1024
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


def _page(request, kind, mission, *, plan=None, filename="", token="", error="", status=200):
    return render(
        request,
        "transfer/import.html",
        {
            "mission": mission,
            "kind": kind,
            "header_tab": "roster" if kind == "delegates" else "",
            "title": TITLES[kind],
            "columns": COLUMNS[kind],
            "plan": plan,
            "counts": plan.counts() if plan else {},
            "filename": filename,
            "token": token,
            "error": error,
            "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        },
        status=status,
    )


def _too_large(request, kind, mission):
    message = _("The file is larger than %(max)d MB: split it, or save it as .xlsx.") % {
        "max": MAX_UPLOAD_BYTES // (1024 * 1024)
    }
    return _page(request, kind, mission, error=message, status=413)


@csrf_exempt
@login_required
def import_upload(request: HttpRequest, kind: str, slug: str | None = None) -> HttpResponse:
    mission = _mission(request, slug, kind)
    if request.method == "POST":
        # Refused before the body is read; the handler stops a file that grows past it.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_UPLOAD_BYTES + ENVELOPE:
            return _too_large(request, kind, mission)
        request.upload_handlers.insert(0, uploads.LimitedUploadHandler(request))
    return _upload(request, kind, mission)


@csrf_protect
def _upload(request, kind, mission):
    if request.method != "POST":
        return _page(request, kind, mission)
    upload = request.FILES.get("file")
    if getattr(request, "upload_too_large", False) or (
        upload is not None and upload.size > MAX_UPLOAD_BYTES
    ):
        return _too_large(request, kind, mission)
    if upload is None:
        return _page(request, kind, mission, error=_("Choose a CSV or .xlsx file to import."))
    data = upload.read()
    try:
        filename = get_valid_filename(upload.name or "file")[:100]
    except SuspiciousFileOperation:  # "..", or nothing left of the name
        filename = "file"
    plan = _plan(kind, mission, request.user, data, filename)
    token = ""
    if plan.is_valid and plan.to_write:
        token = uploads.sign(
            {
                "sha": uploads.store(data),
                "name": filename,
                "kind": kind,
                "mission": mission.pk if mission else None,
                "user": request.user.pk,
                "digest": plan.digest(),
            }
        )
    return _page(request, kind, mission, plan=plan, filename=filename, token=token)


@login_required
@require_POST
def import_commit(request: HttpRequest, kind: str, slug: str | None = None) -> HttpResponse:
    mission = _mission(request, slug, kind)
    payload = uploads.unsign(request.POST.get("token", ""))
    if (
        payload is None
        or payload.get("kind") != kind
        or payload.get("mission") != (mission.pk if mission else None)
        or payload.get("user") != request.user.pk
    ):
        return _page(
            request,
            kind,
            mission,
            error=_("This preview has expired: choose the file again."),
            status=400,
        )
    data = uploads.load(payload["sha"])
    if data is None:
        return _page(
            request, kind, mission, error=_("This preview has expired: choose the file again.")
        )
    filename = payload["name"]
    plan = _plan(kind, mission, request.user, data, filename)
    if not plan.is_valid or plan.digest() != payload["digest"]:
        token = ""
        if plan.is_valid and plan.to_write:
            token = uploads.sign({**payload, "digest": plan.digest()})
        return _page(
            request,
            kind,
            mission,
            plan=plan,
            filename=filename,
            token=token,
            error=_("Something changed since the preview: check the rows again, then import."),
        )
    try:
        written = plan_commit(plan)
    except ImportRefused as refused:
        for message in refused.messages:
            refused.row.errors.append(CellError(refused.row.number, "", message))
        refused.row.result = ERROR
        return _page(
            request,
            kind,
            mission,
            plan=plan,
            filename=filename,
            error=_("Row %(row)d was refused: nothing was imported.") % {"row": refused.row.number},
        )
    messages.success(
        request,
        ngettext(
            "Imported %(file)s: %(count)d row written, nothing else changed.",
            "Imported %(file)s: %(count)d rows written, nothing else changed.",
            written,
        )
        % {"file": filename, "count": written},
    )
    return _done_url(kind, mission)


@login_required
@require_safe
def import_template(
    request: HttpRequest, kind: str, fmt: str, slug: str | None = None
) -> HttpResponse:
    mission = _mission(request, slug, kind)
    first_day = mission.start_date if mission else None
    name = {"meetings": _("meetings"), "delegates": _("delegates"), "partners": _("partners")}[kind]
    if fmt == "xlsx":
        response = HttpResponse(
            template_xlsx(kind, first_day),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            template_csv(kind, first_day), content_type="text/csv; charset=utf-8"
        )
    filename = get_valid_filename(f"{name}-template.{fmt}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
