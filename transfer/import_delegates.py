"""Delegates from a spreadsheet: a plan (transfer.importing) for one mission's delegation,
written through delegations.services.

A row matches a person of the delegation by e-mail, else by first and last name; an e-mail
already in the directory adds that person to the delegation. A new organisation name creates
the organisation once. Changing a shared person the user may not edit is a row error.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from delegations.models import DelegationMember, Person
from delegations.services import delegation_member_save, person_save
from missions.localtime import aware_from_local
from missions.models import Mission
from transfer.columns import DELEGATE_COLUMNS
from transfer.import_people import (
    PERSON_FIELDS,
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
    local_text,
    norm_key,
    parse_choice,
    parse_datetime,
    parse_zone,
    plan_from_table,
)
from transfer.tabular import Table, label_of


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
    email = email_cell(row, cells, "email")
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
    person_changes = set_fields(row, person, cells, PERSON_FIELDS)
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
    valid = validate_quietly(
        row, person, {v: k for k, v in PERSON_FIELDS.items()}, ["organisation"]
    )
    valid &= validate_quietly(
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
