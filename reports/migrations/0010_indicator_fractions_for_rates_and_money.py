"""Indicators whose figures may have decimals: percentages, money, rates, means.

Every indicator became "counted in whole units" with the new field; this
unticks those measured as a percentage, in money (đồng) or as a rate, those
combined by their mean, and any indicator that already has a value with
decimals on record, so no stored figure becomes one its form would refuse.
"""

from django.db import migrations
from django.db.models import BigIntegerField, Q
from django.db.models.functions import Cast

FRACTION_MEASURES = Q(measure__contains="%") | Q(measure__icontains="đồng")
FRACTION_NAMES = Q(name__icontains="tỷ lệ") | Q(name__icontains="tỉ lệ")


def allow_fractions(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    IndicatorValue = apps.get_model("reports", "IndicatorValue")
    with_decimals = (
        IndicatorValue.objects.exclude(value=Cast("value", BigIntegerField()))
        .values_list("indicator_id", flat=True)
        .distinct()
    )
    Indicator.objects.filter(
        FRACTION_MEASURES | FRACTION_NAMES | Q(aggregation="mean") | Q(pk__in=list(with_decimals))
    ).update(whole_numbers=False)


def all_whole(apps, schema_editor):
    apps.get_model("reports", "Indicator").objects.update(whole_numbers=True)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0009_indicator_whole_numbers"),
    ]

    operations = [
        migrations.RunPython(allow_fractions, all_whole),
    ]
