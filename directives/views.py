"""Pages of the follow-up: meetings, the register, a directive, progress, the dashboard.

Views stay thin: check permission (``directives.permissions``), read through
``directives.selectors``, change through ``directives.services``.
"""

import mimetypes
from collections.abc import Callable
from pathlib import PurePath
from typing import TYPE_CHECKING, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.documents.downloads import document_download
from common.numbers import page_number, query_int
from common.types import AuthenticatedHttpRequest, StrOrPromise
from directives import permissions, selectors, services
from directives.documents import briefing_pack_docx, draft_notice
from directives.filters import AssignmentFilter, DirectiveFilter
from directives.forms import (
    DeadlineChangeForm,
    DirectiveForm,
    IssueForm,
    MeetingForm,
    NoticeForm,
    ProgressUpdateForm,
    RecommendationForm,
    ReviewForm,
)
from directives.models import (
    Assignment,
    AssignmentRole,
    ConclusionNotice,
    DeadlineChange,
    DeadlineChangeStatus,
    Directive,
    Meeting,
    ProgressUpdate,
    Recommendation,
    ReviewStatus,
)
from directives.query import AssignmentStatusFields
from directives.rules import combine_statuses
from reports.models import Quarter

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PAGE_SIZE = 25
# What a form's service saves and returns: a meeting, a directive, a recommendation.
Saved = TypeVar("Saved")
Decided = TypeVar("Decided", ProgressUpdate, DeadlineChange)
MeetingRow = TypeVar("MeetingRow", Directive, Recommendation)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _safe_next(request: HttpRequest, default: str) -> str:
    """The page to go back to: a path on this site only, never another host."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _save_posted(
    request: HttpRequest, form, save: Callable[[], Saved]
) -> tuple[Saved | None, dict]:
    """Save a posted, valid versioned form through ``save`` (its service): the saved object,
    or None with the errors on the form.

    When someone saved in between (``services.EditConflict``) the form, as posted, now
    carries the version on record so that saving it again is a choice, and the context
    ``{"conflict": error}`` lets the page say who saved (HTTP 409)."""
    if request.method != "POST" or not form.is_valid():
        return None, {}
    try:
        return save(), {}
    except services.EditConflict as error:
        data = form.data.copy()
        data["version"] = error.version
        form.data = data
        return None, {"conflict": error}
    except ValidationError as error:
        _add_errors(form, error)
        return None, {}


def _edit_page(
    request: HttpRequest,
    form,
    save: Callable[[], Saved],
    *,
    saved_message: str,
    next_page: Callable[[Saved], HttpResponse],
    template: str,
    context: dict,
) -> HttpResponse:
    """A versioned form's page: posted and saved through ``save`` (``_save_posted``), it
    says ``saved_message`` and goes to ``next_page``; else the form again, HTTP 409 with
    a conflict."""
    saved, conflict = _save_posted(request, form, save)
    if saved is not None:
        messages.success(request, saved_message)
        return next_page(saved)
    return render(request, template, {**context, **conflict}, status=409 if conflict else 200)


def _directive_for(user, pk: int) -> Directive:
    """The directive if the user may see it; 404 otherwise (its existence is private)."""
    _require(permissions.may_browse(user))
    return get_object_or_404(
        selectors.directives_visible_to(user).select_related(
            "meeting", "meeting__quarter", "topic", "target_indicator"
        ),
        pk=pk,
    )


def _meeting_for(user, pk: int | None) -> Meeting:
    """The meeting if the user may see it; 404 otherwise (another subtree's)."""
    _require(permissions.may_browse(user))
    return get_object_or_404(
        selectors.visible_meetings(user).select_related("quarter", "unit"), pk=pk
    )


def _meeting_row(
    user, model: type[MeetingRow], visible: QuerySet[MeetingRow], *, pk: int | None, meeting_pk
) -> MeetingRow:
    """The directive or recommendation ``pk`` among those ``visible`` to the user (404
    otherwise), or a new one of the meeting ``meeting_pk``; 403 unless the user records
    the rows of its meeting."""
    _require(permissions.can_record_meetings(user))
    if pk:
        row = get_object_or_404(visible.select_related("meeting"), pk=pk)
    else:
        row = model(meeting=_meeting_for(user, meeting_pk))
    _require(permissions.can_edit_meeting(user, row.meeting))
    return row


def _assignment_to_post_on(user, pk: int) -> Assignment:
    """An assignment of a visible directive (404 otherwise) held by one of the user's
    units (403 otherwise): the one its unit posts progress or a deadline request on."""
    _require(permissions.may_browse(user))
    assignment = get_object_or_404(
        selectors.assignments_visible_to(user).select_related(
            "directive", "directive__meeting", "unit"
        ),
        pk=pk,
    )
    _require(permissions.is_member_of(user, assignment.unit_id))
    return assignment


# ------------------------------------------------------------------ meetings


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.may_browse(request.user))
    meetings = selectors.meetings_visible_to(request.user)
    page = Paginator(meetings, PAGE_SIZE).get_page(page_number(request.GET))
    return render(
        request,
        "directives/meeting_list.html",
        {
            "page": page,
            "can_record": permissions.can_record_meetings(request.user),
        },
    )


@login_required
@require_GET
def meeting_search(request: HttpRequest) -> JsonResponse:
    """The meeting pickers' search: ``{"results": [{"id": …, "text": label}, …]}``
    for ``?q=``, newest first, labelled as the meeting filter shows them."""
    _require(permissions.may_browse(request.user))
    meetings = selectors.meetings_matching(request.user, request.GET.get("q", ""))
    return JsonResponse({"results": [{"id": m.pk, "text": str(m)} for m in meetings]})


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request.user, pk)
    page = selectors.meeting_page(
        meeting,
        request.user,
        quarter=selectors.current_quarter(),
        page_number=page_number(request.GET),
    )
    return render(
        request,
        "directives/meeting_detail.html",
        {
            "meeting": meeting,
            **page,
            "querystring": _querystring_without_page(request),
            "can_record": permissions.can_edit_meeting(request.user, meeting),
            "can_see_pack": permissions.can_see_briefing_pack(request.user, meeting),
            "can_read_notice": permissions.can_read_notice_draft(request.user, meeting),
            "notice": ConclusionNotice.objects.filter(meeting=meeting).first(),
        },
    )


@login_required
def meeting_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    _require(permissions.can_record_meetings(request.user))
    meeting = _meeting_for(request.user, pk) if pk else None
    _require(meeting is None or permissions.can_edit_meeting(request.user, meeting))
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user)
    return _edit_page(
        request,
        form,
        lambda: services.meeting_save(
            user=request.user,
            meeting=form.save(commit=False),
            attending_units=form.cleaned_data["attending_units"],
            expected_version=form.expected_version,
        ),
        saved_message=_("The meeting has been saved."),
        next_page=redirect,
        template="directives/meeting_form.html",
        context={"form": form, "meeting": meeting},
    )


@login_required
def briefing_pack(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request.user, pk)
    _require(permissions.can_see_briefing_pack(request.user, meeting))
    pack = selectors.briefing_pack(meeting, request.user, quarter=selectors.current_quarter())
    return render(request, "directives/briefing_pack.html", {"meeting": meeting, **pack})


@login_required
def notice_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The conclusion notice: read as it is being edited (``can_read_notice_draft``),
    edited and issued by whoever records the meeting (``can_edit_notice``)."""
    meeting = _meeting_for(request.user, pk)
    _require(permissions.can_read_notice_draft(request.user, meeting))
    notice = draft_notice(request.user, meeting=meeting)
    editable = permissions.can_edit_notice(request.user, meeting, notice if notice.pk else None)
    if request.method == "POST":
        _require(editable)
    posted = request.POST if request.method == "POST" else None
    form = NoticeForm(posted, instance=notice)
    issuing = posted is not None and posted.get("action") == "issue"
    issue_form = IssueForm(posted if issuing else None, initial={"issued_on": meeting.held_on})
    context = {
        "meeting": meeting,
        "notice": notice,
        "form": form,
        "issue_form": issue_form,
        "editable": editable,
    }
    if not editable:
        return render(request, "directives/notice_read.html", context)
    if issuing and not issue_form.is_valid():
        return render(request, "directives/notice_form.html", context)
    saved, conflict = _save_posted(
        request,
        form,
        lambda: (
            services.notice_issue(
                user=request.user,
                notice=form.save(commit=False),
                number=issue_form.cleaned_data["number"],
                issued_on=issue_form.cleaned_data["issued_on"],
                expected_version=form.expected_version,
            )
            if issuing
            else services.notice_save(
                user=request.user,
                notice=form.save(commit=False),
                expected_version=form.expected_version,
            )
        ),
    )
    if saved is not None:
        messages.success(
            request,
            _("The notice has been issued.") if issuing else _("The notice has been saved."),
        )
        return redirect("meetings:notice", pk=meeting.pk)
    status = 409 if conflict else 200
    return render(request, "directives/notice_form.html", {**context, **conflict}, status=status)


@login_required
@require_GET
def briefing_pack_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The briefing pack as the commission's report for the meeting (.docx, or PDF)."""
    meeting = _meeting_for(request.user, pk)
    _require(permissions.can_see_briefing_pack(request.user, meeting))
    pack = selectors.briefing_pack(meeting, request.user, quarter=selectors.current_quarter())
    return document_download(
        request,
        briefing_pack_docx(request.user, meeting=meeting, pack=pack),
        f"bao-cao-phuc-vu-giao-ban-{meeting.held_on:%Y-%m-%d}-{meeting.pk}",
        back=reverse("meetings:pack", args=[meeting.pk]),
    )


@login_required
def directive_edit(
    request: AuthenticatedHttpRequest, meeting_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    """Record a directive with its lead and supporting units, or change one."""
    directive = _meeting_row(
        request.user,
        Directive,
        selectors.directives_visible_to(request.user).select_related(
            "meeting__quarter", "topic", "target_indicator"
        ),
        pk=pk,
        meeting_pk=meeting_pk,
    )
    meeting = directive.meeting
    form = DirectiveForm(request.POST or None, instance=directive, meeting=meeting)
    return _edit_page(
        request,
        form,
        lambda: services.directive_save(
            user=request.user,
            directive=form.save(commit=False),
            lead_units=form.cleaned_data["lead_units"],
            support_units=form.cleaned_data["support_units"],
            expected_version=form.expected_version,
        ),
        saved_message=_("The directive has been saved with its units."),
        next_page=lambda saved: (
            redirect("meetings:directive_new", meeting_pk=meeting.pk)
            if "add_another" in request.POST
            else redirect(saved)
        ),
        template="directives/directive_form.html",
        context={
            "form": form,
            "meeting": meeting,
            "directive": directive if directive.pk else None,
        },
    )


@login_required
def recommendation_edit(
    request: AuthenticatedHttpRequest, meeting_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    """Record a recommendation heard at a meeting, or change one."""
    recommendation = _meeting_row(
        request.user,
        Recommendation,
        selectors.recommendations_visible_to(request.user),
        pk=pk,
        meeting_pk=meeting_pk,
    )
    meeting = recommendation.meeting
    form = RecommendationForm(request.POST or None, instance=recommendation, meeting=meeting)
    return _edit_page(
        request,
        form,
        lambda: services.recommendation_save(
            user=request.user,
            recommendation=form.save(commit=False),
            directives=form.cleaned_data["directives"],
            expected_version=form.expected_version,
        ),
        saved_message=_("The recommendation has been saved."),
        next_page=lambda _saved: redirect(meeting),
        template="directives/recommendation_form.html",
        context={"form": form, "meeting": meeting, "recommendation": recommendation},
    )


# ------------------------------------------------------------- register


@login_required
def register(request: HttpRequest) -> HttpResponse:
    _require(permissions.may_browse(request.user))
    quarter = selectors.current_quarter()
    filterset = DirectiveFilter(
        request.GET or None, queryset=Directive.objects.none(), user=request.user
    )

    today = timezone.localdate()

    def rows() -> QuerySet[Directive]:
        filterset.queryset = selectors.directives_with_status(
            request.user, quarter=quarter, today=today
        )
        return selectors.with_units(filterset.qs)

    # Kept until a directive, a unit or anything else it reads changes (selectors.kept).
    filters = sorted(
        (key, value) for key in request.GET if key != "page" for value in request.GET.getlist(key)
    )
    page = selectors.kept_page(
        "register",
        request.user,
        (today, quarter.pk if quarter else None, filters),
        rows,
        page_number(request.GET),
        PAGE_SIZE,
    )
    return render(
        request,
        "directives/register.html",
        {
            "filter": filterset,
            "page": page,
            "querystring": _querystring_without_page(request),
            "current_quarter": quarter,
        },
    )


@login_required
def assignment_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.may_browse(request.user))
    quarter = selectors.current_quarter()
    assignments = selectors.assignments_with_status(request.user, quarter=quarter).order_by(
        "unit__display_order", "unit__name", "due_date", "directive__number"
    )
    filterset = AssignmentFilter(request.GET or None, queryset=assignments, user=request.user)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(page_number(request.GET))
    return render(
        request,
        "directives/assignment_list.html",
        {
            "filter": filterset,
            "page": page,
            "querystring": _querystring_without_page(request),
            "current_quarter": quarter,
        },
    )


class _AssignmentOnPage(AssignmentStatusFields):
    """What ``directive_detail`` sets on each assignment for its template."""

    awaiting_confirmation: bool
    awaiting_decision: bool
    can_post: bool
    can_move: bool


@login_required
def directive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    directive = _directive_for(request.user, pk)
    quarter = selectors.current_quarter()
    assignments = cast(
        "list[WithAnnotations[Assignment, _AssignmentOnPage]]",
        selectors.directive_assignments(directive, quarter=quarter),
    )
    leads = [a.status for a in assignments if a.role == AssignmentRole.LEAD]
    timeline = selectors.directive_timeline(directive)
    awaiting_confirmation = {
        event.item.assignment_id
        for event in timeline
        if isinstance(event.item, ProgressUpdate)
        and event.item.review_status == ReviewStatus.PENDING
    }
    awaiting_decision = {
        event.item.assignment_id
        for event in timeline
        if isinstance(event.item, DeadlineChange)
        and event.item.status == DeadlineChangeStatus.PENDING
    }
    for assignment in assignments:
        assignment.awaiting_confirmation = assignment.pk in awaiting_confirmation
        assignment.awaiting_decision = assignment.pk in awaiting_decision
        assignment.can_post = permissions.can_post_progress(
            request.user, assignment
        ) and not permissions.progress_refusal(
            assignment, claim_pending=assignment.awaiting_confirmation
        )
        assignment.can_move = permissions.can_request_deadline_change(
            request.user, assignment
        ) and not permissions.deadline_request_refusal(
            assignment, change_pending=assignment.awaiting_decision
        )
    return render(
        request,
        "directives/directive_detail.html",
        {
            "directive": directive,
            "status": combine_statuses(leads),
            "assignments": assignments,
            "timeline": timeline,
            "target": selectors.target_progress(directive, request.user),
            "recommendations": directive.recommendations.all(),
            "can_record": permissions.can_edit_meeting(request.user, directive.meeting),
            "can_review": permissions.can_review_progress_of(request.user, directive.meeting),
            "can_see_evidence": permissions.can_see_evidence(
                request.user, [a.unit_id for a in assignments]
            ),
            "current_quarter": quarter,
        },
    )


# ---------------------------------------------------------------- progress


@login_required
def progress_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A unit posts its quarterly update on one of its assignments."""
    assignment = _assignment_to_post_on(request.user, pk)
    if not permissions.can_post_progress(request.user, assignment):
        messages.info(request, _("This assignment is already confirmed done."))
        return redirect("directives:detail", pk=assignment.directive_id)
    # While a claim awaits confirmation the page says so instead of offering the form.
    refusal = permissions.progress_refusal(assignment)
    quarter = selectors.current_quarter()
    form = ProgressUpdateForm(request.POST or None, request.FILES or None, assignment=assignment)
    if refusal:
        pass
    elif quarter is None:
        messages.error(request, _("No quarter is open, so progress cannot be posted now."))
    elif request.method == "POST" and form.is_valid():
        try:
            services.progress_post(
                user=request.user,
                assignment=assignment,
                quarter=quarter,
                claimed_status=form.cleaned_data["claimed_status"],
                percent=form.cleaned_data["percent"],
                description=form.cleaned_data["description"],
                finished_on=form.cleaned_data.get("finished_on"),
                evidence=form.cleaned_data.get("evidence") or None,
                evidence_extension=form.evidence_extension,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your update has been posted."))
            return redirect("directives:detail", pk=assignment.directive_id)
    return render(
        request,
        "directives/progress_form.html",
        {"form": form, "assignment": assignment, "quarter": quarter, "refusal": refusal},
    )


@login_required
def deadline_change_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment_to_post_on(request.user, pk)
    if not permissions.can_request_deadline_change(request.user, assignment):
        messages.info(request, _("This assignment has no deadline to move, or is already done."))
        return redirect("directives:detail", pk=assignment.directive_id)
    # While a request awaits a decision the page says so instead of offering the form.
    refusal = permissions.deadline_request_refusal(assignment)
    form = DeadlineChangeForm(request.POST or None, assignment=assignment)
    if not refusal and request.method == "POST" and form.is_valid():
        try:
            services.deadline_change_request(
                user=request.user,
                assignment=assignment,
                new_date=form.cleaned_data["new_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your request has been sent to the commission."))
            return redirect("directives:detail", pk=assignment.directive_id)
    return render(
        request,
        "directives/deadline_change_form.html",
        {"form": form, "assignment": assignment, "refusal": refusal},
    )


def _to_decide(request: AuthenticatedHttpRequest, rows: QuerySet[Decided], pk: int) -> Decided:
    """The update or deadline request ``pk`` of a directive the reviewer sees, of a
    meeting whose progress they review (else 404 or 403)."""
    _require(permissions.can_review_progress(request.user))
    row = get_object_or_404(
        rows.filter(
            assignment__directive__in=selectors.directives_visible_to(request.user)
        ).select_related("assignment__directive__meeting"),
        pk=pk,
    )
    _require(permissions.can_review_progress_of(request.user, row.assignment.directive.meeting))
    return row


def _decided(
    request: AuthenticatedHttpRequest, decide: Callable[[dict], StrOrPromise]
) -> HttpResponse:
    """A reviewer's decision posted in a ``ReviewForm``: ``decide`` calls the service with
    the form's data and returns what to say; the form's or the service's refusal is said
    instead. Back to the review queue, or to the page it came from."""
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            messages.success(request, decide(form.cleaned_data))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(_safe_next(request, "directives:review"))


@login_required
@require_POST
def update_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A reviewer confirms or rejects a claimed "done"."""
    update = _to_decide(request, ProgressUpdate.objects.all(), pk)

    def decide(data: dict) -> StrOrPromise:
        if data["decision"] == "yes":
            services.progress_confirm(
                user=request.user, update=update, finished_on=data.get("finished_on")
            )
            return _("Confirmed: the assignment now counts as done.")
        services.progress_reject(user=request.user, update=update, comment=data["comment"])
        return _("The claim has been rejected; the unit will see why.")

    return _decided(request, decide)


@login_required
@require_POST
def deadline_change_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    change = _to_decide(request, DeadlineChange.objects.all(), pk)

    def decide(data: dict) -> StrOrPromise:
        approve = data["decision"] == "yes"
        services.deadline_change_decide(
            user=request.user, change=change, approve=approve, comment=data["comment"]
        )
        return _("The new deadline is in force.") if approve else _("The request was refused.")

    return _decided(request, decide)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_review_progress(request.user))
    updates = selectors.pending_confirmations(request.user)
    changes = selectors.pending_deadline_changes(request.user)
    return render(
        request,
        "directives/review_queue.html",
        {
            "updates": Paginator(updates, PAGE_SIZE).get_page(page_number(request.GET)),
            "changes": Paginator(changes, PAGE_SIZE).get_page(
                page_number(request.GET, "changes_page")
            ),
        },
    )


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """The unit's workspace: its assignments, those awaiting this quarter's update first."""
    _require(permissions.is_unit_staff(request.user))
    quarter = selectors.current_quarter()
    return render(
        request,
        "directives/my_work.html",
        {
            "quarter": quarter,
            "awaiting_assignments": selectors.assignments_awaiting_update(request.user, quarter),
            "assignments": selectors.my_assignments(request.user, quarter),
        },
    )


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence file: only to the units assigned to the directive, the
    commission, leadership and administrators; 404 for everyone else."""
    _require(permissions.may_browse(request.user))
    update = get_object_or_404(
        ProgressUpdate.objects.filter(
            assignment__directive__in=selectors.directives_visible_to(request.user)
        ).select_related("assignment"),
        pk=pk,
    )
    assigned = Assignment.objects.filter(directive_id=update.assignment.directive_id)
    stored_name = update.evidence.name  # empty when no file was attached
    if not stored_name or not permissions.can_see_evidence(
        request.user, assigned.values_list("unit_id", flat=True)
    ):
        raise Http404
    try:
        handle = update.evidence.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    name = PurePath(stored_name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=f"minh-chung-{update.pk}-{name}")
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -------------------------------------------------------------- dashboard


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(permissions.may_browse(request.user))
    quarter = selectors.current_quarter()
    meeting_quarter = None
    quarter_pk = query_int(request.GET.get("quarter"), minimum=1)
    if quarter_pk is not None:
        meeting_quarter = Quarter.objects.filter(pk=quarter_pk).first()
    data = selectors.follow_up_dashboard(
        request.user, quarter=quarter, meeting_quarter=meeting_quarter
    )
    base: dict[str, int | str] = {}
    if meeting_quarter is not None:
        base["quarter"] = meeting_quarter.pk
    scope = permissions.scope_for(request.user)
    own_units = scope is None or not scope.oversees
    if own_units:
        base["mine"] = "on"
    return render(
        request,
        "directives/dashboard.html",
        {
            **data,
            "chart_data": selectors.dashboard_chart_data(data),
            "base": base,
            "own_units": own_units,
            "every_unit": scope is not None and scope.is_everything,
            "meeting_quarter": meeting_quarter,
            "quarters": Quarter.objects.all(),
            "statuses": list(selectors.S),
            "today": timezone.localdate(),
            "pending_reviews": (
                selectors.pending_confirmations(request.user).count()
                if permissions.can_review_progress(request.user)
                else None
            ),
            "review_status_pending": ReviewStatus.PENDING,
        },
    )
