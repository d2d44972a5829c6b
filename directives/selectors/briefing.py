"""The meeting page and the briefing pack: the meeting's directives, what is carried
over from earlier meetings, report completeness and open work per unit."""

import datetime
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    Q,
    Value,
    When,
)
from django.utils import timezone

from directives import query
from directives.models import (
    Meeting,
)
from directives.selectors.visible import (
    ROWS_SHOWN,
    UNIT_FIELDS,
    UNIT_ORDER,
    S,
    assignments_visible_to,
    directives_with_status,
    in_unit_order,
    with_units,
)
from reports.models import (
    ReportStatus,
    Unit,
)
from reports.permissions import AnyUser
from reports.rules import Timeliness, late_from

if TYPE_CHECKING:
    from directives.query import AssignmentWithStatus


def meeting_directives(meeting: Meeting, user: AnyUser, *, quarter, today=None):
    return with_units(
        directives_with_status(user, quarter=quarter, today=today).filter(meeting=meeting)
    ).order_by("number")


def carried_over(meeting: Meeting, user: AnyUser, *, quarter, today=None):
    """Unfinished directives of earlier meetings, for this meeting's agenda:
    overdue ones first, then by due date (a page of them at a time)."""
    overdue_first = Case(When(status=S.OVERDUE.value, then=Value(0)), default=Value(1))
    return with_units(
        directives_with_status(user, quarter=quarter, today=today)
        .filter(meeting__held_at__lt=meeting.held_at)
        .exclude(status__in=query.DONE_VALUES)
    ).order_by(
        overdue_first, F("due_date").asc(nulls_last=True), "meeting__held_at", "number", "pk"
    )


def _report_completeness(meeting: Meeting, *, today: datetime.date) -> dict:
    """The meeting quarter's report counts by timeliness, and the units to show:
    every unit when they fit in ``ROWS_SHOWN``, otherwise the ones without a
    report on time (unfiled first, then late). Two queries."""
    mq = meeting.quarter
    cutoff = late_from(mq.due_date)
    past_due = today > mq.due_date
    units = (
        Unit.objects.filter(submits_reports=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=mq.end_date))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=mq.start_date))
        .annotate(report=FilteredRelation("reports", condition=Q(reports__quarter=mq)))
        .annotate(filed_at=F("report__first_submitted_at"))
    )
    unfiled, late = Q(filed_at__isnull=True), Q(filed_at__gte=cutoff)
    totals = units.aggregate(
        total=Count("pk"),
        on_time=Count("pk", filter=Q(filed_at__lt=cutoff)),
        late=Count("pk", filter=late),
        unfiled=Count("pk", filter=unfiled),
    )
    counts = {
        Timeliness.ON_TIME: totals["on_time"],
        Timeliness.LATE: totals["late"],
        Timeliness.MISSING: totals["unfiled"] if past_due else 0,
        Timeliness.NOT_DUE: 0 if past_due else totals["unfiled"],
    }
    unfiled_as = Timeliness.MISSING if past_due else Timeliness.NOT_DUE
    shown = units.annotate(
        timeliness=Case(
            When(unfiled, then=Value(unfiled_as.value)),
            When(late, then=Value(Timeliness.LATE.value)),
            default=Value(Timeliness.ON_TIME.value),
        ),
        report_status=F("report__status"),
    ).only("id", "name", "display_order")
    capped = totals["total"] > ROWS_SHOWN
    if capped:
        attention = Case(When(unfiled, then=Value(0)), default=Value(1))
        shown = shown.filter(unfiled | late).order_by(attention, "display_order", "name", "pk")
    else:
        shown = shown.order_by("display_order", "name", "pk")
    rows = [
        {
            "unit": unit,
            "timeliness": Timeliness(unit.timeliness),
            "status_label": ReportStatus(unit.report_status).label if unit.report_status else "",
            "submitted_at": unit.filed_at,
        }
        for unit in shown[:ROWS_SHOWN]
    ]
    return {
        "completeness": rows,
        "completeness_counts": counts,
        "completeness_capped": capped,
        "completeness_more": totals["total"] - len(rows),
    }


def _open_per_unit(user: AnyUser, *, quarter, today: datetime.date) -> dict:
    """Open assignments grouped by unit, the units with the most overdue first
    when more than ``ROWS_SHOWN`` units have some; the totals stay complete.
    Three queries."""
    open_ = assignments_visible_to(user).filter(completed_on__isnull=True)
    overdue = query.status_conditions(quarter=quarter, today=today)[S.OVERDUE]
    totals = open_.aggregate(
        units=Count("unit", distinct=True),
        overdue_units=Count("unit", distinct=True, filter=overdue),
        open=Count("pk"),
        overdue=Count("pk", filter=overdue),
    )
    per_unit = list(
        open_.values(*UNIT_FIELDS)
        .annotate(n_open=Count("pk"), n_overdue=Count("pk", filter=overdue))
        .order_by("-n_overdue", "-n_open", *UNIT_ORDER)[:ROWS_SHOWN]
    )
    per_unit = in_unit_order(per_unit, totals["units"])
    listed: dict[int, list[AssignmentWithStatus]] = {row["unit"]: [] for row in per_unit}
    assignments = (
        query.annotate_assignment_status(
            assignments_visible_to(user).filter(unit_id__in=list(listed)),
            quarter=quarter,
            today=today,
        )
        .filter(status__in=query.OPEN_VALUES)
        .select_related("directive", "directive__meeting", "unit")
        .order_by(F("due_date").asc(nulls_last=True), "directive__number", "pk")
    )
    for assignment in assignments:
        listed[assignment.unit_id].append(assignment)
    rows = [
        {
            "unit": items[0].unit,
            "open": items,
            "overdue": [a for a in items if a.status == S.OVERDUE],
        }
        for items in listed.values()
    ]
    return {
        "directive_rows": rows,
        "open_totals": totals,
        "open_units_more": totals["units"] - len(rows),
    }


def briefing_pack(meeting: Meeting, user: AnyUser, *, quarter, today=None) -> dict:
    """Report completeness for the meeting's quarter, open/overdue directives per
    unit (complete counts, the rows that need attention first, at most
    ``ROWS_SHOWN`` of each) and the meeting's own directives, all of them.
    A fixed number of queries."""
    today = today or timezone.localdate()
    return {
        **_report_completeness(meeting, today=today),
        **_open_per_unit(user, quarter=quarter, today=today),
        "new_directives": meeting_directives(meeting, user, quarter=quarter, today=today),
    }
