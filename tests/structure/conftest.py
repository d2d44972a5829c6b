"""The world of the reorganisation tests: the two government-side units of 2024."""

import datetime

import pytest

from directives.models import AssignmentRole
from reports.models import MembershipRole, ReportStatus
from tests import factories as f


@pytest.fixture
def admin_client(client):
    """A client signed in as the administrator, who alone may reorganise."""
    client.force_login(f.admin(username="quantri"))
    return client


@pytest.fixture
def government():
    """The two government-side units of 2024, each with its reports, open and finished
    assignments, updates and a pending deadline request; one directive assigned to both."""
    q1 = f.QuarterFactory(year=2024, number=1, closed=True)
    q2 = f.QuarterFactory(year=2024, number=2)
    ubnd = f.UnitFactory(code="bcsd-ubnd", name="Ban Cán sự Đảng UBND tỉnh")
    hdnd = f.UnitFactory(code="dd-hdnd", name="Đảng đoàn HĐND tỉnh")
    other = f.UnitFactory(code="mttq", name="Ủy ban MTTQ tỉnh")
    for unit in (ubnd, hdnd):
        f.UnitReportFactory(unit=unit, quarter=q1, status=ReportStatus.ACCEPTED)
    meeting = f.MeetingFactory(quarter=q1)
    both = f.DirectiveFactory(meeting=meeting, number=1)
    lead_ubnd = f.AssignmentFactory(directive=both, unit=ubnd, role=AssignmentRole.LEAD)
    support_hdnd = f.AssignmentFactory(directive=both, unit=hdnd, role=AssignmentRole.SUPPORT)
    f.ProgressUpdateFactory(assignment=lead_ubnd, quarter=q2)
    f.ProgressUpdateFactory(assignment=support_hdnd, quarter=q2)
    only_hdnd = f.AssignmentFactory(
        directive=f.DirectiveFactory(meeting=meeting, number=2), unit=hdnd
    )
    f.DeadlineChangeFactory(assignment=only_hdnd)
    finished = f.AssignmentFactory(
        directive=f.DirectiveFactory(meeting=meeting, number=3),
        unit=ubnd,
        completed_on=datetime.date(2024, 5, 1),
    )
    f.AssignmentFactory(directive=both, unit=other, role=AssignmentRole.SUPPORT)
    head = f.member(ubnd, role=MembershipRole.HEAD)
    f.member(hdnd)
    return {
        "ubnd": ubnd,
        "hdnd": hdnd,
        "both": both,
        "only_hdnd": only_hdnd,
        "finished": finished,
        "head": head,
    }
