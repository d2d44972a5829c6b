"""What a user may see: meetings, directives, assignments and recommendations, each
narrowed to the user's scope, with their status; and the row limit of long lists.

Every list, search, count, dashboard and export starts from ``directives_visible_to``
(or ``assignments_visible_to``), so a confidential directive never leaks into a
number or a row.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, TypeVar

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.text import search_words
from directives import permissions, query
from directives.models import (
    Assignment,
    Directive,
    Meeting,
    Recommendation,
)
from directives.rules import DirectiveStatus
from reports.models import (
    Quarter,
)
from reports.permissions import AnyUser, Scope

if TYPE_CHECKING:
    from directives.query import AssignmentWithStatus, DirectiveWithStatus

S = DirectiveStatus
D = TypeVar("D", bound=Directive)

# The most rows a long list on the dashboard, the meeting page or the briefing
# pack shows: a province's lists fit whole; at national scale the rows that need
# attention come first and "N more" links to the full filtered list.
ROWS_SHOWN = 50


def current_quarter() -> Quarter | None:
    return Quarter.objects.current()


# ---------------------------------------------------------------- visibility


def directives_visible_to(user: AnyUser) -> QuerySet[Directive]:
    """Directives the user may know of (``permissions.directive_visibility``): all for
    the administrator and whoever oversees every unit; the others see their
    subtrees', their units' and, of the normal ones, those of the meetings above."""
    if not user.is_authenticated:
        return Directive.objects.none()
    condition = permissions.directive_visibility(user)
    if condition is None:
        return Directive.objects.all()
    return Directive.objects.filter(condition)


def assignments_visible_to(user: AnyUser) -> QuerySet[Assignment]:
    return Assignment.objects.filter(directive__in=directives_visible_to(user))


def assignments_in_scope(user: AnyUser, scope: Scope) -> QuerySet[Assignment]:
    """The visible assignments to units of ``scope``: what a dashboard counts.

    When every assignment of the scope is visible (``permissions.sees_every_assignment_of``:
    the units of one's own scope always are), the units alone narrow them; testing
    the visibility too would read every directive of the country to remove none, so a
    province's dashboard would cost more the more provinces there are.
    """
    assignments = scope.filter(Assignment.objects.all())
    if permissions.sees_every_assignment_of(user, scope.unit_ids):
        return assignments
    return assignments.filter(directive__in=directives_visible_to(user))


def directives_in_scope(directives: QuerySet[D], scope: Scope) -> QuerySet[D]:
    """``directives`` assigned to a unit of ``scope``, or (for those who oversee it) of a
    meeting held by one; all of them for every unit: what a dashboard or register
    export counts.

    The directives of the scope are found by their numbers, from the scope's
    assignments and meetings (indexed), and only those are tested against
    ``directives``' own conditions: a condition "assigned to the scope, or held by
    it" would be tested on every directive of the country.
    """
    if scope.is_everything:
        return directives
    numbers = scope.filter(Assignment.objects.all()).order_by().values("directive_id")
    if scope.oversees:
        held = scope.filter(Directive.objects.all(), "meeting__unit_id").order_by()
        numbers = numbers.union(held.values("pk"))
    return directives.filter(pk__in=numbers)


def directives_with_status(
    user: AnyUser,
    *,
    quarter: Quarter | None,
    today: datetime.date | None = None,
    as_of: datetime.date | None = None,
) -> QuerySet[DirectiveWithStatus]:
    """The visible directives with their derived ``status``, ready for the register
    (with ``as_of``, the status they had on that past day)."""
    today = today or timezone.localdate()
    return query.annotate_directive_status(
        directives_visible_to(user), quarter=quarter, today=today, as_of=as_of
    ).select_related("meeting", "meeting__quarter", "topic")


def assignments_with_status(
    user: AnyUser, *, quarter: Quarter | None, today: datetime.date | None = None
) -> QuerySet[AssignmentWithStatus]:
    today = today or timezone.localdate()
    return query.annotate_assignment_status(
        assignments_visible_to(user), quarter=quarter, today=today
    ).select_related("unit", "directive", "directive__meeting", "directive__topic")


def with_units(qs: QuerySet[D]) -> QuerySet[D]:
    """Prefetch each directive's assignments and units (one extra query)."""
    return qs.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("unit").order_by(
                "role", "unit__display_order", "unit__name"
            ),
        )
    )


# ------------------------------------------------------------ a directive


def directive_assignments(
    directive: Directive, *, quarter: Quarter | None, today: datetime.date | None = None
) -> list[AssignmentWithStatus]:
    """The directive's units, each with its own status and last update."""
    today = today or timezone.localdate()
    qs = query.annotate_assignment_status(
        directive.assignments.select_related("unit"), quarter=quarter, today=today
    ).order_by("role", "unit__display_order", "unit__name")
    return list(qs)


# ----------------------------------------------------------------- meetings


def visible_meetings(user: AnyUser) -> QuerySet[Meeting]:
    """Meetings the user may know of (``permissions.meeting_visibility``); 404 for others."""
    if not permissions.may_browse(user):
        return Meeting.objects.none()
    condition = permissions.meeting_visibility(user)
    return Meeting.objects.all() if condition is None else Meeting.objects.filter(condition)


def meetings_visible_to(user: AnyUser) -> QuerySet[Meeting]:
    """Visible meetings with the number of directives the user may see in each."""
    visible = directives_visible_to(user).filter(meeting=OuterRef("pk"))
    counted = visible.order_by().values("meeting").annotate(n=Count("pk")).values("n")
    return (
        visible_meetings(user)
        .select_related("quarter", "unit")
        .annotate(directive_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0))
    )


def meetings_matching(user: AnyUser, text: str, *, limit: int = 20) -> list[Meeting]:
    """The meeting pickers' search: visible meetings whose folded title, chair or
    venue holds every word of ``text``, newest first; at most ``limit``, one query.

    ``search_text`` is already folded, so a plain LIKE ignores diacritics on
    SQLite and PostgreSQL alike. An empty search finds nothing.
    """
    words = search_words(text)
    if not words:
        return []
    meetings = visible_meetings(user).only("title", "held_at")
    for word in words:
        meetings = meetings.filter(search_text__contains=word)
    return list(meetings.order_by("-held_at", "-pk")[:limit])


def recommendations_visible_to(user: AnyUser) -> QuerySet[Recommendation]:
    """Recommendations the user may read, with the chair's response.

    One that led only to confidential directives is as confidential as they
    are (docs/PERMISSIONS.md: seen by reviewers, leadership and the units assigned): it
    is shown to whoever may see at least one of its directives. One that led
    to no directive, or to a normal one, is seen by everyone who sees its meeting.
    """
    if not user.is_authenticated:
        return Recommendation.objects.none()
    if permissions.meeting_visibility(user) is None:
        return Recommendation.objects.all()
    links = Recommendation.directives.through.objects.filter(recommendation=OuterRef("pk"))
    visible_links = links.filter(directive__in=directives_visible_to(user))
    return Recommendation.objects.filter(
        ~Exists(links) | Exists(visible_links), meeting__in=visible_meetings(user)
    )


def meeting_recommendations(meeting: Meeting, user: AnyUser) -> QuerySet[Recommendation]:
    visible = directives_visible_to(user).order_by("number")
    return (
        recommendations_visible_to(user)
        .filter(meeting=meeting)
        .select_related("raised_by")
        .prefetch_related(Prefetch("directives", queryset=visible))
    )


UNIT_FIELDS = ("unit", "unit__name", "unit__short_name", "unit__display_order")
UNIT_ORDER = ("unit__display_order", "unit__name", "unit")


def in_unit_order(rows: list[dict], total: int) -> list[dict]:
    """Rows fetched worst first; when every row fits, back in the units' usual order."""
    if total <= ROWS_SHOWN:
        rows.sort(key=lambda row: tuple(row[field] for field in UNIT_ORDER))
    return rows
