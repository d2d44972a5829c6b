"""The home page: the unit's workspace for unit staff, the follow-up summary for
reviewers and leadership, and who you are for everyone."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.templatetags.static import static
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from danvan.kept import page_before
from directives import selectors as directive_selectors
from reports import permissions
from reports.models import Quarter
from reports.selectors import memberships_of, workspace_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    current_quarter = Quarter.objects.current()
    days_left = current_quarter.days_left() if current_quarter else 0
    context: dict[str, Any] = {
        "memberships": memberships_of(user),
        "current_quarter": current_quarter,
        "days_left": days_left,
        "days_late": -days_left,
        "workspace": [],
    }
    if permissions.is_unit_staff(user):
        context["workspace"] = workspace_for(user, current_quarter)
        context["awaiting_assignments"] = directive_selectors.assignments_awaiting_update(
            user, current_quarter
        )
    if permissions.oversees(user):
        context.update(directive_selectors.dashboard_summary_context(user))
    return render(request, "home.html", context)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without a <link rel="icon"> (admin).

    The static URL is looked up per request: in production it comes from the
    manifest that collectstatic writes, which does not exist at import time.
    """
    return redirect(static("img/favicon.svg"), permanent=True)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check (CSRF_FAILURE_VIEW): nothing was saved, but the
    text is kept in this browser (static/js/site.js) and offered again on the form's page."""
    return render(
        request,
        "403_csrf.html",
        {"back": page_before(request) or resolve_url("home")},
        status=403,
    )


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page (handler403), with the way back to the page the user came from."""
    return render(
        request,
        "403.html",
        {"back": page_before(request), "sent_a_form": request.method == "POST"},
        status=403,
    )
