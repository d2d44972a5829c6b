"""Text fields that clean what is typed (``common.text.clean_text``) at the boundary.

Every user-typed text of the models is a ``CleanCharField`` (one line) or a
``CleanTextField``, and every text field of a plain form a ``OneLineFormField`` or a
``CleanCharFormField`` (lines kept): text is cleaned
one way, on the way in, before it is checked (a NUL is removed, not refused), and
cleaned again on every write to the database (``get_prep_value``), so that
``QuerySet.update``, ``bulk_create`` and the history tables (simple-history copies
these field classes) store clean text too.

A ``CleanTextField`` must have a ``max_length`` and enforces it in the model as
well as in the form (Django's ``TextField`` only passes it to the form).
"""

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core import validators
from django.db import IntegrityError, models, transaction

from common.text import clean_text, one_line


def _cleaned(value):
    return clean_text(value) if isinstance(value, str) else value


def _one_lined(value):
    return one_line(value) if isinstance(value, str) else value


class CleanCharFormField(forms.CharField):
    """A form's text field whose value is cleaned before Django's own checks run."""

    cleaned = staticmethod(_cleaned)

    def to_python(self, value):
        return super().to_python(self.cleaned(value))

    def bound_data(self, data, initial):
        # A form shown again (an error, a conflict) shows the text as it would be
        # saved: Word's Shift+Enter as a new line, not as an invisible box.
        return self.cleaned(data)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.Textarea) and "maxlength" in attrs:
            # A browser cuts a longer paste at maxlength without a word: the limit is
            # the server's, which refuses with a message and keeps the text, and on
            # the site's pages a counter (static/js/site.js) shows it while typing.
            attrs["data-max-length"] = attrs.pop("maxlength")
        return attrs


class OneLineFormField(CleanCharFormField):
    """A form's one-line text field: cleaned, and a line break or tab pasted into it
    (a title copied from Word) one space, as is any run of spaces."""

    cleaned = staticmethod(_one_lined)


if TYPE_CHECKING:
    # The mixin only ever comes before a model text field, whose methods it extends.
    _ModelTextBase = models.Field[Any, Any]
else:
    _ModelTextBase = object


class _CleanModelText(_ModelTextBase):
    cleaned = staticmethod(_cleaned)
    form_field: type[CleanCharFormField] = CleanCharFormField

    def to_python(self, value):
        return self.cleaned(super().to_python(value))

    def get_prep_value(self, value):
        return self.cleaned(super().get_prep_value(value))

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        cleaned = self.cleaned(value)
        if cleaned != value:
            # The instance in memory (and the history row made from it) shows what is stored.
            setattr(model_instance, self.attname, cleaned)
        return cleaned

    def formfield(self, form_class=None, choices_form_class=None, **kwargs):
        if form_class is None and not self.choices:
            form_class = self.form_field
        return super().formfield(
            form_class=form_class, choices_form_class=choices_form_class, **kwargs
        )


def stored_text(field: models.Field, value: str) -> str:
    """``value`` as ``field`` stores it: cleaned by the field's own rule (on one line
    for a ``CleanCharField``), by ``clean_text`` for a field of another app."""
    return field.cleaned(value) if isinstance(field, _CleanModelText) else clean_text(value)


def store_one_line_texts(model: type[models.Model], batch: int = 2000) -> None:
    """Write again, on one line, the ``CleanCharField`` texts of ``model``'s rows stored
    before such fields were kept on one line (a data migration's step; history tables
    included, as they copy the fields). Read in batches by primary key; only the rows
    that change are written, so a second run writes nothing; a row whose unique text
    would become another row's is left as it is."""
    columns = [field for field in model._meta.concrete_fields if isinstance(field, CleanCharField)]
    if not columns:
        return
    manager = model._base_manager
    last = None
    while True:
        rows = (
            manager.order_by("pk") if last is None else manager.filter(pk__gt=last).order_by("pk")
        )
        found = list(rows.values_list("pk", *(field.attname for field in columns))[:batch])
        if not found:
            return
        for pk, *values in found:
            changes = {
                field.attname: one_line(value)
                for field, value in zip(columns, values, strict=True)
                if isinstance(value, str) and one_line(value) != value
            }
            if changes:
                try:
                    with transaction.atomic():
                        manager.filter(pk=pk).update(**changes)
                except IntegrityError:
                    # A unique text ("Tổ  A" beside "Tổ A") that would be another's:
                    # kept as it was, for the form to ask at its next edit.
                    continue
        last = found[-1][0]


class CleanCharField(_CleanModelText, models.CharField):
    """A one-line user-typed text: cleaned on the way in and on one line (``one_line``:
    a line break or tab pasted from Word is one space there, as in a document's
    sentence), at most ``max_length``."""

    cleaned = staticmethod(_one_lined)
    form_field = OneLineFormField


class CleanTextField(_CleanModelText, models.TextField):
    """A multi-line user-typed text: cleaned on the way in, at most ``max_length``
    characters in the form and in the model."""

    def __init__(self, *args, max_length=None, **kwargs):
        if max_length is None:
            raise TypeError("CleanTextField needs a max_length: every text has a limit.")
        kwargs["max_length"] = max_length
        super().__init__(*args, **kwargs)
        self.validators.append(validators.MaxLengthValidator(self.max_length))


def actor_field(verbose_name: Any) -> "models.ForeignKey[User | None, User | None]":
    """The user who did something to the row (reported, reviewed, decided it): kept on
    the row, emptied if the user is deleted, and never followed back from the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
