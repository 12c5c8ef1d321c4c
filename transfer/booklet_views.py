"""The coordinators' downloads of a mission: the programme booklet (PDF), for the whole
mission or one delegate.

Thin views: the mission through get_mission_for_user (404 for other coordinators' missions),
the member through that mission, the booklet from transfer.booklet.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.views.decorators.http import require_safe

from delegations.models import DelegationMember
from missions.views import get_mission_for_user
from transfer.booklet import booklet_data, booklet_filename, booklet_language, booklet_pdf


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
    return _pdf_response(booklet_data(mission), language)


@login_required
@require_safe
def member_booklet(request, slug: str, pk: int):
    mission = get_mission_for_user(request, slug)
    member = get_object_or_404(
        DelegationMember.objects.filter(mission=mission).select_related("person"), pk=pk
    )
    member.mission = mission
    language = booklet_language(request.GET.get("lang"), member.person.preferred_language)
    return _pdf_response(booklet_data(mission, member=member), language)
