"""The derived status as SQL: the same rules as ``directives.rules``, written as
Django expressions so that registers and dashboards filter and count in the
database. Tests prove the two agree for every status.
"""

import datetime

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from directives.models import Assignment, AssignmentRole, ProgressUpdate
from directives.rules import DONE, DirectiveStatus
from reports.models import Quarter

S = DirectiveStatus

# Annotation names of the per-status counts of a directive's lead units.
LEAD_COUNT_FIELDS = {
    S.DONE_ON_TIME: "leads_done_on_time",
    S.DONE_LATE: "leads_done_late",
    S.IN_PROGRESS: "leads_in_progress",
    S.OVERDUE: "leads_overdue",
    S.NOT_STARTED: "leads_not_started",
    S.ONGOING_CURRENT: "leads_ongoing_current",
    S.ONGOING_STALE: "leads_ongoing_stale",
}


def _updated_in(quarter: Quarter | None, ref: str = "pk"):
    if quarter is None:
        return Value(False)
    return Exists(ProgressUpdate.objects.filter(assignment=OuterRef(ref), quarter=quarter))


def assignment_status_expression(*, today: datetime.date) -> Case:
    """The Case mirroring ``rules.assignment_status``.

    Reads ``due_date``, ``completed_on`` and the boolean annotations
    ``has_update`` and ``updated_this_quarter`` of an Assignment queryset.
    """
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
) -> QuerySet[Assignment]:
    """Annotate ``has_update``, ``updated_this_quarter`` and ``status`` on assignments.

    ``quarter`` is the current quarter (None when none is open: nothing is then
    "updated this quarter").
    """
    return qs.annotate(
        has_update=Exists(ProgressUpdate.objects.filter(assignment=OuterRef("pk"))),
        updated_this_quarter=_updated_in(quarter),
    ).annotate(status=assignment_status_expression(today=today))


def _lead_count(status: DirectiveStatus, *, quarter, today) -> Coalesce:
    leads = Assignment.objects.filter(directive=OuterRef("pk"), role=AssignmentRole.LEAD)
    counted = (
        annotate_assignment_status(leads, quarter=quarter, today=today)
        .filter(status=status.value)
        .order_by()
        .values("directive")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def directive_status_expression() -> Case:
    """The Case mirroring ``rules.combine_statuses`` over the lead counts."""
    f = {status: F(name) for status, name in LEAD_COUNT_FIELDS.items()}
    done = f[S.DONE_ON_TIME] + f[S.DONE_LATE]
    leads = sum((f[status] for status in S), start=Value(0))
    return (
        Case(
            When(Q(lead_total=0), then=Value(S.NOT_STARTED.value)),
            When(
                Q(lead_done=F("lead_total"), leads_done_late__gt=0),
                then=Value(S.DONE_LATE.value),
            ),
            When(Q(lead_done=F("lead_total")), then=Value(S.DONE_ON_TIME.value)),
            When(Q(leads_overdue__gt=0), then=Value(S.OVERDUE.value)),
            When(Q(leads_ongoing_stale__gt=0), then=Value(S.ONGOING_STALE.value)),
            When(Q(leads_in_progress__gt=0), then=Value(S.IN_PROGRESS.value)),
            When(Q(leads_ongoing_current__gt=0), then=Value(S.ONGOING_CURRENT.value)),
            When(Q(lead_done__gt=0), then=Value(S.IN_PROGRESS.value)),
            default=Value(S.NOT_STARTED.value),
            output_field=CharField(),
        ),
        done,
        leads,
    )


def annotate_directive_status(qs, *, quarter: Quarter | None, today: datetime.date):
    """Annotate ``status`` (and the per-status lead counts) on a Directive queryset.

    Uses ``alias`` for the counts so that grouped aggregates over ``status``
    group by what the caller asks for only.
    """
    counts = {
        name: _lead_count(status, quarter=quarter, today=today)
        for status, name in LEAD_COUNT_FIELDS.items()
    }
    case, done, leads = directive_status_expression()
    return qs.alias(**counts).alias(lead_done=done, lead_total=leads).annotate(status=case)


DONE_VALUES = [status.value for status in DONE]
OPEN_VALUES = [status.value for status in S if status not in DONE]
