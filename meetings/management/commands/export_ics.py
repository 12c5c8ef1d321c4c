"""Write a mission's calendar (or one delegate's) to a file or stdout: the feed's very bytes."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from meetings import calendars


class Command(BaseCommand):
    help = "Export the ICS calendar of a mission, or of one delegate with --delegate EMAIL."

    def add_arguments(self, parser):
        parser.add_argument("mission", metavar="MISSION_SLUG")
        parser.add_argument("--delegate", metavar="EMAIL", help="a delegation member's e-mail")
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="file to write (default: stdout)"
        )
        parser.add_argument(
            "--lang",
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the texts (default: the site's; a delegate's own for --delegate)",
        )

    def handle(self, *args, **options):
        mission = calendars.mission_with_versions(options["mission"])
        if mission is None:
            raise CommandError(_("No mission with slug “%s”.") % options["mission"])
        if options["delegate"]:
            member = calendars.member_by_email(mission, options["delegate"])
            if member is None:
                raise CommandError(
                    _("Nobody with e-mail “%(email)s” in the delegation of “%(mission)s”.")
                    % {"email": options["delegate"], "mission": mission.slug}
                )
            data = calendars.member_feed_bytes(member, language=options["lang"])
        else:
            data = calendars.mission_feed_bytes(
                mission, language=options["lang"] or settings.LANGUAGE_CODE
            )
        if options["output"]:
            Path(options["output"]).write_bytes(data)
            self.stderr.write(
                _("Wrote %(size)d bytes to %(file)s.")
                % {"size": len(data), "file": options["output"]}
            )
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
