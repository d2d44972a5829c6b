"""The report form (five sections and the indicator values) and the review forms."""

import re
from decimal import Decimal

from django import forms
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

from reports.fields import CleanCharFormField
from reports.models import (
    COMMENT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    SECTION_MAX_LENGTH,
    VALUE_DECIMAL_PLACES,
    VALUE_MAX,
    Indicator,
    UnitReport,
)

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# "1.234.567,5" (Vietnamese grouping) or "1,234,567.5" (English grouping).
_GROUPED_VI = re.compile(r"[1-9]\d{0,2}(\.\d{3})+(,\d+)?")
_GROUPED_EN = re.compile(r"[1-9]\d{0,2}(,\d{3})+(\.\d+)?")
_PLAIN = re.compile(r"\d+([.,]\d+)?")


def parse_value(text: str) -> Decimal:
    """A figure as a clerk types it: "12", "12,5", "1.234.567" (vi) or "1,234.5" (en).

    Grouping follows the page's language, so "1.234" is a thousand and more in
    Vietnamese and never silently a decimal. Raises ValueError with the message
    to show next to the field.
    """
    text = _SPACES.sub("", text)
    negative = text.startswith("-")
    digits = text.lstrip("-+")
    vietnamese = (translation.get_language() or "vi").startswith("vi")
    grouped, group_mark = (_GROUPED_VI, ".") if vietnamese else (_GROUPED_EN, ",")
    if grouped.fullmatch(digits):
        normal = digits.replace(group_mark, "").replace(",", ".")
    elif _PLAIN.fullmatch(digits):
        normal = digits.replace(",", ".")
    else:
        raise ValueError(_("Enter a number, for example 12 or 12,5."))
    value = Decimal(normal)
    if negative and value != 0:
        raise ValueError(_("A value cannot be negative."))
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -VALUE_DECIMAL_PLACES:
        raise ValueError(_("Use at most two decimal places."))
    if value > VALUE_MAX:
        raise ValueError(_("This number is far too large; check it."))
    return value.quantize(Decimal(1).scaleb(-VALUE_DECIMAL_PLACES))


def format_value(value: Decimal | None) -> str:
    """A stored value as the input shows it: no grouping, decimals only when there are any."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return str(int(value))
    return formats.number_format(value.normalize(), use_l10n=True)


def section_label(name: str) -> str:
    return UnitReport._meta.get_field(name).verbose_name


class ReportForm(forms.Form):
    """The sections of a report and the values of the indicators that apply to its unit.

    Only these fields are read from a POST: status, unit or anything else is ignored.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, indicators: list[Indicator] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for name in UnitReport.SECTIONS:
            self.fields[name] = CleanCharFormField(
                label=section_label(name),
                required=False,
                max_length=SECTION_MAX_LENGTH,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 8, "class": "report-section"}),
                error_messages={
                    "max_length": _(
                        "This section is %(show_value)s characters long; a section may have "
                        "at most %(limit_value)s. Shorten it or move detail to an annex."
                    )
                },
            )
        for indicator in self.indicators:
            self.fields[self.value_name(indicator)] = forms.CharField(
                label=indicator.name,
                required=False,
                max_length=40,
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "autocomplete": "off", "class": "text-end"}
                ),
            )
            self.fields[self.note_name(indicator)] = CleanCharFormField(
                label=_("Note on “%(name)s”") % {"name": indicator.name},
                required=False,
                max_length=NOTE_MAX_LENGTH,
            )

    @staticmethod
    def value_name(indicator: Indicator) -> str:
        return f"value_{indicator.id}"

    @staticmethod
    def note_name(indicator: Indicator) -> str:
        return f"note_{indicator.id}"

    @classmethod
    def initial_for(cls, report: UnitReport | None, values: dict) -> dict:
        """Initial data from the report on record and its {indicator id: IndicatorValue}."""
        initial = {"version": report.version if report else 0}
        if report is not None:
            initial.update({name: getattr(report, name) for name in UnitReport.SECTIONS})
        for indicator_id, value in values.items():
            initial[f"value_{indicator_id}"] = format_value(value.value)
            initial[f"note_{indicator_id}"] = value.note
        return initial

    def clean(self):
        cleaned = super().clean()
        self.parsed_values: dict[int, tuple[Decimal | None, str]] = {}
        for indicator in self.indicators:
            name = self.value_name(indicator)
            text = (cleaned.get(name) or "").strip()
            note = cleaned.get(self.note_name(indicator)) or ""
            if not text:
                self.parsed_values[indicator.id] = (None, note)
                continue
            try:
                value = parse_value(text)
            except ValueError as error:
                self.add_error(name, str(error.args[0]))
                continue
            if indicator.max_value is not None and value > indicator.max_value:
                self.add_error(
                    name,
                    _("This indicator cannot be above %(limit)s.")
                    % {
                        "limit": formats.number_format(
                            indicator.max_value.normalize(), use_l10n=True
                        )
                    },
                )
                continue
            self.parsed_values[indicator.id] = (value, note)
        return cleaned

    def section_data(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in UnitReport.SECTIONS}

    def section_fields(self):
        return [self[name] for name in UnitReport.SECTIONS]


class ReturnForm(forms.Form):
    comment = CleanCharFormField(
        label=_("What should the unit change?"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what the unit should change.")},
    )


class ReopenForm(forms.Form):
    reason = CleanCharFormField(
        label=_("Why is the report reopened?"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the report is reopened.")},
    )
