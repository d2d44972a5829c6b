"""The reviewer's queue: a quarter's reports, filters, on time / late / missing counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import aggregation
from reports.models import ReportStatus, UnitKind
from reports.permissions import EVERY_UNIT
from tests import factories as f

pytestmark = pytest.mark.django_db

DUE = datetime.date(2024, 7, 10)


def queue_counts(quarter, *, today, kind=""):
    return aggregation.completeness_counts(
        quarter=quarter, scope=EVERY_UNIT, today=today, kind=kind
    )


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def quarter():
    return f.QuarterFactory(year=2024, number=2, due_date=DUE)


def filed(unit, quarter, status=ReportStatus.SUBMITTED, when=None):
    when = when or at(DUE - datetime.timedelta(days=2))
    return f.UnitReportFactory(
        unit=unit, quarter=quarter, status=status, first_submitted_at=when, submitted_at=when
    )


@pytest.fixture
def reports(quarter):
    on_time = filed(f.UnitFactory(name="Đúng hạn", kind=UnitKind.FRONT), quarter)
    late = filed(
        f.UnitFactory(name="Trễ hạn", kind=UnitKind.MASS_ORG),
        quarter,
        ReportStatus.ACCEPTED,
        when=at(DUE + datetime.timedelta(days=1), 0),
    )
    returned = filed(f.UnitFactory(name="Bị trả lại", kind=UnitKind.MASS_ORG), quarter)
    returned.status = ReportStatus.RETURNED
    returned.save()
    draft = f.UnitReportFactory(unit=f.UnitFactory(name="Đang soạn"), quarter=quarter)
    missing = f.UnitFactory(name="Chưa nộp", kind=UnitKind.FRONT)
    f.UnitFactory(name="Không báo cáo", submits_reports=False)
    f.UnitFactory(name="Đã giải thể", valid_to=datetime.date(2024, 3, 31))
    return {
        "on_time": on_time,
        "late": late,
        "returned": returned,
        "draft": draft,
        "missing": missing,
    }


def test_counts_say_who_was_on_time_late_and_missing(quarter, reports):
    counts = queue_counts(quarter, today=DUE + datetime.timedelta(days=5))
    assert counts.expected == 5  # not the unit that reports nothing, nor the dissolved one
    assert (counts.on_time, counts.late) == (1, 1)
    # the draft, the unit that never started, and the returned report: back with its
    # unit, it must be filed again
    assert counts.missing == 3
    assert (counts.awaiting, counts.accepted) == (1, 1)  # waiting: not the returned one


QUARTER_END = datetime.date(2024, 6, 30)
ONE_DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "owes"),
    [
        (None, None, True),
        (QUARTER_END, None, True),
        (QUARTER_END + ONE_DAY, None, False),
        (None, QUARTER_END, True),
        (None, QUARTER_END - ONE_DAY, False),
        (QUARTER_END, QUARTER_END, True),
    ],
)
def test_a_unit_owes_the_report_of_a_quarter_it_exists_on_the_last_day_of(
    quarter, valid_from, valid_to, owes
):
    unit = f.UnitFactory(valid_from=valid_from, valid_to=valid_to)
    assert quarter.end_date == QUARTER_END
    expected = aggregation.expected_units(quarter=quarter, scope=EVERY_UNIT)
    assert expected.filter(pk=unit.pk).exists() is owes


def test_nobody_is_missing_before_the_due_date(quarter, reports):
    counts = queue_counts(quarter, today=DUE)
    assert counts.missing == 0
    assert counts.not_filed == 3


def test_a_submission_at_midnight_hanoi_time_after_the_due_date_is_late(quarter):
    filed(f.UnitFactory(), quarter, when=at(DUE + datetime.timedelta(days=1), 0))
    filed(f.UnitFactory(), quarter, when=at(DUE, 23))
    counts = queue_counts(quarter, today=DUE)
    assert (counts.on_time, counts.late) == (1, 1)


def test_the_queue_lists_filed_reports_and_hides_drafts(client, quarter, reports):
    client.force_login(f.reviewer())
    body = client.get(reverse("reports:queue_quarter", args=[quarter.slug])).content.decode()
    for name in ("Đúng hạn", "Trễ hạn", "Bị trả lại"):
        assert name in body
    assert "Đang soạn</a>" not in body
    # every row is a link, a returned one too: the reviewer reads what was submitted
    assert reverse("reports:report", args=[reports["returned"].unit.code, quarter.slug]) in body
    assert reverse("reports:report", args=[reports["on_time"].unit.code, quarter.slug]) in body


def test_leadership_sees_the_list_returned_reports_included(client, quarter, reports):
    # Leadership reads every submitted version in scope (docs/PERMISSIONS.md), a returned one too.
    client.force_login(f.leader())
    body = client.get(reverse("reports:queue_quarter", args=[quarter.slug])).content.decode()
    assert "Đúng hạn" in body
    assert reverse("reports:report", args=[reports["returned"].unit.code, quarter.slug]) in body


def test_the_queue_filters_by_kind_and_status(client, quarter, reports):
    client.force_login(f.reviewer())
    url = reverse("reports:queue_quarter", args=[quarter.slug])
    body = client.get(url, {"kind": UnitKind.MASS_ORG}).content.decode()
    assert "Trễ hạn" in body and "Đúng hạn</a>" not in body
    body = client.get(url, {"status": ReportStatus.ACCEPTED}).content.decode()
    assert "Trễ hạn" in body and "Đúng hạn</a>" not in body


def test_a_bad_filter_value_is_not_an_error(client, quarter, reports):
    client.force_login(f.reviewer())
    url = reverse("reports:queue_quarter", args=[quarter.slug])
    assert client.get(url, {"kind": "<x>", "status": "bogus", "page": "zz"}).status_code == 200


def test_an_unknown_quarter_is_not_found(client, quarter):
    client.force_login(f.reviewer())
    assert client.get(reverse("reports:queue_quarter", args=["2031-q1"])).status_code == 404
    assert client.get("/reports/queue/2024-q7/").status_code == 404


@pytest.mark.parametrize("units", [3, 30])
def test_the_queue_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, quarter, units
):
    reviewer = f.reviewer()
    for i in range(units):
        unit = f.UnitFactory(kind=UnitKind.MASS_ORG)
        if i % 3:
            filed(unit, quarter, when=at(DUE + datetime.timedelta(days=i % 2)))
    client.force_login(reviewer)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("reports:queue_quarter", args=[quarter.slug]))
    assert response.status_code == 200


def test_a_unit_with_a_draft_now_and_filed_reports_before_is_listed_as_not_filed(quarter):
    unit = f.UnitFactory(name="Có nháp")
    filed(unit, f.QuarterFactory(year=2024, number=1))
    f.UnitReportFactory(unit=unit, quarter=quarter)
    assert list(aggregation.units_not_filed(quarter=quarter, scope=EVERY_UNIT)) == [unit]
    assert queue_counts(quarter, today=DUE + datetime.timedelta(days=1)).missing == 1


@pytest.mark.parametrize("units", [3, 30])
def test_the_report_list_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, quarter, units
):
    for _ in range(units):
        filed(f.UnitFactory(), quarter)
    client.force_login(f.leader())
    with django_assert_max_num_queries(10):
        response = client.get(reverse("reports:list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == units
