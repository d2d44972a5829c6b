"""Report pages: the unit's list, the report (read and form), review, the queue."""

import mimetypes
import uuid
from decimal import Decimal
from pathlib import PurePath
from typing import TypedDict

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from common.documents.downloads import document_download, document_number_and_date, download
from common.documents.xlsx import XLSX_MIME
from common.numbers import page_number, query_int
from reports import aggregation, permissions, quality, search, selectors, services, workbook
from reports.documents import unit_report_docx
from reports.forms import (
    AnnexForm,
    FollowUpForm,
    ReopenForm,
    ReportForm,
    ReturnForm,
    WordImportForm,
    WorkbookImportForm,
)
from reports.models import (
    Quarter,
    ReportAnnex,
    ReportVersion,
    Unit,
    UnitKind,
    UnitReport,
)


def _report_or_404(request: HttpRequest, pk: int) -> UnitReport:
    report = selectors.get_report_for_user(request.user, pk)
    if report is None:
        raise Http404
    return report


def _to_page(report: UnitReport) -> HttpResponse:
    return redirect(report)


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports the user may open, newest quarter first."""
    reports = selectors.reports_visible_to(request.user).select_related(
        "submitted_by", "reviewed_by"
    )
    page = Paginator(reports, 50).get_page(page_number(request.GET))
    current_quarter = Quarter.objects.current()
    return render(
        request,
        "reports/report_list.html",
        {
            "page": page,
            "can_import": permissions.can_import_workbooks(request.user),
            # A button to the current quarter's report of each unit that owes it.
            "owing_memberships": [
                m
                for m in selectors.staff_memberships_of(request.user)
                if current_quarter and m.unit.owes_report_for(current_quarter)
            ],
            "current_quarter": current_quarter,
        },
    )


class _Page(TypedDict):
    """What every rendering of the report page is given."""

    unit: Unit
    quarter: Quarter
    report: UnitReport | None


def _render_page(
    request: HttpRequest,
    *,
    unit: Unit,
    quarter: Quarter,
    report: UnitReport | None,
    form: ReportForm | None = None,
    return_form: ReturnForm | None = None,
    reopen_form: ReopenForm | None = None,
    conflict: UnitReport | None = None,
    status: int = 200,
    imported: dict | None = None,
) -> HttpResponse:
    """``imported``: what ``report_import_word`` read from a Word file, put in the form
    (not saved) in place of the sections it found."""
    user = request.user
    editable = permissions.can_write_report(user, unit=unit, quarter=quarter, report=report)
    values = (
        {v.indicator_id: v for v in report.values.select_related("indicator")} if report else {}
    )
    indicators = selectors.indicators_for_kind(unit.kind)
    shown = {indicator.id for indicator in indicators}
    previous = selectors.previous_quarter_values(unit=unit, quarter=quarter)
    if not editable:
        imported = None
    if editable and form is None:
        initial = ReportForm.initial_for(report, values)
        initial.update(imported["sections"] if imported else {})
        form = ReportForm(indicators=indicators, initial=initial)
    groups = selectors.indicator_groups(indicators, previous.values)
    flags = quality.report_flags(report) if report else {}
    marked, asked = selectors.follow_ups(unit=unit, quarter=quarter)
    for group in groups:
        for row in group.rows:
            row.value = values.get(row.indicator.id)
            row.flags = flags.get(row.indicator.id, [])
            row.follow_up = marked.get(row.indicator.id)
            row.asked = asked.get(row.indicator.id)
            if form is not None:
                row.field = form[ReportForm.value_name(row.indicator)]
                row.note_field = form[ReportForm.note_name(row.indicator)]
                row.note_holds_field = form[ReportForm.note_holds_name(row.indicator)]
                if conflict is not None:
                    saved = row.value.value if row.value else None
                    row.conflict = form.typed_value(row.indicator) != saved
    timeline = selectors.report_timeline(report) if report else []
    versions = selectors.report_versions(report) if report else []
    conflict_sections = []
    if conflict is not None and form is not None:
        for name, title, text in conflict.sections():
            typed = form[name].value() or ""
            if typed.replace("\r\n", "\n") != text.replace("\r\n", "\n"):
                conflict_sections.append((name, title, text))
    days = quarter.days_left()
    context = {
        "unit": unit,
        "quarter": quarter,
        "report": report,
        "form": form,
        "groups": groups,
        "previous_includes": previous.includes,
        "values": values,
        "timeline": timeline,
        "conflict": conflict,
        "conflict_by": timeline[0] if conflict is not None and timeline else None,
        "conflict_sections": conflict_sections,
        "can_submit": report is not None and permissions.can_submit_report(user, report),
        "is_head": permissions.is_head_of(user, unit.id),
        "can_review": report is not None and permissions.can_review_report(user, report),
        "can_reopen": report is not None and permissions.can_reopen_report(user, report),
        "can_follow_up": report is not None and permissions.can_mark_follow_up(user, report),
        "annexes": list(report.annexes.filter(removed_at__isnull=True)) if report else [],
        "can_edit_annexes": report is not None and editable,
        "return_form": return_form or ReturnForm(),
        "reopen_form": reopen_form or ReopenForm(),
        "days_left": days,
        "days_late": -days,
        "is_member": permissions.is_member_of(user, unit.id),
        "imported": imported,
        "seen_as_admin": (
            report is not None
            and report.is_editable_status
            and not permissions.is_member_of(user, unit.id)
            and permissions.is_admin(user)
        ),
        "versions": versions,
        "changed": (
            selectors.version_changes(report, selectors.report_version(report, versions[0].number))
            if report is not None and report.is_filed and versions and versions[0].number > 1
            else None
        ),
        "unit_owes": unit.owes_report_for(quarter),
        # Not in the form, so kept by every save (services.report_save_draft changes only
        # the values it is given).
        "kept_values": [v for v in values.values() if v.indicator_id not in shown],
        "predecessor_drafts": (
            selectors.predecessor_drafts(unit=unit, quarter=quarter)
            if permissions.can_read_predecessor_drafts(user, unit)
            else []
        ),
    }
    return render(request, "reports/report_page.html", context, status=status)


def _render_version(
    request: HttpRequest, *, report: UnitReport, number: int | None = None
) -> HttpResponse:
    """A submitted version, read-only, with every version and its review decisions.

    ``number`` None: the latest, which is what reviewers and leadership read of a
    report that is back with its unit.
    """
    versions = selectors.report_versions(report)
    version = None
    if number is not None or versions:
        version = selectors.report_version(report, versions[0].number if number is None else number)
        if version is None:
            raise Http404
    context = {
        "unit": report.unit,
        "quarter": report.quarter,
        "report": report,
        "version": version,
        "changed": selectors.version_changes(report, version),
        "versions": versions,
        "is_latest": bool(versions)
        and version is not None
        and version.number == versions[0].number,
        "can_read_current": permissions.can_view_report(request.user, report),
    }
    return render(request, "reports/version_page.html", context)


@login_required
def report_page(request: HttpRequest, unit_code: str, quarter: Quarter) -> HttpResponse:
    """A unit's report for a quarter: read it, and edit it while it is a draft or returned.

    A GET never creates anything: the draft is started by the first save.
    """
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    user = request.user
    unit = get_object_or_404(Unit, code=unit_code)
    report = selectors.report_for(unit=unit, quarter=quarter)
    if report is not None:
        if not permissions.can_view_report(user, report):
            if not permissions.can_view_submitted_versions(user, report):
                raise Http404
            if request.method == "POST":
                raise PermissionDenied
            # Back with the unit: reviewers and leadership read what it submitted.
            return _render_version(request, report=report)
    elif not permissions.can_work_on_unit_reports(user, unit.id):
        raise Http404
    page: _Page = {"unit": unit, "quarter": quarter, "report": report}
    if request.method != "POST":
        imported = (
            request.session.get(_word_key(unit, quarter)) if "from_word" in request.GET else None
        )
        return _render_page(request, **page, imported=imported)

    if not permissions.can_write_report(user, unit=unit, quarter=quarter, report=report):
        if report is not None and report.no_longer_owed:
            messages.error(request, services.no_longer_owed_message())
            return redirect(report)
        if permissions.can_work_on_unit_reports(user, unit.id):
            # A page opened before the report was submitted, the quarter closed or the
            # unit ended: not a matter of rights, but of what happened meanwhile.
            messages.error(request, services.write_refusal_message(quarter=quarter, report=report))
            return _render_page(request, **page, status=409)
        raise PermissionDenied
    indicators = selectors.indicators_for_kind(unit.kind)
    form = ReportForm(request.POST, indicators=indicators)
    if not form.is_valid():
        messages.error(request, _("The report was not saved: correct the fields marked below."))
        return _render_page(request, **page, form=form, status=400)
    expected = form.cleaned_data["version"]
    try:
        if report is None:
            report, created = services.report_get_or_create_draft(
                unit=unit, quarter=quarter, user=user
            )
            if created and expected == 0:
                expected = report.version
        report = services.report_save_draft(
            report=report,
            user=user,
            data=form.section_data(),
            values=form.parsed_values,
            expected_version=expected,
            notes_hold=form.notes_hold,
        )
    except services.ConcurrentEditError as error:
        page["report"] = selectors.report_for(unit=unit, quarter=quarter)
        return _render_page(request, **page, form=form, conflict=error.current, status=409)
    except services.ReportLockedError as error:
        messages.error(request, error.message)
        return redirect("reports:report", unit_code=unit.code, quarter=quarter)

    request.session.pop(_word_key(unit, quarter), None)  # in the report now
    if request.POST.get("action") == "submit" and permissions.can_submit_report(user, report):
        return _submit(request, report)
    messages.success(
        request,
        _("Draft saved at %(time)s.") % {"time": timezone.localtime().strftime("%H:%M")},
    )
    return redirect("reports:report", unit_code=unit.code, quarter=quarter)


@login_required
@require_POST
def report_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer marks one of a filed report's values for follow-up next quarter, or
    takes the mark back (``clear``)."""
    report = selectors.get_submitted_report_for_user(request.user, pk)
    if report is None:
        raise Http404
    if not permissions.can_mark_follow_up(request.user, report):
        raise PermissionDenied
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        if "indicator" in form.errors:
            messages.error(request, _("Choose the value to follow up."))
        for error in form.errors.get("note", []):
            messages.error(request, str(error))
        return redirect(report)
    indicator_id = form.cleaned_data["indicator"]
    try:
        if request.POST.get("action") == "clear":
            services.follow_up_clear(report=report, indicator_id=indicator_id, user=request.user)
            messages.success(request, _("The mark was taken back."))
        else:
            services.follow_up_mark(
                report=report,
                indicator_id=indicator_id,
                user=request.user,
                note=form.cleaned_data["note"].strip(),
            )
            messages.success(
                request, _("Marked: the unit's report of the next quarter will show it.")
            )
    except services.ReportError as error:
        messages.error(request, error.message)
    return redirect(report)


@login_required
@require_GET
def report_workbook(request: HttpRequest, unit_code: str, quarter: Quarter) -> HttpResponse:
    """The unit's workbook for the quarter's figures, to fill in Excel and import."""
    unit = get_object_or_404(Unit, code=unit_code)
    if not permissions.can_work_on_unit_reports(request.user, unit.id):
        raise Http404
    content = workbook.template([unit], quarter)
    return download(content, f"so-lieu-{unit.code}-{quarter.slug}.xlsx", XLSX_MIME)


@login_required
@require_GET
def workbook_template(request: HttpRequest, quarter: Quarter) -> HttpResponse:
    """A workbook with a sheet for each unit whose report the user may enter
    (``permissions.workbook_units``)."""
    if not permissions.can_import_workbooks(request.user):
        raise PermissionDenied
    units = permissions.workbook_units(request.user, quarter)
    if not units:
        messages.info(request, _("No unit's report of this quarter is left for you to enter."))
        return redirect("reports:import_workbook", quarter=quarter)
    content = workbook.template(units, quarter)
    return download(content, f"so-lieu-{quarter.slug}.xlsx", XLSX_MIME)


def _workbook_key(quarter: Quarter) -> str:
    """Where the session keeps a checked workbook until it is confirmed."""
    return f"workbook-import:{quarter.pk}"


@login_required
def workbook_import(request: HttpRequest, quarter: Quarter) -> HttpResponse:
    """Import a filled workbook: read and check each sheet (``reports.workbook``), show
    what it changes and what is wrong, cell by cell; save only once confirmed, as the
    report form saves typed values (``services.report_values_import``)."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    user = request.user
    if not permissions.can_import_workbooks(user):
        raise PermissionDenied
    key = _workbook_key(quarter)
    if request.method == "POST" and "confirm" in request.POST:
        # What this page's preview showed, not a later upload's (another tab's).
        checked = request.session.pop(key, None) or {}
        same = checked.get("token") and checked.get("token") == request.POST.get("confirm")
        return _workbook_confirm(
            request, quarter, checked.get("sheets") if same else None, bool(checked.get("single"))
        )
    form = WorkbookImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"quarter": quarter, "form": form}
    if request.method != "POST":
        return render(request, "reports/workbook_import.html", context)
    if not form.is_valid():
        return render(request, "reports/workbook_import.html", context, status=400)
    sheets = [workbook.check_sheet(user, sheet, quarter) for sheet in form.sheets]
    workbook.refuse_repeated_units(sheets)
    ready = [sheet for sheet in sheets if not sheet.errors and sheet.unit is not None]
    token = uuid.uuid4().hex
    request.session[key] = {
        "token": token,
        "single": len(sheets) == 1,  # a unit's own workbook, not a district's
        "sheets": [
            {
                "unit": sheet.unit.pk,
                "version": sheet.report.version if sheet.report else 0,
                "values": {
                    str(indicator_id): [None if value is None else str(value), note]
                    for indicator_id, (value, note) in sheet.values.items()
                },
            }
            for sheet in ready
            if sheet.unit is not None
        ],
    }
    context |= {"sheets": sheets, "ready": len(ready), "token": token}
    return render(request, "reports/workbook_import.html", context)


def _workbook_confirm(
    request: HttpRequest, quarter: Quarter, checked, single: bool = False
) -> HttpResponse:
    if not checked:
        messages.error(request, _("Nothing to save: upload the workbook again."))
        return redirect("reports:import_workbook", quarter=quarter)
    units = Unit.objects.in_bulk([sheet["unit"] for sheet in checked])
    sheets = [
        services.ImportedValues(
            unit=units[sheet["unit"]],
            version=sheet["version"],
            values={
                int(indicator_id): (None if value is None else Decimal(value), note)
                for indicator_id, (value, note) in sheet["values"].items()
            },
        )
        for sheet in checked
        if sheet["unit"] in units
    ]
    refused = services.report_values_import(quarter=quarter, user=request.user, sheets=sheets)
    saved = len(sheets) - len(refused)
    if saved:
        messages.success(
            request,
            ngettext(
                "The figures of %(n)s unit were saved in its draft.",
                "The figures of %(n)s units were saved in their drafts.",
                saved,
            )
            % {"n": saved},
        )
    for reason in refused:
        messages.error(request, reason)
    if saved and single:  # a unit's own workbook: back to its report
        return redirect("reports:report", unit_code=sheets[0].unit.code, quarter=quarter)
    return redirect("reports:import_workbook", quarter=quarter)


@login_required
@require_POST
def annex_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a file to a report the user may edit (checked as directive evidence is)."""
    report = _report_or_404(request, pk)
    if not permissions.can_edit_report(request.user, report):
        raise PermissionDenied
    form = AnnexForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(report)
    try:
        services.annex_add(
            report=report,
            user=request.user,
            upload=form.cleaned_data["file"],
            extension=form.extension,
        )
    except services.ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The annex was attached."))
    return redirect(report)


@login_required
@require_POST
def annex_remove(request: HttpRequest, pk: int) -> HttpResponse:
    annex = get_object_or_404(ReportAnnex.objects.select_related("report"), pk=pk)
    if not permissions.can_view_report(request.user, annex.report):
        raise Http404
    if not permissions.can_edit_report(request.user, annex.report):
        raise PermissionDenied
    services.annex_remove(annex=annex, user=request.user)
    messages.success(request, _("The annex was taken off the report."))
    return redirect(annex.report)


@login_required
@require_GET
def annex_download(request: HttpRequest, pk: int) -> FileResponse:
    """An annex, only to whoever may read it (``permissions.can_read_annex``); 404 else."""
    annex = get_object_or_404(ReportAnnex.objects.select_related("report"), pk=pk)
    submitted = ReportVersion.objects.filter(annexes=annex).exists()
    if not permissions.can_read_annex(request.user, annex, submitted=submitted):
        raise Http404
    try:
        handle = annex.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    stored = PurePath(annex.file.name or "").name
    # Saved under the name the unit gave it (cleaned; Django encodes it for the header).
    response = FileResponse(handle, as_attachment=True, filename=annex.name or stored)
    response["Content-Type"] = mimetypes.guess_type(stored)[0] or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _word_key(unit: Unit, quarter: Quarter) -> str:
    """Where the session keeps what a Word file gave, until the form is saved."""
    return f"word-import:{unit.pk}:{quarter.pk}"


@login_required
def report_import_word(request: HttpRequest, unit_code: str, quarter: Quarter) -> HttpResponse:
    """Fill the report's sections from the unit's usual Word report: upload it, see what
    was found under each heading, then open the form with it; nothing is saved until
    the form is (``reports.word_import``)."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    user = request.user
    unit = get_object_or_404(Unit, code=unit_code)
    report = selectors.report_for(unit=unit, quarter=quarter)
    visible = (
        permissions.can_view_report(user, report)
        if report
        else permissions.can_work_on_unit_reports(user, unit.id)
    )
    if not visible:
        raise Http404
    if not permissions.can_write_report(user, unit=unit, quarter=quarter, report=report):
        raise PermissionDenied
    form = WordImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"unit": unit, "quarter": quarter, "report": report, "form": form}
    if request.method != "POST":
        return render(request, "reports/word_import.html", context)
    if not form.is_valid():
        return render(request, "reports/word_import.html", context, status=400)
    imported = form.imported
    request.session[_word_key(unit, quarter)] = {
        "name": form.cleaned_data["document"].name,
        "sections": imported.sections,
        "headings": imported.headings,
    }
    context["found"] = [
        (name, title, imported.headings.get(name, ""), imported.sections.get(name, ""))
        for name, title, _text in UnitReport().sections()
    ]
    context["cut"] = imported.cut
    return render(request, "reports/word_import.html", context)


@login_required
@require_GET
def report_document(request: HttpRequest, unit_code: str, quarter: Quarter) -> HttpResponse:
    """The report as a document of its unit (.docx, or PDF), holding what the reader may
    read of it (``selectors.report_document``); dated the day it was submitted unless
    another date is chosen."""
    unit = get_object_or_404(Unit, code=unit_code)
    report = selectors.report_for(unit=unit, quarter=quarter)
    content = selectors.report_document(request.user, report) if report else None
    if report is None or content is None:
        raise Http404
    chosen = document_number_and_date(request, default_day=content.day)
    if chosen is None:
        return redirect(report)
    number, day = chosen
    document = unit_report_docx(
        unit=unit,
        quarter=quarter,
        text=content.text,
        figures=content.figures,
        day=day,
        number=number,
        draft=content.draft,
        sample=report.sample,
    )
    return document_download(
        request, document, f"bao-cao-{unit.code}-{quarter.slug}", back=report.get_absolute_url()
    )


@login_required
@require_GET
def report_version(
    request: HttpRequest, unit_code: str, quarter: Quarter, number: int
) -> HttpResponse:
    """One submitted version of a unit's report, as it was sent."""
    unit = get_object_or_404(Unit, code=unit_code)
    report = selectors.report_for(unit=unit, quarter=quarter)
    if report is None or not permissions.can_view_submitted_versions(request.user, report):
        raise Http404
    return _render_version(request, report=report, number=number)


def _submit(request: HttpRequest, report: UnitReport) -> HttpResponse:
    target = redirect(report)
    try:
        report = services.report_submit(
            report=report, user=request.user, expected_version=report.version
        )
    except ValidationError as error:
        names = ", ".join(str(UnitReport.section_title(name)) for name in error.message_dict)
        messages.error(
            request,
            _("The report cannot be submitted yet; write these sections first: %(names)s.")
            % {"names": names},
        )
        return target
    except services.ReportError as error:
        messages.error(request, error.message)
        return target
    if report.is_late:
        messages.warning(
            request, _("The report was submitted after the due date; it is recorded as late.")
        )
    else:
        messages.success(request, _("The report was submitted to the commission."))
    return target


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    if not permissions.can_submit_report(request.user, report):
        raise PermissionDenied
    expected = query_int(request.POST.get("version"), default=-1)
    if expected != report.version:
        messages.error(
            request,
            _("The report changed since you opened it. Read it again, then submit."),
        )
        return redirect(report)
    return _submit(request, report)


def _report_to_review(request: HttpRequest, pk: int) -> UnitReport:
    """The report a review action names: 404 if the user may not read it, 403 if not a
    reviewer of its unit. Its state is checked by the service under the row lock, not here."""
    report = selectors.get_submitted_report_for_user(request.user, pk)
    if report is None:
        raise Http404
    if not permissions.reviews_unit(request.user, report.unit_id):
        raise PermissionDenied
    return report


def _refused(request: HttpRequest, report: UnitReport, message: str) -> HttpResponse:
    """A repeated or racing review click: say what happened, back on the report."""
    messages.error(request, message)
    return _to_page(report)


def _review_form_refused(
    request: HttpRequest, report: UnitReport, *, allowed: bool, **form
) -> HttpResponse:
    """A return or reopening posted without its comment (``form``: ``return_form=`` or
    ``reopen_form=``): if the report has moved on meanwhile (``allowed`` is False), say
    so; else the page again with the form's errors (HTTP 400)."""
    if not allowed:
        return _refused(request, report, services.review_refusal_message(report))
    return _render_page(
        request, unit=report.unit, quarter=report.quarter, report=report, status=400, **form
    )


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_to_review(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _review_form_refused(
            request,
            report,
            allowed=permissions.can_review_report(request.user, report),
            return_form=form,
        )
    try:
        services.report_return(
            report=report, user=request.user, comment=form.cleaned_data["comment"]
        )
    except services.ReportError as error:
        return _refused(request, report, error.message)
    messages.success(
        request, _("The report was returned to %(unit)s with your comment.") % {"unit": report.unit}
    )
    return redirect("reports:queue_quarter", quarter=report.quarter)


@login_required
@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_to_review(request, pk)
    try:
        services.report_accept(report=report, user=request.user)
    except services.ReportError as error:
        return _refused(request, report, error.message)
    messages.success(request, _("The report of %(unit)s was accepted.") % {"unit": report.unit})
    return redirect("reports:queue_quarter", quarter=report.quarter)


@login_required
@require_POST
def report_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_to_review(request, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _review_form_refused(
            request,
            report,
            allowed=permissions.can_reopen_report(request.user, report),
            reopen_form=form,
        )
    try:
        services.report_reopen(report=report, user=request.user, reason=form.cleaned_data["reason"])
    except services.ReportError as error:
        return _refused(request, report, error.message)
    messages.success(
        request, _("The report was reopened and sent back to %(unit)s.") % {"unit": report.unit}
    )
    return _to_page(report)


# --- The reviewer's queue -------------------------------------------------------


class QueueFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        field_name="unit__kind",
        choices=UnitKind.choices,
        label=gettext_lazy("Kind of unit"),
        empty_label=gettext_lazy("All kinds"),
    )
    status = django_filters.ChoiceFilter(
        choices=permissions.queue_status_choices,
        label=gettext_lazy("Status"),
        empty_label=gettext_lazy("All statuses"),
    )

    class Meta:
        model = UnitReport
        fields = ["kind", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs.update({"class": "form-select", "data-autosubmit": ""})


@login_required
@require_GET
def queue_current(request: HttpRequest) -> HttpResponse:
    if not permissions.can_see_queue(request.user):
        raise PermissionDenied
    quarter = Quarter.objects.current() or Quarter.objects.first()
    if quarter is None:
        raise Http404
    return redirect("reports:queue_quarter", quarter=quarter)


@login_required
@require_GET
def queue(request: HttpRequest, quarter: Quarter) -> HttpResponse:
    """A quarter's reports for review, with on time / late / missing counts."""
    user = request.user
    if not permissions.can_see_queue(user):
        raise PermissionDenied
    scope = permissions.scope_of_reads(user)
    filters = QueueFilter(request.GET, queryset=selectors.queue_reports(quarter, scope=scope))
    kind = filters.form.data.get("kind", "") if filters.is_valid() else ""
    kind = kind if kind in UnitKind.values else ""
    page = Paginator(filters.qs, 100).get_page(page_number(request.GET))
    query = request.GET.copy()
    query.pop("page", None)
    unfiled = list(aggregation.units_not_filed(quarter=quarter, scope=scope, kind=kind)[:300])
    reminded = selectors.reminded_on(quarter, unfiled, day=timezone.localdate())
    return render(
        request,
        "reports/queue.html",
        {
            "quarter": quarter,
            "quarters": Quarter.objects.all()[:12],
            "filters": filters,
            "page": page,
            "counts": aggregation.completeness_counts(quarter=quarter, scope=scope, kind=kind),
            # Each unit not filed, with today's reminder and whether the user may remind it.
            "unfiled": [
                (unit, reminded.get(unit.pk), permissions.can_remind(user, unit.pk, quarter))
                for unit in unfiled
            ],
            "can_review": permissions.can_review(user),
            "past_due": quarter.is_past_due(),
            "querystring": query.urlencode(),
        },
    )


@login_required
@require_POST
def remind(request: HttpRequest, quarter: Quarter, unit_code: str) -> HttpResponse:
    """A reviewer's "remind" on the queue, for a unit that has not filed (once a day)."""
    unit = get_object_or_404(Unit, code=unit_code)
    user = request.user
    if not permissions.can_remind(user, unit.pk, quarter):
        # A unit the user has nothing to do with does not exist for them.
        if not (
            permissions.oversees_unit(user, unit.pk) or permissions.is_member_of(user, unit.pk)
        ):
            raise Http404
        raise PermissionDenied
    try:
        log = services.report_remind(
            unit=unit, quarter=quarter, day=timezone.localdate(), user=user
        )
    except services.ReportError as error:
        messages.warning(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(unit)s was reminded: %(count)d person was told.",
                "%(unit)s was reminded: %(count)d people were told.",
                log.recipients,
            )
            % {"unit": unit.name, "count": log.recipients},
        )
    return redirect("reports:queue_quarter", quarter=quarter)


@login_required
@require_GET
def report_search(request: HttpRequest) -> HttpResponse:
    """The texts units submitted, searched without diacritics, with the words found
    shown in excerpts (``reports.search``)."""
    if not permissions.may_browse(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "")
    words = search.words_of(query)
    quarter_pk = query_int(request.GET.get("quarter"), minimum=1)
    quarter = Quarter.objects.filter(pk=quarter_pk).first() if quarter_pk else None
    page = None
    if words:
        versions = search.matching_versions(request.user, words, quarter=quarter)
        page = Paginator(versions, 20).get_page(page_number(request.GET))
        for version in page.object_list:
            version.excerpts = search.excerpts(version, words)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "reports/search.html",
        {
            "query": query,
            "quarter": quarter,
            "quarters": Quarter.objects.all()[:16],
            "page": page,
            "querystring": params.urlencode(),
        },
    )


@login_required
@require_GET
def unit_search(request: HttpRequest) -> JsonResponse:
    """The unit pickers' search: ``{"results": [{"id": …, "text": name}, …]}`` for
    ``?q=``, of the units in the user's scope; ``current=1``: units still in existence
    only (what the directive and meeting forms accept); ``within=<unit id>``: that
    unit's subtree only (a meeting's directives go there)."""
    if not permissions.can_search_units(request.user):
        raise PermissionDenied
    units = selectors.units_matching(
        request.GET.get("q", ""),
        scope=permissions.scope_of_reads(request.user),
        current_only=request.GET.get("current") == "1",
        within=query_int(request.GET.get("within"), minimum=1),
    )
    return JsonResponse({"results": [{"id": u["id"], "text": u["name"]} for u in units]})
