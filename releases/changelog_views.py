"""The changelog (every version and what it changed), the compare page and resending a
digest: pages of a mission's coordinators (get_mission_for_user: 404 for anyone else)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from missions.localtime import zone_city
from missions.views import get_mission_for_user
from releases import changelog
from releases.digests import digest_resend
from releases.models import DigestDelivery


@login_required
@require_safe
def versions(request, slug: str):
    mission = get_mission_for_user(request, slug)
    entries = changelog.changelog(mission)
    context = {
        "mission": mission,
        "entries": entries,
        "compare_form": CompareForm(numbers=[e.version.number for e in entries]),
        "zone_label": zone_city(mission.timezone),
        "home_label": zone_city(mission.home_timezone),
    }
    return render(request, "releases/versions.html", context)


class CompareForm(forms.Form):
    # "from"/"to" in the address (?from=1&to=3): Python keywords, hence the prefixless names.
    older = forms.TypedChoiceField(label=gettext_lazy("From version"), coerce=int)
    newer = forms.TypedChoiceField(label=gettext_lazy("To version"), coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, _("Version %(number)d") % {"number": n}) for n in numbers]
        self.fields["older"].choices = choices
        self.fields["newer"].choices = choices
        self.fields["older"].error_messages["invalid_choice"] = _(
            "There is no version %(value)s of this programme."
        )
        self.fields["newer"].error_messages["invalid_choice"] = _(
            "There is no version %(value)s of this programme."
        )
        if len(numbers) >= 2:
            self.fields["older"].initial = numbers[1]
            self.fields["newer"].initial = numbers[0]

    def clean(self):
        data = super().clean()
        if data.get("older") is not None and data.get("older") == data.get("newer"):
            self.add_error("newer", _("Choose two different versions."))
        return data


@login_required
@require_safe
def compare(request, slug: str):
    mission = get_mission_for_user(request, slug)
    numbers = changelog.version_numbers(mission)
    comparison = None
    form = CompareForm(numbers=numbers)
    if "from" in request.GET or "to" in request.GET:
        data = {"older": request.GET.get("from", ""), "newer": request.GET.get("to", "")}
        form = CompareForm(data, numbers=numbers)
        if form.is_valid():
            older, newer = form.cleaned_data["older"], form.cleaned_data["newer"]
            comparison = changelog.compare(mission, older, newer)
    context = {
        "mission": mission,
        "form": form,
        "numbers": numbers,
        "comparison": comparison,
        "home_label": zone_city(mission.home_timezone),
    }
    return render(request, "releases/compare.html", context, status=200)


@login_required
@require_POST
def resend(request, slug: str, pk: int):
    mission = get_mission_for_user(request, slug)
    delivery = get_object_or_404(
        DigestDelivery.objects.select_related("member__person"), pk=pk, version__mission=mission
    )
    delivery = digest_resend(delivery=delivery)
    if delivery.sent_at:
        messages.success(request, _("E-mail sent to %(to)s.") % {"to": delivery.email})
    elif delivery.error:
        messages.error(
            request,
            _("The e-mail to %(to)s could not be sent: %(error)s")
            % {"to": delivery.email, "error": delivery.error},
        )
    return redirect("versions:list", slug=mission.slug)
