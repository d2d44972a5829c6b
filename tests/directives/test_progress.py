"""Units post progress; reviewers confirm or reject a claimed done and decide
deadline changes; bad input is refused next to its field."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directives.models import DeadlineChange, ProgressUpdate, ReviewStatus
from directives.rules import DirectiveStatus
from directives.selectors import assignments_awaiting_update, directive_assignments
from tests import factories as f
from tests.directives.world import TODAY, ask_for_more_time, done_claim, review_claim
from tests.samples import PDF, PNG

pytestmark = pytest.mark.django_db


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def post_update(client, world, assignment=None, **data):
    assignment = assignment or world.a_normal
    payload = {"claimed_status": "in_progress", "percent": 40, "description": "Đã họp triển khai."}
    payload.update(data)
    return client.post(reverse("directives:progress_new", args=[assignment.pk]), payload)


def test_a_reporter_posts_progress_for_the_current_quarter(client, world):
    client.force_login(world.reporter_a)
    response = post_update(client, world)
    assert response.status_code == 302
    update = world.a_normal.updates.get()
    assert update.quarter == world.q2
    assert update.reported_by == world.reporter_a
    assert update.review_status == ReviewStatus.NOT_NEEDED
    assert update.history.first().history_user == world.reporter_a


def test_the_update_takes_the_assignment_off_the_awaiting_list(client, world):
    # Soonest deadline first: the confidential one is already overdue.
    assert list(assignments_awaiting_update(world.reporter_a, world.q2)) == [
        world.a_secret,
        world.a_normal,
    ]
    client.force_login(world.reporter_a)
    post_update(client, world)
    assert list(assignments_awaiting_update(world.reporter_a, world.q2)) == [world.a_secret]
    page = client.get(reverse("directives:my_work"))
    assert page.status_code == 200
    assert list(page.context["awaiting_assignments"]) == [world.a_secret]


@pytest.mark.parametrize("percent", ["-1", "101", "abc", ""])
def test_a_percent_outside_0_to_100_is_refused_next_to_the_field(client, world, percent):
    client.force_login(world.reporter_a)
    response = post_update(client, world, percent=percent, description="Giữ nguyên nội dung")
    assert response.status_code == 200
    assert "percent" in response.context["form"].errors
    assert "Giữ nguyên nội dung" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_a_done_claim_must_be_100_percent(client, world):
    client.force_login(world.reporter_a)
    response = post_update(client, world, claimed_status="done", percent=90)
    assert "percent" in response.context["form"].errors


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("bien-ban.pdf", PDF, "pdf"),
        ("anh.png", PNG, "png"),
        ("bao-cao.docx", None, "docx"),
    ],
)
def test_allowed_evidence_is_stored_under_a_generated_name(client, world, name, content, expected):
    content = content if content is not None else docx_bytes()
    client.force_login(world.reporter_a)
    upload = SimpleUploadedFile(f"../../{name}", content, content_type="application/octet-stream")
    response = post_update(client, world, evidence=upload)
    assert response.status_code == 302
    stored = world.a_normal.updates.get().evidence
    assert stored.name.startswith(f"evidence/{world.normal.pk}/")
    assert stored.name.endswith(f".{expected}")
    assert name.split(".")[0] not in stored.name
    assert stored.read() == content


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("virus.exe", b"MZ\x90\x00", "type_not_allowed"),
        ("trick.pdf", b"<html><script>alert(1)</script>", "content_mismatch"),
        ("fake.docx", b"PK\x03\x04not-really-a-zip", "content_mismatch"),
        ("photo.jpg", PNG, "content_mismatch"),
        ("noextension", PDF, "type_not_allowed"),
    ],
)
def test_evidence_of_a_wrong_or_spoofed_type_is_refused(client, world, name, content, message):
    client.force_login(world.reporter_a)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = post_update(client, world, evidence=upload, description="Giữ nguyên")
    assert response.status_code == 200
    assert response.context["form"].has_error("evidence", code=message)
    assert "Giữ nguyên" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_evidence_above_the_size_limit_is_refused(client, world, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(world.reporter_a)
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048, content_type="application/pdf")
    response = post_update(client, world, evidence=upload)
    assert response.status_code == 200
    assert response.context["form"].has_error("evidence", code="too_large")


def test_a_reviewer_confirms_a_done_and_the_assignment_counts_as_done(client, world):
    client.force_login(world.reporter_a)
    post_update(client, world, claimed_status="done", percent=100, finished_on="2024-05-20")
    update = world.a_normal.updates.get()
    assert update.review_status == ReviewStatus.PENDING
    client.force_login(world.reviewer)
    review = client.get(reverse("directives:review"))
    assert list(review.context["updates"]) == [update]
    response = client.post(
        reverse("directives:update_review", args=[update.pk]), {"decision": "yes"}
    )
    assert response.status_code == 302
    world.a_normal.refresh_from_db()
    assert world.a_normal.completed_on == TODAY
    update.refresh_from_db()
    assert update.review_status == ReviewStatus.CONFIRMED
    assert update.reviewed_by == world.reviewer
    statuses = {a.pk: a.status for a in directive_assignments(world.normal, quarter=world.q2)}
    assert statuses[world.a_normal.pk] == DirectiveStatus.DONE_ON_TIME
    # Once confirmed, the unit cannot post again on it.
    client.force_login(world.reporter_a)
    post_update(client, world)
    assert world.a_normal.updates.count() == 1


def test_rejecting_a_done_needs_a_comment_and_leaves_the_assignment_open(client, world):
    update = done_claim(world)
    client.force_login(world.reviewer)
    url = reverse("directives:update_review", args=[update.pk])
    client.post(url, {"decision": "no", "comment": ""})
    update.refresh_from_db()
    assert update.review_status == ReviewStatus.PENDING
    client.post(url, {"decision": "no", "comment": "Chưa có biên bản."})
    update.refresh_from_db()
    assert update.review_status == ReviewStatus.REJECTED
    assert update.review_comment == "Chưa có biên bản."
    world.a_normal.refresh_from_db()
    assert world.a_normal.completed_on is None


def test_a_deadline_change_is_requested_then_approved_keeping_the_original(client, world):
    response = ask_for_more_time(client, world.head_a, world.a_normal, "2024-09-30")
    assert response.status_code == 302
    change = DeadlineChange.objects.get()
    assert change.old_date == datetime.date(2024, 6, 30)
    client.force_login(world.reviewer)
    client.post(reverse("directives:deadline_decide", args=[change.pk]), {"decision": "yes"})
    world.a_normal.refresh_from_db()
    assert world.a_normal.due_date == datetime.date(2024, 9, 30)
    world.normal.refresh_from_db()
    assert world.normal.due_date == datetime.date(2024, 6, 30)
    change.refresh_from_db()
    assert change.status == "approved"
    page = client.get(reverse("directives:detail", args=[world.normal.pk]))
    assert "30/06/2024" in page.content.decode()


def test_a_refused_deadline_change_leaves_the_deadline(client, world):
    change = f.DeadlineChangeFactory(assignment=world.a_normal)
    client.force_login(world.reviewer)
    url = reverse("directives:deadline_decide", args=[change.pk])
    client.post(url, {"decision": "no", "comment": "Không đủ lý do."})
    change.refresh_from_db()
    assert change.status == "refused"
    world.a_normal.refresh_from_db()
    assert world.a_normal.due_date == datetime.date(2024, 6, 30)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"new_date": "2024-06-01", "reason": "Lý do"}, "new_date"),
        ({"new_date": "2024-06-30", "reason": "Lý do"}, "new_date"),
        ({"new_date": "2024-09-30", "reason": ""}, "reason"),
        ({"new_date": "not a date", "reason": "Lý do"}, "new_date"),
    ],
)
def test_a_bad_deadline_request_is_refused_next_to_the_field(client, world, data, field):
    client.force_login(world.reporter_a)
    response = client.post(reverse("directives:deadline_new", args=[world.a_normal.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not DeadlineChange.objects.exists()


def test_another_unit_cannot_ask_to_move_a_deadline(client, world):
    response = ask_for_more_time(client, world.reporter_c, world.a_normal, "2024-09-30")
    assert response.status_code == 403
    assert not DeadlineChange.objects.exists()


def test_the_directive_page_shows_the_timeline_with_review_buttons(client, world):
    done_claim(world, description="Đã tổ chức 12 buổi.")
    f.DeadlineChangeFactory(assignment=world.b_normal, reason="Chờ hướng dẫn.")
    client.force_login(world.reviewer)
    page = client.get(reverse("directives:detail", args=[world.normal.pk])).content.decode()
    assert "Đã tổ chức 12 buổi." in page
    assert "Chờ hướng dẫn." in page
    assert reverse("directives:update_review", args=[world.a_normal.updates.get().pk]) in page


def test_the_review_never_sends_the_reviewer_to_another_site(client, world):
    update = done_claim(world)
    response = review_claim(
        client, world.reviewer, update, decision="yes", next="https://evil.example/"
    )
    assert response["Location"] == reverse("directives:review")


def test_the_review_queue_comes_a_page_at_a_time(client, world, monkeypatch):
    monkeypatch.setattr("directives.views.PAGE_SIZE", 2)
    claims = [
        done_claim(world, assignment)
        for assignment in (world.a_normal, world.b_normal, world.b_ongoing)
    ]
    client.force_login(world.reviewer)
    first = client.get(reverse("directives:review"))
    second = client.get(reverse("directives:review"), {"page": 2})
    shown = list(first.context["updates"]) + list(second.context["updates"])
    assert sorted(u.pk for u in shown) == sorted(u.pk for u in claims)
    assert first.context["updates"].paginator.count == 3
    assert "?page=2#confirm-heading" in first.text
