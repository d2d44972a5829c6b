"""Changes to meetings, directives and progress: one atomic function per action.

Each sets ``_history_user`` so the audit trail says who changed what, even
when called outside a request (commands, tests).
"""

import datetime
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.history import M, note_history, person_name
from common.types import StrOrPromise
from directives import permissions, query, rules, selectors
from directives.models import (
    Assignment,
    AssignmentRole,
    ClaimedStatus,
    ConclusionNotice,
    Confidentiality,
    DeadlineChange,
    DeadlineChangeStatus,
    Directive,
    FollowUpToken,
    Meeting,
    ProgressUpdate,
    Recommendation,
    ReviewStatus,
)
from directives.signals import COUNTED
from notifications.models import Kind
from notifications.services import notify
from reports.models import Quarter, Unit
from reports.permissions import staff_of


def _by(obj: M, user: User) -> M:
    return note_history(obj, by=user)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


class EditConflict(ValidationError):
    """Someone saved the object after the form was opened; the typed text was not saved.

    ``version`` is the one now on record (a form carrying it may save over it),
    ``change`` the history row that made it (who, when).
    """

    def __init__(self, change):
        super().__init__(
            _(
                "Someone else saved this while you were editing it (%(who)s, %(when)s). "
                "Your text was not saved: it is still in the form below. Compare it with the "
                "version on record, then save again to replace that version."
            )
            % {
                "who": person_name(change.history_user, missing="—"),
                "when": timezone.localtime(change.history_date).strftime("%H:%M %d/%m/%Y"),
            },
            code="conflict",
        )
        self.version = change.history_id
        self.change = change


def token_first() -> None:
    """Take the follow-up token before locking any row. Whatever a service then saves
    renews it anyway (directives.signals); taking it first keeps every writer's locks
    in one order, the token then rows, so that two writers never wait on each other."""
    FollowUpToken.objects.changed()


def _require_version(obj, expected_version: int | None) -> None:
    """Refuse to save over a change made since the form was opened at ``expected_version``.

    The row is locked first, so of two saves from the same version only the first passes.
    """
    if expected_version is None or obj.pk is None:
        return
    if isinstance(obj, COUNTED):
        token_first()
    type(obj).objects.select_for_update().filter(pk=obj.pk).exists()
    latest = selectors.last_change(obj)
    if latest is not None and latest.history_id != expected_version:
        raise EditConflict(latest)


def _differs_from_record(obj) -> bool:
    """Whether saving ``obj`` would change its row: new, or a field that differs from
    the stored one. Saving what is on record writes nothing: no history row, so the
    version a form carries (``selectors.edit_version``) stays what it was."""
    if obj.pk is None:
        return True
    stored = type(obj).objects.filter(pk=obj.pk).first()
    if stored is None:
        return True
    return any(
        getattr(obj, field.attname) != getattr(stored, field.attname)
        for field in obj._meta.concrete_fields
        if field.name != "search_text"  # derived from the others on save
    )


# What a unit is told changed on its directive (the other fields are the record's own).
TOLD_FIELDS = ("title", "text", "due_date", "confidentiality", "is_priority")


def _changed_fields(directive: Directive) -> list[str]:
    """Which of ``TOLD_FIELDS`` a save changes (none for a new directive)."""
    if directive.pk is None:
        return []
    stored = Directive.objects.filter(pk=directive.pk).first()
    if stored is None:
        return []
    return [name for name in TOLD_FIELDS if getattr(directive, name) != getattr(stored, name)]


def _save_if_changed(obj: M, user: User) -> None:
    if _differs_from_record(obj):
        _by(obj, user).save()


@transaction.atomic
def meeting_save(
    *,
    user: User,
    meeting: Meeting,
    attending_units: Iterable[Unit],
    expected_version: int | None = None,
) -> Meeting:
    """Create or change a meeting and the units that attended (all of them: the form
    adds back those it keeps without offering them). Nothing changed, nothing written.

    The user reviews the unit holding it (and, for a change, the one that held it).
    ``expected_version``: the version the form was opened on (``selectors.edit_version``).
    """
    _require(permissions.can_record_meeting_of(user, meeting.unit_id))
    if meeting.pk:
        held_by = Meeting.objects.values_list("unit_id", flat=True).get(pk=meeting.pk)
        _require(permissions.can_record_meeting_of(user, held_by))
    _require_version(meeting, expected_version)
    _save_if_changed(meeting, user)
    meeting.attending_units.set(attending_units)
    return meeting


@transaction.atomic
def notice_save(
    *, user: User, notice: ConclusionNotice, expected_version: int | None = None
) -> ConclusionNotice:
    """Save the conclusion notice as edited (``permissions.can_edit_notice``): not once it
    is issued. Nothing changed, nothing written."""
    stored = ConclusionNotice.objects.filter(pk=notice.pk).first() if notice.pk else None
    _require(permissions.can_edit_notice(user, notice.meeting, stored))
    _require_version(notice, expected_version)
    _save_if_changed(notice, user)
    return notice


@transaction.atomic
def notice_issue(
    *,
    user: User,
    notice: ConclusionNotice,
    number: int,
    issued_on: datetime.date,
    expected_version: int | None = None,
) -> ConclusionNotice:
    """Issue the notice as edited, with its number and date, which the meeting then
    shows; it no longer changes. Dated between the meeting and today; its number not
    one another notice of the same unit already has that year. (A Party body numbers
    through its term, which the app does not record: a number of an earlier year is
    left to the clerk.) Two notices issued at once take their numbers one after the
    other: the unit's row is locked while the number is checked and saved."""
    today = timezone.localdate()
    Unit.objects.select_for_update().filter(pk=notice.meeting.unit_id).first()
    if issued_on < notice.meeting.held_on:
        raise ValidationError(
            {
                "issued_on": _("A notice cannot be issued before its meeting (%(day)s).")
                % {"day": notice.meeting.held_on.strftime("%d/%m/%Y")}
            }
        )
    if issued_on > today:
        raise ValidationError(
            {
                "issued_on": _(
                    "A notice cannot be dated after today (%(day)s): it is issued on the day "
                    "it is signed."
                )
                % {"day": today.strftime("%d/%m/%Y")}
            }
        )
    taken = (
        ConclusionNotice.objects.filter(
            meeting__unit_id=notice.meeting.unit_id, number=number, issued_on__year=issued_on.year
        )
        .exclude(pk=notice.pk)
        .first()
    )
    if taken is not None and taken.issued_on is not None:
        raise ValidationError(
            {
                "number": _(
                    "Number %(number)s is already the notice of %(day)s: each notice of the "
                    "year has its own number."
                )
                % {"number": number, "day": taken.issued_on.strftime("%d/%m/%Y")}
            }
        )
    notice.number, notice.issued_on, notice.issued_by = number, issued_on, user
    return notice_save(user=user, notice=notice, expected_version=expected_version)


def assignments_removal_refusal(assignments: Iterable[Assignment]) -> str | None:
    """Why these assignments cannot be removed (or given to another unit), or None:
    a unit that has reported progress keeps its assignment, and the progress its unit."""
    blocked = _units_with_progress(assignments)
    if not blocked:
        return None
    return _("These units have already reported progress and cannot be removed: %(units)s.") % {
        "units": ", ".join(blocked)
    }


def _units_with_progress(assignments: Iterable[Assignment]) -> list[str]:
    """The labels of the units of ``assignments`` that have reported progress on them."""
    assignments = list(assignments)
    reported = set(
        ProgressUpdate.objects.filter(assignment__in=assignments).values_list(
            "assignment_id", flat=True
        )
    )
    return [a.unit.label for a in assignments if a.pk in reported]


@transaction.atomic
def directive_save(
    *,
    user: User,
    directive: Directive,
    lead_units: Iterable[Unit],
    support_units: Iterable[Unit],
    expected_version: int | None = None,
) -> Directive:
    """Create or change a directive with its lead and supporting units in one go.

    ``lead_units`` and ``support_units`` are all of them, those the form keeps without
    offering (units that have ended) included: a unit left out loses its assignment.
    A new unit gets the directive's deadline; a unit whose deadline was never
    moved follows a change of the directive's date. A unit that has already
    posted progress cannot be removed; a directive needs a lead unit
    (``rules.lead_units_refusal``). A unit newly given it is the meeting unit's or
    under it (``permissions.assignment_unit_refusal``); one already assigned stays, even
    if it has moved elsewhere since. Saving what is on record writes nothing.
    ``expected_version``: as for ``meeting_save``.
    """
    _require(permissions.can_edit_meeting(user, directive.meeting))
    _require_version(directive, expected_version)
    lead_units, support_units = list(lead_units), list(support_units)
    overlap = {u.pk for u in lead_units} & {u.pk for u in support_units}
    if overlap:
        raise ValidationError(
            {"support_units": _("A unit cannot be both lead and supporting for a directive.")}
        )
    # Only a unit newly given the directive must be of the meeting unit's subtree: one
    # already assigned keeps its assignment if a reorganisation has moved it out since.
    assigned = (
        set(directive.assignments.values_list("unit_id", flat=True)) if directive.pk else set()
    )
    refusals = {
        field: permissions.assignment_unit_refusal(
            directive.meeting, [unit for unit in units if unit.pk not in assigned]
        )
        for field, units in (("lead_units", lead_units), ("support_units", support_units))
    }
    if any(refusals.values()):
        raise ValidationError({field: error for field, error in refusals.items() if error})
    old_due = None
    if directive.pk:
        old_due = Directive.objects.values_list("due_date", flat=True).get(pk=directive.pk)
    directive.full_clean()
    changed = _changed_fields(directive)
    _save_if_changed(directive, user)

    wanted = {u.pk: AssignmentRole.LEAD for u in lead_units}
    wanted.update({u.pk: AssignmentRole.SUPPORT for u in support_units})
    # Locked like progress_post locks them, so no progress can arrive between the
    # check below and the removal of a unit's assignment.
    token_first()
    locked = directive.assignments.select_for_update(of=("self",)).select_related("unit")
    existing = {a.unit_id: a for a in locked}
    existing_roles = {unit_id: a.role for unit_id, a in existing.items()}
    removed = [a for unit_id, a in existing.items() if unit_id not in wanted]
    refusal = assignments_removal_refusal(removed)
    if refusal:
        raise ValidationError({"lead_units": refusal})
    # After the removal check, whose answer names the units that must stay.
    no_lead = rules.lead_units_refusal(
        [unit_id for unit_id, role in wanted.items() if role == AssignmentRole.LEAD]
    )
    if no_lead:
        raise ValidationError({"lead_units": no_lead})
    now = timezone.now()
    for assignment in removed:
        _tell_assigned(
            assignment,
            kind=Kind.DIRECTIVE_CHANGED,
            event=f"directive_removed:{assignment.pk}:{now.isoformat()}",
            user=user,
            removed=True,
        )
        _by(assignment, user).delete()
    for unit_id, role in wanted.items():
        kept = existing.get(unit_id)
        if kept is None:
            assignment = Assignment(
                directive=directive, unit_id=unit_id, role=role, due_date=directive.due_date
            )
            _by(assignment, user).save()
            _tell_assigned(
                assignment,
                kind=Kind.DIRECTIVE_ASSIGNED,
                event=f"directive_assigned:{assignment.pk}",
                user=user,
            )
            continue
        if kept.role != role:
            kept.role = role
            _by(kept, user).save()
        what = changed + (["role"] if kept.role != existing_roles[unit_id] else [])
        if what:
            _tell_assigned(
                kept,
                kind=Kind.DIRECTIVE_CHANGED,
                event=f"directive_changed:{kept.pk}:{now.isoformat()}",
                user=user,
                changed=what,
                role=kept.get_role_display(),
                due=f"{directive.due_date:%d/%m/%Y}" if directive.due_date else "",
            )
    directive_due_date_followed(user=user, directive=directive, old_due=old_due)
    return directive


def assignment_handed_over_tell(*, assignment: Assignment, user: User | None) -> None:
    """A reorganisation gave ``assignment`` to a successor unit: its staff are told of
    the work it now carries, if the work is still open (``structure.services``)."""
    if assignment.completed_on is None:
        _tell_assigned(
            assignment,
            kind=Kind.DIRECTIVE_ASSIGNED,
            event=f"directive_handed:{assignment.pk}:{assignment.unit_id}",
            user=user,
        )


def _tell_assigned(
    assignment: Assignment, *, kind: str, event: str, user: User | None, **details
) -> int:
    """Tell the staff of the assignment's unit (``reports.permissions.staff_of``, who
    see every directive assigned to it) what happened to it."""
    return notify(
        kind=kind,
        users=staff_of(assignment.unit_id),
        event=event,
        params={
            "unit": assignment.unit.name,
            "directive": assignment.directive.title,
            # A confidential directive is named in the app only, never in a mail.
            "confidential": assignment.directive.confidentiality == Confidentiality.CONFIDENTIAL,
            **details,
        },
        url=assignment.directive.get_absolute_url(),
        actor=user,
    )


@transaction.atomic
def directive_delete(*, user: User, directive: Directive) -> None:
    """Delete a directive with its assignments, on record as ``user``'s deletion.

    By those who may change it (``permissions.can_edit_meeting``), and never once a
    unit has reported progress on it: the rule that keeps such a unit's assignment
    (``assignments_removal_refusal``) keeps the directive too.
    """
    _require(permissions.can_edit_meeting(user, directive.meeting))
    # Locked like progress_post locks them, so no progress arrives before the deletion.
    token_first()
    assignments = list(directive.assignments.select_for_update(of=("self",)).select_related("unit"))
    blocked = _units_with_progress(assignments)
    if blocked:
        raise ValidationError(
            _(
                "“%(directive)s” cannot be deleted: these units have already reported "
                "progress on it: %(units)s."
            )
            % {"directive": directive, "units": ", ".join(blocked)}
        )
    for assignment in assignments:
        _by(assignment, user).delete()
    _by(directive, user).delete()


@transaction.atomic
def directive_due_date_followed(
    *, user: User, directive: Directive, old_due: datetime.date | None
) -> None:
    """After the directive's due date moved from ``old_due``: the units whose deadline
    was never moved (it is still ``old_due``) follow it; an approved change stays."""
    if old_due is None or old_due == directive.due_date:
        return
    for assignment in directive.assignments.filter(due_date=old_due):
        assignment.due_date = directive.due_date
        _by(assignment, user).save()


@transaction.atomic
def recommendation_save(
    *,
    user: User,
    recommendation: Recommendation,
    directives: Iterable[Directive],
    expected_version: int | None = None,
) -> Recommendation:
    """Create or change a recommendation. ``expected_version``: as for ``meeting_save``."""
    _require(permissions.can_edit_meeting(user, recommendation.meeting))
    _require_version(recommendation, expected_version)
    directives = list(directives)
    if any(d.meeting_id != recommendation.meeting_id for d in directives):
        raise ValidationError(
            {"directives": _("Choose directives of the same meeting as the recommendation.")}
        )
    _save_if_changed(recommendation, user)
    recommendation.directives.set(directives)
    return recommendation


def _safe_evidence_name(upload: UploadedFile, extension: str) -> str:
    """A generated name: the user's file name never reaches the file system."""
    return f"{uuid.uuid4().hex}.{extension}"


# What a repeated or racing decision is told, by the decision on record: the
# message naming who took it, and the one for when the record names nobody.
_ALREADY_DECIDED: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    ReviewStatus.CONFIRMED: (
        gettext_lazy("This claim has already been confirmed by %(who)s."),
        gettext_lazy("This claim has already been confirmed."),
    ),
    ReviewStatus.REJECTED: (
        gettext_lazy("This claim has already been rejected by %(who)s."),
        gettext_lazy("This claim has already been rejected."),
    ),
    DeadlineChangeStatus.APPROVED: (
        gettext_lazy("This request has already been approved by %(who)s."),
        gettext_lazy("This request has already been approved."),
    ),
    DeadlineChangeStatus.REFUSED: (
        gettext_lazy("This request has already been refused by %(who)s."),
        gettext_lazy("This request has already been refused."),
    ),
}


def _already_decided(decision: str, by: User | None) -> str:
    with_who, without = _ALREADY_DECIDED[decision]
    who = person_name(by)
    return with_who % {"who": who} if who else str(without)


def _decided_message(update: ProgressUpdate) -> str:
    """What a repeated or racing decision on a claim is told: who decided it already."""
    if update.review_status not in _ALREADY_DECIDED:
        return _("This update is not a claim awaiting confirmation.")
    return _already_decided(update.review_status, update.reviewed_by)


def _check_finished_on(finished_on: datetime.date | None, assignment: Assignment) -> None:
    error = rules.finished_on_error(
        finished_on,
        meeting_day=assignment.directive.meeting.held_on,
        today=timezone.localdate(),
    )
    if error:
        raise ValidationError({"finished_on": error})


@transaction.atomic
def progress_post(
    *,
    user: User,
    assignment: Assignment,
    claimed_status: str,
    percent: int,
    description: str,
    finished_on: datetime.date | None = None,
    evidence: UploadedFile | None = None,
    evidence_extension: str = "",
    quarter: Quarter | None = None,
) -> ProgressUpdate:
    """Post the unit's update for the current quarter. A "done" claim carries the day
    the work was finished and awaits a reviewer; while it does, nothing more is posted."""
    token_first()
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("directive__meeting")
        .get(pk=assignment.pk)
    )
    _require(permissions.can_post_progress(user, assignment))
    refusal = permissions.progress_refusal(assignment)
    if refusal:
        raise ValidationError(refusal)
    quarter = quarter or Quarter.objects.current()
    if quarter is None:
        raise ValidationError(_("No quarter is open, so progress cannot be posted now."))
    is_done = claimed_status == ClaimedStatus.DONE
    if is_done:
        _check_finished_on(finished_on, assignment)
    update = ProgressUpdate(
        assignment=assignment,
        quarter=quarter,
        claimed_status=claimed_status,
        percent=percent,
        description=description,
        finished_on=finished_on if is_done else None,
        reported_by=user,
        reported_at=timezone.now(),
        review_status=ReviewStatus.PENDING if is_done else ReviewStatus.NOT_NEEDED,
    )
    if is_done and percent != 100:
        raise ValidationError(
            {"percent": _("A task reported as done is complete: give 100 as the percent done.")}
        )
    update.full_clean(exclude=["evidence"])
    if evidence is not None:
        update.evidence.save(
            _safe_evidence_name(evidence, evidence_extension), evidence, save=False
        )
    try:
        with transaction.atomic():
            _by(update, user).save()
    except IntegrityError:
        # Where rows are not locked (SQLite), the database's one-pending-claim
        # rule is what stops a racing second claim: it gets the same answer.
        if permissions.progress_refusal(assignment):
            raise ValidationError(permissions.CLAIM_PENDING) from None
        raise
    return update


def _locked_claim(update: ProgressUpdate) -> tuple[ProgressUpdate, Assignment]:
    """The claim and its assignment, locked in the order every writer uses
    (assignment first), so that a confirm racing a reject or a new post waits
    for the other and then sees what it decided."""
    assignment_id = ProgressUpdate.objects.values_list("assignment_id", flat=True).get(pk=update.pk)
    token_first()
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("directive__meeting", "unit")
        .get(pk=assignment_id)
    )
    update = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
    update.assignment = assignment
    return update, assignment


@transaction.atomic
def progress_confirm(
    *, user: User, update: ProgressUpdate, finished_on: datetime.date | None = None
) -> ProgressUpdate:
    """Confirm a claimed "done": the assignment counts as done on the day the work
    was finished, the unit's date or the reviewer's correction of it (``finished_on``).

    A repeated or racing decision is refused with a message saying who decided.
    """
    _require(permissions.can_review_progress(user))
    update, assignment = _locked_claim(update)
    _require(permissions.can_review_progress_of(user, assignment.directive.meeting))
    if update.review_status != ReviewStatus.PENDING:
        raise ValidationError(_decided_message(update))
    if assignment.completed_on is not None:
        raise ValidationError(_("This assignment is already confirmed done."))
    finished_on = finished_on or update.finished_on or timezone.localdate(update.reported_at)
    _check_finished_on(finished_on, assignment)
    update.finished_on = finished_on
    update.review_status = ReviewStatus.CONFIRMED
    update.reviewed_by = user
    update.reviewed_at = timezone.now()
    _by(update, user).save()
    assignment.completed_on = finished_on
    _by(assignment, user).save()
    _tell_assigned(
        assignment,
        kind=Kind.CLAIM_DECIDED,
        event=f"claim_decided:{update.pk}",
        user=user,
        approved=True,
    )
    return update


@transaction.atomic
def progress_reject(*, user: User, update: ProgressUpdate, comment: str) -> ProgressUpdate:
    """Reject a claimed "done", saying why; the assignment stays open."""
    _require(permissions.can_review_progress(user))
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the claim is rejected.")})
    update, assignment = _locked_claim(update)
    _require(permissions.can_review_progress_of(user, assignment.directive.meeting))
    if update.review_status != ReviewStatus.PENDING:
        raise ValidationError(_decided_message(update))
    update.review_status = ReviewStatus.REJECTED
    update.reviewed_by = user
    update.reviewed_at = timezone.now()
    update.review_comment = comment.strip()
    _by(update, user).save()
    _tell_assigned(
        assignment,
        kind=Kind.CLAIM_DECIDED,
        event=f"claim_decided:{update.pk}",
        user=user,
        approved=False,
        comment=update.review_comment,
    )
    return update


@transaction.atomic
def deadline_change_request(
    *, user: User, assignment: Assignment, new_date: datetime.date, reason: str
) -> DeadlineChange:
    token_first()
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    _require(permissions.can_request_deadline_change(user, assignment))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    refusal = permissions.deadline_request_refusal(assignment)
    if refusal:
        raise ValidationError(refusal)
    error = rules.requested_deadline_error(
        new_date, current=assignment.due_date, today=timezone.localdate()
    )
    if error:
        raise ValidationError({"new_date": error})
    old_date = assignment.due_date
    assert old_date is not None  # can_request_deadline_change: only with a deadline
    change = DeadlineChange(
        assignment=assignment,
        old_date=old_date,
        new_date=new_date,
        reason=reason.strip(),
        requested_by=user,
        requested_at=timezone.now(),
    )
    _by(change, user).save()
    return change


@transaction.atomic
def deadline_change_decide(
    *, user: User, change: DeadlineChange, approve: bool, comment: str = ""
) -> DeadlineChange:
    """Approve (the unit's deadline moves; the old one stays on the change) or refuse.

    A repeated or racing decision is refused with a message saying who decided.
    """
    _require(permissions.can_review_progress(user))
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say why the request is refused.")})
    assignment_id = DeadlineChange.objects.values_list("assignment_id", flat=True).get(pk=change.pk)
    token_first()
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("directive__meeting", "unit")
        .get(pk=assignment_id)
    )
    _require(permissions.can_review_progress_of(user, assignment.directive.meeting))
    change = (
        DeadlineChange.objects.select_for_update(of=("self",))
        .select_related("decided_by")
        .get(pk=change.pk)
    )
    if change.status != DeadlineChangeStatus.PENDING:
        raise ValidationError(_already_decided(change.status, change.decided_by))
    change.status = DeadlineChangeStatus.APPROVED if approve else DeadlineChangeStatus.REFUSED
    change.decided_by = user
    change.decided_at = timezone.now()
    change.decision_comment = comment.strip()
    _by(change, user).save()
    if approve:
        assignment.due_date = change.new_date
        _by(assignment, user).save()
    change.assignment = assignment
    _tell_assigned(
        assignment,
        kind=Kind.DEADLINE_DECIDED,
        event=f"deadline_decided:{change.pk}",
        user=user,
        approved=approve,
        due=f"{change.new_date:%d/%m/%Y}",
        comment=change.decision_comment,
    )
    return change


# --- Reminders (the daily job) ----------------------------------------------------


def _open_assignments(day: datetime.date):
    return query.annotate_assignment_status(
        Assignment.objects.all(), quarter=Quarter.objects.current(), today=day
    ).filter(status__in=query.OPEN_VALUES)


def directive_reminders(*, day: datetime.date) -> int:
    """Tell the units of their open assignments due within the next
    ``DIRECTIVE_DUE_DAYS_BEFORE`` days, and of those overdue by as many days at most:
    each once per deadline (a job that missed a day catches up; an old backlog is not
    mailed). Returns how many notifications were made."""
    window = datetime.timedelta(days=settings.DIRECTIVE_DUE_DAYS_BEFORE)
    told = 0
    rows = (
        _open_assignments(day)
        .filter(due_date__gte=day - window, due_date__lte=day + window)
        .select_related("unit", "directive")
    )
    for assignment in rows:
        overdue = assignment.due_date < day
        kind = Kind.DIRECTIVE_OVERDUE if overdue else Kind.DIRECTIVE_DUE
        told += _tell_assigned(
            assignment,
            kind=kind,
            event=f"{kind.value}:{assignment.pk}:{assignment.due_date.isoformat()}",
            user=None,
            due=f"{assignment.due_date:%d/%m/%Y}",
        )
    return told


def progress_reminders(*, day: datetime.date) -> int:
    """Before each briefing within ``PROGRESS_DAYS_BEFORE_BRIEFING`` days, tell each
    unit with an open assignment of the meeting unit's directives but no progress this
    quarter how many are missing: once per briefing and unit."""
    quarter = Quarter.objects.current()
    if quarter is None:
        return 0
    ahead = day + datetime.timedelta(days=settings.PROGRESS_DAYS_BEFORE_BRIEFING)
    told = 0
    for meeting in Meeting.objects.filter(held_at__date__gt=day, held_at__date__lte=ahead):
        missing = (
            _open_assignments(day)
            .filter(directive__meeting__unit_id=meeting.unit_id, updated_this_quarter=False)
            .values("unit_id", "unit__name")
            .annotate(count=Count("pk"))
            .order_by("unit_id")
        )
        for row in missing:
            told += notify(
                kind=Kind.PROGRESS_MISSING,
                users=staff_of(row["unit_id"]),
                event=f"progress_missing:{meeting.pk}:{row['unit_id']}",
                params={
                    "unit": row["unit__name"],
                    "count": row["count"],
                    "day": f"{meeting.held_on:%d/%m/%Y}",
                },
                url=reverse("directives:my_work"),
            )
    return told
