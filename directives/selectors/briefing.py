"""The meeting page and the briefing pack: the meeting's directives, what is carried
over from earlier meetings, report completeness and open work per unit."""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    F,
    Q,
    Value,
    When,
)
from django.utils import timezone

from common import caching
from directives import query, rules
from directives.models import (
    Assignment,
    Directive,
    Meeting,
)
from directives.selectors.history import assignments_as_given
from directives.selectors.kept import kept
from directives.selectors.visible import (
    ROWS_SHOWN,
    S,
    assignments_visible_to,
    directives_with_status,
    meeting_recommendations,
    with_units,
)
from reports import aggregation
from reports.models import ReportStatus, Unit
from reports.permissions import AnyUser, Scope, scope_of_reads
from reports.rules import Timeliness, report_timeliness
from reports.selectors import load_former_names

if TYPE_CHECKING:
    from directives.query import AssignmentWithStatus


def meeting_directives(meeting: Meeting, user: AnyUser, *, quarter, today=None, as_of=None):
    """The meeting's directives the user may see, by number, with their units and status
    (with ``as_of``, the status they had on that past day)."""
    return with_units(
        directives_with_status(user, quarter=quarter, today=today, as_of=as_of).filter(
            meeting=meeting
        )
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


def _report_completeness(
    meeting: Meeting, *, scope: Scope, today: datetime.date, as_of: datetime.date | None
) -> dict:
    """The meeting quarter's report counts by timeliness, and the units to show:
    every expected unit when they fit in ``ROWS_SHOWN``, otherwise the ones without a
    report on time (unfiled first, then late). Two queries.

    Who is expected, what counts as filed and what is late are the quarter page's
    answers (``reports.aggregation.completeness``), so the pack and the page agree.
    """
    mq = meeting.quarter
    counts = aggregation.completeness_counts(quarter=mq, scope=scope, today=today, as_of=as_of)
    unfiled = Q(is_filed=False)
    shown = aggregation.units_with_standing(quarter=mq, scope=scope, as_of=as_of).only(
        "id", "name", "display_order"
    )
    capped = counts.expected > ROWS_SHOWN
    if capped:
        attention = Case(When(unfiled, then=Value(0)), default=Value(1))
        shown = shown.filter(aggregation.not_on_time(mq)).order_by(
            attention, "display_order", "name", "pk"
        )
    else:
        shown = shown.order_by("display_order", "name", "pk")
    rows = [
        {
            "unit": unit,
            "timeliness": report_timeliness(
                due_date=mq.due_date,
                submitted_at=unit.filed_at,
                today=today,
                filed=unit.is_filed,
            ),
            "status_label": ReportStatus(unit.report_status).label if unit.report_status else "",
            "submitted_at": unit.filed_at,
        }
        for unit in shown[:ROWS_SHOWN]
    ]
    return {
        "completeness": rows,
        "completeness_counts": {
            Timeliness.ON_TIME: counts.on_time,
            Timeliness.LATE: counts.late,
            Timeliness.MISSING: counts.missing,
            Timeliness.NOT_DUE: counts.not_due,
        },
        "completeness_capped": capped,
        "completeness_more": counts.expected - len(rows),
    }


# The unit each open assignment is counted under: its unit on the pack's day.
UNIT_THEN = "unit_then"


def _open_per_unit(
    user: AnyUser, *, quarter, today: datetime.date, meeting: Meeting, as_of: datetime.date | None
) -> dict:
    """Open assignments grouped by unit, the units with the most overdue first
    when more than ``ROWS_SHOWN`` units have some; the totals stay complete.
    Three queries, four on a past day. Only directives given by the meeting or before
    it; with ``as_of``, as they stood on that past day (the deadline of then,
    ``query.due_as_of``; finished and reported by then), each under the unit it was
    given to then (``query.unit_as_of``).

    The open assignments are read once, each with its deadline and unit of then, and
    counted here: a past day's deadline is a CASE of history lookups, which PostgreSQL
    ran again in every count and condition that named it (3.4 s for the centre's pack
    at 34 provinces, its 3,900 open assignments; 0.3 s this way).
    """
    given = assignments_visible_to(user).filter(directive__meeting__held_at__lte=meeting.held_at)
    if as_of is not None:
        # The history is read for these rows only: with the visibility in the same
        # query, PostgreSQL ran the lookups below over the whole country's assignments
        # (1 s at 34 provinces, 0.24 s with the ids first; a subquery was slower still).
        given = Assignment.objects.filter(pk__in=list(given.values_list("pk", flat=True)))
    open_ = query.with_due_as_of(given.filter(query.given_by(as_of)), as_of).filter(
        ~query.done_by(as_of)
    )
    due_field = query.DUE_AS_OF if as_of else "due_date"
    # {assignment id: (its unit then, its deadline then)}
    then = {
        pk: (unit_id, due)
        for pk, unit_id, due in open_.annotate(**{UNIT_THEN: query.unit_as_of(as_of)})
        .values_list("pk", UNIT_THEN, due_field)
        .order_by()
    }
    counts: dict[int, list[int]] = {}  # {unit id: [open, overdue]}
    for unit_id, due in then.values():
        count = counts.setdefault(unit_id, [0, 0])
        count[0] += 1
        count[1] += rules.is_overdue(due, today)
    totals = {
        "units": len(counts),
        "overdue_units": sum(1 for _open, overdue in counts.values() if overdue),
        "open": len(then),
        "overdue": sum(overdue for _open, overdue in counts.values()),
    }
    # In the commission's order as the database sorts names (as the completeness table).
    ordered = list(Unit.objects.filter(pk__in=counts).order_by("display_order", "name", "pk"))
    units = {unit.pk: unit for unit in ordered}
    position = {unit.pk: number for number, unit in enumerate(ordered)}

    def in_order(unit_id: int) -> int:
        return position[unit_id]

    shown = sorted(counts, key=lambda u: (-counts[u][1], -counts[u][0], in_order(u)))
    shown = shown[:ROWS_SHOWN]
    if len(counts) <= ROWS_SHOWN:
        shown.sort(key=in_order)
    listed: dict[int, list[AssignmentWithStatus]] = {unit_id: [] for unit_id in shown}
    ids = [pk for pk, (unit_id, _due) in then.items() if unit_id in listed]
    assignments = cast(
        "list[AssignmentWithStatus]",
        list(
            Assignment.objects.filter(pk__in=ids)
            .annotate(**query.progress(quarter=quarter, as_of=as_of))
            .select_related("directive", "directive__meeting", "unit")
        ),
    )
    for assignment in assignments:
        if as_of is not None:
            setattr(assignment, query.DUE_AS_OF, then[assignment.pk][1])  # as the pages read it
        assignment.status = rules.assignment_status(
            due_date=then[assignment.pk][1],
            completed_on=None,  # open on the pack's day
            has_update=assignment.has_update,
            updated_this_quarter=assignment.updated_this_quarter,
            today=today,
        )
    assignments.sort(key=lambda a: (then[a.pk][1] is None, then[a.pk][1], a.directive.number, a.pk))
    for assignment in assignments:
        unit_id = then[assignment.pk][0]
        assignment.unit = units[unit_id]  # as given then, on a past day's pack
        listed[unit_id].append(assignment)
    rows = [
        {
            "unit": units[unit_id],
            "open": items,
            "overdue": [a for a in items if a.status == S.OVERDUE],
        }
        for unit_id, items in listed.items()
        if items
    ]
    return {
        "directive_rows": rows,
        "open_totals": totals,
        "open_units_more": totals["units"] - len(rows),
    }


def _given(directives: list[Directive], as_of: datetime.date | None) -> list[Directive]:
    """The directives with their units as given on ``as_of`` (as now when None)."""
    if as_of is not None:
        assignments_as_given(directives, as_of)
    return directives


def briefing_pack(meeting: Meeting, user: AnyUser, *, quarter, today=None) -> dict:
    """Report completeness for the meeting's quarter, open/overdue directives per
    unit (complete counts, the rows that need attention first, at most
    ``ROWS_SHOWN`` of each) and the meeting's own directives, all of them.
    A fixed number of queries.

    The pack of a meeting held before today is as things stood on its day
    (``as_of``): the reports filed by then, the directives given by then and not
    finished by then, with the deadlines and progress of then, and the statuses of
    the meeting's own directives on the day they were given. ``quarter`` is the
    current quarter, for a meeting of today or later."""
    today = today or timezone.localdate()
    as_of = meeting.held_on if meeting.held_on < today else None
    if as_of is not None:
        today, quarter = as_of, meeting.quarter
    scope = scope_of_reads(user)
    pack = {
        **_report_completeness(meeting, scope=scope, today=today, as_of=as_of),
        **_open_per_unit(user, quarter=quarter, today=today, meeting=meeting, as_of=as_of),
        "new_directives": _given(
            list(meeting_directives(meeting, user, quarter=quarter, today=today, as_of=as_of)),
            as_of,
        ),
        "names_on": meeting.held_on,
        "as_of": as_of,
    }
    load_former_names(
        [row["unit"] for row in pack["completeness"]]
        + [row["unit"] for row in pack["directive_rows"]]
        + assigned_units(pack["new_directives"])
    )
    return pack


def assigned_units(directives: Iterable[Directive]) -> list[Unit]:
    """The units of the directives' prefetched assignments (``with_units``)."""
    return [a.unit for directive in directives for a in directive.assignments.all()]


def meeting_page(meeting: Meeting, user: AnyUser, *, quarter, page_number) -> dict:
    """What the meeting's page shows: its directives, recommendations, the directives
    carried over from earlier meetings (a page of them), every unit named as it was on
    the meeting's date (``names_on``: units renamed since carry their former names);
    kept until anything it reads changes (``kept``)."""
    today = timezone.localdate()
    parts = (meeting.pk, today, quarter.pk if quarter else None, page_number, ROWS_SHOWN)
    page = kept(
        "meeting", user, parts, lambda: _meeting_page(meeting, user, quarter, today, page_number)
    )
    rows, count, number = page["carried_over"]
    return {**page, "carried_over": caching.counted_page(rows, count, number, ROWS_SHOWN)}


def _meeting_page(
    meeting: Meeting, user: AnyUser, quarter, today: datetime.date, page_number: int
) -> dict:
    directives = list(meeting_directives(meeting, user, quarter=quarter, today=today))
    carried_page = Paginator(
        carried_over(meeting, user, quarter=quarter, today=today), ROWS_SHOWN
    ).get_page(page_number)
    carried = list(carried_page.object_list)
    recommendations = list(meeting_recommendations(meeting, user))
    attending_units = list(meeting.attending_units.order_by("display_order", "name"))
    load_former_names(
        [meeting.unit, *attending_units]
        + assigned_units(directives)
        + assigned_units(carried)
        + [r.raised_by for r in recommendations if r.raised_by is not None]
    )
    return {
        "attending_units": attending_units,
        "directives": directives,
        "recommendations": recommendations,
        # The page's rows, the count of them all and its number (a Page is not kept).
        "carried_over": (carried, carried_page.paginator.count, carried_page.number),
        "names_on": meeting.held_on,
    }
