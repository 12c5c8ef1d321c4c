from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = _("Missions")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, pre_delete
        from simple_history.signals import pre_create_historical_record

        from missions import history
        from missions.models import Mission

        # Tag what a mission's delete takes with it, so restoring the mission brings back
        # exactly that (see missions.history).
        pre_delete.connect(history.mission_pre_delete, sender=Mission)
        post_delete.connect(history.mission_post_delete, sender=Mission)
        pre_create_historical_record.connect(history.tag_cascade_delete)
