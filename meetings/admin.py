from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from delegations.models import DelegationMember
from meetings.forms import MeetingAdminForm
from meetings.models import Meeting
from meetings.services import meeting_cancel, meeting_duplicate, meeting_save
from missions.admin import HistoryAdmin, VersionedAdminMixin
from missions.history import Names


class LocalDayFilter(admin.SimpleListFilter):
    """Days of the mission in its own zone (Django's date filters would use UTC)."""

    title = _("day (local time)")
    parameter_name = "day"

    @staticmethod
    def _mission(request):
        """The mission chosen in the mission filter; None for none or a forged value."""
        from missions.models import Mission

        mission_id = request.GET.get("mission__id__exact", "")
        if not (mission_id.isascii() and mission_id.isdigit() and int(mission_id) < 2**63):
            return None
        return Mission.objects.filter(pk=mission_id).first()

    def lookups(self, request, model_admin):
        mission = self._mission(request)
        if mission is None:
            return []
        return [(day.isoformat(), formats.date_format(day, "D j M Y")) for day in mission.days()]

    def queryset(self, request, queryset):
        value = self.value()
        if not value or not request.GET.get("mission__id__exact"):
            return queryset
        from datetime import date

        from missions.localtime import local_day_bounds

        mission = self._mission(request)
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return queryset.none()
        if mission is None:
            return queryset.none()
        try:
            start, end = local_day_bounds(day, mission.tz)
        except (OverflowError, ValueError):  # 9999-12-31 has no next day
            return queryset.none()
        return queryset.filter(start__gte=start, start__lt=end)


@admin.register(Meeting)
class MeetingAdmin(VersionedAdminMixin, HistoryAdmin):
    form = MeetingAdminForm
    list_display = (
        "title",
        "local_day",
        "local_time",
        "kind",
        "status",
        "venue",
        "mission",
    )
    list_filter = ("mission", LocalDayFilter, "kind", "status")
    search_fields = (
        "title",
        "description",
        "partner_organisations__name",
        "partner_contacts__last_name",
        "attendees__person__last_name",
    )
    autocomplete_fields = (
        "mission",
        "venue",
        "attendees",
        "partner_organisations",
        "partner_contacts",
    )
    list_select_related = ("mission", "venue")
    readonly_fields = ("uid", "sequence", "source_uid", "source_sequence", "created", "updated")
    actions = ["cancel_meetings", "duplicate_meetings"]
    fieldsets = (
        (None, {"fields": ("mission", "title", ("kind", "status"))}),
        (
            _("When and where (mission's local time)"),
            {"fields": ("start", "end", "venue")},
        ),
        (_("Who"), {"fields": ("attendees", "partner_organisations", "partner_contacts")}),
        (_("Notes"), {"fields": ("description", "internal_notes")}),
        (
            _("Calendar"),
            {
                "fields": (
                    "uid",
                    "sequence",
                    "source_uid",
                    "source_sequence",
                    "created",
                    "updated",
                ),
                "classes": ["collapse"],
            },
        ),
    )

    @admin.display(description=_("day"), ordering="start")
    def local_day(self, obj: Meeting) -> str:
        return formats.date_format(obj.local_start, "D j M Y")

    @admin.display(description=_("local time"), ordering="start")
    def local_time(self, obj: Meeting) -> str:
        start, end = obj.local_start, obj.local_end
        zone = start.tzname()
        return f"{start:%H:%M}–{end:%H:%M} {zone}"

    def history_names(self) -> Names:
        return Names({DelegationMember: DelegationMember.objects.select_related("person")})

    def save_model(self, request, obj, form, change):
        # Relations are saved by the service in the same transaction (see save_related).
        meeting_save(
            meeting=obj,
            attendees=form.cleaned_data.get("attendees", []),
            partner_organisations=form.cleaned_data.get("partner_organisations", []),
            partner_contacts=form.cleaned_data.get("partner_contacts", []),
            expected_version=form.cleaned_data.get("version"),
        )

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description=_("Cancel selected meetings (they stay in calendars as cancelled)"))
    def cancel_meetings(self, request, queryset):
        count = 0
        refused = []
        for meeting in queryset.select_related("mission", "venue"):
            if not meeting.is_cancelled:
                try:
                    meeting_cancel(meeting=meeting)
                except ValidationError as error:  # stored before today's rules: say so
                    refused.append(f"{meeting}: {' '.join(error.messages)}")
                    continue
                count += 1
        for line in refused:
            self.message_user(request, line, messages.ERROR)
        self.message_user(
            request,
            ngettext("Cancelled %(count)d meeting.", "Cancelled %(count)d meetings.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Duplicate selected meetings (as tentative)"))
    def duplicate_meetings(self, request, queryset):
        count = 0
        for meeting in queryset.select_related("mission", "venue"):
            try:
                meeting_duplicate(meeting=meeting)
            except ValidationError as error:  # stored before today's rules: say so
                self.message_user(request, f"{meeting}: {' '.join(error.messages)}", messages.ERROR)
                continue
            count += 1
        self.message_user(
            request,
            ngettext("Duplicated %(count)d meeting.", "Duplicated %(count)d meetings.", count)
            % {"count": count},
            messages.SUCCESS,
        )
