"""The derived status as SQL: the same rules as ``directives.rules``, written as
Django expressions so that registers and dashboards filter and count in the
database. Tests prove the two agree for every status.

The expressions are kept small on purpose: each status is a plain condition
on the assignment's dates plus at most two EXISTS, and a directive's status is
one correlated subquery over its lead assignments. Counting by status is then
done with GROUP BY status (see ``selectors``), so the database evaluates the
status once per row, not once per counted column.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from directives.models import Assignment, AssignmentRole, Directive, ProgressUpdate
from directives.rules import DONE, DirectiveStatus
from reports.models import Quarter

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

S = DirectiveStatus

# In the order of DirectiveStatus, so pages and links are the same in every process.
DONE_VALUES = [status.value for status in DirectiveStatus if status in DONE]
OPEN_VALUES = [status.value for status in S if status not in DONE]


NEVER = Value(False, output_field=BooleanField())


class AssignmentStatusFields(TypedDict):
    """What ``annotate_assignment_status`` adds to each assignment."""

    has_update: bool
    updated_this_quarter: bool
    status: str  # a DirectiveStatus value


class DirectiveStatusFields(TypedDict):
    """What ``annotate_directive_status`` adds to each directive."""

    status: str  # a DirectiveStatus value


if TYPE_CHECKING:
    AssignmentWithStatus = WithAnnotations[Assignment, AssignmentStatusFields]
    DirectiveWithStatus = WithAnnotations[Directive, DirectiveStatusFields]


def _updates(ref: str) -> Exists:
    return Exists(ProgressUpdate.objects.filter(assignment=OuterRef(ref)))


def _updates_in(quarter: Quarter | None, ref: str):
    if quarter is None:
        return NEVER
    return Exists(ProgressUpdate.objects.filter(assignment=OuterRef(ref), quarter=quarter))


def status_conditions(
    *, quarter: Quarter | None, today: datetime.date, ref: str = "pk"
) -> dict[DirectiveStatus, Q]:
    """One condition per status, mutually exclusive, mirroring ``rules.assignment_status``.

    They read ``due_date`` and ``completed_on`` of the assignment in the
    current query; ``ref`` names its primary key for the EXISTS subqueries.
    """
    done = Q(completed_on__isnull=False)
    open_ = Q(completed_on__isnull=True)
    has_update = Q(_updates(ref))
    updated = Q(_updates_in(quarter, ref)) if quarter is not None else Q(NEVER)
    return {
        S.DONE_ON_TIME: done & (Q(due_date__isnull=True) | Q(completed_on__lte=F("due_date"))),
        S.DONE_LATE: done & Q(due_date__isnull=False, completed_on__gt=F("due_date")),
        S.OVERDUE: open_ & Q(due_date__lt=today),
        S.NOT_STARTED: open_ & (Q(due_date__isnull=True) | Q(due_date__gte=today)) & ~has_update,
        S.IN_PROGRESS: open_ & Q(due_date__gte=today) & has_update,
        S.ONGOING_CURRENT: open_ & Q(due_date__isnull=True) & updated,
        S.ONGOING_STALE: open_ & Q(due_date__isnull=True) & has_update & ~updated,
    }


def assignment_status_expression(*, quarter: Quarter | None, today: datetime.date) -> Case:
    """The Case mirroring ``rules.assignment_status`` (first matching rule wins)."""
    completed = Q(completed_on__isnull=False)
    in_time = Q(due_date__isnull=True) | Q(completed_on__lte=F("due_date"))
    return Case(
        When(completed & in_time, then=Value(S.DONE_ON_TIME.value)),
        When(completed, then=Value(S.DONE_LATE.value)),
        When(due_date__lt=today, then=Value(S.OVERDUE.value)),
        When(has_update=False, then=Value(S.NOT_STARTED.value)),
        When(
            due_date__isnull=True,
            updated_this_quarter=True,
            then=Value(S.ONGOING_CURRENT.value),
        ),
        When(due_date__isnull=True, then=Value(S.ONGOING_STALE.value)),
        default=Value(S.IN_PROGRESS.value),
        output_field=CharField(),
    )


def annotate_assignment_status(
    qs: QuerySet[Assignment], *, quarter: Quarter | None, today: datetime.date
) -> QuerySet[AssignmentWithStatus]:
    """Annotate ``has_update``, ``updated_this_quarter`` and ``status`` on assignments.

    ``quarter`` is the current quarter (None when none is open: nothing is then
    "updated this quarter").
    """
    return qs.annotate(
        has_update=_updates("pk"),
        updated_this_quarter=_updates_in(quarter, "pk"),
    ).annotate(status=assignment_status_expression(quarter=quarter, today=today))


def directive_status_subquery(*, quarter: Quarter | None, today: datetime.date) -> Coalesce:
    """A directive's status as one correlated subquery over its lead assignments,
    mirroring ``rules.combine_statuses``; "not started" when it has no lead."""
    conditions = status_conditions(quarter=quarter, today=today)

    def count(status: DirectiveStatus):
        return Count("pk", filter=conditions[status])

    leads = Assignment.objects.filter(directive=OuterRef("pk"), role=AssignmentRole.LEAD)
    status = Case(
        When(Q(n_done=F("n_total")) & Q(n_late__gt=0), then=Value(S.DONE_LATE.value)),
        When(Q(n_done=F("n_total")), then=Value(S.DONE_ON_TIME.value)),
        When(Q(n_overdue__gt=0), then=Value(S.OVERDUE.value)),
        When(Q(n_stale__gt=0), then=Value(S.ONGOING_STALE.value)),
        When(Q(n_in_progress__gt=0), then=Value(S.IN_PROGRESS.value)),
        When(Q(n_current__gt=0), then=Value(S.ONGOING_CURRENT.value)),
        When(Q(n_done__gt=0), then=Value(S.IN_PROGRESS.value)),
        default=Value(S.NOT_STARTED.value),
        output_field=CharField(),
    )
    per_directive = (
        leads.order_by()
        .values("directive")
        .annotate(
            n_total=Count("pk"),
            n_done=Count("pk", filter=Q(completed_on__isnull=False)),
            n_late=count(S.DONE_LATE),
            n_overdue=count(S.OVERDUE),
            n_stale=count(S.ONGOING_STALE),
            n_in_progress=count(S.IN_PROGRESS),
            n_current=count(S.ONGOING_CURRENT),
        )
        .annotate(combined=status)
        .values("combined")
    )
    return Coalesce(
        Subquery(per_directive, output_field=CharField()),
        Value(S.NOT_STARTED.value),
        output_field=CharField(),
    )


def annotate_directive_status(
    qs: QuerySet[Directive], *, quarter: Quarter | None, today: datetime.date
) -> QuerySet[DirectiveWithStatus]:
    """Annotate ``status`` on a Directive queryset (one subquery per row)."""
    return qs.annotate(status=directive_status_subquery(quarter=quarter, today=today))
