"""Django admin for the reporting cycle: the administrator's units, users,
memberships, quarters and indicators, and every report with its history."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from accounts import two_factor
from accounts.services import password_set_by_admin
from common.admin import (
    BoundedInlineMixin,
    DecisionActionsMixin,
    FoldedSearchMixin,
    ReadOnlyRecordMixin,
)
from common.fields import OneLineFormField
from common.numbers import FigureField
from common.types import StrOrPromise
from reports import permissions, services
from reports.models import (
    COMMENT_MAX_LENGTH,
    ConsolidatedQuote,
    ConsolidatedReport,
    DocumentIssuer,
    Indicator,
    IndicatorValue,
    Membership,
    Quarter,
    ReminderLog,
    ReportVersion,
    ReportVersionValue,
    ReviewEvent,
    Unit,
    UnitKind,
    UnitLink,
    UnitName,
    UnitReport,
    ValidationRule,
)

admin.site.site_header = _("Mass mobilization administration")
admin.site.site_title = _("Mass mobilization administration")
admin.site.index_title = _("Units, users, quarters, reports and directives")


# ---------------------------------------------------------------- units, users


class MembershipInline(BoundedInlineMixin, admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user", "unit"]


class UnitMembershipInline(MembershipInline):
    fields = ["user", "role"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class UserMembershipInline(MembershipInline):
    fields = ["unit", "role"]
    autocomplete_fields = ["unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit")


class ChildUnitInline(BoundedInlineMixin, admin.TabularInline):
    """The units under this one, read-only; each opens on its own page."""

    model = Unit
    fk_name = "parent"
    verbose_name = _("unit under this one")
    verbose_name_plural = _("units under this one")
    fields = readonly_fields = ("code", "name", "kind", "level", "submits_reports", "valid_to")
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyRecordMixin, BoundedInlineMixin, admin.TabularInline):
    """Rows shown on their parent's page and written elsewhere (a reorganisation)."""

    extra = 0
    can_delete = False


class UnitLinkInline(ReadOnlyInline):
    """Links of a reorganisation: whose work, and what share of its figures, went where."""

    model = UnitLink

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("predecessor", "successor", "reorganisation")
        )

    @admin.display(description=_("share of figures"))
    def share_percent(self, obj: UnitLink) -> str:
        return obj.share_percent


class PredecessorLinkInline(UnitLinkInline):
    fk_name = "successor"
    verbose_name = _("predecessor")
    verbose_name_plural = _("predecessors (reorganisations)")
    fields = readonly_fields = ("predecessor", "share_percent", "reorganisation")


class SuccessorLinkInline(UnitLinkInline):
    fk_name = "predecessor"
    verbose_name = _("successor")
    verbose_name_plural = _("successors (reorganisations)")
    fields = readonly_fields = ("successor", "share_percent", "reorganisation")


class FormerNameInline(ReadOnlyInline):
    model = UnitName
    fk_name = "unit"
    fields = readonly_fields = ("name", "short_name", "used_until", "reorganisation")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reorganisation")


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = [
            "name",
            "short_name",
            "code",
            "kind",
            "level",
            "parent",
            "submits_reports",
            "display_order",
            "valid_from",
            "valid_to",
            "successor",
        ]


# An existing unit's validity and successor change only by a reorganisation
# (structure.services), which hands over its open work and keeps the record.
REORGANISED_FIELDS = ["valid_from", "valid_to", "successor"]


@admin.register(Unit)
class UnitAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    form = UnitAdminForm
    list_display = [
        "name",
        "code",
        "kind",
        "level",
        "parent",
        "submits_reports",
        "valid_from",
        "valid_to",
        "display_order",
    ]
    list_display_links = ["name"]
    list_filter = ["kind", "level", "submits_reports", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["code", "search_text"]
    autocomplete_fields = ["parent", "successor"]
    ordering = ["display_order", "name"]
    inlines = [
        UnitMembershipInline,
        ChildUnitInline,
        FormerNameInline,
        PredecessorLinkInline,
        SuccessorLinkInline,
    ]

    def get_fieldsets(self, request, obj=None):
        validity: dict[str, Any] = {"fields": [*REORGANISED_FIELDS, "predecessor_list"]}
        if obj is not None:
            validity["description"] = format_html(
                gettext("Mergers, splits, renamings, moves and dissolutions: use {link}."),
                link=format_html(
                    '<a href="{}">{}</a>',
                    reverse("admin:reports_reorganisation_add"),
                    gettext("Reorganise"),
                ),
            )
        return [
            (None, {"fields": ["name", "short_name", "code", "kind", "level", "parent"]}),
            (_("Reporting"), {"fields": ["submits_reports", "display_order"]}),
            (_("Validity and reorganisation"), validity),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["predecessor_list"]
        return [*REORGANISED_FIELDS, "predecessor_list"]

    @admin.display(description=_("predecessors"))
    def predecessor_list(self, obj: Unit) -> str:
        if obj.pk is None:
            return "-"
        return ", ".join(unit.name for unit in obj.predecessors.all()) or "-"


@admin.register(Membership)
class MembershipAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    """Who holds which role on which unit: reporter and head act for the unit,
    reviewer and leadership on the unit and every unit under it."""

    list_display = ["user", "user_full_name", "unit", "role"]
    list_filter = ["role", "unit__kind"]
    list_select_related = ["user", "unit"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "unit__search_text",
    ]
    autocomplete_fields = ["user", "unit"]

    @admin.display(description=_("full name"), ordering="user__last_name")
    def user_full_name(self, obj: Membership) -> str:
        return obj.user.get_full_name()


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(FoldedSearchMixin, BaseUserAdmin):
    """Django's user admin, with the user's roles on units (reporter, head, reviewer,
    leadership) in its inline."""

    search_fields = [*BaseUserAdmin.search_fields, "memberships__unit__search_text"]
    inlines = [UserMembershipInline]
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "has_second_factor"]
    actions = ["reset_second_factor"]

    def get_queryset(self, request):
        app = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(second_factor=Exists(app))

    @admin.display(description=_("two-factor sign-in"), boolean=True, ordering="second_factor")
    def has_second_factor(self, obj) -> bool:
        return obj.second_factor  # annotated by get_queryset

    @admin.action(
        description=_("Reset the two-factor sign-in of the selected users"),
        permissions=["change"],
    )
    def reset_second_factor(self, request, queryset):
        """A lost phone and lost recovery codes: the user sets it up anew at their next
        sign-in. On record (the two-factor changes, and each user's history here)."""
        for user in queryset:
            two_factor.reset(user=user, by=request.user)
            self.log_change(request, user, [{"changed": {"fields": ["two-factor sign-in"]}}])
        self.message_user(
            request,
            ngettext(
                "The two-factor sign-in of %(count)d user is reset.",
                "The two-factor sign-in of %(count)d users is reset.",
                len(queryset),
            )
            % {"count": len(queryset)},
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # A new account's password is the administrator's: its owner replaces it.
            password_set_by_admin(user=obj)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            password_set_by_admin(user=User.objects.get(pk=id))
        return response

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Names are typed text like any other: cleaned (common.fields), a NUL removed
        # rather than refused, and on one line as every one-line field.
        if db_field.name in ("first_name", "last_name"):
            kwargs["form_class"] = OneLineFormField
        return super().formfield_for_dbfield(db_field, request, **kwargs)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(FoldedSearchMixin, BaseGroupAdmin):
    """Django's group admin, with the search that reads only a search's first words.
    No role comes from a group: reviewers and leadership hold a membership of a unit."""


# ------------------------------------------------------- quarters, indicators


@admin.register(Quarter)
class QuarterAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ["label", "year", "number", "due_date", "closed", "slug"]
    list_filter = ["year", "closed"]
    search_fields = ["year"]
    ordering = ["-year", "-number"]
    fields = ["year", "number", "due_date", "closed", "label", "slug"]
    readonly_fields = ["label", "slug"]

    @admin.display(description=_("label"), ordering="year")
    def label(self, obj: Quarter) -> str:
        return obj.label if obj.pk else "-"

    @admin.display(description=_("address in links"))
    def slug(self, obj: Quarter) -> str:
        return obj.slug if obj.pk else "-"


@admin.register(DocumentIssuer)
class DocumentIssuerAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    """What each issuing unit's documents carry from a date on (reports.issuers)."""

    list_display = ["unit", "valid_from", "symbol", "signer_title", "signer_name"]
    list_filter = ["unit"]
    search_fields = ["unit__search_text", "symbol", "signer_name"]
    autocomplete_fields = ["unit"]
    fieldsets = [
        (None, {"fields": ["unit", "valid_from"]}),
        (
            _("Header"),
            {"fields": ["style", "superior", "header_name", "motto", "symbol", "place"]},
        ),
        (
            _("Signature"),
            {"fields": ["signer_capacity", "signer_for", "signer_title", "signer_name"]},
        ),
        (_("Recipients"), {"fields": ["recipients", "kept_by"]}),
    ]


class IndicatorAdminForm(forms.ModelForm):
    unit_kinds = forms.MultipleChoiceField(
        label=_("reported by"),
        choices=UnitKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Kinds of unit that report it; none ticked means every kind."),
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "group",
            "measure",
            "is_active",
            "display_order",
            "unit_kinds",
            "accumulation",
            "aggregation",
            "max_value",
            "whole_numbers",
        ]

    def clean_unit_kinds(self) -> list[str]:
        chosen = set(self.cleaned_data["unit_kinds"])
        return [kind for kind in UnitKind.values if kind in chosen]


@admin.register(Indicator)
class IndicatorAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    form = IndicatorAdminForm
    list_display = [
        "code",
        "name",
        "group",
        "measure",
        "kinds",
        "accumulation",
        "aggregation",
        "max_value",
        "is_active",
        "display_order",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["accumulation", "aggregation", "group", "is_active"]
    search_fields = ["code", "search_text"]
    ordering = ["display_order", "code"]
    fieldsets = [
        (None, {"fields": ["code", "name", "group", "measure", "is_active", "display_order"]}),
        (_("Who reports it"), {"fields": ["unit_kinds"]}),
        (
            _("How it adds up"),
            {"fields": ["accumulation", "aggregation", "max_value", "whole_numbers"]},
        ),
    ]
    formfield_overrides = {models.DecimalField: {"form_class": FigureField}}

    @admin.display(description=_("reported by"))
    def kinds(self, obj: Indicator) -> str:
        return obj.get_unit_kinds_display()


@admin.register(ValidationRule)
class ValidationRuleAdmin(SimpleHistoryAdmin):
    """Rules between indicators of one report (``reports.quality``): checked where the
    figures are typed and where they are read."""

    list_display = ["name", "left", "operator", "right", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "left", "right"]
    fields = ["name", "left", "operator", "right", "message", "is_active"]


# ----------------------------------------------------------- reports, values


class IndicatorValueInline(ReadOnlyRecordMixin, admin.TabularInline):
    model = IndicatorValue
    fields = ["indicator", "value", "note"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")


# A report is written on its page by the unit's staff, submitted by its head and
# decided by the reviewers; here it is read, and decided only through the same services.
DECISION_FIELDS = [
    "status",
    "first_submitted_at",
    "submitted_at",
    "submitted_by",
    "reviewed_at",
    "reviewed_by",
    "review_comment",
    "version",
]


@admin.register(UnitReport)
class UnitReportAdmin(
    DecisionActionsMixin, ReadOnlyRecordMixin, FoldedSearchMixin, SimpleHistoryAdmin
):
    list_display = [
        "unit_label",
        "quarter",
        "status",
        "timeliness_display",
        "first_submitted_at",
        "reviewed_at",
        "version",
        "updated_at",
    ]
    # No filter by unit: it would list every unit that ever filed; search finds one.
    list_filter = ["quarter", "status", "unit__kind"]
    list_select_related = ["unit", "quarter"]
    search_fields = ["unit__code", "unit_name", "unit__search_text"]
    autocomplete_fields = ["unit"]
    fieldsets = [
        (None, {"fields": ["unit", "quarter", "unit_name", "status"]}),
        (_("Report"), {"fields": list(UnitReport.SECTIONS)}),
        (
            _("Submission and review"),
            {
                "fields": [
                    "timeliness_display",
                    "first_submitted_at",
                    "submitted_at",
                    "submitted_by",
                    "reviewed_at",
                    "reviewed_by",
                    "review_comment",
                ]
            },
        ),
        (_("Record"), {"fields": ["version", "created_at", "updated_at"]}),
    ]
    readonly_fields = ["timeliness_display", *DECISION_FIELDS, "created_at", "updated_at"]
    inlines = [IndicatorValueInline]
    actions = ["accept_reports", "return_reports", "reopen_reports"]

    def get_queryset(self, request):
        # Labels read the unit and quarter, in lists and in autocompletes alike.
        return super().get_queryset(request).select_related("unit", "quarter")

    @admin.display(description=_("unit"), ordering="unit_name")
    def unit_label(self, obj: UnitReport) -> str:
        return obj.unit_name or obj.unit.name

    @admin.display(description=_("timeliness"))
    def timeliness_display(self, obj: UnitReport) -> StrOrPromise:
        if obj.pk is None:
            return "-"
        return obj.timeliness.label

    # --- Review through the services ---------------------------------------------------

    comment_max_length = COMMENT_MAX_LENGTH

    def _refused_unless_reviewer(self, request) -> bool:
        """docs/PERMISSIONS.md: return / accept are the reviewers', the administrator's too only
        with the reviewer role. Says so and answers True when the user has not got it."""
        if permissions.can_review(request.user):
            return False
        self.message_user(
            request,
            gettext(
                "Refused: accepting, returning and reopening reports is for reviewers. "
                "Give your account the reviewer role on a unit (a membership) to do it."
            ),
            messages.ERROR,
        )
        return True

    def decide_each(self, request, queryset, decide, done: str) -> None:
        if self._refused_unless_reviewer(request):
            return
        for report in queryset.select_related("unit", "quarter"):
            try:
                decide(report)
            except services.ReportError as error:
                self.message_user(request, f"{report}: {error.message}", messages.WARNING)
            except PermissionDenied:
                self.message_user(
                    request, gettext("%(report)s: refused.") % {"report": report}, messages.ERROR
                )
            else:
                self.message_user(request, done % {"report": report}, messages.SUCCESS)

    def decide_with_comment(self, request, queryset, **action):
        """Reviewers only, before the comment is asked for."""
        if self._refused_unless_reviewer(request):
            return None
        return super().decide_with_comment(
            request, queryset.select_related("unit", "quarter"), **action
        )

    @admin.action(description=_("Accept the selected reports"))
    def accept_reports(self, request, queryset):
        self.decide_each(
            request,
            queryset,
            lambda report: services.report_accept(report=report, user=request.user),
            gettext("%(report)s: accepted."),
        )

    @admin.action(description=_("Return the selected reports to their units…"))
    def return_reports(self, request, queryset):
        return self.decide_with_comment(
            request,
            queryset,
            action="return_reports",
            title=gettext("Return reports to their units"),
            decide=lambda report, comment: services.report_return(
                report=report, user=request.user, comment=comment
            ),
            done=gettext("%(report)s: returned to the unit."),
        )

    @admin.action(description=_("Reopen the selected accepted reports…"))
    def reopen_reports(self, request, queryset):
        return self.decide_with_comment(
            request,
            queryset,
            action="reopen_reports",
            title=gettext("Reopen accepted reports"),
            decide=lambda report, comment: services.report_reopen(
                report=report, user=request.user, reason=comment
            ),
            done=gettext("%(report)s: reopened and sent back to the unit."),
        )


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyRecordMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ["unit_label", "quarter", "indicator", "value", "note"]
    list_filter = ["report__quarter", "indicator", "report__unit__kind"]
    list_select_related = ["report__unit", "report__quarter", "indicator"]
    search_fields = [
        "indicator__code",
        "report__unit__code",
        "report__unit__search_text",
        "indicator__search_text",
    ]
    autocomplete_fields = ["report", "indicator"]

    @admin.display(description=_("unit"), ordering="report__unit_name")
    def unit_label(self, obj: IndicatorValue) -> str:
        return obj.report.unit_name or obj.report.unit.name

    @admin.display(description=_("quarter"), ordering="report__quarter")
    def quarter(self, obj: IndicatorValue) -> str:
        return obj.report.quarter.label


@admin.register(ReminderLog)
class ReminderLogAdmin(FoldedSearchMixin, admin.ModelAdmin):
    """Reminders are written by the daily job and the queue's "remind"
    (``services.report_remind``); here they are only read."""

    list_display = ["unit", "quarter", "sent_on", "sent_by", "recipients"]
    list_filter = ["quarter", "sent_on"]
    list_select_related = ["unit", "quarter", "sent_by"]
    search_fields = ["unit__code", "unit__search_text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# ------------------------------------------------------------ submitted versions


class ReportVersionValueInline(admin.TabularInline):
    model = ReportVersionValue
    fields = readonly_fields = ("indicator_code", "indicator_name", "measure", "value", "note")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    fields = readonly_fields = ("outcome", "comment", "by", "at")
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportVersion)
class ReportVersionAdmin(ReadOnlyRecordMixin, FoldedSearchMixin, admin.ModelAdmin):
    """What each submission sent, frozen: read here, written only by ``report_submit``."""

    list_display = ["unit_name", "quarter", "number", "submitted_at", "submitted_by"]
    list_filter = ["report__quarter", "report__unit__kind"]
    list_select_related = ["report__quarter", "submitted_by"]
    search_fields = ["report__unit__code", "unit_name", "report__unit__search_text"]
    fields = readonly_fields = (
        "report",
        "number",
        "unit_name",
        *UnitReport.SECTIONS,
        "submitted_at",
        "submitted_by",
    )
    inlines = [ReportVersionValueInline, ReviewEventInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report__unit", "report__quarter")

    @admin.display(description=_("quarter"), ordering="report__quarter")
    def quarter(self, obj: ReportVersion) -> str:
        return obj.report.quarter.label


class ConsolidatedQuoteInline(ReadOnlyRecordMixin, admin.TabularInline):
    model = ConsolidatedQuote
    fields = readonly_fields = ("section", "source", "excerpt")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source__unit", "source__quarter")


@admin.register(ConsolidatedReport)
class ConsolidatedReportAdmin(ReadOnlyRecordMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    """The commissions' consolidated reports, with their history: read here, written on
    the drafting page (``quarters.drafting``) through ``consolidated_report_save``."""

    list_display = ["unit", "quarter", "status", "updated_at", "updated_by"]
    list_filter = ["status", "quarter"]
    list_select_related = ["unit", "quarter", "updated_by"]
    search_fields = ["unit__code", "unit__search_text"]
    fields = readonly_fields = (
        "unit",
        "quarter",
        "status",
        *ConsolidatedReport.SECTIONS,
        "units_annex",
        "version",
        "updated_at",
        "updated_by",
    )
    inlines = [ConsolidatedQuoteInline]
