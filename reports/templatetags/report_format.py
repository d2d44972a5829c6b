"""Figures printed the way the page writes numbers (1.234.567,5 in Vietnamese)."""

from django import template

from common.numbers import format_figure
from reports.changes import change_summary

register = template.Library()


@register.filter
def figure(value) -> str:
    """An indicator value grouped by thousands, decimals only when there are any."""
    return format_figure(value)


@register.filter
def resubmission(report) -> str:
    """ "resubmitted: 3 sections, 5 indicators changed" for a report of the review queue
    submitted more than once (annotated by ``selectors.queue_reports``), else ""."""
    if not report.submissions or report.submissions < 2 or report.sections_changed is None:
        return ""
    return change_summary(report.sections_changed, report.values_changed or 0)
