"""The admin and reports: decisions are read-only there, and its review actions go
through the same services (and the same rules) as the report pages."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from reports import services
from reports.models import (
    COMMENT_MAX_LENGTH,
    ReportStatus,
    ReportVersion,
    ReviewEvent,
    UnitReport,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:reports_unitreport_changelist"


@pytest.fixture
def quarter():
    return f.QuarterFactory(year=2024, number=2, due_date=datetime.date(2030, 7, 10))


def submitted(quarter, name: str) -> UnitReport:
    unit = f.UnitFactory(name=name)
    head = f.member(unit, role="head")
    made = f.UnitReportFactory(unit=unit, quarter=quarter)
    return services.report_submit(report=made, user=head, expected_version=made.version)


@pytest.fixture
def admin_user():
    return f.UserFactory(username="quantri", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_reviewer():
    return f.reviewer(username="quantri-duyet", is_staff=True, is_superuser=True)


def run_action(client, user, action, reports, **extra):
    client.force_login(user)
    data = {"action": action, ACTION_CHECKBOX_NAME: [r.pk for r in reports], **extra}
    return client.post(reverse(CHANGELIST), data)


def said(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def test_decision_fields_cannot_be_edited_in_the_admin(client, admin_user, quarter):
    report = submitted(quarter, "Đơn vị A")
    client.force_login(admin_user)
    url = reverse("admin:reports_unitreport_change", args=[report.pk])
    form = client.get(url).context["adminform"].form
    for name in (
        "status",
        "submitted_at",
        "submitted_by",
        "first_submitted_at",
        "reviewed_at",
        "reviewed_by",
        "review_comment",
        "version",
        "results",  # submitted: the text is on record too
    ):
        assert name not in form.fields, name


def test_the_accept_action_uses_the_service_and_reports_each_row(client, admin_reviewer, quarter):
    waiting = submitted(quarter, "Đơn vị chờ")
    done = services.report_accept(report=submitted(quarter, "Đơn vị xong"), user=admin_reviewer)
    response = run_action(client, admin_reviewer, "accept_reports", [waiting, done])
    assert response.status_code == 302
    messages = " | ".join(said(response))
    assert "Đơn vị chờ" in messages and "Đơn vị xong" in messages
    assert "đã được tiếp nhận" in messages  # the second one: already accepted
    assert UnitReport.objects.get(pk=waiting.pk).status == ReportStatus.ACCEPTED
    assert ReviewEvent.objects.filter(outcome="accepted").count() == 2  # one each, not three
    assert ReviewEvent.objects.get(version__report=waiting).by == admin_reviewer


def test_an_administrator_who_is_not_a_reviewer_is_refused_with_a_reason(
    client, admin_user, quarter
):
    report = submitted(quarter, "Đơn vị A")
    response = run_action(client, admin_user, "accept_reports", [report])
    assert response.status_code == 302
    with translation.override("vi"):
        reason = gettext(
            "Refused: accepting, returning and reopening reports is for reviewers. "
            "Give your account the reviewer role on a unit (a membership) to do it."
        )
    assert reason in said(response)
    assert UnitReport.objects.get().status == ReportStatus.SUBMITTED


def test_the_return_action_asks_for_a_comment_first(client, admin_reviewer, quarter):
    report = submitted(quarter, "Đơn vị A")
    page = run_action(client, admin_reviewer, "return_reports", [report])
    assert page.status_code == 200
    assert 'name="comment"' in page.content.decode()
    assert UnitReport.objects.get().status == ReportStatus.SUBMITTED

    empty = run_action(client, admin_reviewer, "return_reports", [report], apply="1", comment=" ")
    assert empty.status_code == 200
    assert UnitReport.objects.get().status == ReportStatus.SUBMITTED

    done = run_action(
        client, admin_reviewer, "return_reports", [report], apply="1", comment="Bổ sung số liệu."
    )
    assert done.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.review_comment) == (ReportStatus.RETURNED, "Bổ sung số liệu.")
    assert ReviewEvent.objects.get().comment == "Bổ sung số liệu."


def test_the_return_action_refuses_a_comment_longer_than_a_report_comment(
    client, admin_reviewer, quarter
):
    report = submitted(quarter, "Đơn vị A")
    too_long = "x" * (COMMENT_MAX_LENGTH + 1)

    page = run_action(
        client, admin_reviewer, "return_reports", [report], apply="1", comment=too_long
    )

    assert page.status_code == 200
    assert page.context["form"].errors
    assert UnitReport.objects.get().status == ReportStatus.SUBMITTED


def test_the_reopen_action_reopens_only_accepted_reports(client, admin_reviewer, quarter):
    accepted = services.report_accept(report=submitted(quarter, "Đã nhận"), user=admin_reviewer)
    waiting = submitted(quarter, "Đang chờ")
    response = run_action(
        client, admin_reviewer, "reopen_reports", [accepted, waiting], apply="1", comment="Lý do."
    )
    assert response.status_code == 302
    assert UnitReport.objects.get(pk=accepted.pk).status == ReportStatus.RETURNED
    assert UnitReport.objects.get(pk=waiting.pk).status == ReportStatus.SUBMITTED
    assert any("Đang chờ" in m and "không có gì để mở lại" in m for m in said(response))


def test_submitted_versions_are_read_only_in_the_admin(client, admin_user, quarter):
    report = submitted(quarter, "Đơn vị A")
    version = ReportVersion.objects.get(report=report)
    client.force_login(admin_user)
    assert client.get(reverse("admin:reports_reportversion_changelist")).status_code == 200
    change = reverse("admin:reports_reportversion_change", args=[version.pk])
    response = client.get(change)
    assert response.status_code == 200
    assert 'name="results"' not in response.content.decode()
    assert client.get(reverse("admin:reports_reportversion_add")).status_code == 403
    delete = reverse("admin:reports_reportversion_delete", args=[version.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.post(change, {"results": "Sửa."}).status_code == 403
    assert ReportVersion.objects.get().results == report.results
