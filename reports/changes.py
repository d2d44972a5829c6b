"""What changed between two submissions of a report: a text diff per section and
the values' deltas (issue 16, part 1).

A unit resubmits only what a reviewer returned (or reopened), so the submission
before the latest is the one the reviewer judged: comparing the two shows the
reviewer exactly what the unit did with the return. ``compare`` reads the two
versions; the rest are pure functions. ``reports.services`` stores the counts on
each version as it is frozen, so the review queue says "resubmitted: 3 sections,
5 indicators changed" without reading any text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext, ngettext

from common.types import StrOrPromise

if TYPE_CHECKING:
    from reports.models import ReportVersion

# Words, punctuation marks and runs of space: a diff of these reads as the words a
# person changed ("giao." to "giao; lãnh đạo…" keeps "giao"), and joining them
# gives the text back exactly.
_WORDS = re.compile(r"\w+|[^\w\s]|\s+")


class Piece(StrEnum):
    SAME = "same"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class TextPiece:
    kind: Piece
    text: str


def text_diff(before: str, after: str) -> list[TextPiece]:
    """``after`` against ``before`` as runs of kept, removed and added text.

    Paragraph by paragraph first, then word by word inside the paragraphs that
    were rewritten: a section is 20,000 characters at most, and a word-level
    diff of two whole sections would compare every word with every other.
    """
    pieces: list[TextPiece] = []
    old_lines = before.splitlines(keepends=True)
    new_lines = after.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if op == "equal":
            _add(pieces, Piece.SAME, old)
        elif op == "replace":
            pieces.extend(_word_diff(old, new))
        else:
            _add(pieces, Piece.REMOVED, old)
            _add(pieces, Piece.ADDED, new)
    return _merged(pieces)


def _word_diff(before: str, after: str) -> list[TextPiece]:
    """Word by word; a lone space kept between two changes joins them, so a rewritten
    phrase reads as one removal and one addition, not word against word."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    runs: list[tuple[str, str, str]] = []  # (kept, removed, added), one of them set
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("".join(old[i1:i2]), "", ""))
        else:
            runs.append(("", "".join(old[i1:i2]), "".join(new[j1:j2])))
    pieces: list[TextPiece] = []
    removed = added = ""
    for index, (kept, gone, came) in enumerate(runs):
        between = 0 < index < len(runs) - 1 and kept.isspace()
        if kept and not between:
            _add(pieces, Piece.REMOVED, removed)
            _add(pieces, Piece.ADDED, added)
            removed = added = ""
            _add(pieces, Piece.SAME, kept)
        else:
            removed, added = removed + (gone or kept), added + (came or kept)
    _add(pieces, Piece.REMOVED, removed)
    _add(pieces, Piece.ADDED, added)
    return pieces


def _add(pieces: list[TextPiece], kind: Piece, text: str) -> None:
    if text:
        pieces.append(TextPiece(kind, text))


def _merged(pieces: list[TextPiece]) -> list[TextPiece]:
    """Neighbouring runs of the same kind as one."""
    merged: list[TextPiece] = []
    for piece in pieces:
        if merged and merged[-1].kind == piece.kind:
            merged[-1] = TextPiece(piece.kind, merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return merged


@dataclass(frozen=True)
class SectionChange:
    name: str
    title: StrOrPromise
    pieces: list[TextPiece]


@dataclass(frozen=True)
class SubmittedValue:
    """What a version holds of one indicator (``ReportVersionValue``'s fields)."""

    code: str
    name: str
    measure: str
    display_order: int
    value: Decimal
    note: str


@dataclass(frozen=True)
class ValueChange:
    code: str
    name: str
    measure: str
    before: Decimal | None  # None: not in the earlier submission
    after: Decimal | None  # None: left out of the later one
    note_before: str
    note_after: str

    @property
    def delta(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def note_changed(self) -> bool:
        return self.note_before != self.note_after


@dataclass(frozen=True)
class Changes:
    """What a submission changed since the one before it."""

    sections: list[SectionChange] = field(default_factory=list)
    values: list[ValueChange] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return change_summary(len(self.sections), len(self.values))


def changed_sections(
    before: Mapping[str, str], after: Mapping[str, str], titles: Mapping[str, StrOrPromise]
) -> list[SectionChange]:
    """The sections (in ``titles``' order) whose text differs, with their diffs."""
    return [
        SectionChange(name, title, text_diff(before.get(name, ""), after.get(name, "")))
        for name, title in titles.items()
        if before.get(name, "") != after.get(name, "")
    ]


def changed_values(
    before: Iterable[SubmittedValue], after: Iterable[SubmittedValue]
) -> list[ValueChange]:
    """The indicators whose value or note differs, or that one side lacks, in the
    later submission's order (then the earlier's, for those it left out)."""
    old = {value.code: value for value in before}
    new = {value.code: value for value in after}
    codes = sorted(old.keys() | new.keys(), key=lambda code: _order(new.get(code) or old[code]))
    changes = []
    for code in codes:
        was, now = old.get(code), new.get(code)
        if was and now and (was.value, was.note) == (now.value, now.note):
            continue
        shown = now if now is not None else old[code]
        changes.append(
            ValueChange(
                code=code,
                name=shown.name,
                measure=shown.measure,
                before=was.value if was else None,
                after=now.value if now else None,
                note_before=was.note if was else "",
                note_after=now.note if now else "",
            )
        )
    return changes


def _order(value: SubmittedValue) -> tuple[int, str]:
    return (value.display_order, value.code)


def change_summary(sections: int, values: int) -> str:
    """ "resubmitted: 3 sections, 5 indicators changed", in the user's language."""
    if not sections and not values:
        return gettext("resubmitted unchanged")
    parts = ngettext("%(n)s section", "%(n)s sections", sections) % {"n": sections}
    indicators = ngettext("%(n)s indicator changed", "%(n)s indicators changed", values) % {
        "n": values
    }
    return gettext("resubmitted: %(sections)s, %(indicators)s") % {
        "sections": parts,
        "indicators": indicators,
    }


def submitted_values(version: ReportVersion) -> list[SubmittedValue]:
    """A ``ReportVersion``'s values (prefetched or read) as ``SubmittedValue``."""
    return [
        SubmittedValue(
            code=value.indicator_code,
            name=value.indicator_name,
            measure=value.measure,
            display_order=value.display_order,
            value=value.value,
            note=value.note,
        )
        for value in version.values.all()
    ]


def compare(earlier: ReportVersion, later: ReportVersion) -> Changes:
    """What ``later`` (a ``ReportVersion``) changed since ``earlier``."""
    titles = {name: later.section_title(name) for name in later.SECTIONS}
    return Changes(
        sections=changed_sections(
            {name: getattr(earlier, name) for name in titles},
            {name: getattr(later, name) for name in titles},
            titles,
        ),
        values=changed_values(submitted_values(earlier), submitted_values(later)),
    )
