"""Snapshot dicts in the format of releases/snapshot.py, for the pure tests of changes.py."""

import copy

MISSION = {
    "title": "VTM Michigan 2025",
    "city": "Pontiac",
    "region": "Michigan",
    "country": "United States",
    "timezone": "America/Detroit",
    "home_timezone": "Europe/Rome",
    "start_date": "2025-04-22",
    "end_date": "2025-04-24",
    "description": "",
    "organiser": "Ceipiemonte",
}


def member(pk: int, first: str, last: str, language: str = "en") -> tuple[str, dict]:
    return str(pk), {
        "first_name": first,
        "last_name": last,
        "name": f"{first} {last}",
        "role": "delegate",
        "position": "",
        "organisation": "",
        "language": language,
        "email": f"{first.lower()}@example.org",
    }


MEMBERS = dict(
    [
        member(1, "Andrea", "Tronzano", "it"),
        member(2, "Laura", "Bianchi"),
        member(3, "Marco", "Verdi"),
    ]
)

RIVIAN = {
    "id": 7,
    "name": "Rivian HQ",
    "address": "1 Rivian Way",
    "city": "Plymouth",
    "country": "US",
    "latitude": None,
    "longitude": None,
}
GM = {
    "id": 8,
    "name": "GM Global Technical Center",
    "address": "30001 Van Dyke Ave",
    "city": "Warren",
    "country": "US",
    "latitude": "42.5",
    "longitude": "-83.0",
}


def meeting(uid: str, **fields) -> dict:
    entry = {
        "pk": abs(hash(uid)) % 1000,
        "uid": uid,
        "sequence": 0,
        "title": f"Meeting {uid}",
        "kind": "b2b",
        "status": "confirmed",
        "description": "",
        # 14:00-15:00 in Detroit (EDT, UTC-4) = 20:00-21:00 in Rome.
        "start": "2025-04-22T18:00:00Z",
        "end": "2025-04-22T19:00:00Z",
        "venue": RIVIAN,
        "attendees": [1, 2],
        "former_attendees": [],
        "partner_organisations": [{"id": 100, "name": "Rivian"}],
        "partner_contacts": [
            {"id": 200, "name": "Jane Doe", "position": "", "organisation": "Rivian"}
        ],
        "deleted": False,
        "created": "2025-03-01T10:00:00Z",
        "last_modified": "2025-03-01T10:00:00Z",
    }
    entry.update(fields)
    return entry


def snapshot(*meetings: dict, members: dict | None = None) -> dict:
    return {
        "format": 1,
        "mission": dict(MISSION),
        "members": copy.deepcopy(members if members is not None else MEMBERS),
        "meetings": {m["uid"]: copy.deepcopy(m) for m in meetings},
    }
