from django.contrib import admin

from releases.models import DigestDelivery, ProgrammeVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    """Released versions are immutable (the same version must render the same bytes), and a
    digest is a record of what was sent: both are for looking at only."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProgrammeVersion)
class ProgrammeVersionAdmin(ReadOnlyAdmin):
    list_display = ("mission", "number", "note", "published_by", "published_at")
    list_filter = ("mission",)
    list_select_related = ("mission", "published_by")
    search_fields = ("mission__title", "note")


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("version", "email", "language", "sent_at", "error")
    list_select_related = ("version", "version__mission")
