"""Optimistic concurrency: nobody's saved edit is overwritten silently.

Missions, meetings, delegation members, people and organisations carry a `version`. Every
write service raises it by one with a conditional UPDATE (`claim_version`), inside its
transaction and before anything else is written; given the version the user's form was
opened at, a save from an older version is refused with `EditConflict`, which carries the
object as it is stored now. The row lock taken by that UPDATE makes it race-free: on
PostgreSQL a second UPDATE of the row waits for the first to commit, then re-reads the row
and matches nothing; SQLite lets one writer at a time through, so the second UPDATE runs
after the first commit and matches nothing either.

Forms carry the version they were opened at (`VersionedFormMixin`); after a conflict the
view shows `conflict_report()` above the form, which keeps what the user typed and now
carries the current version, so saving again applies it deliberately.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext
from simple_history.utils import get_m2m_reverse_field_name

from missions.localtime import zone_city

# Where coordinators are when no mission says otherwise (Mission.home_timezone's default).
HOME_ZONE = ZoneInfo("Europe/Rome")


class EditConflict(ValidationError):
    """Somebody else saved the object after this edit began; nothing was written.

    `current` is the object as stored now (None when it was deleted meanwhile). A
    ValidationError, so a caller that only knows those still shows a message, never a 500.
    """

    def __init__(self, current: models.Model | None, model: type[models.Model]):
        self.current = current
        self.model = model
        if current is None:
            message = gettext("This %(kind)s was deleted while you were editing it.")
        else:
            message = gettext(
                "Somebody else saved this %(kind)s while you were editing it: "
                "review their changes, then save again."
            )
        super().__init__(
            message % {"kind": model._meta.verbose_name},
            code="edit_conflict",
        )


def claim_version(instance: models.Model, expected_version: int | None = None) -> None:
    """Raise the stored version by one, atomically; refuse a stale `expected_version`.

    Call inside the service's transaction, before saving: the UPDATE locks the row until
    commit, so two saves of one version cannot both pass. A new object keeps its version:
    one without a pk, or one built in memory with its old pk (a restore from history),
    whereas an object loaded from the database and deleted since raises EditConflict.
    Sets `instance.version` to the new stored value, so the following save() writes it
    back unchanged.
    """
    if instance.pk is None or instance._state.adding:
        return
    model = type(instance)
    rows = model._default_manager.filter(pk=instance.pk)
    claim = rows if expected_version is None else rows.filter(version=expected_version)
    if not claim.update(version=F("version") + 1):
        raise EditConflict(rows.first(), model)
    instance.version = rows.values_list("version", flat=True).get()


def claim_for_delete(instance: models.Model, expected_version: int | None) -> None:
    """For deletions: refuse when the object changed after the user saw it."""
    if expected_version is not None:
        claim_version(instance, expected_version)


# --- Forms ----------------------------------------------------------------------------------

_DIGITS = re.compile(r"[0-9]{1,9}")


class VersionField(forms.CharField):
    """Hidden; never counts as a change the user made (it tells which state they saw)."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data) -> bool:
        return False


class VersionedFormMixin:
    """A hidden `version`: the one the object had when the form was opened.

    Forms drawn by crispy set `helper.render_hidden_fields = True` to draw it.
    Optional: a POST without it (an old tab, a script) saves as before, last write wins;
    a garbled one is refused with a message on top of the form. With
    `check_version_in_clean` (the admin), a stale version is a form error that says who
    changed what, and the form then carries the current version: saving again overwrites
    deliberately.
    """

    # Declared this way so that Django's form metaclasses collect it from a plain mixin.
    declared_fields = {"version": VersionField(required=False)}
    check_version_in_clean = False
    # Inline rows: only a row that was changed is saved, so only a changed row is checked.
    check_only_if_changed = False
    conflict_zone: ZoneInfo | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None:
            self.initial.setdefault("version", instance.version)

    def clean_version(self) -> int | None:
        raw = self.cleaned_data.get("version")
        version = parse_version(raw)
        if version is None and (raw or "").strip():
            self._garbled_version = True
        return version

    def clean(self):
        cleaned = super().clean()
        if getattr(self, "_garbled_version", False):
            self.add_error(
                None,
                gettext("This form is out of date or damaged: reload the page and try again."),
            )
        elif self.check_version_in_clean:
            self._check_stored_version()
        return cleaned

    def _check_stored_version(self) -> None:
        instance = self.instance
        opened = self.opened_version
        if instance.pk is None or opened is None:
            return
        if self.check_only_if_changed and not self.has_changed():
            return
        model = type(instance)
        current = model._default_manager.filter(pk=instance.pk).first()
        if current is not None and current.version == opened:
            return
        conflict = EditConflict(current, model)
        report = conflict_report(self, conflict, zone=self.conflict_zone)
        self.add_error(None, report.as_message())
        if current is not None:
            self.data = rebased_data(self, current)

    @property
    def opened_version(self) -> int | None:
        return getattr(self, "cleaned_data", {}).get("version")


def rebased_data(form: forms.BaseForm, current: models.Model):
    """What the user typed, now carrying the stored version: saving it again is deliberate."""
    data = form.data.copy()
    data[form.add_prefix("version")] = str(current.version)
    return data


# --- What changed meanwhile -----------------------------------------------------------------


@dataclass
class ChangedField:
    label: str
    stored: str
    typed: str

    @property
    def same(self) -> bool:
        return self.stored == self.typed


@dataclass
class ConflictReport:
    kind: str
    who: str
    when: datetime | None
    zone: ZoneInfo | None
    changes: list[ChangedField] = field(default_factory=list)
    gone: bool = False
    home_zone: ZoneInfo = HOME_ZONE

    @property
    def zone_label(self) -> str:
        return zone_city(self.zone.key) if self.zone else ""

    @property
    def when_text(self) -> str:
        return when_text(self.when, self.home_zone)

    def as_message(self) -> str:
        """One paragraph for places without the panel (the admin's form errors)."""
        if self.gone:
            return gettext("This %(kind)s was deleted while you were editing it.") % {
                "kind": self.kind
            }
        parts = [
            gettext("%(who)s saved this %(kind)s at %(when)s while you were editing.")
            % {
                "who": self.who,
                "kind": self.kind,
                "when": self.when_text,
            }
        ]
        if self.changes:
            changed = "; ".join(
                gettext("%(field)s is now “%(stored)s” (your form: “%(typed)s”)")
                % {"field": c.label, "stored": c.stored, "typed": c.typed}
                for c in self.changes
            )
            parts.append(gettext("Changed meanwhile: %(changes)s.") % {"changes": changed})
        parts.append(
            gettext(
                "Save again to replace their version with what is in this form, "
                "or reload the page to discard your changes."
            )
        )
        return " ".join(parts)


def when_text(when: datetime | None, home_zone: ZoneInfo = HOME_ZONE) -> str:
    """“Tue 22 Apr 21:14 (Rome)”: when it was saved, in the coordinators' home zone."""
    if when is None:
        return "?"
    local = when.astimezone(home_zone)
    return f"{formats.date_format(local, 'D j M H:i')} ({zone_city(home_zone.key)})"


def _who(user) -> str:
    if user is None:
        return gettext("Somebody")
    return user.get_full_name() or user.get_username()


def last_saved_by(obj: models.Model) -> tuple[str, datetime | None]:
    """Who saved `obj` last and when, from its history."""
    latest = obj.history.first()
    if latest is None:
        return gettext("Somebody"), None
    return _who(latest.history_user), latest.history_date


def parse_version(raw: str | None) -> int | None:
    """A posted version, or None when missing or garbled (never an exception)."""
    value = (raw or "").strip()
    return int(value) if _DIGITS.fullmatch(value) else None


def _stored_raw(obj, model_field) -> object:
    """A field's value on a model instance or on one of its historical records."""
    if model_field.many_to_many:
        related = getattr(obj, model_field.name)
        if hasattr(obj, "history_id"):  # a simple-history record: rows of its m2m table
            column = get_m2m_reverse_field_name(model_field) + "_id"
            return sorted(related.values_list(column, flat=True))
        return sorted(related.values_list("pk", flat=True))
    return getattr(obj, model_field.attname)


def _typed_raw(value, form_field) -> object:
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return sorted(item.pk for item in (value or []))
    if isinstance(form_field, forms.ModelChoiceField):
        return value.pk if value is not None else None
    return value


def _normal(value) -> object:
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if value in (None, ""):
        return ""
    return value


def _display(value, form_field, model_field, zone: ZoneInfo | None) -> str:
    empty = "—"
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        related = model_field.related_model._default_manager.filter(pk__in=value or [])
        names = sorted(str(item) for item in related)
        return ", ".join(names) or empty
    if isinstance(form_field, forms.ModelChoiceField):
        if value is None:
            return empty
        item = model_field.related_model._default_manager.filter(pk=value).first()
        return str(item) if item is not None else empty
    if value in (None, ""):
        return empty
    if isinstance(form_field, forms.ChoiceField):
        return str(dict(form_field.choices).get(value, value))
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = value.astimezone(zone) if zone else timezone.localtime(value)
        return formats.date_format(value, "D j M Y H:i")
    if isinstance(value, date):
        return formats.date_format(value, "D j M Y")
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return str(value)


def conflict_report(
    form: forms.BaseForm,
    conflict: EditConflict,
    *,
    zone: ZoneInfo | None = None,
    home_zone: ZoneInfo = HOME_ZONE,
) -> ConflictReport:
    """Who saved, when, and each field of `form` that changed after the user opened it.

    The state the user opened is the object's history record of that version; when it is
    missing (history off, or no version posted), every field where the stored value differs
    from what was typed is listed instead. Times are shown in `zone`.
    """
    current = conflict.current
    kind = str(conflict.model._meta.verbose_name)
    if current is None:
        return ConflictReport(kind=kind, who=gettext("Somebody"), when=None, zone=zone, gone=True)
    history = getattr(current, "history", None)
    if history is None:
        # A model without history (matchmaking's): when from `updated`, every field that
        # differs from what was typed.
        records = latest = opened = None
    else:
        records = history.all()
        latest = records.first()
        opened = None
    if records is not None and getattr(form, "opened_version", None) is not None:
        opened = records.filter(version=form.opened_version).first()
    report = ConflictReport(
        kind=kind,
        who=_who(latest.history_user if latest else None),
        when=latest.history_date if latest else getattr(current, "updated", None),
        zone=zone,
        home_zone=home_zone,
    )
    for name, form_field in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        try:
            model_field = current._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        stored = _stored_raw(current, model_field)
        typed = _typed_raw(form.cleaned_data[name], form_field)
        before = _stored_raw(opened, model_field) if opened is not None else typed
        if _normal(before) == _normal(stored):
            continue
        report.changes.append(
            ChangedField(
                label=str(form_field.label or model_field.verbose_name),
                stored=_display(stored, form_field, model_field, zone),
                typed=_display(typed, form_field, model_field, zone),
            )
        )
    return report
