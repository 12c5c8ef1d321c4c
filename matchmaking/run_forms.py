"""Forms of the run pages: the "Schedule" button's method, the choice of a free slot."""

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from matchmaking.models import ScheduleRun
from missions.concurrency import VersionedFormMixin


class RunForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[
            (ScheduleRun.Method.CP_SAT, _("Optimal (CP-SAT): as many requests as possible")),
            (ScheduleRun.Method.GREEDY, _("Quick first fit: each in the first free slot")),
        ],
        initial=ScheduleRun.Method.CP_SAT,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


class RescheduleForm(VersionedFormMixin, forms.Form):
    """A free slot and table, as "<slot index>-<table pk>" (the options offered)."""

    choice = forms.ChoiceField(
        label=_("Move to"), widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )

    def __init__(self, *args, options=(), meeting=None, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is not None:
            self.initial.setdefault("version", meeting.version)
        self.fields["choice"].choices = [
            (
                option.value,
                f"{date_format(option.slot.start.astimezone(zone), 'D j M, H:i')}"
                f"–{date_format(option.slot.end.astimezone(zone), 'H:i')} · {option.table.name}",
            )
            for option in options
        ]
        if options:
            self.initial.setdefault("choice", options[0].value)
