from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Quarterly reports")

    def ready(self) -> None:
        from django.contrib.auth.models import Group
        from django.urls import register_converter

        from reports import signals  # noqa: F401  (connects the receivers)
        from reports.converters import QuarterConverter
        from reports.models import RETIRED_ROLE_GROUPS

        # The retired role groups say so wherever a group is shown (the admin's lists,
        # filters, the user form, history); other groups show their name.
        def group_str(group) -> str:
            return str(RETIRED_ROLE_GROUPS.get(group.name, group.name))

        Group.__str__ = group_str  # type: ignore[method-assign]  # on purpose, see above

        # Before any URLconf is read: every address with a quarter uses it.
        register_converter(QuarterConverter, "quarter")

        # Whom the notifications' settings page offers which kinds of event.
        from notifications.audience import register
        from reports.permissions import notification_kinds

        register(notification_kinds)

        # Who must sign in with a second factor.
        from accounts.two_factor import register_required
        from reports.permissions import needs_second_factor

        register_required(needs_second_factor)
