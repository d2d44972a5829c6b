"""Each submitted version counts the sections and indicators it changed since the
submission before it (reports.changes); versions submitted before this migration
are counted here, from what they hold (the rule copied, so that this migration
stays as it is whatever becomes of the app's code)."""

from django.db import migrations, models

SECTIONS = ("people_situation", "results", "shortcomings", "next_plan", "recommendations")


def _values(version) -> set[tuple[str, object, str]]:
    return {(value.indicator_code, value.value, value.note) for value in version.values.all()}


def count_changes(apps, schema_editor):
    ReportVersion = apps.get_model("reports", "ReportVersion")
    versions = ReportVersion.objects.order_by("report_id", "number").prefetch_related("values")
    earlier = None
    for version in versions.iterator(chunk_size=500):
        if earlier is not None and earlier.report_id == version.report_id:
            version.sections_changed = sum(
                getattr(earlier, name) != getattr(version, name) for name in SECTIONS
            )
            # An indicator changed when its value or note differs, or one side lacks it.
            before, after = _values(earlier), _values(version)
            version.values_changed = len({code for code, *_rest in before ^ after})
            version.save(update_fields=["sections_changed", "values_changed"])
        earlier = version


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0020_sample_reports"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportversion",
            name="sections_changed",
            field=models.PositiveSmallIntegerField(
                blank=True, editable=False, null=True, verbose_name="sections changed"
            ),
        ),
        migrations.AddField(
            model_name="reportversion",
            name="values_changed",
            field=models.PositiveIntegerField(
                blank=True, editable=False, null=True, verbose_name="indicators changed"
            ),
        ),
        migrations.RunPython(count_changes, migrations.RunPython.noop),
    ]
