"""Evidence uploads: no path traversal, no spoofed types, private files served safely."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directives.models import ClaimedStatus, ProgressUpdate, ReviewStatus
from tests.security.world import build_world, login

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    # U's claim is decided first: nothing is posted while one awaits confirmation.
    ProgressUpdate.objects.filter(pk=world.update_u.pk).update(review_status=ReviewStatus.REJECTED)
    return world


def post_evidence(client, world, upload):
    login(client, world, "reporter_u")
    return client.post(
        reverse("directives:progress_new", args=[world.assignment_u.pk]),
        {
            "claimed_status": ClaimedStatus.IN_PROGRESS,
            "percent": 40,
            "description": "Đã tổ chức hội nghị.",
            "evidence": upload,
        },
    )


def newest_update(world):
    return ProgressUpdate.objects.filter(assignment=world.assignment_u).latest("pk")


def assert_stored_safely(update, settings, extension):
    media = Path(settings.MEDIA_ROOT).resolve()
    stored = Path(update.evidence.path).resolve()
    assert media in stored.parents
    assert ".." not in update.evidence.name
    assert "passwd" not in update.evidence.name
    assert stored.suffix == f".{extension}"


@pytest.mark.parametrize(
    "filename", ["../../etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf", "/etc/passwd.pdf"]
)
def test_a_traversing_file_name_is_stored_under_a_generated_name(client, world, settings, filename):
    response = post_evidence(client, world, SimpleUploadedFile(filename, PDF, "application/pdf"))
    assert response.status_code == 302
    update = newest_update(world)
    assert_stored_safely(update, settings, "pdf")
    assert Path(update.evidence.path).read_bytes() == PDF


@pytest.mark.parametrize(
    ("filename", "content", "content_type"),
    [
        ("bien-ban.pdf", EXE, "application/pdf"),  # a program renamed .pdf
        ("setup.exe", EXE, "application/x-msdownload"),
        ("trang.html", b"<script>alert(1)</script>", "text/html"),
        ("anh.svg", b"<svg onload='alert(1)'/>", "image/svg+xml"),
        ("bao-cao.docx", b"PK\x03\x04not really a word file", "application/octet-stream"),
        ("khong-co-duoi", PDF, "application/pdf"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused(
    client, world, filename, content, content_type
):
    before = ProgressUpdate.objects.count()
    response = post_evidence(client, world, SimpleUploadedFile(filename, content, content_type))
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"]
    assert ProgressUpdate.objects.count() == before


def test_a_real_png_sent_as_text_plain_is_kept_as_a_png(client, world, settings):
    response = post_evidence(client, world, SimpleUploadedFile("anh.png", PNG, "text/plain"))
    assert response.status_code == 302
    update = newest_update(world)
    assert_stored_safely(update, settings, "png")
    download = client.get(reverse("directives:evidence", args=[update.pk]))
    assert download["Content-Type"] == "image/png"


def test_a_file_over_the_limit_is_refused(client, world, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * 2048, "application/pdf")
    response = post_evidence(client, world, big)
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"]


def test_evidence_is_downloaded_as_an_attachment_never_rendered(client, world):
    login(client, world, "reviewer")
    response = client.get(reverse("directives:evidence", args=[world.update_u.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == world.update_u.evidence.open("rb").read()


def test_uploaded_files_live_outside_the_static_files(settings):
    media = Path(settings.MEDIA_ROOT).resolve()
    assert settings.MEDIA_URL is None
    assert Path(settings.STATIC_ROOT).resolve() not in [media, *media.parents]
