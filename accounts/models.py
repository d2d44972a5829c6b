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
