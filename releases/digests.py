"""Per-delegate digests: one e-mail per affected delegate and published version.

A delegate is affected when `changes.for_member` finds something in their own meetings; the
e-mail (subject, text and HTML) is in their preferred language, lists only their changes with
times in the mission's zone and the home zone, and carries their personal link. Delegates
with no change get nothing.

Publishing (`releases.services.programme_publish`) calls `digests_record` inside its
transaction: one DigestDelivery row per affected delegate, unique per (version, member), so
two racing publications can never both record, and a rolled-back publication records and
sends nothing. The e-mails leave after the commit (`transaction.on_commit`), each row getting
its `sent_at` or its error; a failed one can be sent again (`digest_resend`). A delegate
without an e-mail address gets a row without address: the preview and the changelog say
"tell them", with their link to copy.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from delegations.models import DelegationMember
from meetings import calendars
from meetings.notify import recipient
from releases import changes as changes_module
from releases.changes import ChangeView, MeetingChange, Zones
from releases.models import DigestDelivery, ProgrammeVersion

logger = logging.getLogger(__name__)

# The demo's publications record their digests as sent without any mail leaving the
# machine (`digests_kept_in_memory`); None: Django's configured backend.
_demo_backend: ContextVar[str | None] = ContextVar("digest_backend", default=None)


@contextmanager
def digests_kept_in_memory() -> Iterator[None]:
    """Digests recorded inside this block go to Django's in-memory backend: the demo shows
    digests "sent" in its changelog without e-mailing the made-up addresses (or filling
    the console of `make run`)."""
    token = _demo_backend.set("django.core.mail.backends.locmem.EmailBackend")
    try:
        yield
    finally:
        _demo_backend.reset(token)


@dataclass
class Digest:
    """One delegate's e-mail about one version (also the publish page's preview)."""

    member: DelegationMember
    language: str
    changes: list[ChangeView]
    subject: str
    text: str
    html: str
    page_url: str
    email: str = ""  # the person's address; "" = none: tell them another way
    to: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.member.person.full_name


def affected_pks(changes: list[MeetingChange]) -> set[int]:
    """Everyone who attends a changed meeting in either version (for_member decides)."""
    pks = set()
    for change in changes:
        for entry in (change.old, change.new):
            if entry:
                pks.update(int(pk) for pk in entry["attendees"])
    return pks


def digests_build(
    *,
    mission,
    changes: list[MeetingChange],
    snapshot_mission: dict,
    number: int,
    published_at: datetime,
    note: str = "",
) -> list[Digest]:
    """The digests of a version (published or about to be): affected delegates, by name.

    One query (members with their people); delegates removed from the delegation since have
    no link any more and get nothing.
    """
    zones = Zones.of(snapshot_mission)
    pks = affected_pks(changes)
    members = (
        DelegationMember.objects.filter(mission=mission, pk__in=pks)
        .select_related("person", "mission")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    digests = []
    for member in members:
        mine = changes_module.for_member(changes, member.pk)
        if mine:
            digests.append(
                _digest(member, mine, zones, snapshot_mission, number, published_at, note)
            )
    return digests


def _digest(member, mine, zones, snapshot_mission, number, published_at, note) -> Digest:
    person = member.person
    language = person.preferred_language
    page_url = calendars.delegate_page_url(member)
    with translation.override(language):
        views = changes_module.present(mine, zones, personal=True)
        context = {
            "person": person,
            "mission": snapshot_mission,
            "number": number,
            "published_at": changes_module.instant_text(published_at, zones.local),
            "changes": views,
            "note": note,
            "page_url": page_url,
            "count": changes_module.count_text(len(views)),
        }
        subject = " ".join(render_to_string("releases/email/digest_subject.txt", context).split())
        text = render_to_string("releases/email/digest.txt", context)
        html = render_to_string("releases/email/digest.html", context)
    return Digest(
        member=member,
        language=language,
        changes=views,
        subject=subject,
        text=text,
        html=html,
        page_url=page_url,
        email=person.email,
        to=[recipient(person)] if person.email else [],
    )


def version_digests(version: ProgrammeVersion) -> list[Digest]:
    """The digests of a published version, from what it stored."""
    return digests_build(
        mission=version.mission,
        changes=changes_module.from_json(version.changes),
        snapshot_mission=version.snapshot["mission"],
        number=version.number,
        published_at=version.published_at,
        note=version.note,
    )


def digests_record(*, version: ProgrammeVersion) -> list[DigestDelivery]:
    """Record the version's digests in the caller's transaction and send them after commit.

    The unique (version, member) constraint makes a second recording fail (IntegrityError),
    which rolls the caller's publication back: a digest is never recorded, or sent, twice.
    """
    if version.number == 1:
        # Nothing was published before: delegates learn of their agenda from the links
        # e-mail (the roster's "e-mail the links"), not from a list of everything as new.
        return []
    deliveries = []
    with transaction.atomic():
        for digest in version_digests(version):
            delivery = DigestDelivery(
                version=version,
                member=digest.member,
                email=digest.email,
                language=digest.language,
                subject=digest.subject[:300],
                body=digest.text,
            )
            # The database constraint decides (race-safe): IntegrityError, not a form error.
            delivery.full_clean(validate_unique=False, validate_constraints=False)
            delivery.save()
            deliveries.append(delivery)
    pks = [d.pk for d in deliveries if d.email]
    if pks:
        # The backend as chosen now: the commit may come after the demo's block has ended.
        backend = _demo_backend.get()
        transaction.on_commit(lambda: digests_send(pks=pks, backend=backend))
    return deliveries


def digests_send(*, pks: list[int], backend: str | None = None) -> None:
    """Send the recorded, not yet sent digests `pks`; each records its outcome."""
    deliveries = DigestDelivery.objects.filter(pk__in=pks, sent_at=None).select_related(
        "version__mission", "member__person"
    )
    html_by_version: dict[int, dict[int, str]] = {}
    for delivery in deliveries:
        if delivery.version_id not in html_by_version:
            html_by_version[delivery.version_id] = _html(delivery.version)
        html = html_by_version[delivery.version_id].get(delivery.member_id, "")
        _send(delivery, html, backend=backend)


def _html(version: ProgrammeVersion) -> dict[int, str]:
    """The HTML of each digest, rendered again from the version: the same words as the
    stored text, which is what the changelog shows."""
    return {digest.member.pk: digest.html for digest in version_digests(version)}


def _send(delivery: DigestDelivery, html: str, *, backend: str | None = None) -> None:
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.body,
        to=[recipient(delivery.member.person)] if delivery.member else [delivery.email],
        connection=get_connection(backend) if backend else None,
    )
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 (SMTP, DNS, socket: recorded, resend offered)
        logger.warning("Digest %s not sent: %s", delivery.pk, error.__class__.__name__)
        DigestDelivery.objects.filter(pk=delivery.pk).update(
            error=(str(error) or error.__class__.__name__)[:300]
        )
        return
    DigestDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now(), error="")


def digest_resend(*, delivery: DigestDelivery) -> DigestDelivery:
    """Send a failed digest again (an unsent one with an address); never a sent one."""
    with transaction.atomic():
        locked = DigestDelivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.sent_at is not None or not locked.email or not locked.error:
            return locked
        # Claim it: a second click meanwhile finds no error to resend.
        claimed = DigestDelivery.objects.filter(pk=locked.pk, sent_at=None, error=locked.error)
        if not claimed.update(error=""):
            return locked
    _send(locked, _html(locked.version).get(locked.member_id, ""))
    locked.refresh_from_db()
    return locked
