from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import two_factor
from accounts.services import MUST_CHANGE

# What a person part-way through signing in may still reach besides the step's page.
OPEN_PATHS = ("/accounts/logout/", "/i18n/", "/static/", "/healthz", "/favicon.ico")


def pending_step(request) -> str | None:
    """The URL name of the sign-in step the person must take before any other page, or
    None: the second factor of whoever has one, then a password an administrator chose,
    then setting up the second factor required of their role."""
    user = request.user
    if not user.is_authenticated:
        return None
    verified = user.is_verified()
    if not verified and request.session.get(two_factor.VERIFY_STEP):
        if two_factor.has_two_factor(user):
            return "two_factor_verify"
        # Reset or turned off meanwhile (a lost phone): nothing left to give.
        del request.session[two_factor.VERIFY_STEP]
    if request.session.get(MUST_CHANGE):
        return "password_change"
    if not verified and two_factor.required(user):
        return "two_factor_setup"
    return None


_TOLD = {
    "two_factor_verify": None,  # its page says what to do
    "password_change": _("Your password was set by an administrator: choose your own to go on."),
    "two_factor_setup": _("Your role requires two-factor sign-in: set it up to go on."),
}


class SignInStepsMiddleware:
    """Nothing opens until the person has taken the steps of signing in that remain
    (``pending_step``): skipping one by typing another address leads back to it, with
    the address kept to go on to afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = request.sign_in_step = pending_step(request)
        if step is None:
            return self.get_response(request)
        target = reverse(step)
        if request.path == target or request.path_info.startswith(OPEN_PATHS):
            return self.get_response(request)
        # Said on the page the browser opens, not to a script's request on the way.
        navigating = request.headers.get("Sec-Fetch-Dest", "document") == "document"
        if _TOLD[step] and navigating:
            messages.info(request, str(_TOLD[step]))
        if request.method == "GET" and navigating and request.path != reverse("home"):
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
