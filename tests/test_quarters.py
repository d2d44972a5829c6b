"""The quarter page and its list: who sees what, the empty state, bad input
and a bounded number of queries whatever the data size."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import Accumulation, Aggregation, IndicatorValue, ReportStatus, UnitKind
from tests import factories as f

pytestmark = pytest.mark.django_db


def _at(quarter) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(quarter.due_date, datetime.time(9)))


def build_province(*, units: int, indicators: int, quarters: int):
    """``units`` units filing accepted reports with every indicator for ``quarters`` quarters."""
    kinds = [UnitKind.FRONT, UnitKind.MASS_ORG, UnitKind.ARMED_FORCES, UnitKind.GOVERNMENT]
    unit_list = [
        f.UnitFactory(code=f"u{n}", name=f"Đơn vị {n:03d}", kind=kinds[n % 4], display_order=n)
        for n in range(units)
    ]
    indicator_list = [
        f.IndicatorFactory(
            code=f"IND{n}",
            name=f"Chỉ tiêu {n}",
            accumulation=Accumulation.STOCK if n % 3 == 0 else Accumulation.FLOW,
            aggregation=Aggregation.MEAN if n % 5 == 4 else Aggregation.SUM,
            display_order=n,
        )
        for n in range(indicators)
    ]
    year, number = 2024, 2
    quarter_list = []
    for _ in range(quarters):
        quarter_list.append(f.QuarterFactory(year=year, number=number))
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    values = []
    for quarter in quarter_list:
        for unit in unit_list:
            report = f.UnitReportFactory(
                unit=unit,
                quarter=quarter,
                status=ReportStatus.ACCEPTED,
                first_submitted_at=_at(quarter),
                submitted_at=_at(quarter),
            )
            values += [
                IndicatorValue(report=report, indicator=indicator, value=Decimal(n + 1))
                for n, indicator in enumerate(indicator_list)
            ]
    IndicatorValue.objects.bulk_create(values)
    meeting = f.MeetingFactory(quarter=quarter_list[0])
    for n in range(3):
        directive = f.DirectiveFactory(meeting=meeting, number=n + 1)
        f.AssignmentFactory(directive=directive, unit=unit_list[n % len(unit_list)])
    return quarter_list[0], unit_list, indicator_list


@pytest.fixture
def q1():
    return f.QuarterFactory(year=2024, number=1, due_date=datetime.date(2024, 3, 10))


def test_anonymous_visitors_are_sent_to_sign_in(client, q1):
    urls = [reverse("quarters:list")] + [
        reverse(f"quarters:{name}", args=[q1.slug])
        for name in ("detail", "report_docx", "indicators_xlsx", "directives_xlsx")
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_a_signed_in_user_without_a_role_is_refused(client, q1):
    client.force_login(f.UserFactory())
    assert client.get(reverse("quarters:detail", args=[q1.slug])).status_code == 403
    assert client.get(reverse("quarters:list")).status_code == 403


def test_a_quarter_that_does_not_exist_is_a_404(client, q1):
    client.force_login(f.reviewer())
    for slug in ("2031-q2", "2024-q9", "nonsense", "2024-q"):
        assert client.get(f"/quarters/{slug}/").status_code == 404
    assert client.get("/quarters/2031-q2/report.docx").status_code == 404


def test_the_list_shows_every_quarter_with_its_counts(client, q1):
    f.QuarterFactory(year=2023, number=4)
    unit = f.UnitFactory()
    f.UnitReportFactory(
        unit=unit, quarter=q1, status=ReportStatus.ACCEPTED, first_submitted_at=_at(q1)
    )
    client.force_login(f.leader())
    response = client.get(reverse("quarters:list"))
    assert response.status_code == 200
    quarters = list(response.context["quarters"])
    assert [q.slug for q in quarters] == ["2024-q1", "2023-q4"]
    assert (quarters[0].filed_reports, quarters[0].accepted_reports) == (1, 1)
    assert reverse("quarters:detail", args=["2024-q1"]) in response.text


def test_a_quarter_with_no_reports_shows_an_honest_empty_state(client, q1):
    f.UnitFactory(name="Hội Nông dân tỉnh")
    client.force_login(f.reviewer())
    response = client.get(reverse("quarters:detail", args=[q1.slug]))
    assert response.status_code == 200
    assert not response.context["summary"].has_reports
    assert "Hội Nông dân tỉnh" in response.text
    assert 'id="quarter-chart-data"' not in response.text


def test_the_page_shows_totals_the_narrative_the_meeting_and_the_documents(client):
    quarter, units, _indicators = build_province(units=4, indicators=3, quarters=2)
    client.force_login(f.reviewer())
    response = client.get(reverse("quarters:detail", args=[quarter.slug]))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.has_reports
    assert summary.ytd_label is not None  # a second quarter: "6 months"
    assert summary.figures.province.rows[1].current == 2 * 4  # flow, sum of four units
    text = response.text
    assert units[3].name in text
    assert "Giao ban công tác dân vận" in text
    assert reverse("quarters:report_docx", args=[quarter.slug]) in text
    assert reverse("quarters:indicators_xlsx", args=[quarter.slug]) in text
    assert reverse("quarters:directives_xlsx", args=[quarter.slug]) in text
    assert 'id="quarter-chart-data"' in text
    assert "vendor/chart.js/chart.umd.js" in text
    assert "<script>" not in text  # no inline scripts: data comes as JSON


def test_an_indicator_row_shows_its_link_badges_figures_and_changes(client):
    """The rows of the figure tables (``figure_row``): the name links to the units behind
    it, escaped; a mean of units and a quarter-end level say so; the figures are written
    the Vietnamese way and the changes signed."""
    quarter, _units, indicators = build_province(units=4, indicators=5, quarters=5)
    stock_mean = indicators[0]  # n = 0: a stock; made a mean too, and given an odd name
    stock_mean.aggregation = Aggregation.MEAN
    stock_mean.name = "Tỷ lệ <b>hộ</b> & “điển hình”"
    stock_mean.save()
    IndicatorValue.objects.filter(
        report__quarter=quarter, indicator=indicators[1], report__unit__code="u0"
    ).update(value=Decimal("1234.5"))
    client.force_login(f.reviewer())
    text = client.get(reverse("quarters:detail", args=[quarter.slug])).text

    row = text[text.index(f"?indicator={stock_mean.code}#drilldown") :]
    row = row[: row.index("</tr>")]
    assert "Tỷ lệ &lt;b&gt;hộ&lt;/b&gt; &amp; “điển hình”" in row
    assert 'title="Số liệu này gồm những đơn vị nào"' in row
    assert "bình quân đơn vị" in row and "số cuối quý" in row
    flow = text[text.index(f"?indicator={indicators[1].code}#drilldown") :]
    flow = flow[: flow.index("</tr>")]
    assert "bình quân đơn vị" not in flow and "số cuối quý" not in flow
    # 1.234,5 + 2 + 2 + 2 this quarter against 4 × 2 the quarter before: +1.232,5.
    assert '<td class="text-end fw-semibold">1.240,5</td>' in flow
    assert '<span class="text-success">+1.232,5</span>' in flow
    assert flow.endswith('<td class="text-end text-muted">4</td>')


def test_the_drill_down_lists_the_units_behind_a_total(client):
    quarter, units, indicators = build_province(units=3, indicators=2, quarters=1)
    client.force_login(f.reviewer())
    url = reverse("quarters:detail", args=[quarter.slug])
    response = client.get(url, {"indicator": indicators[1].code})
    rows = response.context["drill_rows"]
    assert [row.unit_name for row in rows] == [u.name for u in units]
    assert (
        sum(row.current for row in rows)
        == response.context["summary"].figures.province.rows[1].current
    )
    bad = client.get(url, {"indicator": "NO_SUCH"})
    assert bad.status_code == 200
    assert "NO_SUCH" in bad.context["drill_error"]


def test_unit_staff_get_their_own_units_view_and_no_other_units_data(client):
    quarter, units, indicators = build_province(units=4, indicators=2, quarters=1)
    mine, other = units[0], units[1]
    other_report = other.reports.get(quarter=quarter)
    other_report.people_situation = "Bí mật của đơn vị khác."
    other_report.save()
    client.force_login(f.member(mine, role="head"))
    response = client.get(reverse("quarters:detail", args=[quarter.slug]))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert not summary.scope.oversees
    assert [u.unit_id for u in summary.completeness.units] == [mine.id]
    assert summary.figures.province.rows[1].current == 2  # only their own value
    assert mine.name in response.text
    assert other.name not in response.text
    assert "Bí mật của đơn vị khác." not in response.text
    # The workbook holds their units only, and its link says so.
    assert "Bảng chỉ tiêu: đơn vị của bạn, theo loại đơn vị, theo đơn vị" in response.text
    assert "toàn tỉnh" not in response.text
    drill = client.get(
        reverse("quarters:detail", args=[quarter.slug]), {"indicator": indicators[1].code}
    )
    assert [row.unit_id for row in drill.context["drill_rows"]] == [mine.id]


@pytest.mark.parametrize(("units", "indicators", "quarters"), [(3, 3, 2), (40, 25, 8)])
def test_the_page_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, units, indicators, quarters
):
    quarter, unit_list, indicator_list = build_province(
        units=units, indicators=indicators, quarters=quarters
    )
    client.force_login(f.reviewer())
    url = reverse("quarters:detail", args=[quarter.slug])
    # 21, 3 for the roll-up by area and 1 for its units' former names (load_former_names:
    # they are named as on the quarter's last day), 1 for the commission whose
    # consolidated report the documents are (drafting_commission), and up to 4 for the
    # units each comparison rests on (comparisons: filed units, links, the units a
    # reorganisation joins, the sums of the units compared), 1 for the navigation's
    # counts (danvan.context_processors.waiting); + 21 as nothing is cached yet: the
    # sums, filed units and comparisons each looked up in the shared cache and written
    # to it, each in a savepoint in a test's transaction (common.caching); + 14 for the
    # completeness and the roll-up, kept for the commission the same way
    # (completeness.kept_for_the_quarter)
    with django_assert_max_num_queries(66):
        response = client.get(url, {"indicator": indicator_list[0].code})
    assert response.status_code == 200
    staff = f.member(unit_list[0])
    client.force_login(staff)
    with django_assert_max_num_queries(27):
        assert client.get(url).status_code == 200
    client.force_login(f.leader())
    with django_assert_max_num_queries(11):
        assert client.get(reverse("quarters:list")).status_code == 200


def test_a_national_quarter_page_pages_the_units_not_on_time_and_the_narrative(
    client, q1, monkeypatch
):
    """Past the limits, the page lists only the units not on time, and both they and
    the narrative come a page at a time; every count stays complete."""
    monkeypatch.setattr("reports.aggregation.completeness.UNIT_LIST_LIMIT", 2)
    monkeypatch.setattr("quarters.views.NARRATIVE_PAGE_SIZE", 1)
    on_time = f.UnitFactory(name="Đơn vị đúng hạn", display_order=1)
    f.UnitReportFactory(
        unit=on_time,
        quarter=q1,
        status=ReportStatus.ACCEPTED,
        first_submitted_at=_at(q1),
        results="Kết quả của đơn vị đúng hạn.",
    )
    late = f.UnitFactory(name="Đơn vị trễ hạn", display_order=2)
    f.UnitReportFactory(
        unit=late,
        quarter=q1,
        status=ReportStatus.SUBMITTED,
        first_submitted_at=_at(q1) + datetime.timedelta(days=3),
        results="Kết quả của đơn vị trễ hạn.",
    )
    missing = [f.UnitFactory(name=f"Đơn vị chưa nộp {n}", display_order=3 + n) for n in (1, 2)]
    client.force_login(f.reviewer())
    url = reverse("quarters:detail", args=[q1.slug])

    first = client.get(url)
    counts = first.context["summary"].completeness.total
    assert (counts.expected, counts.on_time, counts.late, counts.missing) == (4, 1, 1, 2)
    listed = [u.name for u in first.context["summary"].completeness.units]
    assert listed == [late.name, missing[0].name]
    assert "?units=2#completeness" in first.text
    assert "Kết quả của đơn vị đúng hạn." in first.text
    assert "Kết quả của đơn vị trễ hạn." not in first.text
    assert "?page=2#narrative" in first.text

    second = client.get(url + "?units=2&page=2")
    assert [u.name for u in second.context["summary"].completeness.units] == [missing[1].name]
    assert "Kết quả của đơn vị trễ hạn." in second.text
    # A page number past the end or not a number shows the last or the first page.
    assert client.get(url + "?units=99&page=x").status_code == 200


def test_the_drill_down_comes_a_page_at_a_time_and_the_pages_add_up_to_the_total(
    client, monkeypatch
):
    monkeypatch.setattr("reports.aggregation.figures.DRILL_PAGE_SIZE", 2)
    quarter, units, indicators = build_province(units=5, indicators=2, quarters=2)
    silent = units[2].reports.get(quarter=quarter)
    silent.values.filter(indicator=indicators[1]).delete()  # gave no value this quarter
    client.force_login(f.leader())
    url = reverse("quarters:detail", args=[quarter.slug])

    pages = [client.get(url, {"indicator": indicators[1].code, "drill_page": n}) for n in (1, 2)]
    rows = [row for page in pages for row in page.context["drill_rows"]]
    assert [row.unit_id for row in rows] == [u.id for u in units if u != units[2]]
    total = pages[0].context["summary"].figures.province.rows[1]
    assert sum(row.current for row in rows) == total.current
    assert pages[0].context["drill_page"].paginator.count == 4
    assert f"?indicator={indicators[1].code}&amp;drill_page=2#drilldown" in pages[0].text
