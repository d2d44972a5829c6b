"""A successor's earlier quarters include its predecessors' counted values, through
the chain of reorganisations and by a split's share, and the page says so."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from reports import aggregation
from reports.models import Accumulation, Aggregation, ReportStatus, UnitKind, UnitReport
from reports.permissions import Scope
from structure import services
from tests import factories as f
from tests.structure.parts import split_parts

pytestmark = pytest.mark.django_db


def _decision(day):
    return services.Decision(number="QĐ sample", date=day, effective_on=day)


@pytest.fixture
def history():
    """Q2/2025 filed by two units that merge on 01/07/2025; Q3/2025 by their successor."""
    q2 = f.QuarterFactory(year=2025, number=2)
    q3 = f.QuarterFactory(year=2025, number=3)
    flow = f.IndicatorFactory(code="MEETINGS", accumulation=Accumulation.FLOW)
    rate = f.IndicatorFactory(code="RATE", measure="%", aggregation=Aggregation.MEAN)
    old_a = f.UnitFactory(code="a", name="Thành ủy A", kind=UnitKind.PARTY_COMMITTEE)
    old_b = f.UnitFactory(code="b", name="Huyện ủy B", kind=UnitKind.PARTY_COMMITTEE)
    for unit, meetings, percent in ((old_a, 30, 80), (old_b, 12, 90)):
        report = f.UnitReportFactory(unit=unit, quarter=q2, status=ReportStatus.ACCEPTED)
        f.IndicatorValueFactory(report=report, indicator=flow, value=meetings)
        f.IndicatorValueFactory(report=report, indicator=rate, value=percent)
    outcome = services.merge_units(
        units=[old_a, old_b],
        into=services.NewUnit(code="ab", name="Đảng ủy phường AB", kind=UnitKind.PARTY_COMMITTEE),
        decision=_decision(datetime.date(2025, 7, 1)),
        user=None,
    )
    successor = outcome.created_units[0]
    report = f.UnitReportFactory(unit=successor, quarter=q3, status=ReportStatus.SUBMITTED)
    f.IndicatorValueFactory(report=report, indicator=flow, value=50)
    f.IndicatorValueFactory(report=report, indicator=rate, value=70)
    return {"q3": q3, "flow": flow, "rate": rate, "successor": successor}


def _row(figures, indicator):
    return next(row for row in figures.province.rows if row.indicator == indicator)


def test_the_successors_previous_quarter_includes_its_predecessors(history):
    scope = Scope(unit_ids=frozenset({history["successor"].id}))
    figures = aggregation.quarter_figures(quarter=history["q3"], scope=scope)

    meetings = _row(figures, history["flow"])
    assert meetings.current == 50
    assert meetings.previous == 42  # 30 + 12, filed by the two old units
    assert meetings.change_previous == 8
    assert meetings.ytd == 92  # the year so far: the old units' Q2 and the successor's Q3
    assert _row(figures, history["rate"]).previous == Decimal("85.00")  # a mean, never weighted
    assert set(figures.includes) == {"Thành ủy A", "Huyện ủy B"}


def test_a_split_carries_its_share_and_a_later_merger_the_whole_chain(history):
    successor = history["successor"]
    parts = split_parts(
        UnitKind.PARTY_COMMITTEE, ("c", "Phường C", "0.25"), ("d", "Phường D", "0.75")
    )
    q4 = f.QuarterFactory(year=2025, number=4)
    outcome = services.split_unit(
        unit=successor,
        parts=parts,
        assignment_parts={},
        decision=_decision(datetime.date(2025, 10, 1)),
        user=None,
    )
    c = outcome.created_units[0]
    figures = aggregation.quarter_figures(quarter=q4, scope=Scope(unit_ids=frozenset({c.id})))

    meetings = _row(figures, history["flow"])
    assert meetings.previous == Decimal("12.50")  # a quarter of the successor's 50
    assert meetings.trend[-3] == Decimal("10.50")  # Q2/2025: a quarter of 30 + 12
    assert "Đảng ủy phường AB (25%)" in figures.includes


def test_the_whole_province_counts_every_value_once(history):
    figures = aggregation.quarter_figures(quarter=history["q3"], scope=aggregation.EVERY_UNIT)
    assert _row(figures, history["flow"]).previous == 42
    assert figures.includes == []


def test_the_quarter_page_says_whose_figures_it_includes(client, history):
    client.force_login(f.member(history["successor"]))
    response = client.get(history["q3"].get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-lineage" in page
    assert "Thành ủy A" in page and "Huyện ủy B" in page


def test_a_successors_members_read_what_its_predecessors_filed_under_their_names(client, history):
    old_report = UnitReport.objects.get(unit__code="a", quarter__year=2025, quarter__number=2)
    draft = f.UnitReportFactory(unit=old_report.unit, quarter=f.QuarterFactory(year=2025, number=1))
    client.force_login(f.member(history["successor"]))

    home = client.get("/").content.decode()
    assert "Thành ủy A" in home and "data-predecessor" in home
    assert client.get("/reports/").content.decode().count("Thành ủy A") >= 1
    assert client.get(old_report.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_member_of_another_unit_reads_none_of_it(client, history):
    old_report = UnitReport.objects.get(unit__code="a", quarter__year=2025, quarter__number=2)
    client.force_login(f.member(f.UnitFactory(code="other")))
    assert client.get(old_report.get_absolute_url()).status_code in (403, 404)
    assert "Thành ủy A" not in client.get("/reports/").content.decode()


@pytest.mark.parametrize("role", [f.reviewer, f.leader])
def test_a_successors_reviewer_or_leader_reads_what_its_predecessors_filed(client, history, role):
    """Their roll-ups include the old units' figures; the old units' reports open too."""
    old_report = UnitReport.objects.get(unit__code="a", quarter__year=2025, quarter__number=2)
    client.force_login(role(history["successor"]))

    assert client.get(old_report.get_absolute_url()).status_code == 200
    assert "Thành ủy A" in client.get("/reports/").content.decode()


def test_a_successors_reviewer_reads_a_predecessors_report_but_never_reviews_it(client, history):
    old_report = UnitReport.objects.get(unit__code="a", quarter__year=2025, quarter__number=2)
    UnitReport.objects.filter(pk=old_report.pk).update(status=ReportStatus.SUBMITTED)
    client.force_login(f.reviewer(history["successor"]))

    page = client.get(old_report.get_absolute_url()).content.decode()
    for action, data in (("accept", {}), ("return", {"comment": "Sửa lại."})):
        url = reverse(f"reports:{action}", args=[old_report.pk])
        assert url not in page  # no review buttons
        assert client.post(url, data).status_code == 403
    old_report.refresh_from_db()
    assert old_report.status == ReportStatus.SUBMITTED


def test_a_reviewer_of_an_unrelated_subtree_reads_none_of_it(client, history):
    old_report = UnitReport.objects.get(unit__code="a", quarter__year=2025, quarter__number=2)
    client.force_login(f.reviewer(f.UnitFactory(code="other", parent=None)))
    assert client.get(old_report.get_absolute_url()).status_code == 404
    assert "Thành ủy A" not in client.get("/reports/").content.decode()


def test_the_report_form_shows_the_predecessors_figures_as_last_quarter(client, history):
    successor = history["successor"]
    q3_report = UnitReport.objects.get(unit=successor, quarter=history["q3"])
    UnitReport.objects.filter(pk=q3_report.pk).update(status=ReportStatus.DRAFT)
    client.force_login(f.member(successor))

    page = client.get(q3_report.get_absolute_url()).content.decode()

    # Last quarter's column: what the two old units filed in Q2 (30 + 12; 80 and 90 averaged).
    cells = re.findall(r'<td class="text-end text-muted">([^<]*)</td>', page)
    assert "42" in cells and "85" in cells
    # And it says whose figures they are, or 42 would read as the new unit's own.
    assert "data-lineage" in page
    assert "Thành ủy A" in page and "Huyện ủy B" in page


def test_the_report_page_names_a_splits_share_of_last_quarter(client, history):
    """A ward given 40% of a city's work shows 0,4 of each figure; the page says why."""
    successor = history["successor"]
    parts = services.split_unit(
        unit=successor,
        assignment_parts={},
        parts=split_parts(
            UnitKind.PARTY_COMMITTEE, ("w1", "Phường 1", "0.4"), ("w2", "Phường 2", "0.6")
        ),
        decision=_decision(datetime.date(2025, 10, 1)),
        user=None,
    ).created_units
    q4 = f.QuarterFactory(year=2025, number=4)
    client.force_login(f.member(parts[0], role="head"))

    page = client.get(f"/reports/w1/{q4.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Earlier quarters include the figures of" in page
    assert "Đảng ủy phường AB (40%)" in page
    assert "Thành ủy A" not in page  # Q3 was filed by AB alone


def test_a_units_own_last_quarter_names_no_one(client, history):
    client.force_login(f.member(history["successor"]))
    q4 = f.QuarterFactory(year=2025, number=4)
    page = client.get(f"/reports/ab/{q4.slug}/").content.decode()
    assert "data-lineage" not in page


def test_the_quarters_report_document_says_whose_figures_it_includes(client, history):
    """The .docx of a ward's reviewer compared Q3 with a Q2 that was its predecessors'
    figures, and called its one ward's table the province's."""
    from docx import Document

    client.force_login(f.reviewer(history["successor"]))
    response = client.get(f"/quarters/{history['q3'].slug}/report.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)

    assert "Số liệu các quý trước gồm số liệu của " in text
    assert "Thành ủy A" in text and "Huyện ủy B" in text
    assert "toàn tỉnh" not in text
    assert "Một số chỉ tiêu chủ yếu của các đơn vị trong phạm vi theo dõi" in text


def test_the_provinces_report_document_names_no_predecessor(client, history):
    from docx import Document

    client.force_login(f.admin())  # every unit: the predecessors are in it already
    response = client.get(f"/quarters/{history['q3'].slug}/report.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)

    assert "gồm số liệu của" not in text
    assert "Một số chỉ tiêu chủ yếu toàn tỉnh" in text
