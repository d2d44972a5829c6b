from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import services, two_factor  # noqa: F401  (connect the sign-in receivers)

        checks.register(second_factor_required_check, checks.Tags.security, deploy=True)


def second_factor_required_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """``check --deploy`` warns of a site whose reviewers, leadership and administrators
    may sign in with a password alone."""
    if settings.TWO_FACTOR_REQUIRED:
        return []
    return [
        checks.Warning(
            "TWO_FACTOR_REQUIRED is off: reviewers, leadership and administrators sign in "
            "with a password alone.",
            hint="Unset TWO_FACTOR_REQUIRED (or set it to 1) outside a demo.",
            id="accounts.W001",
        )
    ]
