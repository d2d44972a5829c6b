"""Django admin for meetings, directives, assignments and their follow-up.

A directive's and an assignment's status are derived (directives.rules), so
they are shown read-only; the querysets carry whether each assignment has any
progress update and one in the current quarter, so a list page computes every
row's status without a query per row.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from directives.models import (
    Assignment,
    AssignmentRole,
    DeadlineChange,
    Directive,
    Meeting,
    ProgressUpdate,
    Recommendation,
    Topic,
)
from directives.rules import DirectiveStatus, combine_statuses
from reports.admin import BoundedInlineMixin, FoldedSearchMixin
from reports.models import Quarter

SMALL_TEXT = {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}


def with_update_flags(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Annotate ``has_update`` and ``updated_this_quarter`` (the current quarter's) in SQL."""
    current_quarter = Quarter.objects.filter(closed=False).order_by("-year", "-number")
    updates = ProgressUpdate.objects.filter(assignment=OuterRef("pk"))
    return assignments.annotate(
        has_update=Exists(updates),
        updated_this_quarter=Exists(
            updates.filter(quarter=Subquery(current_quarter.values("pk")[:1]))
        ),
    )


def assignment_status(assignment: Assignment) -> DirectiveStatus | None:
    """The status of an assignment annotated by ``with_update_flags``; None if unsaved."""
    if assignment.pk is None or not hasattr(assignment, "has_update"):
        return None
    return assignment.status(
        has_update=assignment.has_update,
        updated_this_quarter=assignment.updated_this_quarter,
    )


def fill_due_date(assignment: Assignment, directive: Directive) -> None:
    """A new assignment left without a deadline takes its directive's."""
    if assignment.pk is None and assignment.due_date is None:
        assignment.due_date = directive.due_date


# -------------------------------------------------------------------- inlines


class AssignmentInline(BoundedInlineMixin, admin.TabularInline):
    model = Assignment
    fields = ["unit", "role", "due_date", "completed_on", "status_display"]
    readonly_fields = ["status_display"]
    autocomplete_fields = ["unit"]
    extra = 1
    show_change_link = True

    def get_queryset(self, request):
        return with_update_flags(super().get_queryset(request).select_related("unit"))

    @admin.display(description=_("status"))
    def status_display(self, obj: Assignment) -> str:
        status = assignment_status(obj)
        return status.label if status else "-"


class ProgressUpdateInline(BoundedInlineMixin, admin.TabularInline):
    """Progress is posted by the unit; here it is read, and opened to be confirmed."""

    model = ProgressUpdate
    fields = [
        "quarter",
        "claimed_status",
        "percent",
        "description",
        "review_status",
        "reported_by",
        "reported_at",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("quarter", "reported_by")


class DeadlineChangeInline(BoundedInlineMixin, admin.TabularInline):
    model = DeadlineChange
    fields = ["old_date", "new_date", "reason", "status", "decision_comment"]
    extra = 0
    show_change_link = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("reason", "decision_comment"):
            kwargs.update(SMALL_TEXT)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class DirectiveInline(BoundedInlineMixin, admin.TabularInline):
    model = Directive
    fields = [
        "number",
        "title",
        "text",
        "topic",
        "due_date",
        "is_ongoing",
        "is_priority",
        "confidentiality",
    ]
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
class MeetingAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ["title", "held_at", "quarter", "chair_name", "venue", "directive_count"]
    list_filter = ["quarter"]
    list_select_related = ["quarter"]
    search_fields = ["search_text"]
    autocomplete_fields = ["attending_units"]
    date_hierarchy = "held_at"
    fieldsets = [
        (None, {"fields": ["quarter", "held_at", "title", "venue"]}),
        (_("Chair"), {"fields": ["chair_name", "chair_positions", "basis"]}),
        (_("Attending"), {"fields": ["attending_units"]}),
        (_("Conclusions"), {"fields": ["assessment", "shortcomings"]}),
    ]
    inlines = [DirectiveInline, RecommendationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(directive_total=Count("directives"))

    @admin.display(description=_("directives"), ordering="directive_total")
    def directive_count(self, obj: Meeting) -> int:
        return obj.directive_total


@admin.register(Topic)
class TopicAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "display_order", "directive_count"]
    list_editable = ["display_order"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(directive_total=Count("directives"))

    @admin.display(description=_("directives"), ordering="directive_total")
    def directive_count(self, obj: Topic) -> int:
        return obj.directive_total


@admin.register(Directive)
class DirectiveAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
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
        (
            _("Measurable target"),
            {
                "fields": [
                    "target_indicator",
                    "target_baseline",
                    "target_min",
                    "target_max",
                    "target_date",
                ]
            },
        ),
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
    def status_display(self, obj: Directive) -> str:
        if obj.pk is None or not hasattr(obj, "lead_assignments"):
            return "-"
        statuses = [assignment_status(a) for a in obj.lead_assignments]
        return combine_statuses(statuses).label

    def save_formset(self, request, form, formset, change):
        if formset.model is Assignment:
            for assignment_form in formset.forms:
                if assignment_form.has_changed() and not assignment_form.cleaned_data.get("DELETE"):
                    fill_due_date(assignment_form.instance, form.instance)
        super().save_formset(request, form, formset, change)


@admin.register(Assignment)
class AssignmentAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ["directive", "unit", "role", "due_date", "completed_on", "status_display"]
    list_filter = ["role", "unit__kind", "directive__meeting"]
    list_select_related = ["directive__meeting", "unit"]
    search_fields = ["unit__code", "directive__search_text", "unit__search_text"]
    autocomplete_fields = ["directive", "unit"]
    fields = ["directive", "unit", "role", "due_date", "completed_on", "status_display"]
    readonly_fields = ["status_display"]
    inlines = [ProgressUpdateInline, DeadlineChangeInline]

    def get_queryset(self, request):
        return with_update_flags(super().get_queryset(request).select_related("directive", "unit"))

    @admin.display(description=_("status"))
    def status_display(self, obj: Assignment) -> str:
        status = assignment_status(obj)
        return status.label if status else "-"

    def save_model(self, request, obj, form, change):
        fill_due_date(obj, obj.directive)
        super().save_model(request, obj, form, change)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
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
    autocomplete_fields = ["assignment", "reported_by", "reviewed_by"]
    fieldsets = [
        (None, {"fields": ["assignment", "quarter"]}),
        (
            _("Progress"),
            {
                "fields": [
                    "claimed_status",
                    "percent",
                    "description",
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


@admin.register(DeadlineChange)
class DeadlineChangeAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
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
    autocomplete_fields = ["assignment", "requested_by", "decided_by"]
    fieldsets = [
        (None, {"fields": ["assignment", "old_date", "new_date", "reason"]}),
        (_("Request"), {"fields": ["requested_by", "requested_at"]}),
        (
            _("Decision"),
            {"fields": ["status", "decided_by", "decided_at", "decision_comment"]},
        ),
    ]


@admin.register(Recommendation)
class RecommendationAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ["number", "short_text", "meeting", "raised_by", "has_response"]
    list_display_links = ["number", "short_text"]
    list_filter = ["meeting"]
    list_select_related = ["meeting", "raised_by"]
    search_fields = ["text", "raised_by__code", "raised_by__search_text", "meeting__search_text"]
    autocomplete_fields = ["meeting", "raised_by", "report", "directives"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting", "raised_by")

    @admin.display(description=_("recommendation"))
    def short_text(self, obj: Recommendation) -> str:
        return obj.text[:100]

    @admin.display(description=_("answered"), boolean=True)
    def has_response(self, obj: Recommendation) -> bool:
        return bool(obj.response)
