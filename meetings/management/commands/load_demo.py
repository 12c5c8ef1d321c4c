import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from meetings.demo import load_demo

DEMO_USERNAME = "coordinator"


class Command(BaseCommand):
    help = "Load the VTM Michigan 2025 demo mission (idempotent: a second run changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-demo-user",
            action="store_true",
            help="Also create a coordinator login for trying it locally (DEBUG only).",
        )

    def handle(self, *args, with_demo_user: bool = False, **options):
        if with_demo_user and not settings.DEBUG:
            raise CommandError("--with-demo-user is for local trials: it needs DEBUG=1.")
        missions = load_demo(report=lambda message: self.stdout.write(message))
        titles = ", ".join(mission.slug for mission in missions)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {titles}"))
        if with_demo_user:
            password = self._demo_user(missions)
            self.stdout.write(
                self.style.WARNING(
                    "Demo login (local only): "
                    f"username {DEMO_USERNAME!r}, password {password!r} "
                    "at http://127.0.0.1:8000/ (admin: /admin/)"
                )
            )

    @transaction.atomic
    def _demo_user(self, missions) -> str:
        password = os.environ.get("DEMO_PASSWORD", "piemonte-2025")
        user, _ = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={
                "first_name": "Demo",
                "last_name": "Coordinator",
                "email": "demo@example.org",
            },
        )
        if not user.check_password(password) or not user.is_staff:
            user.set_password(password)
            user.is_staff = True
            user.save()
        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label__in=["missions", "delegations", "meetings"]
            )
        )
        for mission in missions:
            mission.coordinators.add(user)
        return password
