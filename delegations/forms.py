from dataclasses import dataclass, field

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Fieldset, Layout, Row
from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from delegations.models import DelegationMember, Organisation, Person, is_one_line
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


# --- Several delegates at once: pasted lines "name, e-mail, organisation, role" -------------

MAX_PASTED_LINES = 1000
MAX_PASTED_CHARS = 200_000

# Role words in English and Italian (lower case, as typed); the labels of both languages too.
ROLE_WORDS = {
    DelegationMember.Role.HEAD: (
        "head",
        "head of delegation",
        "leader",
        "capo",
        "capo delegazione",
        "capodelegazione",
        "capo della delegazione",
    ),
    DelegationMember.Role.DELEGATE: ("delegate", "delegato", "delegata", "member", "membro"),
    DelegationMember.Role.STAFF: ("staff", "personale", "organizer", "organiser"),
    DelegationMember.Role.GUEST: ("guest", "ospite", "invitato", "invitata"),
}
ROLE_BY_WORD = {word: role for role, words in ROLE_WORDS.items() for word in words}


@dataclass
class PastedLine:
    """One pasted line as understood, with what is wrong with it (nothing saved yet)."""

    number: int
    text: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    organisation_name: str = ""
    role: str = DelegationMember.Role.DELEGATE
    errors: list[str] = field(default_factory=list)
    # Filled by the checks against the database:
    person: Person | None = None  # somebody already in the directory, by e-mail
    organisation: Organisation | None = None  # None with a name: a new one is created

    @property
    def role_label(self) -> str:
        return DelegationMember.Role(self.role).label

    @property
    def new_organisation(self) -> bool:
        return bool(self.organisation_name) and self.organisation is None


def _split(text: str) -> list[str]:
    # Pasted from a spreadsheet: tabs; typed: commas (or semicolons, the Italian CSV habit).
    for separator in ("\t", ";", ","):
        if separator in text:
            return [part.strip() for part in text.split(separator)]
    return [text.strip()]


def parse_pasted_line(number: int, text: str) -> PastedLine:
    """Read one line on its own (no database): every error found, not only the first."""
    line = PastedLine(number=number, text=text[:300])
    if not is_one_line(text.replace("\t", " ")):
        line.errors.append(gettext("Contains control characters: retype this line."))
        return line
    parts = _split(text)
    if len(parts) > 4:
        line.errors.append(
            gettext(
                "%(count)d parts: write at most “name, e-mail, organisation, role” "
                "(no comma inside a name)."
            )
            % {"count": len(parts)}
        )
        return line
    name, email, organisation, role = (parts + ["", "", "", ""])[:4]
    words = name.split()
    if len(words) < 2:
        line.errors.append(gettext("Write a first and a last name, e.g. “Marco Bianchi”."))
    else:
        line.first_name, line.last_name = words[0], " ".join(words[1:])
        if len(line.first_name) > 100 or len(line.last_name) > 100:
            line.errors.append(gettext("The name is too long (at most 100 characters each)."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            line.errors.append(
                gettext("“%(value)s” is not an e-mail address.") % {"value": email[:80]}
            )
        else:
            line.email = email
    if len(organisation) > 200:
        line.errors.append(gettext("The organisation's name is too long (at most 200)."))
    else:
        line.organisation_name = organisation
    if role:
        found = ROLE_BY_WORD.get(" ".join(role.lower().split()))
        if found is None:
            line.errors.append(
                gettext(
                    "Unknown role “%(value)s”: write head, delegate, staff or guest "
                    "(or capo delegazione, delegato, staff, ospite)."
                )
                % {"value": role[:40]}
            )
        else:
            line.role = found
    return line


class MemberPasteForm(forms.Form):
    """Several delegates in one go; nothing is saved until every line reads well."""

    lines = forms.CharField(
        label=_("One delegate per line"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        max_length=MAX_PASTED_CHARS,
        error_messages={"required": _("Paste or type at least one line.")},
        help_text=_(
            "name, e-mail, organisation, role — e.g. “Marco Bianchi, m.bianchi@example.it, "
            "Bianchi Srl, head”. E-mail, organisation and role may be left out (role: "
            "delegate)."
        ),
    )

    def __init__(self, *args, mission: Mission, user, **kwargs):
        self.mission = mission
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["lines"].widget.attrs["placeholder"] = (
            "Marco Bianchi, m.bianchi@example.it, Bianchi Srl, capo delegazione\n"
            "Laura Rossi, laura.rossi@example.it, Rossi Spa, delegate"
        )

    def clean_lines(self) -> list[PastedLine]:
        raw = self.cleaned_data["lines"]
        numbered = [(n, text) for n, text in enumerate(raw.splitlines(), 1) if text.strip()]
        if not numbered:
            raise forms.ValidationError(gettext("Paste or type at least one line."))
        if len(numbered) > MAX_PASTED_LINES:
            raise forms.ValidationError(
                gettext("At most %(max)d lines at once: this has %(count)d.")
                % {"max": MAX_PASTED_LINES, "count": len(numbered)}
            )
        lines = [parse_pasted_line(n, text) for n, text in numbered]
        self._check_against_database(lines)
        return lines

    def _check_against_database(self, lines: list[PastedLine]) -> None:
        """People by e-mail, organisations by name: a few queries for any number of lines."""
        emails = {line.email.lower() for line in lines if line.email}
        people = {
            person.email.lower(): person
            for person in Person.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails)
            .select_related("organisation")
        }
        visible = set(
            Person.objects.visible_to(self.user)
            .filter(pk__in=[p.pk for p in people.values()])
            .values_list("pk", flat=True)
        )
        members = set(self.mission.members.values_list("person_id", flat=True))
        directory = list(
            Organisation.objects.visible_to(self.user).only("pk", "name", "short_name")
        )
        # By short name or full name, case-insensitively; a full name wins over a short one.
        organisations = {org.short_name.lower(): org for org in directory}
        organisations.update({org.name.lower(): org for org in directory})
        organisations.pop("", None)
        seen_emails: dict[str, int] = {}
        seen_names: dict[str, int] = {}
        for line in lines:
            if line.organisation_name:
                line.organisation = organisations.get(
                    " ".join(line.organisation_name.lower().split())
                )
            key = f"{line.first_name} {line.last_name}".lower()
            if line.first_name and not line.email and key in seen_names:
                line.errors.append(
                    gettext("Same name as line %(number)d: give each an e-mail address.")
                    % {"number": seen_names[key]}
                )
            seen_names.setdefault(key, line.number)
            if not line.email:
                continue
            address = line.email.lower()
            if address in seen_emails:
                line.errors.append(
                    gettext("Same e-mail address as line %(number)d.")
                    % {"number": seen_emails[address]}
                )
                continue
            seen_emails[address] = line.number
            person = people.get(address)
            if person is None:
                continue
            if person.pk not in visible:
                line.errors.append(email_clash_message(line.email, user=self.user))
            elif person.pk in members:
                line.errors.append(
                    gettext("%(name)s is already in this mission's delegation.")
                    % {"name": person.full_name}
                )
            else:
                line.person = person

    def has_line_errors(self) -> bool:
        return any(line.errors for line in self.cleaned_data.get("lines") or [])
