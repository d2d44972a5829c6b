"""What the site keeps about an account beyond Django's user: whether its password is
one an administrator chose (to be replaced at the next sign-in), and the password
resets asked for (each address and e-mail may ask a few times an hour)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Account(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="account",
    )
    must_change_password = models.BooleanField(
        _("must choose a new password"),
        default=False,
        help_text=_("Set when an administrator chooses the password: the person replaces it."),
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return str(self.user)


class ResetRequest(models.Model):
    """A password reset asked for: by whom (the address) and for what (a digest of the
    e-mail typed, never the address itself, which may be anyone's)."""

    address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    email_digest = models.CharField(_("e-mail (digest)"), max_length=64)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    # Only the resets that were mailed count against the e-mail: others asking for it
    # past their own limit do not use up its owner's.
    mailed = models.BooleanField(_("mailed"), default=False)

    class Meta:
        verbose_name = _("password reset asked")
        verbose_name_plural = _("password resets asked")
        indexes = [
            models.Index(fields=["address", "at"], name="reset_by_address"),
            models.Index(fields=["email_digest", "at"], name="reset_by_email"),
        ]

    def __str__(self) -> str:
        return f"{self.address} · {self.at:%d/%m/%Y %H:%M}"


class TwoFactorChange(models.TextChoices):
    SET_UP = "set_up", _("set up")
    NEW_CODES = "new_codes", _("new recovery codes")
    TURNED_OFF = "turned_off", _("turned off")
    RESET = "reset", _("reset by an administrator")


class TwoFactorEvent(models.Model):
    """A change to someone's second factor, kept on record: who set it up, took new
    recovery codes or turned it off, and which administrator reset it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="two_factor_events",
    )
    change = models.CharField(_("what changed"), max_length=20, choices=TwoFactorChange.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("two-factor change")
        verbose_name_plural = _("two-factor changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="two_factor_by_user")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_change_display()} · {self.at:%d/%m/%Y %H:%M}"
