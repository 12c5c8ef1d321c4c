"""Partner organisations and their contacts from a spreadsheet: a plan (transfer.importing)
for the shared directory, written through delegations.services.

One row per contact; a row with only the organisation's columns adds the organisation.
Organisations match by name (any case), contacts by e-mail, else by first and last name within
the organisation. Changing an entry the user may not edit is a row error.
"""

from django.utils.translation import gettext as _

from delegations.models import Organisation, Person
from delegations.services import organisation_save, person_save
from transfer.columns import PARTNER_COLUMNS
from transfer.import_people import (
    CONTACT_FIELDS,
    ORGANISATION_FIELDS,
    Organisations,
    People,
    email_cell,
    set_fields,
    validate_quietly,
)
from transfer.importing import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATED,
    CellValueError,
    Plan,
    PlanRow,
    describe,
    norm_key,
    parse_choice,
    plan_from_table,
)
from transfer.tabular import Table, label_of


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
    email = email_cell(row, cells, "contact_email") if contact_given else ""
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
        org_changes = set_fields(row, organisation, cells, ORGANISATION_FIELDS)
        if kind and kind != organisation.kind:
            org_changes["kind"] = (organisation.get_kind_display(), kind)
            organisation.kind = kind
        fields = {v: k for k, v in ORGANISATION_FIELDS.items()} | {"name": "organisation"}
        if not validate_quietly(row, organisation, fields):
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
        contact_changes = set_fields(row, contact, cells, CONTACT_FIELDS)
        if not contact_is_new and (
            not contact.organisation_id or norm_key(contact.organisation.name) != key
        ):
            contact_changes["organisation"] = (contact.organisation or "", name)
        if not validate_quietly(
            row, contact, {v: k for k, v in CONTACT_FIELDS.items()}, ["organisation"]
        ):
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
