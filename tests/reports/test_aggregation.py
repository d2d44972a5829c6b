"""A quarter aggregated across units: totals made in SQL equal sums taken
directly in the database, year-to-date respects accumulation, rates are
averaged, empty stays empty, completeness counts every expected unit."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Avg, Sum
from django.utils import timezone

from reports.aggregation import (
    EVERY_UNIT,
    PROVINCE,
    Scope,
    quarter_completeness,
    quarter_figures,
    quarter_keys_back,
    quarter_narrative,
    quarter_summary,
    scope_for,
    unit_figures,
)
from reports.models import (
    FILED_STATUSES,
    Accumulation,
    Aggregation,
    IndicatorValue,
    Quarter,
    ReportStatus,
    UnitKind,
)
from reports.rules import Timeliness
from tests import factories as f

pytestmark = pytest.mark.django_db

HANOI = timezone.get_default_timezone()


def hanoi(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HANOI)


def filed(unit, quarter, *, status=ReportStatus.ACCEPTED, at=None, values=None, **texts):
    """A report of ``unit`` for ``quarter`` with its indicator values."""
    at = at if at is not None else hanoi(quarter.due_date.year, quarter.due_date.month, 1, 9)
    report = f.UnitReportFactory(
        unit=unit,
        quarter=quarter,
        status=status,
        first_submitted_at=None if status == ReportStatus.DRAFT else at,
        submitted_at=None if status == ReportStatus.DRAFT else at,
        **texts,
    )
    for indicator, value in (values or {}).items():
        f.IndicatorValueFactory(report=report, indicator=indicator, value=Decimal(str(value)))
    return report


@pytest.fixture
def data():
    """Two years of quarters, units of three kinds, flow, stock and rate indicators."""
    quarters = {
        (year, number): f.QuarterFactory(year=year, number=number, closed=True)
        for year in (2023, 2024)
        for number in (1, 2, 3, 4)
    }
    front = f.UnitFactory(
        code="mttq", name="Ủy ban MTTQ tỉnh", kind=UnitKind.FRONT, display_order=2
    )
    women = f.UnitFactory(
        code="hlhpn", name="Hội LHPN tỉnh", kind=UnitKind.MASS_ORG, display_order=3
    )
    youth = f.UnitFactory(
        code="tinhdoan", name="Tỉnh đoàn", kind=UnitKind.MASS_ORG, display_order=4
    )
    police = f.UnitFactory(
        code="congan", name="Công an tỉnh", kind=UnitKind.ARMED_FORCES, display_order=5
    )
    flow = f.IndicatorFactory(code="TT_SESS", name="Buổi tuyên truyền", display_order=1)
    stock = f.IndicatorFactory(
        code="MEM_TOTAL",
        name="Hội viên",
        measure="người",
        accumulation=Accumulation.STOCK,
        display_order=2,
    )
    rate = f.IndicatorFactory(
        code="TTHC_ONTIME",
        name="Hồ sơ đúng hạn",
        measure="%",
        accumulation=Accumulation.STOCK,
        aggregation=Aggregation.MEAN,
        display_order=3,
    )
    unused = f.IndicatorFactory(code="HOT_NEW", name="Điểm nóng", display_order=4)
    units = [front, women, youth, police]
    for (year, number), quarter in quarters.items():
        if (year, number) > (2024, 2):
            continue
        for index, unit in enumerate(units, start=1):
            base = index * 10 + number + (year - 2023) * 100
            filed(
                unit,
                quarter,
                values={flow: base, stock: 1000 * index + number, rate: 80 + index + number / 2},
            )
    q1 = quarters[(2024, 1)]
    # Not counted: a draft and a returned report carry values the totals must ignore.
    extra_draft = f.UnitFactory(code="draft-unit", kind=UnitKind.MASS_ORG, display_order=9)
    filed(extra_draft, q1, status=ReportStatus.DRAFT, values={flow: 9999, stock: 9999})
    extra_returned = f.UnitFactory(code="returned-unit", kind=UnitKind.FRONT, display_order=10)
    filed(extra_returned, q1, status=ReportStatus.RETURNED, values={flow: 7777})
    return {
        "quarters": quarters,
        "units": units,
        "flow": flow,
        "stock": stock,
        "rate": rate,
        "unused": unused,
    }


def _row(figures, indicator, table=PROVINCE):
    table = next(t for t in figures.tables if t.key == table)
    return next(row for row in table.rows if row.indicator == indicator)


def db_values(quarters, indicator, **filters):
    return IndicatorValue.objects.filter(
        report__quarter__in=quarters,
        report__status__in=FILED_STATUSES,
        indicator=indicator,
        **filters,
    )


def test_flow_totals_equal_sums_made_directly_in_the_database(data):
    q = data["quarters"]
    figures = quarter_figures(quarter=q[(2024, 2)], scope=EVERY_UNIT)
    row = _row(figures, data["flow"])

    def total(*keys):
        return db_values([q[key] for key in keys], data["flow"]).aggregate(s=Sum("value"))["s"]

    assert row.current == total((2024, 2))
    assert row.previous == total((2024, 1))
    assert row.last_year == total((2023, 2))
    assert row.ytd == total((2024, 1), (2024, 2))
    assert row.ytd_last_year == total((2023, 1), (2023, 2))
    assert row.change_previous == total((2024, 2)) - total((2024, 1))
    assert row.reporting_units == 4


def test_stock_year_to_date_is_the_latest_level_not_a_sum(data):
    q = data["quarters"]
    figures = quarter_figures(quarter=q[(2024, 2)], scope=EVERY_UNIT)
    row = _row(figures, data["stock"])
    level = db_values([q[(2024, 2)]], data["stock"]).aggregate(s=Sum("value"))["s"]
    assert row.current == level
    assert row.ytd == level
    assert (
        row.ytd_last_year
        == (db_values([q[(2023, 2)]], data["stock"]).aggregate(s=Sum("value"))["s"])
    )


def test_rates_are_the_mean_of_the_reporting_units_never_summed(data):
    q = data["quarters"]
    figures = quarter_figures(quarter=q[(2024, 2)], scope=EVERY_UNIT)
    row = _row(figures, data["rate"])
    mean = db_values([q[(2024, 2)]], data["rate"]).aggregate(m=Avg("value"))["m"]
    assert row.current == Decimal(mean).quantize(Decimal("0.01"))
    assert row.current < 100
    kind_row = _row(figures, data["rate"], UnitKind.MASS_ORG)
    kind_mean = db_values(
        [q[(2024, 2)]], data["rate"], report__unit__kind=UnitKind.MASS_ORG
    ).aggregate(m=Avg("value"))["m"]
    assert kind_row.current == Decimal(kind_mean).quantize(Decimal("0.01"))


def test_totals_by_kind_equal_database_sums_and_add_up_to_the_province(data):
    q1 = data["quarters"][(2024, 1)]
    figures = quarter_figures(quarter=q1, scope=EVERY_UNIT)
    kinds = [table.key for table in figures.tables[1:]]
    assert kinds == [UnitKind.FRONT, UnitKind.MASS_ORG, UnitKind.ARMED_FORCES]
    by_kind = {kind: _row(figures, data["flow"], kind).current for kind in kinds}
    for kind, value in by_kind.items():
        expected = db_values([q1], data["flow"], report__unit__kind=kind).aggregate(s=Sum("value"))[
            "s"
        ]
        assert value == expected
    assert sum(by_kind.values()) == _row(figures, data["flow"]).current


def test_drafts_and_returned_reports_are_not_counted(data):
    q1 = data["quarters"][(2024, 1)]
    row = _row(quarter_figures(quarter=q1, scope=EVERY_UNIT), data["flow"])
    assert row.current == sum(index * 10 + 1 + 100 for index in range(1, 5))
    assert row.reporting_units == 4


def test_first_quarter_year_to_date_is_the_quarter_itself(data):
    q1 = data["quarters"][(2024, 1)]
    row = _row(quarter_figures(quarter=q1, scope=EVERY_UNIT), data["flow"])
    assert row.ytd == row.current
    assert (
        row.previous
        == _row(
            quarter_figures(quarter=data["quarters"][(2023, 4)], scope=EVERY_UNIT), data["flow"]
        ).current
    )


def test_an_indicator_nobody_reported_is_empty_not_zero(data):
    q1 = data["quarters"][(2024, 1)]
    row = _row(quarter_figures(quarter=q1, scope=EVERY_UNIT), data["unused"])
    assert row.current is None
    assert row.ytd is None
    assert row.change_previous is None
    assert row.reporting_units == 0


def test_a_future_quarter_without_reports_has_empty_figures(data):
    q3 = data["quarters"][(2024, 3)]
    figures = quarter_figures(quarter=q3, scope=EVERY_UNIT)
    row = _row(figures, data["flow"])
    assert row.current is None
    assert row.previous is not None
    assert not quarter_summary(quarter=q3, scope=EVERY_UNIT).has_reports


def test_the_trend_covers_eight_quarters_oldest_first(data):
    q2 = data["quarters"][(2024, 2)]
    figures = quarter_figures(quarter=q2, scope=EVERY_UNIT)
    window = quarter_keys_back(2024, 2, 8)
    assert window[0] == (2022, 3)
    assert figures.quarter_labels == [Quarter(year=y, number=n).label for y, n in window]
    trend = _row(figures, data["flow"]).trend
    assert trend[:2] == [None, None]
    assert trend[-1] == _row(figures, data["flow"]).current
    assert [row.indicator for row in figures.main_trends()] == [data["flow"], data["stock"]]


def test_a_unit_scope_adds_up_its_own_units_only(data):
    q1 = data["quarters"][(2024, 1)]
    women = data["units"][1]
    scope = Scope(unit_ids=frozenset({women.id}))
    figures = quarter_figures(quarter=q1, scope=scope)
    assert [table.key for table in figures.tables] == [PROVINCE, UnitKind.MASS_ORG]
    assert (
        _row(figures, data["flow"]).current
        == db_values([q1], data["flow"], report__unit=women).get().value
    )


def test_unit_figures_show_which_units_make_up_a_total(data):
    q2 = data["quarters"][(2024, 2)]
    rows = unit_figures(quarter=q2, scope=EVERY_UNIT, indicator_id=data["flow"].id)
    assert [row.unit_name for row in rows] == [u.name for u in data["units"]]
    total = _row(quarter_figures(quarter=q2, scope=EVERY_UNIT), data["flow"])
    assert sum(row.current for row in rows) == total.current
    assert sum(row.ytd for row in rows) == total.ytd
    stock_rows = unit_figures(quarter=q2, scope=EVERY_UNIT, indicator_id=data["stock"].id)
    assert all(row.ytd == row.current for row in stock_rows)


def test_completeness_sorts_every_expected_unit_by_timeliness():
    quarter = f.QuarterFactory(year=2024, number=1, due_date=datetime.date(2024, 3, 10))
    on_time = f.UnitFactory(display_order=1)
    # 23:30 in Hà Nội on the due date is on time, though it is already the
    # next day nowhere that matters.
    filed(on_time, quarter, at=hanoi(2024, 3, 10, 23, 30), status=ReportStatus.SUBMITTED)
    late = f.UnitFactory(display_order=2)
    filed(late, quarter, at=hanoi(2024, 3, 11, 0, 5))
    f.UnitFactory(display_order=3)  # missing
    drafting = f.UnitFactory(display_order=4)
    filed(drafting, quarter, status=ReportStatus.DRAFT)
    f.UnitFactory(display_order=5, submits_reports=False)
    f.UnitFactory(display_order=6, valid_to=datetime.date(2023, 12, 31))
    f.UnitFactory(display_order=7, valid_from=datetime.date(2024, 4, 1))
    f.UnitFactory(display_order=8, kind=UnitKind.FRONT, valid_from=datetime.date(2024, 3, 1))

    result = quarter_completeness(
        quarter=quarter, scope=EVERY_UNIT, today=datetime.date(2024, 4, 1)
    )
    assert [u.timeliness for u in result.units] == [
        Timeliness.ON_TIME,
        Timeliness.LATE,
        Timeliness.MISSING,
        Timeliness.MISSING,
        Timeliness.MISSING,
    ]
    total = result.total
    assert (total.expected, total.on_time, total.late, total.missing) == (5, 1, 1, 3)
    assert (total.accepted, total.awaiting) == (1, 1)
    assert total.filed_rate == Decimal("40.0")
    assert [(kind, counts.expected) for kind, _label, counts in result.by_kind] == [
        (UnitKind.FRONT, 1),
        (UnitKind.MASS_ORG, 4),
    ]

    before_due = quarter_completeness(
        quarter=quarter, scope=EVERY_UNIT, today=datetime.date(2024, 3, 5)
    )
    assert (before_due.total.missing, before_due.total.not_due) == (0, 3)


def test_the_narrative_is_compiled_by_section_in_the_commissions_order(data):
    q1 = data["quarters"][(2024, 1)]
    sections = quarter_narrative(quarter=q1, scope=EVERY_UNIT)
    assert [s.name for s in sections] == [
        "people_situation",
        "results",
        "shortcomings",
        "next_plan",
        "recommendations",
    ]
    assert [e.unit_name for e in sections[0].entries] == [u.name for u in data["units"]]
    assert sections[4].entries == []  # nobody wrote recommendations
    women = data["units"][1]
    own = quarter_narrative(quarter=q1, scope=Scope(unit_ids=frozenset({women.id})))
    assert [e.unit_name for e in own[0].entries] == [women.name]


def test_reviewers_leadership_and_superusers_see_the_province_unit_staff_their_units():
    unit = f.UnitFactory()
    assert scope_for(f.reviewer()) == EVERY_UNIT
    assert scope_for(f.leader()) == EVERY_UNIT
    assert scope_for(f.admin()) == EVERY_UNIT
    assert scope_for(f.member(unit)) == Scope(unit_ids=frozenset({unit.id}))
    assert scope_for(f.UserFactory()) is None


def test_on_the_demo_data_every_total_equals_the_database_sums():
    """Q1/2024 and the six months to Q2/2024 of the Quảng Ninh demo, indicator by indicator."""
    call_command("load_demo", stdout=io.StringIO())
    q1, q2 = Quarter.objects.get_by_slug("2024-q1"), Quarter.objects.get_by_slug("2024-q2")
    checked = set()
    for quarter, period in ((q1, [q1]), (q2, [q1, q2])):
        figures = quarter_figures(quarter=quarter, scope=EVERY_UNIT)
        for table in figures.tables:
            extra = {} if table.key == PROVINCE else {"report__unit__kind": table.key}
            for row in table.rows:
                indicator = row.indicator
                mean = indicator.aggregation == Aggregation.MEAN
                fn = Avg if mean else Sum

                def direct(quarters, indicator=indicator, fn=fn, mean=mean, extra=extra):
                    value = db_values(quarters, indicator, **extra).aggregate(v=fn("value"))["v"]
                    if value is not None and mean:
                        return Decimal(value).quantize(Decimal("0.01"))
                    return value

                assert row.current == direct([quarter]), indicator.code
                expected_ytd = (
                    direct([quarter])
                    if indicator.accumulation == Accumulation.STOCK
                    else direct(period)
                )
                assert row.ytd == expected_ytd, indicator.code
                checked.add((indicator.accumulation, indicator.aggregation))
    assert checked >= {
        (Accumulation.FLOW, Aggregation.SUM),
        (Accumulation.STOCK, Aggregation.SUM),
        (Accumulation.STOCK, Aggregation.MEAN),
    }
    q1_total = quarter_completeness(quarter=q1, scope=EVERY_UNIT).total
    assert q1_total.expected == 14  # every unit but the Provincial Committee itself
