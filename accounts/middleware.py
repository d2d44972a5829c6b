from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.services import MUST_CHANGE

# What a person who must choose a password may still reach.
OPEN_PATHS = ("/accounts/", "/i18n/", "/static/", "/healthz", "/favicon.ico")


class PasswordChangeRequiredMiddleware:
    """An account whose password an administrator chose goes to the password page
    first: nothing else opens until the person has chosen their own. Read from the
    session (set at sign-in, ``accounts.services``): no query on every page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.session.get(MUST_CHANGE)
            and not request.path_info.startswith(OPEN_PATHS)
        ):
            messages.info(
                request,
                _("Your password was set by an administrator: choose your own to go on."),
            )
            return redirect(reverse("password_change"))
        return self.get_response(request)
