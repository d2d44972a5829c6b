"""Figures printed the way the page writes numbers (1.234.567,5 in Vietnamese)."""

from html import escape

from django import template
from django.template.defaultfilters import urlencode
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from common.numbers import format_figure, page_language
from reports.changes import change_summary
from reports.models import Accumulation, Aggregation

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


@register.simple_tag
def figure_row(row, comparisons) -> SafeString:
    """One indicator's row of a quarter's figure table (``quarters/_figure_table.html``):
    its name (a link to the units that make it up) and badges, measure, figures and
    changes (``aggregation.IndicatorFigures``), and the units reporting.

    Python rather than template markup, and joined strings rather than ``format_html``
    for each cell: a quarter's tables print a row for each indicator and kind of unit,
    hundreds, and either way took 90 µs a row against 30 here (tools/bench/findings.md,
    2/12/2026). Every text is escaped once (Python's ``html.escape``, which Django's
    wraps); the changes come safe from ``figure_change``."""
    indicator = row.indicator
    language = page_language()

    def figure(value) -> str:
        return escape(format_figure(value, language=language))

    badges = ""
    if indicator.aggregation == Aggregation.MEAN:
        badges += _badge(_("Mean of the reporting units, never summed"), _("mean of units"))
    if indicator.accumulation == Accumulation.STOCK:
        title = _("Level at quarter end; year-to-date is the latest level")
        badges += _badge(title, _("quarter-end level"))
    cells = [
        ("text-end fw-semibold", figure(row.current)),
        ("text-end", figure(row.previous)),
        ("text-end small", figure_change(row.change_previous, comparisons.previous)),
        ("text-end", figure(row.last_year)),
        ("text-end small", figure_change(row.change_last_year, comparisons.last_year)),
    ]
    if comparisons.ytd:
        cells += [
            ("text-end fw-semibold", figure(row.ytd)),
            ("text-end", figure(row.ytd_last_year)),
            ("text-end small", figure_change(row.change_ytd, comparisons.ytd)),
        ]
    cells.append(("text-end text-muted", str(row.reporting_units or "")))
    # Outside the f-string, where makemessages finds it.
    link_title = _("Which units make up this figure")
    return mark_safe(  # noqa: S308  # nosec B308, B703: every text above escaped
        f'<tr><th scope="row" class="fw-normal"><a href="?indicator='
        f'{escape(urlencode(indicator.code))}#drilldown" title="'
        f'{escape(link_title)}">{escape(indicator.name)}</a>'
        f'{badges}</th><td class="text-muted small">{escape(indicator.measure)}</td>'
        + "".join(f'<td class="{css}">{html}</td>' for css, html in cells)
        + "</tr>"
    )


def _badge(title: str, text: str) -> str:
    title, text = escape(title), escape(text)
    return f' <span class="badge text-bg-light border" title="{title}">{text}</span>'
