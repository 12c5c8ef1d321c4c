from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from delegations.forms import DelegationMemberAdminForm
from delegations.models import DelegationMember, Organisation, Person
from delegations.services import (
    delegation_member_rotate_token,
    delegation_member_save,
    organisation_save,
    person_save,
)
from missions.admin import HistoryAdmin, MissionAdmin, VersionedAdminMixin, VersionedInlineMixin
from missions.history import Names
from missions.models import Mission


class DelegationMemberInline(VersionedInlineMixin, admin.TabularInline):
    model = DelegationMember
    form = DelegationMemberAdminForm
    extra = 0
    fields = ("person", "role", "arrival", "departure")
    autocomplete_fields = ("person",)


# The delegation comes first on the mission's page.
MissionAdmin.inlines = [DelegationMemberInline, *MissionAdmin.inlines]


class PersonInline(VersionedInlineMixin, admin.TabularInline):
    model = Person
    extra = 0
    fields = ("first_name", "last_name", "position", "email", "phone")
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(VersionedAdminMixin, HistoryAdmin):
    list_display = ("name", "short_name", "kind", "sector", "city", "country", "people_count")
    list_filter = ("kind", "country", "sector")
    search_fields = ("name", "short_name", "sector", "city", "country")
    inlines = [PersonInline]
    # Django 6 assumes https for scheme-less URLs; opt in now (and silence the deprecation).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_people=Count("people"))

    @admin.display(description=_("people"), ordering="_people")
    def people_count(self, obj: Organisation) -> int:
        return obj._people

    def save_model(self, request, obj, form, change):
        organisation_save(organisation=obj, expected_version=form.cleaned_data.get("version"))


@admin.register(Person)
class PersonAdmin(VersionedAdminMixin, HistoryAdmin):
    list_display = ("full_name", "position", "organisation", "email", "preferred_language")
    list_filter = ("preferred_language", "organisation__kind", "organisation")
    search_fields = ("first_name", "last_name", "position", "email", "organisation__name")
    autocomplete_fields = ("organisation",)
    list_select_related = ("organisation",)

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj: Person) -> str:
        return obj.full_name

    def save_model(self, request, obj, form, change):
        person_save(person=obj, expected_version=form.cleaned_data.get("version"))


@admin.register(DelegationMember)
class DelegationMemberAdmin(VersionedAdminMixin, HistoryAdmin):
    form = DelegationMemberAdminForm
    list_display = ("person", "organisation", "mission", "role", "arrival", "departure")
    list_filter = ("mission", "role")
    search_fields = ("person__first_name", "person__last_name", "person__email", "mission__title")
    autocomplete_fields = ("mission", "person")
    list_select_related = ("person", "person__organisation", "mission")
    # The token is a secret: never listed, never searchable; rotate it with the action.
    exclude = ("token",)
    actions = ["rotate_tokens", "send_links"]
    readonly_fields = ("personal_links",)

    def history_names(self) -> Names:
        return Names({DelegationMember: DelegationMember.objects.select_related("person")})

    @admin.display(description=_("organisation"))
    def organisation(self, obj: DelegationMember):
        return obj.person.organisation

    def save_model(self, request, obj, form, change):
        delegation_member_save(member=obj, expected_version=form.cleaned_data.get("version"))

    @admin.action(description=_("Rotate personal links (old links stop working)"))
    def rotate_tokens(self, request, queryset):
        count = 0
        for member in queryset:
            delegation_member_rotate_token(member=member)
            count += 1
        self.message_user(
            request,
            ngettext(
                "Rotated the personal link of %(count)d delegate.",
                "Rotated the personal links of %(count)d delegates.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    # The links live in meetings (feeds, e-mail): imported where used, so delegations keeps
    # importing nothing from the layer above it at load time.
    @admin.display(description=_("personal links"))
    def personal_links(self, obj: DelegationMember):
        if not obj.pk:
            return "-"
        from meetings.notify import member_links

        links = member_links(obj)
        return format_html(
            '<a href="{}" rel="noreferrer" target="_blank">{}</a><br>{}: <code>{}</code>',
            links["page_url"],
            _("Personal page"),
            _("Calendar feed"),
            links["feed_url"],
        )

    @admin.action(description=_("E-mail personal links to the selected delegates"))
    def send_links(self, request, queryset):
        from django.core.exceptions import ValidationError

        from meetings.notify import member_send_links

        sent, skipped, drafts = 0, [], []
        for member in queryset.select_related("mission", "person"):
            if member.mission.status == Mission.Status.DRAFT:
                drafts.append(member.person.full_name)  # their links answer 404 for now
                continue
            try:
                member_send_links(member=member)
            except ValidationError:
                skipped.append(member.person.full_name)
            else:
                sent += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "Sent the personal links to %(count)d delegate.",
                    "Sent the personal links to %(count)d delegates.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                _("No e-mail address, nothing sent: %(names)s.") % {"names": ", ".join(skipped)},
                messages.WARNING,
            )
        if drafts:
            self.message_user(
                request,
                _(
                    "Not sent, their mission is still a draft (the links answer “not found” "
                    "until it is published): %(names)s."
                )
                % {"names": ", ".join(drafts)},
                messages.WARNING,
            )
