"""Spreadsheets in openpyxl that open safely and print on A4: typed text never becomes
a formula, control characters never break the workbook, large sheets are written row
by row (write-only mode)."""

from decimal import Decimal

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from common.text import clean_text

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEAD_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
NUMBER_FORMAT = "#,##0.##"
CHANGE_FORMAT = "+#,##0.##;-#,##0.##;0"


def cell_number(value: Decimal | None):
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


def text_cell(ws, value: str) -> Cell:
    """A write-only sheet's text cell; text that starts with "=" stays text, never a
    formula (see ``xlsx_append``)."""
    cell = WriteOnlyCell(ws, xlsx_text(value))
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def safe_text(ws, value: str | None):
    """The text itself, which a write-only sheet writes fastest, unless it starts with "="."""
    value = xlsx_text(value)
    if value and value.startswith("="):
        return text_cell(ws, value)
    return value


# Every sheet opens with the same rows above its table: what it is, of what, where its
# figures come from, and a note (or nothing); the table's header row comes after them.
TITLE_ROWS = 4
HEADER_ROW = TITLE_ROWS + 2  # a blank row between the titles and the table
_TITLE_FONT = Font(bold=True, size=14)
_SUBTITLE_FONT = Font(italic=True)


def title_rows(ws, titles: list[str]) -> None:
    """The title (bold) and up to three lines under it (italic), then a blank row."""
    lines = (list(titles) + [""] * TITLE_ROWS)[:TITLE_ROWS]
    for number, line in enumerate(lines):
        cell = text_cell(ws, line)
        cell.font = _TITLE_FONT if number == 0 else _SUBTITLE_FONT
        ws.append([cell])
    ws.append([])


def start_sheet(
    ws,
    headers: list[str],
    *,
    widths,
    first_number_col: int,
    height: float,
    titles: list[str],
):
    """Column widths, the title rows, frozen header and name columns, A4 landscape with
    the header row on every printed page, the header row.

    A write-only sheet writes its columns and panes before its first row.
    """
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"{get_column_letter(first_number_col)}{HEADER_ROW + 1}"
    ws.row_dimensions[HEADER_ROW].height = height
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    title_rows(ws, titles)
    header = []
    for title in headers:
        cell = text_cell(ws, title)
        cell.font = _HEAD_FONT
        cell.fill = _HEAD_FILL
        cell.alignment = _HEAD_ALIGN
        header.append(cell)
    ws.append(header)


def filter_all(ws, columns: int, rows: int) -> None:
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(columns)}{HEADER_ROW + rows}"


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
    ws, headers: list[str], rows: list[list], *, first_number_col: int, widths, titles: list[str]
):
    """A short sheet: texts wrapped, numbers (from ``first_number_col`` on) formatted."""
    start_sheet(
        ws, headers, widths=widths, first_number_col=first_number_col, height=45, titles=titles
    )
    change_cols = {
        index for index, title in enumerate(headers, start=1) if title.startswith("Tăng/giảm")
    }
    for row_number, values in enumerate(rows, start=HEADER_ROW + 1):
        ws.row_dimensions[row_number].height = row_height(values, widths)
        cells = []
        for column, value in enumerate(values, start=1):
            if isinstance(value, str):
                cell = text_cell(ws, value)
                cell.alignment = _WRAP
            else:
                cell = WriteOnlyCell(ws, value)
                if column >= first_number_col:
                    cell.number_format = CHANGE_FORMAT if column in change_cols else NUMBER_FORMAT
            cells.append(cell)
        ws.append(cells)
    filter_all(ws, len(headers), len(rows))
