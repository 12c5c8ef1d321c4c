from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime

from meetings.models import Meeting
from missions.localtime import LocalSplitDateTimeField, MissionLocalTimesMixin


class MeetingAdminForm(MissionLocalTimesMixin, forms.ModelForm):
    """Start and end typed and shown in the mission's zone, not the server's."""

    local_datetime_fields = ("start", "end")
    start = LocalSplitDateTimeField(widget=AdminSplitDateTime)
    end = LocalSplitDateTimeField(widget=AdminSplitDateTime)

    class Meta:
        model = Meeting
        fields = (
            "mission",
            "title",
            "kind",
            "status",
            "start",
            "end",
            "venue",
            "attendees",
            "partner_organisations",
            "partner_contacts",
            "description",
            "internal_notes",
            "outcome",
        )

    def clean(self):
        cleaned = super().clean()
        mission = cleaned.get("mission")
        attendees = cleaned.get("attendees")
        if mission is not None and attendees:
            strangers = [m for m in attendees if m.mission_id != mission.pk]
            if strangers:
                from django.utils.translation import gettext as _

                self.add_error(
                    "attendees",
                    _("Not in this mission's delegation: %(names)s.")
                    % {"names": ", ".join(str(m) for m in strangers)},
                )
        return cleaned
