"""Admin pieces both apps use: folded search, inlines whose query count does not
grow with their rows, actions that decide rows (some after asking for a comment),
and change pages that save and delete through a service."""

import operator
from collections.abc import Callable
from functools import reduce
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from django.forms.models import BaseInlineFormSet, ModelChoiceIterator
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.fields import CleanCharFormField
from common.text import QUERY_MAX_LENGTH, QUERY_MAX_WORDS, fold, search_terms

# The column every searchable model fills with its folded names.
FOLDED_COLUMN = "search_text"

if TYPE_CHECKING:
    # The mixins only ever come before the admin class whose methods they extend.
    _ModelAdminBase = admin.ModelAdmin[Any]
    _InlineBase = admin.options.InlineModelAdmin[Any, Any]
else:
    _ModelAdminBase = _InlineBase = object


class FoldedSearchMixin(_ModelAdminBase):
    """Admin search that ignores case and Vietnamese diacritics.

    Search fields whose column is ``search_text`` (``search_text``,
    ``unit__search_text``…) hold ``common.text.search_text`` of the names:
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


class ReadOnlyRecordMixin:
    """A record the admin reads and never writes: its services write it, on the pages
    and through the admin's actions."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class KnownChoiceAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels the row's current choice without a query
    when the row already holds the related object (see ``BoundedInlineMixin``)."""

    known: tuple[str, str] | None = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if self.known is None or selected != {self.known[0]}:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        options.append(self.create_option(name, *self.known, True, len(options)))
        return [(None, options, 0)]


class IdsOnlyAutocompleteMixin:
    """An autocomplete for a form of our own that shows only posted values that can be
    ids: Django's looks every posted value up, and a value that is not a number, or
    too large for the column, fails with a 500 where the field would refuse it."""

    field: Any  # the model's relation whose rows the autocomplete finds

    def optgroups(self, name, value, attr=None):
        column = self.field.remote_field.model._meta.pk
        ids = []
        for raw in value:
            try:
                column.run_validators(column.to_python(raw))
            except ValidationError:
                continue
            ids.append(raw)
        return super().optgroups(name, ids, attr)  # type: ignore[misc]  # a widget's mixin


class IdsOnlyAutocompleteSelect(IdsOnlyAutocompleteMixin, AutocompleteSelect):
    """One row, found by typing (the related model's admin search)."""


class IdsOnlyAutocompleteSelectMultiple(IdsOnlyAutocompleteMixin, AutocompleteSelectMultiple):
    """Several rows, each found by typing (the related model's admin search)."""


class BoundedInlineFormSet(BaseInlineFormSet):
    """Rows reuse the parent object and their own select_related objects."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]  # private, unstubbed
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


class BoundedInlineMixin(_InlineBase):
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
        if field is not None and db_field.name in self.shared_choice_fields:
            cache = request.__dict__.setdefault("_admin_shared_choices", {})
            key = (db_field.model._meta.label, db_field.name)
            if key not in cache:
                choices = cast(ModelChoiceIterator, field.choices)
                cache[key] = [(getattr(v, "value", v), label) for v, label in choices]
            field.choices = cache[key]
        return field


class ActionCommentForm(forms.Form):
    """The comment an admin action sends to the units with its decision."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"] = CleanCharFormField(
            label=_("Comment for the units"),
            max_length=max_length,
            widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
            error_messages={"required": _("Write the comment the units will read.")},
        )


def ask_for_comment(
    modeladmin: admin.ModelAdmin, request, queryset, *, action: str, title: str, max_length: int
) -> str | TemplateResponse:
    """The intermediate page of an action that needs a comment (return, reopen, reject,
    refuse): the comment once given, else the page (again, with the error)."""
    form = ActionCommentForm(
        request.POST if "apply" in request.POST else None, max_length=max_length
    )
    if form.is_bound and form.is_valid():
        return form.cleaned_data["comment"]
    return TemplateResponse(
        request,
        "admin/action_comment.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "opts": modeladmin.model._meta,
            "queryset": queryset,
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


class DecisionActionsMixin(_ModelAdminBase):
    """Admin actions that decide the selected rows one by one through a service; those
    that need the units' comment (return, reopen, reject, refuse) ask for it first.

    The admin gives ``comment_max_length`` and ``decide_each``: how its rows are
    decided and what is said about each.
    """

    comment_max_length: int

    def decide_each(self, request, queryset, decide: Callable, done: str) -> None:
        """Call ``decide(row)`` on each row and tell the user, row by row, what happened
        (``done``: the message of a row decided)."""
        raise NotImplementedError

    def decide_with_comment(
        self, request, queryset, *, action: str, title: str, decide: Callable, done: str
    ) -> TemplateResponse | None:
        """Ask for the comment on the intermediate page, then ``decide(row, comment)``
        on each row: the page until a comment is given, None once the rows are decided."""
        comment = ask_for_comment(
            self,
            request,
            queryset,
            action=action,
            title=title,
            max_length=self.comment_max_length,
        )
        if not isinstance(comment, str):
            return comment
        self.decide_each(request, queryset, lambda row: decide(row, comment), done)
        return None


class ServiceRefused(Exception):
    """A service refused an admin save: raised out of the change page's transaction,
    so nothing the save wrote before the refusal is kept."""

    def __init__(self, error: ValidationError):
        super().__init__(error)
        self.error = error


# Where the second pass of a refused save finds the refusal (see ServiceSavesMixin).
_REFUSAL = "_admin_service_refusal"


def _form_refusing(form_class: type[forms.ModelForm], error: ValidationError):
    """``form_class``, whose validation also reports ``error`` (as the page's errors)."""

    class RefusedForm(form_class):  # type: ignore[valid-type,misc]  # a class made at run time
        def clean(self):
            cleaned_data = super().clean()
            self.add_error(None, error.messages)
            return cleaned_data

    return RefusedForm


class ServiceSavesMixin(_ModelAdminBase):
    """A change page that saves its object and its inlines' rows through services
    (``save_by_service``): what a service refuses comes back on the page as the
    form's errors, with what was typed, and nothing of the save is kept. An
    unchanged form saves nothing, not even a history row saying so."""

    def save_by_service(self, request, form, formsets) -> None:
        """Save ``form.instance`` and the new, changed and deleted rows of ``formsets``."""
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        """Saved with its inlines' rows, by ``save_related``."""

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            formset.save(commit=False)  # sorts the rows into new, changed, deleted; writes nothing
        if change and not form.has_changed() and not any(f.has_changed() for f in formsets):
            return
        try:
            self.save_by_service(request, form, formsets)
        except ValidationError as error:
            raise ServiceRefused(error) from error

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            # The first pass was rolled back; the second validates the same data
            # again, this time with the refusal, and shows the form.
            setattr(request, _REFUSAL, refused.error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, _REFUSAL, None)
        return form_class if refusal is None else _form_refusing(form_class, refusal)

    # django-simple-history's "Revert" saves an old version as it was, past the
    # service: its page only shows the version, which the change page can save again.
    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(  # type: ignore[misc]  # SimpleHistoryAdmin's
            request, object_id, version_id, extra_context
        )


class ServiceDeletesMixin(_ModelAdminBase):
    """Deletions, from the change page and by the "delete selected" action, made by a
    service (``delete_by_service``): what it refuses comes back as an error message,
    and nothing of the deletion is kept (nor its entry in the admin's log)."""

    def delete_by_service(self, request, obj) -> None:
        """Delete ``obj`` through its service, or raise its refusal."""
        raise NotImplementedError

    def get_deleted_objects(self, objs, request):
        deleted, model_count, _perms_needed, protected = super().get_deleted_objects(objs, request)
        # What goes with the object is deleted by the service, under its rules: the
        # admin pages of those rows (often read-only) are not asked, the object's is.
        perms_needed = {
            self.model._meta.verbose_name
            for obj in objs
            if not self.has_delete_permission(request, obj)
        }
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        self.delete_by_service(request, obj)

    def delete_queryset(self, request, queryset):
        refusals = []
        for obj in queryset:
            try:
                self.delete_by_service(request, obj)
            except ValidationError as error:
                refusals.extend(error.messages)
        if refusals:
            raise ValidationError([_("Nothing was deleted."), *refusals])

    def delete_view(self, request, object_id, extra_context=None):
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().delete_view(request, object_id, extra_context)
        except ValidationError as refusal:
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                    args=[object_id],
                )
            )

    @admin.action(permissions=["delete"], description=_("Delete selected %(verbose_name_plural)s"))
    def delete_selected(self, request, queryset):
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return django_delete_selected(self, request, queryset)
        except ValidationError as refusal:
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
            return None

    def get_actions(self, request):
        # Django's own action of this name deletes past the service: ours replaces it.
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = self.get_action("delete_selected")
        return actions
