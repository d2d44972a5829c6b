"""Text helpers shared by every app: search that ignores Vietnamese diacritics."""

import unicodedata

# Letters that are not a base letter plus combining marks, so NFD leaves them.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its diacritics: "Dân vận khéo" -> "dan van kheo"."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_SPECIAL))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().split())


def search_text(*parts: object) -> str:
    """The folded text of ``parts`` that a model stores for diacritic-free search.

    Only missing parts (None, "") are skipped: a number 0 is still searchable.
    """
    return fold(" ".join(str(part) for part in parts if part is not None and part != ""))


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
