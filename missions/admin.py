from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from missions.forms import bound_choice_ids
from missions.models import Mission, Venue
from missions.services import mission_check_window, mission_save, venue_save


class MissionAdminForm(forms.ModelForm):
    """Dates that would strand meetings or stays are refused next to the dates, as in the
    planner, instead of failing in save_model."""

    # No Meta: the admin builds it from MissionAdmin.fieldsets.

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_choice_ids(self)

    def _post_clean(self):
        super()._post_clean()
        if not any(self.has_error(name) for name in ("start_date", "end_date", "timezone")):
            try:
                mission_check_window(mission=self.instance)
            except ValidationError as error:
                self._update_errors(error)


class VenueInline(admin.TabularInline):
    model = Venue
    extra = 0
    fields = ("name", "address", "city", "country", "latitude", "longitude")


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    form = MissionAdminForm
    list_display = (
        "title",
        "city",
        "country",
        "start_date",
        "end_date",
        "timezone",
        "status",
        "member_count",
        "meeting_count",
    )
    list_filter = ("status", "country", "start_date")
    search_fields = ("title", "slug", "city", "region", "country", "organiser")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "start_date"
    filter_horizontal = ("coordinators",)
    # delegations.admin puts the delegation inline first (imports point down, not up).
    inlines = [VenueInline]
    fieldsets = (
        (None, {"fields": ("title", "slug", "status", "description")}),
        (
            _("Where and when"),
            {
                "fields": (
                    ("city", "region", "country"),
                    ("timezone", "home_timezone"),
                    ("start_date", "end_date"),
                    "clash_buffer_minutes",
                )
            },
        ),
        (_("Organisation"), {"fields": ("organiser", "funding_programme", "coordinators")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _members=Count("members", distinct=True),
                _meetings=Count("meetings", distinct=True),
            )
        )

    @admin.display(description=_("delegates"), ordering="_members")
    def member_count(self, obj: Mission) -> int:
        return obj._members

    @admin.display(description=_("meetings"), ordering="_meetings")
    def meeting_count(self, obj: Mission) -> int:
        return obj._meetings

    def save_model(self, request, obj, form, change):
        mission_save(mission=obj)


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ("name", "mission", "city", "country", "address")
    list_filter = ("mission", "country")
    search_fields = ("name", "address", "city", "mission__title")
    autocomplete_fields = ("mission",)

    def save_model(self, request, obj, form, change):
        venue_save(venue=obj)
