"""The agenda's meeting rows, rendered in Python.

A busy fair has 300+ meetings on one page. Through the template engine each row cost ~0.5 ms
(an include, ~100 nodes, filters resolved per row) and 2.9 KiB (an actions menu with two
forms and two CSRF tokens per row). Here a row is a few format_html calls with the labels
translated once per page, and the actions menu exists once on the page
(templates/meetings/includes/agenda_actions_menu.html, moved to the clicked row by
static/js/agenda.js). bench/bench_agenda.py measures both.

The markup is the one templates/meetings/includes/meeting_row.html had (classes, ids and
labels the tests and the CSS use); change them together with tests/meetings/test_agenda_light.py.
"""

import posixpath
from dataclasses import dataclass
from datetime import datetime, time

from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.models import Meeting

# A pk no meeting has: reversed once, then replaced by each row's pk (meetings/templatetags).
PLACEHOLDER_PK = 2147483647


def next_day_html(start: datetime, end: datetime) -> str:
    """' (+1 day)' after a range whose end (both local) falls on a later day than its start."""
    days = (end.date() - start.date()).days
    if end.time() == time.min:
        days -= 1  # ends exactly at midnight: still the same evening
    if days < 1:
        return ""
    label = ngettext("(+%(days)d day)", "(+%(days)d days)", days) % {"days": days}
    title = _("Ends %(day)s") % {"day": formats.date_format(end, "l j F")}
    return format_html(' <span class="next-day-marker" title="{}">{}</span>', title, label)


def _trusted(text: str) -> SafeString:
    """Our own translated labels: trusted as {% translate %} trusts them (not escaped)."""
    return mark_safe(text)  # noqa: S308 (msgids and msgstrs of this project, no user input)


@dataclass(frozen=True)
class _Labels:
    """Everything a row says that is the same on every row: translated once per page."""

    venue: str
    delegation: str
    partners: str
    changed: str
    changed_title: str
    changed_line: str
    clash_list: str
    edit_url: str

    @classmethod
    def for_mission(cls, mission) -> "_Labels":
        return cls(
            venue=_trusted(_("Venue")),
            delegation=_trusted(_("Delegation")),
            partners=_trusted(_("Partners")),
            changed=_trusted(_("Changed")),
            changed_title=_(
                "Moved or changed since first scheduled: calendars follow once published."
            ),
            changed_line=_trusted(
                _("Changed since first scheduled: calendars follow once published.")
            ),
            clash_list=_("Clash warnings"),
            edit_url=_relative(
                reverse("meetings:edit", args=[mission.slug, PLACEHOLDER_PK]),
                reverse("meetings:agenda", args=[mission.slug]),
            ),
        )


def _relative(path: str, page: str) -> str:
    """`path` relative to the agenda page ("../meetings/7/edit/"): 300 rows repeat it, and the
    mission's slug is long. Only the agenda's own URL renders these rows."""
    relative = posixpath.relpath(path, start=page)
    return relative + "/" if path.endswith("/") else relative


# Short classes styled in static/css/planner.css: 300 rows repeat them.
_STATUS_CLASS = {
    Meeting.Status.CONFIRMED: "status-confirmed",
    Meeting.Status.TENTATIVE: "text-bg-warning",
    Meeting.Status.CANCELLED: "text-bg-danger",
}


def _outcome(meeting: Meeting):
    try:
        return meeting.result
    except ObjectDoesNotExist:
        return None


def render_rows(items, *, mission, delegate=None, home_label: str = "") -> SafeString:
    """The <li> of every item (an AgendaItem: meeting + warnings) of one day, in order."""
    labels = _Labels.for_mission(mission)
    tz, home_tz = mission.tz, mission.home_tz
    badge = get_template("outcomes/includes/outcome_badge.html")
    delegate_pk = delegate.pk if delegate else None
    kinds = dict(Meeting.Kind.choices)
    statuses = dict(Meeting.Status.choices)
    out = []
    for item in items:
        meeting, warnings = item.meeting, item.warnings
        pk = meeting.pk
        start, end = meeting.start.astimezone(tz), meeting.end.astimezone(tz)
        home = meeting.start.astimezone(home_tz)
        home_day = ""
        if home.date() != start.date():
            home_day = format_html(
                ' <span class="badge day-badge">{}</span>',
                formats.date_format(home, "D"),
            )
        cancelled = meeting.status == Meeting.Status.CANCELLED
        changed = meeting.sequence and not cancelled
        outcome = _outcome(meeting)
        parts = [
            format_html(
                '<li class="list-group-item meeting-row meeting-{}{}" id="meeting-{}">'
                '<div class="meeting-time"><time datetime="{}">{}–{}</time>{}'
                '<div class="text-home-time">{} {}{}</div></div>'
                '<div class="meeting-body"><div class="meeting-head">'
                '<h3 class="meeting-title"><a href="{}">{}</a></h3>'
                ' <span class="badge kind-badge kind-{}">{}</span>'
                ' <span class="badge {}">{}{}</span>',
                meeting.status,
                " has-warnings" if warnings else "",
                pk,
                start.isoformat(timespec="minutes"),
                start.strftime("%H:%M"),
                end.strftime("%H:%M"),
                next_day_html(start, end),
                home.strftime("%H:%M"),
                home_label,
                home_day,
                labels.edit_url.replace(f"/{PLACEHOLDER_PK}/", f"/{pk}/"),
                meeting.title,
                meeting.kind,
                kinds.get(meeting.kind, meeting.kind),
                _STATUS_CLASS.get(meeting.status, "text-bg-secondary"),
                "?\xa0" if meeting.status == Meeting.Status.TENTATIVE else "",
                statuses.get(meeting.status, meeting.status),
            )
        ]
        if outcome is not None:
            parts.append(badge.render({"outcome": outcome}).strip())
        if changed:
            parts.append(
                format_html(
                    '<span class="badge text-bg-info" title="{}">{}</span>',
                    labels.changed_title,
                    labels.changed,
                )
            )
        parts.append("</div>")
        facts = []
        # A <dl>: <dt>label:</dt> <dd>…</dd>, one a line (planner.css); a <dd>’s <span> is grey.
        venue = meeting.venue
        if venue is not None:
            address = venue.full_address
            facts.append(
                format_html(
                    "<dt>{}:</dt> <dd>{}{}</dd>",
                    labels.venue,
                    venue.name,
                    format_html(" <span>· {}</span>", address) if address else "",
                )
            )
        attendees = meeting.attendees.all()
        if attendees:
            # The delegate whose agenda this is (the delegate filter) stands out.
            names = format_html_join(
                ", ",
                "{}",
                (
                    (
                        format_html("<strong>{}</strong>", member.person.full_name)
                        if member.pk == delegate_pk
                        else member.person.full_name,
                    )
                    for member in attendees
                ),
            )
            facts.append(format_html("<dt>{}:</dt> <dd>{}</dd>", labels.delegation, names))
        orgs, contacts = meeting.partner_organisations.all(), meeting.partner_contacts.all()
        if orgs or contacts:
            who = [format_html("<b>{}</b>", org) for org in orgs]
            who += [
                format_html("{} <span>({})</span>", person.full_name, person.position)
                if person.position
                else person.full_name
                for person in contacts
            ]
            facts.append(
                format_html(
                    "<dt>{}:</dt> <dd>{}</dd>",
                    labels.partners,
                    format_html_join(", ", "{}", ((part,) for part in who)),
                )
            )
        if facts:
            facts = _trusted(" ".join(facts))
            parts.append(format_html("<dl>{}</dl>", facts))
        if changed:
            parts.append(
                format_html('<div class="small text-info-emphasis">{}</div>', labels.changed_line)
            )
        if warnings:
            parts.append(
                format_html(
                    '<ul class="clash-list small list-unstyled mb-0 mt-1" aria-label="{}">{}</ul>',
                    labels.clash_list,
                    format_html_join(
                        "",
                        '<li class="clash clash-{}"><span aria-hidden="true">⚠</span> {}</li>',
                        ((warning.code, warning.message) for warning in warnings),
                    ),
                )
            )
        # The actions cell is filled by static/js/agenda.js from the page's one template
        # (agenda_actions_menu.html): the tick for "Shift the ticked meetings" with the version
        # the shift claims, and the toggle of the one actions menu. 300 copies of them were
        # a third of the page. Without JS the title links to the meeting's page (every
        # action) and the toolbar's "or pick from a list" to the shift page.
        parts.append(
            format_html(
                '</div><div class="meeting-actions" data-version="{}"{}{}></div></li>\n',
                meeting.version,
                _trusted(" data-cancelled") if cancelled else "",
                _trusted(" data-outcome") if outcome is not None else "",
            )
        )
        # Every part is format_html output, a literal or a rendered template: already safe.
        out.append("".join(parts))
    return _trusted("".join(out))
