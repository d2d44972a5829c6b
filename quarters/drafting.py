"""The drafting page of the consolidated report.

The commission writes each of the five sections with the units' submitted texts of
that section beside it (``reports.aggregation.section_sources``: by kind of unit,
searched without diacritics); a "quote" button puts an excerpt into the section and
records whose it is; the completeness and the main figures come from the
aggregation, as sentences to insert, and as tables in the .docx. Saved as a draft
with its history, then marked final; the quarter's .docx is that text
(``reports.documents.consolidated_report_docx``).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from common.documents.docx import ROMAN_NUMERALS
from common.numbers import page_number, query_int
from common.text import QUERY_MAX_LENGTH
from common.types import AuthenticatedHttpRequest
from quarters.views import scope_or_403
from reports import permissions, services
from reports.aggregation import quarter_summary, section_sources
from reports.documents import completeness_sentence, figure_sentences
from reports.forms import ConsolidatedReportForm
from reports.models import ConsolidatedReport, Quarter, Unit, UnitKind
from reports.selectors import drafting_commission, written_report

SOURCES_PAGE_SIZE = 20  # units' texts shown at once beside the draft


def _sources(request: AuthenticatedHttpRequest, quarter: Quarter, scope) -> dict:
    """The units' texts of the section the panel shows, filtered as asked."""
    section = request.GET.get("section", "")
    if section not in ConsolidatedReport.SECTIONS:
        section = ConsolidatedReport.SECTIONS[0]
    kind = request.GET.get("kind", "")
    if kind not in UnitKind.values:
        kind = ""
    query = request.GET.get("q", "")[:QUERY_MAX_LENGTH]
    found = section_sources(quarter=quarter, scope=scope, section=section, kind=kind, query=query)
    return {
        "section": section,
        "section_title": ConsolidatedReport.section_title(section),
        "kind": kind,
        "query": query,
        "kinds": UnitKind.choices,
        "sections": [
            (name, ConsolidatedReport.section_title(name)) for name in ConsolidatedReport.SECTIONS
        ],
        "sources": Paginator(found, SOURCES_PAGE_SIZE).get_page(page_number(request.GET)),
        "sources_query": urlencode({"section": section, "kind": kind, "q": query}),
    }


def _quoted_units(written: ConsolidatedReport | None) -> dict[str, list[str]]:
    """{section: the names, as filed, of the units quoted in it}."""
    quoted: dict[str, list[str]] = {name: [] for name in ConsolidatedReport.SECTIONS}
    for quote in written.quotes.all() if written else ():
        if quote.source.unit_name not in quoted[quote.section]:
            quoted[quote.section].append(quote.source.unit_name)
    return quoted


@login_required
def consolidated_draft(request: AuthenticatedHttpRequest, quarter: Quarter) -> HttpResponse:
    """Write the quarter's consolidated report (``can_write_consolidated_report``), or
    read it as it is being written (``can_read_consolidated_report``)."""
    user = request.user
    scope = scope_or_403(user)
    commission = drafting_commission(user, scope)
    if commission is None:
        raise PermissionDenied(
            _("Only the commission's reviewers and leadership see its consolidated report.")
        )
    written = written_report(commission, quarter)
    sources = _sources(request, quarter, scope)
    editable = permissions.can_write_consolidated_report(user, commission.id, written)
    if request.method == "GET" and request.GET.get("partial"):
        return render(request, "quarters/_draft_sources.html", {**sources, "editable": editable})
    form = ConsolidatedReportForm(initial=ConsolidatedReportForm.initial_for(written))
    status, conflict = 200, None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reopen":
            return _reopen(request, quarter, commission, written)
        if not editable:
            if permissions.reviews_unit(user, commission.id):
                messages.error(
                    request,
                    _("The consolidated report is final: take it back to a draft to change it."),
                )
                return redirect("quarters:draft", quarter=quarter)
            raise PermissionDenied
        form = ConsolidatedReportForm(request.POST)
        if form.is_valid():
            try:
                services.consolidated_report_save(
                    user=user,
                    commission=commission,
                    quarter=quarter,
                    texts=form.section_data(),
                    units_annex=form.cleaned_data["units_annex"],
                    quotes=form.cleaned_data["quotes"],
                    expected_version=form.cleaned_data["version"],
                    final=action == "final",
                )
            except services.ConcurrentEditError as error:
                conflict = error.current
                # The text typed stays; saving again (deliberately) goes over theirs.
                form = ConsolidatedReportForm({**request.POST.dict(), "version": conflict.version})
                form.is_valid()
                status = 409
            except services.ReportLockedError as error:
                messages.error(request, error.message)
                return redirect("quarters:draft", quarter=quarter)
            else:
                messages.success(
                    request,
                    _("The consolidated report is final.")
                    if action == "final"
                    else _("The draft has been saved."),
                )
                return redirect("quarters:draft", quarter=quarter)
        else:
            status = 400
            messages.error(request, _("The draft was not saved: correct the fields marked below."))
    summary = quarter_summary(quarter=quarter, scope=scope)
    quoted = _quoted_units(written)
    rows = [
        {
            "roman": ROMAN_NUMERALS[index],
            "title": ConsolidatedReport.section_title(name),
            "field": form[name],
            "text": getattr(written, name) if written else "",
            "quoted": quoted[name],
            "on_record": getattr(conflict, name) if conflict else "",
        }
        for index, name in enumerate(ConsolidatedReport.SECTIONS)
    ]
    context = {
        "quarter": quarter,
        "commission": commission,
        "written": written,
        "form": form,
        "editable": editable,
        "reopenable": permissions.can_reopen_consolidated_report(user, commission.id, written),
        "conflict": conflict,
        "rows": rows,
        "completeness_sentence": completeness_sentence(summary),
        "figure_sentences": figure_sentences(summary),
        **sources,
    }
    return render(request, "quarters/draft.html", context, status=status)


def _reopen(
    request: AuthenticatedHttpRequest,
    quarter: Quarter,
    commission: Unit,
    written: ConsolidatedReport | None,
) -> HttpResponse:
    if written is None or not permissions.can_reopen_consolidated_report(
        request.user, commission.id, written
    ):
        raise PermissionDenied
    version = query_int(request.POST.get("version"), default=0)
    try:
        services.consolidated_report_reopen(
            user=request.user, written=written, expected_version=version
        )
    except services.ConcurrentEditError:
        messages.error(
            request,
            _("Someone else changed the consolidated report meanwhile: check it and try again."),
        )
    else:
        messages.success(request, _("The consolidated report is a draft again."))
    return redirect("quarters:draft", quarter=quarter)
