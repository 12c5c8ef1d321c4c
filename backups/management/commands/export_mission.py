"""Write one mission, with everything under it, as a JSON file (see backups/mission_json.py)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backups import mission_file, mission_json
from missions.models import Mission


class Command(BaseCommand):
    help = (
        "Export a mission (venues, delegation with tokens, people, organisations, meetings "
        "with UIDs, notes and outcomes, coordinators) as JSON that import_mission reads back."
    )

    def add_arguments(self, parser):
        parser.add_argument("mission", metavar="MISSION_SLUG")
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="file to write (default: stdout)"
        )

    def handle(self, *args, **options):
        mission = Mission.objects.filter(slug=options["mission"]).first()
        if mission is None:
            raise CommandError(_("No mission with slug “%s”.") % options["mission"])
        data = mission_file.dumps(mission_json.export_mission(mission))
        if options["output"]:
            try:
                Path(options["output"]).write_bytes(data)
            except OSError as error:
                raise CommandError(
                    _("Cannot write %(file)s: %(error)s")
                    % {"file": options["output"], "error": error.strerror or error}
                ) from None
            self.stderr.write(
                _(
                    "Wrote mission “%(slug)s” (%(size)d bytes) to %(file)s; it holds the "
                    "delegates' secret links: keep it safe."
                )
                % {"slug": mission.slug, "size": len(data), "file": options["output"]}
            )
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
