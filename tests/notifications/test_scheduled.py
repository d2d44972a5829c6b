"""The daily job's directive reminders: due soon, overdue, progress missing before
a briefing; each once, to the assigned unit's staff only."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from directives import services
from directives.models import ClaimedStatus
from notifications.models import Digest, Kind, Notification
from reports.models import MembershipRole
from structure.services import Decision, merge_units
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
        ("head", "Hội Cựu chiến binh sắp đến hạn ngày 27/06/2024: Sắp đến hạn")
    ]
    assert told(Kind.DIRECTIVE_OVERDUE) == [
        ("head", "Hội Cựu chiến binh quá hạn từ ngày 18/06/2024: Vừa quá hạn")
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


def test_a_unit_it_cannot_remind_does_not_stop_the_others(quarter):
    """A unit with nobody to tell is said and passed over; the next is reminded."""
    quarter.due_date = datetime.date(2024, 7, 10)
    quarter.save()
    f.UnitFactory(code="a-trong", name="Đơn vị không còn ai")  # first in the order of names
    staffed = f.UnitFactory(code="z-co-nguoi", name="Đơn vị có người")
    f.member(staffed, user__username="z-head")
    out = StringIO()
    call_command("run_daily_jobs", "--today", "2024-07-03", stdout=out)
    assert "Not reminded a-trong" in out.getvalue()
    assert [user for user, _title in told(Kind.REPORT_DUE)] == ["z-head"]


def test_a_step_that_fails_leaves_the_others_to_run_and_says_so(unit, quarter, monkeypatch):
    reviewer = f.reviewer(username="rv")
    from notifications import services as notifications

    notifications.notify(
        kind=Kind.REPORT_SUBMITTED,
        users=[reviewer],
        event="report_submitted:1:1",
        params={"unit": "X", "quarter_year": 2024, "quarter_number": 2},
        url="/",
    )

    def broken(**kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(services, "directive_reminders", broken)
    err = StringIO()
    with pytest.raises(CommandError, match="directive reminders"):
        call_command("run_daily_jobs", "--today", TODAY.isoformat(), stdout=StringIO(), stderr=err)
    assert "broken" in err.getvalue()
    assert Digest.objects.filter(user=reviewer).exists()  # the digests still went


def test_a_successor_is_told_of_the_open_work_a_reorganisation_gives_it(unit, quarter):
    meeting = f.MeetingFactory(unit=f.root_unit(), quarter=quarter)
    f.AssignmentFactory(directive__meeting=meeting, directive__title="Việc còn mở", unit=unit)
    f.AssignmentFactory(
        directive__meeting=meeting, directive__title="Việc đã xong", unit=unit, completed_on=TODAY
    )
    successor = f.UnitFactory(code="ke-thua", name="Đơn vị kế thừa")
    f.member(successor, user__username="successor-head")
    merge_units(
        units=[unit],
        into=successor,
        decision=Decision(
            number="QĐ 1", date=datetime.date(2025, 6, 20), effective_on=datetime.date(2025, 7, 1)
        ),
        user=f.admin(),
    )
    assert told(Kind.DIRECTIVE_ASSIGNED) == [
        ("successor-head", "Ý kiến chỉ đạo cho Đơn vị kế thừa: Việc còn mở")
    ]
