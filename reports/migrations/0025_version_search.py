"""The submitted versions' texts folded for search (reports.search), filled for the
versions already on record, with a trigram index on PostgreSQL so that a search
("contains" every word) reads the index, not every text of the country."""

import unicodedata

from django.db import migrations, models, transaction

SECTIONS = ("people_situation", "results", "shortcomings", "next_plan", "recommendations")
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d"})


def _fold(text: str) -> str:
    """common.text.fold as it is today (copied: a migration stays as it was)."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_SPECIAL))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().split())


def fill(apps, schema_editor):
    ReportVersion = apps.get_model("reports", "ReportVersion")
    for version in ReportVersion.objects.iterator(chunk_size=500):
        folded = "\n".join(_fold(getattr(version, name)) for name in SECTIONS)
        text = unicodedata.normalize("NFC", folded).strip()
        ReportVersion.objects.filter(pk=version.pk).update(search_text=text)


def trigram_index(apps, schema_editor):
    """On PostgreSQL, where the pg_trgm extension can be had (its CREATE needs a
    superuser once; without it the search still works, reading every text)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic():
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                "CREATE INDEX IF NOT EXISTS reportversion_search_trgm ON "
                "reports_reportversion USING gin (search_text gin_trgm_ops)"
            )
    except Exception:  # no extension: the search runs without the index
        return


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS reportversion_search_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0024_report_annexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportversion",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_index),
    ]
