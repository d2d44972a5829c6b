"""The table of the database cache that every process shares (settings.CACHES["shared"],
common.caching): made here, so that ``migrate`` is all a deployment runs. Named here,
not read from the settings, so that the migration does the same whatever they say."""

from django.core.management import call_command
from django.db import migrations

TABLE = "danvan_shared_cache"


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("reports", "0027_reminderlog_sent_by")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
