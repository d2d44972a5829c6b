"""Spreadsheets that open safely and print on A4, written with XlsxWriter (openpyxl only
reads them: the imports, the tests).

- Typed text never becomes a formula: every text is written as text, and the
  workbook is told never to read one as a formula, a number or a link.
- Control characters never reach a sheet: every text is cleaned (``clean_text``).
- A sheet is written row by row, top to bottom (``Sheet.append``), so a national
  table of 18,000 units and a million cells takes seconds, not half a minute.

Rows are counted from 1 as Excel shows them (``HEADER_ROW``, ``Sheet.row``); XlsxWriter
counts from 0, which only this module sees.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from common.text import clean_text

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMAT = "#,##0.##"
CHANGE_FORMAT = "+#,##0.##;-#,##0.##;0"
DATE_FORMAT = "DD/MM/YYYY"
A4 = 9  # XlsxWriter's paper sizes
SHEET_NAME_MAX = 31  # Excel's limit
_OPTIONS = {
    "in_memory": True,
    "default_date_format": DATE_FORMAT,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def cell_number(value: Decimal | None):
    """A real number for the cell (int when whole), or None for an empty cell."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class Book:
    """A workbook written in memory, with the formats every sheet shares."""

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self._names: set[str] = set()
        self.workbook = xlsxwriter.Workbook(self._buffer, _OPTIONS)
        add = self.workbook.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.subtitle = add({"italic": True})
        self.bold = add({"bold": True})
        self.head = add(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
            }
        )
        self.wrap = add({"text_wrap": True, "valign": "top"})
        # Figures at the top of their row, as the wrapped texts beside them are: at the
        # bottom of a tall row they read as the next row's.
        self.number = add({"num_format": NUMBER_FORMAT, "valign": "top"})
        self.change = add({"num_format": CHANGE_FORMAT, "valign": "top"})
        self.total = add({"bold": True, "num_format": NUMBER_FORMAT, "valign": "top"})
        self.wrapped_date = add({"num_format": DATE_FORMAT, "text_wrap": True, "valign": "top"})

    def add_format(self, properties: dict) -> Format:
        return self.workbook.add_format(properties)

    def sheet(self, name: str) -> Sheet:
        """A new sheet named ``name``, cut to Excel's 31 characters and numbered when a
        sheet already has the name ignoring case ("BDV" beside "bdv": Excel refuses it)."""
        base, number = name[:SHEET_NAME_MAX], 2
        name = base
        while name.lower() in self._names:
            suffix = f" ({number})"
            name, number = base[: SHEET_NAME_MAX - len(suffix)] + suffix, number + 1
        self._names.add(name.lower())
        return Sheet(self, self.workbook.add_worksheet(name))

    def to_bytes(self) -> bytes:
        self.workbook.close()
        return self._buffer.getvalue()


class Sheet:
    """A sheet written top to bottom: ``row`` is the number of its last written row."""

    def __init__(self, book: Book, worksheet: Worksheet) -> None:
        self.book = book
        self.ws = worksheet
        self.row = 0

    def append(self, values: list, formats: list[Format | None] | Format | None = None) -> None:
        """The next row: texts as text, numbers, dates (with a date format); None leaves
        the cell empty. ``formats``: one for every cell, or one per cell."""
        index = self.row
        for column, value in enumerate(values):
            style = formats[column] if isinstance(formats, list) else formats
            write_cell(self.ws, index, column, value, style)
        self.row += 1

    def skip(self) -> None:
        """A blank row."""
        self.row += 1


def write_cell(ws: Worksheet, row: int, column: int, value, style: Format | None) -> None:
    """``value`` at (``row``, ``column``), counted from 0, by its type; never a formula.
    Text is cleaned (``clean_text``): a control character would make a workbook Excel
    refuses to open."""
    if value is None or value == "":  # a blank cell, not an empty text (ISBLANK, COUNTA)
        if style is not None:
            ws.write_blank(row, column, None, style)
    elif isinstance(value, str):
        ws.write_string(row, column, clean_text(value), style)
    elif isinstance(value, bool):
        ws.write_boolean(row, column, value, style)
    elif isinstance(value, int | float | Decimal):
        ws.write_number(row, column, value, style)
    elif isinstance(value, datetime.date):
        ws.write_datetime(row, column, value, style)
    else:
        ws.write_string(row, column, clean_text(str(value)), style)


def column_name(number: int) -> str:
    """The letters of the column ``number``, counted from 1: 1 is "A"."""
    return xl_col_to_name(number - 1)


# Every sheet opens with the same rows above its table: what it is, of what, where its
# figures come from, and a note (or nothing); the table's header row comes after them.
TITLE_ROWS = 4
HEADER_ROW = TITLE_ROWS + 2  # a blank row between the titles and the table


def title_rows(sheet: Sheet, titles: list[str]) -> None:
    """The title (bold) and up to three lines under it (italic), then a blank row."""
    lines = (list(titles) + [""] * TITLE_ROWS)[:TITLE_ROWS]
    for number, line in enumerate(lines):
        sheet.append([line], sheet.book.title if number == 0 else sheet.book.subtitle)
    sheet.skip()


def print_landscape(sheet: Sheet, *, widths, fit: bool = True) -> None:
    """Column widths, A4 landscape (as wide as one page, unless not ``fit``), the header
    row on every page, and each page numbered ("Trang 2/7") at its foot."""
    for index, width in enumerate(widths):
        sheet.ws.set_column(index, index, width)
    sheet.ws.set_footer("&CTrang &P/&N")
    sheet.ws.set_landscape()
    sheet.ws.set_paper(A4)
    if fit:
        sheet.ws.fit_to_pages(1, 0)
    sheet.ws.repeat_rows(HEADER_ROW - 1)


def start_sheet(
    sheet: Sheet,
    headers: list[str],
    *,
    widths,
    first_number_col: int,
    height: float,
    titles: list[str],
    fit: bool = True,
) -> None:
    """Column widths, the title rows, frozen header and name columns, A4 landscape (as
    wide as one page, unless not ``fit``) with the header row on every printed page, the
    header row."""
    print_landscape(sheet, widths=widths, fit=fit)
    sheet.ws.freeze_panes(HEADER_ROW, first_number_col - 1)
    title_rows(sheet, titles)
    sheet.ws.set_row(HEADER_ROW - 1, height)
    sheet.append(headers, sheet.book.head)


def filter_all(sheet: Sheet, columns: int, rows: int) -> None:
    """A filter on the header row over ``rows`` rows under it."""
    sheet.ws.autofilter(HEADER_ROW - 1, 0, HEADER_ROW - 1 + rows, columns - 1)


LINE_HEIGHT = 15  # points: one line of the default 11-point font
MAX_ROW_HEIGHT = 409  # Excel's limit


def row_height(values: list, widths) -> float:
    """The height a row of wrapped texts needs, set on the row: Excel does not fit a
    row to its wrapped text on opening, so a long text was cut off or overlapped.
    Estimated from each text's length against its column's width (in characters)."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if isinstance(value, str) and value:
            per_line = max(int(width * 1.1) - 1, 1)  # a little over one letter a unit
            lines = max(lines, sum(-(-max(len(part), 1) // per_line) for part in value.split("\n")))
    return min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT)


def write_sheet(
    sheet: Sheet,
    headers: list[str],
    rows: list[list],
    *,
    first_number_col: int,
    widths,
    titles: list[str],
) -> None:
    """A short sheet: texts wrapped, numbers (from ``first_number_col`` on) formatted."""
    book = sheet.book
    start_sheet(
        sheet, headers, widths=widths, first_number_col=first_number_col, height=45, titles=titles
    )
    formats = [
        book.wrap
        if column < first_number_col
        else book.change
        if title.startswith("Tăng/giảm")
        else book.number
        for column, title in enumerate(headers, start=1)
    ]
    for values in rows:
        sheet.ws.set_row(sheet.row, row_height(values, widths))
        sheet.append(
            values,
            [
                book.wrap if isinstance(value, str) else style
                for value, style in zip(values, formats, strict=True)
            ],
        )
    filter_all(sheet, len(headers), len(rows))
