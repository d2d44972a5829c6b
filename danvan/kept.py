"""A form sent when it cannot be saved (session expired, CSRF failure, not allowed)
leads back to the page that showed it, where ``static/js/site.js`` offers the text
that this browser kept."""

from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def _on_this_site(request: HttpRequest, url: str) -> str | None:
    """``url`` as a path of this site (query kept), or None if it leads elsewhere."""
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(url)
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def page_before(request: HttpRequest) -> str | None:
    """The page of this site the browser came from (its Referer), if any."""
    return _on_this_site(request, request.META.get("HTTP_REFERER", ""))


def form_page(request: HttpRequest) -> str:
    """The page that showed the form of this POST: the form's ``next`` field, else the
    page the browser came from, else the URL posted to (a form that posts to its own page)."""
    try:
        posted_next = request.POST.get("next", "")
    except (SuspiciousOperation, MultiPartParserError, UnreadablePostError):
        posted_next = ""  # a body too large or broken to read: the Referer will do
    return _on_this_site(request, posted_next) or page_before(request) or request.get_full_path()


class SignInReturnsToFormMiddleware:
    """After signing in, a form sent on an expired session is shown again, not its action.

    ``login_required`` sends an anonymous POST to sign in with ``next`` = the URL posted
    to; for an action that answers POST only (a review, a decision) that would end in
    "405" after signing in, and the kept text would be offered on no page. The redirect
    is turned to the page that showed the form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            request.method != "POST"
            or response.status_code != 302
            or user is None
            or user.is_authenticated
        ):
            return response
        location = urlsplit(response["Location"])
        sent_to_sign_in = location.path == resolve_url(settings.LOGIN_URL) and parse_qs(
            location.query
        ).get("next") == [request.get_full_path()]
        if not sent_to_sign_in:
            return response
        return redirect_to_login(form_page(request))
