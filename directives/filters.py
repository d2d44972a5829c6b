"""Filters of the directive register and of the assignments list (django-filter).

Both run on querysets already narrowed to what the user may see and
annotated with ``status`` (see ``directives.query``); every filter is SQL.
"""

from typing import cast

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from common.text import QUERY_MAX_LENGTH, QUERY_MAX_WORDS, search_words
from common.widgets import SearchSelect, UnitSearchSelect
from directives.models import Assignment, AssignmentRole, Directive, Meeting, ProgressUpdate, Topic
from directives.query import OPEN_VALUES
from directives.rules import DirectiveStatus
from directives.selectors.visible import visible_meetings
from reports.models import Quarter, Unit
from reports.permissions import scope_of_reads, unit_roles

DEADLINE_CHOICES = [("yes", _("With a deadline")), ("no", _("Ongoing, no deadline"))]
SORT_CHOICES = [
    ("due", _("Due date, soonest first")),
    ("-due", _("Due date, latest first")),
]
PROGRESS_CHOICES = [
    ("open", _("Not done yet")),
    ("updated", _("Not done, updated this quarter")),
    ("awaiting", _("Not done, no update this quarter")),
]


class UnitChoiceFilter(django_filters.ModelChoiceFilter):
    """Any unit, ended ones too; the page holds only the chosen one (``UnitSearchSelect``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Unit.objects.order_by("display_order", "name"))
        kwargs.setdefault("label", _("Unit"))
        kwargs.setdefault("widget", UnitSearchSelect())
        super().__init__(*args, **kwargs)


class MeetingSearchSelect(SearchSelect):
    """A meeting, found by title, chair or venue (``meetings:search``), newest first."""

    search_url_name = "meetings:search"
    texts = {
        "placeholder": _("Type a meeting's title"),
        "type-to-search": _("Type part of the meeting's title, with or without accents."),
        "no-results": _("No meeting matches."),
        "clear": _("Clear the chosen meeting"),
    }


class MeetingChoiceFilter(django_filters.ModelChoiceFilter):
    """Any meeting; the page holds only the chosen one (``MeetingSearchSelect``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Meeting.objects.all())
        kwargs.setdefault("label", _("Meeting"))
        kwargs.setdefault("widget", MeetingSearchSelect())
        super().__init__(*args, **kwargs)


def _search(qs, prefix: str, value: str):
    for word in search_words(value, max_length=QUERY_MAX_LENGTH, max_words=QUERY_MAX_WORDS):
        qs = qs.filter(**{f"{prefix}search_text__icontains": word})
    return qs


def _sort(qs, prefix: str, value: str):
    field = F(f"{prefix}due_date")
    if value == "-due":
        return qs.order_by(field.desc(nulls_last=True), "pk")
    return qs.order_by(field.asc(nulls_last=True), "pk")


class _Common(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(
        choices=DirectiveStatus.choices,
        field_name="status",
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
    )
    unit = UnitChoiceFilter(method="filter_noop")
    role = django_filters.ChoiceFilter(
        choices=AssignmentRole.choices, method="filter_noop", label=_("Role")
    )
    deadline = django_filters.ChoiceFilter(
        choices=DEADLINE_CHOICES, method="filter_deadline", label=_("Deadline")
    )
    mine = django_filters.BooleanFilter(
        method="filter_noop", label=_("My units only"), widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="filter_sort", label=_("Sort"), empty_label=_("Meeting")
    )

    prefix_path = ""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        # A unit or meeting outside the user's scope is not offered, nor named when its
        # id is typed into the address: the filter refuses it like an unknown one.
        units = cast(django_filters.ModelChoiceFilter, self.filters["unit"])
        units.queryset = scope_of_reads(user).filter(
            Unit.objects.order_by("display_order", "name"), "id"
        )
        meetings = cast(django_filters.ModelChoiceFilter, self.filters["meeting"])
        meetings.queryset = visible_meetings(user)

    def filter_noop(self, qs, name, value):
        return qs

    def filter_priority(self, qs, name, value):
        # An unticked box means "all", not "non-priority only".
        return qs.filter(**{f"{self.prefix_path}is_priority": True}) if value else qs

    def filter_q(self, qs, name, value):
        return _search(qs, self.prefix_path, value)

    def filter_sort(self, qs, name, value):
        return _sort(qs, "", value)

    def my_unit_ids(self) -> list[int]:
        return list(unit_roles(self.user)) if self.user is not None else []


class DirectiveFilter(_Common):
    """The register: status is the directive's; unit and role read its assignments."""

    topic = django_filters.ModelChoiceFilter(
        queryset=Topic.objects.all(), label=_("Topic"), null_label=_("No topic")
    )
    meeting = MeetingChoiceFilter()
    quarter = django_filters.ModelChoiceFilter(
        queryset=Quarter.objects.all(), field_name="meeting__quarter", label=_("Quarter")
    )
    priority = django_filters.BooleanFilter(
        method="filter_priority", label=_("Priority only"), widget=forms.CheckboxInput
    )

    class Meta:
        model = Directive
        fields: list[str] = []

    def filter_deadline(self, qs, name, value):
        return qs.filter(is_ongoing=(value == "no"))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        conditions = Q()
        if data.get("unit"):
            conditions &= Q(unit=data["unit"])
        if data.get("role"):
            conditions &= Q(role=data["role"])
        if data.get("mine"):
            conditions &= Q(unit_id__in=self.my_unit_ids())
        if conditions:
            queryset = queryset.filter(
                Exists(Assignment.objects.filter(conditions, directive=OuterRef("pk")))
            )
        return queryset


class AssignmentFilter(_Common):
    """The assignments list: one row per unit and directive, status is the unit's own."""

    topic = django_filters.ModelChoiceFilter(
        queryset=Topic.objects.all(), field_name="directive__topic", label=_("Topic")
    )
    meeting = MeetingChoiceFilter(field_name="directive__meeting")
    quarter = django_filters.ModelChoiceFilter(
        queryset=Quarter.objects.all(),
        field_name="directive__meeting__quarter",
        label=_("Quarter of the meeting"),
    )
    priority = django_filters.BooleanFilter(
        method="filter_priority", label=_("Priority only"), widget=forms.CheckboxInput
    )
    progress = django_filters.ChoiceFilter(
        choices=PROGRESS_CHOICES, method="filter_progress", label=_("Progress this quarter")
    )
    completed_in = django_filters.ModelChoiceFilter(
        queryset=Quarter.objects.all(), method="filter_completed_in", label=_("Done in quarter")
    )
    updated_in = django_filters.ModelChoiceFilter(
        queryset=Quarter.objects.all(), method="filter_updated_in", label=_("Updated in quarter")
    )

    prefix_path = "directive__"

    class Meta:
        model = Assignment
        fields: list[str] = []

    def filter_deadline(self, qs, name, value):
        return qs.filter(due_date__isnull=(value == "no"))

    def filter_progress(self, qs, name, value):
        qs = qs.filter(status__in=OPEN_VALUES)
        if value == "updated":
            return qs.filter(updated_this_quarter=True)
        if value == "awaiting":
            return qs.filter(updated_this_quarter=False)
        return qs

    def filter_completed_in(self, qs, name, value):
        return qs.filter(completed_on__range=(value.start_date, value.end_date))

    def filter_updated_in(self, qs, name, value):
        return qs.filter(
            Exists(ProgressUpdate.objects.filter(assignment=OuterRef("pk"), quarter=value))
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("unit"):
            queryset = queryset.filter(unit=data["unit"])
        if data.get("role"):
            queryset = queryset.filter(role=data["role"])
        if data.get("mine"):
            queryset = queryset.filter(unit_id__in=self.my_unit_ids())
        return queryset
