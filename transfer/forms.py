"""Forms of the transfer pages: they read the input only; the services do the rest."""

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from meetings.models import Meeting
from transfer.ics_read import (
    MAX_FILE_BYTES,
    Invitation,
    InvitationFileError,
    read_invitations,
)

# A coordinator drops a handful of invitations; a folder of hundreds is a mistake.
MAX_FILES = 20
# The preview's invitations travel signed in the page, for this long.
PREVIEW_MAX_AGE = 24 * 3600
PREVIEW_SALT = "transfer.ics_import.preview"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".ics,text/calendar"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class InvitationUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Invitations (.ics)"),
        help_text=_(
            "One or several .ics files as Outlook, Google or Apple Calendar send them, or a "
            "whole calendar; at most 5 MB each."
        ),
    )

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.invitations: list[Invitation] = []

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise ValidationError(
                ngettext(
                    "Choose at most %(max)d file at a time.",
                    "Choose at most %(max)d files at a time.",
                    MAX_FILES,
                )
                % {"max": MAX_FILES}
            )
        errors = []
        for upload in files:
            if upload.size > MAX_FILE_BYTES:
                errors.append(
                    ValidationError(
                        _("%(name)s is larger than %(max)d MB: an invitation is a few kilobytes.")
                        % {"name": upload.name, "max": MAX_FILE_BYTES // (1024 * 1024)}
                    )
                )
                continue
            try:
                self.invitations.extend(read_invitations(upload.name, upload.read(), self.mission))
            except InvitationFileError as error:
                errors.append(ValidationError(str(error)))
        if errors:
            raise ValidationError(errors)
        return files


def sign_invitations(mission, invitations: list[Invitation]) -> str:
    return signing.dumps(
        {"mission": mission.pk, "invitations": [i.to_json() for i in invitations]},
        salt=PREVIEW_SALT,
        compress=True,
    )


class InvitationImportForm(forms.Form):
    """The preview's "Import" button: the invitations it showed, signed, and its signature."""

    payload = forms.CharField(widget=forms.HiddenInput)
    signature = forms.CharField(widget=forms.HiddenInput, max_length=64)
    kind = forms.ChoiceField(
        label=_("Kind of the new meetings"),
        choices=Meeting.Kind.choices,
        initial=Meeting.Kind.B2B,
    )

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission

    def clean_payload(self) -> list[Invitation]:
        try:
            data = signing.loads(
                self.cleaned_data["payload"], salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE
            )
            if data["mission"] != self.mission.pk:
                raise ValueError
            return [Invitation.from_json(item) for item in data["invitations"]]
        except (signing.BadSignature, ValueError, KeyError, TypeError):
            raise ValidationError(
                _("This preview is out of date or damaged: choose the invitations again."),
                code="bad_preview",
            ) from None
