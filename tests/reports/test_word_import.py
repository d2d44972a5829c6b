"""A unit's Word report read into its report's sections (issue 16, part 4): found by
their headings however they are worded and numbered, previewed, put in the form
unsaved; anything that is not a readable .docx refused with a clear message."""

import datetime
import io
import unicodedata
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from docx.shared import Pt

from reports import services
from reports.models import ReportStatus, UnitReport
from reports.word_import import read_report, section_of_heading
from tests import factories as f

PEOPLE = "Tình hình nhân dân ổn định, tin tưởng vào sự lãnh đạo của Đảng."
RESULTS = "Tổ chức 48 buổi tuyên truyền cho 4.837 lượt người."
RESULTS_MORE = "Xây dựng 12 mô hình “Dân vận khéo”."
SHORT = "Việc nắm tình hình nhân dân có lúc chưa kịp thời."
PLAN = "Tiếp tục thực hiện chương trình công tác năm."
ASK = "Đề nghị Ban Dân vận Tỉnh ủy mở lớp tập huấn."


def _docx(build) -> bytes:
    document = Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _bold(document, text: str, size: int = 13):
    run = document.add_paragraph().add_run(text)
    run.bold = True
    run.font.size = Pt(size)


def _letterhead(document):
    _bold(document, "ĐẢNG BỘ TỈNH QUẢNG NINH")
    document.add_paragraph("ĐẢNG ỦY PHƯỜNG BÃI CHÁY")
    document.add_paragraph("Bãi Cháy, ngày 05 tháng 11 năm 2026")
    _bold(document, "BÁO CÁO")
    _bold(document, "Kết quả công tác dân vận quý IV năm 2026")  # the title, not a section
    document.add_paragraph("Thực hiện hướng dẫn của Ban Dân vận Tỉnh ủy, Đảng ủy báo cáo như sau:")


def usual(document):
    """Roman numerals in capitals, bold, with a table and a signature."""
    _letterhead(document)
    _bold(document, "I. TÌNH HÌNH NHÂN DÂN")
    document.add_paragraph(PEOPLE)
    _bold(document, "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ")
    document.add_paragraph(RESULTS)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Chỉ tiêu", "Số lượng"
    table.cell(1, 0).text, table.cell(1, 1).text = "Buổi tuyên truyền", "48"
    document.add_paragraph(RESULTS_MORE)
    _bold(document, "III. HẠN CHẾ, NGUYÊN NHÂN")
    document.add_paragraph(SHORT)
    _bold(document, "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ QUÝ TỚI")
    document.add_paragraph(PLAN)
    _bold(document, "V. KIẾN NGHỊ, ĐỀ XUẤT")
    document.add_paragraph(ASK)


def worded_otherwise(document):
    """Other words, other numbering, headings by style or capitals or not bold at all."""
    _letterhead(document)
    document.add_paragraph("1. Tình hình tư tưởng, tâm trạng nhân dân")
    document.add_paragraph(PEOPLE)
    document.add_heading("Kết quả công tác dân vận", level=2)
    document.add_paragraph(RESULTS)
    _bold(document, "Những hạn chế, tồn tại")
    document.add_paragraph(SHORT)
    document.add_paragraph("NHIỆM VỤ TRỌNG TÂM QUÝ I NĂM 2027")
    document.add_paragraph(PLAN)
    document.add_paragraph("Phần 5: Đề xuất")
    document.add_paragraph(ASK)


def nested(document):
    """A chapter heading over numbered sections, with sub-headings inside them."""
    _letterhead(document)
    _bold(document, "I. KẾT QUẢ THỰC HIỆN CÔNG TÁC DÂN VẬN")
    _bold(document, "1. Tình hình nhân dân")
    document.add_paragraph(PEOPLE)
    _bold(document, "2. Kết quả thực hiện nhiệm vụ")
    _bold(document, "a) Kết quả tuyên truyền")
    document.add_paragraph(RESULTS)
    _bold(document, "b) Kết quả xây dựng mô hình")
    document.add_paragraph(RESULTS_MORE)
    _bold(document, "II. MỘT SỐ HẠN CHẾ")
    document.add_paragraph(SHORT)
    _bold(document, "III. PHƯƠNG HƯỚNG QUÝ TỚI")
    document.add_paragraph(PLAN)


def decomposed(document):
    """Typed on a machine that writes Vietnamese decomposed (NFD), with Word's soft breaks."""
    nfd = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731
    _bold(document, nfd("I. Tình hình nhân dân"))
    paragraph = document.add_paragraph(nfd(PEOPLE))
    paragraph.add_run().add_break()  # Shift+Enter
    paragraph.add_run("Dòng thứ hai.")
    _bold(document, nfd("II. Kết quả thực hiện nhiệm vụ"))
    document.add_paragraph(nfd(RESULTS))


def read(build):
    return read_report(io.BytesIO(_docx(build)))


def test_the_usual_report_fills_all_five_sections():
    imported = read(usual)

    assert imported.sections == {
        "people_situation": PEOPLE,
        "results": f"{RESULTS}\n{RESULTS_MORE}",  # the table left out
        "shortcomings": SHORT,
        "next_plan": PLAN,
        "recommendations": ASK,
    }
    assert imported.headings["results"] == "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ"


def test_headings_worded_and_numbered_otherwise_are_found():
    imported = read(worded_otherwise)

    assert imported.sections == {
        "people_situation": PEOPLE,
        "results": RESULTS,
        "shortcomings": SHORT,
        "next_plan": PLAN,
        "recommendations": ASK,
    }


def test_a_chapter_heading_and_sub_headings_go_where_a_reader_puts_them():
    imported = read(nested)

    assert imported.sections["people_situation"] == PEOPLE
    assert imported.sections["results"] == "\n".join(
        ["a) Kết quả tuyên truyền", RESULTS, "b) Kết quả xây dựng mô hình", RESULTS_MORE]
    )
    assert imported.sections["shortcomings"] == SHORT
    assert imported.sections["next_plan"] == PLAN
    assert "recommendations" not in imported.sections


def test_decomposed_text_and_soft_breaks_come_out_composed_on_lines():
    imported = read(decomposed)

    assert imported.sections["people_situation"] == f"{PEOPLE}\nDòng thứ hai."
    assert imported.sections["results"] == RESULTS


@pytest.mark.parametrize(
    ("heading", "section"),
    [
        ("II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "results"),
        ("2.1. Kết quả", "results"),
        ("- Hạn chế", "shortcomings"),
        ("Mục 4 – Phương hướng", "next_plan"),
        ("V. KIẾN NGHỊ, ĐỀ XUẤT", "recommendations"),
        ("Nhiệm vụ tuyên truyền", None),  # a task, not the next quarter's tasks
        ("Ban Dân vận", None),
    ],
)
def test_section_of_heading(heading, section):
    assert section_of_heading(heading) == section


# --- Through the pages ---------------------------------------------------------------


@pytest.fixture
def world(db):
    unit = f.UnitFactory(code="du-baichay", name="Đảng ủy phường Bãi Cháy")
    quarter = f.QuarterFactory(year=2026, number=4, due_date=datetime.date(2030, 1, 10))
    return {
        "unit": unit,
        "quarter": quarter,
        "head": f.member(unit, role="head", user__username="bc-head"),
        "reporter": f.member(unit, user__username="bc-reporter"),
        "reviewer": f.reviewer(username="reviewer"),
        "other": f.member(f.UnitFactory(code="khac"), user__username="khac-reporter"),
    }


def _url(world, name: str = "reports:import_word") -> str:
    return reverse(name, kwargs={"unit_code": "du-baichay", "quarter": world["quarter"]})


def _upload(content: bytes, name: str = "bao-cao.docx"):
    return {"document": SimpleUploadedFile(name, content, "application/octet-stream")}


def test_the_reporter_uploads_sees_the_sections_and_saves_them(client, world):
    client.force_login(world["reporter"])
    report_url = _url(world, "reports:report")
    assert f'href="{_url(world)}"' in client.get(report_url).content.decode()

    preview = client.post(_url(world), _upload(_docx(usual)))

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "tìm thấy dưới “II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ”" in page
    assert RESULTS_MORE in page
    assert not UnitReport.objects.exists()  # nothing saved by reading

    form_page = client.get(report_url + "?from_word=1").content.decode()
    assert "5 phần dưới đây lấy từ “bao-cao.docx”" in form_page
    assert f">{ASK}</textarea>" in form_page

    data = {"version": "0", "people_situation": PEOPLE, "results": RESULTS}
    data |= {"shortcomings": SHORT, "next_plan": PLAN, "recommendations": ASK}
    assert client.post(report_url, data).status_code == 302
    report = UnitReport.objects.get()
    assert report.recommendations == ASK
    # Used: the form opens on the report as saved.
    assert "lấy từ “bao-cao.docx”" not in client.get(report_url + "?from_word=1").content.decode()


def test_sections_the_file_lacks_keep_what_the_report_has(client, world):
    report, _ = services.report_get_or_create_draft(
        unit=world["unit"], quarter=world["quarter"], user=world["head"]
    )
    services.report_save_draft(
        report=report,
        user=world["head"],
        data={"recommendations": "Kiến nghị đã viết."},
        values={},
        expected_version=report.version,
    )
    client.force_login(world["head"])

    client.post(_url(world), _upload(_docx(nested)))
    page = client.get(_url(world, "reports:report") + "?from_word=1").content.decode()

    assert ">Kiến nghị đã viết.</textarea>" in page
    assert f"{PLAN}</textarea>" in page


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bao-cao.docx", b"%PDF-1.4 not a zip", "Nội dung tệp không khớp với đuôi tệp (.docx)"),
        (
            "bao-cao.docx",
            _zip({"xl/workbook.xml": b"<x/>"}),
            "Nội dung tệp không khớp với đuôi tệp",
        ),
        ("bao-cao.docx", _zip({"word/other.xml": b"<x/>"}), "Không đọc được tệp Word này"),
        ("bao-cao.doc", b"\xd0\xcf\x11\xe0", "Hãy chọn tệp Word (.docx)"),
        ("bao-cao.docx", _docx(lambda d: d.add_paragraph("Chỉ một dòng.")), "Không tìm thấy"),
    ],
    # Named, not shown: the archives' bytes carry the time they were made, and
    # pytest-xdist's workers must collect the same test names.
    ids=["a-pdf", "a-workbook", "no-document", "a-doc", "no-heading"],
)
def test_what_is_not_a_readable_report_is_refused_with_a_clear_message(
    client, world, name, content, message
):
    client.force_login(world["reporter"])

    response = client.post(_url(world), _upload(content, name))

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_zip_bomb_is_refused_from_its_listing(client, world, settings):
    settings.OFFICE_MAX_UNPACKED_BYTES = 1024 * 1024
    bomb = _zip({"word/document.xml": b"<w/>", "word/media/zeros.bin": bytes(2 * 1024 * 1024)})
    assert len(bomb) < 10_000
    client.force_login(world["reporter"])

    response = client.post(_url(world), _upload(bomb))

    assert response.status_code == 400
    assert "giải nén ra hơn 1,0" in response.content.decode()


def test_only_who_may_write_the_report_may_fill_it(client, world):
    for user, status in (
        (world["reviewer"], 404),
        (world["other"], 404),
        (world["reporter"], 200),
    ):
        client.force_login(user)
        assert client.get(_url(world)).status_code == status, user
    client.logout()
    assert client.get(_url(world)).status_code == 302  # to sign in


def test_a_submitted_report_cannot_be_filled(client, world):
    report, _ = services.report_get_or_create_draft(
        unit=world["unit"], quarter=world["quarter"], user=world["head"]
    )
    report = services.report_save_draft(
        report=report,
        user=world["head"],
        data={"people_situation": PEOPLE, "results": RESULTS, "shortcomings": SHORT},
        values={},
        expected_version=report.version,
    )
    report = services.report_save_draft(
        report=report,
        user=world["head"],
        data={"next_plan": PLAN},
        values={},
        expected_version=report.version,
    )
    services.report_submit(report=report, user=world["head"], expected_version=report.version)
    assert UnitReport.objects.get().status == ReportStatus.SUBMITTED
    client.force_login(world["head"])

    assert client.get(_url(world)).status_code == 403
    assert client.post(_url(world), _upload(_docx(usual))).status_code == 403
    assert UnitReport.objects.get().recommendations == ""  # nothing of the file got in


def test_a_damaged_archive_is_refused_not_a_server_error(client, world):
    content = bytearray(_docx(usual))
    start = content.index(b"word/document.xml") + 200
    content[start : start + 400] = bytes(400)  # corrupt compressed data
    client.force_login(world["reporter"])

    response = client.post(_url(world), _upload(bytes(content)))

    assert response.status_code == 400


def test_a_section_longer_than_allowed_is_cut_and_said_so(client, world):
    def long(document):
        _bold(document, "I. TÌNH HÌNH NHÂN DÂN")
        for _ in range(600):
            document.add_paragraph(PEOPLE)

    client.force_login(world["reporter"])

    page = client.post(_url(world), _upload(_docx(long))).content.decode()

    assert "chỉ lấy phần đầu" in page
    stored = client.session[f"word-import:{world['unit'].pk}:{world['quarter'].pk}"]
    assert len(stored["sections"]["people_situation"]) == 20_000
