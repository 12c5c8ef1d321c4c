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


@dataclass(frozen=True)
class _Labels:
    """Everything a row says that is the same on every row: translated once per page."""

    home_title: str
    venue: str
    delegation: str
    partners: str
    changed: str
    changed_title: str
    changed_line: str
    clash_list: str
    actions: str
    edit_url: str

    @classmethod
    def for_mission(cls, mission) -> "_Labels":
        return cls(
            home_title=_("Home time (%(zone)s)") % {"zone": mission.home_timezone},
            venue=_("Venue"),
            delegation=_("Delegation"),
            partners=_("Partners"),
            changed=_("Changed"),
            changed_title=_("Moved or changed since first sent: attendees' calendars will update."),
            changed_line=_("Changed since first sent: attendees' calendars will update."),
            clash_list=_("Clash warnings"),
            actions=_("Actions"),
            edit_url=reverse("meetings:edit", args=[mission.slug, PLACEHOLDER_PK]),
        )


_STATUS_CLASS = {
    Meeting.Status.CONFIRMED: "status-badge status-confirmed",
    Meeting.Status.TENTATIVE: "status-badge text-bg-warning",
    Meeting.Status.CANCELLED: "status-badge text-bg-danger",
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
                ' <span class="badge text-bg-light border">{}</span>',
                formats.date_format(home, "D"),
            )
        edit_url = labels.edit_url.replace(f"/{PLACEHOLDER_PK}/", f"/{pk}/")
        cancelled = meeting.status == Meeting.Status.CANCELLED
        changed = meeting.sequence and not cancelled
        outcome = _outcome(meeting)
        parts = [
            format_html(
                '<li class="list-group-item meeting-row meeting-{}{}" id="meeting-{}">'
                '<div class="meeting-time"><time datetime="{}" class="fw-semibold">{}–{}</time>{}'
                '<div class="text-home-time" title="{}">{} {}{}</div></div>'
                '<div class="meeting-body"><div class="meeting-head">'
                '<h3 class="h6 mb-0 meeting-title"><a class="link-body-emphasis" href="{}">{}</a>'
                '</h3> <span class="badge kind-badge kind-{}">{}</span> '
                '<span class="badge {}">{}{}</span>',
                meeting.status,
                " has-warnings" if warnings else "",
                pk,
                start.isoformat(),
                start.strftime("%H:%M"),
                end.strftime("%H:%M"),
                next_day_html(start, end),
                labels.home_title,
                home.strftime("%H:%M"),
                home_label,
                home_day,
                edit_url,
                meeting.title,
                meeting.kind,
                kinds.get(meeting.kind, meeting.kind),
                _STATUS_CLASS.get(meeting.status, "text-bg-secondary"),
                "?\xa0" if meeting.status == Meeting.Status.TENTATIVE else "",
                statuses.get(meeting.status, meeting.status),
            )
        ]
        if outcome is not None:
            parts.append(format_html(" {}", badge.render({"outcome": outcome}).strip()))
        if changed:
            parts.append(
                format_html(
                    ' <span class="badge text-bg-info" title="{}">{}</span>',
                    labels.changed_title,
                    labels.changed,
                )
            )
        parts.append("</div>")
        venue = meeting.venue
        if venue is not None:
            address = venue.full_address
            parts.append(
                format_html(
                    '<div class="small"><span class="ar-l">{}:</span> {}{}</div>',
                    labels.venue,
                    venue.name,
                    format_html(' <span class="ar-l">· {}</span>', address) if address else "",
                )
            )
        attendees = meeting.attendees.all()
        if attendees:
            names = format_html_join(
                ", ",
                '<span class="person{}">{}</span>',
                (
                    (" fw-semibold" if member.pk == delegate_pk else "", member.person.full_name)
                    for member in attendees
                ),
            )
            parts.append(
                format_html(
                    '<div class="small"><span class="ar-l">{}:</span> {}</div>',
                    labels.delegation,
                    names,
                )
            )
        orgs, contacts = meeting.partner_organisations.all(), meeting.partner_contacts.all()
        if orgs or contacts:
            who = [format_html('<span class="fw-medium">{}</span>', org) for org in orgs]
            who += [
                format_html(
                    "{}{}",
                    person.full_name,
                    format_html(' <span class="ar-l">({})</span>', person.position)
                    if person.position
                    else "",
                )
                for person in contacts
            ]
            parts.append(
                format_html(
                    '<div class="small"><span class="ar-l">{}:</span> {}</div>',
                    labels.partners,
                    format_html_join(", ", "{}", ((part,) for part in who)),
                )
            )
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
        # The actions: the tick for "Shift the ticked meetings" (form="shift-form" in the
        # toolbar), the version the shift claims, and the toggle of the page's one actions menu.
        parts.append(
            format_html(
                '</div><div class="meeting-actions no-print">'
                '<input class="form-check-input m-0 shift-pick" type="checkbox" name="meetings"'
                ' value="{}" form="shift-form" aria-label="{}">'
                '<input type="hidden" name="version-{}" value="{}" form="shift-form">'
                '<div class="dropdown" data-meeting="{}"{}{}>'
                '<button class="btn btn-sm btn-outline-secondary dropdown-toggle" type="button"'
                ' data-bs-toggle="dropdown" aria-expanded="false">{}'
                '<span class="visually-hidden">: {}</span></button></div></div></li>\n',
                pk,
                _("Tick “%(title)s” to shift it") % {"title": meeting.title},
                pk,
                meeting.version,
                pk,
                mark_safe(" data-cancelled") if cancelled else "",
                mark_safe(" data-outcome") if outcome is not None else "",
                labels.actions,
                meeting.title,
            )
        )
        # Every part is format_html output, a literal or a rendered template: already safe.
        out.append("".join(parts))
    return mark_safe("".join(out))  # noqa: S308 (joined from format_html output above)
