"""Django admin for meetings, directives, assignments and their follow-up.

Everything goes through the same services as the pages (docs/PERMISSIONS.md: the
admin never writes around a rule). A meeting, a directive with its units and a
recommendation are saved by ``meeting_save``, ``directive_save`` and
``recommendation_save``, and a directive is deleted by ``directive_delete`` (on its
page, by the "delete selected" action and on its meeting's page), so only reviewers
change them (to other staff their pages only read) and a refusal comes back on the
form or as a message; assignments are given on their directive. The fields a
decision sets are read-only here, and the actions "confirm / reject claims" and
"approve / refuse deadline changes" call ``progress_confirm``, ``progress_reject``
and ``deadline_change_decide`` row by row, reporting what happened to each.

A directive's and an assignment's status are derived (directives.rules), so
they are shown read-only; the querysets carry whether each assignment has any
progress update and one in the current quarter, so a list page computes every
row's status without a query per row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict, TypeGuard

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from common.admin import (
    BoundedInlineMixin,
    DecisionActionsMixin,
    FoldedSearchMixin,
    ReadOnlyRecordMixin,
    ServiceDeletesMixin,
    ServiceSavesMixin,
)
from common.history import note_history
from common.numbers import FigureField
from common.types import StrOrPromise
from directives import permissions, services
from directives.forms import DIRECTIVE_FIELDS, TARGET_FIELDS, add_target_errors
from directives.models import (
    COMMENT_MAX_LENGTH,
    Assignment,
    AssignmentRole,
    ConclusionNotice,
    DeadlineChange,
    Directive,
    Meeting,
    ProgressUpdate,
    Recommendation,
    Topic,
)
from directives.rules import DirectiveStatus, combine_statuses
from reports.models import Quarter, Unit

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # The mixin below only ever comes before the admin class whose methods it extends.
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _ModelAdminBase = object

SMALL_TEXT = {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}


class UpdateFlags(TypedDict):
    """What ``with_update_flags`` adds to each assignment."""

    has_update: bool
    updated_this_quarter: bool


class DirectiveTotal(TypedDict):
    directive_total: int


def with_update_flags(
    assignments: QuerySet[Assignment],
) -> QuerySet[WithAnnotations[Assignment, UpdateFlags]]:
    """Annotate ``has_update`` and ``updated_this_quarter`` (the current quarter's) in SQL."""
    current_quarter = Quarter.objects.filter(closed=False).order_by("-year", "-number")
    updates = ProgressUpdate.objects.filter(assignment=OuterRef("pk"))
    return assignments.annotate(
        has_update=Exists(updates),
        updated_this_quarter=Exists(
            updates.filter(quarter=Subquery(current_quarter.values("pk")[:1]))
        ),
    )


def _flagged(assignment: Assignment) -> TypeGuard[WithAnnotations[Assignment, UpdateFlags]]:
    return hasattr(assignment, "has_update")


def assignment_status(assignment: Assignment) -> DirectiveStatus | None:
    """The status of an assignment annotated by ``with_update_flags``; None if unsaved."""
    if assignment.pk is None or not _flagged(assignment):
        return None
    return assignment.derived_status(
        has_update=assignment.has_update,
        updated_this_quarter=assignment.updated_this_quarter,
    )


def units_by_role(
    directive: Directive, formsets: list[forms.BaseInlineFormSet]
) -> tuple[list[Unit], list[Unit]]:
    """The lead and the supporting units of ``directive`` as its assignments' inline
    leaves them; as they are, where the page has no such inline."""
    for formset in formsets:
        if formset.model is Assignment:
            kept = [form.cleaned_data for form in formset.forms if form.cleaned_data]
            rows = [(row["unit"], row["role"]) for row in kept if not row.get("DELETE")]
            break
    else:
        assignments = directive.assignments.select_related("unit") if directive.pk else []
        rows = [(a.unit, a.role) for a in assignments]
    lead = [unit for unit, role in rows if role == AssignmentRole.LEAD]
    return lead, [unit for unit, role in rows if role == AssignmentRole.SUPPORT]


class RecordedByReviewersMixin(_ModelAdminBase):
    """Recorded by reviewers (``permissions.can_record_meetings``), as on the pages, and
    a meeting's rows by the reviewers of its unit (``permissions.can_edit_meeting``):
    to other staff these admin pages only read."""

    def _may_record(self, request, obj=None) -> bool:
        if obj is None:
            return permissions.can_record_meetings(request.user)
        meeting = obj if isinstance(obj, Meeting) else obj.meeting
        return permissions.can_edit_meeting(request.user, meeting)

    def has_add_permission(self, request, *args):
        return self._may_record(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._may_record(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_record(request, obj) and super().has_delete_permission(request, obj)


def save_row(user, row: Directive | Recommendation, formsets=()) -> None:
    """Save a directive (with its units, as ``formsets`` leave them) or a recommendation
    through its service, keeping what the admin page does not show."""
    if isinstance(row, Directive):
        lead_units, support_units = units_by_role(row, list(formsets))
        services.directive_save(
            user=user, directive=row, lead_units=lead_units, support_units=support_units
        )
    else:
        directives = list(row.directives.all()) if row.pk else []
        services.recommendation_save(user=user, recommendation=row, directives=directives)


def delete_row(user, row: Directive | Recommendation) -> None:
    """Delete a directive through its service; a recommendation, which no unit has
    worked on, on record as ``user``'s deletion."""
    if isinstance(row, Directive):
        services.directive_delete(user=user, directive=row)
    else:
        note_history(row, by=user).delete()


# -------------------------------------------------------------------- decisions


class ReviewDecisionsMixin(DecisionActionsMixin):
    """Decisions on the units' claims and requests, each row in its own transaction."""

    comment_max_length = COMMENT_MAX_LENGTH

    def decide_each(self, request, queryset, decide: Callable, done: str) -> None:
        for row in queryset.order_by("pk"):
            try:
                decide(row)
            except PermissionDenied:
                self.message_user(
                    request,
                    gettext("%(row)s: only reviewers may decide this.") % {"row": row},
                    messages.ERROR,
                )
            except ValidationError as error:
                self.message_user(
                    request,
                    gettext("%(row)s: %(reason)s")
                    % {"row": row, "reason": " ".join(error.messages)},
                    messages.WARNING,
                )
            else:
                self.message_user(request, done % {"row": row}, messages.SUCCESS)


# -------------------------------------------------------------------- inlines


class AssignmentInline(BoundedInlineMixin, admin.TabularInline):
    """Saved with the directive by ``directive_save``: a new unit takes the directive's
    deadline, and a unit that has reported progress is neither removed nor given to
    another unit."""

    model = Assignment
    fields = ["unit", "role", "due_date", "completed_on", "status_display"]
    # The deadline moves by an approved change, completion by a confirmed claim.
    readonly_fields = ["due_date", "completed_on", "status_display"]
    autocomplete_fields = ["unit"]
    extra = 1
    show_change_link = True

    def get_queryset(self, request):
        return with_update_flags(super().get_queryset(request).select_related("unit"))

    @admin.display(description=_("status"))
    def status_display(self, obj: Assignment) -> StrOrPromise:
        status = assignment_status(obj)
        return status.label if status else "-"


class ProgressUpdateInline(BoundedInlineMixin, admin.TabularInline):
    """Progress is posted by the unit; here it is read, and opened to be confirmed."""

    model = ProgressUpdate
    fields = readonly_fields = (
        "quarter",
        "claimed_status",
        "percent",
        "finished_on",
        "description",
        "review_status",
        "reported_by",
        "reported_at",
    )
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("quarter", "reported_by")


class DeadlineChangeInline(BoundedInlineMixin, admin.TabularInline):
    """Requested by the unit on the directive's page; here it is read, and opened to be
    decided."""

    model = DeadlineChange
    fields = readonly_fields = ("old_date", "new_date", "reason", "status", "decision_comment")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class DirectiveInline(BoundedInlineMixin, admin.TabularInline):
    model = Directive
    fields = DIRECTIVE_FIELDS
    shared_choice_fields = ("topic",)
    extra = 0
    show_change_link = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs.update(SMALL_TEXT)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("topic")


class RecommendationInline(BoundedInlineMixin, admin.TabularInline):
    model = Recommendation
    fields = ["number", "raised_by", "text", "response"]
    autocomplete_fields = ["raised_by"]
    extra = 0
    show_change_link = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("text", "response"):
            kwargs.update(SMALL_TEXT)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("raised_by")


# --------------------------------------------------------------------- admins


@admin.register(Meeting)
class MeetingAdmin(
    ServiceSavesMixin, RecordedByReviewersMixin, FoldedSearchMixin, SimpleHistoryAdmin
):
    list_display = [
        "title",
        "held_at",
        "quarter",
        "unit",
        "chair_name",
        "venue",
        "directive_count",
    ]
    list_filter = ["quarter"]
    list_select_related = ["quarter", "unit"]
    search_fields = ["search_text"]
    autocomplete_fields = ["unit", "attending_units"]
    # No date_hierarchy: its year links convert every held_at to local time in the
    # database, which fails for a date stored near year 1 or 9999; the quarter filter does that job.
    fieldsets = [
        (None, {"fields": ["unit", "quarter", "held_at", "title", "venue"]}),
        (_("Chair"), {"fields": ["chair_name", "chair_positions", "basis"]}),
        (_("Attending"), {"fields": ["attending_units"]}),
        (_("Conclusions"), {"fields": ["assessment", "shortcomings"]}),
    ]
    inlines = [DirectiveInline, RecommendationInline]

    def save_by_service(self, request, form, formsets):
        if form.has_changed() or form.instance.pk is None:
            services.meeting_save(
                user=request.user,
                meeting=form.instance,
                attending_units=form.cleaned_data["attending_units"],
            )
        for formset in formsets:
            for row in formset.new_objects + [row for row, _fields in formset.changed_objects]:
                save_row(request.user, row)
            for row in formset.deleted_objects:
                delete_row(request.user, row)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(directive_total=Count("directives"))

    @admin.display(description=_("directives"), ordering="directive_total")
    def directive_count(self, obj: WithAnnotations[Meeting, DirectiveTotal]) -> int:
        return obj.directive_total


@admin.register(Topic)
class TopicAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "display_order", "directive_count"]
    list_editable = ["display_order"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(directive_total=Count("directives"))

    @admin.display(description=_("directives"), ordering="directive_total")
    def directive_count(self, obj: WithAnnotations[Topic, DirectiveTotal]) -> int:
        return obj.directive_total


class DirectiveAdminForm(forms.ModelForm):
    """Target figures read like those of the directive form (one parser, whole units)."""

    def clean(self):
        super().clean()
        add_target_errors(self)
        return self.cleaned_data


@admin.register(Directive)
class DirectiveAdmin(
    ServiceDeletesMixin,
    ServiceSavesMixin,
    RecordedByReviewersMixin,
    FoldedSearchMixin,
    SimpleHistoryAdmin,
):
    form = DirectiveAdminForm
    formfield_overrides = {models.DecimalField: {"form_class": FigureField}}
    list_display = [
        "number",
        "title",
        "meeting",
        "topic",
        "deadline",
        "is_priority",
        "confidentiality",
        "status_display",
    ]
    list_display_links = ["number", "title"]
    list_filter = ["meeting", "topic", "is_priority", "confidentiality", "is_ongoing"]
    list_select_related = ["meeting", "topic"]
    search_fields = ["search_text"]
    autocomplete_fields = ["meeting", "target_indicator"]
    fieldsets = [
        (None, {"fields": ["meeting", "number", "title", "text", "topic"]}),
        (
            _("Deadline and handling"),
            {"fields": ["due_date", "is_ongoing", "is_priority", "confidentiality"]},
        ),
        (_("Status"), {"fields": ["status_display"]}),
        (_("Measurable target"), {"fields": TARGET_FIELDS}),
    ]
    readonly_fields = ["status_display"]
    inlines = [AssignmentInline]

    def get_queryset(self, request):
        leads = with_update_flags(Assignment.objects.filter(role=AssignmentRole.LEAD))
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("assignments", queryset=leads, to_attr="lead_assignments"))
        )

    @admin.display(description=_("deadline"), ordering="due_date")
    def deadline(self, obj: Directive) -> str:
        if obj.is_ongoing:
            return str(_("Ongoing"))
        return f"{obj.due_date:%d/%m/%Y}" if obj.due_date else "-"

    @admin.display(description=_("status"))
    def status_display(self, obj: Directive) -> StrOrPromise:
        if obj.pk is None or not hasattr(obj, "lead_assignments"):
            return "-"
        # Saved and flagged (get_queryset): each has a status.
        statuses = [assignment_status(a) for a in obj.lead_assignments]
        return combine_statuses(s for s in statuses if s is not None).label

    def save_by_service(self, request, form, formsets):
        save_row(request.user, form.instance, formsets)

    def delete_by_service(self, request, obj):
        services.directive_delete(user=request.user, directive=obj)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyRecordMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    """Given, moved to another unit and removed on their directive (``directive_save``);
    the deadline moves by an approved change, completion by a confirmed claim."""

    list_display = ["directive", "unit", "role", "due_date", "completed_on", "status_display"]
    list_filter = ["role", "unit__kind", "directive__meeting"]
    list_select_related = ["directive__meeting", "unit"]
    search_fields = ["unit__code", "directive__search_text", "unit__search_text"]
    fields = ["directive", "unit", "role", "due_date", "completed_on", "status_display"]
    readonly_fields = ["status_display"]
    inlines = [ProgressUpdateInline, DeadlineChangeInline]

    def get_queryset(self, request):
        return with_update_flags(super().get_queryset(request).select_related("directive", "unit"))

    @admin.display(description=_("status"))
    def status_display(self, obj: Assignment) -> StrOrPromise:
        status = assignment_status(obj)
        return status.label if status else "-"


@admin.register(ConclusionNotice)
class ConclusionNoticeAdmin(ReadOnlyRecordMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    """Edited and issued on the meeting's notice page (``notice_save``, ``notice_issue``)."""

    list_display = ["meeting", "number", "issued_on", "issued_by"]
    list_filter = ["meeting__quarter"]
    list_select_related = ["meeting", "issued_by"]
    search_fields = ["meeting__search_text"]
    fields = [
        "meeting",
        "opening",
        "assessment",
        "shortcomings",
        "tasks",
        "closing",
        "number",
        "issued_on",
        "issued_by",
    ]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReviewDecisionsMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = [
        "assignment",
        "quarter",
        "claimed_status",
        "percent",
        "review_status",
        "reported_by",
        "reported_at",
    ]
    list_filter = ["quarter", "claimed_status", "review_status"]
    list_select_related = ["assignment__directive", "assignment__unit", "quarter", "reported_by"]
    search_fields = [
        "assignment__unit__code",
        "reported_by__username",
        "assignment__directive__search_text",
        "assignment__unit__search_text",
    ]
    autocomplete_fields = ["assignment", "reported_by"]
    # Evidence has no public URL (MEDIA_URL is None): Django's file widget asked the
    # file for one and answered 500 on every update that has evidence. A plain file
    # input, and a link to the permission-checked download.
    formfield_overrides = {models.FileField: {"widget": forms.FileInput}}
    fieldsets = [
        (None, {"fields": ["assignment", "quarter"]}),
        (
            _("Progress"),
            {
                "fields": [
                    "claimed_status",
                    "percent",
                    "finished_on",
                    "description",
                    "evidence_download",
                    "evidence",
                    "reported_by",
                    "reported_at",
                ]
            },
        ),
        (
            _("Confirmation"),
            {"fields": ["review_status", "reviewed_by", "reviewed_at", "review_comment"]},
        ),
    ]
    # A claim is posted by its unit (progress_post); a decision is made by the actions
    # below, through the services; the day the work was finished is corrected by the
    # reviewer on the directive's page.
    readonly_fields = [
        "assignment",
        "quarter",
        "claimed_status",
        "percent",
        "evidence_download",
        "finished_on",
        "reported_by",
        "reported_at",
        "review_status",
        "reviewed_by",
        "reviewed_at",
        "review_comment",
    ]
    actions = ["confirm_claims", "reject_claims"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Confirm selected claims"))
    def confirm_claims(self, request, queryset):
        self.decide_each(
            request,
            queryset,
            lambda update: services.progress_confirm(user=request.user, update=update),
            gettext("%(row)s: confirmed; the assignment counts as done."),
        )

    @admin.action(description=_("Reject selected claims…"))
    def reject_claims(self, request, queryset):
        return self.decide_with_comment(
            request,
            queryset,
            action="reject_claims",
            title=gettext("Reject the selected claims"),
            decide=lambda update, comment: services.progress_reject(
                user=request.user, update=update, comment=comment
            ),
            done=gettext("%(row)s: rejected; the unit will see why."),
        )

    @admin.display(description=_("current evidence file"))
    def evidence_download(self, update: ProgressUpdate) -> str:
        stored_name = update.evidence.name  # empty when no file was attached
        if not stored_name:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("directives:evidence", args=[update.pk]),
            stored_name.rsplit("/", 1)[-1],
        )


@admin.register(DeadlineChange)
class DeadlineChangeAdmin(ReviewDecisionsMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = [
        "assignment",
        "old_date",
        "new_date",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
    ]
    list_filter = ["status"]
    list_select_related = [
        "assignment__directive",
        "assignment__unit",
        "requested_by",
        "decided_by",
    ]
    search_fields = [
        "assignment__unit__code",
        "assignment__directive__search_text",
        "assignment__unit__search_text",
    ]
    autocomplete_fields = ["assignment", "requested_by"]
    fieldsets = [
        (None, {"fields": ["assignment", "old_date", "new_date", "reason"]}),
        (_("Request"), {"fields": ["requested_by", "requested_at"]}),
        (
            _("Decision"),
            {"fields": ["status", "decided_by", "decided_at", "decision_comment"]},
        ),
    ]
    # A request is made by its unit (deadline_change_request), a decision by the
    # actions below, through the service.
    readonly_fields = [
        "assignment",
        "old_date",
        "new_date",
        "reason",
        "requested_by",
        "requested_at",
        "status",
        "decided_by",
        "decided_at",
        "decision_comment",
    ]

    def has_add_permission(self, request):
        return False

    actions = ["approve_changes", "refuse_changes"]

    @admin.action(description=_("Approve selected deadline changes"))
    def approve_changes(self, request, queryset):
        self.decide_each(
            request,
            queryset,
            lambda change: services.deadline_change_decide(
                user=request.user, change=change, approve=True
            ),
            gettext("%(row)s: approved; the new deadline is in force."),
        )

    @admin.action(description=_("Refuse selected deadline changes…"))
    def refuse_changes(self, request, queryset):
        return self.decide_with_comment(
            request,
            queryset,
            action="refuse_changes",
            title=gettext("Refuse the selected requests"),
            decide=lambda change, comment: services.deadline_change_decide(
                user=request.user, change=change, approve=False, comment=comment
            ),
            done=gettext("%(row)s: refused."),
        )


@admin.register(Recommendation)
class RecommendationAdmin(
    ServiceSavesMixin, RecordedByReviewersMixin, FoldedSearchMixin, SimpleHistoryAdmin
):
    list_display = ["number", "short_text", "meeting", "raised_by", "has_response"]
    list_display_links = ["number", "short_text"]
    list_filter = ["meeting"]
    list_select_related = ["meeting", "raised_by"]
    search_fields = ["text", "raised_by__code", "raised_by__search_text", "meeting__search_text"]
    autocomplete_fields = ["meeting", "raised_by", "report", "directives"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting", "raised_by")

    def save_by_service(self, request, form, formsets):
        services.recommendation_save(
            user=request.user,
            recommendation=form.instance,
            directives=form.cleaned_data["directives"],
        )

    @admin.display(description=_("recommendation"))
    def short_text(self, obj: Recommendation) -> str:
        return obj.text[:100]

    @admin.display(description=_("answered"), boolean=True)
    def has_response(self, obj: Recommendation) -> bool:
        return bool(obj.response)
