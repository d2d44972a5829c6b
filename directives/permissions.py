"""Who may do what with meetings, directives and progress (docs/PERMISSIONS.md).

Every view of the app asks here. Who may browse at all (``may_browse``), who sees
every unit (``sees_all_units``) and whose figures a user sees (``scope_for``) are
the reporting cycle's answers, re-exported from ``reports.permissions``.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from common.types import StrOrPromise
from directives import rules
from directives.models import Assignment, Confidentiality, DeadlineChangeStatus, ReviewStatus
from reports.permissions import (
    AnyUser,
    is_leadership,
    is_member_of,
    is_reviewer,
    is_unit_staff,
    may_browse,
    scope_for,
    sees_all_units,
    unit_roles,
)


def directive_visibility(user: AnyUser) -> Q | None:
    """Which directives ``user`` may know exist, as a condition on Directive: None for
    all of them (reviewers, leadership, administrators); else the normal ones and the
    confidential ones assigned to the user's units. Every page, count and export
    reads it through ``selectors.directives_visible_to``; a single directive is
    fetched from that queryset too (404 when it is not there)."""
    if sees_all_units(user):
        return None
    assigned_to_mine = Exists(
        Assignment.objects.filter(directive=OuterRef("pk"), unit_id__in=list(unit_roles(user)))
    )
    return Q(confidentiality=Confidentiality.NORMAL) | Q(assigned_to_mine)


def can_see_evidence(user: AnyUser, assigned_unit_ids) -> bool:
    """Evidence files are the units' own documents: the commission, leadership,
    administrators and the units assigned to the directive may open them."""
    if not user.is_authenticated:
        return False
    return sees_all_units(user) or bool(set(assigned_unit_ids) & set(unit_roles(user)))


def can_record_meetings(user: AnyUser) -> bool:
    """Record meetings, directives, assignments and recommendations: reviewers only."""
    return is_reviewer(user)


def can_review_progress(user: AnyUser) -> bool:
    """Confirm or reject a claimed "done", decide deadline changes: reviewers only."""
    return is_reviewer(user)


def can_post_progress(user: AnyUser, assignment: Assignment) -> bool:
    """Reporter or head of the assigned unit, on an assignment not yet confirmed done."""
    return is_member_of(user, assignment.unit_id) and assignment.completed_on is None


def can_request_deadline_change(user: AnyUser, assignment: Assignment) -> bool:
    """The assigned unit's staff, for an assignment with a deadline, not yet done."""
    return can_post_progress(user, assignment) and assignment.due_date is not None


CLAIM_PENDING = rules.CLAIM_PENDING
CHANGE_PENDING = _("A deadline change for this assignment is already awaiting a decision.")


def progress_refusal(
    assignment: Assignment, *, claim_pending: bool | None = None
) -> StrOrPromise | None:
    """Why the unit cannot post progress on ``assignment`` now, or None if it can.

    While a "done" claim awaits confirmation the reviewer decides first: no
    second claim, no other update. The page hides the button and the service
    refuses with this message. ``claim_pending`` saves the query when the
    caller already knows; the service asks the database under the row lock.
    """
    if claim_pending is None:
        claim_pending = assignment.updates.filter(review_status=ReviewStatus.PENDING).exists()
    return CLAIM_PENDING if claim_pending else None


def deadline_request_refusal(
    assignment: Assignment, *, change_pending: bool | None = None
) -> StrOrPromise | None:
    """Why the unit cannot ask for a new deadline now, or None: one request at a time."""
    if change_pending is None:
        change_pending = assignment.deadline_changes.filter(
            status=DeadlineChangeStatus.PENDING
        ).exists()
    return CHANGE_PENDING if change_pending else None


def can_see_briefing_pack(user: AnyUser) -> bool:
    """The briefing pack compares every unit: reviewers, leadership and administrators."""
    return sees_all_units(user)


__all__ = [
    "can_post_progress",
    "can_record_meetings",
    "can_request_deadline_change",
    "can_review_progress",
    "can_see_briefing_pack",
    "can_see_evidence",
    "deadline_request_refusal",
    "directive_visibility",
    "is_leadership",
    "is_member_of",
    "is_reviewer",
    "is_unit_staff",
    "may_browse",
    "progress_refusal",
    "scope_for",
    "sees_all_units",
    "unit_roles",
]
