"""Measurable targets: how far a directive's target is reached, and whether on pace."""

import datetime
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    Q,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.lookups import among
from directives.models import (
    Directive,
)
from reports.models import (
    Accumulation,
    Aggregation,
    IndicatorValue,
    Quarter,
    Unit,
    filed_q,
)
from reports.permissions import NO_UNITS, AnyUser, scope_for
from reports.rules import quarter_of

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


def target_progress(
    directive: Directive, user: AnyUser, *, today: datetime.date | None = None
) -> dict | None:
    """The target's actual value each quarter since the meeting, and its standing.

    The target is one of the unit that held the meeting, reached by the units under
    it: a quarter's value comes from the submitted or accepted reports of that unit's
    subtree, summed (or their mean, for a mean indicator). A user whose figures
    (``scope_for``) do not cover the whole subtree, as unit staff, gets the values of
    the units of it they see, and no standing: a part is not measured against the
    whole's target (``whole`` says which). For a flow indicator the running total
    since the meeting's quarter is compared with the target; a stock indicator is
    compared as it stands each quarter. Two queries.
    """
    if not directive.has_target:
        return None
    today = today or timezone.localdate()
    indicator = directive.target_indicator
    assert indicator is not None  # has_target
    start = directive.meeting.quarter
    subtree = Unit.objects.subtree_ids([directive.meeting.unit_id])
    scope = scope_for(user) or NO_UNITS
    whole = scope.is_everything or subtree <= (scope.unit_ids or frozenset())
    agg = Avg("value") if indicator.aggregation == Aggregation.MEAN else Sum("value")
    given = IndicatorValue.objects.filter(
        filed_q("report__"), among("report__unit_id", subtree), indicator=indicator
    )
    rows = (
        scope.filter(given, "report__unit_id")
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
                "reached": whole
                and (directive.target_min is None or value >= directive.target_min),
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
        "whole": whole,
        "standing": standing if whole else None,
        "standing_label": TargetStanding.LABELS[standing] if whole else "",
        "standing_badge": TargetStanding.BADGE[standing] if whole else "",
        "cumulative": indicator.accumulation == Accumulation.FLOW,
    }
