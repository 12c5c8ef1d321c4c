"""The demo: the real Piemonte system mission to VTM Michigan (22-24 April 2025) and the
draft VTM Torino 2026 that followed from it.

Facts come from two Regione Piemonte press releases (April 2025); see the README. Clock
times, venues' addresses and e-mail addresses are not in the sources: they are illustrative.
Everything is created through the same services as the app, keyed on natural keys so that a
second run changes nothing.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models.functions import Lower

from delegations.models import DelegationMember, Organisation, Person
from delegations.services import delegation_add_member, organisation_save, person_save
from meetings.models import Meeting
from meetings.services import meeting_schedule
from missions.models import Mission, Venue
from missions.services import mission_save, venue_save

K = Organisation.Kind
R = DelegationMember.Role
M = Meeting.Kind

# name, short name, kind, sector, city, country, website
ORGANISATIONS = [
    (
        "Regione Piemonte",
        "",
        K.PUBLIC_INSTITUTION,
        "Regional government",
        "Torino",
        "Italy",
        "https://www.regione.piemonte.it",
    ),
    (
        "Città di Torino",
        "",
        K.PUBLIC_INSTITUTION,
        "Local government",
        "Torino",
        "Italy",
        "https://www.comune.torino.it",
    ),
    (
        "Ceipiemonte",
        "",
        K.AGENCY,
        "Internationalisation",
        "Torino",
        "Italy",
        "https://www.centroestero.org",
    ),
    ("Vehicle Valley", "", K.ASSOCIATION, "Automotive", "Torino", "Italy", ""),
    ("ANFIA", "", K.ASSOCIATION, "Automotive", "Torino", "Italy", "https://www.anfia.it"),
    (
        "Unione Industriali di Torino",
        "",
        K.ASSOCIATION,
        "Industry",
        "Torino",
        "Italy",
        "https://www.ui.torino.it",
    ),
    ("Confindustria Piemonte", "", K.ASSOCIATION, "Industry", "Torino", "Italy", ""),
    ("CNA", "", K.ASSOCIATION, "Crafts and small business", "Torino", "Italy", ""),
    ("API", "", K.ASSOCIATION, "Small and medium industry", "Torino", "Italy", ""),
    (
        "Università di Torino",
        "UniTo",
        K.UNIVERSITY,
        "Higher education",
        "Torino",
        "Italy",
        "https://www.unito.it",
    ),
    (
        "Politecnico di Torino",
        "PoliTo",
        K.UNIVERSITY,
        "Higher education",
        "Torino",
        "Italy",
        "https://www.polito.it",
    ),
    ("Dumarey Italia", "", K.SUPPLIER, "Automotive", "Torino", "Italy", ""),
    (
        "Consulate General of Italy in Detroit",
        "Consolato Detroit",
        K.CONSULATE,
        "Diplomacy",
        "Detroit",
        "United States",
        "",
    ),
    ("Rivian", "", K.OEM, "Electric vehicles", "Irvine", "United States", "https://rivian.com"),
    (
        "Stellantis",
        "",
        K.OEM,
        "Automotive",
        "Auburn Hills",
        "United States",
        "https://www.stellantis.com",
    ),
    ("Webasto US", "", K.SUPPLIER, "Automotive", "Plymouth", "United States", ""),
    (
        "Detroit Regional Partnership",
        "",
        K.AGENCY,
        "Economic development",
        "Detroit",
        "United States",
        "",
    ),
    ("Comerica Bank", "", K.BANK, "Banking", "Dallas", "United States", ""),
    ("Eaton", "", K.SUPPLIER, "Power management", "Southfield", "United States", ""),
    ("Wedoo US", "", K.OTHER, "", "", "United States", ""),
    (
        "Michigan Economic Development Corporation",
        "MEDC",
        K.AGENCY,
        "Economic development",
        "Lansing",
        "United States",
        "https://www.michiganbusiness.org",
    ),
    (
        "MichAuto (Detroit Regional Chamber)",
        "MichAuto",
        K.ASSOCIATION,
        "Automotive",
        "Detroit",
        "United States",
        "",
    ),
    (
        "MEMA, The Vehicle Suppliers Association",
        "MEMA",
        K.ASSOCIATION,
        "Automotive suppliers",
        "",
        "United States",
        "",
    ),
    ("General Motors", "GM", K.OEM, "Automotive", "Detroit", "United States", "https://www.gm.com"),
    ("Mullen Automotive", "Mullen", K.OEM, "Electric vehicles", "", "United States", ""),
    ("Mayco International", "Mayco", K.SUPPLIER, "Automotive", "", "United States", ""),
    ("Toyota North America", "Toyota", K.OEM, "Automotive", "", "United States", ""),
    ("Ford", "", K.OEM, "Automotive", "Dearborn", "United States", "https://www.ford.com"),
]

# key, first, last, position, organisation, e-mail (illustrative), language
PEOPLE = [
    (
        "tronzano",
        "Andrea",
        "Tronzano",
        "Regional councillor for Productive Activities",
        "Regione Piemonte",
        "andrea.tronzano@example.org",
        "it",
    ),
    (
        "favaro",
        "Michela",
        "Favaro",
        "Deputy Mayor",
        "Città di Torino",
        "michela.favaro@example.org",
        "it",
    ),
    (
        "geuna",
        "Stefano",
        "Geuna",
        "Rector",
        "Università di Torino",
        "stefano.geuna@example.org",
        "it",
    ),
    (
        "mailander",
        "Monica",
        "Mailander",
        "President",
        "Vehicle Valley",
        "monica.mailander@example.org",
        "it",
    ),
    ("nigro", "Stefano", "Nigro", "Director", "Ceipiemonte", "stefano.nigro@example.org", "it"),
    (
        "giorda",
        "Gianmarco",
        "Giorda",
        "Director General",
        "ANFIA",
        "gianmarco.giorda@example.org",
        "it",
    ),
    (
        "antonioli",
        "Pierpaolo",
        "Antonioli",
        "President of the Multinationals Commission, Confindustria Piemonte; CEO, Dumarey Italia",
        "Confindustria Piemonte",
        "pierpaolo.antonioli@example.org",
        "it",
    ),
    (
        "pellegrino",
        "Gianmario",
        "Pellegrino",
        "Vice Rector for Technology Transfer",
        "Politecnico di Torino",
        "gianmario.pellegrino@example.org",
        "it",
    ),
    (
        "baistrocchi",
        "Allegra",
        "Baistrocchi",
        "Consul General of Italy in Detroit",
        "Consulate General of Italy in Detroit",
        "",
        "it",
    ),
    ("materazzo", "Carlo", "Materazzo", "Vice President Manufacturing", "Rivian", "", "en"),
]


@dataclass
class DemoMeeting:
    slug: str
    title: str
    kind: str
    day: date
    start: tuple[int, int]
    end: tuple[int, int]
    venue: str | None
    attendees: list[str] | None  # None: the whole delegation
    partners: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    description: str = ""
    internal_notes: str = ""
    status: str = Meeting.Status.CONFIRMED


@dataclass
class DemoMission:
    slug: str
    title: str
    city: str
    region: str
    country: str
    timezone: str
    start_date: date
    end_date: date
    status: str
    description: str
    venues: list[tuple[str, str, str, str, float | None, float | None]]
    members: list[tuple[str, str]]  # person key, role
    meetings: list[DemoMeeting]
    organiser: str = "Ceipiemonte"
    funding_programme: str = (
        "Integrated supply-chain project “Automotive&Transportation”, "
        "Regione Piemonte, FESR 2021-2027"
    )
    practical_info: str = ""


HOTEL = "Delegation hotel, Pontiac"
VTM = "VTM Michigan 2025, Pontiac"
STAND = "Piemonte stand, VTM Michigan"
DINNER = "Institutional dinner venue, Detroit"
GM_WARREN = "GM Global Technical Center, Warren"
TOYOTA = "Toyota North America, Michigan site"
FORD = "Ford, Dearborn"

APR22, APR23, APR24 = date(2025, 4, 22), date(2025, 4, 23), date(2025, 4, 24)
LEADERS = ["tronzano", "favaro", "nigro"]

VTM_MICHIGAN = DemoMission(
    slug="vtm-michigan-2025",
    title="Piemonte system mission to VTM Michigan 2025",
    city="Pontiac",
    region="Michigan (Oakland County)",
    country="United States",
    timezone="America/Detroit",
    start_date=APR22,
    end_date=APR24,
    status=Mission.Status.PUBLISHED,
    description=(
        "Regione Piemonte's system mission to the 2nd VTM Michigan business convention "
        "(Pontiac, 23-24 April 2025), a spin-off of VTM Torino, led by Andrea Tronzano and "
        "Michela Favaro, with representatives of CNA, API and Unione Industriali di Torino. "
        "Michigan is the heart of US automotive: over 10% of the state's GDP, more than "
        "175,000 employees and 950 plants; the US is Piedmont's first non-European investor "
        "and trade partner."
    ),
    # Illustrative, like the clock times: printed on the booklet's practical page.
    practical_info=(
        "Emergencies (police, ambulance, fire): 911.\n"
        "The delegation hotel is in Pontiac; transfers to the VTM convention, Warren, Detroit "
        "and Dearborn leave from the hotel lobby 30 minutes before each meeting.\n"
        "Local time is Detroit time (6 hours behind Italy in April)."
    ),
    venues=[
        (HOTEL, "", "Pontiac", "United States", None, None),
        (VTM, "", "Pontiac", "United States", 42.6389, -83.2910),
        (STAND, "Exhibition floor, VTM Michigan", "Pontiac", "United States", 42.6389, -83.2910),
        (DINNER, "", "Detroit", "United States", None, None),
        (GM_WARREN, "30001 Van Dyke Ave", "Warren, MI", "United States", 42.5145, -83.0360),
        (TOYOTA, "", "Michigan", "United States", None, None),
        (FORD, "", "Dearborn, MI", "United States", 42.3170, -83.2100),
    ],
    members=[
        ("tronzano", R.HEAD),
        ("favaro", R.HEAD),
        ("geuna", R.DELEGATE),
        ("mailander", R.DELEGATE),
        ("nigro", R.STAFF),
        ("giorda", R.DELEGATE),
        ("antonioli", R.DELEGATE),
        ("pellegrino", R.DELEGATE),
    ],
    meetings=[
        DemoMeeting(
            "01-consul-briefing",
            "Briefing with the Consul General of Italy in Detroit",
            M.BRIEFING,
            APR22,
            (14, 0),
            (15, 0),
            HOTEL,
            None,
            partners=["Consulate General of Italy in Detroit"],
            contacts=["baistrocchi"],
            description="Opening briefing of the mission with Consul General Allegra Baistrocchi.",
        ),
        DemoMeeting(
            "02-rivian",
            "Meeting with Rivian",
            M.B2B,
            APR22,
            (15, 30),
            (16, 30),
            HOTEL,
            ["tronzano", "favaro", "nigro", "mailander", "giorda"],
            partners=["Rivian"],
            contacts=["materazzo"],
            description=(
                "Meeting with Carlo Materazzo, Vice President Manufacturing of Rivian, "
                "the US electric-vehicle maker."
            ),
            internal_notes="Follow up on dates for a Rivian visit during VTM Torino 2026.",
        ),
        DemoMeeting(
            "03-institutional-dinner",
            "Institutional dinner with Michigan industry leaders",
            M.DINNER,
            APR22,
            (19, 0),
            (21, 30),
            DINNER,
            None,
            partners=[
                "Stellantis",
                "Webasto US",
                "Detroit Regional Partnership",
                "Comerica Bank",
                "Eaton",
                "Wedoo US",
            ],
            description=(
                "Dinner between the Piedmont institutions and top managers of Stellantis, "
                "Webasto US, Detroit Regional Partnership, Comerica Bank, Eaton and Wedoo US."
            ),
        ),
        DemoMeeting(
            "04-ecosystem-presentation",
            "Presentation of the “Piemonte Automotive Ecosystem”",
            M.PRESENTATION,
            APR23,
            (8, 0),
            (9, 30),
            VTM,
            None,
            description=(
                "Talks by Andrea Tronzano, Michela Favaro, Monica Mailander, Pierpaolo "
                "Antonioli, Stefano Geuna and Gianmario Pellegrino; promotion of the 5th "
                "VTM Torino (24-25 March 2026)."
            ),
        ),
        DemoMeeting(
            "05-medc",
            "Meeting with MEDC at the Piemonte stand",
            M.INSTITUTIONAL,
            APR23,
            (10, 0),
            (10, 45),
            STAND,
            LEADERS + ["mailander"],
            partners=["Michigan Economic Development Corporation"],
        ),
        DemoMeeting(
            "06-michauto",
            "Meeting with MichAuto at the Piemonte stand",
            M.INSTITUTIONAL,
            APR23,
            (11, 0),
            (11, 45),
            STAND,
            LEADERS + ["mailander", "giorda"],
            partners=["MichAuto (Detroit Regional Chamber)"],
            description="MichAuto is an initiative of the Detroit Regional Chamber.",
        ),
        DemoMeeting(
            "07-mema",
            "Meeting with the President of MEMA at the Piemonte stand",
            M.INSTITUTIONAL,
            APR23,
            (12, 0),
            (12, 45),
            STAND,
            LEADERS + ["giorda"],
            partners=["MEMA, The Vehicle Suppliers Association"],
        ),
        DemoMeeting(
            "08-general-motors",
            "General Motors at the Warren Technical Center",
            M.SITE_VISIT,
            APR23,
            (14, 30),
            (16, 0),
            GM_WARREN,
            LEADERS + ["mailander", "giorda", "antonioli"],
            partners=["General Motors"],
            description=(
                "Meeting with GM's strategic management on extending the Piedmont supply "
                "chain to new models that US industry builds in Europe."
            ),
        ),
        DemoMeeting(
            "09-mullen",
            "Meeting with Mullen Automotive",
            M.B2B,
            APR23,
            (16, 45),
            (17, 30),
            None,
            LEADERS + ["mailander"],
            partners=["Mullen Automotive"],
        ),
        DemoMeeting(
            "10-mayco",
            "Meeting with Mayco International",
            M.B2B,
            APR23,
            (17, 45),
            (18, 30),
            None,
            LEADERS + ["mailander"],
            partners=["Mayco International"],
        ),
        DemoMeeting(
            "11-toyota",
            "Toyota North America site visit",
            M.SITE_VISIT,
            APR24,
            (9, 0),
            (10, 30),
            TOYOTA,
            LEADERS + ["mailander", "giorda"],
            partners=["Toyota North America"],
        ),
        DemoMeeting(
            "12-ford",
            "Ford site visit",
            M.SITE_VISIT,
            APR24,
            (11, 30),
            (13, 0),
            FORD,
            LEADERS + ["mailander", "giorda"],
            partners=["Ford"],
        ),
    ],
)

VTM_TORINO = DemoMission(
    slug="vtm-torino-2026",
    title="VTM Torino 2026",
    city="Torino",
    region="Piemonte",
    country="Italy",
    timezone="Europe/Rome",
    start_date=date(2026, 3, 24),
    end_date=date(2026, 3, 25),
    status=Mission.Status.DRAFT,
    description=(
        "5th edition of VTM Torino, 24-25 March 2026: the natural follow-up of the Michigan "
        "mission, e.g. the Rivian visit to Turin's supply chain explored in Pontiac."
    ),
    venues=[("VTM Torino 2026 venue", "", "Torino", "Italy", None, None)],
    members=[("tronzano", R.HEAD), ("nigro", R.STAFF), ("mailander", R.DELEGATE)],
    meetings=[
        DemoMeeting(
            "01-rivian-visit",
            "Rivian delegation meets the Piedmont supply chain",
            M.B2B,
            date(2026, 3, 24),
            (10, 0),
            (12, 0),
            "VTM Torino 2026 venue",
            None,
            partners=["Rivian"],
            contacts=["materazzo"],
            description="Follow-up of the exploratory dialogue opened in Pontiac in April 2025.",
            status=Meeting.Status.TENTATIVE,
        ),
    ],
)

MISSIONS = [VTM_MICHIGAN, VTM_TORINO]
UID_DOMAIN = "demo.trade-mission-planner"


def _organisation(row) -> Organisation:
    name, short, kind, sector, city, country, website = row
    existing = Organisation.objects.annotate(lname=Lower("name")).filter(lname=name.lower())
    found = existing.first()
    if found:
        return found
    return organisation_save(
        organisation=Organisation(
            name=name,
            short_name=short,
            kind=kind,
            sector=sector,
            city=city,
            country=country,
            website=website,
        )
    )


def _person(row, organisations: dict[str, Organisation]) -> Person:
    _key, first, last, position, org, email, language = row
    found = Person.objects.filter(first_name=first, last_name=last).first()
    if found:
        return found
    return person_save(
        person=Person(
            first_name=first,
            last_name=last,
            position=position,
            organisation=organisations[org],
            email=email,
            preferred_language=language,
        )
    )


def _mission(spec: DemoMission, people: dict[str, Person], organisations, report) -> Mission:
    mission = Mission.objects.filter(slug=spec.slug).first()
    if mission is None:
        mission = mission_save(
            mission=Mission(
                slug=spec.slug,
                title=spec.title,
                city=spec.city,
                region=spec.region,
                country=spec.country,
                timezone=spec.timezone,
                start_date=spec.start_date,
                end_date=spec.end_date,
                status=spec.status,
                description=spec.description,
                organiser=spec.organiser,
                funding_programme=spec.funding_programme,
                practical_info=spec.practical_info,
            )
        )
        report(f"created mission {mission.slug}")
    tz = ZoneInfo(spec.timezone)

    venues = {venue.name: venue for venue in mission.venues.all()}
    for name, address, city, country, lat, lon in spec.venues:
        if name not in venues:
            venues[name] = venue_save(
                venue=Venue(
                    mission=mission,
                    name=name,
                    address=address,
                    city=city,
                    country=country,
                    latitude=None if lat is None else Decimal(str(lat)),
                    longitude=None if lon is None else Decimal(str(lon)),
                )
            )

    members = {m.person_id: m for m in mission.members.all()}
    by_key: dict[str, DelegationMember] = {}
    for key, role in spec.members:
        person = people[key]
        if person.pk not in members:
            members[person.pk] = delegation_add_member(mission=mission, person=person, role=role)
        by_key[key] = members[person.pk]

    existing = set(Meeting.objects.filter(mission=mission).values_list("uid", flat=True))
    created = 0
    for item in spec.meetings:
        uid = f"{spec.slug}-{item.slug}@{UID_DOMAIN}"
        if uid in existing:
            continue
        attendees = (
            list(by_key.values()) if item.attendees is None else [by_key[k] for k in item.attendees]
        )
        meeting_schedule(
            mission=mission,
            uid=uid,
            title=item.title,
            kind=item.kind,
            start=datetime(*item.day.timetuple()[:3], *item.start, tzinfo=tz),
            end=datetime(*item.day.timetuple()[:3], *item.end, tzinfo=tz),
            venue=venues[item.venue] if item.venue else None,
            status=item.status,
            attendees=attendees,
            partner_organisations=[organisations[name] for name in item.partners],
            partner_contacts=[people[key] for key in item.contacts],
            description=item.description,
            internal_notes=item.internal_notes,
        )
        created += 1
    if created:
        report(f"{mission.slug}: {created} meeting(s) scheduled")
    return mission


@transaction.atomic
def load_demo(report=lambda message: None) -> list[Mission]:
    organisations = {row[0]: _organisation(row) for row in ORGANISATIONS}
    people = {row[0]: _person(row, organisations) for row in PEOPLE}
    return [_mission(spec, people, organisations, report) for spec in MISSIONS]
