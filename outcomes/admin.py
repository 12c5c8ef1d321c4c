"""Outcomes and follow-ups in Django's admin (superusers only, config/admin.py), saved
through the same services as the planner."""

from django import forms
from django.contrib import admin
from django.utils import timezone

from missions.admin import HistoryAdmin, VersionedAdminMixin
from outcomes.models import FollowUp, Outcome
from outcomes.services import follow_up_save, not_started_error, outcome_save


class OutcomeAdminForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ("meeting", "held", "interest", "summary", "next_steps", "notable")

    def clean(self):
        cleaned = super().clean()
        meeting = cleaned.get("meeting") or getattr(self.instance, "meeting", None)
        # outcome_save refuses these too; said here, next to the form, not as a 500.
        if meeting is not None and (error := not_started_error(meeting, timezone.now())):
            self.add_error(None, error)
        return cleaned


@admin.register(Outcome)
class OutcomeAdmin(VersionedAdminMixin, HistoryAdmin):
    form = OutcomeAdminForm
    list_display = ("meeting", "mission", "held", "interest", "notable", "recorded_by", "updated")
    list_filter = ("held", "interest", "notable", "meeting__mission")
    search_fields = ("meeting__title", "summary", "next_steps")
    list_select_related = ("meeting__mission", "recorded_by")
    raw_id_fields = ("meeting",)
    readonly_fields = ("recorded_by",)

    @admin.display(description=FollowUp._meta.get_field("mission").verbose_name)
    def mission(self, obj: Outcome):
        return obj.meeting.mission

    def get_readonly_fields(self, request, obj=None):
        # One outcome per meeting: it never moves to another meeting.
        return (*self.readonly_fields, "meeting") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        outcome_save(
            meeting=obj.meeting,
            user=request.user,
            version=data.get("version") if change else None,
            **{
                name: data[name]
                for name in ("held", "summary", "interest", "next_steps", "notable")
            },
        )


@admin.register(FollowUp)
class FollowUpAdmin(VersionedAdminMixin, HistoryAdmin):
    list_display = ("action", "mission", "owner_user", "owner_member", "due_date", "status")
    list_filter = ("status", "mission")
    search_fields = ("action", "notes", "organisation__name")
    list_select_related = ("mission", "owner_user", "owner_member__person")
    raw_id_fields = ("meeting", "organisation", "owner_member")

    def save_model(self, request, obj, form, change):
        follow_up_save(follow_up=obj, version=form.cleaned_data.get("version"))
