from datetime import date, timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Layout, Row, Submit
from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from delegations.forms import email_clash_message
from delegations.models import DelegationMember, Organisation, Person
from meetings.models import Meeting
from meetings.services import MAX_SHIFT_MINUTES
from missions.concurrency import VersionedFormMixin
from missions.forms import BoundedModelMultipleChoiceField, bound_choice_ids
from missions.localtime import LocalDateTimeWidget, LocalSplitDateTimeField, MissionLocalTimesMixin
from missions.models import Venue


class MeetingAdminForm(MissionLocalTimesMixin, VersionedFormMixin, forms.ModelForm):
    """Start and end typed and shown in the mission's zone, not the server's."""

    local_datetime_fields = ("start", "end")
    # Declared fields do not take the model's verbose_name: without a label the admin shows
    # the bare field name ("Start:"), untranslated.
    start = LocalSplitDateTimeField(
        widget=AdminSplitDateTime, label=capfirst(gettext_lazy("start"))
    )
    end = LocalSplitDateTimeField(widget=AdminSplitDateTime, label=capfirst(gettext_lazy("end")))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_choice_ids(self)

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


# ---------------------------------------------------------------------------
# The planner's forms (coordinators in the browser).


class _LabelledChoices(BoundedModelMultipleChoiceField):
    """Options labelled by a function, so names say who is who."""

    def __init__(self, *args, label_from=str, **kwargs):
        self._label_from = label_from
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self._label_from(obj)


def _member_label(member: DelegationMember) -> str:
    extra = member.person.title_line
    return f"{member.person.full_name} — {extra}" if extra else member.person.full_name


def _contact_label(person: Person) -> str:
    return f"{person.full_name} ({person.title_line})" if person.title_line else person.full_name


def _quick_add_button(url: str, label: str) -> HTML:
    # Loads a small form into the shared modal; see templates/meetings/includes/quick_add_*.html.
    # Its own hx-sync: inherited from the meeting form, a clash check fired just after the
    # click (a ticked box, 200 ms later) would abort this request and leave "Loading…".
    return HTML(
        f'<button type="button" class="btn btn-link btn-sm px-0 mb-3 quick-add" '
        f'hx-get="{url}" hx-target="#quick-add-content" hx-swap="innerHTML" '
        f'hx-sync="this:replace" '
        f'data-bs-toggle="modal" data-bs-target="#quick-add-modal">+ {label}</button>'
    )


PICK_LIST = "meetings/includes/pick_list_field.html"


class ContactCheckboxes(forms.CheckboxSelectMultiple):
    """Each contact's checkbox says which organisation they work for (data-organisation), so
    planner.js can put the contacts of the chosen partner organisations first."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        person = getattr(value, "instance", None)
        if person is not None and person.organisation_id:
            option["attrs"]["data-organisation"] = str(person.organisation_id)
        return option


def default_meeting_day(mission, today) -> date:
    """The day a new meeting opens on: today while the mission runs, else its first day."""
    if mission.start_date <= today <= mission.end_date:
        return today
    return mission.start_date


class MeetingForm(MissionLocalTimesMixin, VersionedFormMixin, forms.ModelForm):
    """Create or edit one meeting of a known mission; times typed in the mission's zone."""

    local_datetime_fields = ("start", "end")
    start = LocalSplitDateTimeField(label=gettext_lazy("Starts"), widget=LocalDateTimeWidget)
    end = LocalSplitDateTimeField(label=gettext_lazy("Ends"), widget=LocalDateTimeWidget)

    class Meta:
        model = Meeting
        fields = (
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
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "internal_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, mission, user, check_url: str = "", **kwargs):
        self.mission = mission
        instance = kwargs.get("instance")
        if instance is None:
            kwargs["instance"] = Meeting(mission=mission)
        super().__init__(*args, **kwargs)
        # The directory as this user may see it (never another mission's delegates), plus
        # whatever the meeting already holds, so that saving never drops a partner.
        kept = (
            self.instance.partner_contacts.values("pk")
            if self.instance.pk
            else Person.objects.none()
        )
        self.fields["venue"].queryset = Venue.objects.filter(mission=mission)
        self.fields["venue"].empty_label = gettext_lazy("— no venue yet —")
        self.fields["attendees"] = _LabelledChoices(
            queryset=DelegationMember.objects.filter(mission=mission).with_people(),
            required=False,
            label=gettext_lazy("Delegation attendees"),
            widget=forms.CheckboxSelectMultiple,
            label_from=_member_label,
        )
        self.fields["partner_organisations"] = _LabelledChoices(
            queryset=Organisation.objects.visible_to(user),
            required=False,
            label=gettext_lazy("Partner organisations"),
            widget=forms.CheckboxSelectMultiple,
            label_from=lambda org: org.display_name,
        )
        # Partner contacts are the people met, never a delegation's own travellers (of this
        # mission or any other): a delegate is an attendee, on the delegation's side.
        delegates = DelegationMember.objects.values("person")
        self.fields["partner_contacts"] = _LabelledChoices(
            queryset=Person.objects.filter(
                (Q(pk__in=Person.objects.visible_to(user).values("pk")) & ~Q(pk__in=delegates))
                | Q(pk__in=kept)
            )
            .exclude(memberships__mission=mission)
            .select_related("organisation")
            .order_by("organisation__name", "last_name", "first_name"),
            required=False,
            label=gettext_lazy("Partner contacts"),
            widget=ContactCheckboxes,
            label_from=_contact_label,
        )
        if not self.fields["attendees"].queryset.exists():
            self.fields["attendees"].help_text = gettext_lazy(
                "No delegates yet: add them on the Delegation page first."
            )
        date_word = gettext_lazy("date")
        for name, word in (
            ("start", gettext_lazy("Start time")),
            ("end", gettext_lazy("End time")),
        ):
            date_widget, time_widget = self.fields[name].widget.widgets
            date_widget.attrs["aria-label"] = f"{self.fields[name].label}: {date_word}"
            time_widget.attrs["aria-label"] = str(word)
        window = mission.planning_window()
        if window is not None:
            # The date pickers offer the days a meeting may take (the server checks anyway).
            first, last = window[0].date(), (window[1] - timedelta(days=1)).date()
            for name in ("start", "end"):
                date_widget = self.fields[name].widget.widgets[0]
                date_widget.attrs.update({"min": first.isoformat(), "max": last.isoformat()})
        if self.instance.pk is None:
            # A new meeting starts from its title; the rest follows by Tab (planner.js).
            self.fields["title"].widget.attrs["autofocus"] = ""
        self.fields["start"].help_text = gettext_lazy("Local time in %(zone)s.") % {
            "zone": mission.timezone
        }

        def quick(kind):
            return reverse("meetings:quick_add", args=[mission.slug, kind])

        self.helper = FormHelper()
        # The hidden version the form was opened at (missions.concurrency).
        self.helper.render_hidden_fields = True
        self.helper.form_id = "meeting-form"
        # data-keyboard-form: Enter moves on, Ctrl/Cmd+Enter saves (static/js/planner.js).
        self.helper.attrs = {"novalidate": "", "data-keyboard-form": ""}
        if check_url:
            # Clash warnings before saving: any change posts the form to the check endpoint.
            self.helper.attrs.update(
                {
                    "hx-post": check_url,
                    "hx-trigger": "change delay:200ms",
                    "hx-target": "#clash-panel",
                    "hx-swap": "innerHTML",
                    "hx-sync": "this:replace",
                }
            )
        self.helper.layout = Layout(
            "title",
            Row(
                Column(Field("start", wrapper_class="split-dt"), css_class="col-sm-6"),
                Column(Field("end", wrapper_class="split-dt"), css_class="col-sm-6"),
            ),
            Row(
                Column("kind", css_class="col-sm-6 col-md-4"),
                Column("status", css_class="col-sm-6 col-md-3"),
                Column(
                    Field("venue", wrapper_class="mb-0"),
                    _quick_add_button(quick("venue"), gettext_lazy("New venue")),
                    css_class="col-md-5",
                ),
            ),
            Field("attendees", wrapper_class="pick-list", template=PICK_LIST),
            Row(
                Column(
                    Field("partner_organisations", wrapper_class="pick-list", template=PICK_LIST),
                    _quick_add_button(
                        quick("organisation"), gettext_lazy("New partner organisation")
                    ),
                    css_class="col-md-6",
                ),
                Column(
                    Field("partner_contacts", wrapper_class="pick-list", template=PICK_LIST),
                    _quick_add_button(quick("contact"), gettext_lazy("New contact")),
                    css_class="col-md-6",
                ),
            ),
            "description",
            # The outcome has its own page (outcomes/), linked from the meeting's side panel.
            "internal_notes",
            Submit("save", gettext_lazy("Save meeting")),
            # Urgent fixes during the trip: saved and published in one go (releases).
            _SaveAndPublish("publish", gettext_lazy("Save and publish"), css_class="ms-2"),
        )


class _SaveAndPublish(Submit):
    """The second, quieter submit button."""

    field_classes = "btn btn-outline-primary"


class AgendaFilterForm(forms.Form):
    """GET filters; choices come from rows the agenda already fetched (no extra queries)."""

    delegate = forms.TypedChoiceField(label=gettext_lazy("Delegate"), required=False, coerce=int)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    partner = forms.TypedChoiceField(label=gettext_lazy("Partner"), required=False, coerce=int)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args, members=(), partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", gettext_lazy("Everyone"))]
        self.fields["delegate"].choices = everyone + [(m.pk, m.person.full_name) for m in members]
        self.fields["kind"].choices = [("", gettext_lazy("All kinds"))] + list(Meeting.Kind.choices)
        self.fields["partner"].choices = [("", gettext_lazy("All partners"))] + [
            (o.pk, str(o)) for o in partners
        ]
        self.fields["status"].choices = [("", gettext_lazy("Any status"))] + list(
            Meeting.Status.choices
        )
        self.members = {m.pk: m for m in members}

    def selected(self) -> dict:
        """The valid filters only: a stale or forged value is ignored, never a 500."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: value for name, value in data.items() if value not in ("", None)}

    def apply(self, meetings: list[Meeting]) -> list[Meeting]:
        chosen = self.selected()
        result = meetings
        if "delegate" in chosen:
            pk = chosen["delegate"]
            result = [m for m in result if any(a.pk == pk for a in m.attendees.all())]
        if "kind" in chosen:
            result = [m for m in result if m.kind == chosen["kind"]]
        if "partner" in chosen:
            pk = chosen["partner"]
            result = [m for m in result if any(o.pk == pk for o in m.partner_organisations.all())]
        if "status" in chosen:
            result = [m for m in result if m.status == chosen["status"]]
        return result

    def selected_delegate(self) -> DelegationMember | None:
        pk = self.selected().get("delegate")
        return self.members.get(pk) if pk else None


class _QuickForm(forms.ModelForm):
    """The small forms of the "add without leaving the meeting" modal (htmx)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class OrganisationQuickForm(_QuickForm):
    class Meta:
        model = Organisation
        fields = ("name", "short_name", "kind", "sector", "country", "city")


class ContactQuickForm(_QuickForm):
    class Meta:
        model = Person
        fields = ("first_name", "last_name", "position", "organisation", "email", "phone")

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(user)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email and (message := email_clash_message(email, user=self.user)):
            raise forms.ValidationError(message, code="duplicate")
        return email


class VenueQuickForm(_QuickForm):
    class Meta:
        model = Venue
        fields = ("name", "address", "city", "country")

    def __init__(self, *args, mission, **kwargs):
        kwargs.setdefault("instance", Venue(mission=mission))
        # Most venues are in the mission's city: typed once, on the mission.
        kwargs.setdefault("initial", {"city": mission.city, "country": mission.country})
        super().__init__(*args, **kwargs)


# ---------------------------------------------------------------------------
# Fast entry on several meetings at once (meetings/bulk_views.py).


def mission_day_choices(mission) -> list[tuple[str, str]]:
    """The mission's days as (ISO date, "Tuesday 22 April") in the active language."""
    return [(day.isoformat(), formats.date_format(day, "l j F")) for day in mission.days()]


class MissionDayField(forms.TypedChoiceField):
    """One of the mission's days; anything else (garbage, NUL, another day) is refused with
    "Select a valid choice" before any date arithmetic."""

    def __init__(self, *, mission, **kwargs):
        super().__init__(choices=mission_day_choices(mission), coerce=date.fromisoformat, **kwargs)


class DayCopyForm(forms.Form):
    source = forms.Field()  # replaced in __init__ (needs the mission)
    target = forms.Field()

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"] = MissionDayField(mission=mission, label=gettext_lazy("Copy the day"))
        self.fields["target"] = MissionDayField(mission=mission, label=gettext_lazy("To the day"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") and cleaned.get("source") == cleaned.get("target"):
            self.add_error("target", gettext_lazy("Choose another day than the one copied."))
        return cleaned


class ShiftForm(forms.Form):
    minutes = forms.IntegerField(
        label=gettext_lazy("Shift by (minutes)"),
        min_value=-MAX_SHIFT_MINUTES,
        max_value=MAX_SHIFT_MINUTES,
        help_text=gettext_lazy("Negative: earlier; e.g. 30 or -15."),
    )
    meetings = BoundedModelMultipleChoiceField(
        queryset=Meeting.objects.none(),
        label=gettext_lazy("Meetings"),
        error_messages={"required": gettext_lazy("Tick at least one meeting to shift.")},
    )

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meetings"].queryset = Meeting.objects.filter(mission=mission).select_related(
            "venue"
        )

    def clean_minutes(self) -> int:
        minutes = self.cleaned_data["minutes"]
        if minutes == 0:
            raise forms.ValidationError(gettext_lazy("Type a number of minutes other than 0."))
        return minutes
