"""Rebuild a mission from an export_mission file, all or nothing (see backups/mission_json.py)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from backups import mission_file, mission_json


class Command(BaseCommand):
    help = (
        "Import a mission written by export_mission: into an empty database or beside other "
        "missions, with new primary keys; people and organisations already here are reused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="the JSON file (“-” for stdin)")
        parser.add_argument("--slug", metavar="NEW", help="import under this slug")
        parser.add_argument(
            "--as-copy",
            action="store_true",
            help="issue a new slug (unless --slug), new delegate tokens, feed token and UIDs",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check everything, the models' own rules included, then write nothing",
        )
        parser.add_argument(
            "--create-users",
            action="store_true",
            help="create missing coordinators (without a password) instead of skipping them",
        )

    def handle(self, *args, **options):
        raw = self._read(options["file"])
        notes: list[str] = []
        try:
            with transaction.atomic():
                mission = mission_json.import_mission(
                    mission_file.loads(raw),
                    slug=options["slug"],
                    as_copy=options["as_copy"],
                    create_users=options["create_users"],
                    notes=notes,
                )
                summary = {
                    "slug": mission.slug,
                    "members": mission.members.count(),
                    "meetings": mission.meetings.count(),
                }
                if options["dry_run"]:
                    transaction.set_rollback(True)
        except mission_file.MissionFileError as error:
            raise CommandError(
                _("Nothing imported from %(file)s. %(error)s")
                % {"file": options["file"], "error": error}
            ) from None
        for note in notes:
            self.stderr.write(note)
        if options["dry_run"]:
            message = _(
                "Checked: mission “%(slug)s” (%(members)d delegates, %(meetings)d meetings) "
                "can be imported. Nothing was written (--dry-run)."
            )
        else:
            message = _(
                "Imported mission “%(slug)s”: %(members)d delegates, %(meetings)d meetings."
            )
        self.stdout.write(message % summary)

    def _read(self, name: str) -> bytes:
        limit = mission_file.MAX_FILE_BYTES + 1
        try:
            if name == "-":
                return sys.stdin.buffer.read(limit)
            with Path(name).open("rb") as handle:
                return handle.read(limit)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s")
                % {"file": name, "error": error.strerror or error}
            ) from None
