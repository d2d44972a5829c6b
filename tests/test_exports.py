"""The quarter's documents: the consolidated report and the conclusion notice
(.docx) in the Party's style, the indicator table and the directive register
(.xlsx) with real numbers, each respecting who may see what."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document
from docx.shared import Mm, Pt
from openpyxl import load_workbook

from directives.models import AssignmentRole, Confidentiality
from reports.exports import date_line, document_number, number_line, vn_number
from tests import factories as f
from tests.test_quarters import build_province

pytestmark = pytest.mark.django_db

XML_PAGE_FIELD = "PAGE"


def _docx(response) -> Document:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "attachment" in response["Content-Disposition"]
    return Document(io.BytesIO(response.content))


def _xlsx(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _paragraphs(doc) -> list:
    """Every paragraph of the body and of its tables, in order."""
    found = list(doc.paragraphs)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                found += cell.paragraphs
    return found


def _find(doc, text: str):
    return next(p for p in _paragraphs(doc) if p.text.strip() == text)


def _text(doc) -> str:
    return "\n".join(p.text for p in _paragraphs(doc))


@pytest.fixture
def province():
    return build_province(units=4, indicators=3, quarters=5)


# --- helpers ---------------------------------------------------------------


def test_numbers_dates_and_document_numbers_read_the_vietnamese_way():
    assert vn_number(None) == ""
    assert vn_number(1234567) == "1.234.567"
    assert vn_number(__import__("decimal").Decimal("82.50")) == "82,5"
    assert date_line("Quảng Ninh", datetime.date(2026, 11, 25)) == (
        "Quảng Ninh, ngày 25 tháng 11 năm 2026"
    )
    assert date_line("Quảng Ninh", datetime.date(2024, 2, 5)) == (
        "Quảng Ninh, ngày 05 tháng 02 năm 2024"
    )
    assert document_number("") == ""
    assert document_number(" 12 ") == "12"
    assert document_number("12a") is None
    assert document_number("-3") is None
    assert number_line("12", "BC", "BDVTU") == "Số 12-BC/BDVTU"
    assert ":" not in number_line("", "BC", "BDVTU")


# --- the consolidated report -----------------------------------------------


def test_the_report_follows_the_party_document_style(client, province, settings):
    settings.DOCUMENT_PARTY_COMMITTEE = "ĐẢNG BỘ TỈNH THỬ NGHIỆM"
    settings.DOCUMENT_ISSUER = "Ban Dân vận"
    settings.DOCUMENT_ISSUER_CODE = "BDVTN"
    settings.DOCUMENT_PLACE = "Hạ Long"
    quarter, _units, _indicators = province
    client.force_login(f.reviewer())
    doc = _docx(client.get(reverse("quarters:report_docx", args=[quarter.slug])))

    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1)
    assert abs(section.page_height - Mm(297)) < Mm(1)
    assert abs(section.left_margin - Mm(30)) < Mm(1)
    assert abs(section.right_margin - Mm(15)) < Mm(1)
    assert abs(section.top_margin - Mm(20)) < Mm(1)
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.styles["Normal"].font.size == Pt(14)

    committee = _find(doc, "ĐẢNG BỘ TỈNH THỬ NGHIỆM")
    assert committee.runs[0].font.size == Pt(14)
    issuer = _find(doc, "BAN DÂN VẬN")
    assert issuer.runs[0].bold and issuer.runs[0].font.size == Pt(14)
    _find(doc, "*")
    party = _find(doc, "ĐẢNG CỘNG SẢN VIỆT NAM")
    run = party.runs[0]
    assert run.bold and run.underline and run.font.size == Pt(15)
    number = next(p for p in _paragraphs(doc) if p.text.startswith("Số"))
    assert number.text.endswith("-BC/BDVTN")
    assert ":" not in number.text
    date = next(p for p in _paragraphs(doc) if p.text.startswith("Hạ Long, ngày"))
    assert all(run.italic for run in date.runs)
    title = _find(doc, "BÁO CÁO")
    assert title.runs[0].bold
    _find(doc, "Tình hình nhân dân và công tác dân vận quý II/2024")
    assert all(run.font.name == "Times New Roman" for p in _paragraphs(doc) for run in p.runs)
    for heading in ("I. TÌNH HÌNH NHÂN DÂN", "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "VI. MỘT SỐ"):
        assert any(p.text.startswith(heading) for p in doc.paragraphs)
    header_xml = section.header._element.xml
    assert XML_PAGE_FIELD in header_xml and "fldChar" in header_xml
    # The header blocks sit in a two-column table without borders.
    assert len(doc.tables[0].columns) == 2
    assert 'w:val="nil"' in doc.tables[0]._tbl.xml


def test_the_report_compiles_each_units_text_and_the_indicator_table(client, province):
    quarter, units, _indicators = province
    report = units[2].reports.get(quarter=quarter)
    report.results = "Tổ chức 12 buổi tuyên truyền."
    report.save()
    client.force_login(f.leader())
    doc = _docx(client.get(reverse("quarters:report_docx", args=[quarter.slug])))
    text = _text(doc)
    assert "Tổ chức 12 buổi tuyên truyền." in text
    for unit in units:
        assert unit.name in text
    table = doc.tables[1]
    headers = [cell.text for cell in table.rows[0].cells]
    assert headers[:4] == ["TT", "Chỉ tiêu", "Đơn vị tính", "Quý II/2024"]
    assert "6 tháng 2024" in headers
    # Indicator 1 (a flow of value 2 per unit): 4 units → 8; 6 months → 16.
    row = table.rows[2]
    assert row.cells[3].text == "8"
    assert row.cells[-1].text == "16"


def test_a_number_given_on_the_form_is_printed_and_a_bad_one_is_refused(client, province):
    quarter, *_ = province
    client.force_login(f.reviewer())
    url = reverse("quarters:report_docx", args=[quarter.slug])
    doc = _docx(client.get(url, {"number": "12"}))
    assert any(p.text == "Số 12-BC/BDVTU" for p in _paragraphs(doc))
    response = client.get(url, {"number": "12abc"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith(
        reverse("quarters:detail", args=[quarter.slug]) + "#exports"
    )
    assert list(response.context["messages"])


def test_a_quarter_without_reports_still_exports(client):
    quarter = f.QuarterFactory(year=2025, number=3)
    f.UnitFactory()
    f.IndicatorFactory(code="EMPTY")
    client.force_login(f.reviewer())
    doc = _docx(client.get(reverse("quarters:report_docx", args=[quarter.slug])))
    assert "0/1 đơn vị đã gửi báo cáo" in _text(doc)
    book = _xlsx(client.get(reverse("quarters:indicators_xlsx", args=[quarter.slug])))
    row = next(book["Toàn tỉnh"].iter_rows(min_row=2, values_only=True))
    assert row[0] == "EMPTY"
    assert row[6] is None  # empty, not zero
    _xlsx(client.get(reverse("quarters:directives_xlsx", args=[quarter.slug])))


def test_a_unit_users_report_contains_only_their_unit(client, province):
    quarter, units, _indicators = province
    client.force_login(f.member(units[0]))
    doc = _docx(client.get(reverse("quarters:report_docx", args=[quarter.slug])))
    text = _text(doc)
    assert units[0].name in text
    assert all(unit.name not in text for unit in units[1:])


# --- the indicator spreadsheet ---------------------------------------------


def test_the_indicator_workbook_holds_real_numbers_that_sum(client, province):
    quarter, units, _indicators = province
    client.force_login(f.reviewer())
    book = _xlsx(client.get(reverse("quarters:indicators_xlsx", args=[quarter.slug])))
    assert book.sheetnames == ["Toàn tỉnh", "Theo loại đơn vị", "Theo đơn vị"]
    province_sheet, kind_sheet, unit_sheet = (book[name] for name in book.sheetnames)
    for sheet in (province_sheet, kind_sheet, unit_sheet):
        assert sheet.freeze_panes is not None and sheet.freeze_panes.endswith("2")
    headers = [cell.value for cell in province_sheet[1]]
    assert headers[:3] == ["Mã", "Chỉ tiêu", "Đơn vị tính"]
    current_col = headers.index("Quý II/2024")
    ytd_col = headers.index("6 tháng 2024")
    rows = {row[0]: row for row in province_sheet.iter_rows(min_row=2, values_only=True)}
    flow = rows["IND1"]
    assert isinstance(flow[current_col], int | float)
    assert flow[current_col] == 8
    assert flow[ytd_col] == 16
    assert province_sheet.cell(row=2, column=current_col + 1).number_format == "#,##0.##"

    unit_headers = [cell.value for cell in unit_sheet[1]]
    unit_current = unit_headers.index("Quý II/2024")
    per_unit = [
        row[unit_current]
        for row in unit_sheet.iter_rows(min_row=2, values_only=True)
        if row[2] == "IND1"
    ]
    assert len(per_unit) == len(units)
    assert sum(per_unit) == flow[current_col]

    kind_headers = [cell.value for cell in kind_sheet[1]]
    kind_current = kind_headers.index("Quý II/2024")
    by_kind = [
        row[kind_current]
        for row in kind_sheet.iter_rows(min_row=2, values_only=True)
        if row[1] == "IND1"
    ]
    assert sum(by_kind) == flow[current_col]


def test_a_unit_users_workbook_contains_only_their_unit(client, province):
    quarter, units, _indicators = province
    client.force_login(f.member(units[1]))
    book = _xlsx(client.get(reverse("quarters:indicators_xlsx", args=[quarter.slug])))
    names = {row[0] for row in book["Theo đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert names == {units[1].name}


@pytest.mark.parametrize(("units", "indicators", "quarters"), [(3, 3, 2), (40, 25, 8)])
def test_exports_run_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, units, indicators, quarters
):
    quarter, *_ = build_province(units=units, indicators=indicators, quarters=quarters)
    client.force_login(f.reviewer())
    for name in ("report_docx", "indicators_xlsx", "directives_xlsx"):
        with django_assert_max_num_queries(15):
            assert client.get(reverse(f"quarters:{name}", args=[quarter.slug])).status_code == 200


# --- the directive register and the conclusion notice ----------------------


@pytest.fixture
def meeting():
    quarter = f.QuarterFactory(year=2024, number=1)
    meeting = f.MeetingFactory(
        quarter=quarter,
        title="Hội nghị giao ban công tác dân vận quý I/2024",
        chair_name="Vũ Đại Thắng",
        chair_positions="Bí thư Tỉnh ủy",
        basis="Quyết định số 461-QĐ/TU ngày 14/12/2021",
    )
    front = f.UnitFactory(code="mttq", name="Ủy ban MTTQ tỉnh", short_name="MTTQ tỉnh")
    police = f.UnitFactory(code="congan", name="Công an tỉnh")
    normal = f.DirectiveFactory(
        meeting=meeting,
        number=1,
        title="Nắm chắc tình hình nhân dân",
        due_date=None,
        is_ongoing=True,
    )
    f.AssignmentFactory(directive=normal, unit=front, role=AssignmentRole.LEAD)
    f.AssignmentFactory(directive=normal, unit=police, role=AssignmentRole.SUPPORT)
    secret = f.DirectiveFactory(
        meeting=meeting,
        number=2,
        title="Xử lý điểm nóng",
        confidentiality=Confidentiality.CONFIDENTIAL,
        due_date=datetime.date(2024, 6, 30),
    )
    f.AssignmentFactory(directive=secret, unit=police, role=AssignmentRole.LEAD)
    return {"quarter": quarter, "meeting": meeting, "front": front, "police": police}


def test_the_register_lists_directives_with_derived_statuses(client, meeting):
    client.force_login(f.reviewer())
    book = _xlsx(client.get(reverse("quarters:directives_xlsx", args=[meeting["quarter"].slug])))
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "C2"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[2] for row in rows] == ["Nắm chắc tình hình nhân dân", "Xử lý điểm nóng"]
    first, second = rows
    assert first[4] == "MTTQ tỉnh" and first[5] == "Công an tỉnh"
    assert first[6] == "Thường xuyên"
    assert isinstance(second[6], datetime.datetime | datetime.date)
    assert first[7] in {"Chưa triển khai", "Thường xuyên, chưa cập nhật"}
    assert second[7] in {"Chưa triển khai", "Quá hạn"}
    assert second[9] == "x"


def test_a_confidential_directive_stays_out_of_other_units_exports(client, meeting):
    quarter = meeting["quarter"]
    client.force_login(f.member(meeting["front"]))
    book = _xlsx(client.get(reverse("quarters:directives_xlsx", args=[quarter.slug])))
    titles = [row[2] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert titles == ["Nắm chắc tình hình nhân dân"]
    url = reverse("quarters:notice_docx", args=[quarter.slug, meeting["meeting"].pk])
    text = _text(_docx(client.get(url)))
    assert "Nắm chắc tình hình nhân dân" in text
    assert "Xử lý điểm nóng" not in text

    client.force_login(f.member(meeting["police"]))
    text = _text(_docx(client.get(url)))
    assert "Xử lý điểm nóng" in text


def test_the_conclusion_notice_is_a_labelled_draft_listing_the_new_directives(client, meeting):
    quarter = meeting["quarter"]
    client.force_login(f.reviewer())
    url = reverse("quarters:notice_docx", args=[quarter.slug, meeting["meeting"].pk])
    doc = _docx(client.get(url))
    assert _find(doc, "DỰ THẢO").runs[0].bold
    assert _find(doc, "THÔNG BÁO").runs[0].bold
    assert any(p.text == "Số     -TB/TU" for p in _paragraphs(doc))
    _find(doc, "ĐẢNG CỘNG SẢN VIỆT NAM")
    text = _text(doc)
    assert "Vũ Đại Thắng" in text
    assert "Quyết định số 461-QĐ/TU ngày 14/12/2021" in text
    assert "Đơn vị chủ trì: MTTQ tỉnh; đơn vị phối hợp: Công an tỉnh; thời hạn: Thường xuyên." in (
        text
    )
    assert "thời hạn: 30/06/2024" in text
    other_quarter = f.QuarterFactory(year=2023, number=4)
    assert (
        client.get(
            reverse("quarters:notice_docx", args=[other_quarter.slug, meeting["meeting"].pk])
        ).status_code
        == 404
    )
