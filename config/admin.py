"""Django's admin is for superusers only (docs/permissions.md).

The admin shows every mission, meeting (internal notes, outcomes), delegation member and
secret link of the agency; the planner scopes each of them to the mission's coordinators.
Rather than scope every admin queryset again, the admin is closed to anyone but superusers:
a staff coordinator gets the admin's login page, never data.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError


class SuperuserAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            # The same words as a wrong password: no hint that the password was right.
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class PlannerAdminSite(AdminSite):
    login_form = SuperuserAuthenticationForm

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser
