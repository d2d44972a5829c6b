"""Fields a form does not offer are ignored, whatever a crafted POST carries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from directives.models import (
    ClaimedStatus,
    DeadlineChange,
    DeadlineChangeStatus,
    ProgressUpdate,
    ReviewStatus,
)
from reports.models import ReportStatus
from tests.security.world import login

pytestmark = pytest.mark.django_db


def test_the_report_form_ignores_status_unit_reviewer_and_the_rest(client, world):
    report = world.u_draft
    login(client, world, "reporter_u")
    response = client.post(
        reverse("reports:report", args=["u", "2024-q2"]),
        {
            "version": report.version,
            "people_situation": "Tình hình ổn định.",
            "status": ReportStatus.ACCEPTED,
            "unit": world.unit_v.pk,
            "quarter": world.q1.pk,
            "unit_name": "Đơn vị giả mạo",
            "reviewed_by": world.users["reviewer"].pk,
            "submitted_by": world.users["head_u"].pk,
            "review_comment": "Tự duyệt",
            "first_submitted_at": "2024-01-01T00:00",
            "id": 999,
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.people_situation == "Tình hình ổn định."
    assert report.status == ReportStatus.DRAFT
    assert report.unit == world.unit_u
    assert report.quarter == world.q2
    assert report.unit_name != "Đơn vị giả mạo"
    assert report.reviewed_by is None
    assert report.submitted_by is None
    assert report.review_comment == ""
    assert report.first_submitted_at is None
    assert report.version == 2


def test_a_reviewers_return_cannot_accept_through_an_extra_field(client, world):
    login(client, world, "reviewer")
    client.post(
        reverse("reports:return", args=[world.u_submitted.pk]),
        {"comment": "Bổ sung số liệu.", "status": ReportStatus.ACCEPTED, "version": 99},
    )
    world.u_submitted.refresh_from_db()
    assert world.u_submitted.status == ReportStatus.RETURNED


def test_the_progress_form_ignores_review_status_reviewer_and_assignment(client, world):
    # U's earlier claim is decided first: nothing is posted while one awaits confirmation.
    ProgressUpdate.objects.filter(pk=world.update_u.pk).update(review_status=ReviewStatus.REJECTED)
    login(client, world, "reporter_u")
    response = client.post(
        reverse("directives:progress_new", args=[world.assignment_u.pk]),
        {
            "claimed_status": ClaimedStatus.DONE,
            "percent": 100,
            "finished_on": timezone.localdate().isoformat(),
            "description": "Đã xong.",
            "review_status": ReviewStatus.CONFIRMED,
            "reviewed_by": world.users["reviewer"].pk,
            "reviewed_at": "2024-05-01T10:00",
            "reported_by": world.users["head_u"].pk,
            "assignment": world.assignment_v.pk,
            "quarter": world.q1.pk,
        },
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.latest("pk")
    assert update.assignment == world.assignment_u
    assert update.quarter == world.q2
    assert update.review_status == ReviewStatus.PENDING
    assert update.reviewed_by is None
    assert update.reported_by == world.users["reporter_u"]
    world.assignment_u.refresh_from_db()
    assert world.assignment_u.completed_on is None


def test_the_deadline_request_ignores_status_and_decider(client, world):
    login(client, world, "reporter_u")
    response = client.post(
        reverse("directives:deadline_new", args=[world.assignment_u_secret.pk]),
        {
            "new_date": "2030-12-31",
            "reason": "Chờ kinh phí.",
            "status": DeadlineChangeStatus.APPROVED,
            "decided_by": world.users["reviewer"].pk,
            "old_date": "2020-01-01",
            "assignment": world.assignment_v.pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    change = DeadlineChange.objects.latest("pk")
    assert change.assignment == world.assignment_u_secret
    assert change.status == DeadlineChangeStatus.PENDING
    assert change.decided_by is None
    assert str(change.old_date) == "2030-06-30"
    world.assignment_u_secret.refresh_from_db()
    assert str(world.assignment_u_secret.due_date) == "2030-06-30"
