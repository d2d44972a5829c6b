"""Two-factor sign-in: the rules in one place, on django-otp's devices.

A person signs in with their password, then with a code: six digits from an
authenticator app (a TOTP device; a code is taken once, so one overheard is no use)
or one of their recovery codes (a static device; each code works once). Required of
administrators and of whoever the apps' registered rules name (``reports.apps``:
reviewers and leadership); unit staff may turn it on for themselves.

What the person has left to do is read in ``accounts.middleware``; every change of a
second factor is kept on record (``TwoFactorEvent``).
"""

import time
import unicodedata
from base64 import b32encode
from binascii import unhexlify
from collections.abc import Callable
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from accounts.models import TwoFactorChange, TwoFactorEvent

RECOVERY_CODES = 10
# Wrong codes make the next try wait 1, 2, 4… seconds, up to 2**(this - 1).
MAX_WAIT_DOUBLINGS = 10
APP_DEVICE = "app"
RECOVERY_DEVICE = "recovery"
# In the session: a second factor to give before anything else (set at sign-in for
# those who have one), the key being set up until a code confirms it, and the new
# recovery codes until their page has shown them once.
VERIFY_STEP = "_danvan_second_factor_due"
PENDING_KEY = "_danvan_two_factor_key"
NEW_CODES = "_danvan_recovery_codes"

Rule = Callable[[Any], bool]  # of a signed-in user
_required_by: list[Rule] = []


def register_required(rule: Rule) -> None:
    """An app names the people who must use a second factor (its roles)."""
    if rule not in _required_by:
        _required_by.append(rule)


def required(user) -> bool:
    """Whether the user must sign in with a second factor: whoever opens the Django
    admin, and the people the apps' rules name. ``TWO_FACTOR_REQUIRED=0`` lifts it."""
    if not (settings.TWO_FACTOR_REQUIRED and user.is_authenticated):
        return False
    return user.is_staff or user.is_superuser or any(rule(user) for rule in _required_by)


def app_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@receiver(user_logged_in, dispatch_uid="accounts.second_factor_at_sign_in")
def _second_factor_at_sign_in(sender, request, user, **kwargs) -> None:
    """Whoever has a second factor gives it after the password (read once, here)."""
    if request is not None and hasattr(request, "session") and has_two_factor(user):
        request.session[VERIFY_STEP] = True


# --- Setting it up ---------------------------------------------------------------


def pending_key(session) -> str:
    """The secret being set up in this session: the same until a code confirms it, so
    that reloading the page does not change what the app was given."""
    key = session.get(PENDING_KEY)
    if not key:
        key = session[PENDING_KEY] = default_key()
    return key


def key_for_typing(key: str) -> str:
    """The secret as an authenticator app asks for it when typed: base32, in fours."""
    text = b32encode(unhexlify(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def setup_qr_svg(user, key: str) -> str:
    """The otpauth:// address of the key as a QR code, drawn here as SVG markup (no
    image service, nothing the Content-Security-Policy would refuse)."""
    uri = TOTPDevice(user=user, key=key).config_url
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return image.to_string(encoding="unicode")


def _code(text: str) -> str:
    """What was typed, as a code: full-width digits and letters read as plain ones,
    spaces and dashes (as codes are often written) left out, lower case."""
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum()).lower()[:32]


def _wrong_code() -> ValidationError:
    return ValidationError(
        _("That code is not right. Type the six digits your app shows now, or a recovery code."),
        code="wrong_code",
    )


@transaction.atomic
def set_up(
    *, user, key: str, code: str, session_key: str | None = None
) -> tuple[TOTPDevice, list[str]]:
    """Keeps the key once the app proves it has it (a code it made from it), with new
    recovery codes, which are returned to be shown once. The person's other sessions
    end: each signs in again, with a code."""
    # One set-up at a time per person (two pages sent at once would make two keys).
    User.objects.select_for_update().filter(pk=user.pk).first()
    if has_two_factor(user):
        raise ValidationError(_("Two-factor sign-in is already set up."), code="set_up")
    token = _code(code)
    totp = TOTP(unhexlify(key))
    totp.time = time.time()
    if not (token.isdigit() and len(token) == 6 and totp.verify(int(token), tolerance=1)):
        raise _wrong_code()
    device = TOTPDevice.objects.create(
        user=user, name=APP_DEVICE, key=key, confirmed=True, last_t=totp.t(), drift=totp.drift
    )
    codes = _replace_recovery_codes(user)
    TwoFactorEvent.objects.create(user=user, change=TwoFactorChange.SET_UP, by=user)
    end_sessions(user, keep=session_key)
    return device, codes


def _replace_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def new_recovery_codes(*, user) -> list[str]:
    """New recovery codes for the user, the old ones no longer working."""
    if not has_two_factor(user):
        raise ValidationError(_("Set up two-factor sign-in first."), code="not_set_up")
    codes = _replace_recovery_codes(user)
    TwoFactorEvent.objects.create(user=user, change=TwoFactorChange.NEW_CODES, by=user)
    return codes


def changes_of(user) -> QuerySet[TwoFactorEvent]:
    """The changes to the user's second factor on record, the latest first."""
    return TwoFactorEvent.objects.filter(user=user).select_related("by")


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Giving it -------------------------------------------------------------------


def verify(*, user, code: str) -> Device:
    """The device the code is good for. Refused when wrong, when already taken, and
    while the device waits after wrong codes (1, 2, 4, 8… seconds, django-otp's
    throttling). The device is locked meanwhile, so one code is not taken twice by
    two requests at once."""
    token = _code(code)
    app = token.isdigit() and len(token) == 6
    model = TOTPDevice if app else StaticDevice
    refused: ValidationError | None = None
    with transaction.atomic():
        # The wrong tries are counted in this transaction: the refusal is raised after it.
        for device in model.objects.select_for_update().filter(user=user, confirmed=True):
            # Someone with the password alone must not lock the owner out for days: the
            # wait doubles up to MAX_WAIT_DOUBLINGS wrong tries (about 8 minutes), no more.
            device.throttling_failure_count = min(
                device.throttling_failure_count, MAX_WAIT_DOUBLINGS
            )
            allowed, details = device.verify_is_allowed()
            if not allowed:
                refused = _waiting((details or {}).get("locked_until"))
                break
            if token and device.verify_token(token):
                return device
    raise refused or _wrong_code()


def _waiting(until) -> ValidationError:
    seconds = max(1, int((until - timezone.now()).total_seconds())) if until else 1
    return ValidationError(
        ngettext(
            "Too many wrong codes: wait %(seconds)d second and try again.",
            "Too many wrong codes: wait %(seconds)d seconds and try again.",
            seconds,
        )
        % {"seconds": seconds},
        code="waiting",
    )


# --- Taking it away --------------------------------------------------------------


@transaction.atomic
def turn_off(*, user) -> None:
    """The person turns their second factor off (only if it is not required of them)."""
    if required(user):
        raise ValidationError(
            _("Your role requires two-factor sign-in: it cannot be turned off."),
            code="required",
        )
    if not has_two_factor(user):
        raise ValidationError(_("Two-factor sign-in is not set up."), code="not_set_up")
    _remove_devices(user)
    TwoFactorEvent.objects.create(user=user, change=TwoFactorChange.TURNED_OFF, by=user)


@transaction.atomic
def reset(*, user, by) -> None:
    """An administrator removes the user's second factor (a lost phone and lost codes):
    every session of the user ends, and they set a new one up at their next sign-in if
    it is required of them. On record whether or not one was set up."""
    _remove_devices(user)
    end_sessions(user)
    TwoFactorEvent.objects.create(user=user, change=TwoFactorChange.RESET, by=by)


def _remove_devices(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def end_sessions(user, *, keep: str | None = None) -> None:
    """Ends the user's sessions but ``keep`` (the database's sessions are read one by
    one: a change of second factor is rare, the live sessions a few thousand)."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep)
    ended = [
        session.pk
        for session in live.iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
