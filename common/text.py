"""Text helpers shared by every app: the one cleaning of typed text, and search that
ignores Vietnamese diacritics."""

import re
import unicodedata

# Line breaks of every origin: Windows (CR LF), old Mac (CR), Word's Shift+Enter
# (U+000B, vertical tab), a form feed (page break), NEL and the Unicode line and
# paragraph separators. A reader sees each as a new line, so it stays one.
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
# What no text needs and XML 1.0 (backups, .docx, .xlsx) cannot carry: C0 controls
# but tab and newline, DEL, C1 controls, lone surrogates and the noncharacters
# U+FFFE/U+FFFF. Zero-width characters, direction marks and emoji are text: kept.
_REMOVED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """Typed or pasted text as it is stored: NFC, with one kind of line break, no controls.

    The one cleaning every text goes through at the boundary (``common.fields``)
    and again on its way into a file (exports, backups). Idempotent:
    ``clean_text(clean_text(x)) == clean_text(x)``.
    """
    value = _LINE_BREAKS.sub("\n", value)
    value = _REMOVED.sub("", value)
    # After the removal: a control between a letter and its accent hid a composition.
    return unicodedata.normalize("NFC", value)


def one_line(text: str) -> str:
    """``text`` cleaned and on one line, its runs of spaces and line breaks made one
    space: for a mail's subject, which cannot hold a line break, and a list's line."""
    return " ".join(clean_text(text).split())


# A label in brackets before a sentence ("[Dữ liệu mẫu] ", the demo's mark).
_LEADING_LABEL = re.compile(r"(?:\[[^\]]*\]\s*)*")


def capital_first(text: str) -> str:
    """``text`` with its first word capitalised, after any label in brackets: a list's
    item as the Party's documents write it ("[Dữ liệu mẫu] Việc nắm…", not "việc")."""
    label = _LEADING_LABEL.match(text)
    start = label.end() if label else 0
    return text[:start] + text[start : start + 1].upper() + text[start + 1 :]


# Letters that are not a base letter plus combining marks, so NFD leaves them.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its diacritics: "Dân vận khéo" -> "dan van kheo"."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_SPECIAL))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().split())


def fold_with_positions(text: str) -> tuple[str, list[int]]:
    """``text`` folded as ``fold`` folds it, a character at a time (spaces kept as they
    are), with the position in ``text`` each folded character came from: where a
    folded search found a word, the original's words can be marked."""
    folded, positions = [], []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFD", char.translate(_SPECIAL)):
            if not unicodedata.combining(part):
                folded.append(part.lower())
                positions.append(index)
    return "".join(folded), positions


def search_text(*parts: object) -> str:
    """The folded text of ``parts`` that a model stores for diacritic-free search.

    Only missing parts (None, "") are skipped: a number 0 is still searchable.
    Cleaned like the fields it is made from (a model computes it before they are
    cleaned on save), so it never holds a NUL, which PostgreSQL refuses.
    """
    return fold(
        clean_text(" ".join(str(part) for part in parts if part is not None and part != ""))
    )


# What a picker's search reads at most (``search_words``): a longer text is no
# name or title, and the cut keeps the query cheap.
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 8
# What the register's, the assignments' and the admin's searches read at most: a
# phrase pasted from a directive fits; thousands of words (one condition each)
# would make the database refuse the query.
QUERY_MAX_LENGTH = 300
QUERY_MAX_WORDS = 20


def search_terms(
    text: str, *, max_length: int = SEARCH_MAX_LENGTH, max_words: int = SEARCH_MAX_WORDS
) -> list[str]:
    """The words of a search as typed, cut short.

    A NUL character separates words: PostgreSQL refuses it in a query.
    """
    return (text or "")[:max_length].replace("\x00", " ").split()[:max_words]


def search_words(
    text: str, *, max_length: int = SEARCH_MAX_LENGTH, max_words: int = SEARCH_MAX_WORDS
) -> list[str]:
    """The folded words a search looks for, cut short (``search_terms``)."""
    words = (fold(word) for word in search_terms(text, max_length=max_length, max_words=max_words))
    return [word for word in words if word]
