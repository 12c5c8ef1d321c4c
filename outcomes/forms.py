"""Forms of the outcome page, the follow-up form and the board's filters (input only)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.utils import formats
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from delegations.models import DelegationMember, Organisation
from meetings.models import Meeting
from missions.concurrency import VersionedFormMixin
from missions.forms import DATE_WIDGET, BoundedModelChoiceField
from missions.models import Mission
from outcomes.models import FollowUp, Interest, Outcome


class OutcomeForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ("held", "interest", "summary", "next_steps", "notable")
        widgets = {
            "held": forms.RadioSelect,
            "interest": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"held": _("Did it take place?")}
        help_texts = {
            "summary": _("Who said what, what they need; internal, never shown to delegates."),
            "next_steps": _("What was agreed; add each action as a follow-up below."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A radio list without a "-----" entry: blank means "not said".
        self.fields["interest"].choices = [("", gettext("Not said")), *Interest.choices]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(
            Row(
                Column(Field("held"), css_class="col-md-6"),
                Column(Field("interest"), css_class="col-md-6"),
            ),
            "summary",
            "next_steps",
            "notable",
        )


def meeting_label(meeting: Meeting, mission: Mission) -> str:
    start = meeting.start.astimezone(mission.tz)
    return f"{formats.date_format(start, 'D j M, H:i')} · {meeting.title}"


class OwnerField(forms.ChoiceField):
    """One select for both kinds of owner: "user-<pk>" (a coordinator) or "member-<pk>"."""

    default_error_messages = {
        "invalid_choice": _("Choose one of the mission's coordinators or delegates."),
    }


class FollowUpForm(VersionedFormMixin, forms.ModelForm):
    owner = OwnerField(label=_("Owner"), required=False)

    class Meta:
        model = FollowUp
        fields = ("action", "owner", "meeting", "organisation", "due_date", "status", "notes")
        widgets = {"due_date": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {
            "meeting": BoundedModelChoiceField,
            "organisation": BoundedModelChoiceField,
        }

    def __init__(self, *args, mission: Mission, user, **kwargs):
        self.mission = mission
        super().__init__(*args, **kwargs)
        coordinators = list(mission.coordinators.filter(is_active=True).order_by("username"))
        members = list(
            DelegationMember.objects.filter(mission=mission)
            .select_related("person")
            .order_by("person__last_name", "person__first_name")
        )
        self.owners = {f"user-{u.pk}": u for u in coordinators}
        self.owners.update({f"member-{m.pk}": m for m in members})
        self.fields["owner"].choices = [
            ("", "—"),
            (
                gettext("Coordinators"),
                [(f"user-{u.pk}", u.get_full_name() or u.get_username()) for u in coordinators],
            ),
            (
                gettext("Delegation"),
                [(f"member-{m.pk}", m.person.full_name) for m in members],
            ),
        ]
        instance = self.instance
        if instance.owner_user_id:
            self.initial.setdefault("owner", f"user-{instance.owner_user_id}")
        elif instance.owner_member_id:
            self.initial.setdefault("owner", f"member-{instance.owner_member_id}")
        meetings = Meeting.objects.filter(mission=mission).order_by("start", "pk")
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: meeting_label(m, mission)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(user).order_by(
            "name"
        )
        self.fields["due_date"].help_text = gettext("Not before the meeting's day.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(
            "action",
            Row(
                Column("owner", css_class="col-md-6"),
                Column("due_date", css_class="col-md-3"),
                Column("status", css_class="col-md-3"),
            ),
            Row(
                Column("meeting", css_class="col-md-6"),
                Column("organisation", css_class="col-md-6"),
            ),
            "notes",
        )

    def owner_fields(self) -> dict:
        """owner_user and owner_member for the service, from the one select."""
        chosen = self.owners.get(self.cleaned_data.get("owner") or "")
        if chosen is None:
            return {"owner_user": None, "owner_member": None}
        if isinstance(chosen, DelegationMember):
            return {"owner_user": None, "owner_member": chosen}
        return {"owner_user": chosen, "owner_member": None}

    def service_fields(self) -> dict:
        data = self.cleaned_data
        names = ("action", "meeting", "organisation", "due_date", "status", "notes")
        return {**{name: data[name] for name in names}, **self.owner_fields()}


class StatusForm(forms.Form):
    """The board's quick buttons: a status and the version the row showed."""

    status = forms.ChoiceField(choices=FollowUp.Status.choices)
    version = forms.CharField(required=False)


class BoardFilterForm(forms.Form):
    """GET filters of the board; choices come from what the user may see."""

    ME = "me"
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )
    mission = forms.TypedChoiceField(
        label=_("Mission"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, data, *, missions, organisations, owners):
        super().__init__(data)
        self.fields["mission"].choices = [("", gettext("All missions"))] + [
            (m.pk, m.title) for m in missions
        ]
        self.fields["organisation"].choices = [("", gettext("All organisations"))] + [
            (o.pk, o.name) for o in organisations
        ]
        self.fields["owner"].choices = [
            ("", gettext("Anybody")),
            (self.ME, gettext("Me")),
            *owners,
        ]
        self.fields["status"].choices = [
            ("", pgettext("follow-up status", "Open")),
            ("all", gettext("Any status")),
            *[(v, label) for v, label in FollowUp.Status.choices if v != FollowUp.Status.OPEN],
        ]
        for name, bound in self.fields.items():
            css = "form-check-input" if name == "overdue" else "form-select form-select-sm"
            bound.widget.attrs["class"] = css
