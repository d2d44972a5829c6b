"""The Party's document style (Hướng dẫn 36-HD/VPTW) in python-docx: the A4 page, the
header blocks, numbered lines, body paragraphs, tables and the signature block.

The documents are Vietnamese administrative papers whatever the interface language,
so their fixed wording is Vietnamese.
"""

import copy
import datetime
import functools
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from common.numbers import format_figure, query_int
from common.text import clean_text

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
BODY_PT = 14
ROMAN_NUMERALS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


# --- The issuer ------------------------------------------------------------------


@dataclass(frozen=True)
class Issuer:
    """What a document prints of its issuer, every text as printed (made from the
    issuing unit by ``reports.issuers.issuer_on``)."""

    superior: str  # the header's upper line, in capitals ("TỈNH ỦY QUẢNG NINH")
    name: str  # the header's lower line, in capitals ("BAN TUYÊN GIÁO VÀ DÂN VẬN")
    symbol: str  # "BTGDVTU", after the kind in the number ("Số 12-BC/BTGDVTU")
    place: str  # "Quảng Ninh", before the date
    signer_lines: tuple[str, ...]  # "T/L BAN THƯỜNG VỤ", "CHÁNH VĂN PHÒNG"
    signer_name: str
    recipients: tuple[str, ...]  # "- Thường trực Tỉnh ủy (để b/c),", …, "- Lưu Văn phòng Tỉnh ủy."
    author: str  # the unit's full name on the date, for the file's properties
    # The Party's rules (36-HD/VPTW) or the state's (NĐ 30/2020, as the Front, the mass
    # organisations and the armed forces write): the header, the number, the signature.
    party: bool = True
    motto: tuple[str, ...] = ()  # the right-hand heading, when not the style's own


# --- Vietnamese wording of numbers, dates and quarters ------------------------


def quarter_title(year: int, number: int) -> str:
    """ "quý I/2024", as written in a document's text."""
    return f"quý {ROMAN_NUMERALS[number - 1]}/{year}"


def vn_number(value: Decimal | int | None) -> str:
    """1.234.567,5 — the Vietnamese way; empty for a missing figure."""
    return format_figure(value, language="vi")


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


def document_symbol(issuer: Issuer, number: str, kind_code: str) -> str:
    """What a document of ``issuer`` is cited by, in its header and its annexes:
    "12-BC/BDVTU", or "    -BC/BDVTU" with room for the number; in the state style
    "12/BC-HND"."""
    code = issuer.symbol or BLANK
    if not issuer.party:
        return f"{number or '    '}/{kind_code}-{code}"
    return f"{number or '    '}-{kind_code}/{code}"


def number_line(issuer: Issuer, number: str, kind_code: str) -> str:
    """ "Số 12-BC/BDVTU" (no colon); in the state style "Số: 12/BC-HND"."""
    symbol = document_symbol(issuer, number, kind_code)
    return f"Số {symbol}" if issuer.party else f"Số: {symbol}"


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
    the whole document. Each paragraph is a copy of a formatted one made once per
    formatting (``_prototype``): formatting each with python-docx took most of the
    time of writing a long document.
    """
    text = clean_text(text)
    formatted = _prototype(
        (size, bold, italic, underline, align, indent, space_after, keep_with_next, bool(text))
    )
    element = copy.deepcopy(formatted)
    para = _add_paragraph(container, element)
    if text:
        _set_text(element.r_lst[0], text)
    return para


def _set_text(run, text: str) -> None:
    """``run.text = text`` (a ``w:r``'s), in one ``w:t`` when the text holds no tab or line
    break: python-docx's setter reads the text a character at a time to find them
    (440 µs for a section of 2,000 characters; 60 µs so)."""
    if "\t" in text or "\n" in text or "\r" in text:
        run.text = text
        return
    run.clear_content()
    if text:
        run.add_t(text)


@functools.cache
def _scratch():
    """A document the prototypes are made in (python-docx reads its template once)."""
    return Document()


@functools.lru_cache(maxsize=256)
def _prototype(formatting: tuple):
    """A formatted paragraph (with its run when it has text) to copy: see ``paragraph``."""
    size, bold, italic, underline, align, indent, space_after, keep_with_next, has_run = formatting
    para = _scratch().add_paragraph()
    para.alignment = align
    fmt = para.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(space_after)
    if indent:
        fmt.first_line_indent = Mm(10)
    if keep_with_next:
        fmt.keep_with_next = True
    if has_run:
        _set_run_font(para.add_run(), size=size, bold=bold, italic=italic, underline=underline)
    return para._p


def _add_paragraph(container, para) -> Paragraph:
    """``para`` (a ``w:p``) added at the end of ``container``, in constant time.

    python-docx finds the place of a body paragraph (before the closing ``w:sectPr``)
    by scanning the body's children, which made a document of n paragraphs take O(n²)
    time; the sectPr is the body's last child, reached at once.
    """
    if not isinstance(container, DocxDocument):
        container._element.append(para)  # a table cell or a header: at its end
        return Paragraph(para, container)
    body = container.element.body
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


def _set_widths(table, widths_mm: Sequence[float]) -> None:
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
    issuer: Issuer,
    day: datetime.date,
    kind_code: str,
    number: str,
    title: str,
    subject: str,
    draft: bool = False,
):
    """A new A4 document with the Party header blocks, the title and the subject.

    Left: the issuer's superior (capitals, 14) over the issuer (bold, 14), a star
    and the number "Số 12-BC/BTGDVTU" (no colon). Right: "ĐẢNG CỘNG SẢN VIỆT NAM"
    (bold, 15, underlined) and the place and date line in italics, dated ``day``
    (the document's own date, never the download's). An issuer of the state style
    (``Issuer.party`` false) gets that style's header instead: its name under its
    superior and a rule, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh
    phúc" (or its own ``motto``) and "Số: 12/BC-HND". Page numbers are a PAGE field
    in the header from the second page on. The text is marked Vietnamese and the
    file's properties name the issuer and the date.
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
    _mark_vietnamese(doc)
    _set_properties(doc, issuer=issuer, day=day, title=f"{title} {subject}")

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
    # Wider than the text, centred on it; the state's motto needs the wider right side.
    _set_widths(header, [80, 92] if issuer.party else [70, 104])
    left, right = header.rows[0].cells
    number_text = number_line(issuer, number, kind_code)
    if issuer.party:
        _cell_paragraph(left, issuer.superior or BLANK, size=14)
        _cell_paragraph(left, issuer.name or BLANK, size=14, bold=True)
        _cell_paragraph(left, "*", size=14)
        _cell_paragraph(left, number_text)
        for line in issuer.motto or ("ĐẢNG CỘNG SẢN VIỆT NAM",):
            _cell_paragraph(right, line, size=15, bold=True, underline=True)
        _cell_paragraph(right, "", size=14)
        _cell_paragraph(right, "", size=8)
    else:
        # NĐ 30/2020: the body's name under its superior, a short rule; the country's
        # name and motto, a rule; "Số:" with its colon.
        _cell_paragraph(left, issuer.superior or BLANK, size=13)
        _cell_paragraph(left, issuer.name or BLANK, size=13, bold=True)
        _cell_paragraph(left, RULE, size=8)
        _cell_paragraph(left, number_text, size=13)
        motto = issuer.motto or (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
        )
        _cell_paragraph(right, motto[0], size=12, bold=True)
        for line in motto[1:]:
            _cell_paragraph(right, line, size=14, bold=True)
        _cell_paragraph(right, RULE, size=8)
    _cell_paragraph(right, date_line(issuer.place or BLANK, day), italic=True)

    paragraph(doc, "", space_after=6)
    paragraph(doc, title, size=16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    paragraph(doc, subject, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    paragraph(doc, "-----", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    return doc


# What a document prints where its issuer's details were not kept: room to write by hand.
BLANK = "…………"
# The short rule under a heading in the state style.
RULE = "—————"


def _mark_vietnamese(doc) -> None:
    """Every run of the document in Vietnamese (vi-VN), so that a spelling checker
    reads it as Vietnamese, not as misspelt English."""
    languages = [*doc.styles.element.iter(qn("w:lang"))]
    languages += doc.settings.element.iter(qn("w:themeFontLang"))
    for lang in languages:
        lang.set(qn("w:val"), "vi-VN")
        lang.set(qn("w:eastAsia"), "vi-VN")
    normal = doc.styles["Normal"].element.get_or_add_rPr()
    if normal.find(qn("w:lang")) is None:
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "vi-VN")
        lang.set(qn("w:eastAsia"), "vi-VN")
        normal.append(lang)


def _set_properties(doc, *, issuer: Issuer, day: datetime.date, title: str) -> None:
    """The file's properties name the issuer and the document's date, not the tool."""
    properties = doc.core_properties
    stamp = datetime.datetime.combine(day, datetime.time(8, 0), tzinfo=datetime.UTC)
    properties.author = properties.last_modified_by = clean_text(issuer.author or issuer.name)
    properties.title = clean_text(title)
    properties.subject = properties.keywords = properties.comments = ""
    properties.category = ""
    properties.language = "vi-VN"
    properties.created = properties.modified = stamp
    properties.last_printed = stamp
    properties.revision = 1
    # python-docx's template also says "Microsoft Macintosh Word" and carries its own
    # thumbnail: an application of our name, and no thumbnail.
    package = doc.part.package
    for part in package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = APP_PROPERTIES
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel_id)


APP_PROPERTIES = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    b"<Application>D\xc3\xa2n v\xe1\xba\xadn</Application><DocSecurity>0</DocSecurity></Properties>"
)


def heading(doc, text: str) -> None:
    paragraph(doc, text, bold=True, indent=True, keep_with_next=True)


def text_paragraphs(doc, text: str) -> None:
    """The lines of a unit's text as body paragraphs (14, justified, indented)."""
    for line in text.splitlines():
        if line.strip():
            paragraph(doc, line.strip(), indent=True)


def signature_block(doc, issuer: Issuer) -> None:
    """ "Nơi nhận:" on the left (14, underlined; the recipients in 12, one a line, a
    comma after each and a full stop after the last, "- Lưu …"), the signer on the
    right: capacity and title in bold capitals, room to sign, the name in bold.

    The paragraph before it goes with it to the next page if it must, so that the
    signature never stands alone on the last page."""
    body = doc.element.body
    before = [child for child in body.iterchildren() if child.tag != qn("w:sectPr")][-1:]
    if before and before[0].tag == qn("w:p"):
        Paragraph(before[0], doc._body).paragraph_format.keep_with_next = True
    paragraph(doc, "", space_after=0, keep_with_next=True)
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    _set_widths(table, [80, 85])
    _keep_rows_whole(table)
    left, right = table.rows[0].cells
    if issuer.party:
        _cell_paragraph(left, "Nơi nhận:", size=14, underline=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        blank = (f"- {BLANK},", f"- Lưu {BLANK}.")
    else:  # NĐ 30/2020: bold italic 12, the recipients in 11
        _cell_paragraph(
            left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT
        )
        blank = (f"- {BLANK};", f"- Lưu: VT, {BLANK}.")
    for line in issuer.recipients or blank:
        _cell_paragraph(left, line, size=12 if issuer.party else 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in issuer.signer_lines or (BLANK,):
        _cell_paragraph(right, line, size=14, bold=True)
    for _blank in range(4):
        _cell_paragraph(right, "", size=14)
    _cell_paragraph(right, issuer.signer_name or BLANK, size=14, bold=True)


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
    doc, headers: list[str], rows: list[list[str]], widths_mm: Sequence[float], aligns: str
) -> None:
    """A bordered table, its header row bold, shaded and repeated on every page.

    ``aligns`` gives each column's alignment: "l", "c" or "r" (numbers to the right).
    The body rows are copies of one row formatted once, each given its texts: a row
    formatted cell by cell with python-docx took most of the time of a long table.
    """
    table = doc.add_table(rows=1, cols=len(headers))
    # By its id: python-docx finds a style given by name by searching every style.
    table._tbl.tblStyle_val = _table_grid_id()
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_paragraph(cell, text, size=11, bold=True)
        _shade(cell)
    _repeat_header(table.rows[0])
    model = table.add_row()
    for cell, align in zip(model.cells, aligns, strict=True):
        _cell_paragraph(cell, "-", size=11, align=_ALIGN[align])
    _set_widths(table, widths_mm)
    _keep_rows_whole(table)
    formatted = model._tr
    table._tbl.remove(formatted)
    for values in rows:
        row = copy.deepcopy(formatted)
        for cell, text in zip(row.tc_lst, values, strict=True):
            run = cell.p_lst[0].r_lst[0]
            if text := clean_text(text):
                _set_text(run, text)
            else:
                run.getparent().remove(run)
        table._tbl.append(row)


@functools.cache
def _table_grid_id() -> str:
    """The id of python-docx's template's "Table Grid" style, which every document has."""
    return _scratch().styles["Table Grid"].style_id


def to_bytes(doc) -> bytes:
    """The .docx file. Its zip entries carry the document's own date, not the moment of
    writing: the same document is the same bytes (the PDF cache's key)."""
    buffer = io.BytesIO()
    doc.save(buffer)
    created = doc.core_properties.created
    stamp = (1980, 1, 1, 0, 0, 0)  # what a zip can hold before 1980 or after 2107
    if created is not None and 1980 <= created.year <= 2107:
        stamp = (created.year, created.month, created.day, 0, 0, 0)
    stamped = io.BytesIO()
    with (
        zipfile.ZipFile(buffer) as written,
        zipfile.ZipFile(stamped, "w", zipfile.ZIP_DEFLATED) as result,
    ):
        for entry in written.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            result.writestr(info, written.read(entry.filename), zipfile.ZIP_DEFLATED)
    return stamped.getvalue()
