from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "directives"
    verbose_name = _("Directives and follow-up")

    def ready(self) -> None:
        from directives import signals  # noqa: F401  (connects the receivers)
