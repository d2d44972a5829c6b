"""The quarter's documents: the consolidated report (.docx) in the Party's
document style (Hướng dẫn 36-HD/VPTW) and the indicator table (.xlsx).

Both are built from a ``QuarterSummary`` (reports.aggregation), the very figures
the quarter page shows, and two grouped reads each (the report's narrative, the
units' values), so nothing here queries per row or per cell. At national scale
the report prints the texts of ``NARRATIVE_UNIT_LIMIT`` units and counts the
others, and the workbook is written row by row. The documents are Vietnamese
administrative papers whatever the interface language, so their fixed wording
is Vietnamese.
"""

import datetime
import io
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.aggregation import (
    FigureTable,
    QuarterSummary,
    ReportNarrative,
    quarter_unit_values,
    report_narrative,
)
from reports.models import Accumulation, Aggregation, UnitKind, UnitLevel
from reports.numbers import format_figure, query_int
from reports.rules import ROMAN
from reports.text import clean_text

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = "Times New Roman"
BODY_PT = 14

SECTION_TITLES = {
    "people_situation": "Tình hình nhân dân",
    "results": "Kết quả thực hiện nhiệm vụ",
    "shortcomings": "Hạn chế, nguyên nhân",
    "next_plan": "Phương hướng, nhiệm vụ quý tới",
    "recommendations": "Kiến nghị, đề xuất",
}
ROMAN_NUMERALS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
YTD_TITLES = {2: "6 tháng", 3: "9 tháng", 4: "Cả năm"}
KIND_TITLES = {
    UnitKind.MASS_MOBILIZATION: "Ban Dân vận",
    UnitKind.FRONT: "Mặt trận Tổ quốc",
    UnitKind.MASS_ORG: "Tổ chức chính trị - xã hội",
    UnitKind.ARMED_FORCES: "Lực lượng vũ trang",
    UnitKind.GOVERNMENT: "Chính quyền",
    UnitKind.PARTY_COMMITTEE: "Cấp ủy huyện, xã",
}
LEVEL_TITLES = {
    UnitLevel.PROVINCE: "cấp tỉnh",
    UnitLevel.DISTRICT: "cấp huyện",
    UnitLevel.COMMUNE: "cấp xã",
}
# Where a reader finds the texts an abridged report leaves out.
ELSEWHERE = "trên hệ thống (trang tổng hợp quý và báo cáo của từng đơn vị)"


# --- Vietnamese wording of numbers, dates and quarters ------------------------


def quarter_title(year: int, number: int) -> str:
    """ "quý I/2024", as written in a document's text."""
    return f"quý {ROMAN[number]}/{year}"


def vn_number(value: Decimal | None) -> str:
    """1.234.567,5 — the Vietnamese way; empty for a missing figure."""
    return format_figure(value, language="vi")


def vn_signed(value: Decimal | None) -> str:
    if value is None:
        return ""
    return ("+" if value > 0 else "") + vn_number(value)


def date_line(place: str, day: datetime.date) -> str:
    """ "Quảng Ninh, ngày 05 tháng 02 năm 2024": days below 10 and months 1–2 take a 0."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def document_number(raw: str | None) -> str | None:
    """The clerk's document number from a form or querystring: digits only, or None.

    Returns "" when none was given (the number is left blank to be filled by
    hand) and None when what was given is not a number.
    """
    raw = (raw or "").strip()
    if not raw:
        return ""
    number = query_int(raw, minimum=1, maximum=999_999)
    return None if number is None else str(number)


def number_line(number: str, kind_code: str, issuer_code: str) -> str:
    """ "Số 12-BC/BDVTU", or "Số    -BC/BDVTU" with room for the number (no colon)."""
    return f"Số {number or '    '}-{kind_code}/{issuer_code}"


# --- python-docx helpers -------------------------------------------------------


def _set_run_font(run, *, size: float | None = None, bold=None, italic=None, underline=None):
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    if underline is not None:
        run.underline = underline
    return run


def paragraph(
    container,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = False,
    space_after: float = 6,
    keep_with_next: bool = False,
):
    """A paragraph with one run in the document's font, or an empty one.

    Every text of a document passes here, cleaned (``clean_text``): a control
    character stored before the fields cleaned text would make python-docx refuse
    the whole document.
    """
    text = clean_text(text)
    para = _add_paragraph(container)
    para.alignment = align
    fmt = para.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(space_after)
    if indent:
        fmt.first_line_indent = Mm(10)
    if keep_with_next:
        fmt.keep_with_next = True
    if text:
        _set_run_font(para.add_run(text), size=size, bold=bold, italic=italic, underline=underline)
    return para


def _add_paragraph(container) -> Paragraph:
    """``container.add_paragraph()``, in constant time at the end of a document's body.

    python-docx finds the place of a body paragraph (before the closing
    ``w:sectPr``) by scanning the body's children, which made a document of n
    paragraphs take O(n²) time; the sectPr is the body's last child, reached at once.
    """
    if not isinstance(container, DocxDocument):
        return container.add_paragraph()  # a table cell: python-docx appends at once
    body = container.element.body
    para = OxmlElement("w:p")
    try:
        last = body[-1]
    except IndexError:
        last = None
    if last is not None and last.tag == qn("w:sectPr"):
        last.addprevious(para)
    else:
        body.append(para)
    return Paragraph(para, container._body)


def _cell_paragraph(cell, text: str = "", **kwargs):
    """Write into a table cell, reusing the empty paragraph a new cell starts with."""
    kwargs.setdefault("align", WD_ALIGN_PARAGRAPH.CENTER)
    kwargs.setdefault("space_after", 0)
    para = paragraph(cell, text, **kwargs)
    first = cell.paragraphs[0]
    if first is not para and not first.text and len(cell.paragraphs) == 2:
        first._element.getparent().remove(first._element)
    return para


def _add_page_field(para) -> None:
    """A PAGE field, so Word and LibreOffice number the pages themselves."""
    run = _set_run_font(para.add_run(), size=BODY_PT)
    for tag, text in (("begin", None), ("instr", "PAGE"), ("separate", None), ("end", None)):
        if tag == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        run._r.append(element)
        if tag == "separate":
            text_el = OxmlElement("w:t")
            text_el.text = "1"
            run._r.append(text_el)


def _borderless(table, *, cell_margin_mm: float | None = None) -> None:
    """No borders (and, if given, narrow cell margins), in the schema's element order."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"
    )
    if cell_margin_mm is not None:
        margins = OxmlElement("w:tblCellMar")
        for edge in ("left", "right"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:w"), str(int(cell_margin_mm * 56.7)))
            element.set(qn("w:type"), "dxa")
            margins.append(element)
        tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption")


def _set_widths(table, widths_mm: list[float]) -> None:
    """Fixed column widths, written both in the grid (LibreOffice) and the cells (Word)."""
    table.autofit = False  # a fixed layout: the widths below are kept
    for column, width in zip(table.columns, widths_mm, strict=False):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def _keep_rows_whole(table) -> None:
    for row in table.rows:
        element = OxmlElement("w:cantSplit")
        element.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().insert_element_before(
            element, "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden"
        )


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def party_document(
    *,
    kind_code: str,
    number: str,
    title: str,
    subject: str,
    day: datetime.date | None = None,
    issuer_code: str | None = None,
    draft: bool = False,
):
    """A new A4 document with the Party header blocks, the title and the subject.

    Left: the Party committee (capitals, 14) over the issuing body (bold, 14),
    a star and the number "Số 12-BC/BDVTU" (no colon). Right: "ĐẢNG CỘNG SẢN VIỆT
    NAM" (bold, 15, underlined) and the place and date line in italics. Page
    numbers are a PAGE field in the header from the second page on.
    """
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    section.different_first_page_header_footer = True
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1

    page = section.header.paragraphs[0]
    page.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_page_field(page)

    if draft:
        mark = paragraph(doc, "DỰ THẢO", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=4)
        p_pr = mark._p.get_or_add_pPr()
        border = OxmlElement("w:pBdr")
        for edge in ("top", "left", "bottom", "right"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:val"), "single")
            element.set(qn("w:sz"), "8")
            element.set(qn("w:space"), "2")
            border.append(element)
        p_pr.insert_element_before(
            border, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc"
        )
        mark.paragraph_format.left_indent = Mm(135)

    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borderless(header, cell_margin_mm=0.5)
    _set_widths(header, [70, 95])
    left, right = header.rows[0].cells
    _cell_paragraph(left, settings.DOCUMENT_PARTY_COMMITTEE.upper(), size=14)
    _cell_paragraph(left, settings.DOCUMENT_ISSUER.upper(), size=14, bold=True)
    _cell_paragraph(left, "*", size=14)
    _cell_paragraph(
        left, number_line(number, kind_code, issuer_code or settings.DOCUMENT_ISSUER_CODE)
    )
    _cell_paragraph(right, "ĐẢNG CỘNG SẢN VIỆT NAM", size=15, bold=True, underline=True)
    _cell_paragraph(right, "", size=14)
    _cell_paragraph(right, "", size=8)
    _cell_paragraph(
        right,
        date_line(settings.DOCUMENT_PLACE, day or timezone.localdate()),
        italic=True,
    )

    paragraph(doc, "", space_after=6)
    paragraph(doc, title, size=16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    paragraph(doc, subject, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    paragraph(doc, "-----", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    return doc


def heading(doc, text: str) -> None:
    paragraph(doc, text, bold=True, indent=True, keep_with_next=True)


def text_paragraphs(doc, text: str) -> None:
    """The lines of a unit's text as body paragraphs (14, justified, indented)."""
    for line in text.splitlines():
        if line.strip():
            paragraph(doc, line.strip(), indent=True)


def signature_block(doc, *, recipients: list[str], signer_lines: list[str]) -> None:
    """ "Nơi nhận:" on the left, the signer's title on the right, borderless."""
    paragraph(doc, "", space_after=0, keep_with_next=True)
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    _set_widths(table, [80, 85])
    _keep_rows_whole(table)
    left, right = table.rows[0].cells
    _cell_paragraph(
        left,
        "Nơi nhận:",
        size=12,
        bold=True,
        italic=True,
        underline=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    for line in recipients:
        _cell_paragraph(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in signer_lines:
        _cell_paragraph(right, line, size=14, bold=True)
    for _blank in range(4):
        _cell_paragraph(right, "", size=14)


def _shade(cell, fill: str = "E7E6E6") -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


_ALIGN = {
    "l": WD_ALIGN_PARAGRAPH.LEFT,
    "c": WD_ALIGN_PARAGRAPH.CENTER,
    "r": WD_ALIGN_PARAGRAPH.RIGHT,
}


def grid_table(
    doc, headers: list[str], rows: list[list[str]], widths_mm: list[float], aligns: str
) -> None:
    """A bordered table, its header row bold, shaded and repeated on every page.

    ``aligns`` gives each column's alignment: "l", "c" or "r" (numbers to the right).
    """
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_paragraph(cell, text, size=11, bold=True)
        _shade(cell)
    _repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for cell, text, align in zip(cells, values, aligns, strict=True):
            _cell_paragraph(cell, text, size=11, align=_ALIGN[align])
    _set_widths(table, widths_mm)
    _keep_rows_whole(table)


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- The consolidated quarterly report ----------------------------------------


def _indicator_table_rows(summary: QuarterSummary) -> tuple[list[str], list[list[str]]]:
    quarter = summary.quarter
    prev_year, prev_number = quarter.previous_key()
    headers = [
        "TT",
        "Chỉ tiêu",
        "Đơn vị tính",
        f"Quý {ROMAN[quarter.number]}/{quarter.year}",
        f"Quý {ROMAN[prev_number]}/{prev_year}",
        f"Cùng kỳ {quarter.year - 1}",
    ]
    ytd = YTD_TITLES.get(quarter.number)
    if ytd:
        headers.append(f"{ytd} {quarter.year}")
    rows = []
    for index, row in enumerate(summary.figures.province.rows, start=1):
        name = row.indicator.name
        if row.indicator.aggregation == Aggregation.MEAN:
            name += " (bình quân)"
        values = [
            str(index),
            name,
            row.indicator.measure,
            vn_number(row.current),
            vn_number(row.previous),
            vn_number(row.last_year),
        ]
        if ytd:
            values.append(vn_number(row.ytd))
        rows.append(values)
    return headers, rows


def _completeness_sentence(summary: QuarterSummary) -> str:
    counts = summary.completeness.total
    label = quarter_title(summary.quarter.year, summary.quarter.number)
    if not counts.expected:
        return f"Trong {label}, chưa có đơn vị nào phải gửi báo cáo."
    sentence = (
        f"Trong {label}, {vn_number(counts.filed)}/{vn_number(counts.expected)} đơn vị đã gửi "
        f"báo cáo ({vn_number(counts.on_time)} đúng hạn, {vn_number(counts.late)} chậm hạn)"
    )
    if counts.missing:
        sentence += f"; {vn_number(counts.missing)} đơn vị chưa gửi báo cáo"
    if counts.not_due:
        sentence += f"; {vn_number(counts.not_due)} đơn vị chưa đến hạn gửi"
    return (
        sentence
        + f"; {vn_number(counts.accepted)} báo cáo đã được tiếp nhận. Số liệu tổng hợp từ các "
        "báo cáo đã gửi và đã tiếp nhận."
    )


def _completeness_table(doc, summary: QuarterSummary) -> None:
    """The reports filed by kind of unit, with the total, when the scope has several kinds."""
    by_kind = summary.completeness.by_kind
    if not summary.scope.is_province or len(by_kind) < 2:
        return
    paragraph(doc, "Tình hình gửi báo cáo theo loại đơn vị:", indent=True, keep_with_next=True)
    headers = [
        "TT",
        "Loại đơn vị",
        "Phải gửi",
        "Đã gửi",
        "Đúng hạn",
        "Chậm hạn",
        "Chưa gửi",
        "Đã tiếp nhận",
    ]

    def figures(counts) -> list[str]:
        return [
            vn_number(value)
            for value in (
                counts.expected,
                counts.filed,
                counts.on_time,
                counts.late,
                counts.missing + counts.not_due,
                counts.accepted,
            )
        ]

    rows = [
        [str(index), KIND_TITLES.get(kind, label), *figures(counts)]
        for index, (kind, label, counts) in enumerate(by_kind, start=1)
    ]
    rows.append(["", "Cộng", *figures(summary.completeness.total)])
    grid_table(doc, headers, rows, [10, 47, 18, 18, 18, 18, 18, 18], "cl" + "r" * 6)
    paragraph(doc, "", space_after=0)


def _units_by_level(counts: list[tuple[str, int]]) -> str:
    """ "1.100 đơn vị cấp huyện, 4.000 đơn vị cấp xã" """
    return ", ".join(
        f"{vn_number(count)} đơn vị {LEVEL_TITLES.get(level, level)}" for level, count in counts
    )


def _abridged_sentence(narrative: ReportNarrative) -> str:
    last = ROMAN_NUMERALS[len(narrative.sections) - 1]
    printed = f"{vn_number(narrative.printed)} đơn vị"
    if len(narrative.printed_levels) == 1:
        printed += f" {LEVEL_TITLES.get(narrative.printed_levels[0][0], '')}".rstrip()
    else:
        printed += f" ({_units_by_level(narrative.printed_levels)})"
    return (
        f"Quý này có {vn_number(narrative.reports)} báo cáo được tổng hợp; để báo cáo gọn, các "
        f"phần từ I đến {last} dưới đây trích nội dung báo cáo của {printed}, theo thứ tự các "
        f"đơn vị của Ban; nội dung báo cáo của "
        f"{vn_number(narrative.reports - narrative.printed)} đơn vị còn lại xem {ELSEWHERE}."
    )


def _others_sentence(others: list[tuple[str, int]], *, after_entries: bool) -> str:
    total = vn_number(sum(count for _level, count in others))
    where = f"({_units_by_level(others)}) báo cáo nội dung này; xem chi tiết {ELSEWHERE}."
    if after_entries:
        return f"Ngoài ra, còn {total} đơn vị khác {where}"
    return f"Có {total} đơn vị {where}"


def consolidated_report_docx(*, summary: QuarterSummary, number: str = "") -> bytes:
    """The consolidated quarterly report: header, numbered sections compiled from
    the units' texts, the indicator table, signature and page numbers."""
    quarter = summary.quarter
    label = quarter_title(quarter.year, quarter.number)
    doc = party_document(
        kind_code="BC",
        number=number,
        title="BÁO CÁO",
        subject=f"Tình hình nhân dân và công tác dân vận {label}",
    )
    narrative = report_narrative(quarter=quarter, scope=summary.scope)
    paragraph(doc, _completeness_sentence(summary), indent=True)
    if not summary.scope.is_province:
        paragraph(
            doc,
            "Báo cáo này chỉ gồm số liệu và nội dung của đơn vị người lập được phép xem.",
            italic=True,
            indent=True,
        )
    _completeness_table(doc, summary)
    if narrative.is_abridged:
        paragraph(doc, _abridged_sentence(narrative), italic=True, indent=True)

    sections = narrative.sections
    for index, section in enumerate(sections):
        heading(doc, f"{ROMAN_NUMERALS[index]}. {SECTION_TITLES[section.name].upper()}")
        if section.name == "results":
            paragraph(
                doc,
                "Một số chỉ tiêu chủ yếu toàn tỉnh được tổng hợp tại bảng ở phần "
                f"{ROMAN_NUMERALS[len(sections)]} của báo cáo này.",
                indent=True,
                italic=True,
            )
        others = narrative.others.get(section.name)
        if not section.entries and not others:
            paragraph(doc, "Chưa có đơn vị nào báo cáo nội dung này.", italic=True, indent=True)
        for number_in_section, entry in enumerate(section.entries, start=1):
            paragraph(
                doc,
                f"{number_in_section}. {entry.unit_name}",
                bold=True,
                italic=True,
                indent=True,
                keep_with_next=True,
            )
            text_paragraphs(doc, entry.text)
        if others:
            paragraph(
                doc,
                _others_sentence(others, after_entries=bool(section.entries)),
                italic=True,
                indent=True,
            )

    heading(doc, f"{ROMAN_NUMERALS[len(sections)]}. MỘT SỐ CHỈ TIÊU CHỦ YẾU")
    headers, rows = _indicator_table_rows(summary)
    if rows:
        widths = [10, 60, 20, 19, 19, 19] + ([18] if len(headers) == 7 else [])
        if len(headers) == 6:
            widths[1] = 78
        grid_table(doc, headers, rows, widths, "clc" + "r" * (len(headers) - 3))
        paragraph(
            doc,
            "Ô để trống: không có đơn vị nào báo cáo số liệu. Chỉ tiêu tỷ lệ tính bình quân "
            "của các đơn vị báo cáo; chỉ tiêu thời điểm lấy số liệu cuối kỳ.",
            size=12,
            italic=True,
        )
    else:
        paragraph(doc, "Chưa có chỉ tiêu nào.", italic=True, indent=True)

    paragraph(
        doc,
        f"Trên đây là báo cáo tình hình nhân dân và công tác dân vận {label}./.",
        indent=True,
        keep_with_next=True,
    )
    signature_block(
        doc,
        recipients=[
            "- Thường trực Tỉnh ủy (để b/c),",
            "- Các đơn vị khối dân vận,",
            "- Lưu Văn phòng Ban.",
        ],
        # The signer's title; a setting where another body issues the report.
        signer_lines=[getattr(settings, "DOCUMENT_SIGNER_TITLE", "TRƯỞNG BAN")],
    )
    return to_bytes(doc)


# --- The indicator table as a spreadsheet -------------------------------------

_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEAD_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
NUMBER_FORMAT = "#,##0.##"
CHANGE_FORMAT = "+#,##0.##;-#,##0.##;0"


def _figure_headers(summary: QuarterSummary) -> list[str]:
    quarter = summary.quarter
    prev_year, prev_number = quarter.previous_key()
    headers = [
        f"Quý {ROMAN[quarter.number]}/{quarter.year}",
        f"Quý {ROMAN[prev_number]}/{prev_year}",
        "Tăng/giảm so quý trước",
        f"Quý {ROMAN[quarter.number]}/{quarter.year - 1} (cùng kỳ)",
        "Tăng/giảm so cùng kỳ",
    ]
    ytd = YTD_TITLES.get(quarter.number)
    if ytd:
        headers += [f"{ytd} {quarter.year}", f"{ytd} {quarter.year - 1}", "Tăng/giảm lũy kế"]
    return headers


def _figure_values(summary: QuarterSummary, row) -> list:
    values = [
        row.current,
        row.previous,
        row.change_previous,
        row.last_year,
        row.change_last_year,
    ]
    if YTD_TITLES.get(summary.quarter.number):
        values += [row.ytd, row.ytd_last_year, row.change_ytd]
    return values


def _indicator_columns(indicator) -> list:
    return [
        indicator.code,
        indicator.name,
        indicator.measure,
        "Lũy kế (cộng các quý)"
        if indicator.accumulation == Accumulation.FLOW
        else "Thời điểm (số cuối kỳ)",
        "Bình quân các đơn vị" if indicator.aggregation == Aggregation.MEAN else "Cộng các đơn vị",
    ]


def _number(value: Decimal | None):
    """A real number for the cell (int when whole), or None for an empty cell."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def xlsx_append(ws, values: list) -> None:
    """Append a row; typed text that starts with "=" stays text, never a formula.

    openpyxl turns such strings into formulas, which Excel would run on
    opening (formula injection from a title or a unit's name).
    """
    values = [xlsx_text(value) for value in values]
    ws.append(values)
    if any(isinstance(value, str) and value.startswith("=") for value in values):
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"


def xlsx_text(value):
    """A value as a sheet cell may hold it: text cleaned (``clean_text``), since openpyxl
    refuses the whole workbook over one control character; anything else as it is."""
    return clean_text(value) if isinstance(value, str) else value


def _text_cell(ws, value: str) -> WriteOnlyCell:
    """A write-only sheet's text cell; text that starts with "=" stays text, never a
    formula (see ``xlsx_append``)."""
    cell = WriteOnlyCell(ws, xlsx_text(value))
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _safe_text(ws, value: str | None):
    """The text itself, which a write-only sheet writes fastest, unless it starts with "="."""
    value = xlsx_text(value)
    if value and value.startswith("="):
        return _text_cell(ws, value)
    return value


def _start_sheet(ws, headers: list[str], *, widths, first_number_col: int, height: float):
    """Column widths, frozen header and name columns, A4 landscape, the header row.

    A write-only sheet writes its columns and panes before its first row.
    """
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"{get_column_letter(first_number_col)}2"
    ws.row_dimensions[1].height = height
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToHeight = 0
    header = []
    for title in headers:
        cell = _text_cell(ws, title)
        cell.font = _HEAD_FONT
        cell.fill = _HEAD_FILL
        cell.alignment = _HEAD_ALIGN
        header.append(cell)
    ws.append(header)


def _filter_all(ws, columns: int, rows: int) -> None:
    ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{rows + 1}"


def _write_sheet(ws, headers: list[str], rows: list[list], *, first_number_col: int, widths):
    """A short sheet: texts wrapped, numbers (from ``first_number_col`` on) formatted."""
    _start_sheet(ws, headers, widths=widths, first_number_col=first_number_col, height=45)
    change_cols = {
        index for index, title in enumerate(headers, start=1) if title.startswith("Tăng/giảm")
    }
    for values in rows:
        cells = []
        for column, value in enumerate(values, start=1):
            if isinstance(value, str):
                cell = _text_cell(ws, value)
                cell.alignment = _WRAP
            else:
                cell = WriteOnlyCell(ws, value)
                if column >= first_number_col:
                    cell.number_format = CHANGE_FORMAT if column in change_cols else NUMBER_FORMAT
            cells.append(cell)
        ws.append(cells)
    _filter_all(ws, len(headers), len(rows))


def _table_rows(summary: QuarterSummary, table: FigureTable, prefix: list) -> list[list]:
    return [
        [
            *prefix,
            *_indicator_columns(row.indicator),
            row.reporting_units,
            *[_number(value) for value in _figure_values(summary, row)],
        ]
        for row in table.rows
    ]


UNIT_COLUMNS = ["Đơn vị", "Loại đơn vị", "Cấp", "Trực thuộc"]


def _write_unit_sheet(ws, summary: QuarterSummary) -> None:
    """One row per unit with a counted report, one column per indicator: the unit's
    value this quarter, the values the first sheet adds up.

    Wide rather than one row per unit and indicator: at national scale that was
    800,000 rows, near Excel's limit, and half a minute to write.
    """
    indicators = summary.figures.indicators
    headers = UNIT_COLUMNS + [
        f"{indicator.name} ({indicator.measure}) [{indicator.code}]" for indicator in indicators
    ]
    first_number_col = len(UNIT_COLUMNS) + 1
    _start_sheet(
        ws,
        headers,
        widths=[40, 22, 10, 34] + [16] * len(indicators),
        first_number_col=first_number_col,
        height=90,
    )
    # One formatted cell per column, refilled row after row: a write-only sheet writes
    # each row as it is appended, and a new styled cell per value would double the time.
    number_cells = {}
    for position, indicator in enumerate(indicators, start=len(UNIT_COLUMNS)):
        cell = WriteOnlyCell(ws)
        cell.number_format = NUMBER_FORMAT
        number_cells[indicator.id] = (position, cell)
    level_titles = {level: title.capitalize() for level, title in LEVEL_TITLES.items()}
    empty = [None] * len(indicators)
    rows = 0
    for unit in quarter_unit_values(quarter=summary.quarter, scope=summary.scope):
        row = [
            _safe_text(ws, unit.unit_name),
            KIND_TITLES.get(unit.kind, unit.kind),
            level_titles.get(unit.level, unit.level),
            _safe_text(ws, unit.parent_name),
            *empty,
        ]
        for indicator_id, value in unit.values.items():
            if (column := number_cells.get(indicator_id)) is not None:
                position, cell = column
                cell.value = int(value) if value.is_integer() else value
                row[position] = cell
        ws.append(row)
        rows += 1
    _filter_all(ws, len(headers), rows)


def indicator_table_xlsx(*, summary: QuarterSummary) -> bytes:
    """Three sheets — the province, by kind of unit, by unit — of real numbers.

    Written in openpyxl's write-only mode, row by row, so that the by-unit sheet of
    a national scope stays fast and small in memory.
    """
    workbook = Workbook(write_only=True)
    indicator_headers = [
        "Mã",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Cách tính lũy kế",
        "Cách tổng hợp",
        "Số đơn vị báo cáo",
    ]
    figure_headers = _figure_headers(summary)
    figure_widths = [14] * len(figure_headers)

    province = workbook.create_sheet("Toàn tỉnh" if summary.scope.is_province else "Đơn vị của tôi")
    _write_sheet(
        province,
        indicator_headers + figure_headers,
        _table_rows(summary, summary.figures.province, []),
        first_number_col=len(indicator_headers),
        widths=[16, 50, 12, 18, 18, 10, *figure_widths],
    )

    by_kind = workbook.create_sheet("Theo loại đơn vị")
    kind_rows = []
    for table in summary.figures.tables[1:]:
        kind_rows += _table_rows(summary, table, [KIND_TITLES.get(table.key, table.label)])
    _write_sheet(
        by_kind,
        ["Loại đơn vị", *indicator_headers, *figure_headers],
        kind_rows,
        first_number_col=len(indicator_headers) + 1,
        widths=[24, 16, 50, 12, 18, 18, 10, *figure_widths],
    )

    _write_unit_sheet(workbook.create_sheet("Theo đơn vị"), summary)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
