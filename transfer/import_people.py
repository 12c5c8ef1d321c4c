"""Delegates and partner organisations (with contacts) from a spreadsheet: plans
(transfer.importing) written through delegations.services.

Delegates match a person of the mission's delegation by e-mail, else by first and last name;
an e-mail already in the directory adds that person to the delegation. Organisations match
by name (any case), contacts by e-mail, else by first and last name within the organisation.
An empty cell leaves what is stored as it is. A change to a shared directory entry the user
may not edit (`editable_by`, docs/permissions.md) is a row error, never an overwrite.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from delegations.models import DelegationMember, Organisation, Person
from delegations.services import delegation_member_save, organisation_save, person_save
from missions.localtime import aware_from_local
from missions.models import Mission
from transfer.columns import DELEGATE_COLUMNS, PARTNER_COLUMNS
from transfer.importing import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATED,
    CellValueError,
    Plan,
    PlanRow,
    describe,
    error_messages_by_field,
    local_text,
    norm_key,
    parse_choice,
    parse_datetime,
    parse_zone,
    plan_from_table,
    searchable,
)
from transfer.tabular import Table, label_of

PERSON_FIELDS = {  # column -> Person field
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "phone": "phone",
    "position": "position",
}
CONTACT_FIELDS = {
    "contact_first_name": "first_name",
    "contact_last_name": "last_name",
    "contact_email": "email",
    "contact_phone": "phone",
    "contact_position": "position",
}
ORGANISATION_FIELDS = {
    "short_name": "short_name",
    "sector": "sector",
    "country": "country",
    "city": "city",
    "website": "website",
}
# Validation cost: no query per row (foreign keys are objects read beforehand; uniqueness is
# checked against the lookups).
QUIET = {"validate_unique": False, "validate_constraints": False}


class Organisations:
    """The directory's organisations the file names, and those it will create (once each)."""

    def __init__(self, names: set[str], user, reason: str):
        names = searchable(names)
        self.reason = reason
        self.found: dict[str, Organisation] = {}
        self.editable: set[int] = set()
        if names:
            rows = Organisation.objects.annotate(lname=Lower("name")).filter(lname__in=names)
            self.found = {organisation.lname: organisation for organisation in rows}
            self.editable = set(
                Organisation.objects.editable_by(user)
                .filter(pk__in=[o.pk for o in self.found.values()])
                .values_list("pk", flat=True)
            )
        self.planned: dict[str, Organisation] = {}

    def get(self, name: str) -> Organisation:
        """The organisation at commit time: found, or created by the first row naming it."""
        key = norm_key(name)
        if key in self.found:
            return self.found[key]
        organisation = self.planned.setdefault(key, Organisation(name=name))
        if organisation.pk is None:
            organisation._change_reason = self.reason
            organisation_save(organisation=organisation)
        return organisation


class People:
    """Directory people by e-mail (and who of them the user may see and change)."""

    def __init__(self, emails: set[str], names: set[tuple[str, str]], user):
        emails, names = searchable(emails), searchable(names)
        query = Q(lemail__in=emails) if emails else Q(pk__in=[])
        if names:
            firsts = {first for first, _last in names}
            lasts = {last for _first, last in names}
            query |= Q(lfirst__in=firsts, llast__in=lasts)
        people = []
        if emails or names:
            people = list(
                Person.objects.annotate(
                    lemail=Lower("email"), lfirst=Lower("first_name"), llast=Lower("last_name")
                )
                .filter(query)
                .select_related("organisation")
            )
        ids = [person.pk for person in people]
        self.visible = set(
            Person.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
            if ids
            else ()
        )
        self.editable = set(
            Person.objects.editable_by(user).filter(pk__in=ids).values_list("pk", flat=True)
            if ids
            else ()
        )
        self.by_email = {person.lemail: person for person in people if person.email}
        self.by_name: dict[tuple, list[Person]] = {}
        for person in people:
            key = (person.lfirst, person.llast)
            self.by_name.setdefault(key, []).append(person)


def _email(row: PlanRow, cells: dict, key: str) -> str:
    email = cells.get(key, "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.error(key, _("“%(value)s” is not an e-mail address.") % {"value": email})
            return ""
    return email


def _set_fields(row, instance, cells, fields: dict) -> dict[str, tuple]:
    """Copy non-empty cells onto `instance`; returns {column: (old, new)} of what changed."""
    changed = {}
    for column, name in fields.items():
        value = cells.get(column, "")
        if value and value != getattr(instance, name):
            changed[column] = (getattr(instance, name), value)
            setattr(instance, name, value)
    return changed


def _validate(row: PlanRow, instance, columns_by_field: dict, exclude=()) -> bool:
    try:
        instance.full_clean(exclude=list(exclude), **QUIET)
    except ValidationError as error:
        for name, messages in error_messages_by_field(error).items():
            row.error(columns_by_field.get(name, ""), " ".join(messages))
        return False
    return True


# --- Delegates -------------------------------------------------------------------------------


def plan_delegates(*, mission: Mission, user, table: Table, reason: str) -> Plan:
    plan = plan_from_table("delegates", DELEGATE_COLUMNS, table)
    if plan.file_errors:
        return plan
    members = list(DelegationMember.objects.filter(mission=mission).with_people())
    by_email = {norm_key(m.person.email): m for m in members if m.person.email}
    by_name = {}
    for member in members:
        by_name.setdefault(
            (norm_key(member.person.first_name), norm_key(member.person.last_name)), []
        ).append(member)
    emails = {norm_key(row.cells.get("email", "")) for row in table.rows} - {""}
    people = People(emails, set(), user)
    organisations = Organisations(
        {norm_key(row.cells.get("organisation", "")) for row in table.rows} - {""}, user, reason
    )
    seen: dict[object, int] = {}
    for source in table.rows:
        cells = source.cells
        row = PlanRow(
            number=source.number,
            columns=DELEGATE_COLUMNS,
            label=f"{cells.get('first_name', '')} {cells.get('last_name', '')}".strip(),
        )
        plan.rows.append(row)
        row.check_cells(cells)
        _delegate_row(row, cells, mission, by_email, by_name, people, organisations, seen, reason)
    return plan


def _delegate_row(row, cells, mission, by_email, by_name, people, organisations, seen, reason):
    first, last = cells.get("first_name", ""), cells.get("last_name", "")
    for key, value in (("first_name", first), ("last_name", last)):
        if not value:
            row.error(key, _("Required."))
    email = _email(row, cells, "email")
    member = person = None
    if email:
        member = by_email.get(norm_key(email))
        if member is None:
            person = people.by_email.get(norm_key(email))
            if person is not None and person.pk not in people.visible:
                row.error("email", _("Another person already has this e-mail address."))
    if member is None and person is None and first and last:
        matches = by_name.get((norm_key(first), norm_key(last)), [])
        if len(matches) > 1:
            row.error("email", _("Several delegates have this name: add their e-mail."))
        elif matches:
            member = matches[0]
    if member is not None:
        person = member.person
    identity = ("member", member.pk) if member else ("email", norm_key(email) or (first, last))
    if identity in seen:
        row.error("", _("Same person as row %(row)d.") % {"row": seen[identity]})
    seen[identity] = row.number
    try:
        zone = parse_zone(cells.get("timezone", ""), mission.tz)
    except CellValueError as error:
        row.error("timezone", str(error))
        zone = None
    times = {}
    for key in ("arrival", "departure"):
        if cells.get(key) and zone is not None:
            try:
                times[key] = aware_from_local(parse_datetime(cells[key]), zone)
            except CellValueError as error:
                row.error(key, str(error))
            except ValidationError as error:
                row.error(key, " ".join(error.messages))
    role = language = None
    try:
        if cells.get("role"):
            role = parse_choice(cells["role"], DelegationMember.Role, _("role"))
    except CellValueError as error:
        row.error("role", str(error))
    try:
        if cells.get("language"):
            language = parse_choice(cells["language"], Person.Language, _("language"))
    except CellValueError as error:
        row.error("language", str(error))
    if row.result == ERROR:
        return

    person_is_new = person is None
    person = person or Person()
    person_version = person.version
    person_changes = _set_fields(row, person, cells, PERSON_FIELDS)
    if language and language != person.preferred_language:
        person_changes["language"] = (person.get_preferred_language_display(), language)
        person.preferred_language = language
    org_name = cells.get("organisation", "")
    if org_name and norm_key(org_name) != norm_key(
        person.organisation.name if person.organisation_id else ""
    ):
        person_changes["organisation"] = (person.organisation or "", org_name)
    member_is_new = member is None
    member = member or DelegationMember(mission=mission)
    member.mission = mission
    member_version = member.version
    member_changes = {}
    if role and role != member.role:
        member_changes["role"] = (member.get_role_display(), role)
        member.role = role
    for key, value in times.items():
        if value != getattr(member, key):
            member_changes[key] = (
                local_text(getattr(member, key), mission.tz),
                local_text(value, mission.tz),
            )
            setattr(member, key, value)
    if cells.get("notes") and cells["notes"] != member.notes:
        member_changes["notes"] = ("", _("changed"))
        member.notes = cells["notes"]
    valid = _validate(row, person, {v: k for k, v in PERSON_FIELDS.items()}, ["organisation"])
    valid &= _validate(
        row,
        member,
        {"arrival": "arrival", "departure": "departure", "role": "role", "notes": "notes"},
        ["person", "mission", "token"],
    )
    if not valid:
        return
    if person_changes and not person_is_new and person.pk not in people.editable:
        row.error(
            next(iter(person_changes)),
            _(
                "%(name)s is also in missions you do not coordinate: ask their coordinators "
                "to change these details, or leave the cells empty."
            )
            % {"name": person.full_name},
        )
        return
    if person_is_new:
        row.result = NEW
    elif member_is_new or person_changes or member_changes:
        row.result = UPDATED
    else:
        row.result = UNCHANGED
        return
    row.changes = [
        describe(label_of(DELEGATE_COLUMNS, key), old, new)
        for key, (old, new) in {**person_changes, **member_changes}.items()
        if not person_is_new
    ]
    if member_is_new and not person_is_new:
        row.changes.insert(0, _("Joins the delegation (already in the directory)."))

    def apply():
        if "organisation" in person_changes:
            person.organisation = organisations.get(org_name)
        if person_is_new or person_changes:
            person._change_reason = reason
            person_save(person=person, expected_version=None if person_is_new else person_version)
        member.person = person
        member._change_reason = reason
        return delegation_member_save(
            member=member, expected_version=None if member_is_new else member_version
        )

    row.apply = apply


# --- Partner organisations and contacts ------------------------------------------------------


def plan_partners(*, user, table: Table, reason: str) -> Plan:
    plan = plan_from_table("partners", PARTNER_COLUMNS, table)
    if plan.file_errors:
        return plan
    organisations = Organisations(
        {norm_key(row.cells.get("organisation", "")) for row in table.rows} - {""}, user, reason
    )
    emails = {norm_key(row.cells.get("contact_email", "")) for row in table.rows} - {""}
    names = {
        (
            norm_key(row.cells.get("contact_first_name", "")),
            norm_key(row.cells.get("contact_last_name", "")),
        )
        for row in table.rows
    }
    people = People(emails, {name for name in names if all(name)}, user)
    first_row: dict[str, int] = {}
    seen: dict[object, int] = {}
    org_values: dict[str, dict] = {}
    for source in table.rows:
        cells = source.cells
        row = PlanRow(
            number=source.number, columns=PARTNER_COLUMNS, label=cells.get("organisation", "")
        )
        plan.rows.append(row)
        row.check_cells(cells)
        _partner_row(row, cells, organisations, people, first_row, org_values, seen, reason)
    return plan


def _partner_row(row, cells, organisations, people, first_row, org_values, seen, reason):
    name = cells.get("organisation", "")
    if not name:
        row.error("organisation", _("Required."))
        return
    key = norm_key(name)
    kind = None
    if cells.get("kind"):
        try:
            kind = parse_choice(cells["kind"], Organisation.Kind, _("kind of organisation"))
        except CellValueError as error:
            row.error("kind", str(error))
    # The organisation's columns: the first row naming it sets them; later rows may repeat
    # them but not contradict them.
    values = {column: cells.get(column, "") for column in (*ORGANISATION_FIELDS, "kind")}
    if key in org_values:
        for column, value in values.items():
            before = org_values[key].get(column, "")
            if value and before and value != before:
                row.error(
                    column,
                    _("Row %(row)d says “%(value)s” for this organisation.")
                    % {"row": first_row[key], "value": before},
                )
            elif value:
                org_values[key][column] = value
        organisation_first = False
    else:
        org_values[key] = dict(values)
        first_row[key] = row.number
        organisation_first = True

    contact_given = any(cells.get(column) for column in CONTACT_FIELDS)
    contact = None
    email = _email(row, cells, "contact_email") if contact_given else ""
    first, last = cells.get("contact_first_name", ""), cells.get("contact_last_name", "")
    if contact_given:
        for column, value in (("contact_first_name", first), ("contact_last_name", last)):
            if not value:
                row.error(column, _("A contact needs a first and a last name."))
        if email:
            contact = people.by_email.get(norm_key(email))
            if contact is not None and contact.pk not in people.visible:
                row.error("contact_email", _("Another person already has this e-mail address."))
        if contact is None and first and last:
            matches = [
                person
                for person in people.by_name.get((norm_key(first), norm_key(last)), [])
                if person.organisation_id and norm_key(person.organisation.name) == key
            ]
            contact = matches[0] if len(matches) == 1 else None
        identity = ("contact", contact.pk) if contact else (norm_key(email) or (first, last, key))
        if identity in seen:
            row.error("", _("Same contact as row %(row)d.") % {"row": seen[identity]})
        seen[identity] = row.number
    if row.result == ERROR:
        return

    organisation = organisations.found.get(key)
    org_is_new = organisation is None
    changes: list[str] = []
    org_changes = {}
    if organisation_first:
        organisation = organisation or organisations.planned.setdefault(
            key, Organisation(name=name)
        )
        org_version = organisation.version
        org_changes = _set_fields(row, organisation, cells, ORGANISATION_FIELDS)
        if kind and kind != organisation.kind:
            org_changes["kind"] = (organisation.get_kind_display(), kind)
            organisation.kind = kind
        fields = {v: k for k, v in ORGANISATION_FIELDS.items()} | {"name": "organisation"}
        if not _validate(row, organisation, fields):
            return
        if org_changes and not org_is_new and organisation.pk not in organisations.editable:
            row.error(
                next(iter(org_changes)),
                _(
                    "%(name)s is used by missions you do not coordinate: ask their coordinators "
                    "to change it, or leave these cells empty."
                )
                % {"name": organisation.name},
            )
            return
        if not org_is_new:
            changes += [
                describe(label_of(PARTNER_COLUMNS, column), old, new)
                for column, (old, new) in org_changes.items()
            ]
    contact_is_new = contact_given and contact is None
    contact_changes = {}
    if contact_given:
        contact = contact or Person()
        contact_version = contact.version
        contact_changes = _set_fields(row, contact, cells, CONTACT_FIELDS)
        if not contact_is_new and (
            not contact.organisation_id or norm_key(contact.organisation.name) != key
        ):
            contact_changes["organisation"] = (contact.organisation or "", name)
        if not _validate(row, contact, {v: k for k, v in CONTACT_FIELDS.items()}, ["organisation"]):
            return
        if contact_changes and not contact_is_new and contact.pk not in people.editable:
            row.error(
                next(iter(contact_changes)),
                _(
                    "%(name)s is also in missions you do not coordinate: ask their coordinators "
                    "to change these details, or leave the cells empty."
                )
                % {"name": contact.full_name},
            )
            return
        if contact_is_new:
            changes.append(_("New contact: %(name)s") % {"name": contact.full_name})
        else:
            changes += [
                describe(label_of(PARTNER_COLUMNS, column), old, new)
                for column, (old, new) in contact_changes.items()
            ]
    if organisation_first and org_is_new:
        row.result = NEW
        changes.insert(0, _("New organisation"))
    elif contact_is_new:
        row.result = NEW
    elif org_changes or contact_changes:
        row.result = UPDATED
    else:
        row.result = UNCHANGED
        return
    row.changes = changes

    def apply():
        target = organisations.get(name)  # created here if new
        if organisation_first and org_changes and not org_is_new:
            target._change_reason = reason
            organisation_save(organisation=target, expected_version=org_version)
        if contact_given and (contact_is_new or contact_changes):
            contact.organisation = target
            contact._change_reason = reason
            person_save(
                person=contact, expected_version=None if contact_is_new else contact_version
            )

    row.apply = apply
