"""Participants of a B2B matchmaking session from a spreadsheet: upload, preview, "Import N
rows", as the other imports (transfer/views.py) do it, into one session of a mission (its
coordinators only; 404 for anybody else)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from matchmaking.models import Session
from missions.views import get_mission_for_user
from transfer import uploads
from transfer.columns import PARTICIPANT_COLUMNS
from transfer.import_participants import plan_participants
from transfer.import_templates import template_csv, template_xlsx
from transfer.importing import ERROR, ImportRefused, Plan, plan_commit
from transfer.tabular import MAX_UPLOAD_BYTES, CellError, read_table
from transfer.views import ENVELOPE

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


def _page(request, session, *, plan=None, filename="", token="", error="", status=200):
    return render(
        request,
        "transfer/import.html",
        {
            "mission": session.mission,
            "session": session,
            "kind": KIND,
            "header_tab": "b2b",
            "title": _("Import participants of “%(session)s”") % {"session": session.title},
            "columns": PARTICIPANT_COLUMNS,
            "plan": plan,
            "counts": plan.counts() if plan else {},
            "filename": filename,
            "token": token,
            "error": error,
            "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        },
        status=status,
    )


def _too_large(request, session):
    message = _("The file is larger than %(max)d MB: split it, or save it as .xlsx.") % {
        "max": MAX_UPLOAD_BYTES // (1024 * 1024)
    }
    return _page(request, session, error=message, status=413)


@csrf_exempt
@login_required
def participants_upload(request: HttpRequest, slug: str, session: int) -> HttpResponse:
    session = _session(request, slug, session)
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_UPLOAD_BYTES + ENVELOPE:
            return _too_large(request, session)
        request.upload_handlers.insert(0, uploads.LimitedUploadHandler(request))
    return _upload(request, session)


@csrf_protect
def _upload(request, session):
    if request.method != "POST":
        return _page(request, session)
    upload = request.FILES.get("file")
    if getattr(request, "upload_too_large", False) or (
        upload is not None and upload.size > MAX_UPLOAD_BYTES
    ):
        return _too_large(request, session)
    if upload is None:
        return _page(request, session, error=_("Choose a CSV or .xlsx file to import."))
    data = upload.read()
    try:
        filename = get_valid_filename(upload.name or "file")[:100]
    except SuspiciousFileOperation:
        filename = "file"
    plan = _plan(session, request.user, data, filename)
    token = ""
    if plan.is_valid and plan.to_write:
        token = uploads.sign(
            {
                "sha": uploads.store(data),
                "name": filename,
                "kind": KIND,
                "mission": session.mission.pk,
                "session": session.pk,
                "user": request.user.pk,
                "digest": plan.digest(),
            }
        )
    return _page(request, session, plan=plan, filename=filename, token=token)


@login_required
@require_POST
def participants_commit(request: HttpRequest, slug: str, session: int) -> HttpResponse:
    session = _session(request, slug, session)
    payload = uploads.unsign(request.POST.get("token", ""))
    expired = _("This preview has expired: choose the file again.")
    if (
        payload is None
        or payload.get("kind") != KIND
        or payload.get("session") != session.pk
        or payload.get("user") != request.user.pk
    ):
        return _page(request, session, error=expired, status=400)
    data = uploads.load(payload["sha"])
    if data is None:
        return _page(request, session, error=expired)
    filename = payload["name"]
    plan = _plan(session, request.user, data, filename)
    if not plan.is_valid or plan.digest() != payload["digest"]:
        token = ""
        if plan.is_valid and plan.to_write:
            token = uploads.sign({**payload, "digest": plan.digest()})
        return _page(
            request,
            session,
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
            session,
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
    return redirect("matchmaking:participants", session.mission.slug, session.pk)


@login_required
@require_safe
def participants_template(request: HttpRequest, slug: str, session: int, fmt: str) -> HttpResponse:
    session = _session(request, slug, session)
    first_day = session.mission.start_date
    if fmt == "xlsx":
        response = HttpResponse(
            template_xlsx(KIND, first_day),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            template_csv(KIND, first_day), content_type="text/csv; charset=utf-8"
        )
    filename = get_valid_filename(f"{_('participants')}-template.{fmt}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
