from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime

from delegations.models import DelegationMember
from missions.localtime import LocalSplitDateTimeField, MissionLocalTimesMixin


class DelegationMemberAdminForm(MissionLocalTimesMixin, forms.ModelForm):
    """Arrival and departure typed in the mission's zone."""

    local_datetime_fields = ("arrival", "departure")
    arrival = LocalSplitDateTimeField(required=False, widget=AdminSplitDateTime)
    departure = LocalSplitDateTimeField(required=False, widget=AdminSplitDateTime)

    class Meta:
        model = DelegationMember
        fields = ("mission", "person", "role", "arrival", "departure", "notes")
