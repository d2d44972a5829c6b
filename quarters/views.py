"""The quarter: its page and its documents.

It is an app of its own because it composes both apps: the units' reports
(``reports``) and the meeting's directives (``directives``). Every view and
export starts from the user's scope: the whole province for reviewers,
leadership and administrators, their own units for unit staff.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from common.documents.downloads import (
    document_date,
    document_download,
    document_number_and_date,
    download,
)
from common.documents.xlsx import XLSX_MIME
from common.numbers import page_number
from directives import selectors as directive_selectors
from directives.documents import conclusion_notice_docx, directive_register_xlsx
from directives.rules import BADGE, DirectiveStatus
from reports.aggregation import (
    AreaRollup,
    UnitFigure,
    completeness_by_area,
    narrative_reports,
    narrative_sections,
    quarter_summary,
    quarters_with_counts,
    unit_figures_page,
)
from reports.documents import consolidated_report_docx, indicator_table_xlsx
from reports.models import Quarter, Unit
from reports.permissions import Scope, scope_for
from reports.selectors import drafting_commission, load_former_names, written_report

NARRATIVE_PAGE_SIZE = 50  # reports whose texts the quarter page shows at once


def scope_or_403(user) -> Scope:
    scope = scope_for(user)
    if scope is None:
        raise PermissionDenied(_("You have no unit and no role that lets you see the quarters."))
    return scope


def _chart_data(summary) -> dict:
    figures = summary.figures
    return {
        "labels": figures.quarter_labels,
        "series": [
            {
                "label": f"{row.indicator.name} ({row.indicator.measure})",
                "values": [None if value is None else float(value) for value in row.trend],
                # Each bar says how many units it sums: a taller bar may only be more units.
                "units": [
                    ngettext("%(units)s unit reporting", "%(units)s units reporting", units)
                    % {"units": units}
                    for units in row.trend_units
                ],
            }
            for row in figures.main_trends()
        ],
    }


@login_required
@require_GET
def quarter_list(request: HttpRequest) -> HttpResponse:
    scope = scope_or_403(request.user)
    return render(
        request,
        "quarters/list.html",
        {
            "quarters": quarters_with_counts(scope=scope),
            "scope": scope,
            "current_quarter": Quarter.objects.current(),
        },
    )


def _area_rollup(request: HttpRequest, quarter: Quarter, scope: Scope) -> AreaRollup | None:
    """The commission's view rolls completeness up by the tree, from the top of the
    scope or from ``?under=<unit code>`` (a unit of the scope; any other is ignored),
    its units' former names read."""
    if not scope.oversees:
        return None
    code = request.GET.get("under", "").strip()
    # Only a slug can be a unit's code (SlugField): anything else is not looked up, so
    # no odd text (a NUL, which PostgreSQL refuses) reaches the database.
    under = Unit.objects.filter(code=code).first() if slug_re.match(code) else None
    if under is not None and not scope.includes(under.id):
        under = None
    rollup = completeness_by_area(quarter=quarter, scope=scope, under=under)
    # The page names them as on the quarter's last day (``name_on``), as the .docx does.
    load_former_names([*rollup.path, *(area.unit for area in rollup.areas)])
    return rollup


@login_required
@require_GET
def quarter_detail(request: HttpRequest, quarter: Quarter) -> HttpResponse:
    scope = scope_or_403(request.user)
    summary = quarter_summary(
        quarter=quarter, scope=scope, units_page=page_number(request.GET, "units")
    )

    rollup = _area_rollup(request, quarter, scope)
    drill_code = request.GET.get("indicator", "").strip()
    drill_indicator = None
    drill_rows: list[UnitFigure] = []
    drill_page = None
    drill_error = ""
    if drill_code:
        drill_indicator = next(
            (i for i in summary.figures.indicators if i.code == drill_code), None
        )
        if drill_indicator is None:
            drill_error = _("There is no indicator with the code “%(code)s” in this quarter.") % {
                "code": drill_code
            }
        else:
            drill_page, drill_rows = unit_figures_page(
                quarter=quarter,
                scope=scope,
                indicator=drill_indicator,
                page=page_number(request.GET, "drill_page"),
            )

    narrative_page = Paginator(
        narrative_reports(quarter=quarter, scope=scope), NARRATIVE_PAGE_SIZE
    ).get_page(page_number(request.GET))

    current = Quarter.objects.current()
    user = request.user
    drafting = drafting_commission(user, scope)
    meetings = list(
        directive_selectors.meetings_visible_to(user).filter(quarter=quarter).order_by("held_at")
    )
    follow_up = directive_selectors.directive_counts(user, quarter=current, meeting_quarter=quarter)
    status_counts = [
        (status.label, BADGE[status], follow_up.get(status.value, 0)) for status in DirectiveStatus
    ]
    return render(
        request,
        "quarters/detail.html",
        {
            "quarter": quarter,
            "summary": summary,
            "scope": scope,
            "rollup": rollup,
            "drill_code": drill_code,
            "drill_indicator": drill_indicator,
            "drill_rows": drill_rows,
            "drill_page": drill_page,
            "drill_error": drill_error,
            "meetings": meetings,
            "follow_up": follow_up,
            "status_counts": status_counts,
            "chart_data": _chart_data(summary),
            "narrative": narrative_sections(list(narrative_page)),
            "narrative_page": narrative_page,
            "report_date": quarter.document_day(),
            "drafting": drafting,
            "written": written_report(drafting, quarter, with_quotes=False),
        },
    )


@login_required
@require_GET
def quarter_report_docx(request: HttpRequest, quarter: Quarter) -> HttpResponse:
    scope = scope_or_403(request.user)
    chosen = document_number_and_date(request, default_day=quarter.document_day())
    if chosen is None:
        return redirect(quarter.get_absolute_url() + "#exports")
    number, day = chosen
    summary = quarter_summary(quarter=quarter, scope=scope)
    commission = drafting_commission(request.user, scope)
    document = consolidated_report_docx(
        summary=summary,
        day=day,
        number=number,
        commission=commission,
        written=written_report(commission, quarter, with_quotes=False),
    )
    return document_download(
        request,
        document,
        f"bao-cao-dan-van-{quarter.slug}",
        back=quarter.get_absolute_url() + "#exports",
    )


@login_required
@require_GET
def quarter_indicators_xlsx(request: HttpRequest, quarter: Quarter) -> HttpResponse:
    scope = scope_or_403(request.user)
    summary = quarter_summary(quarter=quarter, scope=scope)
    return download(
        indicator_table_xlsx(summary=summary), f"chi-tieu-{quarter.slug}.xlsx", XLSX_MIME
    )


@login_required
@require_GET
def quarter_directives_xlsx(request: HttpRequest, quarter: Quarter) -> HttpResponse:
    scope_or_403(request.user)
    day = document_date(request, default_day=quarter.document_day())
    if day is None:
        return redirect(quarter.get_absolute_url() + "#exports")
    return download(
        directive_register_xlsx(request.user, quarter=quarter, day=day),
        f"so-theo-doi-chi-dao-{quarter.slug}.xlsx",
        XLSX_MIME,
    )


@login_required
@require_GET
def meeting_notice_docx(request: HttpRequest, quarter: Quarter, pk: int) -> HttpResponse:
    scope_or_403(request.user)
    meeting = (
        directive_selectors.meetings_visible_to(request.user)
        .filter(quarter=quarter, pk=pk)
        .select_related("unit__parent")
        .first()
    )
    if meeting is None:
        raise Http404(_("There is no such meeting in this quarter."))
    chosen = document_number_and_date(request, default_day=meeting.held_on)
    if chosen is None:
        return redirect(quarter.get_absolute_url() + "#meetings")
    number, day = chosen
    return document_download(
        request,
        conclusion_notice_docx(request.user, meeting=meeting, day=day, number=number),
        f"thong-bao-ket-luan-{quarter.slug}-{meeting.pk}",
        back=quarter.get_absolute_url() + "#meetings",
    )
