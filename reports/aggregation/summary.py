"""The whole quarter as its page and documents show it, and the list of quarters."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from common.types import StrOrPromise
from reports.aggregation.completeness import Completeness, quarter_completeness
from reports.aggregation.figures import QuarterFigures, quarter_figures
from reports.aggregation.quarters import quarter_label, ytd_label
from reports.models import Quarter, ReportStatus, filed_q
from reports.permissions import Scope


@dataclass
class QuarterSummary:
    quarter: Quarter
    scope: Scope
    completeness: Completeness
    figures: QuarterFigures

    @property
    def ytd_label(self) -> StrOrPromise | None:
        return ytd_label(self.quarter.number)

    @property
    def previous_label(self) -> str:
        return quarter_label(*self.quarter.previous_key())

    @property
    def last_year_label(self) -> str:
        return quarter_label(self.quarter.year - 1, self.quarter.number)

    @property
    def has_reports(self) -> bool:
        return self.completeness.total.filed > 0 or self.figures.has_values


def quarter_summary(
    *,
    quarter: Quarter,
    scope: Scope,
    today: datetime.date | None = None,
    units_page: str | int | None = None,
) -> QuarterSummary:
    """Everything the quarter page and its documents show (a fixed number of queries)."""
    return QuarterSummary(
        quarter=quarter,
        scope=scope,
        completeness=quarter_completeness(
            quarter=quarter, scope=scope, today=today, page=units_page
        ),
        figures=quarter_figures(quarter=quarter, scope=scope),
    )


def quarters_with_counts(*, scope: Scope) -> QuerySet[Quarter]:
    """Every quarter, newest first, with its counted and accepted reports in scope (1 query)."""
    counted = filed_q("reports__") & scope.condition("reports__unit_id")
    return Quarter.objects.annotate(
        filed_reports=Count("reports", filter=counted),
        accepted_reports=Count(
            "reports", filter=counted & Q(reports__status=ReportStatus.ACCEPTED)
        ),
    ).order_by("-year", "-number")
