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
        from reports.permissions import group_label

        # Group names are codes ("reviewers"); every place that shows a group
        # (the admin's lists, filters, user form, history) shows its role instead.
        def group_str(group) -> str:
            return group_label(group.name)

        Group.__str__ = group_str  # type: ignore[method-assign]  # on purpose, see above
        # Before any URLconf is read: every address with a quarter uses it.
        register_converter(QuarterConverter, "quarter")
