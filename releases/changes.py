"""What changed between two published versions of a programme: pure, snapshots in, words out.

`diff(old, new)` compares two snapshots (the format of `releases/snapshot.py`; `old` is None
for a first publication) and returns one `MeetingChange` per meeting that changed, with the
kinds of change (`KINDS`) and the meeting's entry in both versions, ordered by the meeting's
start (the new one; the old one for a deleted meeting). Unpublished edits never appear: only
two snapshots are compared.

`for_member(changes, pk)` keeps what changed for one delegate: meetings they attend in the
old or the new version; being added to a meeting reads "added" (new for them), being removed
"removed" (cancelled for them); other delegates joining or leaving is not their change.

`to_json`/`from_json` are the form stored in `ProgrammeVersion.changes`, self-contained (both
entries and the names of the delegates added or removed), so a changelog never needs the old
snapshot again. `present(...)` turns changes into translated lines in the active language,
with times in the mission's zone and the home zone, for the changelog, the compare page, the
delegate's page and the digests alike.
"""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.models import Meeting
from missions.localtime import zone_city

# In the order they are told: what happened to the meeting first, then its details.
KINDS = (
    "new",
    "deleted",
    "cancelled",
    "reinstated",
    "status",
    "moved",
    "venue",
    "title",
    "kind",
    "description",
    "partners",
    "attendees",
)
# Only for one delegate (for_member): they were added to, or removed from, the meeting.
MEMBER_KINDS = ("added", "removed")
CANCELLED = "cancelled"


@dataclass(frozen=True)
class MeetingChange:
    uid: str
    kinds: tuple[str, ...]
    old: dict | None  # the meeting's entry in the older snapshot (None: new)
    new: dict | None  # ... in the newer one (None: gone from the snapshot altogether)
    # Names of the delegates added or removed, by pk as str: the old snapshot is not kept.
    names: dict[str, str] = field(default_factory=dict)

    @property
    def current(self) -> dict:
        """The entry that says what the meeting is now (or was last)."""
        return self.new or self.old

    @property
    def title(self) -> str:
        return self.current["title"]

    @property
    def start(self) -> str:
        return self.current["start"]

    @property
    def attendees_added(self) -> list[int]:
        return sorted(set(_attendees(self.new)) - set(_attendees(self.old)))

    @property
    def attendees_removed(self) -> list[int]:
        return sorted(set(_attendees(self.old)) - set(_attendees(self.new)))

    def affects(self, member_pk: int) -> bool:
        return member_pk in _attendees(self.old) or member_pk in _attendees(self.new)


def _attendees(entry: dict | None) -> list[int]:
    return [int(pk) for pk in entry["attendees"]] if entry else []


def _gone(entry: dict | None) -> bool:
    """Not in the programme (any more): absent or deleted."""
    return entry is None or bool(entry.get("deleted"))


def _ids(entries: list[dict]) -> list:
    return sorted(item["id"] for item in entries)


def _kinds(old: dict | None, new: dict | None) -> tuple[str, ...]:
    if _gone(old) and _gone(new):
        return ()
    if _gone(old):
        return ("new",)
    if _gone(new):
        return ("deleted",)
    found = set()
    if old["status"] != new["status"]:
        if new["status"] == CANCELLED:
            found.add("cancelled")
        elif old["status"] == CANCELLED:
            found.add("reinstated")
        else:
            found.add("status")
    if _instant(old["start"]) != _instant(new["start"]) or _instant(old["end"]) != _instant(
        new["end"]
    ):
        found.add("moved")
    if old.get("venue") != new.get("venue"):
        found.add("venue")
    for key in ("title", "kind", "description"):
        if old.get(key, "") != new.get(key, ""):
            found.add(key)
    if _ids(old.get("partner_organisations", [])) != _ids(
        new.get("partner_organisations", [])
    ) or _ids(old.get("partner_contacts", [])) != _ids(new.get("partner_contacts", [])):
        found.add("partners")
    if sorted(_attendees(old)) != sorted(_attendees(new)):
        found.add("attendees")
    return tuple(kind for kind in KINDS if kind in found)


def _order(change: MeetingChange) -> tuple:
    return (_instant(change.start), change.title.casefold(), change.uid)


def diff(old_snapshot: dict | None, new_snapshot: dict) -> list[MeetingChange]:
    """Every meeting that changed from `old_snapshot` (None: nothing published yet)."""
    old_meetings = (old_snapshot or {}).get("meetings", {})
    new_meetings = new_snapshot.get("meetings", {})
    members = {**(old_snapshot or {}).get("members", {}), **new_snapshot.get("members", {})}
    changes = []
    for uid in sorted(old_meetings.keys() | new_meetings.keys()):
        old, new = old_meetings.get(uid), new_meetings.get(uid)
        kinds = _kinds(old, new)
        if not kinds:
            continue
        moved_people = set(_attendees(old)) ^ set(_attendees(new))
        names = {str(pk): _member_name(members, pk) for pk in sorted(moved_people)}
        changes.append(MeetingChange(uid=uid, kinds=kinds, old=old, new=new, names=names))
    return sorted(changes, key=_order)


def _member_name(members: dict, pk: int) -> str:
    member = members.get(str(pk))
    return member["name"] if member else f"#{pk}"


def for_member(changes: list[MeetingChange], member_pk: int) -> list[MeetingChange]:
    """The changes to `member_pk`'s own meetings, as they concern that delegate."""
    mine = []
    for change in changes:
        was = member_pk in _attendees(change.old) and not _off(change.old)
        now = member_pk in _attendees(change.new) and not _off(change.new)
        if was and now:
            kinds = tuple(kind for kind in change.kinds if kind != "attendees")
        elif now:
            if "new" in change.kinds:
                kinds = ("new",)
            elif "reinstated" in change.kinds and member_pk in _attendees(change.old):
                kinds = ("reinstated",)
            else:
                kinds = ("added",)
        elif was:
            if "deleted" in change.kinds or "cancelled" in change.kinds:
                kinds = tuple(k for k in change.kinds if k in ("deleted", "cancelled"))
            else:
                kinds = ("removed",)
        else:
            # Attending neither before nor after (or only a cancelled meeting): nothing new
            # happens in their days.
            kinds = ()
        if kinds:
            mine.append(MeetingChange(uid=change.uid, kinds=kinds, old=change.old, new=change.new))
    return mine


def _off(entry: dict | None) -> bool:
    """Deleted or cancelled: nobody is expected there. (A meeting that just got cancelled is
    live in the old entry, so its attendees 'were there' and the cancellation is their news.)"""
    return _gone(entry) or entry["status"] == CANCELLED


def members_affected(changes: list[MeetingChange], member_pks) -> dict[int, int]:
    """{member pk: number of changes for them}, only members with at least one."""
    counts = {}
    for pk in member_pks:
        n = len(for_member(changes, int(pk)))
        if n:
            counts[int(pk)] = n
    return counts


def to_json(changes: list[MeetingChange]) -> list[dict]:
    return [
        {
            "uid": change.uid,
            "kinds": list(change.kinds),
            "old": change.old,
            "new": change.new,
            "names": change.names,
        }
        for change in changes
    ]


def from_json(data: list[dict]) -> list[MeetingChange]:
    return [
        MeetingChange(
            uid=item["uid"],
            kinds=tuple(item["kinds"]),
            old=item.get("old"),
            new=item.get("new"),
            names=item.get("names", {}),
        )
        for item in data or []
    ]


# -- Words ----------------------------------------------------------------------------------


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(frozen=True)
class Zones:
    local: ZoneInfo
    home: ZoneInfo

    @classmethod
    def of(cls, snapshot_mission: dict) -> "Zones":
        return cls(
            local=ZoneInfo(snapshot_mission["timezone"]),
            home=ZoneInfo(snapshot_mission.get("home_timezone") or "Europe/Rome"),
        )


def _day(value: datetime) -> str:
    return formats.date_format(value, "D j M")


def _hm(value: datetime) -> str:
    return formats.date_format(value, "H:i")


def when_text(entry: dict, zones: Zones) -> str:
    """ "Tue 22 Apr 14:00–15:00 (Detroit), 20:00–21:00 (Rome)" """
    start, end = _instant(entry["start"]), _instant(entry["end"])
    local_start, local_end = start.astimezone(zones.local), end.astimezone(zones.local)
    home_start, home_end = start.astimezone(zones.home), end.astimezone(zones.home)
    local = f"{_day(local_start)} {_hm(local_start)}–{_hm(local_end)}"
    if local_end.date() != local_start.date():
        local = f"{_day(local_start)} {_hm(local_start)} – {_day(local_end)} {_hm(local_end)}"
    home = f"{_hm(home_start)}–{_hm(home_end)}"
    if home_start.date() != local_start.date():
        home = f"{_day(home_start)} {home}"
    return _("%(local)s (%(zone)s), %(home)s (%(home_zone)s)") % {
        "local": local,
        "zone": zone_city(zones.local.key),
        "home": home,
        "home_zone": zone_city(zones.home.key),
    }


def instant_text(value: datetime, zone: ZoneInfo) -> str:
    """ "22 April 2025 at 15:02 (Detroit)": when something was published."""
    local = value.astimezone(zone)
    return _("%(date)s at %(time)s (%(zone)s)") % {
        "date": formats.date_format(local, "j F Y"),
        "time": _hm(local),
        "zone": zone_city(zone.key),
    }


def moved_text(old: dict, new: dict, zones: Zones) -> str:
    """ "Tue 22 Apr 14:00–15:00 → 16:00–17:00 (Detroit), 20:00 → 22:00 (Rome)": the day
    again on the right only when it changed."""
    o_start, o_end = _instant(old["start"]), _instant(old["end"])
    n_start, n_end = _instant(new["start"]), _instant(new["end"])
    lo_s, lo_e = o_start.astimezone(zones.local), o_end.astimezone(zones.local)
    ln_s, ln_e = n_start.astimezone(zones.local), n_end.astimezone(zones.local)
    left = f"{_day(lo_s)} {_hm(lo_s)}–{_hm(lo_e)}"
    right = f"{_hm(ln_s)}–{_hm(ln_e)}"
    if ln_s.date() != lo_s.date():
        right = f"{_day(ln_s)} {right}"
    ho, hn = o_start.astimezone(zones.home), n_start.astimezone(zones.home)
    home_left, home_right = _hm(ho), _hm(hn)
    if ho.date() != lo_s.date() or hn.date() != ho.date():
        home_left = f"{_day(ho)} {home_left}"
        home_right = f"{_day(hn)} {home_right}" if hn.date() != ho.date() else home_right
    return _("%(old)s → %(new)s (%(zone)s), %(home_old)s → %(home_new)s (%(home_zone)s)") % {
        "old": left,
        "new": right,
        "zone": zone_city(zones.local.key),
        "home_old": home_left,
        "home_new": home_right,
        "home_zone": zone_city(zones.home.key),
    }


def venue_text(venue: dict | None) -> str:
    if not venue:
        return _("no venue")
    parts = [venue.get("name", ""), venue.get("address", ""), venue.get("city", "")]
    return ", ".join(part for part in parts if part)


def _names(items: list[dict]) -> list[str]:
    return [item["name"] for item in items]


def _status_label(value: str) -> str:
    return str(dict(Meeting.Status.choices).get(value, value))


def _kind_label(value: str) -> str:
    return str(dict(Meeting.Kind.choices).get(value, value))


def _lines(change: MeetingChange, zones: Zones, *, personal: bool) -> list[str]:
    old, new = change.old, change.new
    lines = []
    for kind in change.kinds:
        if kind == "new":
            lines.append(_("New: %(when)s") % {"when": when_text(new, zones)})
        elif kind == "added":
            lines.append(_("Added to your programme: %(when)s") % {"when": when_text(new, zones)})
        elif kind == "removed":
            lines.append(
                _("Cancelled for you: you are no longer expected (was %(when)s)")
                % {"when": when_text(old, zones)}
            )
        elif kind == "deleted":
            text = (
                _("Cancelled (was %(when)s)")
                if personal
                else _("Deleted from the programme (was %(when)s)")
            )
            lines.append(text % {"when": when_text(old, zones)})
        elif kind == "cancelled":
            lines.append(_("Cancelled (was %(when)s)") % {"when": when_text(old, zones)})
        elif kind == "reinstated":
            lines.append(_("Back in the programme: %(when)s") % {"when": when_text(new, zones)})
        elif kind == "status":
            lines.append(
                _("Status: %(old)s → %(new)s")
                % {"old": _status_label(old["status"]), "new": _status_label(new["status"])}
            )
        elif kind == "moved":
            lines.append(_("Moved: %(change)s") % {"change": moved_text(old, new, zones)})
        elif kind == "venue":
            lines.append(
                _("Venue: %(old)s → %(new)s")
                % {"old": venue_text(old.get("venue")), "new": venue_text(new.get("venue"))}
            )
        elif kind == "title":
            titles = {"old": old["title"], "new": new["title"]}
            lines.append(_("Title: “%(old)s” → “%(new)s”") % titles)
        elif kind == "kind":
            lines.append(
                _("Type: %(old)s → %(new)s")
                % {"old": _kind_label(old["kind"]), "new": _kind_label(new["kind"])}
            )
        elif kind == "description":
            text = " ".join(new.get("description", "").split())
            if len(text) > 300:
                text = text[:299] + "…"
            lines.append(
                _("Description changed: %(text)s") % {"text": text}
                if text
                else _("Description removed")
            )
        elif kind == "partners":
            lines.extend(_partner_lines(old, new))
        elif kind == "attendees":
            added = [change.names.get(str(pk), f"#{pk}") for pk in change.attendees_added]
            removed = [change.names.get(str(pk), f"#{pk}") for pk in change.attendees_removed]
            if added:
                lines.append(_("Delegates added: %(names)s") % {"names": ", ".join(added)})
            if removed:
                lines.append(_("Delegates removed: %(names)s") % {"names": ", ".join(removed)})
    # Where it happens, for a meeting that is new to the reader and not said otherwise.
    fresh = {"new", "added", "reinstated"} & set(change.kinds)
    if fresh and not _gone(new) and "venue" not in change.kinds and new.get("venue"):
        lines.append(_("Venue: %(venue)s") % {"venue": venue_text(new["venue"])})
    return lines


def _partner_lines(old: dict, new: dict) -> list[str]:
    lines = []
    for key in ("partner_organisations", "partner_contacts"):
        before = {item["id"]: item["name"] for item in old.get(key, [])}
        after = {item["id"]: item["name"] for item in new.get(key, [])}
        added = sorted((after[i] for i in after.keys() - before.keys()), key=str.casefold)
        removed = sorted((before[i] for i in before.keys() - after.keys()), key=str.casefold)
        if added:
            lines.append(_("Meeting also: %(names)s") % {"names": ", ".join(added)})
        if removed:
            lines.append(_("No longer meeting: %(names)s") % {"names": ", ".join(removed)})
    return lines


@dataclass(frozen=True)
class ChangeView:
    uid: str
    title: str
    kinds: tuple[str, ...]
    lines: list[str]
    gone: bool  # deleted or cancelled now: shown struck through

    @property
    def kind_classes(self) -> str:
        return " ".join(f"changed-{kind}" for kind in self.kinds)


def present(
    changes: list[MeetingChange], zones: Zones, *, personal: bool = False
) -> list[ChangeView]:
    """Changes as lines of text in the active language (translation.override around it)."""
    return [
        ChangeView(
            uid=change.uid,
            title=change.title,
            kinds=change.kinds,
            lines=_lines(change, zones, personal=personal),
            gone=_off(change.new) or "removed" in change.kinds,
        )
        for change in changes
    ]


def count_text(n: int) -> str:
    return ngettext("%(count)d change", "%(count)d changes", n) % {"count": n}
