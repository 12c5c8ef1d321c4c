from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Fieldset, Layout, Row
from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from delegations.models import DelegationMember, Organisation, Person
from missions.concurrency import VersionedFormMixin
from missions.forms import bound_choice_ids
from missions.localtime import LocalDateTimeWidget, LocalSplitDateTimeField, MissionLocalTimesMixin
from missions.models import Mission


class DelegationMemberAdminForm(MissionLocalTimesMixin, VersionedFormMixin, forms.ModelForm):
    """Arrival and departure typed in the mission's zone."""

    local_datetime_fields = ("arrival", "departure")
    arrival = LocalSplitDateTimeField(required=False, widget=AdminSplitDateTime)
    departure = LocalSplitDateTimeField(required=False, widget=AdminSplitDateTime)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_choice_ids(self)

    class Meta:
        model = DelegationMember
        fields = ("mission", "person", "role", "arrival", "departure", "notes")


def _local_datetime_field(label, time_label) -> LocalSplitDateTimeField:
    widget = LocalDateTimeWidget()
    # Drawn as a fieldset, so each input needs its own name for screen readers.
    widget.widgets[0].attrs["aria-label"] = format_lazy("{}: {}", label, _("date"))
    widget.widgets[1].attrs["aria-label"] = time_label
    return LocalSplitDateTimeField(label=label, required=False, widget=widget)


def _person_rows() -> list[Row]:
    """The person's fields, laid out alike wherever a person is typed."""
    return [
        Row(
            Column("first_name", css_class="col-md-6"),
            Column("last_name", css_class="col-md-6"),
        ),
        Row(
            Column("position", css_class="col-md-6"),
            Column("organisation", css_class="col-md-6"),
        ),
        Row(
            Column("email", css_class="col-md-5"),
            Column("phone", css_class="col-md-3"),
            Column("preferred_language", css_class="col-md-4"),
        ),
    ]


def email_clash_message(
    email: str, *, user, exclude_pk: int | None = None, visible_message: str = ""
) -> str:
    """Why this e-mail address cannot be used, or "" if it is free.

    The message never names, nor points to, a person the user may not see (another mission's
    delegate): the address is taken, that is all it says.
    """
    taken = Person.objects.filter(email__iexact=email).exclude(pk=exclude_pk)
    if not taken.exists():
        return ""
    if taken.filter(pk__in=Person.objects.visible_to(user).values("pk")).exists():
        return visible_message or gettext(
            "Another person already has this e-mail address: pick them from the list."
        )
    return gettext(
        "This e-mail address is already in the directory, for someone you cannot see. "
        "Check it, or ask an administrator."
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        line = obj.title_line
        return f"{obj.last_name} {obj.first_name}" + (f" — {line}" if line else "")


class MemberTimesForm(MissionLocalTimesMixin, VersionedFormMixin, forms.ModelForm):
    """Role, arrival and departure of a delegate; times typed in the mission's zone."""

    local_datetime_fields = ("arrival", "departure")
    arrival = _local_datetime_field(_("Arrival"), _("Arrival time"))
    departure = _local_datetime_field(_("Departure"), _("Departure time"))

    class Meta:
        model = DelegationMember
        fields = ("role", "arrival", "departure", "notes")
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"notes": _("Coordinators only; never shown to the delegate.")}

    def __init__(self, *args, mission: Mission, **kwargs):
        self.mission = mission
        super().__init__(*args, **kwargs)
        zone_help = gettext("Local time in %(zone)s.") % {"zone": mission.timezone}
        self.fields["arrival"].help_text = zone_help
        self.fields["departure"].help_text = zone_help
        self.helper = FormHelper()
        # The hidden version the form was opened at (missions.concurrency).
        self.helper.render_hidden_fields = True
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.layout_fields())

    def layout_fields(self) -> list:
        return [
            Row(Column("role", css_class="col-md-6")),
            Row(
                Column(Field("arrival", wrapper_class="split-datetime"), css_class="col-md-6"),
                Column(Field("departure", wrapper_class="split-datetime"), css_class="col-md-6"),
            ),
            "notes",
        ]


# The fields of a person typed in the add form instead of picking one from the list.
NEW_PERSON_FIELDS = (
    "first_name",
    "last_name",
    "position",
    "organisation",
    "email",
    "phone",
    "preferred_language",
)
# Typing any of these means "a new person" (organisation and language have defaults or lists).
NEW_PERSON_TYPED = ("first_name", "last_name", "position", "email", "phone")


class MemberAddForm(MemberTimesForm):
    """Add a delegate: pick an existing person or type a new one, in one form."""

    person = PersonChoiceField(
        label=_("Existing person"),
        queryset=Person.objects.select_related("organisation"),
        required=False,
        empty_label=_("— Type a new person below —"),
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label="—",
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=Person.Language.choices,
        initial=Person.Language.ITALIAN,
        help_text=_("Their personal page, calendar and e-mails use this language."),
    )

    class Meta(MemberTimesForm.Meta):
        fields = ("person", "role", "arrival", "departure", "notes")

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        # Only the people this user may see: never another mission's delegate.
        self.fields["person"].queryset = Person.objects.visible_to(user).select_related(
            "organisation"
        )
        self.fields["organisation"].queryset = Organisation.objects.visible_to(user)

    def layout_fields(self) -> list:
        return [
            Fieldset(
                _("Who"),
                "person",
                HTML(
                    '<p class="text-body-secondary small mb-2">{}</p>'.format(
                        gettext("Not in the list? Type the new person here:")
                    )
                ),
                *_person_rows(),
            ),
            Fieldset(_("In the delegation"), *super().layout_fields()),
        ]

    def clean(self):
        cleaned = super().clean()
        person = cleaned.get("person")
        typed = [name for name in NEW_PERSON_TYPED if cleaned.get(name)]
        if person is not None:
            if typed:
                self.add_error(
                    "person",
                    gettext("Pick someone from the list or type a new person, not both."),
                )
            elif self.mission.members.filter(person=person).exists():
                self.add_error(
                    "person",
                    gettext("%(name)s is already in this mission's delegation.")
                    % {"name": person.full_name},
                )
            return cleaned
        if not typed and "person" not in self.errors:
            self.add_error(
                "person",
                gettext("Pick someone from the list, or type the new person's name below."),
            )
            return cleaned
        for name in ("first_name", "last_name"):
            if typed and not cleaned.get(name) and name not in self.errors:
                self.add_error(name, gettext("Required for a new person."))
        email = cleaned.get("email")
        if email and (message := email_clash_message(email, user=self.user)):
            self.add_error("email", message)
        return cleaned

    def new_person(self) -> Person | None:
        """The typed person, unsaved; None when one was picked from the list."""
        if self.cleaned_data.get("person") is not None:
            return None
        values = {name: self.cleaned_data.get(name) or "" for name in NEW_PERSON_FIELDS}
        values["organisation"] = self.cleaned_data.get("organisation")
        return Person(**values)


class OrganisationForm(VersionedFormMixin, forms.ModelForm):
    # Django 6 assumes https for scheme-less URLs; opt in now.
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = (
            "name",
            "short_name",
            "kind",
            "sector",
            "city",
            "country",
            "website",
            "description",
        )
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The hidden version the form was opened at (missions.concurrency).
        self.helper.render_hidden_fields = True
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-md-8"), Column("short_name", css_class="col-md-4")),
            Row(Column("kind", css_class="col-md-6"), Column("sector", css_class="col-md-6")),
            Row(Column("city", css_class="col-md-6"), Column("country", css_class="col-md-6")),
            "website",
            "description",
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = Organisation.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                gettext("An organisation with this name already exists."), code="duplicate"
            )
        return name


class ContactForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = (
            "first_name",
            "last_name",
            "position",
            "organisation",
            "email",
            "phone",
            "preferred_language",
        )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(user)
        self.helper = FormHelper()
        # The hidden version the form was opened at (missions.concurrency).
        self.helper.render_hidden_fields = True
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *_person_rows(),
        )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email:
            message = email_clash_message(
                email,
                user=self.user,
                exclude_pk=self.instance.pk,
                visible_message=gettext("Another person already has this e-mail address."),
            )
            if message:
                raise forms.ValidationError(message, code="duplicate")
        return email


class ContactSearchForm(forms.Form):
    """The contacts page's search box (GET); Django's CharField refuses NUL characters."""

    q = forms.CharField(required=False, max_length=100)

    def query(self) -> str:
        """What to search for; "" when the box is empty or what was typed is refused."""
        return self.cleaned_data["q"] if self.is_valid() else ""


class PartnerFilterForm(forms.Form):
    """The GET form above the directory; every field optional."""

    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, sectors: list[str], countries: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *Organisation.Kind.choices]
        self.fields["sector"].choices = [("", _("All sectors"))] + [(s, s) for s in sectors]
        self.fields["country"].choices = [("", _("All countries"))] + [(c, c) for c in countries]
        self.fields["q"].widget.attrs["placeholder"] = _("Name or short name")
        self.fields["q"].widget.attrs["type"] = "search"

    def filters(self) -> dict:
        """The valid, non-empty filters; invalid ones are ignored (and shown as errors)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: value for name, value in data.items() if value}
