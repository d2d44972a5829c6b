"""A unit merged into another was recorded as a dissolution (``merge_units`` of one
unit), though it has a successor and its summary says "merged into". A dissolution
links no successor (``dissolve_unit``), so a "dissolution" with links was a merger."""

from django.db import migrations
from django.db.models import Count


def dissolutions_with_a_successor_are_mergers(apps, schema_editor):
    Reorganisation = apps.get_model("reports", "Reorganisation")
    Reorganisation.objects.filter(kind="dissolve", links__isnull=False).update(kind="merge")


def mergers_of_one_unit_back_to_dissolutions(apps, schema_editor):
    Reorganisation = apps.get_model("reports", "Reorganisation")
    of_one = (
        Reorganisation.objects.filter(kind="merge")
        .annotate(predecessors=Count("links"))
        .filter(predecessors=1)
        .values("pk")
    )
    Reorganisation.objects.filter(pk__in=of_one).update(kind="dissolve")


class Migration(migrations.Migration):
    dependencies = [("reports", "0015_report_unit_covering_index")]

    operations = [
        migrations.RunPython(
            dissolutions_with_a_successor_are_mergers, mergers_of_one_unit_back_to_dissolutions
        )
    ]
