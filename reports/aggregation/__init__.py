"""A quarter aggregated across units, by topic: which units owe a report and who
filed on time (``completeness``), indicator totals, year-to-date and each unit's
values (``figures``), the narrative by section (``narrative``) and the whole quarter
as its page and documents show it (``summary``).

The quarter page and every export read the same summary, so a figure is the same
on screen, in the .docx and in the .xlsx. Which reports count: the filed ones,
submitted or accepted (``reports.models.filed_q``); drafts and returned reports do
not, as the page says ("figures from submitted and accepted reports").

Callers use ``from reports import aggregation``; a constant is patched in the module
that reads it (``reports.aggregation.completeness.UNIT_LIST_LIMIT``). Whose figures
a user sees is ``reports.permissions.Scope``, re-exported here.
"""

from reports.aggregation.areas import Area, AreaRollup, completeness_by_area
from reports.aggregation.comparisons import Comparison, Sides
from reports.aggregation.completeness import (
    UNIT_LIST_LIMIT,
    Completeness,
    Counts,
    UnitStanding,
    completeness_counts,
    counted_reports,
    expected_units,
    not_on_time,
    quarter_completeness,
    units_not_filed,
    units_with_standing,
)
from reports.aggregation.figures import (
    DRILL_PAGE_SIZE,
    MAIN_INDICATORS,
    PROVINCE,
    TREND_QUARTERS,
    Cell,
    Comparisons,
    FigureTable,
    IndicatorFigures,
    QuarterFigures,
    UnitFigure,
    UnitValues,
    quarter_figures,
    quarter_unit_values,
    unit_figures,
    unit_figures_page,
)
from reports.aggregation.narrative import (
    NARRATIVE_UNIT_LIMIT,
    NarrativeEntry,
    NarrativeSection,
    ReportNarrative,
    SourceText,
    narrative_reports,
    narrative_sections,
    quarter_narrative,
    report_narrative,
    section_sources,
)
from reports.aggregation.quarters import quarter_keys_back, ytd_label
from reports.aggregation.summary import QuarterSummary, quarter_summary, quarters_with_counts
from reports.permissions import EVERY_UNIT, Scope, scope_for

__all__ = [
    "DRILL_PAGE_SIZE",
    "EVERY_UNIT",
    "MAIN_INDICATORS",
    "NARRATIVE_UNIT_LIMIT",
    "PROVINCE",
    "TREND_QUARTERS",
    "UNIT_LIST_LIMIT",
    "Area",
    "AreaRollup",
    "Cell",
    "Comparison",
    "Comparisons",
    "Completeness",
    "Counts",
    "FigureTable",
    "IndicatorFigures",
    "NarrativeEntry",
    "NarrativeSection",
    "QuarterFigures",
    "QuarterSummary",
    "ReportNarrative",
    "Scope",
    "Sides",
    "SourceText",
    "UnitFigure",
    "UnitStanding",
    "UnitValues",
    "completeness_by_area",
    "completeness_counts",
    "counted_reports",
    "expected_units",
    "narrative_reports",
    "narrative_sections",
    "not_on_time",
    "quarter_completeness",
    "quarter_figures",
    "quarter_keys_back",
    "quarter_narrative",
    "quarter_summary",
    "quarter_unit_values",
    "quarters_with_counts",
    "report_narrative",
    "scope_for",
    "section_sources",
    "unit_figures",
    "unit_figures_page",
    "units_not_filed",
    "units_with_standing",
    "ytd_label",
]
