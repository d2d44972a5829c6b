"""Names for types that Django's own annotations leave unnamed."""

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    # django-stubs calls a gettext_lazy() text a _StrPromise: it acts as a str.
    from django.utils.functional import _StrOrPromise as StrOrPromise
else:
    StrOrPromise = str | Promise


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind ``login_required``: its user has signed in.

    Only an annotation: Django still passes its own request object.
    """

    user: "User"


__all__ = ["AuthenticatedHttpRequest", "StrOrPromise"]
