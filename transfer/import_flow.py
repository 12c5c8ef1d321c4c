"""The steps every spreadsheet import page shares: upload, preview, "Import N rows", and the
blank template (transfer/views.py for meetings, delegates and partners,
transfer/participant_views.py for the participants of a B2B session). A view fetches what it
imports into, with permission, and hands the steps an `Importer` saying what differs.

The preview stores the uploaded bytes on the server (transfer.uploads) and the commit form
carries a signed key to them with the digest of the preview shown: "Import" re-reads and
re-checks the very same file and refuses, showing the preview again, if the result would
differ from what was shown.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_protect

from transfer import uploads
from transfer.import_templates import template_csv, template_xlsx
from transfer.importing import ERROR, ImportRefused, Plan, plan_commit
from transfer.tabular import MAX_UPLOAD_BYTES, CellError

# Multipart framing around a file: a request longer than the file limit plus this is refused
# before a byte of it is read.
ENVELOPE = 64 * 1024


@dataclass(frozen=True)
class Importer:
    kind: str
    # Stored in the signed token with the upload; the commit must find the same values.
    scope: dict
    # plan(user, data, filename): the preview of the file, nothing written.
    plan: Callable[..., Plan]
    # page(plan=, filename=, token=, error=, status=): the import page.
    page: Callable[..., HttpResponse]
    # done(): where a successful import goes.
    done: Callable[[], HttpResponse]


def render_page(
    request, context: dict, *, plan=None, filename="", token="", error="", status=200
) -> HttpResponse:
    """transfer/import.html with `context` (mission, kind, title, columns, ...) and the
    state of the import."""
    return render(
        request,
        "transfer/import.html",
        {
            **context,
            "plan": plan,
            "counts": plan.counts() if plan else {},
            "filename": filename,
            "token": token,
            "error": error,
            "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        },
        status=status,
    )


def too_large(importer: Importer) -> HttpResponse:
    message = _("The file is larger than %(max)d MB: split it, or save it as .xlsx.") % {
        "max": MAX_UPLOAD_BYTES // (1024 * 1024)
    }
    return importer.page(error=message, status=413)


def upload(request: HttpRequest, importer: Importer) -> HttpResponse:
    """The upload page and its POST; the view calling it is csrf_exempt so that a body too
    large is refused before it is read (the CSRF check, which reads it, comes after)."""
    if request.method == "POST":
        # Refused before the body is read; the handler stops a file that grows past it.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_UPLOAD_BYTES + ENVELOPE:
            return too_large(importer)
        request.upload_handlers.insert(0, uploads.LimitedUploadHandler(request))
    return _upload(request, importer)


@csrf_protect
def _upload(request, importer):
    if request.method != "POST":
        return importer.page()
    upload = request.FILES.get("file")
    if getattr(request, "upload_too_large", False) or (
        upload is not None and upload.size > MAX_UPLOAD_BYTES
    ):
        return too_large(importer)
    if upload is None:
        return importer.page(error=_("Choose a CSV or .xlsx file to import."))
    data = upload.read()
    try:
        filename = get_valid_filename(upload.name or "file")[:100]
    except SuspiciousFileOperation:  # "..", or nothing left of the name
        filename = "file"
    plan = importer.plan(request.user, data, filename)
    token = ""
    if plan.is_valid and plan.to_write:
        token = uploads.sign(
            {
                "sha": uploads.store(data),
                "name": filename,
                "kind": importer.kind,
                **importer.scope,
                "user": request.user.pk,
                "digest": plan.digest(),
            }
        )
    return importer.page(plan=plan, filename=filename, token=token)


def commit(request: HttpRequest, importer: Importer) -> HttpResponse:
    payload = uploads.unsign(request.POST.get("token", ""))
    expired = _("This preview has expired: choose the file again.")
    if (
        payload is None
        or payload.get("kind") != importer.kind
        or any(payload.get(key) != value for key, value in importer.scope.items())
        or payload.get("user") != request.user.pk
    ):
        return importer.page(error=expired, status=400)
    data = uploads.load(payload["sha"])
    if data is None:
        return importer.page(error=expired)
    filename = payload["name"]
    plan = importer.plan(request.user, data, filename)
    if not plan.is_valid or plan.digest() != payload["digest"]:
        token = ""
        if plan.is_valid and plan.to_write:
            token = uploads.sign({**payload, "digest": plan.digest()})
        return importer.page(
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
        return importer.page(
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
    return importer.done()


def template_download(kind: str, first_day: date | None, name: str, fmt: str) -> HttpResponse:
    """The blank template of `kind` as `<name>-template.<fmt>` (xlsx, else CSV)."""
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
