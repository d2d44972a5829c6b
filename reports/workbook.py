"""Reports' figures through Excel (issue 16, part 3): a template a unit fills in, and
the import of a filled workbook, checked before anything is saved.

The workbook has a sheet per unit. Each sheet says whose it is and which quarter
(cells ``B2``: the unit's code, ``B3``: the quarter, as "2026-q4"), then lists
the indicators of its unit's kind from row ``FIRST_ROW`` on: code, name, measure,
last quarter's value for reference, this quarter's value, a note. Only the last
two columns can be typed in (the sheet is protected, without a password: it keeps
the layout from slips, it is no security). A unit downloads a one-sheet workbook;
whoever writes several units' reports (an administrator typing in paper reports)
downloads one with a sheet for each and imports it at once.

An import is read (``read_workbook``), then checked sheet by sheet
(``check_workbook``) with the report form's own rules (``ReportForm``: the same
number reading, whole units, limits) and the quality checks; each problem names
its cell. Nothing is saved until the user confirms what the preview shows; the
values then go through ``services.report_save_draft`` like typed ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from common.documents.xlsx import Book
from common.numbers import format_figure
from common.text import clean_text
from common.uploads import DAMAGED_ARCHIVE
from reports import permissions, quality, selectors
from reports.forms import ReportForm
from reports.models import IndicatorValue, Quarter, Unit, UnitReport

FIRST_ROW = 6
UNIT_CELL, QUARTER_CELL = "B2", "B3"
VALUE_COLUMN, NOTE_COLUMN = "E", "F"
MAX_SHEETS = 200
MAX_ROWS = 300  # indicator rows read on a sheet: the catalogue is a few dozen


def _headings() -> list[str]:
    return [
        _("Code"),
        _("Indicator"),
        _("Measure"),
        _("Previous quarter"),
        _("This quarter"),
        _("Note"),
    ]


def template(units: list[Unit], quarter: Quarter) -> bytes:
    """The workbook for ``units``' reports of ``quarter``: a sheet per unit, filled with
    what their reports hold so far (some queries per unit: a handful of units)."""
    book = Book()
    heading = book.add_format({"bold": True, "font_size": 13})
    typed = book.add_format({"locked": False})
    for unit in units[:MAX_SHEETS]:
        report = selectors.report_for(unit=unit, quarter=quarter)
        saved = {value.indicator_id: value for value in report.values.all()} if report else {}
        previous = selectors.previous_quarter_values(unit=unit, quarter=quarter).values
        sheet = book.sheet(unit.code)
        sheet.append([f"{unit.name} · {quarter.label}"], heading)
        sheet.append([_("Unit code"), unit.code])
        sheet.append([_("Quarter"), quarter.slug])
        sheet.append(
            [
                _(
                    "Type this quarter's values and notes in columns E and F only; leave a "
                    "value empty when the unit has none."
                )
            ]
        )
        sheet.append(_headings(), book.bold)
        for indicator in selectors.indicators_for_kind(unit.kind):
            value = saved.get(indicator.id)
            before = previous.get(indicator.id)
            sheet.append(
                [
                    indicator.code,
                    indicator.name,
                    indicator.measure,
                    float(before) if before is not None else None,
                    float(value.value) if value is not None else None,
                    value.note if value is not None else None,
                ],
                [None, None, None, None, typed, typed],
            )
        for column, width in enumerate((16, 48, 14, 14, 14, 40)):
            sheet.ws.set_column(column, column, width)
        # Protected without a password: it keeps the layout from slips, it is no security.
        sheet.ws.protect("", {"format_cells": True, "format_columns": True})
    return book.to_bytes()


# --- Reading ---------------------------------------------------------------------------


class UnreadableWorkbook(Exception):
    """Not a workbook openpyxl can read."""


# What openpyxl raises on a damaged workbook, beside any archive's: XML cut short.
UNREADABLE = (*DAMAGED_ARCHIVE, InvalidFileException, ParseError)


@dataclass
class SheetRow:
    cell: str  # where its value is, "E7"
    code: str
    value: object  # as the cell holds it: None, a number, a text
    note: str


@dataclass
class Sheet:
    title: str
    unit_code: str
    quarter_slug: str
    rows: list[SheetRow] = field(default_factory=list)


def read_workbook(upload) -> list[Sheet]:
    """Each sheet's unit, quarter and rows, as the cells hold them (values computed by
    Excel, never a formula)."""
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except UNREADABLE as error:
        raise UnreadableWorkbook from error
    sheets = []
    try:
        # Read-only mode parses each sheet while it is read: a broken one fails here.
        for worksheet in workbook.worksheets[:MAX_SHEETS]:
            rows = list(worksheet.iter_rows(min_row=1, max_row=FIRST_ROW + MAX_ROWS, max_col=6))
            cells = {
                cell.coordinate: cell.value
                for row in rows
                for cell in row
                if cell.value is not None and hasattr(cell, "coordinate")
            }
            sheet = Sheet(
                title=worksheet.title,
                unit_code=str(cells.get(UNIT_CELL) or "").strip(),
                quarter_slug=str(cells.get(QUARTER_CELL) or "").strip().lower(),
            )
            for number in range(FIRST_ROW, FIRST_ROW + MAX_ROWS):
                code = str(cells.get(f"A{number}") or "").strip()
                value = cells.get(f"{VALUE_COLUMN}{number}")
                note = cells.get(f"{NOTE_COLUMN}{number}")
                if not code and value is None and note is None:
                    continue
                sheet.rows.append(
                    SheetRow(
                        cell=f"{VALUE_COLUMN}{number}",
                        code=code,
                        value=value,
                        note=clean_text(str(note)).strip() if note is not None else "",
                    )
                )
            sheets.append(sheet)
    except UNREADABLE as error:
        raise UnreadableWorkbook from error
    finally:
        workbook.close()
    return sheets


# --- Checking --------------------------------------------------------------------------


@dataclass
class ImportRow:
    indicator_name: str
    measure: str
    cell: str
    saved: Decimal | None
    new: Decimal | None
    note: str
    flags: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.saved != self.new


@dataclass
class ImportSheet:
    """One sheet as the preview shows it: whose, what it changes, what is wrong."""

    title: str
    unit: Unit | None
    report: UnitReport | None
    errors: list[str] = field(default_factory=list)  # "E7: …", or the sheet's own
    rows: list[ImportRow] = field(default_factory=list)
    values: dict[int, tuple[Decimal | None, str]] = field(default_factory=dict)

    @property
    def changes(self) -> int:
        return sum(row.changed for row in self.rows)

    @property
    def flagged(self) -> int:
        return sum(bool(row.flags) for row in self.rows)


def _as_typed(value: object) -> str:
    """A cell's value as the report form reads a typed one: a number written as the
    page writes numbers, text as it is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return format_figure(Decimal(str(value)), places=None)
    return clean_text(str(value)).strip()


def check_sheet(user, sheet: Sheet, quarter: Quarter) -> ImportSheet:
    """``sheet`` checked as the report form checks typed values, for ``user``."""
    unit = Unit.objects.filter(code=sheet.unit_code).first() if sheet.unit_code else None
    checked = ImportSheet(title=sheet.title, unit=unit, report=None)
    if unit is None:
        checked.errors.append(
            _("%(cell)s: no unit has the code “%(code)s”.")
            % {"cell": UNIT_CELL, "code": sheet.unit_code}
        )
        return checked
    if sheet.quarter_slug != quarter.slug:
        checked.errors.append(
            _("%(cell)s: this sheet is for “%(found)s”, not %(quarter)s.")
            % {"cell": QUARTER_CELL, "found": sheet.quarter_slug, "quarter": quarter.slug}
        )
        return checked
    report = selectors.report_for(unit=unit, quarter=quarter)
    checked.report = report
    if not permissions.can_write_report(user, unit=unit, quarter=quarter, report=report):
        checked.errors.append(
            _("You may not enter %(unit)s's report of %(quarter)s now.")
            % {"unit": unit.name, "quarter": quarter.label}
        )
        return checked
    indicators = {i.code: i for i in selectors.indicators_for_kind(unit.kind)}
    data: dict[str, str] = {"version": str(report.version if report else 0)}
    if report is not None:
        data |= {name: getattr(report, name) for name in UnitReport.SECTIONS}
    cells: dict[str, str] = {}
    for row in sheet.rows:
        indicator = indicators.get(row.code)
        if indicator is None:
            checked.errors.append(
                _("%(cell)s: no indicator “%(code)s” for this kind of unit.")
                % {"cell": f"A{row.cell[1:]}", "code": row.code}
            )
            continue
        data[ReportForm.value_name(indicator)] = _as_typed(row.value)
        data[ReportForm.note_name(indicator)] = row.note
        cells[ReportForm.value_name(indicator)] = row.cell
        cells[ReportForm.note_name(indicator)] = f"{NOTE_COLUMN}{row.cell[1:]}"
    given = [i for i in indicators.values() if ReportForm.value_name(i) in data]
    form = ReportForm(data, indicators=given)
    if not form.is_valid():
        for name, errors in form.errors.items():
            for error in errors:
                checked.errors.append(f"{cells.get(name, name)}: {error}")
    if checked.errors:
        return checked
    saved = {
        value.indicator_id: value.value
        for value in (report.values.all() if report else IndicatorValue.objects.none())
    }
    checked.values = form.parsed_values
    flags = quality.value_flags(
        unit=unit,
        quarter=quarter,
        values={key: value for key, (value, _note) in checked.values.items()},
    )
    for indicator in given:
        new, note = checked.values[indicator.id]
        checked.rows.append(
            ImportRow(
                indicator_name=indicator.name,
                measure=indicator.measure,
                cell=cells[ReportForm.value_name(indicator)],
                saved=saved.get(indicator.id),
                new=new,
                note=note,
                flags=flags.get(indicator.id, []),
            )
        )
    return checked


def refuse_repeated_units(sheets: list[ImportSheet]) -> None:
    """A unit on two sheets: the second is refused (which of them holds its figures?)."""
    seen: dict[int, str] = {}
    for sheet in sheets:
        if sheet.unit is None or sheet.errors:
            continue
        if sheet.unit.pk in seen:
            sheet.errors.append(
                _("%(unit)s is already on sheet “%(first)s”: keep one sheet per unit.")
                % {"unit": sheet.unit.name, "first": seen[sheet.unit.pk]}
            )
            sheet.rows, sheet.values = [], {}
        else:
            seen[sheet.unit.pk] = sheet.title
