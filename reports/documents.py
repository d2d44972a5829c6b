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
from collections import Counter, defaultdict

from django.utils import timezone, translation
from docx.enum.text import WD_ALIGN_PARAGRAPH

from common.documents.docx import (
    ROMAN_NUMERALS,
    grid_table,
    heading,
    paragraph,
    party_document,
    quarter_title,
    signature_block,
    text_paragraphs,
    to_bytes,
    vn_number,
)
from common.documents.xlsx import (
    HEADER_ROW,
    Book,
    Sheet,
    cell_number,
    column_name,
    filter_all,
    start_sheet,
    write_sheet,
)
from common.text import clean_text
from reports.aggregation import (
    FigureTable,
    QuarterSummary,
    ReportNarrative,
    quarter_unit_values,
    report_narrative,
)
from reports.issuers import issuer_on, issuing_commission
from reports.models import (
    Accumulation,
    Aggregation,
    ConsolidatedReport,
    Quarter,
    ReportSections,
    Unit,
    UnitKind,
    UnitLevel,
    UnitReport,
)
from reports.permissions import Scope
from reports.rules import ROMAN
from reports.selectors import ReportFigure

SECTION_TITLES = {
    "people_situation": "Tình hình nhân dân",
    "results": "Kết quả thực hiện nhiệm vụ",
    "shortcomings": "Hạn chế, nguyên nhân",
    "next_plan": "Phương hướng, nhiệm vụ quý tới",
    "recommendations": "Kiến nghị, đề xuất",
}
YTD_TITLES = {2: "6 tháng", 3: "9 tháng", 4: "Cả năm"}
KIND_TITLES: dict[str, str] = {  # by UnitKind value
    UnitKind.MASS_MOBILIZATION: "Ban Tuyên giáo và Dân vận",
    UnitKind.FRONT: "Mặt trận Tổ quốc",
    UnitKind.MASS_ORG: "Tổ chức chính trị - xã hội",
    UnitKind.ARMED_FORCES: "Lực lượng vũ trang",
    UnitKind.GOVERNMENT: "Chính quyền",
    UnitKind.PARTY_COMMITTEE: "Cấp ủy địa phương",  # districts were abolished on 01/07/2025
}
LEVEL_TITLES: dict[str, str] = {  # by UnitLevel value
    UnitLevel.PROVINCE: "cấp tỉnh",
    UnitLevel.DISTRICT: "cấp huyện",
    UnitLevel.COMMUNE: "cấp xã",
}
# Where a reader finds the texts an abridged report leaves out.
ELSEWHERE = "trên hệ thống (trang tổng hợp quý và báo cáo của từng đơn vị)"


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


def _whose_figures(scope: Scope) -> str:
    """Whose indicators the report sums up, as the first sheet of the workbook names them."""
    if scope.is_everything:
        return "toàn tỉnh"
    return "của các đơn vị trong phạm vi theo dõi" if scope.oversees else "của đơn vị"


def completeness_sentence(summary: QuarterSummary) -> str:
    """How many units filed, on time, late, missing, accepted: the report's first
    paragraph, and a sentence the drafting page inserts."""
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


def _sample_sentence(sample: int) -> str:
    return (
        f"[Dữ liệu mẫu] {vn_number(sample)} báo cáo được tổng hợp là dữ liệu mẫu do bản "
        "trình diễn tạo ra, không phải báo cáo thật của đơn vị; số liệu và nội dung từ các "
        "báo cáo đó không phải số liệu thật."
    )


def _completeness_table(doc, summary: QuarterSummary) -> None:
    """The reports filed by kind of unit, with the total, when the scope has several kinds."""
    by_kind = summary.completeness.by_kind
    if not summary.scope.oversees or len(by_kind) < 2:
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
        [str(index), KIND_TITLES.get(kind, str(label)), *figures(counts)]
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


def consolidated_report_docx(
    *,
    summary: QuarterSummary,
    day: datetime.date,
    number: str = "",
    commission: Unit | None = None,
    written: ConsolidatedReport | None = None,
) -> bytes:
    """The consolidated quarterly report, dated ``day`` and issued by the scope's
    commission as it stood then: header, the completeness of the reports, the five
    sections, the indicator table, signature and page numbers.

    With the ``commission`` whose report it is (``reports.selectors.drafting_commission``)
    the sections are what it wrote on the drafting page (``written``, a draft marked
    "DỰ THẢO" until final), and the units' own texts are an annex when it chose so or
    wrote nothing yet. Without (unit staff), the sections hold the texts of the units
    in scope, each under its name.
    """
    quarter = summary.quarter
    label = quarter_title(quarter.year, quarter.number)
    # The commission whose report it is issues it; for unit staff, their tree's.
    issuer = issuer_on(commission or issuing_commission(summary.scope), day)
    doc = _quarter_report(
        issuer,
        day=day,
        number=number,
        label=label,
        draft=commission is not None and not (written and written.is_final),
    )
    narrative = report_narrative(quarter=quarter, scope=summary.scope)
    paragraph(doc, completeness_sentence(summary), indent=True)
    if summary.completeness.total.sample:
        paragraph(
            doc, _sample_sentence(summary.completeness.total.sample), italic=True, indent=True
        )
    if not summary.scope.oversees:
        paragraph(
            doc,
            "Báo cáo này chỉ gồm số liệu và nội dung của đơn vị người lập được phép xem.",
            italic=True,
            indent=True,
        )
    _completeness_table(doc, summary)
    sections = UnitReport.SECTIONS
    annex = commission is not None and (written is None or written.units_annex)
    if commission is None:
        if narrative.is_abridged:
            paragraph(doc, _abridged_sentence(narrative), italic=True, indent=True)
        _unit_texts(doc, summary, narrative)
    else:
        for index, name in enumerate(sections):
            heading(doc, f"{ROMAN_NUMERALS[index]}. {SECTION_TITLES[name].upper()}")
            if name == "results":
                _figures_pointer(doc, summary)
            text = getattr(written, name, "") if written else ""
            if text.strip():
                text_paragraphs(doc, text)
            else:
                paragraph(doc, "(Phần này chưa được soạn thảo.)", italic=True, indent=True)
        if annex:
            paragraph(
                doc,
                "Nội dung báo cáo của từng đơn vị xem Phụ lục kèm theo.",
                italic=True,
                indent=True,
            )

    heading(doc, f"{ROMAN_NUMERALS[len(sections)]}. MỘT SỐ CHỈ TIÊU CHỦ YẾU")
    _indicator_table(doc, summary)
    paragraph(
        doc,
        f"Trên đây là báo cáo tình hình nhân dân và công tác dân vận {label}./.",
        indent=True,
        keep_with_next=True,
    )
    signature_block(doc, issuer)
    if annex:
        _annex(doc, summary, narrative, label)
    return to_bytes(doc)


def _quarter_report(issuer, *, day: datetime.date, number: str, label: str, draft: bool):
    """A new "BÁO CÁO / Tình hình nhân dân và công tác dân vận quý …" of ``issuer``."""
    return party_document(
        issuer=issuer,
        day=day,
        kind_code="BC",
        number=number,
        title="BÁO CÁO",
        subject=f"Tình hình nhân dân và công tác dân vận {label}",
        draft=draft,
    )


def _figures_pointer(doc, summary: QuarterSummary) -> None:
    paragraph(
        doc,
        f"Một số chỉ tiêu chủ yếu {_whose_figures(summary.scope)} được tổng hợp tại "
        f"bảng ở phần {ROMAN_NUMERALS[len(UnitReport.SECTIONS)]} của báo cáo này.",
        indent=True,
        italic=True,
    )


def _unit_texts(doc, summary: QuarterSummary, narrative: ReportNarrative) -> None:
    """The five sections, each with the units' texts under their names as filed."""
    for index, section in enumerate(narrative.sections):
        heading(doc, f"{ROMAN_NUMERALS[index]}. {SECTION_TITLES[section.name].upper()}")
        if section.name == "results":
            _figures_pointer(doc, summary)
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


def _annex(doc, summary: QuarterSummary, narrative: ReportNarrative, label: str) -> None:
    """After the signature, on a new page: the units' own texts, as submitted."""
    title = paragraph(
        doc, "PHỤ LỤC", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0
    )
    title.paragraph_format.page_break_before = True
    paragraph(
        doc,
        f"NỘI DUNG BÁO CÁO CỦA CÁC ĐƠN VỊ {label.upper()}",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=0,
    )
    paragraph(
        doc,
        "(Kèm theo báo cáo tình hình nhân dân và công tác dân vận "
        f"{label}; nội dung như các đơn vị đã gửi)",
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=12,
    )
    if narrative.is_abridged:
        paragraph(doc, _abridged_sentence(narrative), italic=True, indent=True)
    _unit_texts(doc, summary, narrative)


def _indicator_table(doc, summary: QuarterSummary) -> None:
    headers, rows = _indicator_table_rows(summary)
    if not rows:
        paragraph(doc, "Chưa có chỉ tiêu nào.", italic=True, indent=True)
        return
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
    with translation.override("vi"):
        for comparison in summary.figures.province.comparisons:
            paragraph(doc, comparison.sentence(), size=12, italic=True)
    if summary.figures.includes:
        paragraph(
            doc,
            "Số liệu các quý trước gồm số liệu của "
            f"{'; '.join(summary.figures.includes)} trước khi sắp xếp, tổ chức lại.",
            size=12,
            italic=True,
        )


def figure_sentences(summary: QuarterSummary) -> list[str]:
    """Each main figure of the quarter as a sentence the drafting page inserts: "Tổ chức
    tuyên truyền: 1.234 buổi (quý trước: 1.000; cùng kỳ năm 2023: 900)."; where the
    other quarter's units were not the same, on how many units each side rests."""
    quarter = summary.quarter
    table = summary.figures.province
    sentences = []
    for row in table.rows:
        if row.current is None:
            continue
        compared = [
            _compared_with(f"{label}: {vn_number(value)}", units, row, comparison)
            for label, value, units, comparison in (
                ("quý trước", row.previous, row.previous_units, table.comparisons.previous),
                (
                    f"cùng kỳ năm {quarter.year - 1}",
                    row.last_year,
                    row.last_year_units,
                    table.comparisons.last_year,
                ),
            )
            if value is not None
        ]
        compared_text = "; ".join(part for part in compared if part)
        sentence = f"{row.indicator.name}: {vn_number(row.current)} {row.indicator.measure}"
        if row.indicator.aggregation == Aggregation.MEAN:
            sentence += " (bình quân các đơn vị)"
        sentences.append(sentence + (f" ({compared_text})" if compared_text else "") + ".")
    return sentences


def _compared_with(text: str, units: int, row, comparison) -> str:
    """ "quý trước: 369", and when the units differ, "quý trước: 369 của 14 đơn vị, quý
    này của 1 đơn vị": a reader must not take the difference for a change."""
    if comparison.whole and units == row.reporting_units:
        return text
    return f"{text} của {units} đơn vị, quý này của {row.reporting_units} đơn vị"


# --- One unit's report -------------------------------------------------------------


def unit_report_docx(
    *,
    unit: Unit,
    quarter: Quarter,
    text: ReportSections,
    figures: list[ReportFigure],
    day: datetime.date,
    number: str = "",
    draft: bool = False,
    sample: bool = False,
) -> bytes:
    """One unit's quarterly report as a document of that unit, dated ``day``: the
    header in its own style (the Party's or the state's, ``reports.issuers.style_of``),
    the five sections, its indicator values, the signature. ``text`` is what the
    reader may read of it (a submitted version, or the unit's working text, then
    marked "DỰ THẢO" while not submitted); a ``sample`` report says it is one."""
    label = quarter_title(quarter.year, quarter.number)
    issuer = issuer_on(unit, day)
    doc = _quarter_report(issuer, day=day, number=number, label=label, draft=draft)
    if sample:
        paragraph(
            doc,
            "[Dữ liệu mẫu] Báo cáo này do bản trình diễn tạo ra, không phải báo cáo thật của "
            "đơn vị: nội dung và số liệu không phải số liệu thật.",
            italic=True,
            indent=True,
        )
    sections = UnitReport.SECTIONS
    for index, name in enumerate(sections):
        heading(doc, f"{ROMAN_NUMERALS[index]}. {SECTION_TITLES[name].upper()}")
        written = getattr(text, name)
        if written.strip():
            text_paragraphs(doc, written)
        else:
            paragraph(doc, "(Không báo cáo nội dung này.)", italic=True, indent=True)
    heading(doc, f"{ROMAN_NUMERALS[len(sections)]}. MỘT SỐ CHỈ TIÊU")
    if figures:
        grid_table(
            doc,
            [
                "TT",
                "Chỉ tiêu",
                "Đơn vị tính",
                f"Quý {ROMAN[quarter.number]}/{quarter.year}",
                "Ghi chú",
            ],
            [
                [str(index), figure.name, figure.measure, vn_number(figure.value), figure.note]
                for index, figure in enumerate(figures, start=1)
            ],
            [10, 62, 22, 24, 47],
            "clcrl",
        )
    else:
        paragraph(doc, "(Không báo cáo số liệu.)", italic=True, indent=True)
    paragraph(
        doc,
        f"Trên đây là báo cáo tình hình nhân dân và công tác dân vận {label} của "
        f"{unit.name_on(day)}./.",
        indent=True,
        keep_with_next=True,
    )
    signature_block(doc, issuer)
    return to_bytes(doc)


# --- The indicator table as a spreadsheet -------------------------------------


def _figure_headers(summary: QuarterSummary) -> list[str]:
    """This quarter, then each period it is compared with: its figure and units, the
    change on the units present in both, and what that change rests on."""
    quarter = summary.quarter
    prev_year, prev_number = quarter.previous_key()
    previous = f"Quý {ROMAN[prev_number]}/{prev_year}"
    last_year = f"Quý {ROMAN[quarter.number]}/{quarter.year - 1} (cùng kỳ)"
    headers = [
        f"Quý {ROMAN[quarter.number]}/{quarter.year}",
        previous,
        f"Số đơn vị báo cáo {previous}",
        "Tăng/giảm so quý trước",
        "Cơ sở so sánh với quý trước",
        last_year,
        "Số đơn vị báo cáo cùng kỳ",
        "Tăng/giảm so cùng kỳ",
        "Cơ sở so sánh với cùng kỳ",
    ]
    ytd = YTD_TITLES.get(quarter.number)
    if ytd:
        headers += [
            f"{ytd} {quarter.year}",
            f"{ytd} {quarter.year - 1}",
            "Tăng/giảm lũy kế",
            "Cơ sở so sánh lũy kế",
        ]
    return headers


def _figure_values(table: FigureTable, row) -> list:
    comparisons = table.comparisons
    with translation.override("vi"):
        values = [
            cell_number(row.current),
            cell_number(row.previous),
            row.previous_units,
            cell_number(row.change_previous),
            comparisons.previous.basis(),
            cell_number(row.last_year),
            row.last_year_units,
            cell_number(row.change_last_year),
            comparisons.last_year.basis(),
        ]
        if comparisons.ytd:
            values += [
                cell_number(row.ytd),
                cell_number(row.ytd_last_year),
                cell_number(row.change_ytd),
                comparisons.ytd.basis(),
            ]
    return values


def _indicator_columns(indicator) -> list:
    return [
        indicator.name,
        indicator.code,
        indicator.measure,
        "Lũy kế (cộng các quý)"
        if indicator.accumulation == Accumulation.FLOW
        else "Thời điểm (số cuối kỳ)",
        "Bình quân các đơn vị" if indicator.aggregation == Aggregation.MEAN else "Cộng các đơn vị",
    ]


def _table_rows(table: FigureTable, prefix: list) -> list[list]:
    return [
        [
            *prefix,
            *_indicator_columns(row.indicator),
            row.reporting_units,
            *_figure_values(table, row),
        ]
        for row in table.rows
    ]


UNIT_COLUMNS = ["Đơn vị", "Loại đơn vị", "Cấp", "Trực thuộc"]
UNIT_WIDTHS = [40, 22, 10, 34]
INDICATOR_WIDTH = 16
GROUP_ROW = HEADER_ROW - 1  # the groups' names above the header, where there are groups
# A printed page of the per-unit sheet holds the units' columns and at most this many
# indicators: a page of thirty columns could not be read.
PRINTED_INDICATORS = 10


def _printed_pages(indicators: list) -> list[list]:
    """The indicators of each printed page across the per-unit sheet: all of them when
    few, else whole groups (``Indicator.group``) side by side in the indicators' order,
    as many as fit ``PRINTED_INDICATORS`` (a larger group has a page of its own)."""
    if len(indicators) <= PRINTED_INDICATORS:
        return [list(indicators)]
    pages: list[list] = []
    for members in _groups(indicators).values():
        if pages and len(pages[-1]) + len(members) <= PRINTED_INDICATORS:
            pages[-1].extend(members)
        else:
            pages.append(list(members))
    return pages


def _groups(indicators: list) -> dict[str, list]:
    """The indicators by group, in their order; "Khác" for those of none."""
    groups: dict[str, list] = {}
    for indicator in indicators:
        groups.setdefault(indicator.group or "Khác", []).append(indicator)
    return groups


def _column_points(width: float) -> float:
    """A column ``width`` characters wide, in points (Excel's Calibri 11: 7 pixels a
    character and 5 of padding, at 96 pixels an inch)."""
    return (int(width * 7 + 0.5) + 5) * 0.75


A4_LANDSCAPE_POINTS = (297 / 25.4 - 2 * 0.7) * 72  # its width inside the default margins


def _print_by_group(sheet: Sheet, indicators: list) -> None:
    """Many indicators: their groups named above the header (row ``GROUP_ROW``), printed
    a page of groups at a time (``_printed_pages``) with the units' columns and the
    header rows on every page, at one scale that fits the widest page."""
    ws, column = sheet.ws, len(UNIT_COLUMNS)
    for named, members in _groups(indicators).items():
        group, last = clean_text(named), column + len(members) - 1
        if last > column:
            ws.merge_range(GROUP_ROW - 1, column, GROUP_ROW - 1, last, group, sheet.book.head)
        else:
            ws.write_string(GROUP_ROW - 1, column, group, sheet.book.head)
        column = last + 1
    pages = _printed_pages(indicators)
    breaks, column = [], len(UNIT_COLUMNS)
    for page in pages[:-1]:
        column += len(page)
        breaks.append(column)
    ws.set_v_pagebreaks(breaks)
    ws.repeat_columns(0, len(UNIT_COLUMNS) - 1)
    ws.repeat_rows(GROUP_ROW - 1, HEADER_ROW - 1)
    units = sum(_column_points(width) for width in UNIT_WIDTHS)
    widest = units + max(len(page) for page in pages) * _column_points(INDICATOR_WIDTH)
    # A tenth to spare: the widths are estimates, and a page that overflows would split a
    # group where the page ends rather than at the break. Excel's scale starts at 10%:
    # a group of some sixty indicators prints across pages.
    ws.set_print_scale(max(10, min(100, int(90 * A4_LANDSCAPE_POINTS / widest))))


def _write_unit_sheet(book: Book, summary: QuarterSummary) -> None:
    """One row per unit with a counted report, one column per indicator: the unit's
    value this quarter, the values the first sheet adds up. With many indicators it
    is printed a group of indicators at a time (``_print_by_group``).

    Wide rather than one row per unit and indicator: at national scale that was
    800,000 rows, near Excel's limit, and half a minute to write. One sheet rather
    than one per group: the units' names, kinds, levels and parents written once, not
    once a sheet (at national scale the cells are the workbook's time: 650,000 on five
    sheets took 5.3 s, 360,000 on one 3.5 s), and one filter shows a unit's every figure.
    """
    indicators = list(summary.figures.indicators)
    many = len(indicators) > PRINTED_INDICATORS
    if many:  # each group's indicators side by side, under its name
        indicators = [i for members in _groups(indicators).values() for i in members]
    sheet = book.sheet("Theo đơn vị")
    start_sheet(
        sheet,
        UNIT_COLUMNS + [f"{i.name} ({i.measure})" for i in indicators],
        widths=UNIT_WIDTHS + [INDICATOR_WIDTH] * len(indicators),
        first_number_col=len(UNIT_COLUMNS) + 1,
        height=90,
        titles=_indicator_titles(summary, "theo đơn vị (số liệu quý của từng đơn vị)"),
        fit=not many,
    )
    if many:
        _print_by_group(sheet, indicators)
    columns = {i.id: column for column, i in enumerate(indicators, start=len(UNIT_COLUMNS))}
    level_titles = {level: title.capitalize() for level, title in LEVEL_TITLES.items()}
    write_string, write_number, number = sheet.ws.write_string, sheet.ws.write_number, book.number
    rows = 0
    sums: dict[int, float] = defaultdict(float)
    counts: Counter[int] = Counter()
    units = quarter_unit_values(quarter=summary.quarter, scope=summary.scope)
    for row, unit in enumerate(units, start=HEADER_ROW):  # from 0: the row under the header
        texts = (
            clean_text(unit.unit_name),
            KIND_TITLES.get(unit.kind, unit.kind),
            level_titles.get(unit.level, unit.level),
            clean_text(unit.parent_name or ""),
        )
        for column, text in enumerate(texts):
            if text:
                write_string(row, column, text)
        for indicator_id, value in unit.values.items():
            if (position := columns.get(indicator_id)) is not None:
                write_number(row, position, value, number)
                sums[indicator_id] += value
                counts[indicator_id] += 1
        rows += 1
    sheet.row += rows
    filter_all(sheet, len(UNIT_COLUMNS) + len(indicators), rows)
    if rows:
        totals = {i.id: _total(i, sums[i.id], counts[i.id]) for i in indicators}
        _total_row(sheet, indicators, first_col=len(UNIT_COLUMNS) + 1, rows=rows, totals=totals)


def _total(indicator, total: float, count: int) -> float | str:
    """What the total row's formula gives over every row: a sum, or a mean of the values
    given; nothing when no unit gave one (as the sheet's note says of an empty cell)."""
    if not count:
        return ""
    return total / count if indicator.aggregation == Aggregation.MEAN else total


def _total_row(
    sheet: Sheet, indicators, *, first_col: int, rows: int, totals: dict[int, float | str]
) -> None:
    """Under the units, their total as Excel computes it over the rows shown: SUBTOTAL, so
    that a filter (one kind, one level) totals what it shows; a mean for a rate. Empty
    where no unit shown gave a figure (SUBTOTAL's count, function 2), not a sum of 0 or
    the mean's "#DIV/0!".

    Each formula carries its value over every row (``totals``), as Excel would have
    saved it: a viewer that does not compute formulas on opening (LibreOffice by
    default, a phone's preview) shows it rather than 0."""
    first, last = HEADER_ROW + 1, HEADER_ROW + rows
    book, row = sheet.book, sheet.row
    sheet.ws.write_string(row, 0, "Cộng (các đơn vị đang hiển thị)", book.bold)
    for position, indicator in enumerate(indicators, start=first_col):
        column = column_name(position)
        function = 1 if indicator.aggregation == Aggregation.MEAN else 9
        cells = f"{column}{first}:{column}{last}"
        formula = f'=IF(SUBTOTAL(2,{cells})=0,"",SUBTOTAL({function},{cells}))'
        sheet.ws.write_formula(row, position - 1, formula, book.total, totals[indicator.id])
    sheet.row += 1


def _sheet_name(scope: Scope) -> str:
    """The first sheet: the province, the subtrees a user oversees, or their own units."""
    if scope.is_everything:
        return "Toàn tỉnh"
    return "Phạm vi theo dõi" if scope.oversees else "Đơn vị của tôi"


def _indicator_titles(summary: QuarterSummary, what: str) -> list[str]:
    """The rows above an indicator sheet: what, of which quarter and whom, from what."""
    quarter = summary.quarter
    label = quarter_title(quarter.year, quarter.number)
    filed = summary.completeness.total.filed
    return [
        "BẢNG TỔNG HỢP MỘT SỐ CHỈ TIÊU CÔNG TÁC DÂN VẬN",
        f"{label[0].upper()}{label[1:]}: {what}",
        f"Nguồn: báo cáo quý của {vn_number(filed)} đơn vị đã gửi; số liệu tính đến ngày "
        f"{timezone.localdate():%d/%m/%Y}.",
        "Ô để trống: không có đơn vị nào báo cáo số liệu. Chỉ tiêu tỷ lệ tính bình quân của "
        "các đơn vị báo cáo; chỉ tiêu thời điểm lấy số liệu cuối kỳ."
        + (f" {_sample_sentence(sample)}" if (sample := summary.completeness.total.sample) else ""),
    ]


def indicator_table_xlsx(*, summary: QuarterSummary) -> bytes:
    """Three sheets — the province, by kind of unit, by unit — of real numbers, each
    under its title rows (``common.documents.xlsx.title_rows``).

    Written row by row with XlsxWriter (``common.documents.xlsx``), so that the by-unit
    sheet of a national scope takes seconds.
    """
    book = Book()
    indicator_headers = [
        "Chỉ tiêu",
        "Mã",
        "Đơn vị tính",
        "Cách tính lũy kế",
        "Cách tổng hợp",
        "Số đơn vị báo cáo",
    ]
    figure_headers = _figure_headers(summary)
    figure_widths = [32 if title.startswith("Cơ sở") else 14 for title in figure_headers]

    name = _sheet_name(summary.scope)
    province = book.sheet(name)
    write_sheet(
        province,
        indicator_headers + figure_headers,
        _table_rows(summary.figures.province, []),
        first_number_col=len(indicator_headers),
        widths=[50, 14, 12, 18, 18, 10, *figure_widths],
        titles=_indicator_titles(summary, name.lower()),
    )

    by_kind = book.sheet("Theo loại đơn vị")
    kind_rows = []
    for table in summary.figures.tables[1:]:
        kind_rows += _table_rows(table, [KIND_TITLES.get(table.key, table.label)])
    write_sheet(
        by_kind,
        ["Loại đơn vị", *indicator_headers, *figure_headers],
        kind_rows,
        first_number_col=len(indicator_headers) + 1,
        widths=[24, 50, 14, 12, 18, 18, 10, *figure_widths],
        titles=_indicator_titles(summary, "theo loại đơn vị"),
    )

    _write_unit_sheet(book, summary)
    return book.to_bytes()
