"""Every meeting now belongs to a unit (0007): the unit is required.

A migration of its own: on PostgreSQL the rows 0007 changed would otherwise keep
the table busy with their deferred checks when its column is altered.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("directives", "0007_meeting_held_by_a_unit")]

    operations = [
        migrations.AlterField(
            model_name="meeting",
            name="unit",
            field=models.ForeignKey(
                help_text=(
                    "The unit whose Standing Board holds the meeting; its directives go to "
                    "that unit and the units under it."
                ),
                on_delete=django.db.models.deletion.PROTECT,
                related_name="meetings_held",
                to="reports.unit",
                verbose_name="held by",
            ),
        ),
    ]
