"""The follow-up dashboard: tallies by status, unit, meeting and quarter, and the
summary the home page shows."""

import datetime

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives import permissions, query
from directives.models import (
    Directive,
    Meeting,
    ProgressUpdate,
)
from directives.selectors.kept import kept
from directives.selectors.visible import (
    ROWS_SHOWN,
    UNIT_FIELDS,
    UNIT_ORDER,
    S,
    assignments_in_scope,
    current_quarter,
    directives_in_scope,
    directives_visible_to,
    in_unit_order,
)
from reports.models import (
    Quarter,
)
from reports.permissions import AnyUser, scope_of_reads
from reports.rules import rate

# ---------------------------------------------------------------- dashboard


def _blank_tally(fields: dict) -> dict:
    return {
        **fields,
        **{status.value: 0 for status in S},
        "total": 0,
        "done": 0,
        "open": 0,
        "with_deadline": 0,
        "done_with_deadline": 0,
        "updated": 0,
    }


def _tally(rows, key_fields: tuple[str, ...]) -> list[dict]:
    """Fold rows grouped by (key fields, status, has_deadline[, updated]) into one
    dict of counts per key, in the order the keys first appear."""
    tallies: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(row[field] for field in key_fields)
        tally = tallies.get(key)
        if tally is None:
            tally = tallies[key] = _blank_tally({field: row[field] for field in key_fields})
        n, status = row["n"], row["status"]
        done = status in query.DONE_VALUES
        tally[status] += n
        tally["total"] += n
        tally["done" if done else "open"] += n
        if row["has_deadline"]:
            tally["with_deadline"] += n
            if done:
                tally["done_with_deadline"] += n
        if not done and row.get("updated_this_quarter"):
            tally["updated"] += n
    for tally in tallies.values():
        tally["awaiting"] = tally["open"] - tally["updated"]
        tally["completion_rate"] = rate(tally["done_with_deadline"], tally["with_deadline"])
        tally["update_rate"] = rate(tally["updated"], tally["open"])
    return list(tallies.values())


_HAS_DEADLINE = ExpressionWrapper(Q(due_date__isnull=False), output_field=BooleanField())


def _directive_tallies(d, *fields: str, order_by=()) -> list[dict]:
    """Directive counts per status grouped by ``fields``: one GROUP BY query."""
    rows = (
        d.annotate(has_deadline=_HAS_DEADLINE)
        .values(*fields, "has_deadline", "status")
        .annotate(n=Count("pk"))
        .order_by(*order_by)
    )
    return _tally(rows, tuple(fields))


def _assignment_tallies(a, *fields: str, order_by=()) -> list[dict]:
    rows = (
        a.annotate(has_deadline=_HAS_DEADLINE)
        .values(*fields, "has_deadline", "status", "updated_this_quarter")
        .annotate(n=Count("pk"))
        .order_by(*order_by)
    )
    return _tally(rows, tuple(fields))


def _empty_tally() -> dict:
    tally = _blank_tally({})
    tally.update(awaiting=0, completion_rate=None, update_rate=None)
    return tally


def _scoped(user: AnyUser, meeting_quarter: Quarter | None):
    """What the user's dashboard counts: the visible directives and assignments of the
    user's scope (``permissions.scope_for``), of one meeting quarter if given."""
    scope = scope_of_reads(user)
    directives = directives_in_scope(directives_visible_to(user), scope)
    assignments = assignments_in_scope(user, scope)
    if meeting_quarter is not None:
        directives = directives.filter(meeting__quarter=meeting_quarter)
        assignments = assignments.filter(directive__meeting__quarter=meeting_quarter)
    return directives, assignments


def _pk(quarter: Quarter | None) -> int | None:
    return quarter.pk if quarter is not None else None


def dashboard_summary(
    user: AnyUser, *, quarter: Quarter | None, meeting_quarter: Quarter | None = None, today=None
) -> dict:
    """Province (or own units') headline numbers: two queries, kept until something they
    count changes (``kept``)."""
    today = today or timezone.localdate()
    return kept(
        "summary",
        user,
        (today, _pk(quarter), _pk(meeting_quarter)),
        lambda: _summary(user, quarter=quarter, meeting_quarter=meeting_quarter, today=today),
    )


def directive_counts(
    user: AnyUser, *, quarter: Quarter | None, meeting_quarter: Quarter | None, today=None
) -> dict:
    """The directives' counts alone, by status, of ``dashboard_summary``: what the quarter
    page shows of its meetings' follow-up (one query, kept as the summary is)."""
    today = today or timezone.localdate()
    return kept(
        "directive-counts",
        user,
        (today, _pk(quarter), _pk(meeting_quarter)),
        lambda: _directive_counts(_scoped(user, meeting_quarter)[0], quarter=quarter, today=today),
    )


def _directive_counts(directives: QuerySet[Directive], *, quarter: Quarter | None, today) -> dict:
    d = query.annotate_directive_status(directives, quarter=quarter, today=today)
    return (_directive_tallies(d) or [_empty_tally()])[0]


def _summary(
    user: AnyUser, *, quarter: Quarter | None, meeting_quarter: Quarter | None, today
) -> dict:
    directives, assignments = _scoped(user, meeting_quarter)
    a = query.annotate_assignment_status(assignments, quarter=quarter, today=today)
    return {
        "directives": _directive_counts(directives, quarter=quarter, today=today),
        "assignments": (_assignment_tallies(a) or [_empty_tally()])[0],
        "quarter": quarter,
    }


OVERDUE_SHOWN = 15


def _unit_tallies(a, *, quarter: Quarter | None, today: datetime.date) -> list[dict]:
    """Per unit, its assignments counted by what the table shows, the units with
    the most overdue (then open) first, at most ``ROWS_SHOWN`` of them (one query).

    ``a`` is annotated by ``query.annotate_assignment_status``.
    """
    conditions = query.status_conditions(quarter=quarter, today=today)
    open_, done = Q(completed_on__isnull=True), Q(completed_on__isnull=False)
    deadline = Q(due_date__isnull=False)
    rows = list(
        a.values(*UNIT_FIELDS)
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=done),
            open=Count("pk", filter=open_),
            overdue=Count("pk", filter=conditions[S.OVERDUE]),
            not_started=Count("pk", filter=conditions[S.NOT_STARTED]),
            with_deadline=Count("pk", filter=deadline),
            done_with_deadline=Count("pk", filter=done & deadline),
            updated=Count("pk", filter=open_ & Q(updated_this_quarter=True)),
        )
        .order_by("-overdue", "-open", *UNIT_ORDER)[:ROWS_SHOWN]
    )
    for row in rows:
        row["awaiting"] = row["open"] - row["updated"]
        row["completion_rate"] = rate(row["done_with_deadline"], row["with_deadline"])
        row["update_rate"] = rate(row["updated"], row["open"])
    return rows


def _units_awaiting(a) -> list[dict]:
    """Units with open assignments not updated this quarter, the most first, at
    most ``ROWS_SHOWN`` (one query)."""
    return list(
        a.filter(completed_on__isnull=True, updated_this_quarter=False)
        .values(*UNIT_FIELDS)
        .annotate(awaiting=Count("pk"))
        .order_by("-awaiting", *UNIT_ORDER)[:ROWS_SHOWN]
    )


def follow_up_dashboard(
    user: AnyUser,
    *,
    quarter: Quarter | None,
    meeting_quarter: Quarter | None = None,
    today: datetime.date | None = None,
    trend_quarters: int = 8,
) -> dict:
    """Everything the follow-up dashboard shows, aggregated in SQL (about a dozen
    queries, whatever the number of units and meetings), kept until something it
    counts changes (``kept``).

    Counts are complete; the per-unit and per-meeting tables list at most
    ``ROWS_SHOWN`` rows: the units that need attention, the latest meetings.
    """
    today = today or timezone.localdate()
    parts = (today, _pk(quarter), _pk(meeting_quarter), trend_quarters, ROWS_SHOWN, OVERDUE_SHOWN)
    return kept(
        "dashboard",
        user,
        parts,
        lambda: _follow_up_dashboard(
            user,
            quarter=quarter,
            meeting_quarter=meeting_quarter,
            today=today,
            trend_quarters=trend_quarters,
        ),
    )


def _follow_up_dashboard(
    user: AnyUser,
    *,
    quarter: Quarter | None,
    meeting_quarter: Quarter | None,
    today: datetime.date,
    trend_quarters: int,
) -> dict:
    directives, assignments = _scoped(user, meeting_quarter)
    summary = _summary(user, quarter=quarter, meeting_quarter=meeting_quarter, today=today)
    d = query.annotate_directive_status(directives, quarter=quarter, today=today)
    a = query.annotate_assignment_status(assignments, quarter=quarter, today=today)

    by_topic = _directive_tallies(
        d,
        "topic",
        "topic__name",
        "topic__display_order",
        order_by=("topic__display_order", "topic__name"),
    )
    latest_meetings = (
        Meeting.objects.filter(Exists(directives.filter(meeting=OuterRef("pk"))))
        .order_by("-held_at", "-pk")
        .values("pk")[:ROWS_SHOWN]
    )
    by_meeting = _directive_tallies(
        d.filter(meeting__in=latest_meetings),
        "meeting",
        "meeting__title",
        "meeting__held_at",
        order_by=("-meeting__held_at", "-meeting_id"),
    )
    counted = a.aggregate(
        units=Count("unit", distinct=True),
        units_awaiting=Count(
            "unit",
            distinct=True,
            filter=Q(completed_on__isnull=True, updated_this_quarter=False),
        ),
    )
    meeting_count = directives.aggregate(n=Count("meeting", distinct=True))["n"]
    by_unit = in_unit_order(_unit_tallies(a, quarter=quarter, today=today), counted["units"])
    not_updated = in_unit_order(_units_awaiting(a), counted["units_awaiting"])
    overdue = list(
        a.filter(status=S.OVERDUE)
        .select_related("unit", "directive", "directive__meeting")
        .order_by("due_date", "directive__meeting__held_at", "directive__number")[:OVERDUE_SHOWN]
    )
    return {
        "summary": summary,
        "by_topic": by_topic,
        "by_meeting": by_meeting,
        "meetings_more": meeting_count - len(by_meeting),
        "by_unit": by_unit,
        "unit_count": counted["units"],
        "units_more": counted["units"] - len(by_unit),
        "not_updated": not_updated,
        "not_updated_more": counted["units_awaiting"] - len(not_updated),
        "overdue": overdue,
        "trend": _trend(directives, assignments, quarter=quarter, count=trend_quarters),
        "quarter": quarter,
        "today": today,
    }


def _trend(directives, assignments, *, quarter: Quarter | None, count: int) -> list[dict]:
    """Per quarter: directives issued, assignments confirmed done, assignments updated."""
    upto = Quarter.objects.all()
    if quarter is not None:
        upto = upto.filter(
            Q(year__lt=quarter.year) | Q(year=quarter.year, number__lte=quarter.number)
        )
    quarters = list(reversed(upto.order_by("-year", "-number")[:count]))
    if not quarters:
        return []
    issued = dict(
        directives.filter(meeting__quarter__in=quarters)
        .order_by()
        .values("meeting__quarter")
        .annotate(n=Count("pk"))
        .values_list("meeting__quarter", "n")
    )
    completed = assignments.aggregate(
        **{
            f"q{q.pk}": Count("pk", filter=Q(completed_on__range=(q.start_date, q.end_date)))
            for q in quarters
        }
    )
    updated = dict(
        ProgressUpdate.objects.filter(assignment__in=assignments, quarter__in=quarters)
        .order_by()
        .values("quarter")
        .annotate(n=Count("assignment", distinct=True))
        .values_list("quarter", "n")
    )
    return [
        {
            "quarter": q,
            "issued": issued.get(q.pk, 0),
            "completed": completed[f"q{q.pk}"],
            "updated": updated.get(q.pk, 0),
        }
        for q in quarters
    ]


def dashboard_chart_data(dashboard: dict) -> dict:
    """The numbers the charts draw, with translated labels (passed via json_script)."""
    d = dashboard["summary"]["directives"]
    return {
        "status": {
            "labels": [str(status.label) for status in S],
            "values": [d[status.value] for status in S],
            "colors": [_CHART_COLOURS[status] for status in S],
        },
        "units": {
            "labels": [
                row["unit__short_name"] or row["unit__name"] for row in dashboard["by_unit"]
            ],
            "done": [row["done"] for row in dashboard["by_unit"]],
            "overdue": [row[S.OVERDUE.value] for row in dashboard["by_unit"]],
            "open": [row["open"] - row[S.OVERDUE.value] for row in dashboard["by_unit"]],
            "legend": [str(_("Done")), str(_("Overdue")), str(_("Other open"))],
        },
        "trend": {
            "labels": [str(row["quarter"].label) for row in dashboard["trend"]],
            "issued": [row["issued"] for row in dashboard["trend"]],
            "completed": [row["completed"] for row in dashboard["trend"]],
            "updated": [row["updated"] for row in dashboard["trend"]],
            "legend": [
                str(_("Directives issued")),
                str(_("Assignments confirmed done")),
                str(_("Assignments with an update")),
            ],
        },
    }


_CHART_COLOURS = {
    S.DONE_ON_TIME: "#198754",
    S.DONE_LATE: "#b58105",
    S.IN_PROGRESS: "#0d6efd",
    S.OVERDUE: "#dc3545",
    S.NOT_STARTED: "#6c757d",
    S.ONGOING_CURRENT: "#0aa2c0",
    S.ONGOING_STALE: "#fd7e14",
}


def dashboard_summary_context(user: AnyUser) -> dict:
    """What ``directives/_dashboard_summary.html`` needs, for the home page (three queries)."""
    summary = dashboard_summary(user, quarter=current_quarter())
    scope = permissions.scope_for(user)
    base = {} if scope is not None and scope.oversees else {"mine": "on"}
    return {"summary": summary, "summary_base": base}
