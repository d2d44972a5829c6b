"""Indicator figures of a quarter: totals for the province and each kind of unit with
the previous quarter, the same quarter last year, year-to-date and the trend; each
unit's values (the drill-down and the workbook's unit sheet).

Every figure is grouped and summed in the database; Python only arranges the
grouped rows (a handful of queries whatever the number of units, indicators and
quarters). Only filed reports count (``completeness.counted_reports``).
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Lookup,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common import caching
from common.lookups import among
from common.numbers import VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS
from common.types import StrOrPromise
from reports.aggregation.comparisons import (
    PROVINCE,
    Comparison,
    Filed,
    Match,
    Pair,
    QuarterKey,
    load_filed,
    load_links,
    load_units,
    match_units,
)
from reports.aggregation.completeness import counted_reports, from_row
from reports.aggregation.lineage import NO_LINEAGE, Lineage, lineage_of
from reports.aggregation.quarters import quarter_keys_back, quarter_label, ytd_label
from reports.models import (
    Accumulation,
    Aggregation,
    Indicator,
    IndicatorValue,
    Quarter,
    Unit,
    UnitKind,
    filed_q,
    name_on_expression,
)
from reports.permissions import Scope

TREND_QUARTERS = 8
DRILL_PAGE_SIZE = 50  # units a drill-down shows at once
MAIN_INDICATORS = 6
_CENT = Decimal("0.01")


# A quarter's label in the language of whoever reads it (a page, or a document in Vietnamese).
_lazy_label = lazy(quarter_label, str)


def _round(value: Decimal) -> Decimal:
    return value.quantize(_CENT, ROUND_HALF_UP)


@dataclass
class Cell:
    """The grouped figures of one indicator in one quarter: the sum and how many values."""

    total: Decimal = Decimal(0)
    count: int = 0

    def add(self, total: Decimal | None, count: int) -> None:
        self.total += total or Decimal(0)
        self.count += count


def _combine(indicator: Indicator, cells: list[Cell | None]) -> Decimal | None:
    """Units' values combined: the sum, or the mean of the reporting units (never summed).

    Empty (None) when no unit reported a value: an indicator nobody reported is
    shown empty, not as zero.
    """
    total = sum((cell.total for cell in cells if cell), Decimal(0))
    count = sum(cell.count for cell in cells if cell)
    if count == 0:
        return None
    if indicator.aggregation == Aggregation.MEAN:
        return _round(total / count)
    return total


@dataclass
class IndicatorFigures:
    """One indicator's figures in one scope (the province or a kind of unit).

    Each change is computed on the units present on both sides of its comparison
    (``comparisons``), so it may differ from the difference of the totals shown;
    None when nothing can be compared.
    """

    indicator: Indicator
    current: Decimal | None
    previous: Decimal | None
    last_year: Decimal | None
    ytd: Decimal | None
    ytd_last_year: Decimal | None
    reporting_units: int
    previous_units: int = 0  # the units whose values make up ``previous``
    last_year_units: int = 0
    change_previous: Decimal | None = None
    change_last_year: Decimal | None = None
    change_ytd: Decimal | None = None
    trend: list[Decimal | None] = field(default_factory=list)
    trend_units: list[int] = field(default_factory=list)  # the units of each trend value

    @property
    def is_empty(self) -> bool:
        return all(value is None for value in self.trend)


@dataclass(frozen=True)
class Comparisons:
    """A table's comparisons: with the previous quarter, the same quarter last year,
    the year so far with the same quarters last year (none in a first quarter)."""

    previous: Comparison
    last_year: Comparison
    ytd: Comparison | None

    def __iter__(self):
        return iter(c for c in (self.previous, self.last_year, self.ytd) if c is not None)


@dataclass
class FigureTable:
    key: str  # PROVINCE or a unit kind
    label: str
    rows: list[IndicatorFigures]
    comparisons: Comparisons


@dataclass
class UnitFigure:
    """One unit's value of one indicator: this quarter, the previous one, year-to-date."""

    indicator_id: int
    unit_id: int
    unit_name: str  # as on the quarter's last day (``Unit.name_on``)
    kind: str
    display_order: int
    current: Decimal | None
    previous: Decimal | None
    ytd: Decimal | None

    @property
    def kind_label(self) -> StrOrPromise:
        return UnitKind(self.kind).label


@dataclass
class QuarterFigures:
    quarter_labels: list[str]  # the trend window, oldest first
    indicators: list[Indicator]
    tables: list[FigureTable]  # the province first, then each kind that reported
    # The predecessors whose figures the earlier quarters include ("gồm số liệu của …").
    includes: list[str] = field(default_factory=list)
    # What they were worked out from, when kept (``quarter_figures``): the quarter page
    # keeps its tables under it too.
    key: str = ""

    @property
    def province(self) -> FigureTable:
        return self.tables[0]

    @property
    def has_values(self) -> bool:
        return any(row.reporting_units for row in self.province.rows)

    def main_trends(self) -> list[IndicatorFigures]:
        """The first few summed indicators with values in the window, for the charts."""
        chosen = [
            row
            for row in self.province.rows
            if row.indicator.aggregation == Aggregation.SUM and not row.is_empty
        ]
        return chosen[:MAIN_INDICATORS]


def _counted_values(*, scope: Scope) -> QuerySet[IndicatorValue]:
    values = IndicatorValue.objects.filter(filed_q("report__"))
    return scope.filter(values, "report__unit_id")


def _weighted_sum(lineage: Lineage, *, filter: Q | Lookup | None = None) -> Sum:
    """The sum of the values (those ``filter`` keeps), a predecessor's taken by the
    share its successor carries on (``lineage``); rates and percentages (mean
    indicators) are never weighted."""
    if not lineage:
        return Sum("value", filter=filter)
    by_weight: dict[Decimal, list[int]] = defaultdict(list)
    for unit_id, weight in lineage.weights.items():
        by_weight[weight].append(unit_id)
    decimal = DecimalField(max_digits=VALUE_MAX_DIGITS + 5, decimal_places=VALUE_DECIMAL_PLACES)
    weighted = Case(
        *(
            When(among("report__unit_id", unit_ids), then=F("value") * Value(weight))
            for weight, unit_ids in by_weight.items()
            if weight != 1
        ),
        default=F("value"),
        output_field=decimal,
    )
    value = Case(
        When(indicator__aggregation=Aggregation.MEAN, then=F("value")),
        default=weighted,
        output_field=decimal,
    )
    return Sum(value, filter=filter)


def _scope_key(scope: Scope, lineage: Lineage) -> str:
    """What a scope's cached sums are filed under: "all", or a digest of its units
    and of the predecessors' shares it includes (a unit moved into or out of the
    subtree, or a new reorganisation, makes another key)."""
    if scope.is_everything:
        return "all"
    shares = ",".join(
        f"{unit_id}:{lineage.weights[unit_id]}" for unit_id in sorted(lineage.weights)
    )
    return hashlib.sha256(f"{scope.key}|{shares}".encode()).hexdigest()


def _cached_per_quarter(
    name: str,
    quarters: list[Quarter],
    scope: Scope,
    lineage: Lineage,
    fetch: Callable[[list[int]], dict[int, Any]],
) -> dict[int, Any]:
    """``fetch``'s answer for each quarter, ``{quarter id: …}``, cached under ``name``,
    the quarter's ``figures_token`` and the scope.

    The ``figures_token`` changes in the same transaction as any report or value of
    the quarter (reports.signals), and the scope key (``_scope_key``) with the units
    and predecessors in it: a cached entry is never stale, whatever the cache backend
    or the number of server processes, and only a changed quarter is fetched again.
    The whole country and each reviewer's or leader's subtree are cached; a unit's own
    staff (a scope per unit) are not: they would crowd out the others, and their
    figures are small.
    """
    cacheable = scope.is_commissions
    scope_key = _scope_key(scope, lineage)
    keys = {q.id: f"quarter-{name}:{q.id}:{q.figures_token}:{scope_key}" for q in quarters}
    cached = caching.get_many(keys.values()) if cacheable else {}
    found = {quarter_id: cached[key] for quarter_id, key in keys.items() if key in cached}
    missing = [quarter_id for quarter_id in keys if quarter_id not in found]
    if not missing:
        return found
    fetched = fetch(missing)
    if cacheable:
        caching.set_many({keys[quarter_id]: fetched[quarter_id] for quarter_id in missing})
    found.update(fetched)
    return found


# {(quarter id, indicator id, kind): [(total, count), …]}: the sums of a group of
# values, and of those of each of some sets of units (``_split_sums``).
SetSums = dict[tuple[int, int, str], list[tuple[Decimal | None, int]]]

_GROUPED = ("report__quarter_id", "indicator_id", "report__unit__kind")


def _grouped_values(
    quarters: list[Quarter],
    scope: Scope,
    lineage: Lineage = NO_LINEAGE,
    *,
    apart: tuple[Sequence[frozenset[int]], Sequence[Quarter]] | None = None,
) -> tuple[dict[int, list[tuple[int, str, Decimal | None, int]]], SetSums | None]:
    """Each quarter's counted values summed by indicator and kind of unit (1 query at
    most), ``{quarter id: [(indicator id, kind, total, count), …]}``, with the scope's
    predecessors' values (``lineage``) where it has any; and, when ``apart`` asks for
    them, the sums of some sets of units, or None.

    The sums are the expensive part (every value of eight quarters of the scope), so
    they are cached per quarter (``_cached_per_quarter``). ``apart`` is ``(sets,
    quarters)``: the sets of units the comparisons sum apart and the quarters they
    compare. Their sums in those quarters (``_split_sums``, without the sums of them
    all) come from the same statement, which reads the same values, when it sums
    every one of those quarters (none of them was cached); else None, for the caller
    to sum them.
    """
    sets, involved = apart or ((), ())
    involved_ids = {q.id for q in involved}
    along: SetSums | None = None

    def fetch(quarter_ids: list[int]) -> dict[int, Any]:
        nonlocal along
        split = bool(sets) and bool(involved_ids) and involved_ids <= set(quarter_ids)
        values = _counted_values(scope=_widened(scope, lineage))
        summed = _split_sums(
            values.filter(report__quarter_id__in=quarter_ids),
            sets if split else (),
            lineage,
            within=involved_ids,
        )
        fetched: dict[int, list] = {quarter_id: [] for quarter_id in quarter_ids}
        for (quarter_id, indicator_id, kind), (whole, *_of_sets) in summed.items():
            fetched[quarter_id].append((indicator_id, kind, *whole))
        if split:
            along = {
                group: of_sets
                for group, (_whole, *of_sets) in summed.items()
                if any(count for _total, count in of_sets)
            }
        return fetched

    grouped = _cached_per_quarter("figures", quarters, scope, lineage, fetch)
    return grouped, along


def _split_sums(
    values: QuerySet[IndicatorValue],
    sets: Sequence[frozenset[int]],
    lineage: Lineage,
    *,
    within: Collection[int] = (),
) -> SetSums:
    """The values summed by quarter, indicator and kind of unit (1 query): the total and
    count of them all, then of those of each set of units of ``sets`` in turn (of the
    quarters ``within`` only, when given).

    The values are grouped also by which of the sets their unit is in, and those
    groups added up here: each value's unit is looked up once in each set, where an
    aggregate filtered on each set looks it up once for the total and again for the
    count (``tools/bench/findings.md``, 2/12/2026)."""
    flags: dict[str, Any] = {}
    for n, units in enumerate(sets):
        if units:  # an empty set has no values: its sums stay (None, 0)
            inside: Q = Q(among("report__unit_id", units))
            if within:
                inside &= Q(report__quarter_id__in=within)
            flags[f"in_{n}"] = ExpressionWrapper(inside, output_field=BooleanField())
    positions = [0, *(1 + n for n, units in enumerate(sets) if units)]
    rows = (
        values.annotate(**flags)
        .values(*_GROUPED, *flags)
        .annotate(total=_weighted_sum(lineage), count=Count("id"))
        .values_list(*_GROUPED, *flags, "total", "count")
        .order_by()
    )
    summed: dict[tuple[int, int, str], list[tuple[Decimal | None, int]]] = {}
    for quarter_id, indicator_id, kind, *inside_sets, total, count in rows:
        sums = summed.setdefault((quarter_id, indicator_id, kind), [(None, 0)] * (1 + len(sets)))
        for position, counted in zip(positions, (True, *inside_sets), strict=True):
            if counted:
                before, counted_before = sums[position]
                sums[position] = (_plus(before, total), counted_before + count)
    return {
        group: [(_rounded(total, lineage), count) for total, count in sums]
        for group, sums in summed.items()
    }


def _plus(total: Decimal | None, more: Decimal | None) -> Decimal | None:
    """Two sums added; None (no value summed) where both are."""
    if total is None:
        return more
    return total if more is None else total + more


def _rounded(total: Decimal | None, lineage: Lineage) -> Decimal | None:
    """A sum as the tables show it: to the cent where a predecessor's share weighs it."""
    if lineage and total is not None:
        return _round(Decimal(total))
    return total


def _filed_units(quarters: list[Quarter], scope: Scope, lineage: Lineage) -> Filed:
    """The units with a counted report of each quarter (``comparisons.load_filed``, with
    the predecessors ``lineage`` weighs), cached per quarter like the sums."""

    def fetch(quarter_ids: list[int]) -> dict[int, Any]:
        return load_filed(quarter_ids=quarter_ids, scope=_widened(scope, lineage))

    key_of = {q.id: (q.year, q.number) for q in quarters}
    by_id = _cached_per_quarter("filed", quarters, scope, lineage, fetch)
    return {key_of[quarter_id]: units for quarter_id, units in by_id.items()}


def _indicators_for(scope: Scope, kinds: set[str], with_values: set[int]) -> list[Indicator]:
    """Active indicators (those of the scope's kinds for unit staff) and any with values."""

    def shown(indicator: Indicator) -> bool:
        if indicator.id in with_values:
            return True
        applies = scope.oversees or any(indicator.applies_to(kind) for kind in kinds)
        return indicator.is_active and applies

    return [i for i in Indicator.objects.order_by("display_order", "code") if shown(i)]


def _scope_label(scope: Scope) -> str:
    """What the scope's total row is called: the province, a subtree, a unit's own."""
    if scope.is_everything:
        return str(_("Whole province"))
    return str(_("Units in your scope")) if scope.oversees else str(_("Your units"))


# cells[table key][indicator id][(year, number)]: PROVINCE's and each kind's.
Cells = dict[str, dict[int, dict[QuarterKey, Cell]]]


def _cells() -> Cells:
    return defaultdict(lambda: defaultdict(dict))


def _add_row(cells: Cells, key: QuarterKey, indicator_id: int, kind: str, total, count) -> None:
    for table_key in (PROVINCE, kind):
        cells[table_key][indicator_id].setdefault(key, Cell()).add(total, count)


@dataclass(frozen=True)
class Summed:
    """The units whose values a comparison sums apart, in one table: those it leaves
    out (``compared`` False: the table's sums less theirs are compared), or, when
    fewer, those it compares (``compared`` True: their sums are compared)."""

    unit_ids: frozenset[int]
    compared: bool


def _summed_apart(match: Match, table_key: str, filed_ids: frozenset[int]) -> Summed:
    left_out = match.left_out_of(table_key) & filed_ids
    compared = filed_ids - left_out
    if len(compared) < len(left_out):
        return Summed(compared, compared=True)
    return Summed(left_out, compared=False)


def _sums_and_matches(
    pairs: dict[str, list[Pair]], quarters: list[Quarter], scope: Scope, lineage: Lineage
) -> tuple[dict[int, list], dict[str, Match], dict[tuple[str, str], tuple[Summed, Cells]]]:
    """The quarters' grouped sums (``_grouped_values``), each comparison's ``Match``, and
    for each comparison and table (the scope's, and the kinds') that does not compare
    every filed unit, the sums of the units it sums apart (``Summed``).

    The matches and the sums apart are cached under the quarters' ``figures_token`` and
    the scope: a reorganisation saves units, which gives every quarter a new token.
    Uncached: the filed units (cached per quarter), the links and the units a
    reorganisation joins (1 query each), and the sums apart, summed with the quarters'
    sums when none of the quarters they need is cached (else 1 more query; none when
    every comparison compares every filed unit).
    """
    keys = {key for group in pairs.values() for pair in group for key in pair}
    involved = [q for q in quarters if (q.year, q.number) in keys]
    digest = hashlib.sha256(
        "|".join(
            [_scope_key(scope, lineage), repr(sorted(pairs.items()))]
            + [f"{q.id}:{q.figures_token}" for q in involved]
        ).encode()
    ).hexdigest()
    cache_key = f"quarter-matches:{digest}"
    cacheable = scope.is_commissions
    found = caching.get(cache_key) if cacheable else None
    if found is None:
        matches, apart = _matched(pairs, involved, scope, lineage)
        sets = _unit_sets(apart)
        grouped, of_sets = _grouped_values(quarters, scope, lineage, apart=(sets, involved))
        if of_sets is None:
            of_sets = _sums_apart(sets, involved, scope, lineage)
        if cacheable:
            caching.set(cache_key, (matches, apart, of_sets))
    else:
        grouped, _ = _grouped_values(quarters, scope, lineage)
        matches, apart, of_sets = found
        sets = _unit_sets(apart)
    key_of = {q.id: (q.year, q.number) for q in quarters}
    slot_of = {entry: sets.index(summed.unit_ids) for entry, summed in apart.items()}
    sums = {entry: _cells() for entry in apart}
    for (quarter_id, indicator_id, kind), by_set in of_sets.items():
        for (name, table_key), slot in slot_of.items():
            target = PROVINCE if table_key == PROVINCE else kind
            by_quarter = sums[name, table_key][target][indicator_id]
            by_quarter.setdefault(key_of[quarter_id], Cell()).add(*by_set[slot])
    return grouped, matches, {entry: (apart[entry], sums[entry]) for entry in apart}


def _matched(
    pairs: dict[str, list[Pair]], involved: list[Quarter], scope: Scope, lineage: Lineage
) -> tuple[dict[str, Match], dict[tuple[str, str], Summed]]:
    """Each comparison's ``Match`` and the units each comparison and table sums apart."""
    filed = _filed_units(involved, scope, lineage)
    matches = match_units(
        pairs,
        filed=filed,
        links=load_links(
            pairs=[pair for group in pairs.values() for pair in group],
            scope=_widened(scope, lineage),
            own=scope,
        ),
        load_units=load_units,
    )
    filed_ids = frozenset().union(*(units.keys() for units in filed.values()))
    apart = {
        (name, table_key): _summed_apart(match, table_key, filed_ids)
        for name, match in matches.items()
        for table_key in (PROVINCE, "kinds")
        if match.left_out_of(table_key) & filed_ids
    }
    return matches, apart


def _unit_sets(apart: Mapping[tuple[str, str], Summed]) -> list[frozenset[int]]:
    """The sets of units ``apart`` sums, each once however many entries share it (the
    province's table and the kinds' often leave out the same units)."""
    return list(dict.fromkeys(summed.unit_ids for summed in apart.values()))


def _sums_apart(
    sets: list[frozenset[int]], quarters: list[Quarter], scope: Scope, lineage: Lineage
) -> SetSums:
    """The sums of the values of each set of units in ``quarters``, by quarter, indicator
    and kind of unit (``_split_sums``, without the sums of them all: 1 query; none when
    there is no set).

    The units are listed in the statement; where SQLite could not take them all a
    second time, the values are not narrowed to them first (the sets' sums need not
    be: each value is still told apart by the sets its unit is in)."""
    if not sets:
        return {}
    values = _counted_values(scope=_widened(scope, lineage)).filter(
        report__quarter_id__in=[q.id for q in quarters]
    )
    every = frozenset().union(*sets)
    listed = len(every) + sum(len(units) for units in sets)
    limit = connection.features.max_query_params
    if limit is None or listed + len(quarters) + 100 < limit:
        values = values.filter(among("report__unit_id", every))
    return {
        group: of_sets for group, (_whole, *of_sets) in _split_sums(values, sets, lineage).items()
    }


def _apart(cell: Cell | None, summed: Summed, apart: Cell | None) -> Cell | None:
    """A table's cell of the units a comparison compares: the units' own sums where it
    summed those, else the table's less those of the units it left out."""
    if summed.compared:
        return apart
    if cell is None or apart is None:
        return cell
    return Cell(total=cell.total - apart.total, count=cell.count - apart.count)


def quarter_figures(*, quarter: Quarter, scope: Scope) -> QuarterFigures:
    """Indicator figures for the province and each kind of unit (1 query, for the
    quarters, when this process keeps them; else 2 when the sums and comparisons are
    cached; else up to 5 more: the filed units, the links, the units a reorganisation
    joins, the sums, and the sums of the units a comparison sums apart, in the sums'
    own statement when none of the compared quarters' sums was cached
    (``_sums_and_matches``); for units that carry on predecessors' work, one more a
    generation of them, ``lineage_of``).

    Columns: this quarter, the previous quarter, the same quarter last year,
    year-to-date and the same period last year, each change computed on the units
    present on both sides (``comparisons``). Year-to-date respects the indicator's
    accumulation: a flow adds the year's quarters up to this one (a mean indicator
    averages all their values: rates are never summed); a stock is the level at the
    end of this quarter.
    """
    keys = quarter_keys_back(quarter.year, quarter.number, TREND_QUARTERS)
    key_set = set(keys)
    quarters = [
        q
        for q in Quarter.objects.filter(year__gte=keys[0][0], year__lte=keys[-1][0])
        if (q.year, q.number) in key_set
    ]
    lineage = lineage_of(scope)
    # Kept in the process's memory (a unit's own too: only the sums shared between
    # processes leave those out) under everything they are worked out from, as the
    # sums are (``_cached_per_quarter``): the quarters' figures tokens (renewed by any
    # report, counted value, unit, link or indicator changed: reports.signals), the
    # scope and the language of their labels.
    parts = [str(quarter.id), _scope_key(scope, lineage), get_language() or "", str(keys)]
    parts += [f"{q.id}:{q.figures_token}" for q in quarters]
    key = "quarter-figures:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
    return caching.kept(
        key, lambda: replace(_quarter_figures(quarter, scope, keys, quarters, lineage), key=key)
    )


def _quarter_figures(
    quarter: Quarter,
    scope: Scope,
    keys: list[QuarterKey],
    quarters: list[Quarter],
    lineage: Lineage,
) -> QuarterFigures:
    year, number = quarter.year, quarter.number
    this_key = (year, number)
    previous_key = quarter.previous_key()
    last_year_key = (year - 1, number)
    ytd_keys = [(year, n) for n in range(1, number + 1)]
    ytd_last_keys = [(year - 1, n) for n in range(1, number + 1)]
    pairs = {
        "previous": [(this_key, previous_key)],
        "last_year": [(this_key, last_year_key)],
    }
    if number > 1:  # a first quarter's year so far is the quarter itself
        pairs["ytd"] = list(zip(ytd_keys, ytd_last_keys, strict=True))
    grouped, matches, apart = _sums_and_matches(pairs, quarters, scope, lineage)

    key_of = {q.id: (q.year, q.number) for q in quarters}
    cells = _cells()
    for quarter_id, rows in grouped.items():
        for indicator_id, kind, total, count in rows:
            _add_row(cells, key_of[quarter_id], indicator_id, kind, total, count)

    kinds_present = {kind for kind in cells if kind != PROVINCE}
    scope_kinds = kinds_present
    if scope.unit_ids is not None:  # not the whole province
        scope_kinds = scope_kinds | set(
            scope.filter(Unit.objects.all(), "id").values_list("kind", flat=True)
        )
    indicators = _indicators_for(scope, scope_kinds, set(cells[PROVINCE]))

    def figures(table_key: str, indicator: Indicator) -> IndicatorFigures:
        apart_key = PROVINCE if table_key == PROVINCE else "kinds"

        def combined(
            period_keys: list[QuarterKey], entry: tuple[Summed, Cells] | None = None
        ) -> Decimal | None:
            """The period's figure, of the units ``entry`` compares when given."""
            by_quarter = cells[table_key].get(indicator.id, {})
            if indicator.accumulation == Accumulation.STOCK:
                period_keys = period_keys[-1:]  # the level at the end of the period
            if entry is None:
                return _combine(indicator, [by_quarter.get(key) for key in period_keys])
            summed, sums = entry
            apart_cells = sums[table_key].get(indicator.id, {})
            return _combine(
                indicator,
                [_apart(by_quarter.get(key), summed, apart_cells.get(key)) for key in period_keys],
            )

        def change(name: str) -> Decimal | None:
            """The change on the units both sides of comparison ``name`` rest on; a
            stock's year so far is its level, compared as the quarter is."""
            if name == "ytd" and indicator.accumulation == Accumulation.STOCK:
                name = "last_year"
            if name not in matches or not matches[name].sides_of(table_key).comparable:
                return None
            period = pairs[name]
            entry = apart.get((name, apart_key))
            now = combined([current for current, _earlier in period], entry)
            before = combined([earlier for _current, earlier in period], entry)
            return None if now is None or before is None else now - before

        by_quarter = cells[table_key].get(indicator.id, {})

        def units(key: QuarterKey) -> int:
            cell = by_quarter.get(key)
            return cell.count if cell else 0

        return IndicatorFigures(
            indicator=indicator,
            current=combined([this_key]),
            previous=combined([previous_key]),
            last_year=combined([last_year_key]),
            ytd=combined(ytd_keys),
            ytd_last_year=combined(ytd_last_keys),
            reporting_units=units(this_key),
            previous_units=units(previous_key),
            last_year_units=units(last_year_key),
            change_previous=change("previous"),
            change_last_year=change("last_year"),
            change_ytd=change("ytd"),
            trend=[combined([key]) for key in keys],
            trend_units=[units(key) for key in keys],
        )

    def table(table_key: str, label: str, rows: list[IndicatorFigures]) -> FigureTable:
        def comparison(name: str, current: StrOrPromise, earlier: StrOrPromise) -> Comparison:
            return Comparison(current, earlier, matches[name].sides_of(table_key))

        ytd = ytd_label(number)
        comparisons = Comparisons(
            previous=comparison("previous", this_label, _lazy_label(*previous_key)),
            last_year=comparison("last_year", this_label, _lazy_label(*last_year_key)),
            ytd=None,
        )
        if ytd:
            this_year, last_year = (format_lazy("{} {}", ytd, y) for y in (year, year - 1))
            comparisons = replace(comparisons, ytd=comparison("ytd", this_year, last_year))
        return FigureTable(key=table_key, label=label, rows=rows, comparisons=comparisons)

    this_label = _lazy_label(*this_key)

    tables = [
        table(
            PROVINCE,
            _scope_label(scope),
            [figures(PROVINCE, indicator) for indicator in indicators],
        )
    ]
    for kind, label in UnitKind.choices:
        if kind in kinds_present:
            kind_rows = [
                figures(kind, indicator)
                for indicator in indicators
                if indicator.applies_to(kind) or indicator.id in cells[kind]
            ]
            tables.append(table(kind, str(label), kind_rows))
    return QuarterFigures(
        quarter_labels=[quarter_label(*key) for key in keys],
        indicators=indicators,
        tables=tables,
        includes=lineage.names() if lineage else [],
    )


def _widened(scope: Scope, lineage: Lineage) -> Scope:
    """The scope with the predecessors whose figures its earlier quarters include."""
    if not lineage:
        return scope
    return Scope(unit_ids=frozenset(scope.unit_ids or ()) | frozenset(lineage.weights))


def unit_figures(
    *, quarter: Quarter, scope: Scope, indicator_id: int | None = None
) -> list[UnitFigure]:
    """Each unit's values that make up the totals (1 query): one indicator's, or all.

    Year-to-date follows the same rule as the totals: a flow adds the unit's
    quarters of the year, a stock is this quarter's level.
    """
    ytd_q = Q(report__quarter__year=quarter.year, report__quarter__number__lte=quarter.number)
    prev_year, prev_number = quarter.previous_key()
    previous_q = Q(report__quarter__year=prev_year, report__quarter__number=prev_number)
    current_q = Q(report__quarter_id=quarter.id)
    values = _counted_values(scope=scope).filter(ytd_q | previous_q)
    if indicator_id is not None:
        values = values.filter(indicator_id=indicator_id)
    rows = (
        values.values(
            "indicator_id",
            "indicator__accumulation",
            "indicator__aggregation",
            unit_id=F("report__unit_id"),
            unit_name=name_on_expression(quarter.end_date, "report__unit__"),
            kind=F("report__unit__kind"),
            display_order=F("report__unit__display_order"),
        )
        .annotate(
            current=Sum("value", filter=current_q),
            previous=Sum("value", filter=previous_q),
            ytd_total=Sum("value", filter=ytd_q),
            ytd_count=Count("id", filter=ytd_q),
        )
        .order_by("display_order", "unit_name", "indicator_id")
    )
    return [from_row(UnitFigure, row, ytd=_unit_ytd(row)) for row in rows]


def _unit_ytd(row: Mapping[str, Any]) -> Decimal | None:
    """A unit's year-to-date from its ``unit_figures`` row."""
    if row["indicator__accumulation"] == Accumulation.STOCK:
        return row["current"]
    if not row["ytd_count"]:
        return None
    if row["indicator__aggregation"] == Aggregation.MEAN:
        return _round(row["ytd_total"] / row["ytd_count"])
    return row["ytd_total"]


def unit_figures_page(
    *,
    quarter: Quarter,
    scope: Scope,
    indicator: Indicator,
    page: str | int | None = None,
    per_page: int | None = None,
) -> tuple[Page, list[UnitFigure]]:
    """One indicator's values unit by unit, a page at a time (3 queries whatever the
    number of units): the units whose counted report of the quarter gives a value,
    in the commission's order, so the pages add up to the quarter's total."""
    with_value = IndicatorValue.objects.filter(report=OuterRef("pk"), indicator=indicator)
    unit_ids = (
        counted_reports(quarter=quarter, scope=scope)
        .filter(Exists(with_value))
        .order_by("unit__display_order", "unit__name", "pk")
        .values_list("unit_id", flat=True)
    )
    units_page = Paginator(unit_ids, per_page or DRILL_PAGE_SIZE).get_page(page)
    shown = frozenset(units_page.object_list)
    if not shown:
        return units_page, []
    rows = unit_figures(quarter=quarter, scope=Scope(unit_ids=shown), indicator_id=indicator.id)
    return units_page, rows


@dataclass
class UnitValues:
    """A unit's counted report of the quarter and its values, as floats by indicator id."""

    unit_name: str
    kind: str
    level: str
    parent_name: str | None
    values: dict[int, float]


def quarter_unit_values(*, quarter: Quarter, scope: Scope) -> list[UnitValues]:
    """Every unit with a counted report for the quarter, in the commission's order, and
    its values (2 queries): the values ``quarter_figures`` adds up for this quarter.

    Cast to float in the database: a spreadsheet's numbers are floats, and at
    national scale there are hundreds of thousands of them.
    """
    reports = counted_reports(quarter=quarter, scope=scope).order_by(
        "unit__display_order", "unit__name", "pk"
    )
    day = quarter.end_date  # units and their parents named as then, as the .docx does
    units = {
        report_id: UnitValues(
            unit_name=name, kind=kind, level=level, parent_name=parent_name, values={}
        )
        for report_id, name, kind, level, parent_name in reports.values_list(
            "id",
            name_on_expression(day, "unit__"),
            "unit__kind",
            "unit__level",
            name_on_expression(day, "unit__parent__"),
        )
    }
    values = (
        _counted_values(scope=scope)
        .filter(report__quarter_id=quarter.id)
        .values_list("report_id", "indicator_id", Cast("value", FloatField()))
        .order_by()
    )
    for report_id, indicator_id, value in values.iterator(chunk_size=20000):
        units[report_id].values[indicator_id] = value
    return list(units.values())
