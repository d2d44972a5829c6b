"""A unit's usual Word report read into the five sections of its report (issue 16,
part 4), so nobody retypes it.

The sections are found by their headings, however the unit words and numbers
them: "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "2. Kết quả công tác dân vận", "Những hạn
chế, tồn tại", "Phương hướng, nhiệm vụ quý tới", "Kiến nghị, đề xuất". A heading
is a short paragraph that is numbered, bold, styled as a heading or written in
capitals, and whose words (diacritics ignored, numbering left out) begin as one
of ``HEADINGS``. What follows a heading, up to the next one, is its section's
text; what comes before the first (the letterhead, the title under "BÁO CÁO")
is left out, and so are tables (figures go to the indicators).

A heading starts its section only while that section has no text yet and is not
the one being read: "I. KẾT QUẢ" followed at once by "1. Tình hình nhân dân" opens
the results and then the people's situation, and a later "2. Kết quả …" opens the
results again; "a) Kết quả tuyên truyền" under it stays part of them.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field

from docx import Document
from docx.text.paragraph import Paragraph

from common.text import clean_text, fold
from reports.models import SECTION_MAX_LENGTH

# Folded beginnings of each section's headings, in the order they are tried.
HEADINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("people_situation", ("tinh hinh nhan dan", "tinh hinh tu tuong", "tinh hinh chung")),
    ("results", ("ket qua", "tinh hinh va ket qua", "tinh hinh thuc hien")),
    ("shortcomings", ("han che", "nhung han che", "mot so han che", "ton tai", "khuyet diem")),
    (
        "next_plan",
        (
            "phuong huong",
            "nhiem vu trong tam",
            "nhiem vu quy",
            "nhiem vu thoi gian toi",
            "nhiem vu, giai phap",
            "nhiem vu va giai phap",
            "ke hoach quy",
            "ke hoach thoi gian toi",
        ),
    ),
    ("recommendations", ("kien nghi", "de xuat", "de nghi")),
)
HEADING_MAX_LENGTH = 160
# The text of a report's body part: a long report is some hundreds of kilobytes.
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
# Where the report ends: "Nơi nhận:", and the signature's "TM.", "T/M", "KT." lines.
END_MATTER = ("noi nhan", "tm.", "t/m", "kt.", "tm ban", "tm dang uy", "tm ban thuong vu")
# "I.", "II -", "2.", "2.1.", "a)", "Phần I:", "Mục 2." before the words (folded).
_NUMBERING = re.compile(
    r"^(?:(?:phan|muc|chuong)\s+)?(?:[ivxlc]+|\d+(?:\.\d+)*|[a-z])\s*[.):\-–—]\s*|^[-–—•*+]\s*"
)


@dataclass
class ImportedReport:
    """What a Word file gave: each section's text and the heading it was found under."""

    sections: dict[str, str] = field(default_factory=dict)
    headings: dict[str, str] = field(default_factory=dict)
    cut: list[str] = field(default_factory=list)  # sections longer than allowed, cut

    @property
    def found(self) -> bool:
        return any(self.sections.values())


def _is_numbered(folded: str) -> bool:
    return bool(_NUMBERING.match(folded))


def _looks_like_heading(paragraph: Paragraph, text: str) -> bool:
    if len(text) > HEADING_MAX_LENGTH:
        return False
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.lower().startswith(("heading", "title")):
        return True
    runs = [run for run in paragraph.runs if run.text.strip()]
    if runs and all(run.bold for run in runs):
        return True
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and text.upper() == text


def section_of_heading(text: str) -> str | None:
    """The section a heading's words open, or None."""
    words = _NUMBERING.sub("", fold(text), count=1).strip(" .:")
    for name, beginnings in HEADINGS:
        if words.startswith(beginnings):
            return name
    return None


class TooLong(Exception):
    """The file's text is far longer than any report (``DOCUMENT_MAX_BYTES``)."""


def read_report(upload) -> ImportedReport:
    """The sections of the .docx ``upload`` (checked beforehand: ``common.uploads``),
    each cut at a section's limit (the form would refuse more; ``cut`` names them)."""
    upload.seek(0)
    with zipfile.ZipFile(upload) as archive:
        body = archive.getinfo("word/document.xml")
    upload.seek(0)
    if body.file_size > DOCUMENT_MAX_BYTES:
        raise TooLong
    document = Document(upload)
    imported = ImportedReport()
    lines: dict[str, list[str]] = {}
    current: str | None = None
    after_title = False
    for paragraph in document.paragraphs:
        text = clean_text(paragraph.text).strip()
        if not text:
            continue
        # The line under "BÁO CÁO" is the document's title ("Kết quả công tác dân vận
        # quý IV…"), never a section's heading.
        is_title, after_title = after_title, fold(text) == "bao cao"
        if fold(text).startswith(END_MATTER):
            current = None  # the recipients and the signature close the last section
            continue
        name = None if is_title else section_of_heading(text)
        heading = name is not None and (
            _is_numbered(fold(text)) or _looks_like_heading(paragraph, text)
        )
        if heading and name is not None and name != current and not lines.get(name):
            current = name
            lines.setdefault(name, [])
            imported.headings[name] = text
            continue
        if current is not None:
            lines[current].append(text)
    for name, texts in lines.items():
        text = "\n".join(texts)
        if len(text) > SECTION_MAX_LENGTH:
            text = text[:SECTION_MAX_LENGTH]
            imported.cut.append(name)
        if text:
            imported.sections[name] = text
    return imported
