from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Quarterly reports")

    def ready(self) -> None:
        from django.urls import register_converter

        from reports import signals  # noqa: F401  (connects the receivers)
        from reports.converters import QuarterConverter

        # Before any URLconf is read: every address with a quarter uses it.
        register_converter(QuarterConverter, "quarter")
