import zoneinfo

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from missions.history import Names, history_entries
from missions.models import Mission, Venue
from missions.services import mission_save, venue_save


class HistoryAdmin(SimpleHistoryAdmin):
    """The admin's "History" page with each change in words (as the planner tells them):
    times in the mission's zone, people by name, secret links never shown, and a fixed
    number of queries per page (simple-history's own diff queries per record)."""

    def history_names(self) -> Names:
        return Names()

    def history_zone(self, record):
        if hasattr(record, "timezone"):
            return zoneinfo.ZoneInfo(record.timezone)
        mission_id = getattr(record, "mission_id", None)
        mission = Mission.objects.filter(pk=mission_id).only("timezone").first()
        return mission.tz if mission else None

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        records = list(historical_records)
        if not records:
            return
        oldest = records[-1]
        previous = (
            type(oldest)
            .objects.filter(id=oldest.id, history_id__lt=oldest.history_id)
            .order_by("-history_id")
            .first()
        )
        entries = history_entries(
            records + ([previous] if previous else []),
            zone=self.history_zone(records[0]),
            names=self.history_names(),
        )
        changes = {entry.record.history_id: entry.changes for entry in entries}
        for record in records:
            record.history_delta_changes = [
                {"field": change.label, "old": change.old, "new": _admin_new(change)}
                for change in changes.get(record.history_id, [])
            ]


def _admin_new(change) -> str:
    if change.secret:
        return gettext("a new secret link (the old one stopped working)")
    if change.added or change.removed:
        parts = []
        if change.added:
            parts.append("+ " + ", ".join(change.added))
        if change.removed:
            parts.append("− " + ", ".join(change.removed))
        return "; ".join(parts)
    return change.new


class VenueInline(admin.TabularInline):
    model = Venue
    extra = 0
    fields = ("name", "address", "city", "country", "latitude", "longitude")


@admin.register(Mission)
class MissionAdmin(HistoryAdmin):
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
        # Coordinators with the rest: one history record, not a second for the relation.
        mission_save(mission=obj, coordinators=form.cleaned_data.get("coordinators"))


@admin.register(Venue)
class VenueAdmin(HistoryAdmin):
    list_display = ("name", "mission", "city", "country", "address")
    list_filter = ("mission", "country")
    search_fields = ("name", "address", "city", "mission__title")
    autocomplete_fields = ("mission",)

    def save_model(self, request, obj, form, change):
        venue_save(venue=obj)
