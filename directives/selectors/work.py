"""The work waiting for someone: assignments awaiting an update, a unit's own
assignments, claims and deadline requests awaiting a decision."""

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
from directives.selectors.visible import directives_visible_to
from reports.models import (
    Quarter,
)
from reports.permissions import AnyUser, unit_roles

# ------------------------------------------------------------- unit staff


def assignments_awaiting_update(user: AnyUser, quarter: Quarter | None) -> QuerySet[Assignment]:
    """The user's units' open assignments without an update in ``quarter``, each with
    ``claim_pending`` (a "done" claim awaits confirmation: nothing can be posted)."""
    if quarter is None or not user.is_authenticated:
        return Assignment.objects.none()
    qs = query.annotate_assignment_status(
        Assignment.objects.filter(unit_id__in=list(unit_roles(user))),
        quarter=quarter,
        today=timezone.localdate(),
    )
    claim_pending = ProgressUpdate.objects.filter(
        assignment=OuterRef("pk"), review_status=ReviewStatus.PENDING
    )
    return (
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


def pending_confirmations(user: AnyUser) -> QuerySet[ProgressUpdate]:
    return (
        ProgressUpdate.objects.filter(
            review_status=ReviewStatus.PENDING,
            assignment__directive__in=directives_visible_to(user),
        )
        .select_related("assignment__unit", "assignment__directive", "quarter", "reported_by")
        .order_by("reported_at")
    )


def pending_deadline_changes(user: AnyUser) -> QuerySet[DeadlineChange]:
    return (
        DeadlineChange.objects.filter(
            status=DeadlineChangeStatus.PENDING,
            assignment__directive__in=directives_visible_to(user),
        )
        .select_related("assignment__unit", "assignment__directive", "requested_by")
        .order_by("requested_at")
    )
