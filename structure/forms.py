"""What the administrator types for a reorganisation, one form per kind.

The admin's wizard and the ``reorganise`` command fill the same forms, so a value is
checked the same way wherever it comes from (a date as 14/03/2024 or 2024-03-14, a
code as a slug, a share as a percentage written the page's way). A valid form hands
its values to its ``structure.services`` operation (``carry_out``), which refuses
what would lose data with every reason at once.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.contrib.auth.models import User
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

from common.admin import IdsOnlyAutocompleteSelect, IdsOnlyAutocompleteSelectMultiple
from common.dates import date_in_range
from common.fields import OneLineFormField
from common.numbers import FigureField, query_int
from common.types import StrOrPromise
from directives.forms import UnitChoices
from directives.models import Assignment
from reports.models import ReorganisationKind, Unit, UnitKind, UnitLevel
from structure import services

# The unit pickers search the unit admin, as the unit's own parent field does, among the
# units not yet ended (``structure.admin.CurrentUnitsView``).
UNIT_RELATION = Unit._meta.get_field("parent")


class CurrentUnitSelect(IdsOnlyAutocompleteSelect):
    url_name = "%s:reports_reorganisation_units"


class CurrentUnitSelectMultiple(IdsOnlyAutocompleteSelectMultiple):
    url_name = "%s:reports_reorganisation_units"


# How many successors a split may have on one form.
MAX_PARTS = 5
HUNDRED = Decimal(100)
EXISTING, NEW = "existing", "new"


def unit_field(label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = ""):
    return forms.ModelChoiceField(
        queryset=Unit.objects.all(),
        label=label,
        required=required,
        help_text=help_text,
        widget=CurrentUnitSelect(UNIT_RELATION, admin.site),
    )


# A day is written 14/03/2024 (or 2024-03-14, as the calendar and scripts write it) on
# every page, the English ones too: read as Americans write it, 01/07/2025 would be
# January 7 and the reorganisation would take effect six months early.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def date_field(label: StrOrPromise, help_text: StrOrPromise = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        input_formats=DATE_INPUT_FORMATS,
        widget=AdminDateWidget(format="%d/%m/%Y"),
        validators=[date_in_range],
    )


def kind_field(label: StrOrPromise) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=[*BLANK_CHOICE_DASH, *UnitKind.choices], required=False
    )


@dataclass
class Section:
    """A part of the form as the wizard shows it: a heading and its fields, or a table
    (``template``) the form lays out itself."""

    title: StrOrPromise
    fields: list[forms.BoundField]
    template: str = ""


class ReorganisationForm(forms.Form):
    """The decision every reorganisation carries; each kind adds what it changes."""

    kind: str
    # The fields of the kind, before the decision's.
    own_fields: tuple[str, ...] = ()

    effective_on = date_field(
        _("Effective from"),
        _("The first day of the new structure; units that end, end on the day before."),
    )
    decision_number = OneLineFormField(
        label=_("Decision number"),
        max_length=100,
        help_text=_("The deciding document, as it is numbered, e.g. Quyết định số 123-QĐ/TU."),
    )
    decision_date = date_field(_("Decision date"))

    def decision(self) -> services.Decision:
        cleaned = self.cleaned_data
        return services.Decision(
            number=cleaned["decision_number"],
            date=cleaned["decision_date"],
            effective_on=cleaned["effective_on"],
        )

    def carry_out(self, *, user: User | None, dry_run: bool) -> services.Outcome:
        """Run the kind's operation on the cleaned values (``dry_run``: and roll it back)."""
        raise NotImplementedError

    def sections(self) -> list[Section]:
        return [Section("", [self[name] for name in self.own_fields]), self.decision_section()]

    def decision_section(self) -> Section:
        return Section(
            _("Decision"), [self[n] for n in ("effective_on", "decision_number", "decision_date")]
        )

    def require(self, names: tuple[str, ...], message: StrOrPromise) -> None:
        for name in names:
            if name not in self.errors and self.cleaned_data.get(name) in (None, ""):
                self.add_error(name, message)


class MergeForm(ReorganisationForm):
    kind = ReorganisationKind.MERGE
    new_unit_fields = (
        "new_code",
        "new_name",
        "new_short_name",
        "new_kind",
        "new_level",
        "new_parent",
    )

    units = UnitChoices(
        queryset=Unit.objects.all(),
        label=_("Units that merge"),
        widget=CurrentUnitSelectMultiple(UNIT_RELATION, admin.site),
        help_text=_(
            "They end on the day before the effective day; their open assignments, "
            "sub-units and reminders go to the successor. One unit merged into another "
            "is dissolved into it."
        ),
    )
    successor = forms.ChoiceField(
        label=_("Successor"),
        choices=[(NEW, _("A new unit")), (EXISTING, _("An existing unit"))],
        widget=forms.RadioSelect,
        initial=NEW,
    )
    into = unit_field(_("Existing successor"), required=False)
    new_code = forms.SlugField(label=_("Code of the new unit"), max_length=40, required=False)
    new_name = OneLineFormField(label=_("Name of the new unit"), max_length=200, required=False)
    new_short_name = OneLineFormField(
        label=_("Short name of the new unit"), max_length=80, required=False
    )
    new_kind = kind_field(_("Kind of the new unit"))
    new_level = forms.ChoiceField(
        label=_("Level of the new unit"),
        choices=UnitLevel.choices,
        initial=UnitLevel.PROVINCE,
        required=False,
    )
    new_parent = unit_field(
        _("Parent of the new unit"), required=False, help_text=_("Empty: at the top of the tree.")
    )
    move_memberships = forms.BooleanField(
        label=_("Move the merged units' staff to the successor"),
        required=False,
        help_text=_(
            "Whoever holds a role in them then holds it in the successor; someone on the "
            "staff of both keeps the higher role, and two roles of different kinds are "
            "refused. Unticked, they stay with the old units."
        ),
    )

    def sections(self) -> list[Section]:
        return [
            Section("", [self["units"]]),
            Section(
                _("Successor"),
                [self[n] for n in ("successor", "into", *self.new_unit_fields)],
            ),
            Section(_("Staff"), [self["move_memberships"]]),
            self.decision_section(),
        ]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("successor") == EXISTING:
            self.require(("into",), _("Choose the unit that takes over."))
        elif cleaned.get("successor") == NEW:
            self.require(
                ("new_code", "new_name", "new_kind", "new_level"), _("Needed for a new unit.")
            )
        return cleaned

    def target(self) -> Unit | services.NewUnit:
        cleaned = self.cleaned_data
        if cleaned["successor"] == EXISTING:
            return cleaned["into"]
        return services.NewUnit(
            code=cleaned["new_code"],
            name=cleaned["new_name"],
            short_name=cleaned["new_short_name"],
            kind=cleaned["new_kind"],
            level=cleaned["new_level"],
            parent=cleaned["new_parent"],
        )

    def carry_out(self, *, user, dry_run):
        return services.merge_units(
            units=list(self.cleaned_data["units"]),
            into=self.target(),
            decision=self.decision(),
            user=user,
            move_memberships=self.cleaned_data["move_memberships"],
            dry_run=dry_run,
        )


PART_COLUMNS = ("unit", "code", "name", "short_name", "kind", "share")


class SplitForm(ReorganisationForm):
    """A split: up to ``MAX_PARTS`` successors (rows ``part1_…``), and for each open
    assignment of the unit (fields ``a<id>_to`` and ``a<id>_also``) the successor that
    takes it with its progress and those that get a part of their own."""

    kind = ReorganisationKind.SPLIT

    unit = unit_field(
        _("Unit that splits"),
        help_text=_("It ends on the day before the effective day."),
    )
    assign_all_to = forms.TypedChoiceField(
        label=_("Give every assignment not placed below to"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    memberships_to = forms.TypedChoiceField(
        label=_("The unit's staff go to"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_(
            "Someone on the staff of both keeps the higher role; two roles of different "
            "kinds are refused."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_PARTS + 1):
            self.fields.update(self._part_fields(number))
        successors = self._successor_choices()
        cast(forms.ChoiceField, self.fields["assign_all_to"]).choices = [
            *BLANK_CHOICE_DASH,
            *successors,
        ]
        cast(forms.ChoiceField, self.fields["memberships_to"]).choices = [
            ("", _("They stay with the old unit")),
            *successors,
        ]
        self.split_unit = self._chosen_unit()
        self.open_assignments = self._open_assignments()
        for assignment in self.open_assignments:
            self.fields.update(self._assignment_fields(assignment, successors))
        self.parts: list[services.SplitPart] = []
        self.assignment_parts: dict[int, list[int]] = {}

    # --- Building the fields -------------------------------------------------------

    @staticmethod
    def _part_fields(number: int) -> dict[str, forms.Field]:
        n = {"number": number}
        fields: dict[str, forms.Field] = {
            f"part{number}_unit": unit_field(
                _("Successor %(number)s: existing unit") % n, required=False
            ),
            f"part{number}_code": forms.SlugField(
                label=_("Successor %(number)s: code of the new unit") % n,
                max_length=40,
                required=False,
            ),
            f"part{number}_name": OneLineFormField(
                label=_("Successor %(number)s: name of the new unit") % n,
                max_length=200,
                required=False,
            ),
            f"part{number}_short_name": OneLineFormField(
                label=_("Successor %(number)s: short name") % n, max_length=80, required=False
            ),
            f"part{number}_kind": kind_field(_("Successor %(number)s: kind") % n),
            f"part{number}_share": FigureField(
                label=_("Successor %(number)s: share of the figures (%%)") % n,
                max_value=HUNDRED,
                places=2,
                required=False,
            ),
        }
        for field in fields.values():
            # The table's cells have no label of their own.
            field.widget.attrs["aria-label"] = str(field.label)
        return fields

    def _raw(self, name: str):
        return self.data.get(name) if self.is_bound else self.initial.get(name)

    def _chosen_unit(self) -> Unit | None:
        raw = self._raw("unit")
        if isinstance(raw, Unit):
            return raw
        pk = query_int(str(raw or ""))
        return Unit.objects.filter(pk=pk).select_related("parent").first() if pk else None

    def _successor_choices(self) -> list[tuple[int, str]]:
        """The successors the rows name so far (at least two), as "1. name"."""
        ids = {n: query_int(str(self._raw(f"part{n}_unit") or "")) for n in range(1, MAX_PARTS + 1)}
        names = dict(
            Unit.objects.filter(pk__in=[i for i in ids.values() if i]).values_list("pk", "name")
        )
        choices = []
        for number in range(1, MAX_PARTS + 1):
            name = names.get(ids[number] or 0) or str(self._raw(f"part{number}_name") or "").strip()
            if name or number <= 2:
                choices.append((number, f"{number}. {name}" if name else str(number)))
        return choices

    def _open_assignments(self) -> list[Assignment]:
        if self.split_unit is None:
            return []
        return list(
            services.open_assignments(self.split_unit)
            .select_related("directive__meeting")
            .order_by("directive__meeting__held_at", "directive__number", "id")
        )

    @staticmethod
    def _assignment_fields(assignment: Assignment, successors) -> dict[str, forms.Field]:
        n = {"directive": assignment.directive}
        label = _("Directive %(directive)s: taken over by") % n
        return {
            f"a{assignment.pk}_to": forms.TypedChoiceField(
                label=label,
                choices=[*BLANK_CHOICE_DASH, *successors],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.Select(attrs={"aria-label": label}),
            ),
            f"a{assignment.pk}_also": forms.TypedMultipleChoiceField(
                label=_("Directive %(directive)s: also a part for") % n,
                choices=successors,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            ),
        }

    # --- Showing -------------------------------------------------------------------

    def sections(self) -> list[Section]:
        return [
            Section("", [self["unit"]]),
            Section(_("Successors"), [], "admin/structure/_split_parts.html"),
            Section(
                _("Open assignments"),
                [self["assign_all_to"]],
                "admin/structure/_split_assignments.html",
            ),
            Section(_("Staff"), [self["memberships_to"]]),
            self.decision_section(),
        ]

    def part_rows(self) -> list[tuple[int, list[forms.BoundField]]]:
        return [
            (n, [self[f"part{n}_{column}"] for column in PART_COLUMNS])
            for n in range(1, MAX_PARTS + 1)
        ]

    def assignment_rows(self) -> list[tuple[Assignment, forms.BoundField, forms.BoundField]]:
        return [(a, self[f"a{a.pk}_to"], self[f"a{a.pk}_also"]) for a in self.open_assignments]

    # --- Checking ------------------------------------------------------------------

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        numbers = [n for n in range(1, MAX_PARTS + 1) if self._row_filled(n)]
        if numbers != list(range(1, len(numbers) + 1)):
            self.add_error(
                None,
                _("Fill in the successors from the first row on, without an empty row between."),
            )
        self.parts = [part for n in numbers if (part := self._part(n)) is not None]
        self.assignment_parts = self._placed(set(numbers))
        chosen = cleaned.get("memberships_to")
        if chosen is not None and chosen not in numbers:
            self.add_error("memberships_to", self._empty_row(chosen))
        return cleaned

    def _row_filled(self, number: int) -> bool:
        names = [f"part{number}_{column}" for column in PART_COLUMNS]
        return any(n in self.errors or self.cleaned_data.get(n) not in (None, "") for n in names)

    def _part(self, number: int) -> services.SplitPart | None:
        cleaned = self.cleaned_data
        prefix = f"part{number}_"
        unit = cleaned.get(prefix + "unit")
        described = [cleaned.get(prefix + c) for c in ("code", "name", "short_name", "kind")]
        if unit is not None and any(described):
            self.add_error(
                prefix + "unit", _("Choose an existing unit or describe a new one, not both.")
            )
        elif unit is None:
            self.require(
                (prefix + "code", prefix + "name", prefix + "kind"), _("Needed for a new unit.")
            )
        self.require((prefix + "share",), _("Give the share of the figures it carries on."))
        if any(name.startswith(prefix) for name in self.errors) or self.split_unit is None:
            return None
        if unit is None:
            unit = services.NewUnit(
                code=cleaned[prefix + "code"],
                name=cleaned[prefix + "name"],
                short_name=cleaned[prefix + "short_name"],
                kind=cleaned[prefix + "kind"],
                level=self.split_unit.level,
                parent=self.split_unit.parent,
            )
        return services.SplitPart(unit=unit, share=cleaned[prefix + "share"] / HUNDRED)

    def _placed(self, filled: set[int]) -> dict[int, list[int]]:
        """Each open assignment's successors (indexes into ``parts``), the one that takes
        it first; an assignment placed nowhere is left out (the service refuses it)."""
        cleaned = self.cleaned_data
        placed = {}
        for assignment in self.open_assignments:
            also = cleaned.get(f"a{assignment.pk}_also") or []
            first = cleaned.get(f"a{assignment.pk}_to") or cleaned.get("assign_all_to")
            if first is None and also:
                first = also[0]
            if first is None:
                continue
            numbers = [first, *(n for n in also if n != first)]
            for number in numbers:
                if number not in filled:
                    self.add_error(f"a{assignment.pk}_to", self._empty_row(number))
            placed[assignment.pk] = [number - 1 for number in numbers]
        return placed

    @staticmethod
    def _empty_row(number: int) -> StrOrPromise:
        return _("Successor %(number)s is empty.") % {"number": number}

    def carry_out(self, *, user, dry_run):
        chosen = self.cleaned_data["memberships_to"]
        return services.split_unit(
            unit=self.cleaned_data["unit"],
            parts=self.parts,
            assignment_parts=self.assignment_parts,
            decision=self.decision(),
            user=user,
            memberships_to=None if chosen is None else chosen - 1,
            dry_run=dry_run,
        )


class RenameForm(ReorganisationForm):
    kind = ReorganisationKind.RENAME
    own_fields = ("unit", "name", "short_name")

    unit = unit_field(_("Unit"))
    name = OneLineFormField(
        label=_("New name"),
        max_length=200,
        help_text=_("Documents dated before the effective day keep the old name."),
    )
    short_name = OneLineFormField(label=_("New short name"), max_length=80, required=False)

    def carry_out(self, *, user, dry_run):
        return services.rename_unit(
            unit=self.cleaned_data["unit"],
            name=self.cleaned_data["name"],
            short_name=self.cleaned_data["short_name"],
            decision=self.decision(),
            user=user,
            dry_run=dry_run,
        )


class MoveForm(ReorganisationForm):
    kind = ReorganisationKind.MOVE
    own_fields = ("unit", "parent")

    unit = unit_field(_("Unit"), help_text=_("It moves with the units under it."))
    parent = unit_field(
        _("New parent unit"), required=False, help_text=_("Empty: at the top of the tree.")
    )

    def carry_out(self, *, user, dry_run):
        return services.move_unit(
            unit=self.cleaned_data["unit"],
            parent=self.cleaned_data["parent"],
            decision=self.decision(),
            user=user,
            dry_run=dry_run,
        )


class DissolveForm(ReorganisationForm):
    kind = ReorganisationKind.DISSOLVE
    own_fields = ("unit",)

    unit = unit_field(
        _("Unit"),
        help_text=_(
            "It ends with no successor, which is refused while it has open assignments or "
            "sub-units: to hand them to another unit, merge it into that unit instead."
        ),
    )

    def carry_out(self, *, user, dry_run):
        return services.dissolve_unit(
            unit=self.cleaned_data["unit"], decision=self.decision(), user=user, dry_run=dry_run
        )


FORMS: dict[str, type[ReorganisationForm]] = {
    form.kind: form for form in (MergeForm, SplitForm, RenameForm, MoveForm, DissolveForm)
}
