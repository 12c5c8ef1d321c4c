"""Matchmaking in Django's admin (superusers only, config/admin.py), saved through the same
services as the planner; versioned models carry their version (VersionedAdminMixin)."""

from django.contrib import admin

from matchmaking import services
from matchmaking.models import (
    Absence,
    MeetingRequest,
    Participant,
    ScheduleRun,
    Session,
    SessionBreak,
    SessionDay,
    Table,
)
from missions.admin import VersionedAdminMixin
from missions.forms import bound_choice_ids


class BoundedIdsMixin:
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class Bounded(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                bound_choice_ids(self)

        Bounded.__name__ = form.__name__
        return Bounded


class SessionDayInline(admin.TabularInline):
    model = SessionDay
    extra = 0
    show_change_link = True


class TableInline(admin.TabularInline):
    model = Table
    extra = 0
    raw_id_fields = ("venue",)


@admin.register(Session)
class SessionAdmin(VersionedAdminMixin, BoundedIdsMixin, admin.ModelAdmin):
    list_display = ("title", "mission", "slot_minutes", "requests_open", "updated")
    list_filter = ("requests_open", "mission")
    search_fields = ("title", "mission__title")
    list_select_related = ("mission",)
    raw_id_fields = ("mission", "hall")
    inlines = (SessionDayInline, TableInline)

    def save_model(self, request, obj, form, change):
        services.session_save(session=obj, expected_version=form.cleaned_data.get("version"))


class SessionBreakInline(admin.TabularInline):
    model = SessionBreak
    extra = 0


@admin.register(SessionDay)
class SessionDayAdmin(BoundedIdsMixin, admin.ModelAdmin):
    list_display = ("date", "start", "end", "session")
    list_select_related = ("session__mission",)
    raw_id_fields = ("session",)
    inlines = (SessionBreakInline,)

    def save_model(self, request, obj, form, change):
        services.session_day_save(day=obj)


@admin.register(Table)
class TableAdmin(BoundedIdsMixin, admin.ModelAdmin):
    list_display = ("name", "session", "venue")
    list_select_related = ("session", "venue")
    search_fields = ("name", "session__title")
    raw_id_fields = ("session", "venue")

    def save_model(self, request, obj, form, change):
        services.table_save(table=obj)


class AbsenceInline(admin.TabularInline):
    model = Absence
    extra = 0


@admin.register(Participant)
class ParticipantAdmin(VersionedAdminMixin, BoundedIdsMixin, admin.ModelAdmin):
    list_display = ("__str__", "side", "session", "booth", "max_meetings")
    list_filter = ("side", "session__mission")
    search_fields = ("person__first_name", "person__last_name", "person__email")
    list_select_related = ("person", "session", "booth")
    raw_id_fields = ("session", "person", "member", "booth")
    # The secret link is not shown: rotate it from the participant's page.
    exclude = ("token",)
    inlines = (AbsenceInline,)

    def save_model(self, request, obj, form, change):
        services.participant_save(
            participant=obj, expected_version=form.cleaned_data.get("version")
        )


@admin.register(MeetingRequest)
class MeetingRequestAdmin(VersionedAdminMixin, BoundedIdsMixin, admin.ModelAdmin):
    list_display = ("__str__", "session", "priority", "status", "decided_by", "meeting")
    list_filter = ("status", "priority", "session__mission")
    search_fields = ("requester__person__last_name", "requested__person__last_name")
    list_select_related = ("requester__person", "requested__person", "session", "meeting")
    raw_id_fields = ("session", "requester", "requested", "meeting")
    readonly_fields = ("decided_at",)

    def save_model(self, request, obj, form, change):
        services.request_save(request=obj, expected_version=form.cleaned_data.get("version"))


@admin.register(ScheduleRun)
class ScheduleRunAdmin(admin.ModelAdmin):
    """What each run was asked and proved: read-only, a record of the past."""

    list_display = ("session", "created", "method", "status", "placed", "accepted", "gap")
    list_filter = ("method", "status")
    list_select_related = ("session",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
