"""The mail through a real SMTP server on the loopback (aiosmtpd), read back: who
gets it, its subject with diacritics, its links (issue 17, item 6); and the daily
job run twice at once sends each mail once (item 5)."""

import datetime
import socket
import threading
import time
import unicodedata
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections

from notifications.models import Digest, Notification
from reports import services as report_services
from reports.models import MembershipRole, ReminderLog
from tests import factories as f
from tests.mailserver import free_port, serving


@pytest.fixture
def smtp(settings):
    yield from serving(settings)


@pytest.fixture
def unit():
    unit = f.UnitFactory(code="hoi", name="Hội Liên hiệp Phụ nữ xã Đông")
    f.member(
        unit, role=MembershipRole.HEAD, user__username="head", user__email="truong@example.test"
    )
    f.member(unit, user__username="reporter", user__email="canbo@example.test")
    return unit


@pytest.mark.django_db
def test_a_returned_report_arrives_with_its_diacritics_and_link(
    smtp, unit, django_capture_on_commit_callbacks
):
    quarter = f.open_quarter()
    reviewer = f.reviewer(username="reviewer", email="ban@example.test")
    report = f.UnitReportFactory(unit=unit, quarter=quarter)
    head = unit.memberships.get(role=MembershipRole.HEAD).user
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_submit(report=report, user=head, expected_version=report.version)
    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_return(report=report, user=reviewer, comment="Bổ sung kết quả.")
    assert sorted(rcpt for rcpts, _ in smtp.messages for rcpt in rcpts) == [
        "canbo@example.test",
        "truong@example.test",
    ]
    _, message = smtp.messages[0]
    # Folded and encoded on the wire (RFC 2047), read back whole.
    assert message["Subject"].strip() == (
        "Báo cáo Quý II/2024 của Hội Liên hiệp Phụ nữ xã Đông bị trả lại đơn vị"
    )
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Bổ sung kết quả." in text
    assert "https://danvan.example.test/reports/hoi/2024-q2/" in text
    assert 'href="https://danvan.example.test/reports/hoi/2024-q2/"' in html
    assert "https://danvan.example.test/notifications/settings/" in text


def _run_daily(day: datetime.date, errors: list) -> None:
    try:
        call_command("run_daily_jobs", "--today", day.isoformat(), stdout=StringIO())
    except Exception as error:  # the test reads it
        errors.append(error)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two processes at once need a database that takes two writers (PostgreSQL)",
)
def test_the_daily_job_run_twice_at_once_sends_each_mail_once(smtp, unit):
    """Two runs started together, as two app servers' timers would: the unit is
    reminded once, each person gets one reminder mail and one digest."""
    quarter = f.open_quarter(due_date=datetime.date(2024, 7, 10))
    day = quarter.due_date - datetime.timedelta(days=3)
    reviewer = f.reviewer(username="reviewer", email="ban@example.test")
    # Something for the reviewer's digest: a submission (digest by default).
    report = f.UnitReportFactory(unit=f.UnitFactory(code="khac"), quarter=quarter)
    other_head = f.member(report.unit, role=MembershipRole.HEAD, user__username="other-head")
    report_services.report_submit(report=report, user=other_head, expected_version=report.version)
    errors: list = []
    start = threading.Barrier(2)

    def run():
        start.wait()
        _run_daily(day, errors)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    received = sorted(rcpt for rcpts, _ in smtp.messages for rcpt in rcpts)
    assert received == [
        "ban@example.test",  # the digest
        "canbo@example.test",
        "truong@example.test",
    ], received
    assert ReminderLog.objects.filter(unit=unit).count() == 1
    assert Digest.objects.filter(user=reviewer).count() == 1
    assert not Notification.objects.filter(mailed_at__isnull=True).exclude(mail="").exists()


@pytest.mark.django_db
def test_the_daily_job_run_twice_sends_each_mail_once(smtp, unit):
    quarter = f.open_quarter(due_date=datetime.date(2024, 7, 10))
    day = quarter.due_date - datetime.timedelta(days=3)
    for _ in range(2):
        call_command("run_daily_jobs", "--today", day.isoformat(), stdout=StringIO())
    received = sorted(rcpt for rcpts, _ in smtp.messages for rcpt in rcpts)
    assert received == ["canbo@example.test", "truong@example.test"]


@pytest.mark.django_db
def test_a_mail_server_that_is_down_holds_no_page_and_the_mail_goes_later(
    client, smtp, unit, settings, django_capture_on_commit_callbacks
):
    """The reviewer's return is saved while the mail server is down; the mail waits
    and the next run of send_notifications sends it."""
    quarter = f.open_quarter()
    reviewer = f.reviewer(username="reviewer", email="ban@example.test")
    report = f.UnitReportFactory(unit=unit, quarter=quarter)
    head = unit.memberships.get(role=MembershipRole.HEAD).user
    report_services.report_submit(report=report, user=head, expected_version=report.version)
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reports/{report.pk}/return/", {"comment": "Bổ sung."})
    assert response.status_code == 302
    assert smtp.messages == []
    waiting = Notification.objects.filter(kind="report_returned", mailed_at__isnull=True)
    assert waiting.count() == 2
    settings.EMAIL_PORT = working_port
    call_command("send_notifications", stdout=StringIO())
    assert sorted(rcpt for rcpts, _ in smtp.messages for rcpt in rcpts) == [
        "canbo@example.test",
        "truong@example.test",
    ]
    assert not waiting.exists()


@pytest.fixture
def silent_server():
    """A mail server that takes the connection and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


@pytest.mark.django_db
def test_a_mail_server_that_hangs_costs_a_page_one_timeout_and_the_next_pages_none(
    client, unit, settings, silent_server, django_capture_on_commit_callbacks
):
    """Six people to mail at once and a server that never answers: the page waits
    one timeout (not six), the next page within the minute none; the mail waits."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", silent_server, 1
    quarter = f.open_quarter()
    for number in range(4):
        f.member(unit, user__username=f"staff{number}")
    reviewer = f.reviewer(username="reviewer")
    report = f.UnitReportFactory(unit=unit, quarter=quarter)
    head = unit.memberships.get(role=MembershipRole.HEAD).user
    client.force_login(reviewer)
    waits = []
    for _ in range(2):
        report.refresh_from_db()
        report_services.report_submit(report=report, user=head, expected_version=report.version)
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/reports/{report.pk}/return/", {"comment": "Bổ sung."})
        waits.append(time.monotonic() - started)
        assert response.status_code == 302
    assert waits[0] < 3, waits  # one timeout of 1 s, not one per person
    assert waits[1] < 0.9, waits  # the server is left alone for a minute
    assert Notification.objects.filter(mail="now", mailed_at__isnull=True).count() == 12


@pytest.mark.django_db
def test_a_hostile_comment_comes_out_right_in_the_inbox_and_the_mail(
    client, smtp, unit, django_capture_on_commit_callbacks
):
    """Pasted from Word (Shift+Enter, a control character), decomposed Vietnamese, a
    direction override and 4,000 characters: the unit reads it cleaned, whole, and
    the mail's subject stays one line."""
    quarter = f.open_quarter()
    reviewer = f.reviewer(username="reviewer")
    report = f.UnitReportFactory(unit=unit, quarter=quarter)
    head = unit.memberships.get(role=MembershipRole.HEAD).user
    report_services.report_submit(report=report, user=head, expected_version=report.version)
    nfd = unicodedata.normalize("NFD", "Bổ sung số liệu")
    comment = f"{nfd}\x0bdòng hai\x1f \u202e<b>đậm</b>" + " thêm" * 800
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reports/{report.pk}/return/", {"comment": comment})
    client.force_login(head)
    inbox = client.get("/notifications/").content.decode()
    assert "Bổ sung số liệu\ndòng hai" in inbox  # NFC, one kind of line break
    assert "\x1f" not in inbox and "&lt;b&gt;đậm&lt;/b&gt;" in inbox
    assert inbox.count(" thêm") >= 800
    _, message = next(m for m in smtp.messages if m[0] == ["truong@example.test"])
    assert "\n" not in message["Subject"].strip().replace("\n ", "")
    text = message.get_body(("plain",)).get_content()
    assert "Bổ sung số liệu\r\ndòng hai" in text or "Bổ sung số liệu\ndòng hai" in text
    assert "\x1f" not in text
