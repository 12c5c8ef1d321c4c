"""A mission file: the JSON document of backups/mission_json.py, its canonical bytes (`dumps`),
and reading one back (`loads`, then `parse`, which checks everything before anything is written).

Format "trade-mission-planner/mission", version 2: one object, keys in this order:

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
- `meetings`: every field (`uid`, `sequence`, status, description, internal notes,
  timestamps), `venue` by name, `attendees` and `partner_contacts` as refs,
  `partner_organisations` by name, and `outcome`: null or the Outcome's fields (`held`,
  `summary`, `interest`, `next_steps`, `notable`, `recorded_by` as a username or null,
  version, timestamps).
- `follow_ups`: every follow-up action of the mission: `meeting` by UID or null,
  `organisation` by name (listed above) or null, `owner_user` (a coordinator's username) or
  `owner_member` (a delegation ref) or neither, and the other fields.

Version 1 files (before outcomes had their own record) are still read: there a meeting's
`outcome` is a text, imported as the summary of an outcome marked held, and there are no
`follow_ups`.

Date-times are ISO 8601 in UTC ("2025-04-22T18:00:00Z", microseconds when there are any),
dates "YYYY-MM-DD", coordinates decimal strings. Lists are sorted by what identifies their items
(names, refs, start and UID), never by primary key, so two exports of the same data are
byte-identical (`dumps`) and a file imported into an empty database exports to the same bytes.
Primary keys are never written.

Every key is required and no other is accepted; a change to the format raises `VERSION`, and
other versions are refused rather than half-read.

The file holds every secret of the mission (delegates' tokens, the programme feed token):
keep it like a database backup.
"""

import json
from contextlib import suppress
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext as _

from delegations.models import DelegationMember, Organisation, Person
from meetings.models import MEETING_EARLIEST, MEETING_LATEST, Meeting
from missions.models import EARLIEST_DATE, LATEST_DATE, Mission, Venue
from outcomes.models import FollowUp, Outcome

FORMAT = "trade-mission-planner/mission"
VERSION = 2
READABLE_VERSIONS = (1, 2)
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TEXT = 100_000  # characters in any text field (descriptions, notes, outcomes)
MAX_ITEMS = 20_000  # entries in any list
MAX_INT = 2_147_483_647

# fmt: off
MISSION_FIELDS = (
    "slug", "title", "city", "region", "country", "timezone", "home_timezone", "start_date",
    "end_date", "organiser", "funding_programme", "description", "status",
    "clash_buffer_minutes", "programme_public", "feed_token", "version", "created", "updated",
    "practical_info",
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
    "sequence", "version", "created", "updated",
)
OUTCOME_FIELDS = (
    "held", "summary", "interest", "next_steps", "notable", "version", "created", "updated",
)
FOLLOW_UP_FIELDS = (
    "action", "due_date", "status", "notes", "version", "created", "updated",
)
# fmt: on
# Set straight in the database after the service has saved: `auto_now`/`auto_now_add` (and a
# service that counts versions) would otherwise replace what the file says.
STAMPS = ("version", "created", "updated")


class MissionFileError(Exception):
    """The file cannot be imported; the message says where and why. Nothing was written."""


def dumps(data: dict) -> bytes:
    """The canonical bytes of an export: same data, same bytes."""
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


# Reading and checking a file -------------------------------------------------------------------


def loads(raw: bytes) -> dict:
    """Parse a file's bytes; refuse what is not one JSON object of sane size."""
    if len(raw) > MAX_FILE_BYTES:
        raise MissionFileError(
            _("The file is larger than %(max)d bytes.") % {"max": MAX_FILE_BYTES}
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
            number = None
            if isinstance(value, str):
                with suppress(InvalidOperation):
                    number = Decimal(self.text(value, where, 40))
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
    file_version = data.get("version")
    if type(file_version) is not int or file_version not in READABLE_VERSIONS:
        raise MissionFileError(
            _("Mission file version %(found)s is not supported (this program reads version %(v)d).")
            % {"found": json.dumps(file_version), "v": VERSION}
        )
    keys = ("format", "version", "mission", "coordinators", "organisations", "people")
    keys += ("venues", "delegation", "meetings")
    if file_version >= 2:
        keys += ("follow_ups",)
    check.obj(data, "file", keys)

    # Version 1 files predate the mission's practical information.
    mission_fields = MISSION_FIELDS if file_version >= 2 else MISSION_FIELDS[:-1]
    raw = check.obj(data["mission"], "mission", mission_fields)
    mission = check.fields(Mission, mission_fields, raw, "mission")
    mission.setdefault("practical_info", "")

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
    keys += ("outcome",)
    for n, raw in enumerate(check.items(data["meetings"], "meetings")):
        where = f"meetings[{n}]"
        check.obj(raw, where, keys)
        values = check.fields(Meeting, MEETING_FIELDS, raw, where)
        values["outcome"] = _outcome(check, raw["outcome"], f"{where}.outcome", file_version)
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

    follow_ups = []
    usernames = {c["username"] for c in coordinators}
    by_uid = {meeting["uid"]: n for n, meeting in enumerate(meetings)}
    keys = (*FOLLOW_UP_FIELDS, "meeting", "organisation", "owner_user", "owner_member")
    for n, raw in enumerate(check.items(data.get("follow_ups", []), "follow_ups")):
        where = f"follow_ups[{n}]"
        check.obj(raw, where, keys)
        values = check.fields(FollowUp, FOLLOW_UP_FIELDS, raw, where)
        for key, known in (
            ("meeting", by_uid),
            ("organisation", organisations),
            ("owner_user", usernames),
            ("owner_member", delegation),
        ):
            value = raw[key]
            if value is not None and (not isinstance(value, str) or value not in known):
                check.fail(f"{where}.{key}", _("“%s” is not listed in the file") % value)
        if raw["owner_user"] is not None and raw["owner_member"] is not None:
            check.fail(where, _("a follow-up has one owner"))
        values["meeting"] = by_uid.get(raw["meeting"])
        values.update({key: raw[key] for key in ("organisation", "owner_user", "owner_member")})
        follow_ups.append(values)

    return {
        "mission": mission,
        "coordinators": coordinators,
        "organisations": organisations,
        "people": people,
        "venues": venues,
        "delegation": delegation,
        "meetings": meetings,
        "follow_ups": follow_ups,
    }


def _outcome(check: _Checker, raw, where: str, file_version: int) -> dict | None:
    """A meeting's outcome: null or an object (version 2), a text (version 1)."""
    if file_version == 1:
        summary = check.text(raw, where)
        return {"held": Outcome.Held.HELD, "summary": summary} if summary else None
    if raw is None:
        return None
    check.obj(raw, where, (*OUTCOME_FIELDS, "recorded_by"))
    values = check.fields(Outcome, OUTCOME_FIELDS, raw, where)
    recorded_by = raw["recorded_by"]
    if recorded_by is not None:
        recorded_by = check.text(recorded_by, f"{where}.recorded_by", 150)
    values["recorded_by"] = recorded_by
    return values


def check_slug(slug: str) -> None:
    _Checker().field(Mission, "slug", slug, "--slug")
