"""The quarter's documents: the consolidated report and the conclusion notice
(.docx) in the Party's style, the indicator table and the directive register
(.xlsx) with real numbers, each respecting who may see what."""

import dataclasses
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from openpyxl import load_workbook

from common.documents.docx import (
    Issuer,
    date_line,
    document_number,
    document_symbol,
    number_line,
    paragraph,
    party_document,
    vn_number,
)
from common.documents.xlsx import HEADER_ROW
from directives.models import AssignmentRole, Confidentiality, Directive
from reports import aggregation
from reports.aggregation import EVERY_UNIT, quarter_narrative, report_narrative
from reports.documents import consolidated_report_docx
from reports.issuers import UNDECLARED
from reports.models import (
    FILED_STATUSES,
    Aggregation,
    IndicatorValue,
    ReportStatus,
    UnitKind,
    UnitLevel,
)
from structure.services import Decision, rename_unit
from tests import factories as f
from tests.downloads import docx_of, xlsx_of
from tests.test_quarters import build_province

pytestmark = pytest.mark.django_db

XML_PAGE_FIELD = "PAGE"


def _docx(response) -> Document:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "attachment" in response["Content-Disposition"]
    return docx_of(response)


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
    party = Issuer("TỈNH ỦY", "BAN DÂN VẬN", "BDVTU", "Quảng Ninh", (), "", (), "")
    assert number_line(party, "12", "BC") == "Số 12-BC/BDVTU"
    assert ":" not in number_line(party, "", "BC")
    assert document_symbol(party, "45", "TB") == "45-TB/BDVTU"
    state = dataclasses.replace(party, symbol="HND", party=False)
    assert number_line(state, "12", "BC") == "Số: 12/BC-HND"
    assert document_symbol(state, "", "BC") == "    /BC-HND"


# --- the consolidated report -----------------------------------------------


def test_the_commission_issues_the_report_by_the_name_it_carried_in_the_quarter(client):
    """Issue 14: renamed Ban Tuyên giáo và Dân vận from 01/03/2025, the commission
    issues the reports of 2025 by its new name and keeps its old one on those of 2024,
    under its committee's name; so does its own staff's download (issue 15: one issuer)."""
    committee_named_tinh_uy()
    commission = f.UnitFactory(kind=UnitKind.MASS_MOBILIZATION, name="Ban Dân vận Tỉnh ủy")
    f.DocumentIssuerFactory(unit=commission, symbol="BDVTU")
    rename_unit(
        unit=commission,
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy",
        short_name="",
        decision=Decision("01-QĐ/TU", datetime.date(2025, 2, 20), datetime.date(2025, 3, 1)),
        user=None,
    )
    f.DocumentIssuerFactory(unit=commission, valid_from=datetime.date(2025, 3, 1), symbol="BTGDVTU")
    client.force_login(f.reviewer())

    def header(year: int, number: int) -> tuple[str, str, str]:
        quarter = f.QuarterFactory(year=year, number=number)
        doc = _docx(client.get(reverse("quarters:report_docx", args=[quarter.slug])))
        left = doc.tables[0].cell(0, 0).paragraphs
        return left[0].text, left[1].text, left[3].text

    assert header(2024, 4) == ("TỈNH ỦY THỬ NGHIỆM", "BAN DÂN VẬN", "Số     -BC/BDVTU")
    assert header(2025, 1) == (
        "TỈNH ỦY THỬ NGHIỆM",
        "BAN TUYÊN GIÁO VÀ DÂN VẬN",
        "Số     -BC/BTGDVTU",
    )
    client.force_login(f.member(commission, role="head"))
    assert header(2025, 2)[1] == "BAN TUYÊN GIÁO VÀ DÂN VẬN"


def committee_named_tinh_uy() -> None:
    """The test province's root named as a Tỉnh ủy: its short name is what the names
    of its commissions end with ("Ban Dân vận Tỉnh ủy")."""
    root = f.root_unit()
    root.name = "Tỉnh ủy Thử Nghiệm"
    root.short_name = "Tỉnh ủy"
    root.save()


@pytest.fixture
def issuing(province):
    """The province's commission, under a root named as a Tỉnh ủy, with its details."""
    committee_named_tinh_uy()
    commission = f.UnitFactory(kind=UnitKind.MASS_MOBILIZATION, name="Ban Dân vận Tỉnh ủy")
    return f.DocumentIssuerFactory(
        unit=commission,
        symbol="BDVTN",
        place="Hạ Long",
        signer_capacity="K/T",
        signer_for="Trưởng ban",
        signer_title="Phó Trưởng ban",
        signer_name="Lê Thị Ký",
        recipients="Thường trực Tỉnh ủy (để b/c);\n- Các đơn vị khối dân vận,\n\n",
        kept_by="Văn phòng Ban",
    )


def test_the_report_follows_the_party_document_style(client, province, issuing):
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

    committee = _find(doc, "TỈNH ỦY THỬ NGHIỆM")
    assert committee.runs[0].font.size == Pt(14) and not committee.runs[0].bold
    issuer = _find(doc, "BAN DÂN VẬN")
    assert issuer.runs[0].bold and issuer.runs[0].font.size == Pt(14)
    _find(doc, "*")
    party = _find(doc, "ĐẢNG CỘNG SẢN VIỆT NAM")
    run = party.runs[0]
    assert run.bold and run.underline and run.font.size == Pt(15)
    number = next(p for p in _paragraphs(doc) if p.text.startswith("Số"))
    assert number.text.endswith("-BC/BDVTN")
    assert ":" not in number.text
    # Dated by the document: the quarter's last day, not the day of the download.
    date = _find(doc, "Hạ Long, ngày 30 tháng 6 năm 2024")
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
    assert_signed_and_sent_by(
        doc,
        signer=["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"],
        name="Lê Thị Ký",
        recipients=[
            "- Thường trực Tỉnh ủy (để b/c),",
            "- Các đơn vị khối dân vận,",
            "- Lưu Văn phòng Ban.",
        ],
    )
    assert_vietnamese_and_issued_by(doc, "Ban Dân vận Tỉnh ủy", datetime.date(2024, 6, 30))


def assert_signed_and_sent_by(doc, *, signer: list[str], name: str, recipients: list[str]):
    """The last table: "Nơi nhận:" (14, underlined, upright) and the recipients (12) on
    the left; the signer's capacity and title in bold capitals and the name on the right."""
    table = next(t for t in doc.tables if t.cell(0, 0).paragraphs[0].text == "Nơi nhận:")
    left, right = table.rows[0].cells
    heading, *listed = [p for p in left.paragraphs if p.text]
    assert heading.text == "Nơi nhận:"
    run = heading.runs[0]
    assert run.underline and not run.bold and not run.italic and run.font.size == Pt(14)
    assert [p.text for p in listed] == recipients
    assert all(p.runs[0].font.size == Pt(12) for p in listed)
    signed = [p for p in right.paragraphs if p.text]
    assert [p.text for p in signed] == [*signer, name]
    assert all(p.runs[0].bold and p.runs[0].font.size == Pt(14) for p in signed)


def assert_vietnamese_and_issued_by(doc, author: str, day: datetime.date) -> None:
    """Marked Vietnamese for spelling checkers; the file's properties name the issuer
    and the document's date, not python-docx."""
    languages = {lang.get(qn("w:val")) for lang in doc.styles.element.iter(qn("w:lang"))}
    assert languages == {"vi-VN"}
    properties = doc.core_properties
    assert properties.author == properties.last_modified_by == author
    assert properties.created.date() == properties.modified.date() == day
    assert properties.language == "vi-VN"
    assert "python-docx" not in f"{properties.title}{properties.comments}{properties.keywords}"


def test_the_report_carries_the_date_chosen_and_refuses_one_that_is_not(client, province, issuing):
    quarter, _units, _indicators = province
    client.force_login(f.reviewer())
    url = reverse("quarters:report_docx", args=[quarter.slug])
    for typed in ("2024-07-05", "05/07/2024"):
        doc = _docx(client.get(url, {"date": typed, "number": "12"}))
        _find(doc, "Hạ Long, ngày 05 tháng 7 năm 2024")
        _find(doc, "Số 12-BC/BDVTN")
    for typed in ("2024-02-30", "0001-01-01", "hôm qua", "2101-01-01"):
        response = client.get(url, {"date": typed}, follow=True)
        assert response.redirect_chain[-1][0].endswith("#exports")
        assert "ngày của văn bản" in response.content.decode().lower()


def test_a_unit_without_issuer_details_gets_room_to_write_them_by_hand(client, province):
    quarter, _units, _indicators = province
    committee_named_tinh_uy()
    f.UnitFactory(kind=UnitKind.MASS_MOBILIZATION, name="Ban Dân vận Tỉnh ủy")
    client.force_login(f.reviewer())
    doc = _docx(client.get(reverse("quarters:report_docx", args=[quarter.slug])))
    _find(doc, "BAN DÂN VẬN")
    _find(doc, "Số     -BC/…………")
    _find(doc, "…………, ngày 30 tháng 6 năm 2024")


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
    assert "Quý này có" not in text  # a province's report is not abridged
    completeness = doc.tables[1]
    assert [cell.text for cell in completeness.rows[0].cells][:3] == [
        "TT",
        "Loại đơn vị",
        "Phải gửi",
    ]
    # One unit of each of four kinds, then the total: 4 expected, 4 filed, 4 accepted.
    assert [cell.text for cell in completeness.rows[-1].cells][1:4] == ["Cộng", "4", "4"]
    assert len(completeness.rows) == 1 + 4 + 1
    table = doc.tables[2]
    headers = [cell.text for cell in table.rows[0].cells]
    assert headers[:4] == ["TT", "Chỉ tiêu", "Đơn vị tính", "Quý II/2024"]
    assert "6 tháng 2024" in headers
    # Indicator 1 (a flow of value 2 per unit): 4 units → 8; 6 months → 16.
    row = table.rows[2]
    assert row.cells[3].text == "8"
    assert row.cells[-1].text == "16"


def test_a_number_given_on_the_form_is_printed_and_a_bad_one_is_refused(client, province, issuing):
    quarter, *_ = province
    client.force_login(f.reviewer())
    url = reverse("quarters:report_docx", args=[quarter.slug])
    doc = _docx(client.get(url, {"number": "12"}))
    assert any(p.text == "Số 12-BC/BDVTN" for p in _paragraphs(doc))
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
    book = xlsx_of(client.get(reverse("quarters:indicators_xlsx", args=[quarter.slug])))
    row = next(book["Toàn tỉnh"].iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert row[1] == "EMPTY"
    assert row[6] is None  # empty, not zero
    xlsx_of(client.get(reverse("quarters:directives_xlsx", args=[quarter.slug])))


def test_a_unit_users_report_contains_only_their_unit(client, province):
    quarter, units, _indicators = province
    client.force_login(f.member(units[0]))
    doc = _docx(client.get(reverse("quarters:report_docx", args=[quarter.slug])))
    text = _text(doc)
    assert units[0].name in text
    assert all(unit.name not in text for unit in units[1:])


def test_paragraphs_are_appended_in_order_as_python_docx_would_but_in_constant_time():
    ours, theirs = Document(), Document()
    for n in range(30):
        paragraph(ours, f"Đoạn {n}")
        mine = theirs.add_paragraph()
        mine.alignment = ours.paragraphs[-1].alignment
        mine.paragraph_format.space_before = Pt(0)
        mine.paragraph_format.space_after = Pt(6)
        run = mine.add_run(f"Đoạn {n}")
        run.font.name = "Times New Roman"
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Times New Roman")
        run.font.size = Pt(14)
        run.bold = run.italic = run.underline = False
    assert ours.element.body.xml == theirs.element.body.xml
    assert [p.text for p in ours.paragraphs] == [f"Đoạn {n}" for n in range(30)]

    doc = party_document(
        issuer=UNDECLARED,
        day=datetime.date(2024, 3, 31),
        kind_code="BC",
        number="",
        title="BÁO CÁO",
        subject="Thử",
    )
    for n in range(3):
        paragraph(doc, f"Dòng {n}")
    body = doc.element.body
    assert body[-1].tag == qn("w:sectPr")  # the page setup stays last
    assert [p.text for p in doc.paragraphs][-4:] == ["-----", "Dòng 0", "Dòng 1", "Dòng 2"]
    assert doc.tables[0].rows[0].cells[0].paragraphs[0].text  # cells still take paragraphs


def _units_reporting(quarter, levels: list[str]) -> list:
    """A unit per level, in this display order, each with an accepted report; only the
    communes write recommendations."""
    units = []
    for order, level in enumerate(levels):
        unit = f.UnitFactory(name=f"Đơn vị {order:02d} ({level})", level=level, display_order=order)
        f.UnitReportFactory(
            unit=unit,
            quarter=quarter,
            status=ReportStatus.ACCEPTED,
            results=f"Kết quả của đơn vị {order:02d}.",
            recommendations="Kiến nghị của xã." if level == UnitLevel.COMMUNE else "",
        )
        units.append(unit)
    return units


LEVELS = [
    UnitLevel.COMMUNE,
    UnitLevel.DISTRICT,
    UnitLevel.PROVINCE,
    UnitLevel.COMMUNE,
    UnitLevel.PROVINCE,
]


def test_a_province_of_sixty_units_gets_every_units_text(django_assert_num_queries):
    assert aggregation.NARRATIVE_UNIT_LIMIT >= 60
    quarter = f.QuarterFactory(year=2024, number=2)
    _units_reporting(quarter, [UnitLevel.COMMUNE, UnitLevel.DISTRICT, UnitLevel.PROVINCE] * 20)
    with django_assert_num_queries(2):
        narrative = report_narrative(quarter=quarter, scope=EVERY_UNIT)
    assert not narrative.is_abridged
    assert narrative.reports == narrative.printed == 60
    assert narrative.sections == quarter_narrative(quarter=quarter, scope=EVERY_UNIT)


def test_beyond_the_limit_the_higher_levels_are_printed_and_the_others_counted(
    django_assert_num_queries,
):
    quarter = f.QuarterFactory(year=2024, number=2)
    units = _units_reporting(quarter, LEVELS)
    at_limit = report_narrative(quarter=quarter, scope=EVERY_UNIT, unit_limit=5)
    assert not at_limit.is_abridged
    assert at_limit.sections == quarter_narrative(quarter=quarter, scope=EVERY_UNIT)

    with django_assert_num_queries(2):
        narrative = report_narrative(quarter=quarter, scope=EVERY_UNIT, unit_limit=3)
    assert narrative.is_abridged
    assert (narrative.reports, narrative.printed) == (5, 3)
    # The provinces in the commission's order, then the district; the communes are counted.
    results = narrative.sections[1]
    assert [entry.unit_name for entry in results.entries] == [
        units[2].name,
        units[4].name,
        units[1].name,
    ]
    assert narrative.printed_levels == [(UnitLevel.PROVINCE, 2), (UnitLevel.DISTRICT, 1)]
    assert narrative.others["results"] == [(UnitLevel.COMMUNE, 2)]
    assert narrative.sections[4].entries == []
    assert narrative.others["recommendations"] == [(UnitLevel.COMMUNE, 2)]

    own = report_narrative(
        quarter=quarter, scope=aggregation.Scope(unit_ids=frozenset({units[0].id})), unit_limit=0
    )
    assert own.others["results"] == [(UnitLevel.COMMUNE, 1)]  # never another scope's units


def test_an_abridged_report_says_how_many_units_it_leaves_out_and_where_to_read_them(
    client, monkeypatch
):
    monkeypatch.setattr(aggregation.narrative, "NARRATIVE_UNIT_LIMIT", 3)
    quarter = f.QuarterFactory(year=2024, number=2)
    units = _units_reporting(quarter, LEVELS)
    client.force_login(f.reviewer())
    doc = _docx(client.get(reverse("quarters:report_docx", args=[quarter.slug])))
    text = _text(doc)
    assert (
        "Quý này có 5 báo cáo được tổng hợp; để báo cáo gọn, các phần từ I đến V dưới đây "
        "trích nội dung báo cáo của 3 đơn vị (2 đơn vị cấp tỉnh, 1 đơn vị cấp huyện), theo thứ "
        "tự các đơn vị của Ban; nội dung báo cáo của 2 đơn vị còn lại xem trên hệ thống (trang "
        "tổng hợp quý và báo cáo của từng đơn vị)."
    ) in text
    assert (
        "Ngoài ra, còn 2 đơn vị khác (2 đơn vị cấp xã) báo cáo nội dung này; xem chi tiết trên "
        "hệ thống (trang tổng hợp quý và báo cáo của từng đơn vị)."
    ) in text
    # Recommendations came from communes only: counted, not "nobody reported".
    assert "Có 2 đơn vị (2 đơn vị cấp xã) báo cáo nội dung này" in text
    assert "Chưa có đơn vị nào báo cáo nội dung này." not in text
    assert units[0].name not in text and units[3].name not in text
    titles = [p.text for p in doc.paragraphs if p.text.startswith(("1. ", "2. ", "3. "))]
    assert titles[:3] == [f"1. {units[2].name}", f"2. {units[4].name}", f"3. {units[1].name}"]


def test_a_total_no_unit_gave_a_figure_for_is_empty_and_figures_sit_at_the_top(client, province):
    """A sum of nothing was 0 and a mean of nothing "#DIV/0!" in the total row; the
    figures sat at the bottom of rows as tall as their wrapped names, by the next row's."""
    quarter, _units, _indicators = province
    f.IndicatorFactory(name="Tỷ lệ chưa ai báo cáo", measure="%", aggregation=Aggregation.MEAN)
    f.IndicatorFactory(name="Số chưa ai báo cáo")
    client.force_login(f.reviewer())
    response = client.get(reverse("quarters:indicators_xlsx", args=[quarter.slug]))
    book = xlsx_of(response)
    cached = load_workbook(io.BytesIO(response.content), data_only=True)["Theo đơn vị"]
    sheet = book["Theo đơn vị"]
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    total_row = sheet.max_row
    for name in ("Tỷ lệ chưa ai báo cáo (%)", "Số chưa ai báo cáo (cuộc)"):
        column = headers.index(name) + 1
        assert sheet.cell(total_row, column).value.startswith("=IF(SUBTOTAL(2,")
        assert cached.cell(total_row, column).value in (None, "")
    reported = headers.index("Chỉ tiêu 1 (cuộc)") + 1
    assert cached.cell(total_row, reported).value == 8  # the units that gave one
    figures = [
        cell for cell in book["Toàn tỉnh"][HEADER_ROW + 1] if isinstance(cell.value, int | float)
    ]
    assert figures
    assert {cell.alignment.vertical for cell in figures} == {"top"}


def test_the_report_builds_without_the_view_from_a_summary():
    quarter = f.QuarterFactory(year=2024, number=2)
    _units_reporting(quarter, LEVELS)
    summary = aggregation.quarter_summary(quarter=quarter, scope=EVERY_UNIT)
    day = datetime.date(2024, 6, 30)
    doc = Document(io.BytesIO(consolidated_report_docx(summary=summary, day=day, number="7")))
    assert "Số 7-BC/" in _text(doc)


# --- the indicator spreadsheet ---------------------------------------------

UNIT_HEADERS = ["Đơn vị", "Loại đơn vị", "Cấp", "Trực thuộc"]


def test_the_indicator_workbook_holds_real_numbers_that_sum(client, province):
    quarter, units, _indicators = province
    client.force_login(f.reviewer())
    book = xlsx_of(client.get(reverse("quarters:indicators_xlsx", args=[quarter.slug])))
    assert book.sheetnames == ["Toàn tỉnh", "Theo loại đơn vị", "Theo đơn vị"]
    province_sheet, kind_sheet, unit_sheet = (book[name] for name in book.sheetnames)
    for sheet in (province_sheet, kind_sheet, unit_sheet):
        assert sheet.freeze_panes is not None
        assert sheet.freeze_panes.endswith(str(HEADER_ROW + 1))
        # Title rows say what the sheet is, of which quarter, from what.
        assert sheet["A1"].value == "BẢNG TỔNG HỢP MỘT SỐ CHỈ TIÊU CÔNG TÁC DÂN VẬN"
        assert sheet["A2"].value.startswith("Quý II/2024: ")
        assert sheet["A3"].value.startswith("Nguồn: báo cáo quý của 4 đơn vị đã gửi")
    headers = [cell.value for cell in province_sheet[HEADER_ROW]]
    assert headers[:3] == ["Chỉ tiêu", "Mã", "Đơn vị tính"]  # names first, codes beside
    current_col = headers.index("Quý II/2024")
    ytd_col = headers.index("6 tháng 2024")
    rows = {
        row[1]: row for row in province_sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    }
    flow = rows["IND1"]
    assert isinstance(flow[current_col], int | float)
    assert flow[current_col] == 8
    assert flow[ytd_col] == 16
    first_row = HEADER_ROW + 1
    assert province_sheet.cell(row=first_row, column=current_col + 1).number_format == "#,##0.##"

    unit_headers = [cell.value for cell in unit_sheet[HEADER_ROW]]
    assert unit_headers[:4] == ["Đơn vị", "Loại đơn vị", "Cấp", "Trực thuộc"]
    flow_col = unit_headers.index("Chỉ tiêu 1 (cuộc)")
    unit_rows = list(unit_sheet.iter_rows(min_row=first_row, values_only=True))
    # Under the units, their total as a formula over the rows a filter shows.
    *unit_rows, total = unit_rows
    assert total[0] == "Cộng (các đơn vị đang hiển thị)"
    column = unit_sheet.cell(1, flow_col + 1).column_letter
    cells = f"{column}{first_row}:{column}{first_row + 3}"
    assert total[flow_col] == f'=IF(SUBTOTAL(2,{cells})=0,"",SUBTOTAL(9,{cells}))'
    assert [row[0] for row in unit_rows] == [unit.name for unit in units]  # one row per unit
    per_unit = [row[flow_col] for row in unit_rows]
    assert sum(per_unit) == flow[current_col]
    assert unit_sheet.freeze_panes == f"E{first_row}"
    last = unit_sheet.cell(1, len(unit_headers)).column_letter
    assert unit_sheet.auto_filter.ref == f"A{HEADER_ROW}:{last}{HEADER_ROW + 4}"
    assert unit_sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert unit_sheet.cell(row=first_row, column=flow_col + 1).number_format == "#,##0.##"
    assert unit_sheet["A1"].font.b and unit_sheet.cell(HEADER_ROW, 1).font.b

    kind_headers = [cell.value for cell in kind_sheet[HEADER_ROW]]
    kind_current = kind_headers.index("Quý II/2024")
    by_kind = [
        row[kind_current]
        for row in kind_sheet.iter_rows(min_row=first_row, values_only=True)
        if row[2] == "IND1"
    ]
    assert sum(by_kind) == flow[current_col]


def test_many_indicators_are_printed_a_page_of_whole_groups_at_a_time(client):
    # Twelve indicators of two groups, taken in turns: each group's six side by side under
    # its name, a page each when printed (twelve would not fit one page's ten).
    quarter, units, indicators = build_province(units=3, indicators=12, quarters=1)
    groups = ["Tuyên truyền, vận động", "Giám sát, phản biện xã hội: [mẫu]"]
    for number, indicator in enumerate(indicators):
        indicator.group = groups[number % 2]
        indicator.save()
    client.force_login(f.reviewer())
    book = xlsx_of(client.get(reverse("quarters:indicators_xlsx", args=[quarter.slug])))
    assert book.sheetnames == ["Toàn tỉnh", "Theo loại đơn vị", "Theo đơn vị"]
    sheet = book["Theo đơn vị"]
    in_turn = indicators[0::2] + indicators[1::2]
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    assert headers == UNIT_HEADERS + [f"{i.name} ({i.measure})" for i in in_turn]
    assert sheet["E5"].value == groups[0] and sheet["K5"].value == groups[1]
    assert {str(cells) for cells in sheet.merged_cells.ranges} == {"E5:J5", "K5:P5"}
    assert [brk.id for brk in sheet.col_breaks.brk] == [10]  # after J, the first group
    assert sheet.print_title_rows == f"$5:${HEADER_ROW}"  # the groups' names and the header
    assert sheet.print_title_cols == "$A:$D"  # the units' columns on every page
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage  # a break needs a scale
    assert 30 <= sheet.page_setup.scale < 100
    names = [row[0] for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    assert names == [unit.name for unit in units] + ["Cộng (các đơn vị đang hiển thị)"]


def test_small_groups_share_a_printed_page_up_to_ten_indicators(client):
    # Three groups of three fill a page (nine indicators); the next two (two indicators,
    # and one of no group) would make twelve and start the next one.
    quarter, units, indicators = build_province(units=2, indicators=12, quarters=1)
    groups = ["An sinh"] * 3 + ["Văn hóa"] * 3 + ["Đối thoại"] * 3 + ["Dân vận khéo"] * 2 + [""]
    for indicator, group in zip(indicators, groups, strict=True):
        indicator.group = group
        indicator.save()
    client.force_login(f.reviewer())
    response = client.get(reverse("quarters:indicators_xlsx", args=[quarter.slug]))
    sheet = xlsx_of(response)["Theo đơn vị"]
    headings = [sheet.cell(5, column).value for column in (5, 8, 11, 14, 16)]
    assert headings == ["An sinh", "Văn hóa", "Đối thoại", "Dân vận khéo", "Khác"]
    assert [brk.id for brk in sheet.col_breaks.brk] == [13]  # after M: 4 + 9 columns
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    assert headers[len(UNIT_HEADERS) :] == [f"{i.name} ({i.measure})" for i in indicators]
    # Each total is saved with its value, the sum (or a rate's mean) of the units' values,
    # for a viewer that does not compute formulas on opening.
    saved = load_workbook(io.BytesIO(response.content), data_only=True)["Theo đơn vị"]
    *unit_rows, total = saved.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    assert len(unit_rows) == len(units)
    for column, indicator in enumerate(indicators, start=len(UNIT_HEADERS)):
        given = [row[column] for row in unit_rows if row[column] is not None]
        mean = indicator.aggregation == Aggregation.MEAN
        assert given and total[column] == pytest.approx(
            sum(given) / len(given) if mean else sum(given)
        )
    assert any(i.aggregation == Aggregation.MEAN for i in indicators)


def test_a_long_text_gets_a_row_tall_enough_to_read(client, meeting):
    directive = meeting["meeting"].directives.get(number=1)
    directive.text = "Nội dung rất dài." + " Nội dung rất dài." * 59  # some 1,000 characters
    directive.save()
    client.force_login(f.reviewer())
    url = reverse("quarters:directives_xlsx", args=[meeting["quarter"].slug])
    book = xlsx_of(client.get(url))
    assert book.sheetnames == ["Quý I-2024", "Chưa xong từ trước"]  # the documents' numerals
    assert book.worksheets[0].oddFooter.center.text == "Trang &P/&N"  # numbered pages
    sheet = book.worksheets[0]
    # A row of the default height (15 points) is written without one.
    heights = {
        row[0].row: sheet.row_dimensions[row[0].row].height or 15
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1)
    }
    tall = next(r for r in heights if sheet.cell(r, 4).value == directive.text)
    assert heights[tall] >= 15 * 16  # 1,000 characters in a column 60 wide
    assert min(heights.values()) >= 15


def test_a_unit_users_workbook_contains_only_their_unit(client, province):
    quarter, units, _indicators = province
    client.force_login(f.member(units[1]))
    book = xlsx_of(client.get(reverse("quarters:indicators_xlsx", args=[quarter.slug])))
    sheet = book["Theo đơn vị"]
    names = [row[0] for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    assert names == [units[1].name, "Cộng (các đơn vị đang hiển thị)"]


@pytest.mark.parametrize(("units", "indicators", "quarters"), [(3, 3, 2), (40, 25, 8)])
def test_exports_run_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, monkeypatch, units, indicators, quarters
):
    # 40 units make an abridged report, 3 a complete one: the same number of queries.
    monkeypatch.setattr(aggregation.narrative, "NARRATIVE_UNIT_LIMIT", 10)
    quarter, *_ = build_province(units=units, indicators=indicators, quarters=quarters)
    client.force_login(f.reviewer())
    # With nothing cached yet, up to 21 of them look the figures up in the shared cache and
    # keep them there, in savepoints of the test's transaction (common.caching), and 7 the
    # completeness (reports.aggregation.completeness.kept_for_the_quarter).
    for name in ("report_docx", "indicators_xlsx", "directives_xlsx"):
        with django_assert_max_num_queries(45):
            assert client.get(reverse(f"quarters:{name}", args=[quarter.slug])).status_code == 200


def test_the_by_unit_sheet_holds_each_units_own_values_as_in_the_database(client, province):
    quarter, units, indicators = province
    draft_unit = f.UnitFactory(name="Đơn vị còn nháp")
    draft = f.UnitReportFactory(unit=draft_unit, quarter=quarter, status=ReportStatus.DRAFT)
    f.IndicatorValueFactory(report=draft, indicator=indicators[1], value=1000)
    client.force_login(f.reviewer())
    book = xlsx_of(client.get(reverse("quarters:indicators_xlsx", args=[quarter.slug])))
    sheet = book["Theo đơn vị"]
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)}
    rows.pop("Cộng (các đơn vị đang hiển thị)")  # the sheet's own total, a formula
    assert draft_unit.name not in rows  # drafts count nowhere
    counted = IndicatorValue.objects.filter(
        report__quarter=quarter, report__status__in=FILED_STATUSES
    )
    province_rows = {
        row[1]: row for row in book["Toàn tỉnh"].iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    }
    current = [cell.value for cell in book["Toàn tỉnh"][HEADER_ROW]].index("Quý II/2024")
    for indicator in indicators:
        column = headers.index(f"{indicator.name} ({indicator.measure})")
        for unit in units:
            stored = counted.get(report__unit=unit, indicator=indicator).value
            assert Decimal(str(rows[unit.name][column])) == stored
        if indicator.aggregation == Aggregation.SUM:
            total = sum(row[column] for row in rows.values())
            assert Decimal(str(total)) == sum(v.value for v in counted.filter(indicator=indicator))
            assert total == province_rows[indicator.code][current]


def test_a_unit_sheet_keeps_formula_like_names_as_text(client):
    quarter = f.QuarterFactory(year=2024, number=2)
    parent = f.UnitFactory(name="=1+1 cấp trên", level=UnitLevel.PROVINCE)
    unit = f.UnitFactory(
        name='=HYPERLINK("http://x.example","bấm")',
        kind=UnitKind.FRONT,
        level=UnitLevel.DISTRICT,
        parent=parent,
    )
    indicator = f.IndicatorFactory(code="EQ", name="=2+2", measure="cuộc")
    report = f.UnitReportFactory(unit=unit, quarter=quarter, status=ReportStatus.SUBMITTED)
    f.IndicatorValueFactory(report=report, indicator=indicator, value=Decimal("1234.5"))
    client.force_login(f.reviewer())
    book = xlsx_of(client.get(reverse("quarters:indicators_xlsx", args=[quarter.slug])))
    sheet = book["Theo đơn vị"]
    name, kind, level, parent_name, value = (cell for cell in sheet[HEADER_ROW + 1])
    assert (name.value, name.data_type) == (unit.name, "s")
    assert (kind.value, level.value) == ("Mặt trận Tổ quốc", "Cấp huyện")
    assert (parent_name.value, parent_name.data_type) == (parent.name, "s")
    assert value.value == 1234.5 and value.number_format == "#,##0.##"
    header = sheet.cell(HEADER_ROW, 5)
    assert header.value == "=2+2 (cuộc)" and header.data_type == "s"
    name_cell = book["Toàn tỉnh"].cell(HEADER_ROW + 1, 1)
    assert (name_cell.value, name_cell.data_type) == ("=2+2", "s")


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
    book = xlsx_of(client.get(reverse("quarters:directives_xlsx", args=[meeting["quarter"].slug])))
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "SỔ THEO DÕI THỰC HIỆN Ý KIẾN CHỈ ĐẠO"
    assert sheet["A2"].value == "Ý kiến chỉ đạo tại các buổi giao ban quý I/2024"
    assert sheet["A3"].value == (
        "Trạng thái, tiến độ và ngày hoàn thành tính đến hết ngày 31/03/2024."
    )
    assert sheet.freeze_panes == f"D{HEADER_ROW + 1}"
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert [row[2] for row in rows] == ["Nắm chắc tình hình nhân dân", "Xử lý điểm nóng"]
    first, second = rows
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    column = {title: headers.index(title) for title in headers}
    assert first[column["Đơn vị chủ trì"]] == "MTTQ tỉnh"
    assert first[column["Đơn vị phối hợp"]] == "Công an tỉnh"
    assert first[column["Thời hạn"]] == "Thường xuyên"
    assert isinstance(second[column["Thời hạn"]], datetime.datetime | datetime.date)
    assert first[column["Trạng thái"]] in {"Chưa triển khai", "Thường xuyên, chưa cập nhật"}
    assert second[column["Trạng thái"]] in {"Chưa triển khai", "Quá hạn"}
    assert second[column["Mật"]] == "x"


def test_a_confidential_directive_stays_out_of_other_units_exports(client, meeting):
    quarter = meeting["quarter"]
    client.force_login(f.member(meeting["front"]))
    book = xlsx_of(client.get(reverse("quarters:directives_xlsx", args=[quarter.slug])))
    sheet = book.worksheets[0]
    titles = [row[2] for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    assert titles == ["Nắm chắc tình hình nhân dân"]
    url = reverse("quarters:notice_docx", args=[quarter.slug, meeting["meeting"].pk])
    text = _text(_docx(client.get(url)))
    assert "Nắm chắc tình hình nhân dân" in text
    assert "Xử lý điểm nóng" not in text

    client.force_login(f.member(meeting["police"]))
    text = _text(_docx(client.get(url)))
    assert "Xử lý điểm nóng" in text


def test_the_conclusion_notice_is_a_labelled_draft_listing_the_new_directives(client, meeting):
    """A document of the Tỉnh ủy that held the meeting, from its header to "Lưu"
    (issue 15: the commission's header over a "TB/TU" number was two issuers)."""
    quarter = meeting["quarter"]
    f.UnitFactory(kind=UnitKind.MASS_MOBILIZATION, name="Ban Dân vận Tỉnh ủy")
    f.tinh_uy_details(unit=meeting["meeting"].unit, recipients="Các đồng chí Ủy viên Ban Thường vụ")
    client.force_login(f.reviewer())
    url = reverse("quarters:notice_docx", args=[quarter.slug, meeting["meeting"].pk])
    doc = _docx(client.get(url))
    assert _find(doc, "DỰ THẢO").runs[0].bold
    assert _find(doc, "THÔNG BÁO").runs[0].bold
    left = [p.text for p in doc.tables[0].cell(0, 0).paragraphs]
    assert left == ["ĐẢNG BỘ TỈNH THỬ NGHIỆM", "TỈNH ỦY", "*", "Số     -TB/TU"]
    held = meeting["meeting"].held_on
    _find(doc, date_line("Quảng Ninh", held))  # the meeting's date by default
    _find(doc, "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert_signed_and_sent_by(
        doc,
        signer=["T/L BAN THƯỜNG VỤ", "CHÁNH VĂN PHÒNG"],
        name="Phạm Văn Phòng",
        recipients=["- Các đồng chí Ủy viên Ban Thường vụ,", "- Lưu Văn phòng Tỉnh ủy."],
    )
    assert_vietnamese_and_issued_by(doc, meeting["meeting"].unit.name, held)
    assert "BAN DÂN VẬN" not in _text(doc)
    # Who met whom, when and under which rules, as the record says; no "Căn cứ" (a
    # decision's), and the table of tasks an annex after the signature, not a repeat.
    meeting["meeting"].attending_units.set([meeting["front"], meeting["police"]])
    meeting["meeting"].shortcomings = "phối hợp còn hạn chế\n\n- chưa sát dân;"
    meeting["meeting"].save()
    doc = _docx(client.get(url))
    body = [p.text for p in doc.paragraphs]
    when = timezone.localtime(meeting["meeting"].held_at)
    part = "Sáng" if when.hour < 12 else "Chiều" if when.hour < 18 else "Tối"
    opening = (
        f"{part} ngày {when.day}/{when.month}/{when.year}, Thường trực "
        f"{meeting['meeting'].unit.label} giao ban, làm việc với Công an tỉnh, Ủy ban MTTQ "
        "tỉnh về công tác dân vận quý I/2024 theo Quyết định số 461-QĐ/TU ngày 14/12/2021. "
        "Đồng chí Vũ Đại Thắng, Bí thư Tỉnh ủy, chủ trì buổi giao ban."
    )
    assert opening in body
    assert not any(text.startswith("Căn cứ") for text in body)
    # The shortcomings as a list: a capital first, a semicolon between, a full stop last.
    shortcomings = body.index("II. HẠN CHẾ")
    assert body[shortcomings + 1 : shortcomings + 3] == [
        "- Phối hợp còn hạn chế;",
        "- Chưa sát dân.",
    ]
    annex = body.index("PHỤ LỤC")
    assert body[annex + 1 : annex + 3] == [
        "PHÂN CÔNG THỰC HIỆN CÁC NHIỆM VỤ",
        f"(Kèm theo Thông báo số     -TB/TU ngày {held:%d/%m/%Y})",  # as its header cites it
    ]
    rows = [[c.text for c in row.cells] for row in doc.tables[-1].rows]
    assert rows[0] == ["TT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn"]
    assert rows[1][2:] == ["MTTQ tỉnh", "Công an tỉnh", "Thường xuyên"]
    assert "30/06/2024" in [row[4] for row in rows[1:]]
    signature = next(n for n, t in enumerate(doc.tables) if "Nơi nhận:" in t.cell(0, 0).text)
    assert signature == len(doc.tables) - 2  # the annex's table after it
    text = _text(doc)
    assert "Vũ Đại Thắng" in text
    assert "Quyết định số 461-QĐ/TU ngày 14/12/2021" in text
    # The units and deadlines only in the annex: the tasks above it are not told twice.
    assert not any("Đơn vị chủ trì" in line or "thời hạn:" in line for line in body)
    other_quarter = f.QuarterFactory(year=2023, number=4)
    assert (
        client.get(
            reverse("quarters:notice_docx", args=[other_quarter.slug, meeting["meeting"].pk])
        ).status_code
        == 404
    )


def test_the_documents_name_each_kind_of_unit_as_the_pages_do():
    """The .docx and .xlsx said "Cấp ủy huyện, xã" where the pages say "Cấp ủy địa
    phương": the district level was abolished on 01/07/2025."""
    from django.utils import translation

    from reports.documents import KIND_TITLES
    from reports.models import UnitKind

    with translation.override("vi"):
        assert {kind: str(kind.label) for kind in UnitKind} == KIND_TITLES


def test_the_register_says_how_far_each_directive_was_on_the_day_chosen(client, meeting):
    """Issue 15: the register carries the full text, the target, the latest progress
    and when, and the day finished, as they stood on a chosen day (the quarter's end
    by default), not at the download."""
    quarter = meeting["quarter"]
    directive = Directive.objects.get(meeting=meeting["meeting"], number=1)
    directive.text = "Nắm chắc tình hình nhân dân ở từng địa bàn, báo cáo hằng quý."
    directive.target_indicator = f.IndicatorFactory(name="Số mô hình", code="MH")
    directive.target_min, directive.target_max = 4, 5
    directive.target_date = datetime.date(2024, 12, 31)
    directive.save()
    lead = directive.assignments.get(role=AssignmentRole.LEAD)
    at = timezone.make_aware(datetime.datetime(2024, 3, 20, 9, 0))
    f.ProgressUpdateFactory(
        assignment=lead,
        quarter=quarter,
        description="Đã khảo sát 3 địa bàn.",
        percent=30,
        reported_at=at,
    )
    f.ProgressUpdateFactory(
        assignment=lead,
        quarter=quarter,
        description="Đã xong.",
        percent=100,
        reported_at=timezone.make_aware(datetime.datetime(2024, 4, 20, 9, 0)),
    )
    lead.completed_on = datetime.date(2024, 4, 20)
    lead.save()
    client.force_login(f.reviewer())
    url = reverse("quarters:directives_xlsx", args=[quarter.slug])

    def row_of(**query):
        sheet = xlsx_of(client.get(url, query)).worksheets[0]
        headers = [cell.value for cell in sheet[HEADER_ROW]]
        row = next(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
        return sheet["A3"].value, dict(zip(headers, row, strict=True))

    as_at, row = row_of()  # the quarter's end: 31/03/2024
    assert as_at.endswith("31/03/2024.")
    assert row["Nội dung đầy đủ"] == directive.text
    assert row["Chỉ tiêu"] == "Số mô hình: từ 4 đến 5 (đến 31/12/2024)"
    assert (row["Tiến độ gần nhất"], row["Tỷ lệ (%)"]) == ("Đã khảo sát 3 địa bàn.", 30)
    assert row["Cập nhật lần cuối"].date() == datetime.date(2024, 3, 20)
    assert row["Ngày hoàn thành"] is None
    assert row["Trạng thái"] != "Đã hoàn thành đúng hạn"

    as_at, row = row_of(date="2024-04-30")
    assert as_at.endswith("30/04/2024.")
    assert (row["Tiến độ gần nhất"], row["Tỷ lệ (%)"]) == ("Đã xong.", 100)
    assert row["Ngày hoàn thành"].date() == datetime.date(2024, 4, 20)
    assert row["Trạng thái"] == "Đã hoàn thành đúng hạn"

    response = client.get(url, {"date": "30/02/2024"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("#exports")


def test_the_signature_never_stands_alone_on_the_last_page(client, meeting):
    """The notice's closing sentence stayed on one page and its signature went alone to
    the next (seen in LibreOffice): the paragraphs before the signature keep with it."""
    client.force_login(f.reviewer())
    url = reverse("quarters:notice_docx", args=[meeting["quarter"].slug, meeting["meeting"].pk])
    doc = _docx(client.get(url))
    body = list(doc.element.body.iterchildren())
    signature = next(
        i
        for i, e in enumerate(body)
        if e.tag.endswith("}tbl") and "Nơi nhận:" in "".join(e.itertext())
    )
    closing, spacer = (Paragraph(e, doc) for e in body[signature - 2 : signature])
    assert closing.text.endswith("thực hiện./.")
    assert closing.paragraph_format.keep_with_next and spacer.paragraph_format.keep_with_next
