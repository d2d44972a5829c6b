"""Text fields that clean what is typed (``common.text.clean_text``) at the boundary.

Every user-typed text of the models is a ``CleanCharField`` or a ``CleanTextField``,
and every text field of a plain form a ``CleanCharFormField``: text is cleaned
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
from django.db import models

from common.text import clean_text


def _cleaned(value):
    return clean_text(value) if isinstance(value, str) else value


class CleanCharFormField(forms.CharField):
    """A form's text field whose value is cleaned before Django's own checks run."""

    def to_python(self, value):
        return super().to_python(_cleaned(value))

    def bound_data(self, data, initial):
        # A form shown again (an error, a conflict) shows the text as it would be
        # saved: Word's Shift+Enter as a new line, not as an invisible box.
        return _cleaned(data)


if TYPE_CHECKING:
    # The mixin only ever comes before a model text field, whose methods it extends.
    _ModelTextBase = models.Field[Any, Any]
else:
    _ModelTextBase = object


class _CleanModelText(_ModelTextBase):
    def to_python(self, value):
        return _cleaned(super().to_python(value))

    def get_prep_value(self, value):
        return _cleaned(super().get_prep_value(value))

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        cleaned = _cleaned(value)
        if cleaned != value:
            # The instance in memory (and the history row made from it) shows what is stored.
            setattr(model_instance, self.attname, cleaned)
        return cleaned

    def formfield(self, form_class=None, choices_form_class=None, **kwargs):
        if form_class is None and not self.choices:
            form_class = CleanCharFormField
        return super().formfield(
            form_class=form_class, choices_form_class=choices_form_class, **kwargs
        )


class CleanCharField(_CleanModelText, models.CharField):
    """A one-line user-typed text: cleaned on the way in, at most ``max_length``."""


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
