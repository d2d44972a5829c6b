"""Keep on one line the one-line texts stored before ``CleanCharField`` did (titles,
names, venues): a line break or tab pasted from Word into one broke the sentence of
a document that quotes it. Every model of the app, its history tables included.
Nothing to undo: the reverse does nothing."""

from django.db import migrations

from common.fields import store_one_line_texts


def one_line_texts(apps, schema_editor):
    for model in apps.get_app_config("directives").get_models():
        store_one_line_texts(model)


class Migration(migrations.Migration):
    dependencies = [("directives", "0010_follow_up_token")]

    operations = [migrations.RunPython(one_line_texts, migrations.RunPython.noop, elidable=True)]
