"""Publish the working programme of missions as a new version, from the command line.

Run once after upgrading to programme versions (`--unversioned`): every published mission
without a version gets version 1 from its current rows, so its delegates' pages and feeds
keep showing what they showed before (meetings keep their SEQUENCE). Idempotent: a mission
that has a version is left alone. With `--mission SLUG`: publish that mission's changes.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from missions.models import Mission
from releases.models import ProgrammeVersion
from releases.services import programme_publish


class Command(BaseCommand):
    help = "Publish missions' programmes as versions (after the upgrade: --unversioned)."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument(
            "--unversioned",
            action="store_true",
            help="Every published mission that has no version yet gets version 1.",
        )
        target.add_argument("--mission", help="Publish this mission's (slug) pending changes.")
        parser.add_argument("--note", default="", help="The version's note.")

    def handle(self, *args, unversioned: bool = False, mission=None, note: str = "", **options):
        if mission:
            found = Mission.objects.filter(slug=mission).first()
            if found is None:
                raise CommandError(f"No mission {mission!r}.")
            missions = [found]
        else:
            versioned = ProgrammeVersion.objects.values("mission")
            missions = list(Mission.objects.published().exclude(pk__in=versioned))
        for target in missions:
            try:
                version = programme_publish(mission=target, user=None, note=note)
            except ValidationError as error:
                raise CommandError(f"{target.slug}: {' '.join(error.messages)}") from error
            self.stdout.write(f"{target.slug}: version {version.number} published")
        if not missions:
            self.stdout.write("Nothing to publish.")
