"""The planner's side of versions: publish the working programme, discard what is not
published. Thin views: mission with permission -> form -> service -> redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from meetings.models import Meeting
from missions.views import add_service_errors, get_mission_for_user
from releases.changelog import publish_preview
from releases.forms import DiscardForm, PublishForm
from releases.models import ProgrammeVersion
from releases.services import PublishConflict, programme_discard, programme_publish


def _latest(mission):
    return (
        ProgrammeVersion.objects.filter(mission=mission).with_pending().order_by("-number").first()
    )


def _page(request, template: str, mission, form, *, status: int = 200, extra=None):
    version = _latest(mission)
    context = {
        **(extra or {}),
        "mission": mission,
        "form": form,
        "version": version,
        "expected": version.number if version is not None else 0,
        "pending": version.pending if version is not None else None,
        "meetings": Meeting.objects.filter(mission=mission).count() if version is None else None,
    }
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def publish(request, slug: str):
    mission = get_mission_for_user(request, slug)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = programme_publish(
                mission=mission,
                user=request.user,
                note=form.cleaned_data["note"],
                expected_number=form.cleaned_data["expected"],
            )
        except PublishConflict as error:
            add_service_errors(form, error)
            # 409: what they confirmed is no longer what would be published.
            return _page(
                request, "releases/publish.html", mission, form, status=409, extra=_preview(mission)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Version %(number)d published: delegates' pages and calendars show it now.")
                % {"number": version.number},
            )
            return redirect("meetings:agenda", mission.slug)
    return _page(request, "releases/publish.html", mission, form, extra=_preview(mission))


def _preview(mission) -> dict:
    """What publishing now would tell whom, and the e-mails (releases/changelog.py)."""
    return {"preview": publish_preview(mission)}


@login_required
@require_http_methods(["GET", "POST"])
def discard(request, slug: str):
    mission = get_mission_for_user(request, slug)
    form = DiscardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            touched = programme_discard(
                mission=mission, user=request.user, expected_number=form.cleaned_data["expected"]
            )
        except PublishConflict as error:
            add_service_errors(form, error)
            return _page(request, "releases/discard.html", mission, form, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Unpublished changes discarded: %(count)d meeting is back as published.",
                    "Unpublished changes discarded: %(count)d meetings are back as published.",
                    touched,
                )
                % {"count": touched},
            )
            return redirect("meetings:agenda", mission.slug)
    return _page(request, "releases/discard.html", mission, form)


def publish_after_save(request, meeting: Meeting) -> None:
    """ "Save and publish" on the meeting form: an urgent fix during the trip reaches the
    delegates at once. The meeting is saved already; a refusal only says so."""
    if "publish" not in request.POST:
        return
    try:
        version = programme_publish(
            mission=meeting.mission,
            user=request.user,
            note=(_("Urgent fix: %(title)s") % {"title": meeting.title})[:200],
        )
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(request, _("Version %(number)d published.") % {"number": version.number})
