"""Change history (django-simple-history): one record per service call, told in words.

Writes: `one_history_record(instance)` wraps a save and its many-to-many changes so that
they make ONE historical record (simple-history alone writes one per `.set()` add and
remove, so one form save became up to seven rows). Deletes keep simple-history's own
"-" record; its many-to-many snapshot is empty (Django deletes the link rows first), so
the state just before a delete is the previous record's (`state_before`).

Reads: `history_entries(records, ...)` turns the records of any tracked model into entries
(who, when, what changed: "Start: Tue 22 Apr 2025, 09:00 -> 10:00", "Attendees: + Rossi")
in a fixed number of queries whatever the number of records: one per many-to-many field
and one per kind of object named.

Lives in missions (the bottom app) so that every app can use it; it imports no app of ours.
"""

import threading
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from django.db import models
from django.db.models import prefetch_related_objects
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from simple_history.models import HistoricalRecords

# Bookkeeping, not something a coordinator changed.
QUIET_FIELDS = {"id", "created", "updated", "version"}
# The mission a venue, delegate or meeting belongs to never changes: not worth a query.
QUIET_FIELDS.add("mission")
# Set once, the same for the life of the meeting.
QUIET_FIELDS.add("uid")
# Secrets: say that they changed, never show them.
SECRET_FIELDS = {"token", "feed_token"}
RESTORED = "restored"
# The reason on the "-" records of what went with a deleted mission: restoring the mission
# brings back exactly these (not a meeting deleted on its own the day before).
WITH_MISSION = "deleted with the mission"

_deleting = threading.local()


# --- Writing ---------------------------------------------------------------------------------


def _m2m_fields(history_model) -> list:
    return list(getattr(history_model, "_history_m2m_fields", []))


def write_history_record(instance: models.Model, history_type: str, reason: str = "") -> Any:
    """A historical record of `instance` as it is now, with its many-to-many links."""
    history_model = type(instance).history.model
    record = history_model(
        history_date=timezone.now(),
        history_type=history_type,
        history_user=history_model.get_default_history_user(instance),
        history_change_reason=reason or getattr(instance, "_change_reason", None) or None,
        **{f.attname: getattr(instance, f.attname) for f in history_model.tracked_fields},
    )
    record.save()
    for m2m_field in _m2m_fields(history_model):
        m2m_model = HistoricalRecords.m2m_models[m2m_field]
        through = m2m_field.remote_field.through
        rows = through.objects.filter(**{m2m_field.m2m_field_name(): instance})
        m2m_model.objects.bulk_create(
            m2m_model(
                history=record, **{f.attname: getattr(row, f.attname) for f in through._meta.fields}
            )
            for row in rows
        )
    return record


@contextmanager
def one_history_record(instance: models.Model, reason: str = ""):
    """Saves and many-to-many changes of `instance` inside make one record at the end."""
    created = instance._state.adding
    instance.skip_history_when_saving = True
    try:
        yield
    finally:
        del instance.skip_history_when_saving
    write_history_record(instance, "+" if created else "~", reason)


def mission_pre_delete(sender, instance, **kwargs) -> None:
    # Django sends every pre_delete of a cascade before deleting anything, and deletes the
    # mission last, after its venues, delegation and meetings.
    if not hasattr(_deleting, "missions"):
        _deleting.missions = set()
    _deleting.missions.add(instance.pk)


def mission_post_delete(sender, instance, **kwargs) -> None:
    getattr(_deleting, "missions", set()).discard(instance.pk)


def tag_cascade_delete(sender, history_instance, **kwargs) -> None:
    """pre_create_historical_record: mark "-" records of objects going with their mission."""
    missions = getattr(_deleting, "missions", None)
    if (
        missions
        and history_instance.history_type == "-"
        and getattr(history_instance, "mission_id", None) in missions
    ):
        history_instance.history_change_reason = WITH_MISSION


def state_before(deleted_record) -> Any:
    """The record holding the object's last state before `deleted_record` (a "-" record):
    the "-" record itself has the fields but no many-to-many links."""
    return (
        type(deleted_record)
        .objects.filter(id=deleted_record.id, history_id__lt=deleted_record.history_id)
        .order_by("-history_id")
        .first()
    )


def m2m_ids(record, name: str) -> list[int]:
    """The ids linked through the many-to-many field `name` in this record."""
    for m2m_field in _m2m_fields(type(record)):
        if m2m_field.name == name:
            m2m_model = HistoricalRecords.m2m_models[m2m_field]
            column = m2m_field.m2m_reverse_field_name() + "_id"
            return list(
                m2m_model.objects.filter(history=record)
                .order_by(column)
                .values_list(column, flat=True)
            )
    raise LookupError(name)


# --- Reading ---------------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    old: str = ""
    new: str = ""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    secret: bool = False


@dataclass
class Entry:
    record: Any
    subject: str
    kind: str  # created, changed, deleted, restored
    who: str
    when: datetime
    changes: list[Change]

    @property
    def kind_label(self) -> str:
        # A context of their own: "created" is also the label of the models' `created` field.
        return {
            "created": pgettext("history entry", "created"),
            "changed": pgettext("history entry", "changed"),
            "deleted": pgettext("history entry", "deleted"),
            "restored": pgettext("history entry", "restored"),
        }[self.kind]


def user_label(user) -> str:
    if user is None:
        return _("system")
    name = user.get_full_name() or user.get_username()
    return _("%(name)s (administrator)") % {"name": name} if user.is_superuser else name


class Names:
    """Names of related objects, fetched once per model for all records; objects deleted
    since are named from their own history."""

    def __init__(self, querysets: dict | None = None):
        # e.g. {DelegationMember: DelegationMember.objects.select_related("person")}
        self.querysets = querysets or {}
        self.wanted: dict[type, set] = defaultdict(set)
        self.names: dict[type, dict] = {}

    def want(self, model, ids: Iterable) -> None:
        self.wanted[model].update(i for i in ids if i is not None)

    def load(self) -> None:
        """Fetch what was wanted since the last load (one query per model, plus one per
        model with objects deleted since)."""
        for model, wanted in self.wanted.items():
            ids = wanted - self.names.get(model, {}).keys()
            if not ids:
                continue
            queryset = self.querysets.get(model, model._default_manager.all())
            found = {obj.pk: _label(obj) for obj in queryset.filter(pk__in=ids)}
            missing = ids - found.keys()
            history = getattr(model, "history", None)
            if missing and history is not None:
                latest = {}
                for record in history.filter(id__in=missing).order_by("history_id"):
                    latest[record.id] = record.instance
                related = list(queryset.query.select_related or {})
                if related:
                    prefetch_related_objects(list(latest.values()), *related)
                found.update({pk: str(obj) for pk, obj in latest.items()})
            found.update({pk: "" for pk in ids - found.keys()})  # asked once, not again
            self.names.setdefault(model, {}).update(found)

    def name(self, model, pk) -> str:
        if pk is None:
            return ""
        return self.names.get(model, {}).get(pk) or _("#%(pk)s (deleted)") % {"pk": pk}


def _label(obj) -> str:
    # Users (a mission's coordinators) by name, as the top bar shows them.
    if hasattr(obj, "get_full_name"):
        return obj.get_full_name() or obj.get_username()
    return str(obj)


def _value(model_field, value, names: Names, zone: tzinfo | None) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return names.name(model_field.related_model, value)
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        local = value.astimezone(zone) if zone else value
        return f"{formats.date_format(local, 'D j M Y, H:i')} {local.tzname()}"
    if isinstance(value, date):
        return formats.date_format(value, "D j M Y")
    return Truncator(str(value)).chars(120)


def _model_fields(history_model) -> list:
    model = history_model.instance_type
    shown = []
    for tracked in history_model.tracked_fields:
        if tracked.name in QUIET_FIELDS:
            continue
        shown.append(model._meta.get_field(tracked.name))
    return shown


def history_entries(
    records: Iterable,
    *,
    zone: tzinfo | None = None,
    names: Names | None = None,
    subject=None,
) -> list[Any]:
    """Entries, newest first, for historical records of one model (any number of objects).

    `records` should select_related("history_user"); the previous record of each object is
    looked for among `records` (pass them all, oldest included, for a complete story).
    `subject(record) -> str` names the object an entry is about (for mixed lists).
    """
    records = sorted(records, key=lambda r: r.history_id)
    if not records:
        return []
    history_model = type(records[0])
    names = names or Names()
    fields = _model_fields(history_model)
    m2m = {}
    for m2m_field in _m2m_fields(history_model):
        m2m_model = HistoricalRecords.m2m_models[m2m_field]
        column = m2m_field.m2m_reverse_field_name() + "_id"
        links = defaultdict(set)
        for history_id, target in m2m_model.objects.filter(
            history_id__in=[r.history_id for r in records]
        ).values_list("history_id", column):
            links[history_id].add(target)
        m2m[m2m_field] = links
        for targets in links.values():
            names.want(m2m_field.related_model, targets)
    for model_field in fields:
        if isinstance(model_field, models.ForeignKey):
            names.want(
                model_field.related_model, (getattr(r, model_field.attname) for r in records)
            )
    names.load()

    previous: dict = {}
    entries = []
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        changes = []
        if record.history_type != "-":
            for model_field in fields:
                old = getattr(before, model_field.attname) if before is not None else None
                new = getattr(record, model_field.attname)
                if before is None and new in (None, "", False):
                    continue
                if before is not None and old == new:
                    continue
                label = capfirst(str(model_field.verbose_name))
                if model_field.name in SECRET_FIELDS:
                    if before is not None:
                        changes.append(Change(label=label, secret=True))
                    continue
                changes.append(
                    Change(
                        label=label,
                        old=_value(model_field, old, names, zone) if before is not None else "",
                        new=_value(model_field, new, names, zone),
                    )
                )
            for m2m_field, links in m2m.items():
                old_ids = links.get(before.history_id, set()) if before is not None else set()
                new_ids = links.get(record.history_id, set())
                if old_ids == new_ids:
                    continue
                target = m2m_field.related_model
                changes.append(
                    Change(
                        label=capfirst(str(m2m_field.verbose_name)),
                        added=sorted(names.name(target, pk) for pk in new_ids - old_ids),
                        removed=sorted(names.name(target, pk) for pk in old_ids - new_ids),
                    )
                )
        if record.history_type == "-":
            kind = "deleted"
        elif record.history_change_reason == RESTORED:
            kind = "restored"
        elif record.history_type == "+":
            kind = "created"
        else:
            kind = "changed"
        if kind == "changed" and not changes:
            continue  # a save that changed nothing shown
        entries.append(
            Entry(
                record=record,
                subject=subject(record) if subject else "",
                kind=kind,
                who=user_label(record.history_user),
                when=record.history_date,
                changes=changes,
            )
        )
    entries.reverse()
    return entries
