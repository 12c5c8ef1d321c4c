"""One mission as plain data and back: `export_mission` (a dict for `mission_file.dumps`)
and `import_mission` (a dict from `mission_file.loads`), into the same database or another one
(backup, restore, moving a mission between servers). The format is described in
backups/mission_file.py, which also reads and checks files.
"""

from contextlib import contextmanager
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext as _

from backups.mission_file import (
    FOLLOW_UP_FIELDS,
    FORMAT,
    MEETING_FIELDS,
    MEMBER_FIELDS,
    MISSION_FIELDS,
    ORGANISATION_FIELDS,
    OUTCOME_FIELDS,
    PERSON_FIELDS,
    STAMPS,
    VENUE_FIELDS,
    VERSION,
    MissionFileError,
    check_slug,
    parse,
)
from delegations.models import DelegationMember, Organisation, Person, new_token
from delegations.services import delegation_member_save, organisation_save, person_save
from meetings.models import Meeting, new_uid
from meetings.services import meeting_save
from missions.models import Mission, Venue, new_secret
from missions.services import mission_save, venue_save
from outcomes.models import FollowUp
from outcomes.services import follow_up_save, outcome_save

CHANGE_REASON = "Imported from a mission file"
AUTO = ("created", "updated")  # auto_now_add / auto_now: a constructor cannot set them

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
            value = None if value is None else value.isoformat()
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
        mission.meetings.select_related("venue", "result__recorded_by").prefetch_related(
            "attendees", "partner_organisations", "partner_contacts__organisation"
        )
    )
    follow_ups = list(
        mission.follow_ups.select_related("meeting", "organisation", "owner_user", "owner_member")
    )
    people = {member.person.pk: member.person for member in members}
    for meeting in meetings:
        people.update((person.pk, person) for person in meeting.partner_contacts.all())
    organisations = {p.organisation.pk: p.organisation for p in people.values() if p.organisation}
    for meeting in meetings:
        organisations.update((o.pk, o) for o in meeting.partner_organisations.all())
    organisations.update((f.organisation.pk, f.organisation) for f in follow_ups if f.organisation)

    ordered_people = sorted(people.values(), key=_person_key)
    refs = {person.pk: f"person-{n}" for n, person in enumerate(ordered_people, start=1)}
    member_refs = {member.pk: refs[member.person_id] for member in members}
    org_names = {pk: organisation.name for pk, organisation in organisations.items()}

    def org_key(name: str) -> tuple:
        return (name.lower(), name)

    meetings.sort(key=lambda m: (m.start, m.end, m.title, m.uid))
    follow_ups.sort(
        key=lambda f: (
            f.due_date.isoformat() if f.due_date else "",
            f.action,
            f.meeting.uid if f.meeting else "",
            f.created,
        )
    )
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
                "outcome": _outcome_values(meeting),
            }
            for meeting in meetings
        ],
        "follow_ups": [
            {
                **_values(follow_up, FOLLOW_UP_FIELDS),
                "meeting": follow_up.meeting.uid if follow_up.meeting else None,
                "organisation": org_names.get(follow_up.organisation_id),
                "owner_user": follow_up.owner_user.username if follow_up.owner_user else None,
                "owner_member": member_refs.get(follow_up.owner_member_id),
            }
            for follow_up in follow_ups
        ],
    }


def _outcome_values(meeting: Meeting) -> dict | None:
    outcome = getattr(meeting, "result", None)
    if outcome is None:
        return None
    return {
        **_values(outcome, OUTCOME_FIELDS),
        "recorded_by": outcome.recorded_by.username if outcome.recorded_by else None,
    }


def _ref_order(ref: str) -> int:
    return int(ref.rsplit("-", 1)[1])


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


def _write_outcome(meeting: Meeting, values: dict) -> None:
    recorded_by = None
    if values.get("recorded_by"):
        recorded_by = get_user_model().objects.filter(username=values["recorded_by"]).first()
    with _saving(_("outcome of “%s”") % meeting.title):
        # A backup brings back what was recorded: the clock rule ("not before the meeting")
        # held when it was written, and files from before the rule carry plain texts.
        outcome = outcome_save(
            meeting=meeting,
            user=recorded_by,
            now=max(meeting.start, meeting.end),
            **{
                n: values[n]
                for n in ("held", "summary", "interest", "next_steps", "notable")
                if n in values
            },
        )
    if "version" in values:
        _stamp(outcome, values)


def _without(names: tuple[str, ...], *dropped: str) -> tuple[str, ...]:
    return tuple(name for name in names if name not in dropped)


def _differences(obj: models.Model, values: dict, names: tuple[str, ...]) -> list[str]:
    """What the file says differently about a row kept as it is (its stamps aside)."""
    return [name for name in _without(names, *STAMPS) if getattr(obj, name) != values[name]]


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
        check_slug(slug)
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
            mission = _write(doc, target, create_users, notes)
            # Delegates see published versions only; a file holds none (releases app).
            from releases.services import programme_publish_restored

            programme_publish_restored(mission=mission)
            return mission
    except DatabaseError as error:
        raise MissionFileError(_("The database refused the import: %s") % error) from None


def _write(doc: dict, slug: str, create_users: bool, notes: list[str]) -> Mission:
    values = doc["mission"]
    mission = Mission(**{n: values[n] for n in _without(MISSION_FIELDS, *AUTO)})
    mission.slug = slug
    mission._change_reason = CHANGE_REASON
    coordinators = _coordinators(doc["coordinators"], create_users, notes)
    with _saving(_("mission")):
        mission_save(mission=mission, coordinators=coordinators)

    organisations: dict[str, Organisation] = {}
    for name, values in doc["organisations"].items():
        found = Organisation.objects.filter(name__iexact=name).first()
        if found is not None:
            changed = _differences(found, values, ORGANISATION_FIELDS)
            if changed:
                notes.append(
                    _(
                        "Kept organisation “%(name)s” as it is here; the file differs in: "
                        "%(fields)s."
                    )
                    % {"name": found.name, "fields": ", ".join(changed)}
                )
        else:
            found = Organisation(**{n: values[n] for n in _without(ORGANISATION_FIELDS, *AUTO)})
            found._change_reason = CHANGE_REASON
            with _saving(_("organisation “%s”") % name):
                organisation_save(organisation=found)
            _stamp(found, values)
        organisations[name] = found

    people: dict[str, Person] = {}
    matched: set[int] = set()
    for ref, values in doc["people"].items():
        organisation = organisations.get(values["organisation"])
        found = _match_person(values, organisation)
        if found is not None and found.pk in matched:
            found = None  # two people of the file without e-mail, with the same name
        label = f"{values['first_name']} {values['last_name']}"
        if found is not None:
            changed = _differences(found, values, PERSON_FIELDS)
            if found.organisation_id != (organisation.pk if organisation else None):
                changed.append("organisation")
            if changed:
                notes.append(
                    _("Kept %(name)s as here; the file differs in: %(fields)s.")
                    % {"name": label, "fields": ", ".join(changed)}
                )
        else:
            found = Person(
                organisation=organisation,
                **{n: values[n] for n in _without(PERSON_FIELDS, *AUTO)},
            )
            found._change_reason = CHANGE_REASON
            with _saving(label):
                person_save(person=found)
            _stamp(found, values)
        matched.add(found.pk)
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
            **{n: values[n] for n in _without(MEMBER_FIELDS, *AUTO)},
        )
        member._change_reason = CHANGE_REASON
        with _saving(_("delegate %s") % people[ref]):
            delegation_member_save(member=member)
        _stamp(member, values)
        members[ref] = member

    meetings: list[Meeting] = []
    for values in doc["meetings"]:
        meeting = Meeting(
            mission=mission,
            venue=venues[values["venue"]] if values["venue"] else None,
            **{n: values[n] for n in _without(MEETING_FIELDS, *AUTO)},
        )
        meetings.append(meeting)
        meeting._change_reason = CHANGE_REASON
        with _saving(_("meeting “%(title)s” (%(uid)s)") % values):
            meeting_save(
                meeting=meeting,
                attendees=[members[ref] for ref in values["attendees"]],
                partner_organisations=[organisations[n] for n in values["partner_organisations"]],
                partner_contacts=[people[ref] for ref in values["partner_contacts"]],
            )
        _stamp(meeting, values, "sequence")
        if values["outcome"]:
            _write_outcome(meeting, values["outcome"])

    for values in doc["follow_ups"]:
        follow_up = FollowUp(mission=mission)
        follow_up._change_reason = CHANGE_REASON
        # A coordinator missing here (reported above) leaves the action without an owner.
        owner_user = next((u for u in coordinators if u.username == values["owner_user"]), None)
        with _saving(_("follow-up “%s”") % values["action"]):
            follow_up_save(
                follow_up=follow_up,
                meeting=meetings[values["meeting"]] if values["meeting"] is not None else None,
                organisation=organisations.get(values["organisation"]),
                owner_user=owner_user,
                owner_member=members.get(values["owner_member"]),
                **{n: values[n] for n in _without(FOLLOW_UP_FIELDS, *STAMPS)},
            )
        _stamp(follow_up, values)

    # Last: saving meetings touches the mission's `updated`.
    _stamp(mission, doc["mission"])
    mission.refresh_from_db()
    return mission
