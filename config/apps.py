from django.contrib.admin.apps import AdminConfig


class PlannerAdminConfig(AdminConfig):
    """Django's admin with config.admin.PlannerAdminSite: superusers only."""

    default_site = "config.admin.PlannerAdminSite"
