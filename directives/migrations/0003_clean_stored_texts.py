"""Clean the texts stored before ``common.fields`` cleaned them on the way in.

Every text column of this app's models and of their history tables goes
through ``clean_text`` (NFC, one kind of newline, no control characters). A text
longer than its field's new limit is kept whole: it was typed before the limit
existed, and cutting it would lose what a unit or the commission wrote (its
history copies included); the form asks for it shorter at its next edit. Rows
are read in batches by primary key and only changed rows are written. There is
nothing to undo: the reverse does nothing.
"""

from django.db import migrations, models

from common.text import clean_text

BATCH = 2000


def clean_model_texts(model) -> None:
    columns = [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
        and not isinstance(field, models.FileField)
    ]
    if not columns:
        return
    names = [field.attname for field in columns]
    manager = model._base_manager
    last = None
    while True:
        rows = manager.order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(rows.values_list("pk", *names)[:BATCH])
        if not batch:
            return
        for pk, *values in batch:
            changes = {}
            for field, value in zip(columns, values, strict=True):
                if not isinstance(value, str):
                    continue
                cleaned = clean_text(value)
                if cleaned != value:
                    changes[field.attname] = cleaned
            if changes:
                manager.filter(pk=pk).update(**changes)
        last = batch[-1][0]


def clean_stored_texts(apps, schema_editor):
    for model in apps.get_app_config("directives").get_models():
        clean_model_texts(model)


class Migration(migrations.Migration):
    dependencies = [
        ("directives", "0002_clean_text_fields_with_limits"),
    ]

    operations = [
        migrations.RunPython(clean_stored_texts, migrations.RunPython.noop, elidable=True),
    ]
