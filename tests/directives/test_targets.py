"""A directive's measurable target: its actual value each quarter from the units'
reports, and whether it is on track, at risk or missed."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from directives.selectors import TargetStanding, target_progress, target_standing
from reports.models import Accumulation, ReportStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.mark.parametrize(
    "values, today, quarters_left, expected",
    [
        ([], datetime.date(2024, 5, 1), 2, TargetStanding.NO_DATA),
        ([D(3), D(4)], datetime.date(2024, 5, 1), 2, TargetStanding.ON_TRACK),
        ([D(3), D(3)], datetime.date(2025, 1, 5), 0, TargetStanding.MISSED),
        ([D(2), D(3)], datetime.date(2024, 5, 1), 1, TargetStanding.ON_TRACK),
        ([D(2), D(2)], datetime.date(2024, 5, 1), 2, TargetStanding.AT_RISK),
        ([D(2)], datetime.date(2024, 5, 1), 3, TargetStanding.AT_RISK),
    ],
)
def test_the_standing_rule(values, today, quarters_left, expected):
    assert (
        target_standing(
            values=values,
            target_min=D(4),
            target_max=D(5),
            target_date=datetime.date(2024, 12, 31),
            today=today,
            quarters_left=quarters_left,
        )
        == expected
    )


def report_value(unit, quarter, indicator, value, status=ReportStatus.SUBMITTED):
    report = f.UnitReportFactory(unit=unit, quarter=quarter, status=status)
    f.IndicatorValueFactory(report=report, indicator=indicator, value=value)


def test_a_stock_targets_value_is_the_sum_over_units_of_filed_reports(world):
    indicator = f.IndicatorFactory(code="DISTRICT_NODRUG", accumulation=Accumulation.STOCK)
    directive = world.normal
    directive.target_indicator = indicator
    directive.target_baseline, directive.target_min, directive.target_max = D(2), D(4), D(5)
    directive.target_date = datetime.date(2024, 12, 31)
    directive.save()
    report_value(world.unit_a, world.q1, indicator, 2)
    report_value(world.unit_b, world.q1, indicator, 1)
    report_value(world.unit_a, world.q2, indicator, 2)
    report_value(world.unit_b, world.q2, indicator, 2, status=ReportStatus.ACCEPTED)
    report_value(world.unit_c, world.q2, indicator, 9, status=ReportStatus.DRAFT)
    progress = target_progress(directive, world.leader)
    assert [(p["label"], p["value"], p["units"]) for p in progress["points"]] == [
        (world.q1.label, D("3.00"), 2),
        (world.q2.label, D("4.00"), 2),
    ]
    assert progress["standing"] == TargetStanding.ON_TRACK


def test_a_flow_target_compares_the_running_total(world):
    indicator = f.IndicatorFactory(accumulation=Accumulation.FLOW)
    directive = world.normal
    directive.target_indicator, directive.target_min = indicator, D(10)
    directive.target_date = datetime.date(2024, 12, 31)
    directive.save()
    report_value(world.unit_a, world.q1, indicator, 3)
    report_value(world.unit_a, world.q2, indicator, 4)
    progress = target_progress(directive, world.leader)
    assert [p["value"] for p in progress["points"]] == [D("3.00"), D("7.00")]
    assert progress["standing"] == TargetStanding.ON_TRACK  # 3 → 7, +4 a quarter, 2 left


def test_the_directive_page_shows_the_target_each_quarter(client, world):
    indicator = f.IndicatorFactory(name="Huyện không ma túy", accumulation=Accumulation.STOCK)
    world.normal.target_indicator, world.normal.target_min = indicator, D(4)
    world.normal.save()
    report_value(world.unit_a, world.q1, indicator, 3)
    client.force_login(world.leader)
    page = client.get(reverse("directives:detail", args=[world.normal.pk])).content.decode()
    assert "Huyện không ma túy" in page
    assert world.q1.label in page


def test_a_target_counts_the_units_under_the_unit_that_held_the_meeting(world):
    """A ward's meeting set a target for the ward: it summed every unit's figures in the
    country (a province's target too, at national scale)."""
    indicator = f.IndicatorFactory(accumulation=Accumulation.STOCK)
    ward = f.UnitFactory(code="ward", name="Đảng ủy phường Một")
    below = f.UnitFactory(code="below", name="Chi bộ khu Một", parent=ward)
    meeting = f.MeetingFactory(quarter=world.q1, unit=ward)
    directive = f.DirectiveFactory(meeting=meeting, target_indicator=indicator, target_min=D(50))
    report_value(ward, world.q1, indicator, 27)
    report_value(below, world.q1, indicator, 3)
    report_value(world.unit_a, world.q1, indicator, 10_000)  # the province's, not the ward's
    progress = target_progress(directive, world.leader)
    assert [(p["value"], p["units"], p["reached"]) for p in progress["points"]] == [
        (D("30.00"), 2, False)
    ]
    assert progress["whole"] is True
    assert progress["standing"] == TargetStanding.AT_RISK


def test_unit_staff_see_their_own_units_figures_of_a_target_and_no_standing(client, world):
    """Aggregates are the commission's to see; unit staff see their own units' (the
    "Who may do what" table): the part they see is not measured against the target."""
    indicator = f.IndicatorFactory(name="Mô hình dân vận khéo", accumulation=Accumulation.STOCK)
    world.normal.target_indicator, world.normal.target_min = indicator, D(4)
    world.normal.save()
    report_value(world.unit_a, world.q1, indicator, 3)
    report_value(world.unit_b, world.q1, indicator, 2)
    progress = target_progress(world.normal, world.reporter_a)
    assert [(p["value"], p["units"], p["reached"]) for p in progress["points"]] == [
        (D("3.00"), 1, False)
    ]
    assert (progress["whole"], progress["standing"]) == (False, None)
    client.force_login(world.reporter_a)
    page = client.get(reverse("directives:detail", args=[world.normal.pk])).content.decode()
    card = page[page.index('id="target-heading"') :]
    card = card[: card.index("</section>")]
    assert "các đơn vị bạn xem được" in card
    assert not [label for label in TargetStanding.LABELS.values() if str(label) in card]
    assert "badge" not in card
    assert target_progress(world.normal, world.leader)["points"][0]["value"] == D("5.00")
