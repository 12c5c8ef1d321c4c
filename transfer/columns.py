"""The columns of the spreadsheets we read and write: one definition shared by the import
templates, the importer and the exports, so that an exported file can be edited and imported
back (its ID column matches the rows it came from).

Headers are written in the reader's language and read in either language, case and spacing
ignored. Dates and times are in the mission's zone unless the row's "Time zone" cell names
another IANA zone; exports fill that cell with the mission's zone.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Column:
    key: str  # stable, used in code and error messages' anchors
    label: str  # lazy, translated: the header written in the reader's language
    required: bool = False
    help: str = ""  # one line for the template's instructions sheet


MEETING_COLUMNS = (
    Column("id", _("ID"), help=_("Leave empty for a new meeting; kept from an export.")),
    Column("date", _("Date"), required=True, help=_("Day of the start, e.g. 2026-03-24.")),
    Column("start", _("Start"), required=True, help=_("Local time, e.g. 09:30.")),
    Column("end", _("End"), required=True, help=_("Local time; may be after midnight.")),
    Column("timezone", _("Time zone"), help=_("Empty: the mission's zone.")),
    Column("title", _("Title"), required=True),
    Column("kind", _("Kind"), help=_("B2B meeting, Site visit, Dinner / networking, ...")),
    Column("status", pgettext_lazy("meeting", "Status"), help=_("Confirmed or Tentative.")),
    Column("venue", _("Venue"), help=_("Name; a new name creates the venue.")),
    Column("venue_address", _("Venue address")),
    Column("delegates", _("Delegates"), help=_("E-mails or full names, separated by ;")),
    Column("partner_organisations", _("Partner organisations"), help=_("Names, separated by ;")),
    Column("partner_contacts", _("Partner contacts"), help=_("E-mails or full names, by ;")),
    Column("description", _("Description"), help=_("Shown to delegates.")),
    Column("internal_notes", _("Internal notes"), help=_("Coordinators only.")),
)

DELEGATE_COLUMNS = (
    Column("first_name", _("First name"), required=True),
    Column("last_name", _("Last name"), required=True),
    Column("email", _("E-mail"), help=_("Identifies the person on a second import.")),
    Column("phone", _("Phone")),
    Column("organisation", _("Organisation"), help=_("Name; a new name creates it.")),
    Column("position", _("Position")),
    Column("role", _("Role"), help=_("Head of delegation, Delegate, Staff or Guest.")),
    Column("language", _("Language"), help=_("it or en: e-mails and the personal page.")),
    Column("arrival", _("Arrival"), help=_("Local date and time, e.g. 2026-03-23 18:00.")),
    Column("departure", _("Departure")),
    Column("timezone", _("Time zone"), help=_("Empty: the mission's zone.")),
    Column("notes", _("Internal notes")),
)

# One row per contact; a row with only the organisation's columns adds the organisation.
PARTNER_COLUMNS = (
    Column("organisation", _("Organisation"), required=True),
    Column("short_name", _("Short name")),
    Column("kind", _("Kind"), help=_("Company / OEM, Supplier, Consulate / embassy, ...")),
    Column("sector", _("Sector")),
    Column("country", _("Country")),
    Column("city", _("City")),
    Column("website", _("Website")),
    Column("contact_first_name", _("Contact first name")),
    Column("contact_last_name", _("Contact last name")),
    Column("contact_email", _("Contact e-mail")),
    Column("contact_phone", _("Contact phone")),
    Column("contact_position", _("Contact position")),
)

# Participants of a B2B matchmaking session (transfer/import_participants.py).
PARTICIPANT_COLUMNS = (
    Column("first_name", _("First name"), required=True),
    Column("last_name", _("Last name"), required=True),
    Column("email", _("E-mail"), help=_("Identifies the person on a second import.")),
    Column("organisation", _("Organisation"), help=_("Name; a new name creates it.")),
    Column("sector", _("Sector"), help=_("Of a new organisation.")),
    Column("country", _("Country"), help=_("Of a new organisation.")),
    Column(
        "side",
        _("Side"),
        required=True,
        help=_("Delegation (joins the delegation if need be) or Visiting company."),
    ),
    Column("offers", _("Offers")),
    Column("looks_for", _("Looks for")),
)

# Cells that hold several values.
LIST_SEPARATOR = ";"
