"""The documents the pages send, opened as their readers open them."""

import io

from docx import Document
from openpyxl import load_workbook


def docx_of(response):
    """The .docx document a response sends (it must send one)."""
    assert response.status_code == 200
    return Document(io.BytesIO(response.content))


def xlsx_of(response):
    """The .xlsx workbook a response sends (it must send one)."""
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))
