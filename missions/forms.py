from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from missions.concurrency import VersionedFormMixin
from missions.models import EARLIEST_DATE, LATEST_DATE, Mission, Phase

DATE_WIDGET = forms.DateInput(
    attrs={"type": "date", "min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()},
    format="%Y-%m-%d",
)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A forged value that is no possible primary key is refused before any query: SQLite
    cannot even bind 99999999999999999999 in the `IN (...)` Django builds (a 500)."""

    def prepare_value(self, value):
        # Redrawn after an error, the admin's widgets look the typed ids up: only possible ones.
        if isinstance(value, (list, tuple)):
            value = [v for v in value if not isinstance(v, str) or possible_pk(v)]
        return super().prepare_value(value)

    def clean(self, value):
        for pk in value if isinstance(value, (list, tuple)) else ():
            if not possible_pk(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


class BoundedModelChoiceField(forms.ModelChoiceField):
    """Redrawn after an error, the admin's autocomplete widget looks the typed id up: a forged
    one (" ", 99999999999999999999) would be a 500 there; it is drawn as no choice."""

    def prepare_value(self, value):
        if isinstance(value, str) and value and not possible_pk(value):
            return None
        return super().prepare_value(value)


def possible_pk(value) -> bool:
    text = str(value)
    return text.isascii() and text.isdigit() and int(text) < 2**63


def bound_choice_ids(form: forms.BaseForm) -> None:
    """For forms whose fields someone else builds (the admin): bound their ids."""
    for field in form.fields.values():
        if type(field) is forms.ModelMultipleChoiceField:
            field.__class__ = BoundedModelMultipleChoiceField
        elif type(field) is forms.ModelChoiceField:
            field.__class__ = BoundedModelChoiceField


def unique_slug(text: str, *, exclude_pk: int | None = None) -> str:
    """`vtm-torino-2026`, then `vtm-torino-2026-2`, ... until free. Markup typed in the title
    (`<b>VTM</b> Torino`) is no part of the address."""
    base = (slugify(strip_tags(text)) or "mission")[:70].strip("-")
    taken = set(
        Mission.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


class MissionForm(VersionedFormMixin, forms.ModelForm):
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=80,
        required=False,
        error_messages={"unique": _("Another mission already uses this web address.")},
        help_text=_("Letters, digits and dashes; left empty, it is made from the title."),
    )

    class Meta:
        model = Mission
        fields = (
            "title",
            "slug",
            "status",
            "city",
            "region",
            "country",
            "start_date",
            "end_date",
            "timezone",
            "home_timezone",
            "clash_buffer_minutes",
            "organiser",
            "funding_programme",
            "description",
            "practical_info",
            "programme_public",
        )
        labels = {"programme_public": _("Public programme")}
        help_texts = {
            "programme_public": _(
                "Once the mission is published, anyone may subscribe to its programme at an "
                "address made from the web address below, showing organisations only (no "
                "delegate's or contact's name). Left unticked, the programme is reachable only "
                "through its secret link on the Delegation page, which shows everything."
            )
        }
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "timezone": forms.TextInput(
                attrs={"list": "iana-zones", "autocomplete": "off", "spellcheck": "false"}
            ),
            "home_timezone": forms.TextInput(
                attrs={"list": "iana-zones", "autocomplete": "off", "spellcheck": "false"}
            ),
            "description": forms.Textarea(attrs={"rows": 3}),
            "practical_info": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The hidden version the form was opened at (missions.concurrency).
        self.helper.render_hidden_fields = True
        self.helper.form_id = "mission-form"
        self.helper.layout = Layout(
            Row(Column("title", css_class="col-md-8"), Column("status", css_class="col-md-4")),
            Row(
                Column("city", css_class="col-md-4"),
                Column("region", css_class="col-md-4"),
                Column("country", css_class="col-md-4"),
            ),
            Row(
                Column("start_date", css_class="col-sm-6 col-md-3"),
                Column("end_date", css_class="col-sm-6 col-md-3"),
                Column("timezone", css_class="col-sm-6 col-md-3"),
                Column("home_timezone", css_class="col-sm-6 col-md-3"),
            ),
            Row(
                Column("organiser", css_class="col-md-6"),
                Column("funding_programme", css_class="col-md-6"),
            ),
            Row(
                Column("clash_buffer_minutes", css_class="col-md-6"),
                Column(Field("slug"), css_class="col-md-6"),
            ),
            "description",
            "practical_info",
            "programme_public",
            Submit("save", _("Save mission")),
        )

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if slug:
            return slug
        return unique_slug(self.data.get(self.add_prefix("title"), ""), exclude_pk=self.instance.pk)


class MissionCloneForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=80,
        required=False,
        help_text=_("Left empty, it is made from the title."),
    )
    start_date = forms.DateField(label=_("Start date"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("End date"), widget=DATE_WIDGET)
    copy_coordinators = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args, co_coordinators: tuple[str, ...] = (), **kwargs):
        """`co_coordinators`: names of the source's coordinators other than the cloner; the
        choice to copy them is offered only when there are some."""
        super().__init__(*args, **kwargs)
        if co_coordinators:
            self.fields["copy_coordinators"].label = ngettext(
                "Make %(names)s a coordinator of the copy too",
                "Make %(names)s coordinators of the copy too",
                len(co_coordinators),
            ) % {"names": ", ".join(co_coordinators)}
            self.fields["copy_coordinators"].help_text = _(
                "Otherwise you are its only coordinator; you can add others later."
            )
        else:
            del self.fields["copy_coordinators"]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "title",
            Row(
                Column("start_date", css_class="col-sm-6"),
                Column("end_date", css_class="col-sm-6"),
            ),
            "slug",
            *(["copy_coordinators"] if co_coordinators else []),
            Submit("clone", _("Create the copy")),
        )

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if not slug:
            return unique_slug(self.data.get(self.add_prefix("title"), ""))
        if Mission.objects.filter(slug=slug).exists():
            raise forms.ValidationError(
                _("Another mission already uses this web address."), code="slug_taken"
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The mission cannot end before it starts."))
        return cleaned


class MissionRescheduleForm(forms.Form):
    """How a mission's new zone and first day treat its meetings and stays (the preview on the
    mission's edit page). Missing or garbled answers fall back to the usual case."""

    CLOCK, INSTANTS = "clock", "instants"
    keep = forms.ChoiceField(
        label=_("The time zone changes"),
        choices=[
            (CLOCK, _("Keep the local clock times (the zone was wrong): meetings move")),
            (INSTANTS, _("Keep the instants: the local clock times change")),
        ],
        required=False,
    )
    shift = forms.ChoiceField(
        label=_("The first day changes"),
        choices=[
            ("yes", _("Move the meetings and stays with the mission")),
            ("no", _("Leave them on their days")),
        ],
        required=False,
    )

    def choice(self) -> tuple[str, bool]:
        data = self.cleaned_data if self.is_valid() else {}
        keep = data.get("keep") or self.CLOCK
        return keep, data.get("shift", "") != "no"


class MissionSearchForm(forms.Form):
    """The GET form above the missions list; anything invalid is ignored (and said)."""

    ALL = "all"
    q = forms.CharField(label=_("Search missions"), required=False, max_length=100)
    when = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[(ALL, _("All")), *Phase.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["q"].widget
        widget.input_type = "search"
        widget.attrs.update({"class": "form-control", "placeholder": _("Title, city or country")})

    def search(self) -> tuple[str, str]:
        """(the search text, the phase or ALL); invalid parts count as empty."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return (data.get("q") or "").strip(), data.get("when") or self.ALL


class CoordinatorAddForm(VersionedFormMixin, forms.Form):
    """Who to add, by username or e-mail address of an existing active account; carries the
    mission's version (missions.concurrency)."""

    who = forms.CharField(
        label=_("Username or e-mail address"),
        max_length=254,
        help_text=_(
            "Of a colleague who already signs in here. They will see and change everything "
            "in this mission."
        ),
    )

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", mission.version)
        self.fields["who"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        )
        self.helper = FormHelper()
        # The hidden version the page was opened at (missions.concurrency).
        self.helper.render_hidden_fields = True
        self.helper.form_id = "coordinator-add-form"
        self.helper.layout = Layout("who", Submit("add", _("Add coordinator")))

    def clean_who(self):
        text = self.cleaned_data["who"].strip()
        users = list(
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(username__iexact=text) | Q(email__iexact=text))[:10]
        )
        exact = [u for u in users if u.get_username() == text]
        if len(exact) == 1:
            return exact[0]
        by_username = [u for u in users if u.get_username().lower() == text.lower()]
        if len(by_username) == 1:
            return by_username[0]
        if not users:
            raise ValidationError(
                _("Nobody with an active account has this username or e-mail address."),
                code="unknown_user",
            )
        if len(users) > 1:
            raise ValidationError(
                _("Several accounts have this e-mail address: type the username instead."),
                code="ambiguous_user",
            )
        return users[0]


class CoordinatorRemoveForm(VersionedFormMixin, forms.Form):
    """The mission's version; `confirm` when removing oneself (one loses the mission)."""

    confirm = forms.BooleanField(required=False)
