"""Forms of the follow-up: meetings, a directive with its units, progress, reviews."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.dates import date_in_range
from common.fields import CleanCharFormField
from common.numbers import FigureField, whole_units_errors
from common.types import StrOrPromise
from common.uploads import checked_extension
from common.widgets import UnitSearchSelect, UnitSearchSelectMultiple
from directives import permissions, rules, selectors
from directives.models import (
    COMMENT_MAX_LENGTH,
    AssignmentRole,
    ClaimedStatus,
    ConclusionNotice,
    DeadlineChange,
    Directive,
    Meeting,
    ProgressUpdate,
    Recommendation,
)
from reports.models import Unit

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# A directive as the meeting records it (the meeting's rows in the admin too), and its
# optional measurable target.
DIRECTIVE_FIELDS = (
    "number",
    "title",
    "text",
    "topic",
    "due_date",
    "is_ongoing",
    "is_priority",
    "confidentiality",
)
TARGET_FIELDS = ("target_indicator", "target_baseline", "target_min", "target_max", "target_date")


def evidence_extension(upload) -> str:
    """Check an uploaded evidence file and return its normalised extension
    (``common.uploads.checked_extension``, within ``EVIDENCE_MAX_BYTES``)."""
    return checked_extension(upload, limit=settings.EVIDENCE_MAX_BYTES)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class UnitChoices(forms.ModelMultipleChoiceField):
    """Units still in existence, chosen by typing: the page lists only the chosen ones."""

    default_error_messages = {
        "invalid_choice": _(
            "Unit %(value)s cannot be chosen: type part of its name and pick it from the list."
        ),
        "invalid_pk_value": _("“%(pk)s” is not a unit: type part of its name and pick it."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", UnitSearchSelectMultiple(current_only=True))
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Unit) -> str:
        return obj.name

    def _check_values(self, value):
        # Django checks the ids together in one IN (...), which the database refuses
        # for a number beyond the id column's range: refuse it here, as not a unit.
        column = Unit._meta.pk
        for pk in value:
            try:
                column.run_validators(column.to_python(pk))
            except ValidationError:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                ) from None
        return super()._check_values(value)  # type: ignore[misc]  # private, unstubbed


class OfferedField(TypedDict):
    offered: bool  # the field offers the unit (``VersionedForm.keep_units``)


if TYPE_CHECKING:
    UnitOffered = WithAnnotations[Unit, OfferedField]


@dataclass(frozen=True)
class KeptUnit:
    """A stored unit that a form does not offer any more, shown read-only and kept as it is."""

    unit: Unit
    standing: StrOrPromise  # why it is not offered: ended (and its successor), not begun
    role: StrOrPromise = ""


def unit_standing(unit: Unit) -> StrOrPromise:
    """Why a stored unit is not offered for new work: it has ended (and who took over),
    or it has not begun yet (``Unit.objects.in_existence``)."""
    today = timezone.localdate()
    if unit.valid_to is not None and unit.valid_to < today:
        day = unit.valid_to.strftime("%d/%m/%Y")
        if unit.successor is not None:
            return _("ended its work on %(date)s; its successor is %(successor)s") % {
                "date": day,
                "successor": unit.successor.name,
            }
        return _("ended its work on %(date)s") % {"date": day}
    if unit.valid_from is not None and unit.valid_from > today:
        return _("begins its work on %(date)s") % {"date": unit.valid_from.strftime("%d/%m/%Y")}
    return _("cannot be chosen here")


class VersionedForm(forms.ModelForm):
    """A form that carries the version it was opened on (``selectors.edit_version``), so
    that saving over a change made since is refused (``services.EditConflict``).

    Its unit fields offer only the units in existence today (``Unit.objects.in_existence``)
    and keep the stored units they do not offer (``keep_units``, ``keep_unit``): those are
    listed read-only in ``kept`` and saved back as they were, never dropped.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", selectors.edit_version(self.instance))
        self.kept: dict[str, list[KeptUnit]] = {}

    @property
    def expected_version(self) -> int | None:
        """The version posted (None when the form came without one: nothing to compare)."""
        return self.cleaned_data.get("version")

    def _offered(self, name: str) -> QuerySet[Unit]:
        return cast(QuerySet[Unit], cast(forms.ModelChoiceField, self.fields[name]).queryset)

    def keep_units(self, name: str, stored: QuerySet[Unit], *, role: StrOrPromise = "") -> None:
        """Field ``name`` shows the ``stored`` units it offers; the others are kept
        (``kept``) and saved back as they are (one query)."""
        offered = self._offered(name).filter(pk=OuterRef("pk"))
        rows: list[UnitOffered] = list(
            stored.select_related("successor")
            .annotate(offered=Exists(offered))
            .order_by("display_order", "name")
        )
        self.initial.setdefault(name, [u.pk for u in rows if u.offered])
        kept = [KeptUnit(u, unit_standing(u), role) for u in rows if not u.offered]
        if kept:
            self.kept[name] = kept

    def keep_unit(self, name: str, stored: Unit | None) -> None:
        """A single unit field: a stored unit it does not offer is shown read-only and kept
        (the field is disabled, so what is posted for it is ignored)."""
        field = cast(forms.ModelChoiceField, self.fields[name])
        if stored is None or self._offered(name).filter(pk=stored.pk).exists():
            return
        field.queryset = Unit.objects.filter(pk=stored.pk)
        field.disabled = True
        self.kept[name] = [KeptUnit(stored, unit_standing(stored))]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        for name, kept in self.kept.items():
            field = self.fields[name]
            if isinstance(field, forms.ModelMultipleChoiceField) and name in cleaned:
                cleaned[name] = [*cleaned[name], *(k.unit for k in kept)]
        return cleaned


def _units():
    return Unit.objects.in_existence().select_related("successor").order_by("display_order", "name")


class MeetingForm(VersionedForm):
    """A meeting, held by a unit the user reviews (``permissions.can_record_meeting_of``)."""

    attending_units = UnitChoices(
        queryset=Unit.objects.none(), required=False, label=_("Attending units")
    )

    class Meta:
        model = Meeting
        fields = [
            "unit",
            "quarter",
            "held_at",
            "title",
            "chair_name",
            "chair_positions",
            "basis",
            "venue",
            "attending_units",
            "assessment",
            "shortcomings",
        ]
        widgets = {
            "unit": UnitSearchSelect(current_only=True),
            "held_at": DateTimeInput(),
            "basis": forms.Textarea(attrs={"rows": 3}),
            "assessment": forms.Textarea(attrs={"rows": 5}),
            "shortcomings": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        reviewed = permissions.reviewed_units(user)
        held_by = _units() if reviewed is None else _units().filter(pk__in=reviewed)
        if self.instance.unit_id is not None:  # kept when it has ended since
            held_by = held_by | Unit.objects.filter(pk=self.instance.unit_id)
        unit_field = cast(forms.ModelChoiceField, self.fields["unit"])
        unit_field.queryset = held_by
        unit_field.error_messages["invalid_choice"] = _(
            "Choose a unit you review: type part of its name and pick it from the list."
        )
        if self.instance.pk is None and self.initial.get("unit") is None:
            self.initial["unit"] = permissions.only_reviewed_unit(user)
        cast(forms.ModelChoiceField, self.fields["attending_units"]).queryset = _units()
        if self.instance.pk:
            self.keep_units("attending_units", self.instance.attending_units.all())
        cast(forms.DateTimeField, self.fields["held_at"]).input_formats = [
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
            "%d/%m/%Y %H:%M",
        ]


def add_target_errors(form: forms.BaseForm) -> None:
    """Refuse target figures in parts of a unit when the target's indicator counts whole
    units: the directive form's rule, and the admin's."""
    cleaned = form.cleaned_data
    targets = {n: cleaned.get(n) for n in ("target_baseline", "target_min", "target_max")}
    for name, error in whole_units_errors(cleaned.get("target_indicator"), **targets).items():
        form.add_error(name, error)


class DirectiveForm(VersionedForm):
    """A directive and the units that carry it out, in one form."""

    # Target figures are typed like report figures: "10,000" on a Vietnamese page is
    # refused with both readings, never stored as 10.
    target_baseline = FigureField(required=False, label=_("baseline"))
    target_min = FigureField(required=False, label=_("target from"))
    target_max = FigureField(required=False, label=_("target to"))

    # Required by rules.lead_units_refusal, where a lead unit that has ended counts too.
    lead_units = UnitChoices(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Lead units"),
        help_text=_("The units in charge (chủ trì). The directive is done when all of them are."),
    )
    support_units = UnitChoices(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Supporting units"),
        help_text=_("Units that take part (phối hợp)."),
    )

    class Meta:
        model = Directive
        fields = [*DIRECTIVE_FIELDS, *TARGET_FIELDS]
        widgets = {
            "due_date": DateInput(),
            "target_date": DateInput(),
            "text": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.instance.meeting = meeting
        units = _units()
        for name in ("lead_units", "support_units"):
            field = cast(forms.ModelChoiceField, self.fields[name])
            field.queryset = units
            # The picker offers the meeting unit's subtree; the service says why another fails.
            cast(UnitSearchSelect, field.widget).within = meeting.unit_id
        if self.instance.pk:
            for name, role in (
                ("lead_units", AssignmentRole.LEAD),
                ("support_units", AssignmentRole.SUPPORT),
            ):
                assigned = Unit.objects.filter(
                    assignments__directive=self.instance, assignments__role=role
                )
                self.keep_units(name, assigned, role=role.label)
        else:
            last = meeting.directives.aggregate(n=Max("number"))["n"] or 0
            if self.initial.get("number") is None:
                self.initial["number"] = last + 1

    def clean_number(self):
        number = self.cleaned_data["number"]
        clash = self.meeting.directives.filter(number=number).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("This meeting already has a directive with this number."))
        return number

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        add_target_errors(self)
        lead = {u.pk for u in cleaned.get("lead_units") or []}
        support = {u.pk for u in cleaned.get("support_units") or []}
        if "lead_units" in cleaned:
            refusal = rules.lead_units_refusal(lead)
            if refusal:
                self.add_error("lead_units", refusal)
        if lead & support:
            self.add_error(
                "support_units", _("A unit cannot be both lead and supporting for a directive.")
            )
        return cleaned


class RecommendationForm(VersionedForm):
    class Meta:
        model = Recommendation
        fields = ["number", "raised_by", "text", "response", "directives"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "response": forms.Textarea(attrs={"rows": 3}),
            "directives": forms.CheckboxSelectMultiple,
            "raised_by": UnitSearchSelect(current_only=True),
        }
        error_messages = {
            "raised_by": {
                "invalid_choice": _(
                    "This unit cannot be chosen: type part of its name and pick it from the list."
                )
            }
        }

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.instance.meeting = meeting
        cast(
            forms.ModelChoiceField, self.fields["directives"]
        ).queryset = meeting.directives.order_by("number")
        cast(forms.ModelChoiceField, self.fields["raised_by"]).queryset = _units()
        self.keep_unit("raised_by", self.instance.raised_by if self.instance.raised_by_id else None)
        if not self.instance.pk:
            last = meeting.recommendations.aggregate(n=Max("number"))["n"] or 0
            if self.initial.get("number") is None:
                self.initial["number"] = last + 1

    def clean_number(self):
        number = self.cleaned_data["number"]
        clash = self.meeting.recommendations.filter(number=number).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("This meeting already has a recommendation with this number."))
        return number


class ProgressUpdateForm(forms.ModelForm):
    percent = FigureField(
        label=_("Percent done"),
        whole=True,
        error_messages={"required": _("Give the percent done, from 0 to 100.")},
    )

    class Meta:
        model = ProgressUpdate
        fields = ["claimed_status", "percent", "finished_on", "description", "evidence"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5}), "finished_on": DateInput()}

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        self.evidence_extension = ""
        self.fields["finished_on"].help_text = _(
            "Required for a task reported as done: the day the work was actually finished, "
            "not the day of this report."
        )
        limit = filesizeformat(settings.EVIDENCE_MAX_BYTES)
        self.fields["evidence"].help_text = _(
            "Optional. PDF, Word (.docx), Excel (.xlsx), JPG or PNG, at most %(limit)s."
        ) % {"limit": limit}
        self.fields["evidence"].widget.attrs["accept"] = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"

    def clean_percent(self):
        percent = self.cleaned_data["percent"]
        if not 0 <= percent <= 100:
            raise ValidationError(_("The percent done must be between 0 and 100."))
        return int(percent)

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            self.evidence_extension = evidence_extension(upload)
        return upload

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("claimed_status") == ClaimedStatus.DONE and cleaned.get("percent") not in (
            None,
            100,
        ):
            self.add_error(
                "percent", _("A task reported as done is complete: give 100 as the percent done.")
            )
        if cleaned.get("claimed_status") == ClaimedStatus.DONE and "finished_on" not in self.errors:
            error = rules.finished_on_error(
                cleaned.get("finished_on"),
                meeting_day=self.assignment.directive.meeting.held_on,
                today=timezone.localdate(),
            )
            if error:
                self.add_error("finished_on", error)
        return cleaned

    def _post_clean(self):
        # The model instance is built by the service, not here.
        pass


class DeadlineChangeForm(forms.ModelForm):
    class Meta:
        model = DeadlineChange
        fields = ["new_date", "reason"]
        widgets = {"new_date": DateInput(), "reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment

    def clean_new_date(self):
        new_date = self.cleaned_data["new_date"]
        error = rules.requested_deadline_error(
            new_date, current=self.assignment.due_date, today=timezone.localdate()
        )
        if error:
            raise ValidationError(error)
        return new_date

    def _post_clean(self):
        pass


class ReviewForm(forms.Form):
    """A reviewer's decision: confirm/reject a "done", or approve/refuse a deadline change."""

    decision = forms.ChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.HiddenInput
    )
    comment = CleanCharFormField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    finished_on = forms.DateField(
        label=_("Finished on"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=_("Correct the day the work was finished if the unit's date is wrong."),
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("decision") == "no" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Say why, so the unit knows what to do next."))
        return cleaned


class NoticeForm(VersionedForm):
    """The conclusion notice's words, edited before it is issued."""

    class Meta:
        model = ConclusionNotice
        fields = ["opening", "assessment", "shortcomings", "tasks", "closing"]
        widgets = {
            "opening": forms.Textarea(attrs={"rows": 4}),
            "assessment": forms.Textarea(attrs={"rows": 6}),
            "shortcomings": forms.Textarea(attrs={"rows": 5}),
            "tasks": forms.Textarea(attrs={"rows": 16}),
        }


class IssueForm(forms.Form):
    """The number and date the notice is issued with (both needed to issue it)."""

    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=999_999)
    issued_on = forms.DateField(
        label=_("Date of issue"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[date_in_range],
    )
