"""The printed programme booklet: one mission, or one delegate's part of it, as an A4 PDF.

`booklet_data` gathers everything in a fixed number of queries (eight, whatever the number
of meetings, delegates and partners); `booklet_html` renders templates/transfer/booklet.html
in the reader's language; `booklet_pdf` lays it out with WeasyPrint and
static/css/booklet.css.

What it promises:

- Times are the mission's wall clock, with the home zone's alongside, converted meeting by
  meeting: a mission that spans a daylight-saving change (Europe/Rome on 29 March 2026)
  prints each day's own offsets.
- Never internal notes, outcomes or delegates' contact details; a delegate's booklet holds
  only their own meetings and, in the delegation list, only the colleagues they meet in them
  (docs/permissions.md: what a delegate may see).
- No network while printing: the url_fetcher serves our own static files and data: URIs and
  refuses everything else, so a URL typed into a description can never be fetched.
"""

import base64
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _

from config.pdf import html_to_pdf, static_only_fetcher, static_prefix
from delegations.models import DelegationMember, Organisation, Person
from meetings.feeds import qr_svg
from meetings.models import Meeting
from missions import links
from missions.localtime import zone_city
from missions.models import Mission
from missions.services import coordinator_name
from transfer.templatetags.booklet import booklet_date

# Relative URLs in the booklet resolve against this made-up origin; `fetch_url` serves what
# lies under its static/ from our static files and refuses everything else.
BASE_URL = "https://booklet.invalid/"
STATIC_PREFIX = static_prefix(BASE_URL)

# A printed programme is no place for an essay, and a 100,000-character text kept WeasyPrint
# busy for a minute: longer texts are cut, with an ellipsis (the full text stays online).
MAX_DESCRIPTION = 1200
MAX_PRACTICAL_INFO = 4000

# WeasyPrint logs every layout step at INFO: a line per page per pass, in every log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Heads first, then delegates, staff and guests: the order of protocol.
ROLE_ORDER = {
    DelegationMember.Role.HEAD: 0,
    DelegationMember.Role.DELEGATE: 1,
    DelegationMember.Role.STAFF: 2,
    DelegationMember.Role.GUEST: 3,
}


@dataclass
class PartnerGroup:
    """An organisation met and the people met from it (or people from none)."""

    organisation: Organisation | None
    contacts: list[Person]


@dataclass
class BookletMeeting:
    meeting: Meeting
    start: datetime  # mission's zone
    end: datetime
    home_start: datetime  # home zone
    home_end: datetime
    partners: list[PartnerGroup]
    attendees: list[DelegationMember]
    description: str = ""

    @property
    def end_days_later(self) -> int:
        """Days between the start and the end on the local calendar (a dinner past midnight:
        1); ending exactly at midnight is still the same evening."""
        days = (self.end.date() - self.start.date()).days
        return days - 1 if days and self.end.time() == time.min else days

    @property
    def home_other_day(self) -> bool:
        return self.home_start.date() != self.start.date()


@dataclass
class BookletDay:
    day: date
    number: int | None  # 1..n inside the mission's days; None for a day outside them
    items: list[BookletMeeting]
    offset: str  # "UTC−4" at noon local time that day
    home_offset: str

    @property
    def anchor(self) -> str:
        return f"day-{self.day.isoformat()}"


@dataclass
class VenueEntry:
    venue: object
    uses: list[BookletMeeting] = field(default_factory=list)


@dataclass
class Booklet:
    mission: Mission
    member: DelegationMember | None
    days: list[BookletDay]
    venues: list[VenueEntry]
    delegation: list[DelegationMember]
    coordinators: list[tuple[str, str]]  # name, e-mail
    consulates: list[PartnerGroup]
    personal_url: str = ""
    practical_info: str = ""
    # Which programme it shows (releases.services.programme_label): "Version 2 of 23 Apr 2025".
    version_label: str = ""

    @property
    def meeting_count(self) -> int:
        return sum(1 for day in self.days for item in day.items if not item.meeting.is_cancelled)

    @property
    def heads(self) -> list[DelegationMember]:
        return [m for m in self.delegation if m.role == DelegationMember.Role.HEAD]

    @property
    def days_with_meetings(self) -> list[BookletDay]:
        return [day for day in self.days if day.items]


def utc_offset(when: datetime) -> str:
    """ "UTC+2", "UTC−4", "UTC+5:30" (a real minus sign, as typeset)."""
    minutes = int(when.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "\u2212"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def long_date_range(start: date, end: date) -> str:
    """The cover's dates in words, like {% date_range %} but with whole month names:
    "22–24 April 2025", "30 April – 2 May 2025", "30 December 2026 – 2 January 2027"."""
    if start == end:
        return booklet_date(start, "j F Y")
    if start.year != end.year:
        first, joint = "j F Y", " – "
    elif start.month != end.month:
        first, joint = "j F", " – "
    else:
        first, joint = "j", "–"
    return booklet_date(start, first) + joint + booklet_date(end, "j F Y")


def _partner_groups(organisations, contacts) -> list[PartnerGroup]:
    contacts = sorted(contacts, key=lambda p: (p.last_name, p.first_name, p.pk))
    groups = []
    placed = set()
    for organisation in sorted(organisations, key=lambda o: (o.name.lower(), o.pk)):
        people = [p for p in contacts if p.organisation_id == organisation.pk]
        placed.update(p.pk for p in people)
        groups.append(PartnerGroup(organisation, people))
    # A contact whose organisation is not itself a partner of the meeting: under their own
    # organisation's name (already loaded with them), else on their own.
    loose = defaultdict(list)
    for person in contacts:
        if person.pk not in placed:
            loose[person.organisation].append(person)
    for organisation, people in sorted(
        loose.items(), key=lambda pair: (pair[0] is None, pair[0].name if pair[0] else "")
    ):
        groups.append(PartnerGroup(organisation, people))
    return groups


def _days(mission: Mission, items: list[BookletMeeting]) -> list[BookletDay]:
    """Every mission day (empty ones too), plus any day a meeting strays to."""
    numbers = {day: n for n, day in enumerate(mission.days(), start=1)}
    by_day: dict[date, list[BookletMeeting]] = {day: [] for day in numbers}
    for item in items:
        by_day.setdefault(item.start.date(), []).append(item)
    days = []
    for day in sorted(by_day):
        noon = datetime.combine(day, time(12), tzinfo=mission.tz)
        days.append(
            BookletDay(
                day=day,
                number=numbers.get(day),
                items=by_day[day],
                offset=utc_offset(noon),
                home_offset=utc_offset(noon.astimezone(mission.home_tz)),
            )
        )
    return days


def booklet_data(
    mission: Mission, *, member: DelegationMember | None = None, version_label: str = ""
) -> Booklet:
    """Everything the booklet prints, in eight queries whatever the size of the mission:
    meetings (with venue), their attendees, partner organisations and partner contacts; the
    delegation; the coordinators; the consulates met in the mission and their contacts."""
    meetings = Meeting.objects.filter(mission=mission)
    if member is not None:
        meetings = meetings.filter(attendees=member)
    meetings = list(meetings.with_details().order_by("start", "end", "title", "pk"))
    zone, home = mission.tz, mission.home_tz
    items = []
    for meeting in meetings:
        meeting.mission = mission
        items.append(
            BookletMeeting(
                meeting=meeting,
                start=meeting.start.astimezone(zone),
                end=meeting.end.astimezone(zone),
                home_start=meeting.start.astimezone(home),
                home_end=meeting.end.astimezone(home),
                partners=_partner_groups(
                    meeting.partner_organisations.all(), meeting.partner_contacts.all()
                ),
                attendees=sorted(
                    meeting.attendees.all(),
                    key=lambda m: (ROLE_ORDER.get(m.role, 9), m.person.last_name),
                ),
                description=Truncator(meeting.description).chars(MAX_DESCRIPTION),
            )
        )

    venues: dict[int, VenueEntry] = {}
    for item in items:
        venue = item.meeting.venue
        if venue is not None:
            venues.setdefault(venue.pk, VenueEntry(venue)).uses.append(item)

    delegation = list(DelegationMember.objects.filter(mission=mission).with_people())
    if member is not None:
        # The cover prints their name, position and organisation: the copy loaded with them.
        member = next((m for m in delegation if m.pk == member.pk), member)
        # A delegate sees their colleagues' names only where they meet them.
        met = {m.pk for item in items for m in item.meeting.attendees.all()} | {member.pk}
        delegation = [m for m in delegation if m.pk in met]
    delegation.sort(
        key=lambda m: (ROLE_ORDER.get(m.role, 9), m.person.last_name, m.person.first_name)
    )

    coordinators = [
        (coordinator_name(user), user.email)
        for user in mission.coordinators.filter(is_active=True).order_by(
            "last_name", "first_name", "username"
        )
    ]

    # The consulates of the whole mission (a delegate who never meets the consul still needs
    # the number), with the contacts met there during the mission.
    consulates = (
        Organisation.objects.filter(kind=Organisation.Kind.CONSULATE)
        .filter(Q(meetings__mission=mission) | Q(people__meetings_as_partner__mission=mission))
        .distinct()
        .order_by("name")
        .prefetch_related(
            Prefetch(
                "people",
                queryset=Person.objects.filter(meetings_as_partner__mission=mission)
                .distinct()
                .order_by("last_name", "first_name"),
                to_attr="met_people",
            )
        )
    )

    personal_url = ""
    if member is not None:
        personal_url = links.absolute(reverse("public:delegate_page", args=[member.token]))
    return Booklet(
        mission=mission,
        member=member,
        days=_days(mission, items),
        venues=sorted(venues.values(), key=lambda entry: entry.uses[0].meeting.start),
        delegation=delegation,
        coordinators=coordinators,
        consulates=[PartnerGroup(o, o.met_people) for o in consulates],
        personal_url=personal_url,
        practical_info=Truncator(mission.practical_info).chars(MAX_PRACTICAL_INFO),
        version_label=version_label,
    )


def _svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def booklet_language(asked: str | None, default: str) -> str:
    """`?lang=` if it is one of ours, else the default."""
    codes = {code for code, _name in settings.LANGUAGES}
    return asked if asked in codes else default


def page_footer_css() -> str:
    """ "Page 3 of 9" in the active language, as a CSS content value (the static stylesheet
    cannot be translated; this one rule is made here)."""
    text = _("Page %(page)s of %(pages)s")
    parts = []
    for chunk in text.replace("%(pages)s", "\0pages\0").replace("%(page)s", "\0page\0").split("\0"):
        if chunk in ("page", "pages"):
            parts.append(f"counter({chunk})")
        elif chunk:
            parts.append('"' + chunk.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "@page { @bottom-right { content: " + " ".join(parts) + "; } }"


def booklet_html(booklet: Booklet, *, language: str) -> tuple[str, str]:
    """The booklet's HTML and its translated footer rule, in `language`."""
    mission = booklet.mission
    with translation.override(language):
        context = {
            "booklet": booklet,
            "mission": mission,
            "member": booklet.member,
            "language": language,
            "version_label": booklet.version_label,
            "dates": long_date_range(mission.start_date, mission.end_date),
            "zone_name": zone_city(mission.timezone),
            "home_name": zone_city(mission.home_timezone),
            "same_zone": mission.timezone == mission.home_timezone,
            "printed_on": booklet_date(timezone.localdate(), "j F Y"),
            "qr_uri": _svg_data_uri(qr_svg(booklet.personal_url)) if booklet.personal_url else "",
        }
        return render_to_string("transfer/booklet.html", context), page_footer_css()


def _fetcher():
    """Our static files and data: URIs (the QR code); anything else is refused."""
    return static_only_fetcher(BASE_URL, allow_data=True)


def booklet_pdf(booklet: Booklet, *, language: str) -> bytes:
    html, footer = booklet_html(booklet, language=language)
    return html_to_pdf(html, base_url=BASE_URL, css=(footer,), allow_data=True)


def booklet_filename(booklet: Booklet, *, language: str) -> str:
    """ "vtm-michigan-2025-programme-en.pdf", "vtm-michigan-2025-tronzano-it.pdf"."""
    with translation.override(language):
        what = slugify(booklet.member.person.full_name) if booklet.member else _("programme")
    return f"{booklet.mission.slug}-{slugify(what)[:60] or 'programme'}-{language}.pdf"
