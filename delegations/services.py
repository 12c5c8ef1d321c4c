from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from delegations.models import DelegationMember, Organisation, Person, new_token
from missions.concurrency import claim_for_delete, claim_version
from missions.models import Mission


@transaction.atomic
def organisation_save(
    *, organisation: Organisation, expected_version: int | None = None
) -> Organisation:
    claim_version(organisation, expected_version)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def person_save(*, person: Person, expected_version: int | None = None) -> Person:
    claim_version(person, expected_version)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def delegation_add_member(
    *,
    mission: Mission,
    person: Person,
    role: str = DelegationMember.Role.DELEGATE,
    arrival: datetime | None = None,
    departure: datetime | None = None,
    notes: str = "",
) -> DelegationMember:
    member = DelegationMember(
        mission=mission,
        person=person,
        role=role,
        arrival=arrival,
        departure=departure,
        notes=notes,
    )
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def delegation_member_save(
    *, member: DelegationMember, expected_version: int | None = None
) -> DelegationMember:
    claim_version(member, expected_version)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def delegation_remove_member(
    *, member: DelegationMember, expected_version: int | None = None
) -> None:
    # Their meetings stay; they simply no longer attend them.
    claim_for_delete(member, expected_version)
    member.delete()


@transaction.atomic
def delegation_member_rotate_token(
    *, member: DelegationMember, expected_version: int | None = None
) -> DelegationMember:
    """Issue a new secret: the old personal link and feed answer 404 from now on."""
    claim_version(member, expected_version)
    member.token = new_token()
    member.save(update_fields=["token", "version", "updated"])
    return member


@transaction.atomic
def delegation_add_new_person(
    *,
    mission: Mission,
    person: Person,
    role: str = DelegationMember.Role.DELEGATE,
    arrival: datetime | None = None,
    departure: datetime | None = None,
    notes: str = "",
) -> DelegationMember:
    """Create a person and add them to the delegation: both or neither."""
    person_save(person=person)
    return delegation_add_member(
        mission=mission,
        person=person,
        role=role,
        arrival=arrival,
        departure=departure,
        notes=notes,
    )


@transaction.atomic
def delegation_add_people(*, mission: Mission, entries: list[dict]) -> list[DelegationMember]:
    """Add several delegates at once: all of them or none.

    Each entry holds `role` and either `person` (already in the directory) or the new
    person's `first_name`, `last_name`, `email`; and `organisation` (existing) or
    `organisation_name` (created once, however many lines name it). A ValidationError
    raised for one entry says which (`line`) and nothing stays written.
    """
    created: dict[str, Organisation] = {}
    members = []
    for entry in entries:
        try:
            person = entry.get("person")
            if person is None:
                organisation = entry.get("organisation")
                name = entry.get("organisation_name", "")
                if organisation is None and name:
                    key = name.lower()
                    if key not in created:
                        created[key] = organisation_save(organisation=Organisation(name=name))
                    organisation = created[key]
                person = person_save(
                    person=Person(
                        first_name=entry["first_name"],
                        last_name=entry["last_name"],
                        email=entry.get("email", ""),
                        organisation=organisation,
                    )
                )
            members.append(
                delegation_add_member(mission=mission, person=person, role=entry["role"])
            )
        except ValidationError as error:
            raise ValidationError(
                gettext("Line %(line)s: %(error)s")
                % {"line": entry.get("line", "?"), "error": " ".join(error.messages)},
                code="pasted_line",
            ) from error
    return members
