"""Who may do what with meetings, directives and progress (docs/PERMISSIONS.md).

Every view of the app asks here. Who may browse at all (``may_browse``), whose
units a user oversees (``oversees_unit``, ``reviews_unit``) and whose figures a
user sees (``scope_for``) are the reporting cycle's answers, re-exported from
``reports.permissions``.

A meeting belongs to a unit (``Meeting.unit``): its reviewers are those whose
subtree holds that unit, and its directives go to units of that unit's subtree.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.types import StrOrPromise
from directives import rules
from directives.models import (
    Assignment,
    ConclusionNotice,
    Confidentiality,
    DeadlineChangeStatus,
    Meeting,
    ReviewStatus,
)
from reports.models import Unit
from reports.permissions import (
    AnyUser,
    is_leadership,
    is_member_of,
    is_reviewer,
    is_unit_staff,
    may_browse,
    only_reviewed_unit,
    overseen_units,
    oversees,
    oversees_unit,
    reviewed_units,
    reviews_unit,
    scope_for,
    unit_roles,
    units_above,
)


def _units_of(user: AnyUser) -> frozenset[int] | None:
    """The units whose assignments are the user's concern: those they work in and
    those they oversee (None: every unit)."""
    overseen = overseen_units(user)
    if overseen is None:
        return None
    return overseen | frozenset(unit_roles(user))


def directive_visibility(user: AnyUser) -> Q | None:
    """Which directives ``user`` may know exist, as a condition on Directive.

    None for all of them: the administrator, and reviewers and leadership whose
    roles cover every root. Otherwise: the directives of meetings held by a unit
    they oversee, those assigned to a unit they work in or oversee, and the normal
    (not confidential) directives of meetings held by their units or a unit above
    them. A reviewer of another subtree sees none of these. Every page, count
    and export reads it through ``selectors.directives_visible_to``; a single
    directive is fetched from that queryset too (404 when it is not there)."""
    mine = _units_of(user)
    if mine is None:
        return None
    overseen = overseen_units(user) or frozenset()
    assigned_to_mine = Exists(Assignment.objects.filter(directive=OuterRef("pk"), unit_id__in=mine))
    return (
        Q(meeting__unit_id__in=overseen)
        | Q(assigned_to_mine)
        | Q(confidentiality=Confidentiality.NORMAL, meeting__unit_id__in=units_above(user))
    )


def sees_every_assignment_of(user: AnyUser, unit_ids: frozenset[int] | None) -> bool:
    """Whether every assignment to one of ``unit_ids`` (None: every unit) is visible to
    ``user``: so it is for the units they work in or oversee, since a directive
    assigned to one of those is visible (``directive_visibility``). A user's scope
    (``scope_for``) is such a set of units, so its assignments need no other test."""
    mine = _units_of(user)
    return mine is None or (unit_ids is not None and unit_ids <= mine)


def meeting_visibility(user: AnyUser) -> Q | None:
    """Which meetings ``user`` may know exist, as a condition on Meeting: None for all
    (as ``directive_visibility``); else those held by a unit they oversee or by
    their units or a unit above them, and any with a directive assigned to a unit
    they work in or oversee."""
    mine = _units_of(user)
    if mine is None:
        return None
    overseen = overseen_units(user) or frozenset()
    assigned_to_mine = Exists(
        Assignment.objects.filter(directive__meeting=OuterRef("pk"), unit_id__in=mine)
    )
    return Q(unit_id__in=overseen | units_above(user)) | Q(assigned_to_mine)


def can_see_evidence(user: AnyUser, assigned_unit_ids) -> bool:
    """Evidence files are the units' own documents: the units assigned to the
    directive, and the reviewers, leadership and administrators who oversee one
    of them, may open them."""
    if not user.is_authenticated:
        return False
    return any(
        is_member_of(user, unit_id) or oversees_unit(user, unit_id)
        for unit_id in set(assigned_unit_ids)
    )


def can_record_meetings(user: AnyUser) -> bool:
    """Record meetings, directives, assignments and recommendations: reviewers (of
    some unit; which meetings: ``can_record_meeting_of``)."""
    return is_reviewer(user)


def can_record_meeting_of(user: AnyUser, unit_id: int | None) -> bool:
    """Record a meeting held by the unit, and its directives, assignments and
    recommendations: a reviewer of a subtree holding the unit."""
    return reviews_unit(user, unit_id)


def can_edit_meeting(user: AnyUser, meeting: Meeting) -> bool:
    """Change the meeting, or add to it: ``can_record_meeting_of`` its unit."""
    return can_record_meeting_of(user, meeting.unit_id)


def can_review_progress(user: AnyUser) -> bool:
    """Confirm or reject a claimed "done", decide deadline changes: reviewers (of some
    unit; which directives' claims: ``can_review_progress_of``)."""
    return is_reviewer(user)


def can_review_progress_of(user: AnyUser, meeting: Meeting) -> bool:
    """Decide the claims and deadline requests on the directives of ``meeting``: the
    reviewers who may record it (those of a subtree holding its unit)."""
    return can_edit_meeting(user, meeting)


def meeting_units(meeting: Meeting) -> frozenset[int]:
    """The units a meeting's directives may go to: its unit's subtree (one query)."""
    return Unit.objects.subtree_ids([meeting.unit_id])


def assignment_unit_refusal(meeting: Meeting, units: Iterable[Unit]) -> str | None:
    """Why these units cannot carry out a directive of ``meeting``, or None: a
    meeting's directives go to the unit that holds it and the units under it (no
    query when there are no units: a save that gives no unit the directive anew)."""
    units = list(units)
    if not units:
        return None
    allowed = meeting_units(meeting)
    outside = [unit for unit in units if unit.pk not in allowed]
    if not outside:
        return None
    return gettext(
        "%(units)s: not %(meeting_unit)s or a unit under it. A meeting's directives go "
        "only to the unit that holds the meeting and the units under it."
    ) % {
        "units": ", ".join(unit.label for unit in outside),
        "meeting_unit": meeting.unit.label,
    }


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


def can_see_briefing_pack(user: AnyUser, meeting: Meeting) -> bool:
    """The briefing pack compares the units of the meeting: the reviewers, leadership and
    administrators who oversee the unit holding it."""
    return oversees_unit(user, meeting.unit_id)


def can_read_notice_draft(user: AnyUser, meeting: Meeting) -> bool:
    """Read the conclusion notice as it is being edited: as the briefing pack."""
    return can_see_briefing_pack(user, meeting)


def can_edit_notice(user: AnyUser, meeting: Meeting, notice: ConclusionNotice | None) -> bool:
    """Edit and issue the meeting's conclusion notice: whoever records the meeting
    (``can_edit_meeting``), until it is issued."""
    return can_edit_meeting(user, meeting) and not (notice is not None and notice.is_issued)


__all__ = [
    "assignment_unit_refusal",
    "can_edit_meeting",
    "can_edit_notice",
    "can_post_progress",
    "can_read_notice_draft",
    "can_record_meeting_of",
    "can_record_meetings",
    "can_request_deadline_change",
    "can_review_progress",
    "can_review_progress_of",
    "can_see_briefing_pack",
    "can_see_evidence",
    "deadline_request_refusal",
    "directive_visibility",
    "is_leadership",
    "is_member_of",
    "is_reviewer",
    "is_unit_staff",
    "may_browse",
    "meeting_units",
    "meeting_visibility",
    "only_reviewed_unit",
    "oversees",
    "oversees_unit",
    "progress_refusal",
    "reviewed_units",
    "scope_for",
    "unit_roles",
]
