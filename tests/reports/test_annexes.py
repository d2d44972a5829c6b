"""Annexes on reports (issue 16, part 6): files checked as directive evidence is,
stored under generated names, downloaded only through the permission check, kept
with each submitted version and in backups."""

import datetime
import io
import tarfile
import unicodedata
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from reports import services
from reports.models import ReportAnnex
from tests import factories as f
from tests.samples import PDF


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    unit = f.UnitFactory(code="du-baichay")
    quarter = f.QuarterFactory(year=2026, number=4, due_date=datetime.date(2030, 1, 10))
    indicator = f.IndicatorFactory(code="TT_SESS")
    head = f.member(unit, role="head", user__username="bc-head")
    report, _ = services.report_get_or_create_draft(unit=unit, quarter=quarter, user=head)
    report = services.report_save_draft(
        report=report,
        user=head,
        data=dict(f.REPORT_SECTIONS),
        values={indicator.id: (Decimal(4), "")},
        expected_version=report.version,
    )
    return {
        "report": report,
        "head": head,
        "reviewer": f.reviewer(username="reviewer"),
        "outsider": f.member(f.UnitFactory(code="khac"), user__username="khac-reporter"),
        "other_reviewer": f.reviewer(f.UnitFactory(code="tinh-khac"), username="reviewer-x"),
        "tmp": tmp_path,
    }


def attach(client, report, name="danh-sach.pdf", content=PDF):
    return client.post(
        reverse("reports:annex_add", args=[report.pk]),
        {"file": SimpleUploadedFile(name, content, "application/pdf")},
    )


def submit(world):
    report = world["report"]
    report.refresh_from_db()
    return services.report_submit(
        report=report, user=world["head"], expected_version=report.version
    )


def test_the_unit_attaches_a_file_under_a_generated_name(client, world):
    client.force_login(world["head"])

    attach(client, world["report"], name="../../Danh sách <b>.pdf")

    annex = ReportAnnex.objects.get()
    assert annex.name == "Danh sách <b>.pdf"
    assert annex.file.name.startswith(f"annexes/{world['report'].pk}/")
    assert "Danh" not in annex.file.name
    page = client.get(world["report"].get_absolute_url()).content.decode()
    assert "Danh sách &lt;b&gt;.pdf" in page
    download = client.get(reverse("reports:annex", args=[annex.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]
    assert "Danh%20s%C3%A1ch%20%3Cb%3E.pdf" in download["Content-Disposition"]


def test_a_hostile_file_name_comes_out_whole_and_on_one_line(client, world):
    """Pasted from Word (a line break), decomposed Vietnamese, a control character, a
    right-to-left override, far too long: the name is cleaned and keeps its extension."""
    client.force_login(world["head"])
    given = "Danh\x0bsách " + unicodedata.normalize("NFD", "Nghị quyết") + "\x07\u202e" + "x" * 400
    attach(client, world["report"], name=given + ".pdf")

    name = ReportAnnex.objects.get().name
    assert len(name) <= 200 and name.endswith(".pdf")
    assert "sách Nghị quyết" in name  # composed again (NFC)
    assert not {"\n", "\x07", "\x0b", "\u202e"} & set(name)
    page = client.get(world["report"].get_absolute_url()).content.decode()
    assert "sách Nghị quyết" in page
    download = client.get(reverse("reports:annex", args=[ReportAnnex.objects.get().pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith(".pdf")


def _docx_without_word() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bien-ban.pdf", b"<html><script>alert(1)</script>"),
        ("bien-ban.docx", _docx_without_word()),
        ("chuong-trinh.exe", b"MZ\x90\x00"),
        ("anh.svg", b"<svg onload='alert(1)'/>"),
    ],
    ids=["html-as-pdf", "not-a-docx", "exe", "svg"],
)
def test_a_file_that_is_not_what_it_claims_is_refused(client, world, name, content):
    client.force_login(world["head"])

    response = attach(client, world["report"], name=name, content=content)

    assert response.status_code == 302
    assert not ReportAnnex.objects.exists()
    page = client.get(world["report"].get_absolute_url()).content.decode()
    assert "Không chấp nhận loại tệp này" in page or "Nội dung tệp không khớp" in page


def test_a_file_too_large_is_refused(client, world, settings):
    settings.EVIDENCE_MAX_BYTES = 10
    client.force_login(world["head"])

    attach(client, world["report"])

    assert not ReportAnnex.objects.exists()


def test_reviewers_read_annexes_once_submitted_and_outsiders_never(client, world):
    client.force_login(world["head"])
    attach(client, world["report"])
    annex = ReportAnnex.objects.get()
    url = reverse("reports:annex", args=[annex.pk])
    client.force_login(world["reviewer"])
    assert client.get(url).status_code == 404  # the unit's draft

    submit(world)

    assert client.get(url).status_code == 200
    version = world["report"].versions.get()
    assert list(version.annexes.all()) == [annex]
    for outsider in (world["outsider"], world["other_reviewer"]):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_a_version_keeps_its_annexes_after_a_return_and_a_new_file_stays_private(client, world):
    client.force_login(world["head"])
    attach(client, world["report"])
    first = ReportAnnex.objects.get()
    report = submit(world)
    services.report_return(report=report, user=world["reviewer"], comment="Bổ sung")
    client.post(reverse("reports:annex_remove", args=[first.pk]))
    attach(client, world["report"], name="moi.pdf")
    added = ReportAnnex.objects.get(name="moi.pdf")

    first.refresh_from_db()
    assert first.removed_at is not None
    assert "danh-sach.pdf" not in client.get(world["report"].get_absolute_url()).content.decode()
    client.force_login(world["reviewer"])
    assert client.get(reverse("reports:annex", args=[first.pk])).status_code == 200
    assert client.get(reverse("reports:annex", args=[added.pk])).status_code == 404
    version_page = client.get(
        reverse(
            "reports:version",
            kwargs={"unit_code": "du-baichay", "quarter": world["report"].quarter, "number": 1},
        )
    ).content.decode()
    assert "danh-sach.pdf" in version_page


def test_a_submitted_report_takes_no_annex(client, world):
    submit(world)
    client.force_login(world["head"])

    assert attach(client, world["report"]).status_code == 403
    assert not ReportAnnex.objects.exists()


def test_annexes_go_into_the_backup(client, world):
    client.force_login(world["head"])
    attach(client, world["report"])
    annex = ReportAnnex.objects.get()
    archive = world["tmp"] / "backup.tar.gz"

    call_command("backup", output=archive, stdout=io.StringIO(), stderr=io.StringIO())

    with tarfile.open(archive) as backup:
        assert f"media/{annex.file.name}" in backup.getnames()
        stored = backup.extractfile(f"media/{annex.file.name}")
        assert stored is not None and stored.read() == PDF
