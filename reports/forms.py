"""The report form (five sections and the indicator values) and the review forms."""

import json
from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from docx.opc.exceptions import PackageNotFoundError
from lxml.etree import XMLSyntaxError

from common.documents.docx import ROMAN_NUMERALS
from common.fields import CleanCharFormField, OneLineFormField
from common.numbers import FigureField, format_figure
from common.text import clean_text
from common.types import StrOrPromise
from common.uploads import DAMAGED_ARCHIVE, checked_extension
from reports.models import (
    COMMENT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    SECTION_MAX_LENGTH,
    ConsolidatedReport,
    Indicator,
    UnitReport,
)
from reports.services import Quote
from reports.word_import import TooLong, read_report


def format_value(value: Decimal | None) -> str:
    """A stored value as the input shows it: grouped as the page writes numbers (1.234,5)."""
    return format_figure(value)


def section_label(name: str) -> StrOrPromise:
    return UnitReport.section_title(name)


def section_field(name: str, *, rows: int = 8) -> CleanCharFormField:
    """A section's text area, refusing with a message a text beyond the section's limit."""
    return CleanCharFormField(
        label=section_label(name),
        required=False,
        max_length=SECTION_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": rows, "class": "report-section"}),
        error_messages={
            "max_length": _(
                "This section is %(show_value)s characters long; a section may have "
                "at most %(limit_value)s. Shorten it or move detail to an annex."
            )
        },
    )


class ReportForm(forms.Form):
    """The sections of a report and the values of the indicators that apply to its unit.

    Only these fields are read from a POST: status, unit or anything else is ignored.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, indicators: Iterable[Indicator] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for name in UnitReport.SECTIONS:
            self.fields[name] = section_field(name)
        for indicator in self.indicators:
            self.fields[self.value_name(indicator)] = FigureField(
                label=indicator.name,
                required=False,
                whole=indicator.whole_numbers,
                max_value=indicator.max_value,
            )
            # One line, as IndicatorValue.note stores it (a re-pasted note is the same note).
            self.fields[self.note_name(indicator)] = OneLineFormField(
                label=_("Note on “%(name)s”") % {"name": indicator.name},
                required=False,
                max_length=NOTE_MAX_LENGTH,
            )
            self.fields[self.note_holds_name(indicator)] = forms.BooleanField(
                label=_("This note still explains the new value"), required=False
            )

    @staticmethod
    def value_name(indicator: Indicator) -> str:
        return f"value_{indicator.id}"

    @staticmethod
    def note_name(indicator: Indicator) -> str:
        return f"note_{indicator.id}"

    @staticmethod
    def note_holds_name(indicator: Indicator) -> str:
        return f"note_holds_{indicator.id}"

    @staticmethod
    def initial_for(report: UnitReport | None, values: dict) -> dict:
        """Initial data from the report on record and its {indicator id: IndicatorValue}."""
        initial: dict[str, object] = {"version": report.version if report else 0}
        if report is not None:
            initial.update({name: getattr(report, name) for name in UnitReport.SECTIONS})
        for indicator_id, value in values.items():
            initial[f"value_{indicator_id}"] = format_value(value.value)
            initial[f"note_{indicator_id}"] = value.note
        return initial

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        self.parsed_values: dict[int, tuple[Decimal | None, str]] = {}
        # The kept notes the unit says still explain their new values.
        self.notes_hold = {
            indicator.id
            for indicator in self.indicators
            if cleaned.get(self.note_holds_name(indicator))
        }
        for indicator in self.indicators:
            name = self.value_name(indicator)
            if name in self.errors:
                continue
            note = cleaned.get(self.note_name(indicator)) or ""
            self.parsed_values[indicator.id] = (cleaned.get(name), note)
        return cleaned

    def typed_value(self, indicator: Indicator) -> Decimal | str | None:
        """What was typed for an indicator: its figure, or the text when it is not one."""
        field = self[self.value_name(indicator)]
        try:
            return field.field.clean(field.value())
        except forms.ValidationError:
            return field.value()

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


class FollowUpForm(forms.Form):
    """A reviewer's follow-up mark on one of a report's values (``services.follow_up_mark``)."""

    indicator = forms.IntegerField(min_value=1)
    note = OneLineFormField(label=_("What to follow"), max_length=NOTE_MAX_LENGTH, required=False)


class ReopenForm(forms.Form):
    reason = CleanCharFormField(
        label=_("Why is the report reopened?"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the report is reopened.")},
    )


# The quotations a drafting form may carry: far more than a report quotes.
QUOTES_MAX = 500


class ConsolidatedReportForm(forms.Form):
    """The commission's consolidated report as written on the drafting page: the five
    sections, the annex choice, the version it was opened on, and the quotations the
    page's "quote" buttons recorded (JSON, ``static/js/consolidated_draft.js``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    units_annex = forms.BooleanField(
        label=_("Add the units' own texts as an annex"), required=False
    )
    quotes = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, name in zip(ROMAN_NUMERALS, ConsolidatedReport.SECTIONS, strict=False):
            self.fields[name] = section_field(name, rows=10)
            self.fields[name].label = f"{number}. {capfirst(section_label(name))}"

    @staticmethod
    def initial_for(written: ConsolidatedReport | None) -> dict:
        if written is None:
            return {"version": 0, "quotes": "[]"}
        quotes = [
            {
                "section": q.section,
                "source": q.source_id,
                "excerpt": q.excerpt,
                "unit": q.source.unit_name,
            }
            for q in written.quotes.all()
        ]
        return {
            "version": written.version,
            "units_annex": written.units_annex,
            "quotes": json.dumps(quotes, ensure_ascii=False),
            **{name: getattr(written, name) for name in ConsolidatedReport.SECTIONS},
        }

    def clean_quotes(self) -> list[Quote]:
        """The quotations posted: a list of {section, source, excerpt}; what is not one
        is refused with a message (the text typed stays in the form)."""
        raw = self.cleaned_data.get("quotes") or "[]"
        try:
            items = json.loads(raw)
            if not isinstance(items, list) or len(items) > QUOTES_MAX:
                raise ValueError
            quotes = [
                Quote(
                    section=str(item["section"]),
                    source=int(item["source"]),
                    excerpt=clean_text(str(item["excerpt"]))[:SECTION_MAX_LENGTH],
                )
                for item in items
            ]
            if any(not 0 < quote.source < 2**63 for quote in quotes):
                raise ValueError  # no row has such an id: the databases refuse it
            return quotes
        except (ValueError, TypeError, KeyError, OverflowError, RecursionError):
            raise forms.ValidationError(
                _("The list of quotations could not be read; save again to keep the text.")
            ) from None

    def section_data(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ConsolidatedReport.SECTIONS}

    def section_fields(self):
        return [self[name] for name in ConsolidatedReport.SECTIONS]


# What python-docx raises on a damaged .docx, beside any archive's (``DAMAGED_ARCHIVE``).
UNREADABLE = (*DAMAGED_ARCHIVE, PackageNotFoundError, XMLSyntaxError)


def office_upload(upload, extension: str, wrong_type: StrOrPromise) -> None:
    """An uploaded .docx or .xlsx to read: ``wrong_type`` unless its name says so, then
    the checks of every uploaded document (``common.uploads.checked_extension``)."""
    if not (upload.name or "").lower().endswith(f".{extension}"):
        raise forms.ValidationError(wrong_type)
    checked_extension(upload, limit=settings.EVIDENCE_MAX_BYTES)


class WordImportForm(forms.Form):
    """A unit's usual Word report (.docx), to fill the report's sections from."""

    document = forms.FileField(
        label=_("Word file (.docx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        office_upload(
            upload,
            "docx",
            _("Choose a Word file (.docx); an older .doc must first be saved as .docx."),
        )
        try:
            self.imported = read_report(upload)
        except TooLong as error:
            raise forms.ValidationError(
                _("This file holds far more text than a report. Attach the quarter's report.")
            ) from error
        except UNREADABLE as error:
            raise forms.ValidationError(
                _("This Word file cannot be read. Open it in Word, save it again and retry.")
            ) from error
        if not self.imported.found:
            raise forms.ValidationError(
                _(
                    "No section of a report was found in this file: its headings should "
                    "begin as the report's do (“Tình hình nhân dân”, “Kết quả thực hiện…”, "
                    "“Hạn chế…”, “Phương hướng…”, “Kiến nghị…”)."
                )
            )
        return upload


class WorkbookImportForm(forms.Form):
    """A filled workbook (.xlsx) of the reports' figures (``reports.workbook``)."""

    workbook = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        office_upload(
            upload,
            "xlsx",
            _("Choose an Excel workbook (.xlsx); an older .xls must first be saved as .xlsx."),
        )
        # reports.workbook checks sheets with ReportForm: imported here, not at the top.
        from reports.workbook import UnreadableWorkbook, read_workbook

        try:
            self.sheets = read_workbook(upload)
        except UnreadableWorkbook as error:
            raise forms.ValidationError(
                _("This workbook cannot be read. Open it in Excel, save it again and retry.")
            ) from error
        return upload


class AnnexForm(forms.Form):
    """A file attached to a report: PDF, Word, Excel, JPG or PNG, checked by its content."""

    file = forms.FileField(label=_("Annex"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.extension = checked_extension(upload, limit=settings.EVIDENCE_MAX_BYTES)
        return upload
