"""The spreadsheet toolkit every export writes through (common/documents/xlsx.py): what a
cell becomes, and sheet names Excel accepts."""

import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from common.documents.xlsx import Book


def read(book: Book):
    return load_workbook(io.BytesIO(book.to_bytes()))


def test_each_value_becomes_the_cell_excel_expects():
    book = Book()
    sheet = book.sheet("Sổ")
    day = datetime.date(2026, 12, 1)
    sheet.append(["", None, "=1+1", "@SUM(A1)", "Dòng\x0bhai\x07", Decimal("1.5"), 3, True, day])
    row = next(read(book)["Sổ"].iter_rows(min_row=1, max_row=1))
    assert [cell.value for cell in row[:2]] == [None, None]  # blank, not empty text
    assert (row[2].value, row[2].data_type) == ("=1+1", "s")  # text, never a formula
    assert (row[3].value, row[3].data_type) == ("@SUM(A1)", "s")
    assert row[4].value == "Dòng\nhai"  # Word's line break kept, the bell dropped (clean_text)
    assert [cell.value for cell in row[5:8]] == [1.5, 3, True]
    assert row[8].value == datetime.datetime(2026, 12, 1)
    assert row[8].number_format == "DD/MM/YYYY"  # a date reads as one without a format given


def test_sheet_names_are_cut_to_31_characters_and_unique_ignoring_case():
    book = Book()
    for name in ("bdv", "BDV", "Bdv", "x" * 40, "X" * 35):
        book.sheet(name)
    assert read(book).sheetnames == [
        "bdv",
        "BDV (2)",
        "Bdv (3)",
        "x" * 31,
        "X" * 27 + " (2)",
    ]
