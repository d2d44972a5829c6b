"""A quarter aggregated across units: completeness, indicator totals,
year-to-date, the per-unit drill-down, the narrative by section and trends.

Every figure is grouped and summed in the database; Python only arranges the
grouped rows (a handful of queries whatever the number of units, indicators
and quarters). The quarter page and every export read the same summary, so a
figure is the same on screen, in the .docx and in the .xlsx.

Which reports count: those *submitted* or *accepted* (drafts and returned
reports do not), shown on the page as "figures from submitted and accepted
reports".
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.types import StrOrPromise
from reports import permissions, rules
from reports.models import (
    Accumulation,
    Aggregation,
    Indicator,
    IndicatorValue,
    Quarter,
    ReportStatus,
    Unit,
    UnitKind,
    UnitLevel,
    UnitReport,
)

COUNTED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
TREND_QUARTERS = 8
DRILL_PAGE_SIZE = 50  # units a drill-down shows at once
UNIT_LIST_LIMIT = 100  # a province lists every unit; a national scope, the exceptions
MAIN_INDICATORS = 6
FIGURES_CACHE_SECONDS = 7 * 24 * 3600  # entries are never stale (see _grouped_values)
PROVINCE = "province"
_CENT = Decimal("0.01")


# --- Who sees what --------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The units a user's aggregates are made of: every unit, or their own."""

    unit_ids: frozenset[int] | None  # None: the whole province

    @property
    def is_province(self) -> bool:
        return self.unit_ids is None

    def filter(self, queryset: QuerySet, unit_field: str = "unit_id") -> QuerySet:
        if self.unit_ids is None:
            return queryset
        return queryset.filter(**{f"{unit_field}__in": self.unit_ids})


PROVINCE_SCOPE = Scope(unit_ids=None)


def scope_for(user) -> Scope | None:
    """Reviewers, leadership and superusers: the province; unit staff: their units.

    None when the user may see no aggregate at all (signed in without a role).
    """
    if permissions.sees_all_units(user):
        return PROVINCE_SCOPE
    unit_ids = frozenset(permissions.unit_roles(user))
    if unit_ids:
        return Scope(unit_ids=unit_ids)
    return None


# --- Quarters ---------------------------------------------------------------


def quarter_keys_back(year: int, number: int, count: int) -> list[tuple[int, int]]:
    """The ``count`` quarters ending at (year, number), oldest first."""
    keys = []
    for _step in range(count):
        keys.append((year, number))
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return keys[::-1]


def ytd_label(number: int) -> StrOrPromise | None:
    """The year-to-date column of a quarter: none for Q1, "6 months" for Q2…"""
    return {2: _("6 months"), 3: _("9 months"), 4: _("Full year")}.get(number)


def _quarter_label(year: int, number: int) -> str:
    return Quarter(year=year, number=number).label


# --- Completeness -----------------------------------------------------------


@dataclass
class Counts:
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    not_due: int = 0
    accepted: int = 0
    awaiting: int = 0  # filed but not (yet) accepted

    @property
    def filed(self) -> int:
        return self.on_time + self.late

    @property
    def filed_rate(self) -> Decimal | None:
        return rules.rate(self.filed, self.expected)

    @property
    def on_time_rate(self) -> Decimal | None:
        return rules.rate(self.on_time, self.expected)


@dataclass
class UnitStanding:
    unit_id: int
    code: str
    name: str
    kind: str
    report_id: int | None
    status: str | None
    filed_at: datetime.datetime | None
    timeliness: rules.Timeliness

    @property
    def kind_label(self) -> StrOrPromise:
        return UnitKind(self.kind).label

    @property
    def is_counted(self) -> bool:
        return self.status in COUNTED_STATUSES

    @property
    def status_label(self) -> StrOrPromise:
        return ReportStatus(self.status).label if self.status else ""


@dataclass
class Completeness:
    """The counts, complete, and the units listed: every expected unit, or, when there
    are more than a page can show, only those not on time (late, missing, not yet
    filed), ``UNIT_LIST_LIMIT`` to a page."""

    units: list[UnitStanding]
    total: Counts
    by_kind: list[tuple[str, StrOrPromise, Counts]]  # (kind, label, counts) in the kinds' order
    units_page: Page | None = None  # the exceptions' page, when they are paged

    @property
    def exceptions_only(self) -> bool:
        return self.units_page is not None


def expected_units(*, quarter: Quarter, scope: Scope) -> QuerySet[Unit]:
    """Units that must report for the quarter: they file reports and existed during it."""
    units = Unit.objects.filter(submits_reports=True).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=quarter.end_date),
        Q(valid_to__isnull=True) | Q(valid_to__gte=quarter.start_date),
    )
    return scope.filter(units, "id")


def quarter_completeness(
    *,
    quarter: Quarter,
    scope: Scope,
    today: datetime.date | None = None,
    limit: int | None = None,
    page: str | int | None = None,
) -> Completeness:
    """The counts by kind and the units listed with their report's standing (2
    queries; 3 when the units not on time are paged, ``page`` being the page's number)."""
    today = today or timezone.localdate()
    limit = limit or UNIT_LIST_LIMIT
    units = (
        expected_units(quarter=quarter, scope=scope)
        .annotate(qr=FilteredRelation("reports", condition=Q(reports__quarter=quarter)))
        .annotate(filed_at=Coalesce("qr__first_submitted_at", "qr__submitted_at"))
    )
    cutoff = rules.late_from(quarter.due_date)
    past_due = today > quarter.due_date
    unfiled = Q(filed_at__isnull=True)
    grouped = (
        units.values("kind")
        .annotate(
            expected=Count("id"),
            on_time=Count("id", filter=Q(filed_at__lt=cutoff)),
            late=Count("id", filter=Q(filed_at__gte=cutoff)),
            unfiled=Count("id", filter=unfiled),
            accepted=Count("id", filter=Q(qr__status=ReportStatus.ACCEPTED)),
            awaiting=Count(
                "id", filter=Q(filed_at__isnull=False) & ~Q(qr__status=ReportStatus.ACCEPTED)
            ),
        )
        .order_by("kind")
    )
    by_kind_counts = {}
    total = Counts()
    for row in grouped:
        counts = Counts(
            expected=row["expected"],
            on_time=row["on_time"],
            late=row["late"],
            missing=row["unfiled"] if past_due else 0,
            not_due=0 if past_due else row["unfiled"],
            accepted=row["accepted"],
            awaiting=row["awaiting"],
        )
        by_kind_counts[row["kind"]] = counts
        for name in ("expected", "on_time", "late", "missing", "not_due", "accepted", "awaiting"):
            setattr(total, name, getattr(total, name) + getattr(counts, name))
    by_kind: list[tuple[str, StrOrPromise, Counts]] = [
        (kind, label, by_kind_counts[kind])
        for kind, label in UnitKind.choices
        if kind in by_kind_counts
    ]

    exceptions_only = total.expected > limit
    listed = units.filter(unfiled | Q(filed_at__gte=cutoff)) if exceptions_only else units
    rows = (
        listed.annotate(report_id=F("qr__id"), report_status=F("qr__status"))
        .values("id", "code", "name", "kind", "report_id", "report_status", "filed_at")
        .order_by("display_order", "name", "id")
    )
    units_page = Paginator(rows, limit).get_page(page) if exceptions_only else None
    standings = [
        UnitStanding(
            unit_id=row["id"],
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            report_id=row["report_id"],
            status=row["report_status"],
            filed_at=row["filed_at"],
            timeliness=rules.report_timeliness(
                due_date=quarter.due_date, submitted_at=row["filed_at"], today=today
            ),
        )
        for row in (units_page.object_list if units_page else rows)
    ]
    return Completeness(
        units=standings,
        total=total,
        by_kind=by_kind,
        units_page=units_page,
    )


# --- Indicator figures ------------------------------------------------------


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


def _change(current: Decimal | None, before: Decimal | None) -> Decimal | None:
    if current is None or before is None:
        return None
    return current - before


@dataclass
class IndicatorFigures:
    """One indicator's figures in one scope (the province or a kind of unit)."""

    indicator: Indicator
    current: Decimal | None
    previous: Decimal | None
    last_year: Decimal | None
    ytd: Decimal | None
    ytd_last_year: Decimal | None
    reporting_units: int
    trend: list[Decimal | None] = field(default_factory=list)

    @property
    def change_previous(self) -> Decimal | None:
        return _change(self.current, self.previous)

    @property
    def change_last_year(self) -> Decimal | None:
        return _change(self.current, self.last_year)

    @property
    def change_ytd(self) -> Decimal | None:
        return _change(self.ytd, self.ytd_last_year)

    @property
    def is_empty(self) -> bool:
        return all(value is None for value in self.trend)


@dataclass
class FigureTable:
    key: str  # PROVINCE or a unit kind
    label: str
    rows: list[IndicatorFigures]


@dataclass
class UnitFigure:
    """One unit's value of one indicator: this quarter, the previous one, year-to-date."""

    indicator_id: int
    unit_id: int
    unit_name: str
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
    values = IndicatorValue.objects.filter(report__status__in=COUNTED_STATUSES)
    return scope.filter(values, "report__unit_id")


def _grouped_values(
    quarters: list[Quarter], scope: Scope
) -> dict[int, list[tuple[int, str, Decimal | None, int]]]:
    """Each quarter's counted values summed by indicator and kind of unit (1 query at most):
    ``{quarter id: [(indicator id, kind, total, count), …]}``.

    The province's sums are the expensive part at national scale (every value of
    eight quarters), so they are cached per quarter under its ``figures_token``,
    which changes in the same transaction as any report or value of the quarter
    (reports.signals): a cached entry is never stale, whatever the cache backend
    or the number of server processes, and only a changed quarter is summed again.
    """
    keys = {q.id: f"quarter-figures:{q.id}:{q.figures_token}" for q in quarters}
    cached = cache.get_many(keys.values()) if scope.is_province else {}
    grouped = {quarter_id: cached[key] for quarter_id, key in keys.items() if key in cached}
    missing = [quarter_id for quarter_id in keys if quarter_id not in grouped]
    if not missing:
        return grouped
    fetched: dict[int, list] = {quarter_id: [] for quarter_id in missing}
    rows = (
        _counted_values(scope=scope)
        .filter(report__quarter_id__in=missing)
        .values("report__quarter_id", "indicator_id", "report__unit__kind")
        .annotate(total=Sum("value"), count=Count("id"))
        .order_by()
    )
    for row in rows:
        fetched[row["report__quarter_id"]].append(
            (row["indicator_id"], row["report__unit__kind"], row["total"], row["count"])
        )
    if scope.is_province:
        cache.set_many(
            {keys[quarter_id]: fetched[quarter_id] for quarter_id in missing}, FIGURES_CACHE_SECONDS
        )
    grouped.update(fetched)
    return grouped


def _indicators_for(scope: Scope, kinds: set[str], with_values: set[int]) -> list[Indicator]:
    """Active indicators (those of the scope's kinds for unit staff) and any with values."""

    def shown(indicator: Indicator) -> bool:
        if indicator.id in with_values:
            return True
        applies = scope.is_province or any(indicator.applies_to(kind) for kind in kinds)
        return indicator.is_active and applies

    return [i for i in Indicator.objects.order_by("display_order", "code") if shown(i)]


def quarter_figures(*, quarter: Quarter, scope: Scope) -> QuarterFigures:
    """Indicator figures for the province and each kind of unit (3 queries; 2 when the
    province's sums are cached).

    Columns: this quarter, the previous quarter, the same quarter last year,
    year-to-date and the same period last year. Year-to-date respects the
    indicator's accumulation: a flow adds the year's quarters up to this one
    (a mean indicator averages all their values: rates are never summed); a
    stock is the level at the end of this quarter.
    """
    keys = quarter_keys_back(quarter.year, quarter.number, TREND_QUARTERS)
    key_set = set(keys)
    quarters = [
        q
        for q in Quarter.objects.filter(year__gte=keys[0][0], year__lte=keys[-1][0])
        if (q.year, q.number) in key_set
    ]
    key_of = {q.id: (q.year, q.number) for q in quarters}
    # cells[scope key][indicator id][(year, number)]
    cells: dict[str, dict[int, dict[tuple[int, int], Cell]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for quarter_id, rows in _grouped_values(quarters, scope).items():
        key = key_of[quarter_id]
        for indicator_id, kind, total, count in rows:
            for table_key in (PROVINCE, kind):
                cell = cells[table_key][indicator_id].setdefault(key, Cell())
                cell.add(total, count)

    kinds_present = {kind for kind in cells if kind != PROVINCE}
    scope_kinds = kinds_present
    if scope.unit_ids is not None:  # not the whole province
        scope_kinds = scope_kinds | set(
            Unit.objects.filter(id__in=scope.unit_ids).values_list("kind", flat=True)
        )
    indicators = _indicators_for(scope, scope_kinds, set(cells[PROVINCE]))

    year, number = quarter.year, quarter.number
    previous_key = quarter.previous_key()
    last_year_key = (year - 1, number)
    ytd_keys = [(year, n) for n in range(1, number + 1)]
    ytd_last_keys = [(year - 1, n) for n in range(1, number + 1)]

    def figures(table_key: str, indicator: Indicator) -> IndicatorFigures:
        by_quarter = cells[table_key].get(indicator.id, {})

        def at(key):
            return _combine(indicator, [by_quarter.get(key)])

        def to_date(period_keys, end_key):
            if indicator.accumulation == Accumulation.STOCK:
                return at(end_key)
            return _combine(indicator, [by_quarter.get(key) for key in period_keys])

        current_cell = by_quarter.get((year, number))
        return IndicatorFigures(
            indicator=indicator,
            current=at((year, number)),
            previous=at(previous_key),
            last_year=at(last_year_key),
            ytd=to_date(ytd_keys, (year, number)),
            ytd_last_year=to_date(ytd_last_keys, last_year_key),
            reporting_units=current_cell.count if current_cell else 0,
            trend=[at(key) for key in keys],
        )

    tables = [
        FigureTable(
            key=PROVINCE,
            label=str(_("Whole province")) if scope.is_province else str(_("Your units")),
            rows=[figures(PROVINCE, indicator) for indicator in indicators],
        )
    ]
    for kind, label in UnitKind.choices:
        if kind in kinds_present:
            kind_rows = [
                figures(kind, indicator)
                for indicator in indicators
                if indicator.applies_to(kind) or indicator.id in cells[kind]
            ]
            tables.append(FigureTable(key=kind, label=str(label), rows=kind_rows))
    return QuarterFigures(
        quarter_labels=[_quarter_label(*key) for key in keys],
        indicators=indicators,
        tables=tables,
    )


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
            "report__unit_id",
            "report__unit__name",
            "report__unit__kind",
            "report__unit__display_order",
            "indicator__accumulation",
            "indicator__aggregation",
        )
        .annotate(
            current=Sum("value", filter=current_q),
            previous=Sum("value", filter=previous_q),
            ytd_total=Sum("value", filter=ytd_q),
            ytd_count=Count("id", filter=ytd_q),
        )
        .order_by("report__unit__display_order", "report__unit__name", "indicator_id")
    )
    result = []
    for row in rows:
        if row["indicator__accumulation"] == Accumulation.STOCK:
            ytd = row["current"]
        elif not row["ytd_count"]:
            ytd = None
        elif row["indicator__aggregation"] == Aggregation.MEAN:
            ytd = _round(row["ytd_total"] / row["ytd_count"])
        else:
            ytd = row["ytd_total"]
        result.append(
            UnitFigure(
                indicator_id=row["indicator_id"],
                unit_id=row["report__unit_id"],
                unit_name=row["report__unit__name"],
                kind=row["report__unit__kind"],
                display_order=row["report__unit__display_order"],
                current=row["current"],
                previous=row["previous"],
                ytd=ytd,
            )
        )
    return result


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


# --- Narrative --------------------------------------------------------------


@dataclass
class NarrativeEntry:
    unit_name: str
    report_id: int
    text: str


@dataclass
class NarrativeSection:
    name: str
    title: str
    entries: list[NarrativeEntry]


def counted_reports(*, quarter: Quarter, scope: Scope) -> QuerySet[UnitReport]:
    """The quarter's reports whose texts and values count: submitted or accepted."""
    return scope.filter(UnitReport.objects.filter(quarter=quarter, status__in=COUNTED_STATUSES))


def quarter_narrative(*, quarter: Quarter, scope: Scope) -> list[NarrativeSection]:
    """The five sections, each with every counted report's text under its unit's
    name as filed, in the commission's order (1 query)."""
    return narrative_sections(list(narrative_reports(quarter=quarter, scope=scope)))


def narrative_reports(*, quarter: Quarter, scope: Scope) -> QuerySet[UnitReport]:
    """The counted reports with their texts, in the commission's order of units."""
    return (
        counted_reports(quarter=quarter, scope=scope)
        .order_by("unit__display_order", "unit__name", "pk")
        .only("id", "unit_name", *UnitReport.SECTIONS)
    )


def narrative_sections(reports: Sequence[UnitReport]) -> list[NarrativeSection]:
    """The five sections, each with the texts of ``reports`` that wrote on it."""
    sections = []
    for name in UnitReport.SECTIONS:
        entries = [
            NarrativeEntry(unit_name=report.unit_name, report_id=report.id, text=text.strip())
            for report in reports
            if (text := getattr(report, name) or "").strip()
        ]
        title = UnitReport.section_title(name)
        sections.append(NarrativeSection(name=name, title=str(title), entries=entries))
    return sections


# --- The whole quarter ------------------------------------------------------


@dataclass
class QuarterSummary:
    quarter: Quarter
    scope: Scope
    completeness: Completeness
    figures: QuarterFigures

    @property
    def ytd_label(self) -> StrOrPromise | None:
        return ytd_label(self.quarter.number)

    @property
    def previous_label(self) -> str:
        return _quarter_label(*self.quarter.previous_key())

    @property
    def last_year_label(self) -> str:
        return _quarter_label(self.quarter.year - 1, self.quarter.number)

    @property
    def has_reports(self) -> bool:
        return self.completeness.total.filed > 0 or self.figures.has_values


def quarter_summary(
    *,
    quarter: Quarter,
    scope: Scope,
    today: datetime.date | None = None,
    units_page: str | int | None = None,
) -> QuarterSummary:
    """Everything the quarter page and its documents show (a fixed number of queries)."""
    return QuarterSummary(
        quarter=quarter,
        scope=scope,
        completeness=quarter_completeness(
            quarter=quarter, scope=scope, today=today, page=units_page
        ),
        figures=quarter_figures(quarter=quarter, scope=scope),
    )


def quarters_with_counts(*, scope: Scope) -> QuerySet[Quarter]:
    """Every quarter, newest first, with its counted and accepted reports in scope (1 query)."""
    counted = Q(reports__status__in=COUNTED_STATUSES)
    if not scope.is_province:
        counted &= Q(reports__unit_id__in=scope.unit_ids)
    return Quarter.objects.annotate(
        filed_reports=Count("reports", filter=counted),
        accepted_reports=Count(
            "reports", filter=counted & Q(reports__status=ReportStatus.ACCEPTED)
        ),
    ).order_by("-year", "-number")


# --- What the consolidated report and the indicator workbook print per unit ----

# The consolidated report prints every unit's texts up to this many counted reports
# (a province's units). Beyond it (a national roll-out: some 100,000 paragraphs,
# thousands of pages) it prints the texts of this many units, the higher levels
# first, and counts the others section by section.
NARRATIVE_UNIT_LIMIT = 100


@dataclass
class ReportNarrative:
    """The five sections as the consolidated report prints them.

    ``printed_levels`` and ``others`` are filled only when the report is abridged:
    how many printed reports come from each level of unit, and, for each section,
    how many other units of each level wrote on it: ``[(level, count), …]`` in the
    levels' order.
    """

    sections: list[NarrativeSection]
    reports: int  # the counted reports in scope
    printed: int  # the reports whose texts are printed
    printed_levels: list[tuple[str, int]] = field(default_factory=list)
    others: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def is_abridged(self) -> bool:
        return self.printed < self.reports


def report_narrative(
    *, quarter: Quarter, scope: Scope, unit_limit: int | None = None
) -> ReportNarrative:
    """The narrative of the consolidated report (2 queries).

    Up to ``NARRATIVE_UNIT_LIMIT`` counted reports (``unit_limit`` if given), every
    unit's texts, as ``quarter_narrative`` compiles them. Beyond it, the texts of that
    many reports, units of the province level first, then districts, then communes,
    each level in the commission's order; and for each section how many other units
    wrote on it.
    """
    limit = NARRATIVE_UNIT_LIMIT if unit_limit is None else unit_limit
    reports = counted_reports(quarter=quarter, scope=scope)
    levels = UnitLevel.values
    counts = reports.aggregate(
        total=Count("id"),
        **{
            f"{name}_{level}": Count("id", filter=~Q(**{name: ""}) & Q(unit__level=level))
            for name in UnitReport.SECTIONS
            for level in levels
        },
    )
    if counts["total"] <= limit:
        return ReportNarrative(
            sections=quarter_narrative(quarter=quarter, scope=scope),
            reports=counts["total"],
            printed=counts["total"],
        )

    level_rank = Case(
        *[When(unit__level=level, then=Value(rank)) for rank, level in enumerate(levels)],
        default=Value(len(levels)),
    )
    printed = list(
        reports.annotate(level_rank=level_rank, unit_level=F("unit__level"))
        .order_by("level_rank", "unit__display_order", "unit__name", "pk")
        .only("id", "unit_name", *UnitReport.SECTIONS)[:limit]
    )
    level_of = {report.id: report.unit_level for report in printed}
    sections = narrative_sections(printed)
    others = {}
    for section in sections:
        shown = Counter(level_of[entry.report_id] for entry in section.entries)
        others[section.name] = [
            (level, count)
            for level in levels
            if (count := counts[f"{section.name}_{level}"] - shown[level]) > 0
        ]
    printed_by_level = Counter(level_of.values())
    return ReportNarrative(
        sections=sections,
        reports=counts["total"],
        printed=len(printed),
        printed_levels=[
            (level, printed_by_level[level]) for level in levels if printed_by_level[level]
        ],
        others=others,
    )


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
    units = {
        report_id: UnitValues(
            unit_name=name, kind=kind, level=level, parent_name=parent_name, values={}
        )
        for report_id, name, kind, level, parent_name in reports.values_list(
            "id", "unit__name", "unit__kind", "unit__level", "unit__parent__name"
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
