"""The .ics invitation import: upload, preview, import.

Thin views as in meetings/views.py: the mission through get_mission_for_user (404 for other
coordinators' missions) -> form -> transfer service -> redirect or file.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from missions.concurrency import EditConflict
from missions.localtime import zone_city
from missions.views import get_mission_for_user
from transfer.forms import InvitationImportForm, InvitationUploadForm, sign_invitations
from transfer.ics_import import Action, PlanChanged, import_plan, invitations_import, plan_signature


def _done_message(result) -> str:
    parts = []
    if result.created:
        parts.append(
            ngettext("%(n)d meeting added", "%(n)d meetings added", result.created)
            % {"n": result.created}
        )
    if result.updated:
        parts.append(
            ngettext("%(n)d meeting updated", "%(n)d meetings updated", result.updated)
            % {"n": result.updated}
        )
    if result.cancelled:
        parts.append(
            ngettext("%(n)d meeting cancelled", "%(n)d meetings cancelled", result.cancelled)
            % {"n": result.cancelled}
        )
    if not parts:
        return _("Nothing to change: the agenda already holds these invitations.")
    return _("Invitations imported: %(what)s.") % {"what": ", ".join(parts)}


@login_required
@require_http_methods(["GET", "POST"])
def ics_import(request, slug: str):
    """Upload .ics files -> preview (nothing written) -> "Import" (all in one transaction)."""
    mission = get_mission_for_user(request, slug)
    upload = InvitationUploadForm(mission=mission)
    confirm = None
    invitations = None
    preview_error = ""
    if request.method == "POST" and "payload" in request.POST:
        confirm = InvitationImportForm(request.POST, mission=mission)
        if confirm.is_valid():
            invitations = confirm.cleaned_data["payload"]
            try:
                result = invitations_import(
                    mission=mission,
                    user=request.user,
                    invitations=invitations,
                    kind=confirm.cleaned_data["kind"],
                    signature=confirm.cleaned_data["signature"],
                )
            except PlanChanged:
                messages.warning(
                    request,
                    _(
                        "The agenda changed since this preview (another import or an edit): "
                        "nothing was imported. Check the preview again."
                    ),
                )
            except EditConflict:
                messages.error(
                    request,
                    _("A meeting was changed meanwhile: nothing was imported. Check again."),
                )
            except ValidationError as error:
                messages.error(
                    request,
                    _("Nothing was imported: %(error)s") % {"error": " ".join(error.messages)},
                )
            else:
                messages.success(request, _done_message(result))
                return redirect("meetings:agenda", mission.slug)
        else:
            # A damaged or stale preview (or a kind that is none): start again from the files.
            preview_error = " ".join(
                confirm.errors.get("payload")
                or confirm.errors.get("kind")
                or confirm.errors["signature"]
            )
            confirm = None
    elif request.method == "POST":
        upload = InvitationUploadForm(request.POST, request.FILES, mission=mission)
        if upload.is_valid():
            invitations = upload.invitations
    rows = None
    if invitations is not None:
        rows = import_plan(mission=mission, user=request.user, invitations=invitations)
        data = {
            "payload": sign_invitations(mission, invitations),
            "signature": plan_signature(rows),
        }
        if confirm is not None and confirm.is_valid():
            data["kind"] = confirm.cleaned_data["kind"]
        confirm = InvitationImportForm(initial=data, mission=mission)
    writes = [row for row in rows or [] if row.writes]
    blocked = [row for row in rows or [] if row.errors]
    return render(
        request,
        "transfer/ics_import.html",
        {
            "mission": mission,
            "upload": upload,
            "preview_error": preview_error,
            "confirm": confirm,
            "rows": rows,
            "writes": len(writes),
            "new_count": sum(row.action == Action.NEW for row in writes),
            "blocked": len(blocked),
            "home_label": zone_city(mission.home_timezone),
            "local_label": zone_city(mission.timezone),
        },
        status=200,
    )
