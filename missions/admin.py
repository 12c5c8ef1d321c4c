import zoneinfo

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from missions.concurrency import EditConflict, VersionedFormMixin, claim_version
from missions.forms import bound_choice_ids
from missions.history import Names, history_entries
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


def versioned_form(form_class, zone=None, *, inline=False):
    """`form_class` carrying the hidden version, checked against the stored one in clean()."""
    bases = (
        (form_class,)
        if issubclass(form_class, VersionedFormMixin)
        else (
            VersionedFormMixin,
            form_class,
        )
    )
    attrs = {"check_version_in_clean": True, "conflict_zone": zone, "check_only_if_changed": inline}
    return type(form_class.__name__, bases, attrs)


def _has_version(model) -> bool:
    return any(field.name == "version" for field in model._meta.fields)


class VersionedAdminMixin:
    """No lost edits in the admin (missions.concurrency).

    The change form carries the version it was opened at; a stale one is a form error that
    says who changed what (saving again then overwrites deliberately). save_model passes
    `form.cleaned_data["version"]` to the service as expected_version; if somebody saves
    between validation and save, everything is rolled back and the form shown again with
    that error, never a 500. Inline rows of versioned models (delegates, people) too.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        if kwargs.get("fields", ()) is not None:
            kwargs["fields"] = _without_version(
                kwargs.get("fields") or flatten_fieldsets(self.get_fieldsets(request, obj))
            )
        form = super().get_form(request, obj, change=change, **kwargs)
        return versioned_form(form, zone=_zone_of(obj))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if "version" in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": (*options["fields"], "version")}), *rest]

    def save_formset(self, request, form, formset, change):
        if _has_version(formset.model):
            deleted = {id(f) for f in formset.deleted_forms}
            for row in formset.forms:
                if row.instance.pk and id(row) not in deleted and row.has_changed():
                    claim_version(row.instance, row.cleaned_data.get("version"))
        super().save_formset(request, form, formset, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        for _attempt in range(3):
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except EditConflict:
                # Saved by somebody else between validation and save: all rolled back. Shown
                # again, the form now sees the newer version and says what changed.
                continue
        self.message_user(
            request,
            _("Somebody else keeps saving this object: nothing of yours was saved. Try again."),
            messages.ERROR,
        )
        return HttpResponseRedirect(request.get_full_path())


def _without_version(fields) -> list[str]:
    # The form declares `version` itself (VersionedFormMixin); as a model field of the form
    # it would be written onto the object, and an empty one on a new object is refused.
    return [name for name in fields if name != "version"]


def _zone_of(obj):
    mission = getattr(obj, "mission", None) if obj is not None else None
    return mission.tz if mission is not None else None


class VersionedInlineMixin:
    """Inline rows carry their version too (see VersionedAdminMixin.save_formset)."""

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = versioned_form(self.form, zone=getattr(obj, "tz", None), inline=True)
        kwargs.setdefault(
            "fields", _without_version(flatten_fieldsets(self.get_fieldsets(request, obj)))
        )
        return super().get_formset(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "version" in fields else [*fields, "version"]


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
class MissionAdmin(VersionedAdminMixin, HistoryAdmin):
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
        (None, {"fields": ("title", "slug", "status", "description", "practical_info")}),
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
        mission_save(
            mission=obj,
            coordinators=form.cleaned_data.get("coordinators"),
            expected_version=form.cleaned_data.get("version"),
        )


@admin.register(Venue)
class VenueAdmin(HistoryAdmin):
    list_display = ("name", "mission", "city", "country", "address")
    list_filter = ("mission", "country")
    search_fields = ("name", "address", "city", "mission__title")
    autocomplete_fields = ("mission",)

    def save_model(self, request, obj, form, change):
        venue_save(venue=obj)
