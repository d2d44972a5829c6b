"""The daily job's directive reminders: due soon, overdue, progress missing before
a briefing; each once, to the assigned unit's staff only."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from directives import services
from directives.models import ClaimedStatus
from notifications.models import Kind, Notification
from reports.models import MembershipRole
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 6, 20)


@pytest.fixture
def unit():
    unit = f.UnitFactory(code="hoi", name="Hội Cựu chiến binh")
    f.member(unit, role=MembershipRole.HEAD, user__username="head")
    f.member(f.UnitFactory(code="khac"), user__username="other-staff")
    return unit


@pytest.fixture
def quarter():
    return f.open_quarter()


def told(kind) -> list[tuple[str, str]]:
    return sorted(
        (n.user.username, n.title)
        for n in Notification.objects.filter(kind=kind).select_related("user")
    )


def test_due_within_a_week_and_newly_overdue_are_told_once(unit, quarter):
    meeting = f.MeetingFactory(unit=f.root_unit(), quarter=quarter)
    for title, due in (
        ("Sắp đến hạn", TODAY + datetime.timedelta(days=7)),
        ("Còn xa", TODAY + datetime.timedelta(days=8)),
        ("Vừa quá hạn", TODAY - datetime.timedelta(days=2)),
        ("Quá hạn lâu", TODAY - datetime.timedelta(days=30)),
    ):
        f.AssignmentFactory(
            directive__meeting=meeting, directive__title=title, due_date=due, unit=unit
        )
    done = f.AssignmentFactory(
        directive__meeting=meeting,
        directive__title="Đã xong",
        due_date=TODAY + datetime.timedelta(days=1),
        unit=unit,
        completed_on=TODAY,
    )
    assert done.completed_on
    for _ in range(2):
        services.directive_reminders(day=TODAY)
    assert told(Kind.DIRECTIVE_DUE) == [
        ("head", "Hạn 27/06/2024 của Hội Cựu chiến binh: Sắp đến hạn")
    ]
    assert told(Kind.DIRECTIVE_OVERDUE) == [
        ("head", "Quá hạn từ 18/06/2024 của Hội Cựu chiến binh: Vừa quá hạn")
    ]


def test_progress_missing_before_a_briefing(unit, quarter):
    committee = f.root_unit()
    earlier = f.MeetingFactory(unit=committee, quarter=quarter)
    missing = f.AssignmentFactory(directive__meeting=earlier, unit=unit, due_date=None)
    reported = f.AssignmentFactory(directive__meeting=earlier, unit=unit, due_date=None)
    f.ProgressUpdateFactory(
        assignment=reported, quarter=quarter, claimed_status=ClaimedStatus.IN_PROGRESS
    )
    assert missing.pk
    held = timezone.make_aware(datetime.datetime(2024, 6, 24, 8, 0))
    f.MeetingFactory(unit=committee, quarter=quarter, held_at=held)
    call_command("run_daily_jobs", "--today", TODAY.isoformat(), stdout=StringIO())
    call_command("run_daily_jobs", "--today", TODAY.isoformat(), stdout=StringIO())
    assert told(Kind.PROGRESS_MISSING) == [
        (
            "head",
            "Hội Cựu chiến binh chưa báo cáo tiến độ 1 ý kiến chỉ đạo trước buổi giao ban "
            "ngày 24/06/2024",
        )
    ]
