"""Evidence uploads: no path traversal, no spoofed types, private files served safely."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from danvan import settings as configured
from directives.models import ClaimedStatus, ProgressUpdate, ReviewStatus
from tests.samples import JPEG, PDF, PNG
from tests.security.world import login

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.fixture(scope="module")
def built_world(built_world):
    """The audit world, U's claim decided first: nothing is posted while one awaits
    confirmation."""
    ProgressUpdate.objects.filter(pk=built_world.update_u.pk).update(
        review_status=ReviewStatus.REJECTED
    )
    return built_world


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


def test_uploaded_files_live_outside_the_static_files():
    """As settings.py sets them (this module's world keeps its files elsewhere)."""
    media = Path(configured.MEDIA_ROOT).resolve()
    assert configured.MEDIA_URL is None
    assert Path(configured.STATIC_ROOT).resolve() not in [media, *media.parents]


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG's header that says ``width`` × ``height``, with a valid checksum, and no
    picture behind it."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(header))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


def _zip_bomb() -> bytes:
    """A .docx-shaped archive whose listing says it unpacks to a gibibyte (as a
    megabyte of deflated zeros does): only the listing is read, so the listing is
    what is made here, in a few bytes rather than a gibibyte of work."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/media/bomb.bin", b"\0" * 1024)
    data = bytearray(out.getvalue())
    central = data.rfind(b"PK\x01\x02")  # the last entry's record in the listing
    data[central + 24 : central + 28] = struct.pack("<I", 1 << 30)  # its unpacked size
    return bytes(data)


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("bien-ban.pdf", b"%PDF-1.7\n<html><script>alert(1)</script></html>"),  # HTML
        ("bien-ban.pdf", PDF[: len(PDF) // 2]),  # a PDF cut in half
        ("anh.jpg", b"\xff\xd8\xff\xe0" + b"<html>not a picture</html>" * 20),
        ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        ("anh.png", PNG[: len(PNG) - 20]),  # a picture cut short
        ("anh.png", JPEG),  # a JPEG named .png
        ("anh.png", _png_claiming(100_000, 100_000)),  # 10 billion pixels claimed
    ],
    ids=["pdf-html", "pdf-cut", "jpg-fake", "png-fake", "png-cut", "jpeg-as-png", "png-bomb"],
)
def test_a_disguised_file_is_refused_with_a_clear_message(client, world, filename, content):
    before = ProgressUpdate.objects.count()
    response = post_evidence(
        client, world, SimpleUploadedFile(filename, content, "application/octet-stream")
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["evidence"])
    assert "không khớp với đuôi tệp" in errors or "Ảnh quá lớn" in errors, errors
    assert ProgressUpdate.objects.count() == before


def test_a_zip_bomb_named_docx_is_refused_without_unpacking(client, world):
    bomb = _zip_bomb()
    assert zipfile.ZipFile(io.BytesIO(bomb)).infolist()[-1].file_size == 1 << 30
    response = post_evidence(
        client, world, SimpleUploadedFile("bao-cao.docx", bomb, "application/octet-stream")
    )
    assert response.status_code == 200
    assert "giải nén" in " ".join(response.context["form"].errors["evidence"])


def test_real_pictures_and_a_real_pdf_are_kept(client, world):
    for name, content in (("anh.jpg", JPEG), ("anh.png", PNG), ("bien-ban.pdf", PDF)):
        response = post_evidence(client, world, SimpleUploadedFile(name, content, "image/x"))
        assert response.status_code == 302, name
