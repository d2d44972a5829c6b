"""Every document also as PDF (issue 15): made by LibreOffice from the .docx, read back
here: its text, its A4 pages and its embedded fonts."""

import datetime
import io
import shutil
import subprocess
import sys
import time
import zipfile

import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from common.documents import pdf
from reports.models import UnitKind
from tests import factories as f
from tests.test_exports import committee_named_tinh_uy

pytestmark = pytest.mark.django_db

needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is installed by `make install`"
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world():
    committee_named_tinh_uy()
    commission = f.UnitFactory(kind=UnitKind.MASS_MOBILIZATION, name="Ban Dân vận Tỉnh ủy")
    f.DocumentIssuerFactory(
        unit=commission,
        symbol="BDVTU",
        signer_title="Trưởng ban",
        signer_name="Trần Thị Bình",
        kept_by="Văn phòng Ban",
    )
    f.tinh_uy_details()
    quarter = f.QuarterFactory(year=2024, number=1)
    meeting = f.MeetingFactory(quarter=quarter)
    f.DirectiveFactory(meeting=meeting, number=1, title="Nắm chắc tình hình nhân dân")
    return quarter, meeting


def _read(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('.pdf"')
    return PdfReader(io.BytesIO(response.content))


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _assert_a4_with_fonts_embedded(reader: PdfReader) -> None:
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
        fonts = page["/Resources"]["/Font"]
        for font in fonts.values():
            descriptor = font.get_object()["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font


@needs_libreoffice
def test_the_consolidated_report_as_pdf_reads_as_the_docx(client, world):
    quarter, _meeting = world
    client.force_login(f.reviewer())
    url = reverse("quarters:report_docx", args=[quarter.slug])
    reader = _read(client.get(url, {"number": "12", "format": "pdf"}))
    _assert_a4_with_fonts_embedded(reader)
    text = _text(reader)
    for line in (
        "TỈNH ỦY THỬ NGHIỆM",
        "BAN DÂN VẬN",
        "Số 12-BC/BDVTU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Quảng Ninh, ngày 31 tháng 3 năm 2024",
        "BÁO CÁO",
        "Tình hình nhân dân và công tác dân vận quý I/2024",
        "Nơi nhận:",
        "- Lưu Văn phòng Ban.",
        "TRƯỞNG BAN",
        "Trần Thị Bình",
    ):
        assert line in text, line


@needs_libreoffice
def test_the_conclusion_notice_as_pdf_is_the_tinh_uys(client, world):
    quarter, meeting = world
    client.force_login(f.reviewer())
    url = reverse("quarters:notice_docx", args=[quarter.slug, meeting.pk])
    reader = _read(client.get(url, {"date": "2024-03-18", "format": "pdf"}))
    _assert_a4_with_fonts_embedded(reader)
    text = _text(reader)
    for line in (
        "ĐẢNG BỘ TỈNH THỬ NGHIỆM",
        "TỈNH ỦY",
        "-TB/TU",
        "ngày 18 tháng 3 năm 2024",
        "THÔNG BÁO",
        "Nắm chắc tình hình nhân dân",
        "T/L BAN THƯỜNG VỤ",
        "CHÁNH VĂN PHÒNG",
        "Phạm Văn Phòng",
        "- Lưu Văn phòng Tỉnh ủy.",
    ):
        assert line in text, line
    assert "BAN DÂN VẬN" not in text


def test_a_document_converted_once_is_not_converted_again(client, world, monkeypatch):
    quarter, _meeting = world
    made = []

    def convert(docx: bytes) -> bytes:
        made.append(docx)
        return b"%PDF-1.4\n%%EOF\n"

    monkeypatch.setattr(pdf, "_convert", convert)
    client.force_login(f.reviewer())
    url = reverse("quarters:report_docx", args=[quarter.slug])
    for _ in range(2):
        assert client.get(url, {"format": "pdf"})["Content-Type"] == "application/pdf"
    assert len(made) == 1
    client.get(url, {"format": "pdf", "date": "2024-03-30"})  # another date, another document
    assert len(made) == 2


def test_without_libreoffice_the_reader_is_told_to_take_the_docx(client, world, settings):
    settings.LIBREOFFICE = "no-such-office-suite"
    quarter, meeting = world
    client.force_login(f.reviewer())
    for url, anchor in (
        (reverse("quarters:report_docx", args=[quarter.slug]), "#exports"),
        (reverse("quarters:notice_docx", args=[quarter.slug, meeting.pk]), "#meetings"),
    ):
        response = client.get(url, {"format": "pdf"}, follow=True)
        assert response.redirect_chain[-1][0].endswith(anchor)
        assert "Không tạo được tệp PDF" in response.content.decode()
        # The .docx is still there.
        assert client.get(url)["Content-Type"].startswith("application/vnd.openxml")


def test_a_conversion_that_hangs_is_stopped_with_every_process_it_started(settings, tmp_path):
    """A converter that never finishes is stopped after PDF_TIMEOUT_SECONDS, and so is
    what it started (soffice is a script that starts soffice.bin)."""
    marker = f"danvan-hanging-{tmp_path.name}"
    sleeper = tmp_path / "soffice"
    sleeper.write_text(
        f'#!/bin/sh\n{sys.executable} -c "import time; time.sleep(60)" {marker} &\nwait\n'
    )
    sleeper.chmod(0o755)
    settings.LIBREOFFICE = str(sleeper)
    settings.PDF_TIMEOUT_SECONDS = 1
    started = time.monotonic()
    with pytest.raises(pdf.PdfUnavailable):
        pdf.docx_to_pdf(b"not even a docx")
    assert time.monotonic() - started < 10
    time.sleep(0.2)
    left = subprocess.run(["pgrep", "-f", marker], capture_output=True, check=False)  # noqa: S603, S607
    assert left.stdout == b"", "the converter's children were left running"


def test_the_same_document_is_the_same_bytes_whenever_it_is_made(client, world, monkeypatch):
    """The PDF cache's key is the .docx's digest: no time of writing in its bytes."""
    quarter, _meeting = world
    client.force_login(f.reviewer())
    url = reverse("quarters:report_docx", args=[quarter.slug])
    first = client.get(url).content
    with zipfile.ZipFile(io.BytesIO(first)) as document:
        assert {entry.date_time[:3] for entry in document.infolist()} == {(2024, 3, 31)}
    later = datetime.datetime.now() + datetime.timedelta(hours=3)
    monkeypatch.setattr(zipfile.time, "time", lambda: later.timestamp())
    assert client.get(url).content == first


@needs_libreoffice
def test_the_briefing_pack_as_pdf_is_dated_by_its_meeting(client, world):
    _quarter, meeting = world
    client.force_login(f.reviewer())
    url = reverse("meetings:pack_docx", args=[meeting.pk])
    reader = _read(client.get(url, {"format": "pdf"}))
    _assert_a4_with_fonts_embedded(reader)
    text = _text(reader)
    held = meeting.held_on
    for line in (
        "BAN DÂN VẬN",
        "-BC/BDVTU",
        f"ngày {held.day:02d} tháng {held.month} năm {held.year}",
        f"Số liệu tính đến hết ngày {held:%d/%m/%Y}.",
        "Nắm chắc tình hình nhân dân",
        "Trần Thị Bình",
    ):
        assert line in text, line


@needs_libreoffice
def test_a_units_report_as_pdf_has_its_own_header(client, world):
    quarter, _meeting = world
    unit = f.UnitFactory(code="hnd", name="Hội Nông dân tỉnh", kind=UnitKind.MASS_ORG)
    f.DocumentIssuerFactory(unit=unit, symbol="HND", signer_title="Chủ tịch", kept_by="VP")
    f.UnitReportFactory(
        unit=unit, quarter=quarter, people_situation="Hội viên phấn khởi đón Tết Giáp Thìn."
    )
    client.force_login(f.member(unit, "head"))
    url = reverse("reports:document", args=[unit.code, quarter.slug])
    reader = _read(client.get(url, {"number": "3", "date": "2024-04-02", "format": "pdf"}))
    _assert_a4_with_fonts_embedded(reader)
    text = _text(reader)
    for line in (
        "HỘI NÔNG DÂN TỈNH",
        "Số: 3/BC-HND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ngày 02 tháng 4 năm 2024",
        "DỰ THẢO",
        "I. TÌNH HÌNH NHÂN DÂN",
        "Hội viên phấn khởi đón Tết Giáp Thìn.",
        "- Lưu: VT, VP.",
        "CHỦ TỊCH",
    ):
        assert line in text, line
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in text
