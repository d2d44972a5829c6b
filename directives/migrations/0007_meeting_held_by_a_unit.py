"""A meeting belongs to the unit whose Standing Board holds it.

Every existing meeting was the province's: it goes to the root of the tree, chosen
simply and the same way on every database: among the units without a parent, the
first Party committee (kind ``party_committee``) in the units' order (display
order, name, id), else the first of them in that order. A database with no
meeting (a new one) has nothing to change.
"""

import django.db.models.deletion
from django.db import migrations, models

HELP = (
    "The unit whose Standing Board holds the meeting; its directives go to that unit "
    "and the units under it."
)


def meetings_to_the_root(apps, schema_editor):
    Meeting = apps.get_model("directives", "Meeting")
    HistoricalMeeting = apps.get_model("directives", "HistoricalMeeting")
    Unit = apps.get_model("reports", "Unit")
    if not Meeting.objects.exists():
        return
    roots = Unit.objects.filter(parent__isnull=True).order_by("display_order", "name", "pk")
    root = roots.filter(kind="party_committee").first() or roots.first()
    if root is None:
        raise RuntimeError(
            "Meetings exist but no unit without a parent does: add the province's unit "
            "(without a parent) before migrating, so that the meetings can belong to it."
        )
    Meeting.objects.update(unit=root)
    HistoricalMeeting.objects.update(unit=root)


class Migration(migrations.Migration):
    dependencies = [
        ("directives", "0006_one_pending_claim_per_assignment"),
        ("reports", "0014_membership_roles_on_units"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmeeting",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text=HELP,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="reports.unit",
                verbose_name="held by",
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="unit",
            field=models.ForeignKey(
                help_text=HELP,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="meetings_held",
                to="reports.unit",
                verbose_name="held by",
            ),
        ),
        migrations.RunPython(meetings_to_the_root, migrations.RunPython.noop),
    ]
