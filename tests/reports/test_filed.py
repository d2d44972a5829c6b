"""Has the unit filed its report: one answer on every page, export and command.

A report counts as filed while it is submitted or accepted (``UnitReport.is_filed``,
in SQL ``filed_q``); a returned report is back with its unit, which must file it
again. A filed report is on time or late by its first submission. Before, the queue
and the briefing pack counted a returned report as filed (first submission set)
while the reminders still wrote to its unit, and the quarter page read the first or
the last submission.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import aggregation
from reports.models import FILED_STATUSES, ReportStatus, UnitReport
from reports.permissions import EVERY_UNIT
from reports.rules import Timeliness
from tests import factories as f

pytestmark = pytest.mark.django_db

DUE = datetime.date(2024, 7, 10)


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def quarter():
    return f.QuarterFactory(year=2024, number=2, due_date=DUE)


def report(quarter, status, *, first=None, last=None, name="Đơn vị"):
    first = first or at(DUE - datetime.timedelta(days=2))
    return f.UnitReportFactory(
        unit=f.UnitFactory(name=name),
        quarter=quarter,
        status=status,
        first_submitted_at=first,
        submitted_at=last or first,
        submitted_by=f.UserFactory(),
    )


def standings(client, quarter) -> dict[str, dict[str, str]]:
    """What the queue, the quarter page and the briefing pack (of a meeting held today:
    an earlier one's is as things stood on its day) say of each unit."""
    meeting = f.MeetingFactory(quarter=quarter, held_at=timezone.now())
    client.force_login(f.reviewer())
    queue = client.get(reverse("reports:queue_quarter", args=[quarter.slug])).context
    page = client.get(reverse("quarters:detail", args=[quarter.slug])).context
    pack = client.get(reverse("meetings:pack", args=[meeting.pk])).context
    return {
        "queue": {
            "counts": (queue["counts"].on_time, queue["counts"].late, queue["counts"].missing),
            "unfiled": sorted(unit.name for unit, _reminder, _remindable in queue["unfiled"]),
        },
        "page": {
            "counts": tuple(
                getattr(page["summary"].completeness.total, name)
                for name in ("on_time", "late", "missing")
            ),
            "units": {u.name: u.timeliness for u in page["summary"].completeness.units},
        },
        "pack": {
            "counts": tuple(
                pack["completeness_counts"][t]
                for t in (Timeliness.ON_TIME, Timeliness.LATE, Timeliness.MISSING)
            ),
            "units": {row["unit"].name: row["timeliness"] for row in pack["completeness"]},
        },
    }


def test_submitted_and_accepted_are_the_filed_statuses():
    assert FILED_STATUSES == (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


@pytest.mark.parametrize("status", ReportStatus.values)
def test_the_model_and_the_sql_agree_on_filed(quarter, status):
    made = report(quarter, status)
    assert made.is_filed is UnitReport.objects.filed().filter(pk=made.pk).exists()
    assert made.is_filed is (status in FILED_STATUSES)


def test_a_returned_report_is_not_filed_on_any_page(client, quarter):
    report(quarter, ReportStatus.ACCEPTED, name="Đã tiếp nhận")
    returned = report(quarter, ReportStatus.RETURNED, name="Bị trả lại")

    seen = standings(client, quarter)

    assert seen["queue"] == {"counts": (1, 0, 1), "unfiled": ["Bị trả lại"]}
    assert seen["page"]["counts"] == seen["pack"]["counts"] == (1, 0, 1)
    assert seen["page"]["units"]["Bị trả lại"] == Timeliness.MISSING
    assert seen["pack"]["units"]["Bị trả lại"] == Timeliness.MISSING
    assert returned.timeliness == Timeliness.MISSING
    assert list(aggregation.units_not_filed(quarter=quarter, scope=EVERY_UNIT)) == [returned.unit]


def test_a_report_filed_again_after_the_due_date_is_on_time_by_its_first_submission(
    client, quarter
):
    again = report(
        quarter,
        ReportStatus.SUBMITTED,
        first=at(DUE - datetime.timedelta(days=3)),
        last=at(DUE + datetime.timedelta(days=5)),
        name="Gửi lại",
    )

    seen = standings(client, quarter)

    assert seen["queue"]["counts"] == seen["page"]["counts"] == seen["pack"]["counts"] == (1, 0, 0)
    assert seen["page"]["units"] == seen["pack"]["units"] == {"Gửi lại": Timeliness.ON_TIME}
    assert again.timeliness == Timeliness.ON_TIME


def test_a_filed_report_without_its_first_submission_on_record_is_timed_by_its_last(
    client, quarter
):
    # Old records may lack the first submission; the quarter page read the last one
    # and the queue called such a report missing.
    old = report(quarter, ReportStatus.ACCEPTED, name="Cũ")
    old.first_submitted_at = None
    old.submitted_at = at(DUE + datetime.timedelta(days=1))
    old.save()

    seen = standings(client, quarter)

    assert seen["queue"]["counts"] == seen["page"]["counts"] == seen["pack"]["counts"] == (0, 1, 0)
    assert UnitReport.objects.get(pk=old.pk).timeliness == Timeliness.LATE


def test_the_page_of_a_returned_report_counts_the_days_late_again(client, quarter):
    returned = report(quarter, ReportStatus.RETURNED)
    client.force_login(f.member(returned.unit))
    body = client.get(reverse("reports:report", args=[returned.unit.code, quarter.slug]))
    body = body.content.decode()
    assert "Trễ " in body  # the days late, as for any report not filed
    assert "Đúng hạn" not in body  # no "on time" badge: it must be filed again
