from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from missions.concurrency import parse_version


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("Note for delegates and colleagues (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Final programme")}),
    )
    # The latest version number the coordinator saw (0: none): publishing over a version
    # somebody else published meanwhile is refused (releases.services.PublishConflict).
    expected = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_note(self) -> str:
        note = self.cleaned_data["note"]
        if "\x00" in note or any(ord(c) < 32 for c in note):
            raise ValidationError(_("A note must be one line of text."), code="bad_note")
        return note.strip()

    def clean_expected(self) -> int | None:
        return parse_version(self.cleaned_data.get("expected"))


class DiscardForm(forms.Form):
    expected = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_expected(self) -> int | None:
        return parse_version(self.cleaned_data.get("expected"))
