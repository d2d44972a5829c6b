"""The backup's ``dumpdata`` XML format: Django's own, with dirty text cleaned on the way out.

XML 1.0 cannot carry most control characters, and Django's XML serializer
refuses a whole dump over one of them (U+000B, Word's Shift+Enter, in one
history row was enough); its deserializer strips the white space around every
value. The cleaning fields (``common.fields``) and their
data migrations keep stored text clean; a row that is still dirty (a table
outside our apps, a row written around Django) is written cleaned
(``common.fields.stored_text``), which is also what a restore would store, and named in
``cleaned_texts()`` so that the backup command warns about it. The file is
plain Django XML: ``loaddata`` reads it with the ordinary "xml" format.
"""

import contextlib
import contextvars

from django.core import serializers
from django.core.serializers import xml_serializer
from django.db.models import Model

from common.fields import stored_text

FORMAT = "xml-clean"

_cleaned: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "backup_cleaned_texts", default=None
)


class Serializer(xml_serializer.Serializer):
    """Django's XML serializer, cleaning dirty text, and reading each model a row points
    at once (``_target``), not once per row that names it by its natural key."""

    def start_serialization(self):
        super().start_serialization()
        self._targets: dict[tuple[type[Model], str], dict] = {}

    def _target(self, field, value):
        """The row ``field`` points at, from all the rows of its model read at once (the
        models named by natural key are small: users, groups, content types)."""
        model = field.remote_field.model
        key = (model, field.remote_field.field_name)
        rows = self._targets.get(key)
        if rows is None:
            rows = self._targets[key] = model._base_manager.in_bulk(field_name=key[1])
        return rows.get(value)

    def handle_fk_field(self, obj, field):
        value = getattr(obj, field.attname)
        model = field.remote_field.model
        if (
            value is not None
            and self.use_natural_foreign_keys
            and hasattr(model, "natural_key")
            and not field.is_cached(obj)
        ):
            target = self._target(field, value)
            if target is not None:
                field.set_cached_value(obj, target)
        super().handle_fk_field(obj, field)

    def handle_field(self, obj, field):
        value = getattr(obj, field.attname)
        if isinstance(value, str) and field.get_internal_type() != "JSONField":
            # Django's XML deserializer strips every value: surrounding white space
            # is cleaned here too, so that the dump says what a restore will store.
            cleaned = stored_text(field, value).strip()
            if cleaned != value:
                setattr(obj, field.attname, cleaned)
                found = _cleaned.get()
                if found is not None:
                    found.append(f"{obj._meta.label} #{obj.pk}, {field.name}")
        super().handle_field(obj, field)


Deserializer = xml_serializer.Deserializer


@contextlib.contextmanager
def cleaning_serializer():
    """Register the format and collect what it cleans: yields the list of
    "app.Model #pk, field" it fills."""
    serializers.register_serializer(FORMAT, __name__)
    found: list[str] = []
    token = _cleaned.set(found)
    try:
        yield found
    finally:
        _cleaned.reset(token)
