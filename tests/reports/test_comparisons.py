"""Honest comparisons: each comparison with another period says on how many units each
side rests, and the change is computed on the units present in both, or marked as not
comparable; through a reorganisation the old units and the new are compared together,
and only when every one of them that owed a report filed it. The same in the exports."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from docx import Document

from reports.aggregation import EVERY_UNIT, Scope, quarter_figures, quarter_summary
from reports.aggregation.comparisons import Link, match_units
from reports.documents import figure_sentences
from reports.models import Accumulation, Aggregation, ReportStatus, Unit, UnitKind
from structure import services
from tests import factories as f
from tests.reports.test_aggregation import filed

pytestmark = pytest.mark.django_db

Q1, Q2, Q3 = (2024, 1), (2024, 2), (2024, 3)


def _units(**dates) -> dict[int, Unit]:
    """Units by id, each ``id=(valid_from, valid_to)``, that file reports."""
    return {
        int(name[1:]): Unit(id=int(name[1:]), submits_reports=True, valid_from=start, valid_to=end)
        for name, (start, end) in dates.items()
    }


def _match(filed_units, links=(), units=None):
    return match_units(
        {"previous": [(Q2, Q1)]},
        filed=filed_units,
        links=links,
        load_units=lambda ids: {i: u for i, u in (units or {}).items() if i in ids},
    )["previous"]


def test_a_unit_that_filed_both_quarters_is_compared_and_one_that_did_not_is_left_out():
    match = _match({Q1: {1: "front", 2: "front", 3: "mass_org"}, Q2: {1: "front", 4: "front"}})

    assert match.left_out == {2, 3, 4}
    sides = match.sides_of("province")
    assert (sides.current, sides.earlier) == (2, 3)
    assert (sides.current_compared, sides.earlier_compared) == (1, 1)
    assert sides.comparable and not sides.whole
    assert match.sides_of("mass_org").comparable is False  # its only unit filed Q1 alone


def test_a_merger_compares_the_new_unit_with_all_its_old_units():
    merged_on = datetime.date(2024, 4, 1)
    units = _units(
        u1=(None, datetime.date(2024, 3, 31)),
        u2=(None, datetime.date(2024, 3, 31)),
        u3=(merged_on, None),
    )
    links = [Link(1, 3, merged_on), Link(2, 3, merged_on)]

    both = _match({Q1: {1: "front", 2: "front"}, Q2: {3: "front"}}, links, units)
    assert both.left_out == set()
    assert both.sides_of("province").whole

    # One old unit did not file its last quarter: the new unit's figure has nothing whole
    # to be compared with.
    one = _match({Q1: {1: "front"}, Q2: {3: "front"}}, links, units)
    assert one.left_out == {1, 2, 3}
    assert not one.sides_of("province").comparable


def test_a_link_outside_the_two_quarters_joins_nothing():
    """Before a merger the old units are compared one by one."""
    later = datetime.date(2024, 10, 1)
    units = _units(u1=(None, None), u2=(None, None), u3=(later, None))
    links = [Link(1, 3, later), Link(2, 3, later)]

    match = _match({Q1: {1: "front", 2: "front"}, Q2: {1: "front"}}, links, units)

    assert match.left_out == {2}


@pytest.fixture
def q2_2024():
    """The quarter page's own example: 14 units filed Q1/2024, 1 of them Q2/2024."""
    q1 = f.QuarterFactory(year=2024, number=1)
    q2 = f.QuarterFactory(year=2024, number=2)
    meetings = f.IndicatorFactory(code="MEETINGS", name="Hội nghị")
    units = [
        f.UnitFactory(code=f"u{n}", name=f"Đơn vị {n}", kind=UnitKind.FRONT) for n in range(14)
    ]
    for n, unit in enumerate(units):
        filed(unit, q1, values={meetings: 20 + n if n else 20})
    filed(units[0], q2, values={meetings: 23})
    return q2, meetings


def test_the_change_rests_on_the_units_present_in_both(q2_2024):
    quarter, meetings = q2_2024
    figures = quarter_figures(quarter=quarter, scope=EVERY_UNIT)
    row = next(r for r in figures.province.rows if r.indicator == meetings)

    assert (row.current, row.previous) == (23, sum(20 + n for n in range(14)))
    assert (row.reporting_units, row.previous_units) == (1, 14)
    assert row.change_previous == 3  # 23 against the same unit's 20, not against 371
    comparison = figures.province.comparisons.previous
    assert (comparison.sides.current, comparison.sides.earlier) == (1, 14)
    assert not comparison.whole
    assert figures.province.comparisons.last_year.comparable is False
    assert row.change_last_year is None


def test_a_subtree_compares_its_own_units(q2_2024):
    quarter, meetings = q2_2024
    others = Scope(unit_ids=frozenset(Unit.objects.exclude(code="u0").values_list("id", flat=True)))
    figures = quarter_figures(quarter=quarter, scope=others)
    row = next(r for r in figures.province.rows if r.indicator == meetings)

    assert row.current is None and row.previous_units == 13
    assert row.change_previous is None
    assert not figures.province.comparisons.previous.comparable


def test_the_quarter_page_says_on_how_many_units_each_side_rests(client, q2_2024):
    quarter, _meetings = q2_2024
    client.force_login(f.reviewer())

    page = client.get(quarter.get_absolute_url()).content.decode()

    assert "So với Quý I/2024: số đơn vị báo cáo: 1 ở Quý II/2024, 14 ở Quý I/2024" in page
    assert "chỉ tính trên các đơn vị báo cáo cả hai kỳ (1 ở Quý II/2024, 1 ở Quý I/2024)" in page
    assert "trên 1 đơn vị có cả hai kỳ" in page
    assert "không so sánh được" in page  # nobody filed Q2/2023
    english = client.get(quarter.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the change counts only the units that reported in both" in english


def test_the_exports_carry_the_same_comparison(client, q2_2024):
    quarter, meetings = q2_2024
    client.force_login(f.reviewer())

    response = client.get(reverse("quarters:indicators_xlsx", args=[quarter.slug]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if row and row[0] == "Chỉ tiêu")
    values = next(row for row in rows if row and row[1] == meetings.code)
    line = dict(zip(header, values, strict=True))
    assert line["Tăng/giảm so quý trước"] == 3
    assert line["Số đơn vị báo cáo Quý I/2024"] == 14
    assert line["Cơ sở so sánh với quý trước"] == (
        "chỉ các đơn vị báo cáo cả hai kỳ: 1/1 đơn vị kỳ này, 1/14 đơn vị kỳ trước"
    )
    assert line["Tăng/giảm so cùng kỳ"] is None
    assert line["Cơ sở so sánh với cùng kỳ"].startswith("không so sánh được")

    response = client.get(reverse("quarters:report_docx", args=[quarter.slug]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "So với Quý I/2024: số đơn vị báo cáo: 1 ở Quý II/2024, 14 ở Quý I/2024" in text


def test_a_drafted_sentence_names_the_units_behind_each_side(q2_2024):
    quarter, _meetings = q2_2024
    summary = quarter_summary(quarter=quarter, scope=EVERY_UNIT)
    assert figure_sentences(summary) == [
        "Hội nghị: 23 cuộc (quý trước: 371 của 14 đơn vị, quý này của 1 đơn vị)."
    ]


def test_a_merger_in_the_province_keeps_the_change(client):
    """Two units merged between the quarters: the new unit against both old ones."""
    q2 = f.QuarterFactory(year=2025, number=2)
    q3 = f.QuarterFactory(year=2025, number=3)
    meetings = f.IndicatorFactory(code="MEETINGS")
    old = [f.UnitFactory(code=code, kind=UnitKind.PARTY_COMMITTEE) for code in ("a", "b")]
    for unit, value in zip(old, (30, 12), strict=True):
        filed(unit, q2, values={meetings: value})
    new = services.merge_units(
        units=old,
        into=services.NewUnit(code="ab", name="Đảng ủy AB", kind=UnitKind.PARTY_COMMITTEE),
        decision=services.Decision(
            number="QĐ 1", date=datetime.date(2025, 7, 1), effective_on=datetime.date(2025, 7, 1)
        ),
        user=None,
    ).created_units[0]
    filed(new, q3, values={meetings: 50}, status=ReportStatus.SUBMITTED)

    figures = quarter_figures(quarter=q3, scope=EVERY_UNIT)
    row = figures.province.rows[0]
    assert row.change_previous == 8
    sides = figures.province.comparisons.previous.sides
    assert (sides.current, sides.earlier, sides.whole) == (1, 2, True)
    assert Decimal(row.previous) == 42


def test_a_report_filed_later_changes_the_comparison_at_once(q2_2024):
    """The units compared are cached with the sums, and never stale."""
    quarter, meetings = q2_2024

    def previous():
        figures = quarter_figures(quarter=quarter, scope=EVERY_UNIT)
        return figures.province.rows[0].change_previous, figures.province.comparisons.previous

    assert previous()[0] == 3
    assert previous()[0] == 3  # from the cache
    filed(Unit.objects.get(code="u1"), quarter, values={meetings: 30})

    change, comparison = previous()
    assert change == (23 + 30) - (20 + 21)
    assert (comparison.sides.current, comparison.sides.current_compared) == (2, 2)


def test_over_the_year_a_successor_is_left_out_with_its_predecessor():
    """Q1 compares the old unit alone (it had not filed a year before); Q3 compares it
    with its successor: the successor cannot be compared without it."""
    split_on = datetime.date(2025, 7, 1)
    units = _units(u1=(None, datetime.date(2025, 6, 30)), u2=(split_on, None))
    ytd = [((2025, 1), (2024, 1)), ((2025, 3), (2024, 3))]
    match = match_units(
        {"ytd": ytd},
        filed={(2025, 1): {1: "front"}, (2024, 3): {1: "front"}, (2025, 3): {2: "front"}},
        links=[Link(1, 2, split_on)],
        load_units=lambda ids: {i: units[i] for i in ids},
    )["ytd"]

    assert match.left_out == {1, 2}
    assert not match.sides_of("province").comparable


def _merge(units, into_code, kind, day):
    return services.merge_units(
        units=units,
        into=services.NewUnit(code=into_code, name=f"Đơn vị {into_code}", kind=kind),
        decision=services.Decision(number="QĐ 2", date=day, effective_on=day),
        user=None,
    ).created_units[0]


def test_a_merger_across_kinds_is_compared_in_the_scope_but_in_neither_kind():
    q2 = f.QuarterFactory(year=2025, number=2)
    q3 = f.QuarterFactory(year=2025, number=3)
    members = f.IndicatorFactory(code="MEMBERS")
    org = f.UnitFactory(code="org", kind=UnitKind.MASS_ORG)
    stays = f.UnitFactory(code="stays", kind=UnitKind.FRONT)
    filed(org, q2, values={members: 40})
    filed(stays, q2, values={members: 10})
    front = _merge([org], "front-new", UnitKind.FRONT, datetime.date(2025, 7, 1))
    filed(front, q3, values={members: 45})
    filed(stays, q3, values={members: 12})

    figures = quarter_figures(quarter=q3, scope=EVERY_UNIT)
    assert figures.province.rows[0].change_previous == 7  # 45 + 12 against 40 + 10
    [front_table] = [t for t in figures.tables if t.key == UnitKind.FRONT]
    assert front_table.rows[0].change_previous == 2  # only the unit that stayed a front unit
    sides = front_table.comparisons.previous.sides
    assert (sides.current, sides.current_compared, sides.whole) == (2, 1, False)


def test_a_subtree_whose_unit_split_partly_out_of_it_does_not_compare_that_unit():
    """A ward split between this committee's subtree and another's: its earlier figures
    went partly elsewhere, so they are compared with nothing."""
    q2 = f.QuarterFactory(year=2025, number=2)
    q3 = f.QuarterFactory(year=2025, number=3)
    meetings = f.IndicatorFactory(code="MEETINGS")
    north = f.UnitFactory(code="north", parent=None)
    south = f.UnitFactory(code="south", parent=None)
    ward = f.UnitFactory(code="ward", parent=north, kind=UnitKind.PARTY_COMMITTEE)
    filed(ward, q2, values={meetings: 100})
    parts = services.split_unit(
        unit=ward,
        parts=[
            services.SplitPart(
                services.NewUnit(
                    code="w-n", name="Phường Bắc", kind=UnitKind.PARTY_COMMITTEE, parent=north
                ),
                Decimal("0.6"),
            ),
            services.SplitPart(
                services.NewUnit(
                    code="w-s", name="Phường Nam", kind=UnitKind.PARTY_COMMITTEE, parent=south
                ),
                Decimal("0.4"),
            ),
        ],
        assignment_parts={},
        decision=services.Decision(
            number="QĐ 3", date=datetime.date(2025, 7, 1), effective_on=datetime.date(2025, 7, 1)
        ),
        user=None,
    ).created_units
    filed(parts[0], q3, values={meetings: 70})

    from reports.aggregation import scope_for

    figures = quarter_figures(quarter=q3, scope=scope_for(f.reviewer(north)))
    row = figures.province.rows[0]
    assert row.change_previous is None  # not 70 against the whole 100
    assert not figures.province.comparisons.previous.comparable


def test_a_stocks_year_so_far_is_compared_as_its_quarter_is():
    """A stock's year so far is the quarter's level: a unit that missed Q1 a year
    before still counts in Q2's comparison."""
    quarters = {(y, n): f.QuarterFactory(year=y, number=n) for y in (2024, 2025) for n in (1, 2)}
    members = f.IndicatorFactory(code="MEMBERS", accumulation=Accumulation.STOCK)
    a, b = f.UnitFactory(code="a"), f.UnitFactory(code="b")
    for key, quarter in quarters.items():
        filed(a, quarter, values={members: 100 + key[1]})
        if key != (2024, 1):
            filed(b, quarter, values={members: 50 + key[0] - 2024})
    row = quarter_figures(quarter=quarters[2025, 2], scope=EVERY_UNIT).province.rows[0]
    assert row.change_ytd == row.change_last_year == 1  # b: 51 against 50; a: 102 against 102


def test_a_rate_is_averaged_over_the_units_compared_only():
    q1 = f.QuarterFactory(year=2024, number=1)
    q2 = f.QuarterFactory(year=2024, number=2)
    rate = f.IndicatorFactory(code="RATE", measure="%", aggregation=Aggregation.MEAN)
    a, b, c = (f.UnitFactory(code=code) for code in "abc")
    filed(a, q1, values={rate: 80})
    filed(a, q2, values={rate: 90})
    filed(b, q2, values={rate: 30})  # not there in Q1
    filed(c, q1, values={rate: 10})  # not there in Q2
    row = quarter_figures(quarter=q2, scope=EVERY_UNIT).province.rows[0]
    assert (row.current, row.previous) == (60, 45)
    assert row.change_previous == 10  # a alone: 90 against 80


@pytest.mark.parametrize("limit", [None, 5])
def test_many_units_left_out_or_compared_give_the_same_change(monkeypatch, limit):
    """The sums apart are those of the fewer units, left out or compared; past the
    database's limit of parameters the values are not narrowed first."""
    from django.db import connection

    monkeypatch.setattr(connection.features, "max_query_params", limit)
    q1 = f.QuarterFactory(year=2024, number=1)
    q2 = f.QuarterFactory(year=2024, number=2)
    meetings = f.IndicatorFactory(code="MEETINGS")
    units = [f.UnitFactory(code=f"u{n}") for n in range(6)]
    for n, unit in enumerate(units):
        filed(unit, q1, values={meetings: 10 + n})
    for unit in units[:2]:  # few compared: their own sums
        filed(unit, q2, values={meetings: 20})
    assert quarter_figures(quarter=q2, scope=EVERY_UNIT).province.rows[0].change_previous == (
        40 - (10 + 11)
    )
    for unit in units[2:5]:  # few left out: the totals less theirs
        filed(unit, q2, values={meetings: 20})
    assert quarter_figures(quarter=q2, scope=EVERY_UNIT).province.rows[0].change_previous == (
        100 - (10 + 11 + 12 + 13 + 14)
    )


def test_a_merger_says_the_units_differ_only_through_the_reorganisation():
    q2 = f.QuarterFactory(year=2025, number=2)
    q3 = f.QuarterFactory(year=2025, number=3)
    meetings = f.IndicatorFactory(code="MEETINGS")
    old = [f.UnitFactory(code=code) for code in ("a", "b")]
    for unit in old:
        filed(unit, q2, values={meetings: 5})
    new = _merge(old, "ab", UnitKind.FRONT, datetime.date(2025, 7, 1))
    filed(new, q3, values={meetings: 12})

    comparison = quarter_figures(quarter=q3, scope=EVERY_UNIT).province.comparisons.previous
    assert comparison.sentence() == (
        "So với Quý II/2025: số đơn vị báo cáo: 1 ở Quý III/2025, 2 ở Quý II/2025; cùng "
        "công việc ở cả hai kỳ: các đơn vị trước khi sắp xếp, tổ chức lại so với các đơn vị "
        "kế thừa."
    )


def test_a_unit_replaced_by_its_successor_is_not_called_the_same_unit():
    """One unit for one: the counts are equal, the units are not."""
    q2 = f.QuarterFactory(year=2025, number=2)
    q3 = f.QuarterFactory(year=2025, number=3)
    meetings = f.IndicatorFactory(code="MEETINGS")
    old = f.UnitFactory(code="old")
    filed(old, q2, values={meetings: 5})
    new = _merge([old], "new", UnitKind.FRONT, datetime.date(2025, 7, 1))
    filed(new, q3, values={meetings: 6})

    comparison = quarter_figures(quarter=q3, scope=EVERY_UNIT).province.comparisons.previous
    assert (comparison.sides.current, comparison.sides.earlier) == (1, 1)
    assert "cùng công việc ở cả hai kỳ" in comparison.sentence()


def test_each_comparison_sums_apart_its_own_units_when_they_differ():
    """The previous quarter leaves out one unit and last year three: each change rests
    on its own units, though the sums apart share one statement (and the province's
    table and the kind's, leaving out the same units, share a sum)."""
    last_year = f.QuarterFactory(year=2023, number=2)
    q1 = f.QuarterFactory(year=2024, number=1)
    q2 = f.QuarterFactory(year=2024, number=2)
    meetings = f.IndicatorFactory(code="MEETINGS")
    units = [f.UnitFactory(code=f"u{n}", kind=UnitKind.FRONT) for n in range(6)]
    for unit in units:
        filed(unit, q2, values={meetings: 20})
    for n, unit in enumerate(units[:5]):
        filed(unit, q1, values={meetings: 10 + n})
    for unit in units[:3]:
        filed(unit, last_year, values={meetings: 5})

    table = quarter_figures(quarter=q2, scope=EVERY_UNIT).province
    row = table.rows[0]

    assert (row.current, row.previous, row.last_year) == (120, 60, 15)
    assert row.change_previous == (120 - 20) - 60  # without the unit that filed Q2 only
    assert row.change_last_year == (120 - 3 * 20) - 15  # the three units of both years
