"""Search across the texts of the reports a user may read (issue 16, part 7).

What is searched is what units submitted: the latest submitted version of each
report the user may open (``selectors.reports_visible_to``), never a unit's
unsubmitted edits. Diacritics, case and spacing are ignored: each version keeps
its sections folded (``ReportVersion.search_text``), every word of the query
must be in it (``contains``: a trigram index on PostgreSQL, migration 0025; the
same LIKE on SQLite, so the same results). Excerpts with the words highlighted
are cut from the original text in Python, for one page of results at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from common.text import QUERY_MAX_LENGTH, QUERY_MAX_WORDS, fold_with_positions, search_words
from common.types import StrOrPromise
from reports.models import Quarter, ReportVersion
from reports.selectors import reports_visible_to

EXCERPT_WIDTH = 90  # characters either side of the first word found


def words_of(query: str) -> list[str]:
    return search_words(query, max_length=QUERY_MAX_LENGTH, max_words=QUERY_MAX_WORDS)


def matching_versions(user, words: list[str], *, quarter: Quarter | None = None) -> QuerySet:
    """The latest submitted version of each report the user may open whose texts hold
    every word, newest quarter first."""
    visible = reports_visible_to(user)
    if quarter is not None:
        visible = visible.filter(quarter=quarter)
    latest = ReportVersion.objects.filter(report=OuterRef("report")).order_by("-number")
    versions = ReportVersion.objects.filter(
        report__in=visible.values("pk"), number=Subquery(latest.values("number")[:1])
    )
    for word in words:
        versions = versions.filter(search_text__contains=word)
    return versions.select_related("report__unit", "report__quarter").order_by(
        "-report__quarter__year",
        "-report__quarter__number",
        "report__unit__display_order",
        "report__unit__name",
    )


@dataclass(frozen=True)
class Excerpt:
    title: StrOrPromise
    pieces: list[tuple[str, bool]]  # (text, is a word searched for)
    cut_before: bool
    cut_after: bool


def excerpt(title: StrOrPromise, text: str, words: list[str]) -> Excerpt | None:
    """Where the first of ``words`` is in ``text``, with every word found near it
    marked; None when none is in it."""
    folded, positions = fold_with_positions(text)
    spans = []
    for word in words:
        start = folded.find(word)
        while start != -1:
            end = start + len(word)
            spans.append((positions[start], positions[end - 1] + 1))
            start = folded.find(word, end)
    if not spans:
        return None
    spans.sort()
    first = spans[0][0]
    begin, finish = max(first - EXCERPT_WIDTH, 0), min(first + EXCERPT_WIDTH * 2, len(text))
    pieces, at = [], begin
    for start, end in spans:
        if start < at or end > finish:
            continue
        pieces += [(text[at:start], False), (text[start:end], True)]
        at = end
    pieces.append((text[at:finish], False))
    return Excerpt(
        title=title,
        pieces=[(part, marked) for part, marked in pieces if part],
        cut_before=begin > 0,
        cut_after=finish < len(text),
    )


def excerpts(version: ReportVersion, words: list[str]) -> list[Excerpt]:
    """An excerpt of each section of ``version`` that holds one of ``words``."""
    found = []
    for _name, title, text in version.sections():
        cut = excerpt(title, text, words)
        if cut is not None:
            found.append(cut)
    return found
