"""Form widgets shared by the apps: pickers that stay small at any number of rows."""

from typing import cast
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SearchSelect(forms.Select):
    """A select that holds only the chosen option; the others are found by typing.

    The page never lists every row: only the selected options are rendered
    (one query, by id), and ``static/js/unit_picker.js`` (Tom Select) asks the
    view named ``search_url_name`` for the others: ``?q=`` answered by
    ``{"results": [{"id": …, "text": label}, …]}``, the label being the one the
    field shows. Validation stays the field's own (a ``ModelChoiceField`` over
    its full queryset), so an unknown id is a form error as before.

    A subclass names its search and the picker's texts (``texts``: placeholder,
    type-to-search, no-results, remove, clear; lazily translated).
    """

    search_url_name = ""
    texts: dict = {}

    class Media:
        css = {
            "all": ["vendor/tom-select/css/tom-select.bootstrap5.min.css", "css/unit_picker.css"]
        }
        js = [
            forms.Script("vendor/tom-select/js/tom-select.complete.min.js", defer=True),
            forms.Script("js/unit_picker.js", defer=True),
        ]

    def search_url(self) -> str:
        return reverse(self.search_url_name)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # The picker's texts come from the page, in the page's language.
        context["widget"]["attrs"].update(
            {
                "data-search-url": self.search_url(),
                "data-loading": _("Searching…"),
                **{f"data-{key}": text for key, text in self.texts.items()},
            }
        )
        return context

    def use_required_attribute(self, initial) -> bool:
        # Select asks its first choice, which would read the rows; the empty
        # option rendered first (see optgroups) makes "required" valid anyway.
        return forms.Widget.use_required_attribute(self, initial)

    def optgroups(self, name, value, attrs=None):
        # The widget of a ModelChoiceField, whose choices know their field and rows.
        choices = cast(ModelChoiceIterator, self.choices)
        field = choices.field
        options = []
        if not self.allow_multiple_selected:
            options.append(self.create_option(name, "", str(field.empty_label or ""), False, 0))
        chosen = {str(v) for v in value if str(v) not in field.empty_values}
        for chosen_row in self._chosen_rows(field, chosen):
            option_value, label = choices.choice(chosen_row)
            options.append(
                self.create_option(
                    name,
                    option_value,
                    label,
                    str(option_value) in chosen,
                    len(options),
                    attrs=attrs,
                )
            )
        return [(None, options, 0)]

    @staticmethod
    def _chosen_rows(field, chosen: set[str]):
        """The chosen rows that the field accepts; values that cannot be ids (not
        numbers, or out of the column's range) are left out, as the field refuses them."""
        model = field.queryset.model
        key = field.to_field_name or "pk"
        column = model._meta.get_field(key) if field.to_field_name else model._meta.pk
        valid = []
        for raw in chosen:
            try:
                value = column.to_python(raw)
                column.run_validators(value)
            except ValidationError:
                continue
            valid.append(value)
        if not valid:
            return []
        return field.queryset.filter(**{f"{key}__in": valid})


class UnitSearchSelect(SearchSelect):
    """A unit, found by name, short name or code (``reports:unit_search``).

    ``current_only``: the search offers only units still in existence, for
    fields whose queryset excludes ended units; ``within``: only the units of this
    unit's subtree (a meeting's directives go there). The search finds only units
    of the user's scope in any case.
    """

    search_url_name = "reports:unit_search"
    texts = {
        "placeholder": _("Type a unit's name"),
        "type-to-search": _("Type part of the unit's name, with or without accents."),
        "no-results": _("No unit matches."),
        "remove": _("Remove this unit"),
        "clear": _("Clear the chosen unit"),
    }

    def __init__(self, attrs=None, *, current_only: bool = False):
        super().__init__(attrs)
        self.current_only = current_only
        self.within: int | None = None

    def search_url(self) -> str:
        query = {"current": 1} if self.current_only else {}
        if self.within is not None:
            query["within"] = self.within
        return super().search_url() + (f"?{urlencode(query)}" if query else "")


class UnitSearchSelectMultiple(UnitSearchSelect, forms.SelectMultiple):
    """Several units, each chosen by typing (see ``UnitSearchSelect``)."""
