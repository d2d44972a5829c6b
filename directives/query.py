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
from typing import TYPE_CHECKING, TypedDict, TypeVar

from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from common.dates import day_after
from directives.models import (
    Assignment,
    AssignmentRole,
    DeadlineChange,
    DeadlineChangeStatus,
    Directive,
    ProgressUpdate,
)
from directives.rules import DONE, DirectiveStatus
from reports.models import Quarter

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

S = DirectiveStatus
A = TypeVar("A", bound=Assignment)

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


def _updates(ref: str, as_of: datetime.date | None = None) -> Exists:
    updates = ProgressUpdate.objects.filter(assignment=OuterRef(ref))
    if as_of is not None:
        updates = updates.filter(reported_at__date__lte=as_of)
    return Exists(updates)


def _updates_in(quarter: Quarter | None, ref: str, as_of: datetime.date | None = None):
    if quarter is None:
        return NEVER
    updates = ProgressUpdate.objects.filter(assignment=OuterRef(ref), quarter=quarter)
    if as_of is not None:
        updates = updates.filter(reported_at__date__lte=as_of)
    return Exists(updates)


# The deadline as it stood on a past day (``as_of``): the assignment's own as its
# history had it at the end of that day (a directive edited, a request approved since
# are both read before the change); for a row without history then, the deadline
# before the first change approved after that day.
DUE_AS_OF = "due_as_of"


def due_as_of(as_of: datetime.date, ref: str = "pk") -> Case:
    history = Assignment.history.filter(id=OuterRef(ref))
    moved_later = (
        DeadlineChange.objects.filter(
            assignment=OuterRef(ref),
            status=DeadlineChangeStatus.APPROVED,
            decided_at__date__gt=as_of,
        )
        .order_by("decided_at", "pk")
        .values("old_date")[:1]
    )
    return Case(
        When(
            Exists(history.filter(history_date__lt=day_after(as_of))),
            then=_recorded("due_date", as_of, ref),
        ),
        # Made after that day, with its directive: as recorded when made.
        When(Exists(history.filter(history_type="+")), then=_first_recorded("due_date", ref)),
        default=Coalesce(Subquery(moved_later), F("due_date")),
    )


def unit_as_of(as_of: datetime.date | None, ref: str = "pk"):
    """The unit an assignment was given to as its history had it at the end of
    ``as_of`` (a reorganisation may have handed it to a successor since), or as first
    recorded when that came later (with its directive, entered after the meeting);
    its unit now without history, or when ``as_of`` is None."""
    if as_of is None:
        return ExpressionWrapper(F("unit_id"), output_field=BigIntegerField())
    return Coalesce(
        _recorded("unit_id", as_of, ref),
        _first_recorded("unit_id", ref),
        F("unit_id"),
        output_field=BigIntegerField(),
    )


def _recorded(field: str, as_of: datetime.date, ref: str) -> Subquery:
    """``field`` of the assignment as its history had it at the end of ``as_of``."""
    then = Assignment.history.filter(id=OuterRef(ref), history_date__lt=day_after(as_of))
    return Subquery(then.order_by("-history_date", "-history_id").values(field)[:1])


def _first_recorded(field: str, ref: str) -> Subquery:
    """``field`` of the assignment as recorded when it was made (None without that record)."""
    made = Assignment.history.filter(id=OuterRef(ref), history_type="+")
    return Subquery(made.values(field)[:1])


def given_by(as_of: datetime.date | None) -> Q:
    """Assignments that existed on ``as_of`` (every one when None): recorded by the end
    of that day, or on the day their directive was (a meeting's directives are often
    entered after it); a unit added to a directive later had no assignment then. A row
    without history (loaded in bulk) is taken as given."""
    if as_of is None:
        return Q()
    first = Assignment.history.filter(id=OuterRef("pk"), history_type="+")
    directive_recorded = (
        Directive.history.filter(id=OuterRef(OuterRef("directive_id")), history_type="+")
        .order_by("history_date")
        .values("history_date")[:1]
    )
    return Q(
        ~Exists(first)
        | Exists(first.filter(history_date__lt=day_after(as_of)))
        | Exists(first.filter(history_date__date__lte=TruncDate(Subquery(directive_recorded))))
    )


def _due(as_of: datetime.date | None) -> str:
    """The column the deadline is read from: ``due_date``, or on a past day the
    ``DUE_AS_OF`` annotation (``with_due_as_of``)."""
    return "due_date" if as_of is None else DUE_AS_OF


def with_due_as_of(qs: QuerySet[A], as_of: datetime.date | None) -> QuerySet[A]:
    """``qs`` (assignments) with their deadline on ``as_of``, when one is given."""
    return qs if as_of is None else qs.annotate(**{DUE_AS_OF: due_as_of(as_of)})


def done_by(as_of: datetime.date | None) -> Q:
    """Done (on ``as_of``, when given: finished by then)."""
    if as_of is None:
        return Q(completed_on__isnull=False)
    return Q(completed_on__lte=as_of)


def status_conditions(
    *,
    quarter: Quarter | None,
    today: datetime.date,
    ref: str = "pk",
    as_of: datetime.date | None = None,
) -> dict[DirectiveStatus, Q]:
    """One condition per status, mutually exclusive, mirroring ``rules.assignment_status``.

    They read ``due_date`` and ``completed_on`` of the assignment in the
    current query; ``ref`` names its primary key for the EXISTS subqueries. With
    ``as_of`` (a past day, with ``today`` the same day), as things stood then: only
    what was finished and reported by that day counts, and the deadline is the one in
    force that day (the query must be ``with_due_as_of`` the same day).
    """
    due = _due(as_of)
    done = done_by(as_of)
    open_ = ~done
    has_update = Q(_updates(ref, as_of))
    updated = Q(_updates_in(quarter, ref, as_of)) if quarter is not None else Q(NEVER)
    no_due = Q(**{f"{due}__isnull": True})
    return {
        S.DONE_ON_TIME: done & (no_due | Q(completed_on__lte=F(due))),
        S.DONE_LATE: done & Q(**{f"{due}__isnull": False}) & Q(completed_on__gt=F(due)),
        S.OVERDUE: open_ & Q(**{f"{due}__lt": today}),
        S.NOT_STARTED: open_ & (no_due | Q(**{f"{due}__gte": today})) & ~has_update,
        S.IN_PROGRESS: open_ & Q(**{f"{due}__gte": today}) & has_update,
        S.ONGOING_CURRENT: open_ & no_due & updated,
        S.ONGOING_STALE: open_ & no_due & has_update & ~updated,
    }


def assignment_status_expression(
    *, quarter: Quarter | None, today: datetime.date, as_of: datetime.date | None = None
) -> Case:
    """The Case mirroring ``rules.assignment_status`` (first matching rule wins)."""
    due = _due(as_of)
    completed = done_by(as_of)
    in_time = Q(**{f"{due}__isnull": True}) | Q(completed_on__lte=F(due))
    return Case(
        When(completed & in_time, then=Value(S.DONE_ON_TIME.value)),
        When(completed, then=Value(S.DONE_LATE.value)),
        When(Q(**{f"{due}__lt": today}), then=Value(S.OVERDUE.value)),
        When(has_update=False, then=Value(S.NOT_STARTED.value)),
        When(
            Q(**{f"{due}__isnull": True}),
            updated_this_quarter=True,
            then=Value(S.ONGOING_CURRENT.value),
        ),
        When(Q(**{f"{due}__isnull": True}), then=Value(S.ONGOING_STALE.value)),
        default=Value(S.IN_PROGRESS.value),
        output_field=CharField(),
    )


def annotate_assignment_status(
    qs: QuerySet[Assignment],
    *,
    quarter: Quarter | None,
    today: datetime.date,
    as_of: datetime.date | None = None,
) -> QuerySet[AssignmentWithStatus]:
    """Annotate ``has_update``, ``updated_this_quarter`` and ``status`` on assignments.

    ``quarter`` is the current quarter (None when none is open: nothing is then
    "updated this quarter"). With ``as_of``, as things stood on that past day
    (``status_conditions``); ``due_as_of`` is then annotated too.
    """
    return (
        with_due_as_of(qs, as_of)
        .annotate(  # ``progress``, named for the type checker
            has_update=_updates("pk", as_of),
            updated_this_quarter=_updates_in(quarter, "pk", as_of),
        )
        .annotate(status=assignment_status_expression(quarter=quarter, today=today, as_of=as_of))
    )


def progress(*, quarter: Quarter | None, as_of: datetime.date | None = None) -> dict:
    """``has_update`` and ``updated_this_quarter`` (by ``as_of``, when given) to
    annotate on assignments: what ``rules.assignment_status`` reads beside the dates."""
    return {
        "has_update": _updates("pk", as_of),
        "updated_this_quarter": _updates_in(quarter, "pk", as_of),
    }


def directive_status_subquery(
    *, quarter: Quarter | None, today: datetime.date, as_of: datetime.date | None = None
) -> Coalesce:
    """A directive's status as one correlated subquery over its lead assignments,
    mirroring ``rules.combine_statuses``; "not started" when it has no lead. With
    ``as_of``, as it stood on that past day (``status_conditions``)."""
    conditions = status_conditions(quarter=quarter, today=today, as_of=as_of)

    def count(status: DirectiveStatus):
        return Count("pk", filter=conditions[status])

    leads = with_due_as_of(
        Assignment.objects.filter(
            given_by(as_of), directive=OuterRef("pk"), role=AssignmentRole.LEAD
        ),
        as_of,
    )
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
            n_done=Count("pk", filter=done_by(as_of)),
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
    qs: QuerySet[Directive],
    *,
    quarter: Quarter | None,
    today: datetime.date,
    as_of: datetime.date | None = None,
) -> QuerySet[DirectiveWithStatus]:
    """Annotate ``status`` on a Directive queryset (one subquery per row); with
    ``as_of``, as it stood on that past day."""
    return qs.annotate(status=directive_status_subquery(quarter=quarter, today=today, as_of=as_of))
