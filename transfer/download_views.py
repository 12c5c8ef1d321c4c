"""The coordinators' downloads of a mission: the programme booklet (PDF), for the whole
mission or one delegate, and the agenda, roster and partners as CSV or Excel.

Thin views: the mission through get_mission_for_user (404 for other coordinators' missions),
the member through that mission, the booklet from transfer.booklet.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.views.decorators.http import require_safe

from delegations.models import DelegationMember
from missions.views import get_mission_for_user
from releases.services import programme_label
from transfer.booklet import booklet_data, booklet_filename, booklet_language, booklet_pdf
from transfer.exports import EXPORTS, FORMATS, export_file


def _pdf_response(booklet, language: str) -> HttpResponse:
    response = HttpResponse(booklet_pdf(booklet, language=language), content_type="application/pdf")
    filename = booklet_filename(booklet, language=language)
    # Inline: the browser shows it, and "Save" offers this name.
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Content-Language"] = language
    return response


@login_required
@require_safe
def mission_booklet(request, slug: str):
    mission = get_mission_for_user(request, slug)
    language = booklet_language(request.GET.get("lang"), translation.get_language())
    with translation.override(language):  # the label in the booklet's language
        label = programme_label(mission).text
    return _pdf_response(booklet_data(mission, version_label=label), language)


@login_required
@require_safe
def member_booklet(request, slug: str, pk: int):
    mission = get_mission_for_user(request, slug)
    member = get_object_or_404(
        DelegationMember.objects.filter(mission=mission).select_related("person"), pk=pk
    )
    member.mission = mission
    language = booklet_language(request.GET.get("lang"), member.person.preferred_language)
    with translation.override(language):  # the label in the booklet's language
        label = programme_label(mission).text
    return _pdf_response(booklet_data(mission, member=member, version_label=label), language)


@login_required
@require_safe
def export(request, slug: str, what: str, fmt: str):
    """The agenda, the delegation or the partners as a CSV or Excel file (GET only)."""
    if what not in EXPORTS or fmt not in FORMATS:
        raise Http404
    mission = get_mission_for_user(request, slug)
    content, content_type, name = export_file(mission, what, fmt, label=programme_label(mission))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
