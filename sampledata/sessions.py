"""Sessions of people past the whole sign-in, for the tests and the benchmark, which
sign in without the pages (``force_login``, a session made directly)."""

from django.contrib.auth.models import User
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor


def second_factor_given(session, user: User) -> None:
    """As after the code page: for whoever has or must have a second factor, a device
    of theirs (their authenticator app, set up here if they have none) is in the
    session. Read from a fresh copy, so that no role stays cached on ``user``."""
    fresh = User.objects.get(pk=user.pk)
    if not (two_factor.required(fresh) or two_factor.has_two_factor(fresh)):
        return
    device, _created = TOTPDevice.objects.get_or_create(
        user_id=user.pk, name=two_factor.APP_DEVICE, defaults={"confirmed": True}
    )
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.pop(two_factor.VERIFY_STEP, None)
