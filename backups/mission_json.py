"""One mission as a JSON document: `export_mission` writes it, `import_mission` reads it back,
into the same database or another one (backup, restore, move between servers).

The format, "trade-mission-planner/mission" version 1 (an object; keys in this order):

- `format`, `version`: the header; anything else is refused.
- `mission`: every field of the Mission (status, zones, buffer, `programme_public`,
  `feed_token`, `version`, `created`, `updated`).
- `coordinators`: `{"username", "email"}`, by username.
- `organisations`: every organisation involved (delegates', partner contacts', the meetings'
  partner organisations), by name.
- `people`: delegates and partner contacts, each with a `ref` ("person-1"...) that the
  delegation and the meetings use, and their organisation by name.
- `venues`: the mission's venues; meetings name them.
- `delegation`: `person` (a ref), role, arrival, departure, notes, token, version, timestamps.
- `meetings`: every field (`uid`, `sequence`, status, description, internal notes, outcome,
  timestamps), `venue` by name, `attendees` and `partner_contacts` as refs,
  `partner_organisations` by name.

Date-times are ISO 8601 in UTC ("2025-04-22T18:00:00Z", microseconds when there are any),
dates "YYYY-MM-DD", coordinates decimal strings. Lists are sorted by what identifies their items
(names, refs, start and UID), never by primary key, so two exports of the same data are
byte-identical (`dumps`) and a file imported into an empty database exports to the same bytes.
Primary keys are never written.

The file holds every secret of the mission (delegates' tokens, the programme feed token):
keep it like a database backup.
"""

import json
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext as _

from delegations.models import DelegationMember, Organisation, Person, new_token
from delegations.services import delegation_member_save, organisation_save, person_save
from meetings.models import MEETING_EARLIEST, MEETING_LATEST, Meeting, new_uid
from meetings.services import meeting_save
from missions.models import EARLIEST_DATE, LATEST_DATE, Mission, Venue, new_secret
from missions.services import mission_save, venue_save

FORMAT = "trade-mission-planner/mission"
VERSION = 1
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TEXT = 100_000  # characters in any text field (descriptions, notes, outcomes)
MAX_ITEMS = 20_000  # entries in any list
MAX_INT = 2_147_483_647
CHANGE_REASON = "Imported from a mission file"

# fmt: off
MISSION_FIELDS = (
    "slug", "title", "city", "region", "country", "timezone", "home_timezone", "start_date",
    "end_date", "organiser", "funding_programme", "description", "status",
    "clash_buffer_minutes", "programme_public", "feed_token", "version", "created", "updated",
)
ORGANISATION_FIELDS = (
    "name", "short_name", "kind", "sector", "country", "city", "website", "description",
    "version", "created", "updated",
)
PERSON_FIELDS = (
    "first_name", "last_name", "position", "email", "phone", "preferred_language", "version",
    "created", "updated",
)
VENUE_FIELDS = ("name", "address", "city", "country", "latitude", "longitude", "notes")
MEMBER_FIELDS = ("role", "arrival", "departure", "notes", "token", "version", "created", "updated")
MEETING_FIELDS = (
    "uid", "title", "kind", "start", "end", "status", "description", "internal_notes",
    "outcome", "sequence", "version", "created", "updated",
)
# fmt: on
# Set straight in the database after the service has saved: `auto_now`/`auto_now_add` (and a
# service that counts versions) would otherwise replace what the file says.
STAMPS = ("version", "created", "updated")


class MissionFileError(Exception):
    """The file cannot be imported; the message says where and why. Nothing was written."""


# Export ---------------------------------------------------------------------------------------


def _utc(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _values(obj: models.Model, names: tuple[str, ...]) -> dict:
    out = {}
    for name in names:
        field = obj._meta.get_field(name)
        value = getattr(obj, name)
        if isinstance(field, models.DateTimeField):
            value = _utc(value)
        elif isinstance(field, models.DateField):
            value = value.isoformat()
        elif isinstance(field, models.DecimalField):
            value = None if value is None else str(value)
        out[name] = value
    return out


def _person_key(person: Person) -> tuple:
    return (person.last_name.lower(), person.first_name.lower(), person.email.lower(), person.pk)


def export_mission(mission: Mission) -> dict:
    """Everything about `mission` that `import_mission` needs to rebuild it, as plain data."""
    venues = list(mission.venues.order_by("name"))
    members = list(mission.members.select_related("person__organisation"))
    meetings = list(
        mission.meetings.select_related("venue").prefetch_related(
            "attendees", "partner_organisations", "partner_contacts__organisation"
        )
    )
    people = {member.person.pk: member.person for member in members}
    for meeting in meetings:
        people.update((person.pk, person) for person in meeting.partner_contacts.all())
    organisations = {p.organisation.pk: p.organisation for p in people.values() if p.organisation}
    for meeting in meetings:
        organisations.update((o.pk, o) for o in meeting.partner_organisations.all())

    ordered_people = sorted(people.values(), key=_person_key)
    refs = {person.pk: f"person-{n}" for n, person in enumerate(ordered_people, start=1)}
    member_refs = {member.pk: refs[member.person_id] for member in members}
    org_names = {pk: organisation.name for pk, organisation in organisations.items()}

    def org_key(name: str) -> tuple:
        return (name.lower(), name)

    meetings.sort(key=lambda m: (m.start, m.end, m.title, m.uid))
    return {
        "format": FORMAT,
        "version": VERSION,
        "mission": _values(mission, MISSION_FIELDS),
        "coordinators": [
            {"username": user.username, "email": user.email}
            for user in sorted(mission.coordinators.all(), key=lambda u: u.username)
        ],
        "organisations": [
            _values(organisation, ORGANISATION_FIELDS)
            for organisation in sorted(organisations.values(), key=lambda o: org_key(o.name))
        ],
        "people": [
            {
                "ref": refs[person.pk],
                **_values(person, PERSON_FIELDS),
                "organisation": org_names.get(person.organisation_id),
            }
            for person in ordered_people
        ],
        "venues": [_values(venue, VENUE_FIELDS) for venue in venues],
        "delegation": [
            {"person": member_refs[member.pk], **_values(member, MEMBER_FIELDS)}
            for member in sorted(members, key=lambda m: _person_key(m.person))
        ],
        "meetings": [
            {
                **_values(meeting, MEETING_FIELDS),
                "venue": meeting.venue.name if meeting.venue else None,
                "attendees": sorted(
                    (member_refs[m.pk] for m in meeting.attendees.all()), key=_ref_order
                ),
                "partner_organisations": sorted(
                    (o.name for o in meeting.partner_organisations.all()), key=org_key
                ),
                "partner_contacts": sorted(
                    (refs[p.pk] for p in meeting.partner_contacts.all()), key=_ref_order
                ),
            }
            for meeting in meetings
        ],
    }


def _ref_order(ref: str) -> int:
    return int(ref.rsplit("-", 1)[1])


def dumps(data: dict) -> bytes:
    """The canonical bytes of an export: same data, same bytes."""
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


# Reading and checking a file -------------------------------------------------------------------


def loads(raw: bytes) -> dict:
    """Parse a file's bytes; refuse what is not one JSON object of sane size."""
    if len(raw) > MAX_FILE_BYTES:
        raise MissionFileError(
            _("The file is larger than %(max)d MiB.") % {"max": MAX_FILE_BYTES // 2**20}
        )

    def no_duplicates(pairs):
        keys = [key for key, _value in pairs]
        if len(keys) != len(set(keys)):
            raise ValueError(_("a key appears twice in one object"))
        return dict(pairs)

    def no_constant(name):
        raise ValueError(_("%s is not allowed") % name)

    try:
        data = json.loads(
            raw.decode("utf-8"), object_pairs_hook=no_duplicates, parse_constant=no_constant
        )
    except UnicodeDecodeError:
        raise MissionFileError(_("The file is not UTF-8 text.")) from None
    except (ValueError, RecursionError) as error:
        raise MissionFileError(_("The file is not valid JSON: %s") % error) from None
    if not isinstance(data, dict):
        raise MissionFileError(_("The file must hold one JSON object."))
    return data


class _Checker:
    """Turns the file's plain values into Python values, or says exactly where it is wrong."""

    def fail(self, where: str, message: str):
        raise MissionFileError(f"{where}: {message}")

    def obj(self, value, where: str, keys: tuple[str, ...]) -> dict:
        if not isinstance(value, dict):
            self.fail(where, _("expected an object"))
        missing = [key for key in keys if key not in value]
        if missing:
            self.fail(where, _("missing %s") % ", ".join(missing))
        unknown = sorted(set(value) - set(keys))
        if unknown:
            self.fail(where, _("unknown %s") % ", ".join(unknown))
        return value

    def items(self, value, where: str) -> list:
        if not isinstance(value, list):
            self.fail(where, _("expected a list"))
        if len(value) > MAX_ITEMS:
            self.fail(where, _("more than %d entries") % MAX_ITEMS)
        return value

    def text(self, value, where: str, max_length: int | None = None) -> str:
        limit = max_length or MAX_TEXT
        if not isinstance(value, str):
            self.fail(where, _("expected a string"))
        if len(value) > limit:
            self.fail(where, _("longer than %d characters") % limit)
        if "\x00" in value:
            self.fail(where, _("contains a NUL character"))
        return value

    def field(self, model: type[models.Model], name: str, value, where: str):
        """A value for `model.name`, checked by the field's kind."""
        field = model._meta.get_field(name)
        if value is None and field.null:
            return None
        if isinstance(field, models.BooleanField):
            if type(value) is not bool:
                self.fail(where, _("expected true or false"))
            return value
        if isinstance(field, models.IntegerField):
            if type(value) is not int or not 0 <= value <= MAX_INT:
                self.fail(where, _("expected a whole number from 0 to %d") % MAX_INT)
            return value
        if isinstance(field, models.DateTimeField):
            return self.moment(value, where)
        if isinstance(field, models.DateField):
            return self.day(value, where)
        if isinstance(field, models.DecimalField):
            try:
                number = Decimal(self.text(value, where, 40))
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                self.fail(where, _("expected a decimal number as a string, e.g. “42.5”"))
            return number
        return self.text(value, where, field.max_length)

    def day(self, value, where: str) -> date:
        try:
            day = date.fromisoformat(self.text(value, where, 10))
        except ValueError:
            self.fail(where, _("expected a date like 2025-04-22"))
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            self.fail(where, _("dates must lie between 2000 and 2100"))
        return day

    def moment(self, value, where: str) -> datetime:
        try:
            moment = datetime.fromisoformat(self.text(value, where, 40))
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            self.fail(where, _("expected an ISO 8601 date-time in UTC, like 2025-04-22T18:00:00Z"))
        if not MEETING_EARLIEST <= moment <= MEETING_LATEST:
            self.fail(where, _("dates must lie between 2000 and 2100"))
        return moment.astimezone(UTC)

    def fields(self, model, names: tuple[str, ...], raw: dict, where: str) -> dict:
        return {name: self.field(model, name, raw[name], f"{where}.{name}") for name in names}

    def unique(self, values: list, where: str, what: str) -> None:
        seen = set()
        for value in values:
            key = value.lower() if isinstance(value, str) else value
            if key in seen:
                self.fail(
                    where, _("%(what)s “%(value)s” appears twice") % {"what": what, "value": value}
                )
            seen.add(key)

    def names(self, value, where: str, known: dict) -> list:
        out = []
        for n, name in enumerate(self.items(value, where)):
            if not isinstance(name, str) or name not in known:
                name = json.dumps(name)[:80] if not isinstance(name, str) else name
                self.fail(f"{where}[{n}]", _("“%s” is not listed in the file") % name)
            out.append(known[name])
        if len(set(out)) != len(out):
            self.fail(where, _("an entry appears twice"))
        return out


def parse(data: dict) -> dict:
    """Check a whole document before anything is written; values come back as Python values,
    references as indexes into the checked lists."""
    check = _Checker()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise MissionFileError(_("Not a mission file (its “format” is not “%s”).") % FORMAT)
    if data.get("version") != VERSION:
        raise MissionFileError(
            _("Mission file version %(found)s is not supported (this program reads version %(v)d).")
            % {"found": json.dumps(data.get("version")), "v": VERSION}
        )
    keys = ("format", "version", "mission", "coordinators", "organisations", "people")
    keys += ("venues", "delegation", "meetings")
    check.obj(data, "file", keys)

    raw = check.obj(data["mission"], "mission", MISSION_FIELDS)
    mission = check.fields(Mission, MISSION_FIELDS, raw, "mission")

    coordinators = []
    for n, raw in enumerate(check.items(data["coordinators"], "coordinators")):
        where = f"coordinators[{n}]"
        check.obj(raw, where, ("username", "email"))
        coordinators.append(
            {
                "username": check.text(raw["username"], f"{where}.username", 150),
                "email": check.text(raw["email"], f"{where}.email", 254),
            }
        )
    check.unique([c["username"] for c in coordinators], "coordinators", _("username"))

    organisations = {}
    for n, raw in enumerate(check.items(data["organisations"], "organisations")):
        where = f"organisations[{n}]"
        values = check.fields(
            Organisation, ORGANISATION_FIELDS, check.obj(raw, where, ORGANISATION_FIELDS), where
        )
        check.unique([*organisations, values["name"]], "organisations", _("organisation"))
        organisations[values["name"]] = values

    people = {}
    for n, raw in enumerate(check.items(data["people"], "people")):
        where = f"people[{n}]"
        check.obj(raw, where, ("ref", *PERSON_FIELDS, "organisation"))
        values = check.fields(Person, PERSON_FIELDS, raw, where)
        ref = check.text(raw["ref"], f"{where}.ref", 40)
        if ref in people:
            check.fail(f"{where}.ref", _("“%s” appears twice") % ref)
        organisation = raw["organisation"]
        if organisation is not None and (
            not isinstance(organisation, str) or organisation not in organisations
        ):
            check.fail(f"{where}.organisation", _("“%s” is not listed in the file") % organisation)
        people[ref] = {**values, "organisation": organisation}
    check.unique([p["email"] for p in people.values() if p["email"]], "people", _("e-mail"))

    venues = {}
    for n, raw in enumerate(check.items(data["venues"], "venues")):
        where = f"venues[{n}]"
        values = check.fields(Venue, VENUE_FIELDS, check.obj(raw, where, VENUE_FIELDS), where)
        if values["name"] in venues:
            check.fail(f"{where}.name", _("“%s” appears twice") % values["name"])
        venues[values["name"]] = values

    delegation = {}
    for n, raw in enumerate(check.items(data["delegation"], "delegation")):
        where = f"delegation[{n}]"
        check.obj(raw, where, ("person", *MEMBER_FIELDS))
        values = check.fields(DelegationMember, MEMBER_FIELDS, raw, where)
        ref = raw["person"]
        if not isinstance(ref, str) or ref not in people:
            check.fail(f"{where}.person", _("“%s” is not listed in the file") % ref)
        if ref in delegation:
            check.fail(f"{where}.person", _("“%s” is in the delegation twice") % ref)
        delegation[ref] = values
    check.unique([m["token"] for m in delegation.values()], "delegation", _("token"))

    meetings = []
    keys = (*MEETING_FIELDS, "venue", "attendees", "partner_organisations", "partner_contacts")
    for n, raw in enumerate(check.items(data["meetings"], "meetings")):
        where = f"meetings[{n}]"
        check.obj(raw, where, keys)
        values = check.fields(Meeting, MEETING_FIELDS, raw, where)
        venue = raw["venue"]
        if venue is not None and (not isinstance(venue, str) or venue not in venues):
            check.fail(f"{where}.venue", _("“%s” is not listed in the file") % venue)
        values["venue"] = venue
        refs = {ref: ref for ref in delegation}
        values["attendees"] = check.names(raw["attendees"], f"{where}.attendees", refs)
        values["partner_organisations"] = check.names(
            raw["partner_organisations"],
            f"{where}.partner_organisations",
            {name: name for name in organisations},
        )
        values["partner_contacts"] = check.names(
            raw["partner_contacts"], f"{where}.partner_contacts", {ref: ref for ref in people}
        )
        meetings.append(values)
    check.unique([m["uid"] for m in meetings], "meetings", _("UID"))

    return {
        "mission": mission,
        "coordinators": coordinators,
        "organisations": organisations,
        "people": people,
        "venues": venues,
        "delegation": delegation,
        "meetings": meetings,
    }


# Import ----------------------------------------------------------------------------------------


@contextmanager
def _saving(what: str):
    """A model's own validation, worded with what was being saved."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            detail = "; ".join(
                f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
                for field, messages in error.message_dict.items()
            )
        else:
            detail = " ".join(error.messages)
        raise MissionFileError(f"{what}: {detail}") from None


def _free_slug(slug: str) -> str:
    taken = set(Mission.objects.filter(slug__startswith=slug[:60]).values_list("slug", flat=True))
    n = 1
    while True:
        suffix = "-copy" if n == 1 else f"-copy-{n}"
        candidate = slug[: 80 - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        n += 1


def _refuse_clashes(doc: dict, slug: str) -> None:
    """Refuse, naming it, anything of the file that already exists: nothing is overwritten."""
    if Mission.objects.filter(slug=slug).exists():
        raise MissionFileError(
            _(
                "A mission with slug “%s” already exists: delete it first, import under "
                "another slug with --slug NEW, or import a copy with --as-copy."
            )
            % slug
        )
    holder = Mission.objects.filter(feed_token=doc["mission"]["feed_token"]).first()
    if holder is not None:
        raise MissionFileError(
            _(
                "The programme feed token in the file is already used by mission “%s”; "
                "import with --as-copy to issue new secrets."
            )
            % holder.slug
        )
    tokens = {values["token"]: ref for ref, values in doc["delegation"].items()}
    clash = (
        DelegationMember.objects.filter(token__in=tokens)
        .select_related("mission", "person")
        .order_by("pk")
        .first()
    )
    if clash is not None:
        person = doc["people"][tokens[clash.token]]
        raise MissionFileError(
            _(
                "The personal link of %(name)s in the file is already used by %(holder)s in "
                "mission “%(mission)s”; import with --as-copy to issue new secrets."
            )
            % {
                "name": f"{person['first_name']} {person['last_name']}",
                "holder": clash.person,
                "mission": clash.mission.slug,
            }
        )
    uids = [meeting["uid"] for meeting in doc["meetings"]]
    clash = Meeting.objects.filter(uid__in=uids).select_related("mission").order_by("pk").first()
    if clash is not None:
        raise MissionFileError(
            _(
                "The meeting UID “%(uid)s” is already used by “%(title)s” in mission "
                "“%(mission)s”; import with --as-copy to issue new UIDs."
            )
            % {"uid": clash.uid, "title": clash.title, "mission": clash.mission.slug}
        )


def _differences(obj: models.Model, values: dict, names: tuple[str, ...]) -> list[str]:
    return [name for name in names if getattr(obj, name) != values[name]]


def _match_person(values: dict, organisation: Organisation | None) -> Person | None:
    if values["email"]:
        return Person.objects.filter(email__iexact=values["email"]).first()
    # Without an e-mail, the same name at the same organisation, if there is exactly one.
    candidates = list(
        Person.objects.filter(
            email="",
            first_name__iexact=values["first_name"],
            last_name__iexact=values["last_name"],
            organisation=organisation,
        )[:2]
    )
    return candidates[0] if len(candidates) == 1 else None


def _coordinators(wanted: list[dict], create_users: bool, notes: list[str]) -> list:
    User = get_user_model()
    users = []
    for entry in wanted:
        user = User.objects.filter(username=entry["username"]).first()
        if user is None and create_users:
            user = User(username=entry["username"], email=entry["email"])
            user.set_unusable_password()
            with _saving(_("coordinator “%s”") % entry["username"]):
                user.full_clean()
            user.save()
            notes.append(
                _("Created user “%s” without a password (set one with changepassword).")
                % user.username
            )
        if user is None:
            notes.append(
                _("No user “%s” here: not made a coordinator (--create-users creates them).")
                % entry["username"]
            )
            continue
        users.append(user)
    return users


def _stamp(obj: models.Model, values: dict, *extra: str) -> None:
    type(obj).objects.filter(pk=obj.pk).update(**{name: values[name] for name in (*STAMPS, *extra)})


def import_mission(
    data: dict,
    *,
    slug: str | None = None,
    as_copy: bool = False,
    create_users: bool = False,
    notes: list[str] | None = None,
) -> Mission:
    """Rebuild the mission of an `export_mission` document, all or nothing.

    New primary keys always. Organisations are matched by name and people by e-mail (both
    case-insensitive; a person without e-mail by name and organisation when exactly one such
    person exists): a match is reused as it is in the database, and what differs from the file
    is reported in `notes`. Coordinators are matched by username; missing ones are reported
    (created without a password with `create_users`). An existing slug, delegate token,
    programme feed token or meeting UID is refused, unless `as_copy`: then the mission gets
    `slug` or a free "<slug>-copy" and new tokens and UIDs.

    Writes go through the services (same validation as the planner); UID, SEQUENCE and tokens
    are set on the new objects before the service saves them; `version`, `created` and `updated`
    (and `sequence`, which a service may count) are written back with `update()` afterwards,
    since `auto_now` would replace them.
    """
    notes = notes if notes is not None else []
    doc = parse(data)
    target = slug or doc["mission"]["slug"]
    if slug is not None:
        _Checker().field(Mission, "slug", slug, "--slug")
    try:
        with transaction.atomic():
            if as_copy:
                target = slug or _free_slug(target)
                for values in doc["delegation"].values():
                    values["token"] = new_token()
                for values in doc["meetings"]:
                    values["uid"] = new_uid()
                doc["mission"]["feed_token"] = new_secret()
            _refuse_clashes(doc, target)
            return _write(doc, target, create_users, notes)
    except DatabaseError as error:
        raise MissionFileError(_("The database refused the import: %s") % error) from None


def _write(doc: dict, slug: str, create_users: bool, notes: list[str]) -> Mission:
    values = doc["mission"]
    mission = Mission(
        **{name: values[name] for name in MISSION_FIELDS if name not in ("created", "updated")}
    )
    mission.slug = slug
    mission._change_reason = CHANGE_REASON
    coordinators = _coordinators(doc["coordinators"], create_users, notes)
    with _saving(_("mission")):
        mission_save(mission=mission, coordinators=coordinators)

    organisations: dict[str, Organisation] = {}
    for name, values in doc["organisations"].items():
        found = Organisation.objects.filter(name__iexact=name).first()
        if found is not None:
            changed = _differences(found, values, ORGANISATION_FIELDS[:-3])
            if changed:
                notes.append(
                    _(
                        "Kept organisation “%(name)s” as it is here; the file differs in: "
                        "%(fields)s."
                    )
                    % {"name": found.name, "fields": ", ".join(changed)}
                )
        else:
            found = Organisation(**{n: values[n] for n in ORGANISATION_FIELDS[:-2]})
            found._change_reason = CHANGE_REASON
            with _saving(_("organisation “%s”") % name):
                organisation_save(organisation=found)
            _stamp(found, values)
        organisations[name] = found

    people: dict[str, Person] = {}
    for ref, values in doc["people"].items():
        organisation = organisations.get(values["organisation"])
        found = _match_person(values, organisation)
        if found is not None and found.pk in {p.pk for p in people.values()}:
            found = None  # two people of the file without e-mail and with the same name
        label = f"{values['first_name']} {values['last_name']}"
        if found is not None:
            changed = _differences(found, values, PERSON_FIELDS[:-3])
            if found.organisation_id != (organisation.pk if organisation else None):
                changed.append("organisation")
            if changed:
                notes.append(
                    _("Kept %(name)s as here; the file differs in: %(fields)s.")
                    % {"name": label, "fields": ", ".join(changed)}
                )
        else:
            found = Person(organisation=organisation, **{n: values[n] for n in PERSON_FIELDS[:-2]})
            found._change_reason = CHANGE_REASON
            with _saving(label):
                person_save(person=found)
            _stamp(found, values)
        people[ref] = found

    venues: dict[str, Venue] = {}
    for name, values in doc["venues"].items():
        venue = Venue(mission=mission, **values)
        venue._change_reason = CHANGE_REASON
        with _saving(_("venue “%s”") % name):
            venues[name] = venue_save(venue=venue)

    members: dict[str, DelegationMember] = {}
    for ref, values in doc["delegation"].items():
        member = DelegationMember(
            mission=mission,
            person=people[ref],
            **{n: values[n] for n in MEMBER_FIELDS if n not in ("created", "updated")},
        )
        member._change_reason = CHANGE_REASON
        with _saving(_("delegate %s") % people[ref]):
            delegation_member_save(member=member)
        _stamp(member, values)
        members[ref] = member

    for values in doc["meetings"]:
        meeting = Meeting(
            mission=mission,
            venue=venues[values["venue"]] if values["venue"] else None,
            **{n: values[n] for n in MEETING_FIELDS if n not in ("created", "updated")},
        )
        meeting._change_reason = CHANGE_REASON
        with _saving(_("meeting “%(title)s” (%(uid)s)") % values):
            meeting_save(
                meeting=meeting,
                attendees=[members[ref] for ref in values["attendees"]],
                partner_organisations=[organisations[n] for n in values["partner_organisations"]],
                partner_contacts=[people[ref] for ref in values["partner_contacts"]],
            )
        _stamp(meeting, values, "sequence")

    # Last: saving meetings touches the mission's `updated`.
    _stamp(mission, doc["mission"])
    mission.refresh_from_db()
    return mission
