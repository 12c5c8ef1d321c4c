import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from meetings.demo import load_demo

DEMO_USERNAME = "coordinator"
ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = "Load the VTM Michigan 2025 demo mission (idempotent: a second run changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-demo-user",
            action="store_true",
            help=(
                "Also create a coordinator login for trying it locally, and a superuser "
                "'admin' for Django's admin (DEBUG only)."
            ),
        )

    def handle(self, *args, with_demo_user: bool = False, **options):
        if with_demo_user and not settings.DEBUG:
            raise CommandError("--with-demo-user is for local trials: it needs DEBUG=1.")
        missions = load_demo(report=lambda message: self.stdout.write(message))
        # Delegates see published versions only (releases); imported here, lazily, because
        # releases builds on meetings and not the other way round.
        from releases.demo import publish_demo_versions
        from releases.digests import digests_kept_in_memory

        with digests_kept_in_memory():  # the demo's addresses are made up: no mail leaves
            publish_demo_versions(missions, report=lambda message: self.stdout.write(message))
        titles = ", ".join(mission.slug for mission in missions)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {titles}"))
        if with_demo_user:
            password = self._demo_user(missions)
            admin_password = self._demo_admin()
            # Where `make run` serves (it sets SITE_URL to http://HOST:PORT).
            site = settings.SITE_URL.rstrip("/")
            self.stdout.write(
                self.style.WARNING(
                    "Demo login (local only): "
                    f"username {DEMO_USERNAME!r}, password {password!r} "
                    f"at {site}/\n"
                    "Admin login (local only): "
                    f"username {ADMIN_USERNAME!r}, password {admin_password!r} "
                    f"at {site}/admin/"
                )
            )
        # Outcomes and follow-ups (issue 11), after the demo user who owns the follow-ups;
        # imported here because outcomes sits above meetings.
        from outcomes.demo import load_demo_outcomes

        load_demo_outcomes(missions, report=lambda message: self.stdout.write(message))
        # The B2B matchmaking session of VTM Torino 2026 (issue 13), scheduled and published;
        # imported here because matchmaking sits above meetings.
        from matchmaking.demo import load_demo_matchmaking

        load_demo_matchmaking(missions, report=lambda message: self.stdout.write(message))

    @transaction.atomic
    def _demo_user(self, missions) -> str:
        """A plain coordinator of the demo missions: the planner, not the admin (which is for
        superusers only and shows every mission)."""
        password = os.environ.get("DEMO_PASSWORD", "piemonte-2025")
        user, _ = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={
                "first_name": "Demo",
                "last_name": "Coordinator",
                "email": "demo@example.org",
            },
        )
        # Earlier versions made the demo coordinator staff with every permission: undo that.
        if not user.check_password(password) or user.is_staff or user.is_superuser:
            user.set_password(password)
            user.is_staff = user.is_superuser = False
            user.save()
        user.user_permissions.clear()
        for mission in missions:
            mission.coordinators.add(user)
        return password

    @transaction.atomic
    def _demo_admin(self) -> str:
        """A superuser for the admin, with a password made up on each run and printed."""
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(
            username=ADMIN_USERNAME, defaults={"email": "admin@example.org"}
        )
        user.set_password(password)
        user.is_staff = user.is_superuser = True
        user.save()
        return password
