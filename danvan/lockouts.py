"""django-axes' app, named in Vietnamese in the admin. Not in an apps.py, where Django
would take it for the project's own app."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class LockoutsConfig(AxesAppConfig):
    """django-axes, named in Vietnamese in the admin (its records: danvan/admin.py)."""

    verbose_name = _("Failed sign-ins")
