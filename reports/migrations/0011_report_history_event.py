"""A report's history rows carry their event as a typed column (ReportEvent)
instead of a sentence in the change reason that pages parsed back."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0010_indicator_fractions_for_rates_and_money"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalunitreport",
            name="event",
            field=models.CharField(
                blank=True,
                choices=[
                    ("created", "Started the report"),
                    ("saved", "Saved the draft"),
                    ("submitted", "Submitted to the commission"),
                    ("returned", "Returned for changes"),
                    ("accepted", "Accepted"),
                    ("reopened", "Reopened"),
                ],
                default="",
                max_length=10,
                verbose_name="event",
            ),
        ),
    ]
