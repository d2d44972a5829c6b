"""What the base layout needs to draw the navigation for the signed-in user.

Every answer comes from ``reports.permissions``: templates show or hide links by
these values and never work out a role themselves. What waits for the user (the
bell's unread count; for a reviewer, the reports, claims and deadline requests to
decide) is counted in one query, when the navigation first draws a count.
"""

from django.contrib.auth.models import User
from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from directives.selectors import pending_confirmations, pending_deadline_changes
from notifications.selectors import unread
from reports import permissions
from reports.selectors import reports_awaiting_review


def _count(rows: QuerySet) -> Coalesce:
    """The number of ``rows``, as a column of another query."""
    counted = rows.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")[:1], output_field=IntegerField()), 0)


def waiting(user) -> dict[str, int]:
    """{name: count} of what waits for ``user`` (one query; none when signed out)."""
    if not user.is_authenticated:
        return {}
    columns = {"unread": _count(unread(user))}
    if permissions.is_reviewer(user):
        columns["reports"] = _count(reports_awaiting_review(user))
        columns["claims"] = _count(pending_confirmations(user))
        columns["deadlines"] = _count(pending_deadline_changes(user))
    return User.objects.filter(pk=user.pk).annotate(**columns).values(*columns).get()


def navigation(request: HttpRequest) -> dict:
    user = request.user
    if getattr(request, "sign_in_step", None):
        # Part-way through signing in (accounts.middleware): no menu, nothing counted.
        return {"nav": {"signing_in": True}}
    return {
        "nav": {
            "is_reviewer": permissions.is_reviewer(user),
            "is_leadership": permissions.is_leadership(user),
            "is_unit_staff": permissions.is_unit_staff(user),
            "is_admin": permissions.is_admin(user),
            "may_browse": permissions.may_browse(user),
            "can_see_queue": permissions.can_see_queue(user),
            "waiting": SimpleLazyObject(lambda: waiting(user)),
        }
    }
