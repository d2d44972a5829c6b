"""Small pieces of the sign-in protection that settings point to."""

import time
from typing import TYPE_CHECKING, cast

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.contrib.auth.signals import user_logged_in
from django.core.validators import MaxLengthValidator
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from common.http import client_ip

REFRESHED = "_danvan_refreshed"


if TYPE_CHECKING:
    # The mixin only ever comes before a sign-in form, whose fields it narrows.
    _FormBase = AuthenticationForm
else:
    _FormBase = object


class _UserNameLimit(_FormBase):
    """Enforce the user name's length, which Django's sign-in form only shows.

    Without it a pasted text of any length was tried as a user name, and
    recording the failure for the lockout (255 characters) answered 500 on
    PostgreSQL. No account has a longer name, so nothing is lost.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(UsernameField, self.fields["username"])
        field.validators.append(MaxLengthValidator(field.max_length))


class SignInForm(_UserNameLimit, AuthenticationForm):
    pass


class AdminSignInForm(_UserNameLimit, AdminAuthenticationForm):
    pass


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """The page a locked-out sign-in gets (HTTP 429), saying how long to wait."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    by_address = getattr(request, "axes_address_locked", False)
    return render(
        request,
        "registration/locked_out.html",
        {
            "by_address": by_address,
            "failure_limit": (
                settings.AXES_ADDRESS_FAILURE_LIMIT if by_address else settings.AXES_FAILURE_LIMIT
            ),
            "minutes": minutes,
        },
        status=429,
    )


def address_failures(request: HttpRequest) -> int:
    """Failed sign-ins from the request's address within the cool-off, whatever user
    names they tried (django-axes counts them per user name and address)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = AccessAttempt.objects.filter(ip_address=client_ip(request) or None)
    total = rows.filter(attempt_time__gte=since).aggregate(Sum("failures_since_start"))
    return total["failures_since_start__sum"] or 0


def address_locked(request: HttpRequest) -> bool:
    """Whether the address has failed ``AXES_ADDRESS_FAILURE_LIMIT`` times across user
    names: one user name after another (password spraying) is stopped too. Higher
    than the limit per user name, since an office signs in from one address."""
    return address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for sign-ins that come with a request, and the
    lockout of an address across user names (``address_locked``).

    Every sign-in through the site (the sign-in page, the admin) passes the
    request. Code that checks a password without one (a management command,
    a test) is not a sign-in and goes straight to the next backend, where
    axes itself would raise an error.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        if address_locked(request):
            # As axes does for a locked user name: its middleware answers with
            # lockout_response.
            request.axes_locked_out = True
            request.axes_address_locked = True
            raise AxesBackendPermissionDenied("Too many failed sign-ins from this address")
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_logged_in, dispatch_uid="danvan.security.session_refreshed_at_login")
def _session_refreshed_at_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[REFRESHED] = int(time.time())


class SessionRefreshMiddleware:
    """Keep a signed-in session alive while it is used: inactivity ends it.

    The session's expiry moves SESSION_COOKIE_AGE ahead whenever it is saved;
    this saves it when SESSION_REFRESH_SECONDS have passed since the last save,
    so a busy user writes once a minute, not on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated or session.modified:
            return response
        now = int(time.time())
        if now - session.get(REFRESHED, 0) >= settings.SESSION_REFRESH_SECONDS:
            session[REFRESHED] = now
        return response


class PrivateCacheMiddleware:
    """Nothing shown to a signed-in user is kept by a browser or a proxy cache.

    Every response to a signed-in user (pages and downloads alike) gets
    ``Cache-Control: private, no-store`` (and no-cache, max-age=0): a shared
    computer's back button or disk cache must not keep a unit's reports.
    Static files never get here (WhiteNoise answers them earlier) and pages for
    anonymous visitors keep their own headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
