"""The work waiting for someone: assignments awaiting an update, a unit's own
assignments, claims and deadline requests awaiting a decision."""

import datetime
from typing import TypeVar

from django.db.models import (
    Exists,
    F,
    OuterRef,
    QuerySet,
)
from django.utils import timezone

from directives import query
from directives.models import (
    Assignment,
    DeadlineChange,
    DeadlineChangeStatus,
    ProgressUpdate,
    ReviewStatus,
)
from directives.selectors.kept import kept
from reports.models import (
    Quarter,
)
from reports.permissions import AnyUser, reviewed_units, unit_roles

R = TypeVar("R", ProgressUpdate, DeadlineChange)

# ------------------------------------------------------------- unit staff


def assignments_awaiting_update(user: AnyUser, quarter: Quarter | None) -> list[Assignment]:
    """The user's units' open assignments without an update in ``quarter``, each with
    ``claim_pending`` (a "done" claim awaits confirmation: nothing can be posted); kept
    until something they read changes (``kept``)."""
    if quarter is None or not user.is_authenticated:
        return []
    today = timezone.localdate()
    return kept(
        "awaiting", user, (today, quarter.pk), lambda: _awaiting_update(user, quarter, today)
    )


def _awaiting_update(user: AnyUser, quarter: Quarter, today: datetime.date) -> list[Assignment]:
    qs = query.annotate_assignment_status(
        Assignment.objects.filter(unit_id__in=list(unit_roles(user))), quarter=quarter, today=today
    )
    claim_pending = ProgressUpdate.objects.filter(
        assignment=OuterRef("pk"), review_status=ReviewStatus.PENDING
    )
    return list(
        qs.filter(status__in=query.OPEN_VALUES, updated_this_quarter=False)
        .annotate(claim_pending=Exists(claim_pending))
        .select_related("unit", "directive", "directive__meeting")
        .order_by(
            F("due_date").asc(nulls_last=True), "directive__meeting__held_at", "directive__number"
        )
    )


def my_assignments(user: AnyUser, quarter: Quarter | None) -> QuerySet[Assignment]:
    """All assignments of the user's units, open ones first, with status."""
    qs = query.annotate_assignment_status(
        Assignment.objects.filter(unit_id__in=list(unit_roles(user))),
        quarter=quarter,
        today=timezone.localdate(),
    )
    return qs.select_related("unit", "directive", "directive__meeting").order_by(
        F("completed_on").asc(nulls_first=True),
        F("due_date").asc(nulls_last=True),
        "directive__number",
    )


# ---------------------------------------------------------------- reviewers


def _reviewed(queryset: QuerySet[R], user: AnyUser) -> QuerySet[R]:
    """Rows of the directives whose claims and deadline requests the user decides:
    those of meetings held by a unit they review (``permissions.can_review_progress_of``).
    The user sees every such directive (``permissions.directive_visibility``: a reviewed
    unit is an overseen one), so no visibility test is added."""
    reviewed = reviewed_units(user)
    if reviewed is None:
        return queryset
    return queryset.filter(assignment__directive__meeting__unit_id__in=reviewed)


def pending_confirmations(user: AnyUser) -> QuerySet[ProgressUpdate]:
    """The "done" claims awaiting the user's confirmation."""
    return (
        _reviewed(ProgressUpdate.objects.filter(review_status=ReviewStatus.PENDING), user)
        .select_related("assignment__unit", "assignment__directive", "quarter", "reported_by")
        .order_by("reported_at")
    )


def pending_deadline_changes(user: AnyUser) -> QuerySet[DeadlineChange]:
    """The deadline requests awaiting the user's decision."""
    return (
        _reviewed(DeadlineChange.objects.filter(status=DeadlineChangeStatus.PENDING), user)
        .select_related("assignment__unit", "assignment__directive", "requested_by")
        .order_by("requested_at")
    )
