"""Reads of meetings, directives and progress, narrowed to what the user may see.

Every list, search, count, dashboard and export starts from
``directives_visible_to`` (or ``assignments_visible_to``), so a confidential
directive never leaks into a number or a row.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.text import search_words
from directives import permissions, query
from directives.models import (
    Assignment,
    Confidentiality,
    DeadlineChange,
    DeadlineChangeStatus,
    Directive,
    Meeting,
    ProgressUpdate,
    Recommendation,
    ReviewStatus,
)
from directives.rules import DirectiveStatus
from reports.models import (
    Accumulation,
    Aggregation,
    IndicatorValue,
    Quarter,
    ReportStatus,
    Unit,
)
from reports.permissions import AnyUser, unit_roles
from reports.rules import Timeliness, late_from, quarter_of, rate

S = DirectiveStatus

# The most rows a long list on the dashboard, the meeting page or the briefing
# pack shows: a province's lists fit whole; at national scale the rows that need
# attention come first and "N more" links to the full filtered list.
ROWS_SHOWN = 50


def current_quarter() -> Quarter | None:
    return Quarter.objects.current()


# ---------------------------------------------------------------- visibility


def directives_visible_to(user: AnyUser) -> QuerySet[Directive]:
    """Directives the user may know of: all for reviewers, leadership and admins;
    for everyone else the normal ones plus confidential ones assigned to their units."""
    if not user.is_authenticated:
        return Directive.objects.none()
    if permissions.sees_all_directives(user):
        return Directive.objects.all()
    assigned_to_mine = Exists(
        Assignment.objects.filter(directive=OuterRef("pk"), unit_id__in=list(unit_roles(user)))
    )
    return Directive.objects.filter(Q(confidentiality=Confidentiality.NORMAL) | assigned_to_mine)


def assignments_visible_to(user: AnyUser) -> QuerySet[Assignment]:
    return Assignment.objects.filter(directive__in=directives_visible_to(user))


def directives_with_status(
    user: AnyUser, *, quarter: Quarter | None, today: datetime.date | None = None
) -> QuerySet[Directive]:
    """The visible directives with their derived ``status``, ready for the register."""
    today = today or timezone.localdate()
    return query.annotate_directive_status(
        directives_visible_to(user), quarter=quarter, today=today
    ).select_related("meeting", "meeting__quarter", "topic")


def assignments_with_status(
    user: AnyUser, *, quarter: Quarter | None, today: datetime.date | None = None
) -> QuerySet[Assignment]:
    today = today or timezone.localdate()
    return query.annotate_assignment_status(
        assignments_visible_to(user), quarter=quarter, today=today
    ).select_related("unit", "directive", "directive__meeting", "directive__topic")


def with_units(qs: QuerySet[Directive]) -> QuerySet[Directive]:
    """Prefetch each directive's assignments and units (one extra query)."""
    return qs.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("unit").order_by(
                "role", "unit__display_order", "unit__name"
            ),
        )
    )


# ------------------------------------------------------------ a directive


def directive_assignments(
    directive: Directive, *, quarter: Quarter | None, today: datetime.date | None = None
) -> list[Assignment]:
    """The directive's units, each with its own status and last update."""
    today = today or timezone.localdate()
    qs = query.annotate_assignment_status(
        directive.assignments.select_related("unit"), quarter=quarter, today=today
    ).order_by("role", "unit__display_order", "unit__name")
    return list(qs)


@dataclass
class TimelineEvent:
    when: datetime.datetime
    kind: str  # "update" or "deadline"
    item: ProgressUpdate | DeadlineChange


def directive_timeline(directive: Directive) -> list[TimelineEvent]:
    """Progress updates and deadline changes, newest first (two queries)."""
    updates = ProgressUpdate.objects.filter(assignment__directive=directive).select_related(
        "assignment__unit", "quarter", "reported_by", "reviewed_by"
    )
    changes = DeadlineChange.objects.filter(assignment__directive=directive).select_related(
        "assignment__unit", "requested_by", "decided_by"
    )
    events = [TimelineEvent(u.reported_at, "update", u) for u in updates]
    events += [TimelineEvent(c.requested_at, "deadline", c) for c in changes]
    return sorted(events, key=lambda e: e.when, reverse=True)


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


# ------------------------------------------------------------------ targets


class TargetStanding:
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    MISSED = "missed"
    NO_DATA = "no_data"

    LABELS = {
        ON_TRACK: _("On track"),
        AT_RISK: _("At risk"),
        MISSED: _("Missed"),
        NO_DATA: _("No reported values yet"),
    }
    BADGE = {ON_TRACK: "success", AT_RISK: "warning", MISSED: "danger", NO_DATA: "secondary"}


def target_standing(
    *,
    values: list[Decimal],
    target_min: Decimal | None,
    target_max: Decimal | None,
    target_date: datetime.date | None,
    today: datetime.date,
    quarters_left: int = 0,
) -> str:
    """On track, at risk or missed.

    The latest value reaching the lower bound (or the upper one when no lower
    is set) is on track. Not reached and past the target date: missed.
    Otherwise, a straight line through the first and latest values projected
    over the quarters left reaching the bound is on track; else at risk.
    """
    goal = target_min if target_min is not None else target_max
    if not values:
        return TargetStanding.NO_DATA
    if goal is None or values[-1] >= goal:
        return TargetStanding.ON_TRACK
    if target_date is not None and today > target_date:
        return TargetStanding.MISSED
    if len(values) >= 2 and quarters_left > 0:
        slope = (values[-1] - values[0]) / (len(values) - 1)
        if values[-1] + slope * quarters_left >= goal:
            return TargetStanding.ON_TRACK
    return TargetStanding.AT_RISK


def _quarter_index(year: int, number: int) -> int:
    return year * 4 + number - 1


def target_progress(directive: Directive, *, today: datetime.date | None = None) -> dict | None:
    """The target's actual value each quarter since the meeting, and its standing.

    A quarter's value comes from the units' submitted or accepted reports:
    summed over units (or their mean, for a mean indicator). For a flow
    indicator the running total since the meeting's quarter is compared with
    the target; a stock indicator is compared as it stands each quarter.
    One query.
    """
    if not directive.has_target:
        return None
    today = today or timezone.localdate()
    indicator = directive.target_indicator
    start = directive.meeting.quarter
    agg = Avg("value") if indicator.aggregation == Aggregation.MEAN else Sum("value")
    rows = (
        IndicatorValue.objects.filter(
            indicator=indicator,
            report__status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED],
        )
        .filter(
            Q(report__quarter__year__gt=start.year)
            | Q(report__quarter__year=start.year, report__quarter__number__gte=start.number)
        )
        .values("report__quarter__year", "report__quarter__number")
        .annotate(value=agg, units=Count("report__unit", distinct=True))
        .order_by("report__quarter__year", "report__quarter__number")
    )
    points = []
    running = Decimal(0)
    for row in rows:
        value = Decimal(row["value"]).quantize(Decimal("0.01"))
        if indicator.accumulation == Accumulation.FLOW:
            running += value
            value = running
        points.append(
            {
                "label": Quarter(
                    year=row["report__quarter__year"], number=row["report__quarter__number"]
                ).label,
                "year": row["report__quarter__year"],
                "number": row["report__quarter__number"],
                "value": value,
                "units": row["units"],
                "reached": directive.target_min is None or value >= directive.target_min,
            }
        )
    quarters_left = 0
    if directive.target_date and points:
        target_year, target_number = quarter_of(directive.target_date)
        last = points[-1]
        quarters_left = max(
            0,
            _quarter_index(target_year, target_number)
            - _quarter_index(last["year"], last["number"]),
        )
    standing = target_standing(
        values=[p["value"] for p in points],
        target_min=directive.target_min,
        target_max=directive.target_max,
        target_date=directive.target_date,
        today=today,
        quarters_left=quarters_left,
    )
    return {
        "indicator": indicator,
        "points": points,
        "standing": standing,
        "standing_label": TargetStanding.LABELS[standing],
        "standing_badge": TargetStanding.BADGE[standing],
        "cumulative": indicator.accumulation == Accumulation.FLOW,
    }


# ----------------------------------------------------------------- meetings


def meetings_visible_to(user: AnyUser) -> QuerySet[Meeting]:
    """Meetings with the number of directives the user may see in each."""
    if not permissions.can_browse(user):
        return Meeting.objects.none()
    visible = directives_visible_to(user).filter(meeting=OuterRef("pk"))
    counted = visible.order_by().values("meeting").annotate(n=Count("pk")).values("n")
    return Meeting.objects.select_related("quarter").annotate(
        directive_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0)
    )


def meetings_matching(user: AnyUser, text: str, *, limit: int = 20) -> list[Meeting]:
    """The meeting pickers' search: visible meetings whose folded title, chair or
    venue holds every word of ``text``, newest first; at most ``limit``, one query.

    ``search_text`` is already folded, so a plain LIKE ignores diacritics on
    SQLite and PostgreSQL alike. An empty search finds nothing.
    """
    words = search_words(text)
    if not words:
        return []
    meetings = meetings_visible_to(user).select_related(None).only("title", "held_at")
    for word in words:
        meetings = meetings.filter(search_text__contains=word)
    return list(meetings.order_by("-held_at", "-pk")[:limit])


def meeting_directives(meeting: Meeting, user: AnyUser, *, quarter, today=None):
    return with_units(
        directives_with_status(user, quarter=quarter, today=today).filter(meeting=meeting)
    ).order_by("number")


def recommendations_visible_to(user: AnyUser) -> QuerySet[Recommendation]:
    """Recommendations the user may read, with the chair's response.

    One that led only to confidential directives is as confidential as they
    are (DESIGN.md: seen by reviewers, leadership and the units assigned): it
    is shown to whoever may see at least one of its directives. One that led
    to no directive, or to a normal one, is seen by everyone who browses.
    """
    if not user.is_authenticated:
        return Recommendation.objects.none()
    if permissions.sees_all_directives(user):
        return Recommendation.objects.all()
    links = Recommendation.directives.through.objects.filter(recommendation=OuterRef("pk"))
    visible_links = links.filter(directive__in=directives_visible_to(user))
    return Recommendation.objects.filter(~Exists(links) | Exists(visible_links))


def meeting_recommendations(meeting: Meeting, user: AnyUser) -> QuerySet[Recommendation]:
    visible = directives_visible_to(user).order_by("number")
    return (
        recommendations_visible_to(user)
        .filter(meeting=meeting)
        .select_related("raised_by")
        .prefetch_related(Prefetch("directives", queryset=visible))
    )


_UNIT_FIELDS = ("unit", "unit__name", "unit__short_name", "unit__display_order")
_UNIT_ORDER = ("unit__display_order", "unit__name", "unit")


def _in_unit_order(rows: list[dict], total: int) -> list[dict]:
    """Rows fetched worst first; when every row fits, back in the units' usual order."""
    if total <= ROWS_SHOWN:
        rows.sort(key=lambda row: tuple(row[field] for field in _UNIT_ORDER))
    return rows


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
        open_.values(*_UNIT_FIELDS)
        .annotate(n_open=Count("pk"), n_overdue=Count("pk", filter=overdue))
        .order_by("-n_overdue", "-n_open", *_UNIT_ORDER)[:ROWS_SHOWN]
    )
    per_unit = _in_unit_order(per_unit, totals["units"])
    listed: dict[int, list[Assignment]] = {row["unit"]: [] for row in per_unit}
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
    directives = directives_visible_to(user)
    assignments = assignments_visible_to(user)
    unit_ids = permissions.dashboard_unit_ids(user)
    if unit_ids is not None:
        directives = directives.filter(
            Exists(Assignment.objects.filter(directive=OuterRef("pk"), unit_id__in=unit_ids))
        )
        assignments = assignments.filter(unit_id__in=unit_ids)
    if meeting_quarter is not None:
        directives = directives.filter(meeting__quarter=meeting_quarter)
        assignments = assignments.filter(directive__meeting__quarter=meeting_quarter)
    return directives, assignments


def dashboard_summary(
    user: AnyUser, *, quarter: Quarter | None, meeting_quarter: Quarter | None = None, today=None
) -> dict:
    """Province (or own units') headline numbers: two queries."""
    today = today or timezone.localdate()
    directives, assignments = _scoped(user, meeting_quarter)
    d = query.annotate_directive_status(directives, quarter=quarter, today=today)
    a = query.annotate_assignment_status(assignments, quarter=quarter, today=today)
    d = (_directive_tallies(d) or [_empty_tally()])[0]
    a = (_assignment_tallies(a) or [_empty_tally()])[0]
    return {"directives": d, "assignments": a, "quarter": quarter}


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
        a.values(*_UNIT_FIELDS)
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
        .order_by("-overdue", "-open", *_UNIT_ORDER)[:ROWS_SHOWN]
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
        .values(*_UNIT_FIELDS)
        .annotate(awaiting=Count("pk"))
        .order_by("-awaiting", *_UNIT_ORDER)[:ROWS_SHOWN]
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
    queries, whatever the number of units and meetings).

    Counts are complete; the per-unit and per-meeting tables list at most
    ``ROWS_SHOWN`` rows: the units that need attention, the latest meetings.
    """
    today = today or timezone.localdate()
    directives, assignments = _scoped(user, meeting_quarter)
    summary = dashboard_summary(user, quarter=quarter, meeting_quarter=meeting_quarter, today=today)
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
    by_unit = _in_unit_order(_unit_tallies(a, quarter=quarter, today=today), counted["units"])
    not_updated = _in_unit_order(_units_awaiting(a), counted["units_awaiting"])
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
    quarters = Quarter.objects.all()
    if quarter is not None:
        quarters = quarters.filter(
            Q(year__lt=quarter.year) | Q(year=quarter.year, number__lte=quarter.number)
        )
    quarters = list(reversed(quarters.order_by("-year", "-number")[:count]))
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
    base = {} if permissions.dashboard_unit_ids(user) is None else {"mine": "on"}
    return {"summary": summary, "summary_base": base}


def last_change(obj):
    """The latest history row of a meeting, directive or recommendation (None if unsaved).

    Its ``history_id`` is the version a form is opened on (``edit_version``).
    """
    if obj.pk is None:
        return None
    return obj.history.select_related("history_user").order_by("-history_id").first()


def edit_version(obj) -> int:
    """The version a form carries: the id of the object's latest history row, 0 if new."""
    latest = last_change(obj)
    return latest.history_id if latest is not None else 0
