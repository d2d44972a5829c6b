"""Figures printed the way the page writes numbers (1.234.567,5 in Vietnamese)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

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


@register.simple_tag
def figure_change(change, comparison=None) -> SafeString | str:
    """A change, signed and coloured ("+15" green, "-3" red, "0" grey); empty when there
    is none; "—" when ``comparison`` (``aggregation.Comparison``) is not comparable.

    A tag rather than an included template: a quarter's figure tables print
    hundreds of changes."""
    if comparison is not None and not comparison.comparable:
        title = _("Not comparable: no unit reported in both periods")
        return format_html('<span class="text-muted" title="{}">—</span>', title)
    if change is None:
        return ""
    if change > 0:
        return format_html('<span class="text-success">+{}</span>', format_figure(change))
    if change < 0:
        return format_html('<span class="text-danger">{}</span>', format_figure(change))
    return format_html('<span class="text-muted">{}</span>', "0")
