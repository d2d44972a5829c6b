"""Pure rules of directive follow-up: a directive's status is derived, never typed.

The vocabulary follows the government's task tracking (QĐ 42/2014/QĐ-TTg):
done on time, done late, not done and still within the deadline, overdue;
plus not started (no update yet) and, for directives without a deadline
("thường xuyên"), ongoing: current if updated this quarter, stale if not.
"""

import datetime
from collections.abc import Collection, Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.types import StrOrPromise


class DirectiveStatus(models.TextChoices):
    DONE_ON_TIME = "done_on_time", _("Done on time")
    DONE_LATE = "done_late", _("Done late")
    IN_PROGRESS = "in_progress", _("Not done, within the deadline")
    OVERDUE = "overdue", _("Overdue")
    NOT_STARTED = "not_started", _("Not started")
    ONGOING_CURRENT = "ongoing_current", _("Ongoing, updated")
    ONGOING_STALE = "ongoing_stale", _("Ongoing, not updated")


# One "done" claim at a time: said by the database constraint, the service and the page.
CLAIM_PENDING = _(
    "A claim that this task is done is already awaiting the commission's confirmation: "
    "nothing more can be posted until it is confirmed or rejected."
)

DONE = frozenset({DirectiveStatus.DONE_ON_TIME, DirectiveStatus.DONE_LATE})
# Bootstrap colours of the status badges; every badge also carries its text.
BADGE = {
    DirectiveStatus.DONE_ON_TIME: "success",
    DirectiveStatus.DONE_LATE: "warning",
    DirectiveStatus.IN_PROGRESS: "primary",
    DirectiveStatus.OVERDUE: "danger",
    DirectiveStatus.NOT_STARTED: "secondary",
    DirectiveStatus.ONGOING_CURRENT: "info",
    DirectiveStatus.ONGOING_STALE: "warning",
}


def is_overdue(due_date: datetime.date | None, today: datetime.date) -> bool:
    """Whether an unfinished assignment is overdue: its deadline (the last day counts
    in full) has passed."""
    return due_date is not None and today > due_date


def assignment_status(
    *,
    due_date: datetime.date | None,
    completed_on: datetime.date | None,
    has_update: bool,
    updated_this_quarter: bool,
    today: datetime.date,
) -> DirectiveStatus:
    """The status of one unit's assignment.

    ``due_date`` is the effective deadline (after approved changes), None for
    an ongoing directive; ``completed_on`` the date of the unit's "done"
    update once a reviewer confirmed it. The deadline day counts in full; an
    ongoing assignment confirmed done had no deadline to miss, so it is on time.
    """
    if completed_on is not None:
        if due_date is None or completed_on <= due_date:
            return DirectiveStatus.DONE_ON_TIME
        return DirectiveStatus.DONE_LATE
    if is_overdue(due_date, today):
        return DirectiveStatus.OVERDUE
    if not has_update:
        return DirectiveStatus.NOT_STARTED
    if due_date is None:
        if updated_this_quarter:
            return DirectiveStatus.ONGOING_CURRENT
        return DirectiveStatus.ONGOING_STALE
    return DirectiveStatus.IN_PROGRESS


# Among unfinished lead units, the most urgent status speaks for the directive.
_URGENCY = (
    DirectiveStatus.OVERDUE,
    DirectiveStatus.ONGOING_STALE,
    DirectiveStatus.IN_PROGRESS,
    DirectiveStatus.ONGOING_CURRENT,
    DirectiveStatus.NOT_STARTED,
)


def combine_statuses(lead_statuses: Iterable[str]) -> DirectiveStatus:
    """A directive's status from its lead units' statuses (DirectiveStatus values).

    It is done only when every lead unit is done (late if any was late);
    otherwise the most urgent unfinished status wins, except that a directive
    some lead unit has started is no longer "not started".
    """
    statuses = list(lead_statuses)
    if not statuses:
        return DirectiveStatus.NOT_STARTED
    if all(status in DONE for status in statuses):
        if DirectiveStatus.DONE_LATE in statuses:
            return DirectiveStatus.DONE_LATE
        return DirectiveStatus.DONE_ON_TIME
    unfinished = [status for status in statuses if status not in DONE]
    started = len(unfinished) < len(statuses)
    for status in _URGENCY:
        if status in unfinished:
            if status == DirectiveStatus.NOT_STARTED and started:
                return DirectiveStatus.IN_PROGRESS
            return status
    raise AssertionError(f"unhandled statuses {statuses}")  # pragma: no cover


def days_past_deadline(
    *, due_date: datetime.date | None, completed_on: datetime.date | None, today: datetime.date
) -> int | None:
    """Days overdue (open and past its deadline) or days late (done after it).

    None when there is no deadline or it was not missed. The deadline day
    counts in full, as in ``assignment_status``.
    """
    if due_date is None:
        return None
    end = completed_on if completed_on is not None else today
    days = (end - due_date).days
    return days if days > 0 else None


def finished_on_error(
    finished_on: datetime.date | None, *, meeting_day: datetime.date, today: datetime.date
) -> StrOrPromise | None:
    """Why ``finished_on`` cannot be the day a task was finished, or None.

    Required for a "done" claim; not in the future; not before the meeting
    that gave the directive. The form, the service and the reviewer's
    correction all ask here.
    """
    if finished_on is None:
        return _("Give the day the work was finished.")
    if finished_on > today:
        return _("The day the work was finished cannot be in the future.")
    if finished_on < meeting_day:
        return _(
            "The day the work was finished cannot be before the meeting that gave the "
            "directive (%(date)s)."
        ) % {"date": meeting_day.strftime("%d/%m/%Y")}
    return None


def requested_deadline_error(
    new_date: datetime.date, *, current: datetime.date | None, today: datetime.date
) -> str | None:
    """Why a unit cannot ask for ``new_date`` as its deadline, or None: it must be
    after the deadline in force, and not a day already past."""
    if new_date < today:
        return _("The requested deadline (%(date)s) has already passed: choose a later day.") % {
            "date": new_date.strftime("%d/%m/%Y")
        }
    if current is not None and new_date <= current:
        return _("The requested deadline must be after the current one (%(date)s).") % {
            "date": current.strftime("%d/%m/%Y")
        }
    return None


def lead_units_refusal(lead_unit_ids: Collection[int]) -> StrOrPromise | None:
    """Why a directive cannot have these lead units, or None: it needs at least one.

    Every lead on record counts, a unit that has ended too: its assignment is kept as
    it is (the form shows it read-only), so a directive whose lead ended can still be
    saved, and a unit in existence (its successor) may be added as another lead. The
    form and ``services.directive_save`` both ask here.
    """
    if not lead_unit_ids:
        return _("Choose at least one lead unit.")
    return None
