"""Which units owe a quarter's report: one answer on every page, export and command.

A unit owes (and may start) a report for a quarter when it files reports and is
active on the quarter's last day (``Unit.owes_report_for``, ``aggregation.expected_units``).
Before, the queue and the reminders asked "active on the last day" while the quarter
page, its exports and the briefing pack asked "existed at any time in the quarter":
with a unit that ended on 15/05/2024 the Q2/2024 queue expected 1 unit and the
quarter page 2.
"""

import datetime
import io
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from reports import aggregation, permissions
from reports.models import MembershipRole, Unit
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter():
    return f.open_quarter(due_date=datetime.date(2024, 7, 10))


@pytest.fixture
def units(quarter):
    """One unit active all quarter, one that ended on 15/05/2024 (its work handed to the
    first), both with a member who has an email address."""
    active = f.UnitFactory(code="con", name="Đơn vị còn hoạt động")
    ended = f.UnitFactory(
        code="het", name="Đơn vị giải thể", valid_to=datetime.date(2024, 5, 15), successor=active
    )
    f.member(active, user__email="con@example.test")
    f.member(ended, user__email="het@example.test")
    return {"active": active, "ended": ended}


def _docx_expected(response) -> int:
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    match = re.search(r"(\d+)/(\d+) đơn vị đã gửi", text)
    assert match, text
    return int(match[2])


def test_a_unit_that_ended_mid_quarter_is_expected_nowhere(client, quarter, units):
    meeting = f.MeetingFactory(quarter=quarter)
    client.force_login(f.reviewer())

    queue = client.get(reverse("reports:queue_quarter", args=[quarter.slug])).context
    page = client.get(reverse("quarters:detail", args=[quarter.slug])).context
    pack = client.get(reverse("meetings:pack", args=[meeting.pk])).context
    docx = client.get(reverse("quarters:report_docx", args=[quarter.slug]))
    call_command(
        "send_reminders",
        "--today",
        (quarter.due_date + datetime.timedelta(days=3)).isoformat(),
        stdout=StringIO(),
    )

    assert queue["counts"].expected == 1
    assert [unit.name for unit, _reminder, _remindable in queue["unfiled"]] == [
        "Đơn vị còn hoạt động"
    ]
    assert page["summary"].completeness.total.expected == 1
    assert [u.name for u in page["summary"].completeness.units] == ["Đơn vị còn hoạt động"]
    assert sum(pack["completeness_counts"].values()) == 1
    assert [row["unit"] for row in pack["completeness"]] == [units["active"]]
    assert _docx_expected(docx) == 1
    assert [message.to for message in mail.outbox] == [["con@example.test"]]


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "owes"),
    [
        (None, None, True),
        (datetime.date(2024, 5, 2), None, True),  # began during the quarter: reports it
        (datetime.date(2024, 6, 30), None, True),  # began on the last day
        (datetime.date(2024, 7, 1), None, False),  # began after the quarter
        (None, datetime.date(2024, 6, 30), True),  # dissolved on the last day: still reports
        (None, datetime.date(2024, 5, 15), False),  # ended during it: the successor reports
        (None, datetime.date(2024, 3, 31), False),  # ended before it
    ],
)
def test_a_unit_owes_the_report_when_it_exists_on_the_quarters_last_day(
    quarter, valid_from, valid_to, owes
):
    unit = f.UnitFactory(valid_from=valid_from, valid_to=valid_to)
    assert unit.owes_report_for(quarter) is owes
    expected = aggregation.expected_units(quarter=quarter, scope=permissions.EVERY_UNIT)
    assert (unit in expected) is owes  # the SQL twin agrees


def test_a_unit_that_files_no_reports_owes_none(quarter):
    unit = f.UnitFactory(submits_reports=False)
    assert not unit.owes_report_for(quarter)
    assert not Unit.objects.owing_report_for(quarter).filter(pk=unit.pk).exists()


def test_the_scope_narrows_the_expected_units(quarter, units):
    own = permissions.Scope(unit_ids=frozenset({units["ended"].id}))
    assert not aggregation.expected_units(quarter=quarter, scope=own).exists()
    assert aggregation.completeness_counts(quarter=quarter, scope=own).expected == 0


def test_only_a_unit_that_owes_the_report_may_start_it(client, quarter, units):
    head = f.member(units["ended"], MembershipRole.HEAD)
    assert not permissions.can_start_report(head, units["ended"], quarter)
    client.force_login(head)
    url = reverse("reports:report", args=[units["ended"].code, quarter.slug])
    refused = client.post(url, {"version": 0, "results": "Báo cáo."})
    assert refused.status_code == 409  # told why, as a page opened before the unit ended
    assert "Đơn vị không báo cáo quý này" in refused.content.decode()
    assert not units["ended"].reports.exists()

    begun = f.UnitFactory(valid_from=datetime.date(2024, 5, 2))
    assert permissions.can_start_report(f.member(begun), begun, quarter)
