"""A repeated or racing review click is answered with a message, never a 500 or a bare 403."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from reports import services
from reports.models import ReportStatus, ReviewEvent, UnitReport
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    unit = f.UnitFactory(code="bdv")
    quarter = f.QuarterFactory(year=2024, number=2, due_date=datetime.date(2030, 7, 10))
    head = f.member(unit, role="head")
    made = f.UnitReportFactory(unit=unit, quarter=quarter)
    return services.report_submit(report=made, user=head, expected_version=made.version)


@pytest.fixture
def reviewer():
    return f.reviewer(username="reviewer-a", first_name="An", last_name="Nguyễn")


@pytest.fixture
def other_reviewer():
    return f.reviewer(username="reviewer-b", first_name="Bình", last_name="Trần")


def post(client, user, action, report, **data):
    client.force_login(user)
    return client.post(reverse(f"reports:{action}", args=[report.pk]), data)


def said(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def page(report) -> str:
    return reverse("reports:report", args=[report.unit.code, report.quarter.slug])


def test_clicking_accept_twice_accepts_once_and_says_so(client, report, reviewer):
    first = post(client, reviewer, "accept", report)
    assert first.status_code == 302
    second = post(client, reviewer, "accept", report)
    assert second.status_code == 302
    assert second.url == page(report)
    assert "Báo cáo này đã được tiếp nhận" in said(second)[-1]
    assert ReviewEvent.objects.count() == 1
    assert client.get(second.url).status_code == 200


def test_accept_after_another_reviewer_returned_it_says_it_was_sent_back(
    client, report, reviewer, other_reviewer
):
    # both opened the page while it was submitted; the other one returned it first
    services.report_return(report=report, user=other_reviewer, comment="Thiếu số liệu.")
    response = post(client, reviewer, "accept", report)
    assert response.status_code == 302
    message = said(response)[-1]
    assert "đã được trả lại đơn vị" in message and "Bình" in message
    assert UnitReport.objects.get().status == ReportStatus.RETURNED
    assert client.get(response.url).status_code == 200  # and the reviewer can read it


# An empty return says the report was accepted rather than asking for a comment.
@pytest.mark.parametrize("comment", ["Sửa lại.", ""], ids=["with-a-comment", "empty"])
def test_return_after_another_reviewer_accepted_it_keeps_the_acceptance(
    client, report, reviewer, other_reviewer, comment
):
    services.report_accept(report=report, user=other_reviewer)
    response = post(client, reviewer, "return", report, comment=comment)
    assert response.status_code == 302
    assert "đã được tiếp nhận" in said(response)[-1]
    assert UnitReport.objects.get().status == ReportStatus.ACCEPTED


def test_reopening_twice_reopens_once(client, report, reviewer):
    services.report_accept(report=report, user=reviewer)
    assert post(client, reviewer, "reopen", report, reason="Lý do.").status_code == 302
    again = post(client, reviewer, "reopen", report, reason="Lý do.")
    assert again.status_code == 302
    assert "đã được trả lại đơn vị" in said(again)[-1]
    assert ReviewEvent.objects.filter(outcome="reopened").count() == 1


def test_the_state_is_checked_under_the_lock_not_on_the_object_the_view_read(
    client, report, reviewer, other_reviewer, monkeypatch
):
    """The race itself: the view read a submitted report, and the other reviewer's
    accept lands between that read and this request's row lock."""
    lock = services._lock

    def accept_first_then_lock(stale):
        monkeypatch.setattr(services, "_lock", lock)
        services.report_accept(report=UnitReport.objects.get(pk=stale.pk), user=other_reviewer)
        return lock(stale)

    monkeypatch.setattr(services, "_lock", accept_first_then_lock)
    response = post(client, reviewer, "return", report, comment="Sửa lại.")
    assert response.status_code == 302
    assert "đã được tiếp nhận" in said(response)[-1]
    # (here the competing accept ran inside this request's transaction, so the
    # refusal rolled it back too; what matters is that no return was recorded)
    assert not ReviewEvent.objects.filter(outcome="returned").exists()
    assert UnitReport.objects.get().status != ReportStatus.RETURNED


def test_the_service_refuses_a_stale_report_with_a_message(report, reviewer, other_reviewer):
    stale = UnitReport.objects.get(pk=report.pk)
    services.report_accept(report=report, user=other_reviewer)
    with pytest.raises(services.ReportLockedError) as refused:
        services.report_accept(report=stale, user=reviewer)
    assert "Nothing was changed" in refused.value.message or "Không có gì" in refused.value.message


@pytest.mark.parametrize(("who", "code"), [("leader", 403), ("admin", 403), ("other", 404)])
def test_others_still_cannot_review(client, report, who, code):
    users = {
        "leader": f.leader(),
        "admin": f.UserFactory(is_superuser=True, is_staff=True),
        "other": f.member(f.UnitFactory(), role="head"),
    }
    assert post(client, users[who], "accept", report).status_code == code
    assert UnitReport.objects.get().status == ReportStatus.SUBMITTED
