"""send_reminders: who is told, on which days, at most once a day."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from reports.models import ReminderLog, ReportStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

DUE = datetime.date(2024, 7, 10)


@pytest.fixture
def quarter():
    return f.open_quarter(due_date=DUE)


@pytest.fixture
def unit(quarter):
    unit = f.UnitFactory(code="bdv", name="Ban Dân vận Tỉnh ủy")
    f.member(unit, user__email="reporter@example.test")
    f.member(unit, role="head", user__email="head@example.test")
    f.member(unit, user__email="")  # no address: told in the app only
    return unit


def run(day: datetime.date, *args) -> str:
    out = StringIO()
    call_command("send_reminders", "--today", day.isoformat(), *args, stdout=out)
    return out.getvalue()


def test_members_with_an_email_are_reminded_a_week_before(unit, quarter, settings):
    settings.SITE_URL = "https://danvan.example.test"
    run(DUE - datetime.timedelta(days=7))
    assert sorted(m.to[0] for m in mail.outbox) == ["head@example.test", "reporter@example.test"]
    message = mail.outbox[0]
    assert "Ban Dân vận Tỉnh ủy" in message.subject
    assert "10/07/2024" in message.subject
    assert "https://danvan.example.test/reports/bdv/2024-q2/" in message.body
    assert "Quý II/2024" in message.body  # in Vietnamese


@pytest.mark.parametrize("days", [6, 5, 4, 2])
def test_no_reminder_on_other_days_before(unit, quarter, days):
    run(DUE - datetime.timedelta(days=days))
    assert mail.outbox == []


@pytest.mark.parametrize(("after", "sent"), [(1, False), (2, False), (3, True), (6, True)])
def test_after_the_due_date_every_third_day(unit, quarter, after, sent):
    run(DUE + datetime.timedelta(days=after))
    assert bool(mail.outbox) is sent


def test_the_days_are_configurable(unit, quarter):
    run(DUE - datetime.timedelta(days=2), "--days-before", "2")
    assert len(mail.outbox) == 2
    mail.outbox.clear()
    run(DUE + datetime.timedelta(days=1), "--every-after", "1")
    assert len(mail.outbox) == 2


def test_a_second_run_the_same_day_sends_nothing(unit, quarter):
    day = DUE - datetime.timedelta(days=3)
    run(day)
    run(day)
    assert len(mail.outbox) == 2
    # Three people told: the two with an address by mail too, the third in the app.
    assert ReminderLog.objects.get().recipients == 3


def test_units_that_submitted_get_no_reminder_but_returned_ones_do(unit, quarter):
    done = f.UnitFactory()
    f.member(done, user__email="done@example.test")
    f.UnitReportFactory(unit=done, quarter=quarter, status=ReportStatus.SUBMITTED)
    returned = f.UnitFactory()
    f.member(returned, user__email="returned@example.test")
    f.UnitReportFactory(unit=returned, quarter=quarter, status=ReportStatus.RETURNED)
    f.member(f.UnitFactory(submits_reports=False), user__email="group@example.test")
    run(DUE - datetime.timedelta(days=1))
    recipients = {m.to[0] for m in mail.outbox}
    assert "done@example.test" not in recipients
    assert "group@example.test" not in recipients
    assert "returned@example.test" in recipients


def test_nothing_happens_without_an_open_quarter(unit, quarter):
    quarter.closed = True
    quarter.save()
    assert "No open quarter" in run(DUE - datetime.timedelta(days=1))
    assert mail.outbox == []


def test_a_dry_run_sends_nothing(unit, quarter):
    out = run(DUE - datetime.timedelta(days=1), "--dry-run")
    assert "reporter@example.test" in out
    assert mail.outbox == []
    assert not ReminderLog.objects.exists()
