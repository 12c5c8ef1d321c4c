"""Forms of the coordinators' matchmaking setup (input only; the services decide the rules)."""

from django import forms
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from delegations.models import DelegationMember, Person
from matchmaking.models import MeetingRequest, Participant, Session, SessionDay, Table
from missions.concurrency import VersionedFormMixin
from missions.forms import DATE_WIDGET, BoundedModelChoiceField, BoundedModelMultipleChoiceField
from missions.models import Venue

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
BREAK_ROWS = 3


def style_fields(form: forms.BaseForm) -> None:
    """Bootstrap classes on widgets drawn field by field (templates/matchmaking/includes)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.HiddenInput)):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


def participant_label(participant: Participant) -> str:
    organisation = participant.person.organisation
    name = participant.person.full_name
    return f"{name} ({organisation})" if organisation else name


class SessionForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Session
        fields = (
            "title",
            "slot_minutes",
            "max_meetings",
            "max_requests",
            "requests_open",
            "solver_seconds",
            "hall",
        )
        field_classes = {"hall": BoundedModelChoiceField}

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.mission = mission
        self.fields["hall"].queryset = Venue.objects.filter(mission=mission).order_by("name")
        for name in ("slot_minutes", "max_meetings", "max_requests", "solver_seconds"):
            self.fields[name].widget.attrs["class"] = "form-control"

    def validate_unique(self):
        # The service's full_clean() says it, next to the title.
        pass


class DayForm(forms.Form):
    """A day and up to three breaks, all saved by session_day_save or none of it."""

    date = forms.DateField(label=_("Day"), widget=DATE_WIDGET)
    start = forms.TimeField(label=_("First slot starts"), widget=TIME_WIDGET)
    end = forms.TimeField(label=_("Last slot ends by"), widget=TIME_WIDGET)

    def __init__(self, *args, mission, day: SessionDay | None = None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        breaks = list(day.breaks.all()) if day is not None and day.pk else []
        # Every stored break has its row (the admin may have added more), and one more.
        self.rows = max(BREAK_ROWS, len(breaks) + 1)
        if day is not None and day.pk:
            initial.update(date=day.date, start=day.start, end=day.end)
            for number, pause in enumerate(breaks, start=1):
                initial[f"break{number}_start"] = pause.start
                initial[f"break{number}_end"] = pause.end
                initial[f"break{number}_label"] = pause.label
        super().__init__(*args, initial=initial, **kwargs)
        for number in range(1, self.rows + 1):
            self.fields[f"break{number}_start"] = forms.TimeField(
                label=_("Break from"), required=False, widget=TIME_WIDGET
            )
            self.fields[f"break{number}_end"] = forms.TimeField(
                label=_("to"), required=False, widget=TIME_WIDGET
            )
            self.fields[f"break{number}_label"] = forms.CharField(
                label=_("Label"), required=False, max_length=100
            )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
        # The browser's date picker offers the mission's days (the model says it too).
        self.fields["date"].widget = forms.DateInput(
            attrs={
                "type": "date",
                "class": "form-control",
                "min": mission.start_date.isoformat(),
                "max": mission.end_date.isoformat(),
            },
            format="%Y-%m-%d",
        )

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self._errors or {}:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-control is-invalid"

    def break_rows(self):
        """The bound fields of each break row, for the template."""
        return [
            {
                "times": (self[f"break{n}_start"], self[f"break{n}_end"]),
                "label": self[f"break{n}_label"],
            }
            for n in range(1, self.rows + 1)
        ]

    def clean(self):
        cleaned = super().clean()
        self.breaks = []
        for number in range(1, self.rows + 1):
            start = cleaned.get(f"break{number}_start")
            end = cleaned.get(f"break{number}_end")
            label = cleaned.get(f"break{number}_label") or ""
            if start is None and end is None:
                if label:
                    self.add_error(f"break{number}_start", gettext("When does this break start?"))
                continue
            if start is None or end is None:
                missing = f"break{number}_start" if start is None else f"break{number}_end"
                self.add_error(missing, gettext("A break needs a start and an end."))
                continue
            if end <= start:
                self.add_error(f"break{number}_end", gettext("The break must end after it starts."))
                continue
            day_start, day_end = cleaned.get("start"), cleaned.get("end")
            if day_start and day_end and not (day_start <= start and end <= day_end):
                self.add_error(
                    f"break{number}_start",
                    gettext("A break must lie within the day (%(start)s-%(end)s).")
                    % {"start": f"{day_start:%H:%M}", "end": f"{day_end:%H:%M}"},
                )
                continue
            self.breaks.append((start, end, label))
        return cleaned


class TablesAddForm(forms.Form):
    count = forms.IntegerField(label=_("Tables to add"), min_value=1, max_value=500, initial=10)


class TableForm(forms.ModelForm):
    host = BoundedModelChoiceField(
        label=_("Booth of"),
        queryset=Participant.objects.none(),
        required=False,
        help_text=_("A participant who receives everyone at this table."),
    )

    class Meta:
        model = Table
        fields = ("name",)

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.session = session
        self.fields["host"].queryset = Participant.objects.filter(session=session).with_people()
        self.fields["host"].label_from_instance = participant_label
        if self.instance.pk:
            host = next(iter(self.instance.hosts.all()), None)
            self.initial.setdefault("host", host.pk if host else None)

    def validate_unique(self):
        pass


class MembersAddForm(forms.Form):
    members = BoundedModelMultipleChoiceField(
        label=_("Delegation members"),
        queryset=DelegationMember.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = (
            DelegationMember.objects.filter(mission=session.mission_id)
            .exclude(matchmaking_participations__session=session)
            .select_related("person__organisation")
            .order_by("person__last_name", "person__first_name")
        )
        zone = session.mission.tz

        def label(member) -> str:
            text = member.person.full_name
            if member.person.organisation_id:
                text += f" ({member.person.organisation})"
            stay = [
                gettext(template)
                % {"when": formats.date_format(when.astimezone(zone), "D j M H:i")}
                for template, when in (
                    ("arrives %(when)s", member.arrival),
                    ("leaves %(when)s", member.departure),
                )
                if when is not None
            ]
            return f"{text} · {', '.join(stay)}" if stay else text

        self.fields["members"].label_from_instance = label


class ParticipantFieldsForm(forms.Form):
    """What each participant has, whoever they are."""

    offers = forms.CharField(
        label=_("Offers"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    looks_for = forms.CharField(
        label=_("Looks for"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    booth = BoundedModelChoiceField(
        label=_("Own table (booth)"), queryset=Table.objects.none(), required=False
    )
    max_meetings = forms.IntegerField(
        label=_("Meetings at most"),
        required=False,
        min_value=1,
        max_value=500,
        help_text=_("Empty: the session's limit."),
    )

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booth"].queryset = Table.objects.filter(session=session)
        style_fields(self)

    def participant_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("offers", "looks_for", "booth", "max_meetings")
        }


class VisitorAddForm(ParticipantFieldsForm):
    """A person of the directory (found by the search), or a new person and organisation."""

    person = BoundedModelChoiceField(
        label=_("From the directory"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    first_name = forms.CharField(label=_("First name"), required=False, max_length=100)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False)
    organisation_name = forms.CharField(label=_("Organisation"), required=False, max_length=200)
    sector = forms.CharField(label=_("Sector"), required=False, max_length=100)
    country = forms.CharField(label=_("Country"), required=False, max_length=100)

    def __init__(self, *args, session: Session, candidates, **kwargs):
        super().__init__(*args, session=session, **kwargs)
        self.fields["person"].queryset = candidates
        self.fields["person"].label_from_instance = lambda p: (
            f"{p.full_name} · {p.organisation}" if p.organisation_id else p.full_name
        )
        style_fields(self)

    def clean(self):
        cleaned = super().clean()
        person = cleaned.get("person")
        typed = cleaned.get("first_name") or cleaned.get("last_name")
        if person is None and not typed and not self.has_error("person"):
            self.add_error(
                "person",
                gettext("Choose a person of the directory, or type a new person's name below."),
            )
        if person is None and typed:
            for name in ("first_name", "last_name"):
                if not cleaned.get(name):
                    self.add_error(name, gettext("This field is required."))
        return cleaned


class ParticipantForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Participant
        fields = ("offers", "looks_for", "booth", "max_meetings")
        widgets = {
            "offers": forms.Textarea(attrs={"rows": 3}),
            "looks_for": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"booth": BoundedModelChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booth"].queryset = Table.objects.filter(session=self.instance.session_id)
        style_fields(self)


class AvailabilityForm(forms.Form):
    """The session's slots as checkboxes (ticked: available), and two shortcuts."""

    arrives = forms.TypedChoiceField(
        label=_("Arrives at"), required=False, coerce=int, empty_value=None
    )
    leaves = forms.TypedChoiceField(
        label=_("Leaves at"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, slots, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = slots
        self.fields["arrives"].choices = [("", gettext("From the first slot"))] + [
            (slot.index, formats.date_format(slot.local_start(zone), "D j M H:i")) for slot in slots
        ]
        self.fields["leaves"].choices = [("", gettext("After the last slot"))] + [
            (slot.index, formats.date_format(slot.local_end(zone), "D j M H:i")) for slot in slots
        ]
        style_fields(self)

    def available(self) -> set[int]:
        """The ticked slots within arrival and departure."""
        raw = self.data.getlist("slot") if hasattr(self.data, "getlist") else []
        indexes = {slot.index for slot in self.slots}
        ticked = {int(value) for value in raw if value.isascii() and value.isdigit()} & indexes
        first = self.cleaned_data.get("arrives")
        last = self.cleaned_data.get("leaves")
        if first is not None:
            ticked = {index for index in ticked if index >= first}
        if last is not None:
            ticked = {index for index in ticked if index <= last}
        return ticked

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("arrives"), cleaned.get("leaves")
        if first is not None and last is not None and last < first:
            self.add_error("leaves", gettext("They cannot leave before they arrive."))
        return cleaned


class RequestForm(forms.Form):
    requester = BoundedModelChoiceField(label=_("From"), queryset=Participant.objects.none())
    requested = BoundedModelChoiceField(label=_("To"), queryset=Participant.objects.none())
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=MeetingRequest.Priority.choices,
        initial=MeetingRequest.Priority.NICE,
    )

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("requester", "requested"):
            self.fields[name].queryset = participants
            self.fields[name].label_from_instance = participant_label
        style_fields(self)


class RequestActionForm(forms.Form):
    ACTIONS = ("accept", "decline", "withdraw", "priority")
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    priority = forms.ChoiceField(choices=MeetingRequest.Priority.choices, required=False)
    version = forms.CharField(required=False)


class ParticipantFilterForm(forms.Form):
    side = forms.ChoiceField(label=_("Side"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, data, *, sectors):
        # Own ids: the page also holds a form with a "priority" field.
        super().__init__(data, auto_id="filter-%s")
        self.fields["side"].choices = [("", gettext("Both sides")), *Participant.Side.choices]
        self.fields["sector"].choices = [("", gettext("Every sector"))] + [(s, s) for s in sectors]
        style_fields(self)


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    participant = forms.TypedChoiceField(
        label=_("Participant"), required=False, coerce=int, empty_value=None
    )
    mutual = forms.BooleanField(label=_("Mutual only"), required=False)

    def __init__(self, data, *, participants):
        # Own ids: the page also holds a form with a "priority" field.
        super().__init__(data, auto_id="filter-%s")
        self.fields["status"].choices = [
            ("", gettext("Any status")),
            *MeetingRequest.Status.choices,
        ]
        self.fields["priority"].choices = [
            ("", gettext("Any priority")),
            *MeetingRequest.Priority.choices,
        ]
        self.fields["participant"].choices = [("", gettext("Anybody"))] + [
            (p.pk, participant_label(p)) for p in participants
        ]
        style_fields(self)
        self.fields["mutual"].widget.attrs["class"] = "form-check-input"
