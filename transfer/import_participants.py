"""Participants of a B2B matchmaking session from a spreadsheet: a plan (transfer.importing)
written through delegations.services and matchmaking.services, all rows or none.

A row names a person: by e-mail in the directory, else by first and last name among the
session's participants and the mission's delegation, else a new person (and their
organisation, found by name in any case or created once with the row's sector and country).
"Delegation" rows add the person to the mission's delegation if they are not in it yet;
"Visiting company" rows refuse a delegation member. A person already in the session is
updated (offers, looks for) or unchanged; on the other side, an error.
"""

from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from delegations.models import DelegationMember, Organisation, Person
from delegations.services import delegation_add_member, organisation_save, person_save
from matchmaking.models import Participant, Session
from matchmaking.services import participant_add_member, participant_add_visitor, participant_save
from transfer.columns import PARTICIPANT_COLUMNS
from transfer.import_people import PERSON_FIELDS, People, email_cell, validate_quietly
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
    searchable,
)
from transfer.tabular import Table, label_of

PARTICIPANT_FIELDS = {"offers": "offers", "looks_for": "looks_for"}


class _Organisations:
    """The organisations the file names (one query), created once each at commit time with
    the sector and country of the first row naming them."""

    def __init__(self, names: set[str], reason: str):
        names = searchable(names)
        self.reason = reason
        self.found: dict[str, Organisation] = {}
        if names:
            rows = Organisation.objects.annotate(lname=Lower("name")).filter(lname__in=names)
            self.found = {organisation.lname: organisation for organisation in rows}
        self.planned: dict[str, Organisation] = {}

    def plan(self, name: str, sector: str, country: str) -> Organisation:
        key = norm_key(name)
        if key in self.found:
            return self.found[key]
        return self.planned.setdefault(
            key, Organisation(name=name.strip(), sector=sector, country=country)
        )

    def get(self, name: str) -> Organisation:
        organisation = self.planned.get(norm_key(name)) or self.found[norm_key(name)]
        if organisation.pk is None:
            organisation._change_reason = self.reason
            organisation_save(organisation=organisation)
        return organisation


def plan_participants(*, session: Session, user, table: Table, reason: str) -> Plan:
    plan = plan_from_table("participants", PARTICIPANT_COLUMNS, table)
    if plan.file_errors:
        return plan
    participants = list(Participant.objects.filter(session=session).with_people())
    by_person = {p.person_id: p for p in participants}
    members = list(
        DelegationMember.objects.filter(mission=session.mission_id).select_related(
            "person__organisation"
        )
    )
    member_of = {m.person_id: m for m in members}
    known: dict[tuple, list[Person]] = {}
    for person in [p.person for p in participants] + [m.person for m in members]:
        key = (norm_key(person.first_name), norm_key(person.last_name))
        if person not in known.setdefault(key, []):
            known[key].append(person)
    emails = {norm_key(row.cells.get("email", "")) for row in table.rows} - {""}
    people = People(emails, set(), user)
    organisations = _Organisations(
        {norm_key(row.cells.get("organisation", "")) for row in table.rows} - {""}, reason
    )
    context = {
        "session": session,
        "by_person": by_person,
        "member_of": member_of,
        "known": known,
        "people": people,
        "organisations": organisations,
        "seen": {},
        "announced": set(),
        "reason": reason,
    }
    for source in table.rows:
        cells = source.cells
        row = PlanRow(
            number=source.number,
            columns=PARTICIPANT_COLUMNS,
            label=f"{cells.get('first_name', '')} {cells.get('last_name', '')}".strip(),
        )
        plan.rows.append(row)
        row.check_cells(cells)
        if row.result != ERROR:
            _participant_row(row, cells, context)
    return plan


def _find_person(row, cells, context) -> Person | None:
    first, last = cells.get("first_name", ""), cells.get("last_name", "")
    email = email_cell(row, cells, "email")
    if email:
        person = context["people"].by_email.get(norm_key(email))
        if person is not None and person.pk not in context["people"].visible:
            row.error("email", _("Another person already has this e-mail address."))
            return None
        if person is not None:
            return person
    matches = context["known"].get((norm_key(first), norm_key(last)), [])
    if email:
        # A new e-mail: only somebody without one (or with the same) is the same person.
        matches = [p for p in matches if not p.email or norm_key(p.email) == norm_key(email)]
    if len(matches) > 1:
        row.error("email", _("Several people have this name: add their e-mail."))
        return None
    return matches[0] if matches else None


def _participant_row(row: PlanRow, cells: dict, context: dict) -> None:
    session = context["session"]
    first, last = cells.get("first_name", ""), cells.get("last_name", "")
    for key, value in (("first_name", first), ("last_name", last)):
        if not value:
            row.error(key, _("Required."))
    side = None
    if not cells.get("side"):
        row.error("side", _("Required."))
    else:
        try:
            side = parse_choice(
                _side_alias(cells["side"]), Participant.Side, label_of(PARTICIPANT_COLUMNS, "side")
            )
        except CellValueError as error:
            row.error("side", str(error))
    person = _find_person(row, cells, context) if first and last else None
    if row.result == ERROR:
        return
    identity = (
        ("person", person.pk)
        if person
        else (
            "new",
            norm_key(cells.get("email", ""))
            or (
                norm_key(first),
                norm_key(last),
            ),
        )
    )
    if identity in context["seen"]:
        row.error("", _("Same person as row %(row)d.") % {"row": context["seen"][identity]})
        return
    context["seen"][identity] = row.number

    participant = context["by_person"].get(person.pk) if person else None
    member = context["member_of"].get(person.pk) if person else None
    if participant is not None and participant.side != side:
        row.error(
            "side",
            _("%(name)s already takes part as %(side)s.")
            % {"name": person.full_name, "side": participant.get_side_display()},
        )
        return
    if side == Participant.Side.VISITOR and member is not None:
        row.error(
            "side",
            _("%(name)s is in the delegation: write Delegation.") % {"name": person.full_name},
        )
        return

    person_is_new = person is None
    if person_is_new:
        person = Person(email=cells.get("email", ""))
        for column, name in PERSON_FIELDS.items():
            if cells.get(column):
                setattr(person, name, cells[column])
        if not validate_quietly(
            row, person, {v: k for k, v in PERSON_FIELDS.items()}, ["organisation"]
        ):
            return
    org_name = cells.get("organisation", "")
    if org_name and person_is_new:
        organisation = context["organisations"].plan(
            org_name, cells.get("sector", ""), cells.get("country", "")
        )
        if organisation.pk is None and not validate_quietly(
            row,
            Organisation(
                name=org_name.strip(), sector=organisation.sector, country=organisation.country
            ),
            {"name": "organisation", "sector": "sector", "country": "country"},
        ):
            return
    elif org_name and norm_key(org_name) != norm_key(
        person.organisation.name if person.organisation_id else ""
    ):
        row.warnings.append(
            _("%(name)s works for %(organisation)s in the directory: left as it is.")
            % {"name": person.full_name, "organisation": person.organisation or "—"}
        )

    participant_is_new = participant is None
    target = participant or Participant(session=session, side=side, person=person)
    version = target.version
    changes = {}
    for column, name in PARTICIPANT_FIELDS.items():
        value = cells.get(column, "")
        if value and value != getattr(target, name):
            changes[column] = (getattr(target, name), value)
            setattr(target, name, value)
    if not validate_quietly(
        row,
        target,
        {"offers": "offers", "looks_for": "looks_for"},
        ["person", "session", "member", "token", "booth"],
    ):
        return
    if participant_is_new:
        row.result = NEW
        if person_is_new:
            row.changes.append(_("New in the directory."))
            new_org = org_name and context["organisations"].plan(org_name, "", "").pk is None
            if new_org and norm_key(org_name) not in context["announced"]:
                context["announced"].add(norm_key(org_name))
                row.changes.append(_("New organisation: %(name)s.") % {"name": org_name.strip()})
        else:
            row.changes.append(_("Joins the session (already in the directory)."))
        if side == Participant.Side.DELEGATION and member is None:
            row.changes.append(_("Joins the delegation."))
    elif changes:
        row.result = UPDATED
        row.changes = [
            describe(label_of(PARTICIPANT_COLUMNS, key), old, new)
            for key, (old, new) in changes.items()
        ]
    else:
        row.result = UNCHANGED
        return
    fields = {name: getattr(target, name) for name in PARTICIPANT_FIELDS.values()}
    reason = context["reason"]

    def apply():
        nonlocal member
        if person_is_new:
            if org_name:
                person.organisation = context["organisations"].get(org_name)
            person._change_reason = reason
            person_save(person=person)
        if not participant_is_new:
            return participant_save(participant=target, expected_version=version)
        if side == Participant.Side.VISITOR:
            return participant_add_visitor(session=session, person=person, **fields)
        if member is None:
            member = delegation_add_member(mission=session.mission, person=person)
        return participant_add_member(session=session, member=member, **fields)

    row.apply = apply


def _side_alias(text: str) -> str:
    """ "visitor", "visitatore", "ospite": the visiting side too."""
    if norm_key(text) in {"visitor", "visitors", "visitatore", "visitatori", "ospite", "visiting"}:
        return Participant.Side.VISITOR
    if norm_key(text) in {"delegazione", "delegate", "delegato"}:
        return Participant.Side.DELEGATION
    return text
