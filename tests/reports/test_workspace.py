"""The home page is the unit's workspace for reporters and heads."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import ReportStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return f.UnitFactory(code="bdv", name="Đơn vị thử")


@pytest.fixture
def quarter():
    due = timezone.localdate() + datetime.timedelta(days=5)
    return f.QuarterFactory(year=2030, number=2, due_date=due)


def test_a_reporter_sees_the_current_report_to_start_and_the_days_left(client, unit, quarter):
    client.force_login(f.member(unit))
    body = client.get(reverse("home")).content.decode()
    assert reverse("reports:report", args=["bdv", quarter.slug]) in body
    assert "5" in body and quarter.due_date.strftime("%d/%m/%Y") in body


def test_a_unit_that_ended_before_the_quarters_last_day_is_not_offered_the_report(
    client, unit, quarter
):
    unit.valid_to = quarter.end_date - datetime.timedelta(days=10)
    unit.save()
    client.force_login(f.member(unit))
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("reports:report", args=["bdv", quarter.slug]) not in body
    assert "Start the report" not in body
    assert "The unit does not report for" in body


def test_the_head_is_told_a_draft_waits_to_be_submitted(client, unit, quarter):
    head = f.member(unit, role="head")
    f.UnitReportFactory(unit=unit, quarter=quarter)
    client.force_login(head)
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "check the draft and submit it" in body


def test_a_returned_report_shows_the_reviewers_comment(client, unit, quarter):
    head = f.member(unit, role="head")
    report = f.UnitReportFactory(unit=unit, quarter=quarter)
    report = services.report_submit(report=report, user=head, expected_version=report.version)
    services.report_return(report=report, user=f.reviewer(), comment="Bổ sung số liệu quý.")
    client.force_login(head)
    assert "Bổ sung số liệu quý." in client.get(reverse("home")).content.decode()


def test_late_reports_count_the_days_late(client, unit):
    quarter = f.QuarterFactory(
        year=2030, number=3, due_date=timezone.localdate() - datetime.timedelta(days=4)
    )
    client.force_login(f.member(unit))
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "4 days late" in body
    assert quarter.label in body


def test_earlier_quarters_are_listed_with_their_status(client, unit, quarter):
    older = f.QuarterFactory(year=2030, number=1, closed=True)
    f.UnitReportFactory(
        unit=unit,
        quarter=older,
        status=ReportStatus.ACCEPTED,
        first_submitted_at=timezone.now(),
    )
    client.force_login(f.member(unit))
    body = client.get(reverse("home")).content.decode()
    assert reverse("reports:report", args=["bdv", older.slug]) in body


def test_reviewers_keep_the_who_you_are_page(client, quarter):
    client.force_login(f.reviewer())
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["workspace"] == []
    assert reverse("reports:queue") in response.content.decode()


def test_the_workspace_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, unit, quarter
):
    user = f.member(unit)
    for number in range(1, 5):
        f.UnitReportFactory(unit=unit, quarter=f.QuarterFactory(year=2020 + number, number=1))
    client.force_login(user)
    # The workspace plus the directives awaiting this quarter's progress.
    with django_assert_max_num_queries(12):
        assert client.get(reverse("home")).status_code == 200
