"""Quality checks on a report's figures (issue 16, part 2): what looks wrong is
flagged where the figures are typed and where they are read.

Three kinds of flag, each a sentence in the user's language on the value it is
about:

- **Rules between indicators of one report**, kept by administrators in the admin
  (``ValidationRule``): "DT_DONE <= DT_RECV", "MEM_NEW <= MEM_TOTAL",
  "TT_PPL >= 10 * TT_SESS". Each side is a small arithmetic expression over
  indicator codes, read by the parser below (never ``eval``). A rule is checked
  only when the report has a value for every indicator it names; its flag goes
  on the first indicator of its left side.
- **The unit's own history**: a robust z-score (Iglewicz and Hoaglin: 0.6745 ×
  distance from the median / median absolute deviation) over its last eight
  quarters beyond ``Z_LIMIT``, or a change beyond ×3 or ÷3 from the same quarter
  a year before (by ``MIN_JUMP`` at least, so 1 → 4 is no alarm).
- **Units of the same kind beside it** (same parent, same kind: the units a
  reviewer compares), by the same robust z-score.

A flagged value needs an explanation, its note, before the report can be
submitted (``unexplained``, asked by ``reports.services.report_submit``); each
submitted version keeps the flags its values had (``ReportVersionValue.flags``).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.utils.translation import gettext as _

from common.numbers import format_figure
from reports.aggregation.quarters import quarter_keys_back
from reports.expressions import OPERATORS, ExpressionError, holds, parse
from reports.models import (
    Indicator,
    IndicatorValue,
    Quarter,
    Unit,
    ValidationRule,
    filed_q,
)

Z_LIMIT = Decimal("3.5")
HISTORY_QUARTERS = 8
MIN_HISTORY = 4  # values the history needs before it judges
MIN_PEERS = 5
JUMP = Decimal(3)
MIN_JUMP = Decimal(10)

# --- The checks ----------------------------------------------------------------------


def _robust_z(value: Decimal, others: list[Decimal]) -> tuple[Decimal, Decimal] | None:
    """(z, median) of ``value`` against ``others``, or None when they cannot judge
    (the deviation is zero: every other value alike)."""
    median = statistics.median(others)
    deviation = statistics.median([abs(other - median) for other in others])
    if deviation == 0:
        return None
    return Decimal("0.6745") * (value - median) / deviation, median


def _rule_flags(
    rules: Iterable[ValidationRule], by_code: Mapping[str, Decimal], ids: Mapping[str, int]
) -> dict[int, list[str]]:
    flags: dict[int, list[str]] = defaultdict(list)
    for rule in rules:
        try:
            left, right = parse(rule.left), parse(rule.right)
        except ExpressionError:
            continue  # refused by the admin form; one saved otherwise is skipped
        codes = left.codes() + right.codes()
        if not codes or any(code not in by_code for code in codes):
            continue
        left_value, right_value = left.evaluate(by_code), right.evaluate(by_code)
        if left_value is None or right_value is None:
            continue
        if holds(left_value, rule.operator, right_value):
            continue
        first = (left.codes() or codes)[0]
        flags[ids[first]].append(
            rule.message
            or _("%(left)s (%(left_value)s) should be %(operator)s %(right)s (%(right_value)s).")
            % {
                "left": rule.left,
                "left_value": format_figure(left_value),
                "operator": OPERATORS[rule.operator],
                "right": rule.right,
                "right_value": format_figure(right_value),
            }
        )
    return flags


def _earlier_quarters(quarter: Quarter) -> dict[int, tuple[int, int]]:
    """The ids of the ``HISTORY_QUARTERS`` quarters before ``quarter``, with their keys."""
    wanted = set(quarter_keys_back(*quarter.previous_key(), HISTORY_QUARTERS))
    quarters = Quarter.objects.filter(year__gte=quarter.year - 2, year__lte=quarter.year)
    return {q.id: (q.year, q.number) for q in quarters if (q.year, q.number) in wanted}


def value_flags(
    *, unit: Unit, quarter: Quarter, values: Mapping[int, Decimal | None]
) -> dict[int, list[str]]:
    """What looks wrong in ``values`` ({indicator id: value}) of ``unit``'s report of
    ``quarter``: {indicator id: [sentence, …]} (five queries, whatever the number
    of values)."""
    given = {key: value for key, value in values.items() if value is not None}
    if not given:
        return {}
    indicators = Indicator.objects.in_bulk(list(given))
    ids = {indicator.code: indicator.id for indicator in indicators.values()}
    by_code = {indicators[key].code: value for key, value in given.items() if key in indicators}
    flags = _rule_flags(ValidationRule.objects.filter(is_active=True), by_code, ids)

    earlier = _earlier_quarters(quarter)
    history: dict[int, dict[tuple[int, int], Decimal]] = defaultdict(dict)
    rows = IndicatorValue.objects.filter(
        filed_q("report__"),
        report__unit=unit,
        report__quarter_id__in=list(earlier),
        indicator_id__in=list(given),
    ).values_list("indicator_id", "report__quarter_id", "value")
    for indicator_id, quarter_id, past_value in rows:
        history[indicator_id][earlier[quarter_id]] = past_value
    same_quarter = (quarter.year - 1, quarter.number)
    for indicator_id, value in given.items():
        past = history.get(indicator_id, {})
        if len(past) >= MIN_HISTORY:
            judged = _robust_z(value, list(past.values()))
            if judged is not None and abs(judged[0]) > Z_LIMIT:
                flags[indicator_id].append(
                    _("Far from the unit's earlier quarters (their median: %(median)s).")
                    % {"median": format_figure(judged[1])}
                )
                continue
        before = past.get(same_quarter)
        if not before or not value or abs(value - before) < MIN_JUMP:
            continue
        if value / before > JUMP or before / value > JUMP:
            flags[indicator_id].append(
                _("Over three times up or down on the same quarter last year (%(before)s).")
                % {"before": format_figure(before)}
            )

    peers: dict[int, list[Decimal]] = defaultdict(list)
    if unit.parent_id is not None:
        beside = (
            IndicatorValue.objects.filter(
                filed_q("report__"),
                report__quarter=quarter,
                report__unit__parent_id=unit.parent_id,
                report__unit__kind=unit.kind,
                indicator_id__in=list(given),
            )
            .exclude(report__unit=unit)
            .values_list("indicator_id", "value")
        )
        for indicator_id, peer_value in beside:
            peers[indicator_id].append(peer_value)
    for indicator_id, others in peers.items():
        if len(others) < MIN_PEERS:
            continue
        judged = _robust_z(given[indicator_id], others)
        if judged is not None and abs(judged[0]) > Z_LIMIT:
            flags[indicator_id].append(
                _("Far from the units of the same kind beside it (their median: %(median)s).")
                % {"median": format_figure(judged[1])}
            )
    return dict(flags)


def unexplained(report, flags: Mapping[int, list[str]]) -> list[str]:
    """The names of the report's flagged values that have no note to explain them: none,
    or one written for the value before (``IndicatorValue.note_is_stale``)."""
    flagged = [
        value for value in report.values.select_related("indicator") if value.indicator_id in flags
    ]
    return [
        value.indicator.name
        for value in flagged
        if not (value.note or "").strip() or value.note_is_stale
    ]


def report_flags(report) -> dict[int, list[str]]:
    """``value_flags`` of a report's values as they are saved."""
    return value_flags(
        unit=report.unit,
        quarter=report.quarter,
        values=dict(report.values.values_list("indicator_id", "value")),
    )
