"""The directory as the delegates' and partners' imports see it (transfer.import_delegates,
transfer.import_partners): the organisations and people a file names, read in a fixed number
of queries with who of them the user may see and change (`visible_to`, `editable_by`,
docs/permissions.md), and the cell helpers both share. An empty cell leaves what is stored as
it is.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from delegations.models import Organisation, Person
from delegations.services import organisation_save
from transfer.importing import (
    PlanRow,
    error_messages_by_field,
    norm_key,
    searchable,
)

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


def email_cell(row: PlanRow, cells: dict, key: str) -> str:
    email = cells.get(key, "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.error(key, _("“%(value)s” is not an e-mail address.") % {"value": email})
            return ""
    return email


def set_fields(row, instance, cells, fields: dict) -> dict[str, tuple]:
    """Copy non-empty cells onto `instance`; returns {column: (old, new)} of what changed."""
    changed = {}
    for column, name in fields.items():
        value = cells.get(column, "")
        if value and value != getattr(instance, name):
            changed[column] = (getattr(instance, name), value)
            setattr(instance, name, value)
    return changed


def validate_quietly(row: PlanRow, instance, columns_by_field: dict, exclude=()) -> bool:
    try:
        instance.full_clean(exclude=list(exclude), **QUIET)
    except ValidationError as error:
        for name, messages in error_messages_by_field(error).items():
            row.error(columns_by_field.get(name, ""), " ".join(messages))
        return False
    return True
