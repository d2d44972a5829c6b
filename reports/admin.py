"""Django admin for the reporting cycle: the administrator's units, users,
memberships, quarters and indicators, and every report with its history."""

import operator
from functools import reduce

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from reports.models import (
    Indicator,
    IndicatorValue,
    Membership,
    Quarter,
    ReminderLog,
    Unit,
    UnitKind,
    UnitReport,
)
from reports.text import QUERY_MAX_LENGTH, QUERY_MAX_WORDS, fold, search_terms

# The column every searchable model fills with its folded names.
FOLDED_COLUMN = "search_text"

admin.site.site_header = _("Mass mobilization administration")
admin.site.site_title = _("Mass mobilization administration")
admin.site.index_title = _("Units, users, quarters, reports and directives")


class FoldedSearchMixin:
    """Admin search that ignores case and Vietnamese diacritics.

    Search fields whose column is ``search_text`` (``search_text``,
    ``unit__search_text``…) hold ``reports.text.search_text`` of the names:
    lower-case, no diacritics. Each word of the search is folded before it is
    looked up there; the other search fields (codes, usernames) get the word
    as typed. A row matches when every word is found in one of the fields, so
    "ban dan van" and "Ban Dân Vận" find the same rows.
    """

    def get_search_results(self, request, queryset, search_term):
        words = search_terms(search_term, max_length=QUERY_MAX_LENGTH, max_words=QUERY_MAX_WORDS)
        fields = list(self.get_search_fields(request))
        if not words or not fields:
            return queryset, False
        condition = Q()
        for word in words:
            lookups = [
                Q(**{f"{field}__contains": fold(word)})
                if field.split(LOOKUP_SEP)[-1] == FOLDED_COLUMN
                else Q(**{f"{field}__icontains": word})
                for field in fields
            ]
            condition &= reduce(operator.or_, lookups)
        may_have_duplicates = any(lookup_spawns_duplicates(self.opts, field) for field in fields)
        return queryset.filter(condition), may_have_duplicates


class KnownChoiceAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels the row's current choice without a query
    when the row already holds the related object (see ``BoundedInlineMixin``)."""

    known: tuple[str, str] | None = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if self.known is None or selected != {self.known[0]}:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        options.append(self.create_option(name, *self.known, selected, len(options)))
        return [(None, options, 0)]


class BoundedInlineFormSet(BaseInlineFormSet):
    """Rows reuse the parent object and their own select_related objects."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.instance.pk is not None:
            setattr(form.instance, self.fk.name, self.instance)
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, KnownChoiceAutocompleteSelect):
                continue
            relation = form.instance._meta.get_field(name)
            related = relation.get_cached_value(form.instance, default=None)
            if related is not None:
                widget.known = (str(related.pk), field.label_from_instance(related))
        return form


class BoundedInlineMixin:
    """An inline whose page runs the same number of queries for 3 rows or 300.

    Without it every row asks again for its parent (``show_change_link``
    labels), for its autocomplete's current label, and for the whole list of
    a select. Give the inline's ``get_queryset`` the ``select_related`` of its
    autocomplete fields, and name plain selects in ``shared_choice_fields``.
    """

    formset = BoundedInlineFormSet
    shared_choice_fields: tuple[str, ...] = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = KnownChoiceAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in self.shared_choice_fields:
            cache = request.__dict__.setdefault("_admin_shared_choices", {})
            key = (db_field.model._meta.label, db_field.name)
            if key not in cache:
                cache[key] = [(getattr(v, "value", v), label) for v, label in field.choices]
            field.choices = cache[key]
        return field


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
    fields = ["code", "name", "kind", "level", "submits_reports", "valid_to"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


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

    def clean(self):
        cleaned = super().clean()
        # The database refuses a unit as its own successor; the form's constraint
        # check cannot see the id, so say it here instead of failing on save.
        successor = cleaned.get("successor")
        if successor is not None and self.instance.pk and successor.pk == self.instance.pk:
            self.add_error("successor", _("A unit cannot be its own successor."))
        return cleaned


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
    fieldsets = [
        (None, {"fields": ["name", "short_name", "code", "kind", "level", "parent"]}),
        (_("Reporting"), {"fields": ["submits_reports", "display_order"]}),
        (
            _("Validity and reorganisation"),
            {"fields": ["valid_from", "valid_to", "successor", "predecessor_list"]},
        ),
    ]
    readonly_fields = ["predecessor_list"]
    inlines = [UnitMembershipInline, ChildUnitInline]

    @admin.display(description=_("predecessors"))
    def predecessor_list(self, obj: Unit) -> str:
        if obj.pk is None:
            return "-"
        return ", ".join(unit.name for unit in obj.predecessors.all()) or "-"


@admin.register(Membership)
class MembershipAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
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
    """Django's user admin, with the units each user works in."""

    search_fields = [*BaseUserAdmin.search_fields, "memberships__unit__search_text"]
    inlines = [UserMembershipInline]


# ------------------------------------------------------- quarters, indicators


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(FoldedSearchMixin, BaseGroupAdmin):
    """Django's, with the search that reads only a search's first words."""


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
            {"fields": ["accumulation", "aggregation", "max_value"]},
        ),
    ]

    @admin.display(description=_("reported by"))
    def kinds(self, obj: Indicator) -> str:
        return obj.get_unit_kinds_display()


# ----------------------------------------------------------- reports, values


class IndicatorValueInline(BoundedInlineMixin, admin.TabularInline):
    model = IndicatorValue
    fields = ["indicator", "value", "note"]
    shared_choice_fields = ("indicator",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")


@admin.register(UnitReport)
class UnitReportAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
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
    autocomplete_fields = ["unit", "submitted_by", "reviewed_by"]
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
    readonly_fields = [
        "timeliness_display",
        "first_submitted_at",
        "version",
        "created_at",
        "updated_at",
    ]
    inlines = [IndicatorValueInline]

    def get_queryset(self, request):
        # Labels read the unit and quarter, in lists and in autocompletes alike.
        return super().get_queryset(request).select_related("unit", "quarter")

    @admin.display(description=_("unit"), ordering="unit_name")
    def unit_label(self, obj: UnitReport) -> str:
        return obj.unit_name or obj.unit.name

    @admin.display(description=_("timeliness"))
    def timeliness_display(self, obj: UnitReport) -> str:
        if obj.pk is None:
            return "-"
        return obj.timeliness.label


@admin.register(IndicatorValue)
class IndicatorValueAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
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
    """Reminders are written by the reminder command; here they are only read."""

    list_display = ["unit", "quarter", "sent_on", "recipients"]
    list_filter = ["quarter", "sent_on"]
    list_select_related = ["unit", "quarter"]
    search_fields = ["unit__code", "unit__search_text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
