"""Passwords people manage themselves: the rules in one place."""

import datetime
import hashlib

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import Account, ResetRequest

WINDOW = datetime.timedelta(hours=1)
# In the session of a person who must choose their password (accounts.middleware).
MUST_CHANGE = "_danvan_must_change_password"


def must_change_password(user) -> bool:
    """Whether the user signs in with a password an administrator chose, which they
    replace before anything else (``accounts.middleware``)."""
    if not user.is_authenticated:
        return False
    account = Account.objects.filter(user=user).only("must_change_password").first()
    return bool(account and account.must_change_password)


def password_set_by_admin(*, user) -> None:
    """An administrator chose the user's password (a new account, a password given):
    the user chooses their own at their next sign-in."""
    Account.objects.update_or_create(user=user, defaults={"must_change_password": True})


def password_chosen(*, user, session=None) -> None:
    """The user chose their password (changed it, or reset it by e-mail)."""
    Account.objects.filter(user=user, must_change_password=True).update(must_change_password=False)
    if session is not None:
        session.pop(MUST_CHANGE, None)


@receiver(user_logged_in, dispatch_uid="accounts.must_change_at_sign_in")
def _must_change_at_sign_in(sender, request, user, **kwargs) -> None:
    """Whether the person must choose a password is read once, as they sign in."""
    if request is not None and hasattr(request, "session") and must_change_password(user):
        request.session[MUST_CHANGE] = True


def _digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def reset_request_allowed(*, address: str | None, email: str) -> bool:
    """Whether a reset mail may go for this request: at most ``RESET_LIMIT_PER_ADDRESS``
    requests from an address and ``RESET_LIMIT_PER_EMAIL`` mails for an e-mail an hour.
    The request is recorded either way, so asking again does not start afresh."""
    since = timezone.now() - WINDOW
    recent = ResetRequest.objects.filter(at__gte=since)
    digest = _digest(email)
    allowed = (
        recent.filter(address=address or None).count() < settings.RESET_LIMIT_PER_ADDRESS
        and recent.filter(email_digest=digest, mailed=True).count() < settings.RESET_LIMIT_PER_EMAIL
    )
    ResetRequest.objects.filter(at__lt=timezone.now() - 24 * WINDOW).delete()
    ResetRequest.objects.create(address=address or None, email_digest=digest, mailed=allowed)
    return allowed
