"""The narrative of a quarter: the five sections, each with the filed reports' texts
under their units' names as filed; abridged at national scale."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, Q, QuerySet, Value, When

from common.text import QUERY_MAX_LENGTH, QUERY_MAX_WORDS, fold, search_words
from reports.aggregation.completeness import counted_reports
from reports.models import Quarter, UnitLevel, UnitReport
from reports.permissions import Scope


@dataclass
class NarrativeEntry:
    unit_name: str
    report_id: int
    text: str


@dataclass
class NarrativeSection:
    name: str
    title: str
    entries: list[NarrativeEntry]


def quarter_narrative(*, quarter: Quarter, scope: Scope) -> list[NarrativeSection]:
    """The five sections, each with every counted report's text under its unit's
    name as filed, in the commission's order (1 query)."""
    return narrative_sections(list(narrative_reports(quarter=quarter, scope=scope)))


def narrative_reports(*, quarter: Quarter, scope: Scope) -> QuerySet[UnitReport]:
    """The counted reports with their texts, in the commission's order of units."""
    return (
        counted_reports(quarter=quarter, scope=scope)
        .order_by("unit__display_order", "unit__name", "pk")
        .only("id", "unit_name", *UnitReport.SECTIONS)
    )


def narrative_sections(reports: Sequence[UnitReport]) -> list[NarrativeSection]:
    """The five sections, each with the texts of ``reports`` that wrote on it."""
    sections = []
    for name in UnitReport.SECTIONS:
        entries = [
            NarrativeEntry(unit_name=report.unit_name, report_id=report.id, text=text.strip())
            for report in reports
            if (text := getattr(report, name) or "").strip()
        ]
        title = UnitReport.section_title(name)
        sections.append(NarrativeSection(name=name, title=str(title), entries=entries))
    return sections


# The consolidated report prints every unit's texts up to this many counted reports
# (a province's units). Beyond it (a national roll-out: some 100,000 paragraphs,
# thousands of pages) it prints the texts of this many units, the higher levels
# first, and counts the others section by section.
NARRATIVE_UNIT_LIMIT = 100


@dataclass
class ReportNarrative:
    """The five sections as the consolidated report prints them.

    ``printed_levels`` and ``others`` are filled only when the report is abridged:
    how many printed reports come from each level of unit, and, for each section,
    how many other units of each level wrote on it: ``[(level, count), …]`` in the
    levels' order.
    """

    sections: list[NarrativeSection]
    reports: int  # the counted reports in scope
    printed: int  # the reports whose texts are printed
    printed_levels: list[tuple[str, int]] = field(default_factory=list)
    others: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def is_abridged(self) -> bool:
        return self.printed < self.reports


def report_narrative(
    *, quarter: Quarter, scope: Scope, unit_limit: int | None = None
) -> ReportNarrative:
    """The narrative of the consolidated report (2 queries).

    Up to ``NARRATIVE_UNIT_LIMIT`` counted reports (``unit_limit`` if given), every
    unit's texts, as ``quarter_narrative`` compiles them. Beyond it, the texts of that
    many reports, units of the province level first, then districts, then communes,
    each level in the commission's order; and for each section how many other units
    wrote on it.
    """
    limit = NARRATIVE_UNIT_LIMIT if unit_limit is None else unit_limit
    reports = counted_reports(quarter=quarter, scope=scope)
    levels = UnitLevel.values
    counts = reports.aggregate(
        total=Count("id"),
        **{
            f"{name}_{level}": Count("id", filter=~Q(**{name: ""}) & Q(unit__level=level))
            for name in UnitReport.SECTIONS
            for level in levels
        },
    )
    if counts["total"] <= limit:
        return ReportNarrative(
            sections=quarter_narrative(quarter=quarter, scope=scope),
            reports=counts["total"],
            printed=counts["total"],
        )

    level_rank = Case(
        *[When(unit__level=level, then=Value(rank)) for rank, level in enumerate(levels)],
        default=Value(len(levels)),
    )
    printed = list(
        reports.annotate(level_rank=level_rank, unit_level=F("unit__level"))
        .order_by("level_rank", "unit__display_order", "unit__name", "pk")
        .only("id", "unit_name", *UnitReport.SECTIONS)[:limit]
    )
    level_of = {report.id: report.unit_level for report in printed}
    sections = narrative_sections(printed)
    others = {}
    for section in sections:
        shown = Counter(level_of[entry.report_id] for entry in section.entries)
        others[section.name] = [
            (level, count)
            for level in levels
            if (count := counts[f"{section.name}_{level}"] - shown[level]) > 0
        ]
    printed_by_level = Counter(level_of.values())
    return ReportNarrative(
        sections=sections,
        reports=counts["total"],
        printed=len(printed),
        printed_levels=[
            (level, printed_by_level[level]) for level in levels if printed_by_level[level]
        ],
        others=others,
    )


@dataclass(frozen=True)
class SourceText:
    """One unit's submitted text of a section, beside the consolidated report's draft."""

    report_id: int
    unit_name: str
    kind: str
    text: str


def section_sources(
    *, quarter: Quarter, scope: Scope, section: str, kind: str = "", query: str = ""
) -> list[SourceText]:
    """The counted reports' texts of one section, in the commission's order: of units of
    ``kind`` (every kind when empty), holding every word of ``query`` whatever its
    diacritics and case (1 query).

    The search reads the section's texts of the scope in Python (``fold``): a
    commission's few hundred reports a quarter; the texts are not stored folded.
    """
    if section not in UnitReport.SECTIONS:
        return []
    reports = counted_reports(quarter=quarter, scope=scope).exclude(**{section: ""})
    if kind:
        reports = reports.filter(unit__kind=kind)
    rows = reports.order_by("unit__display_order", "unit__name", "pk").values_list(
        "id", "unit_name", "unit__kind", section
    )
    words = search_words(query, max_length=QUERY_MAX_LENGTH, max_words=QUERY_MAX_WORDS)
    sources = []
    for pk, name, unit_kind, text in rows:
        folded = fold(text)
        if folded and all(word in folded for word in words):
            sources.append(SourceText(report_id=pk, unit_name=name, kind=unit_kind, text=text))
    return sources
