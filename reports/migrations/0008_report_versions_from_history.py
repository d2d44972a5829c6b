"""Give every report already sent to the commission its submitted versions.

The report's history (django-simple-history) records each submission with the
reason "submitted" and each review with "returned: …", "accepted" or
"reopened: …". Each "submitted" record becomes a version holding the sections
exactly as that record has them, and the indicator values as their own history
had them at that moment; each review record becomes a review decision on the
version before it. This is exact, also for a returned report the unit has
edited since.

Reports without such history (loaded in bulk, e.g. the demo) get one version
from their stored text and values, and a decision from their reviewed_* fields.
For a returned report that stored text may already hold edits the unit made
after the return; there is nothing better to go on.
"""

from django.db import migrations

SECTIONS = ("people_situation", "results", "shortcomings", "next_plan", "recommendations")
OUTCOMES = ("returned", "accepted", "reopened")


def _frozen_values(version, rows, indicators, ReportVersionValue):
    """Version value rows from (indicator id, value, note) tuples."""
    result = []
    for indicator_id, value, note in rows:
        indicator = indicators.get(indicator_id)
        if indicator is None:
            continue  # deleted since (history rows keep ids without a constraint)
        result.append(
            ReportVersionValue(
                version=version,
                indicator_id=indicator_id,
                indicator_code=indicator.code,
                indicator_name=indicator.name,
                measure=indicator.measure,
                display_order=indicator.display_order,
                value=value,
                note=note,
            )
        )
    return result


def _values_as_of(value_history, moment):
    """The (indicator id, value, note) a report held at ``moment``, from its value history."""
    latest = {}
    for record in value_history:
        if record.history_date > moment:
            break
        latest[record.indicator_id] = record
    return [
        (r.indicator_id, r.value, r.note) for r in latest.values() if r.history_type != "-"
    ]


def create_versions(apps, schema_editor):
    UnitReport = apps.get_model("reports", "UnitReport")
    HistoricalUnitReport = apps.get_model("reports", "HistoricalUnitReport")
    IndicatorValue = apps.get_model("reports", "IndicatorValue")
    HistoricalIndicatorValue = apps.get_model("reports", "HistoricalIndicatorValue")
    Indicator = apps.get_model("reports", "Indicator")
    ReportVersion = apps.get_model("reports", "ReportVersion")
    ReportVersionValue = apps.get_model("reports", "ReportVersionValue")
    ReviewEvent = apps.get_model("reports", "ReviewEvent")

    indicators = {i.pk: i for i in Indicator.objects.all()}
    # History rows keep user ids without a constraint: a user deleted since is nobody.
    users = set(apps.get_model("auth", "User").objects.values_list("pk", flat=True))

    def user(pk):
        return pk if pk in users else None

    sent = UnitReport.objects.exclude(status="draft", first_submitted_at__isnull=True)
    for report in sent.order_by("pk").iterator(chunk_size=500):
        if ReportVersion.objects.filter(report_id=report.pk).exists():
            continue
        history = list(HistoricalUnitReport.objects.filter(id=report.pk).order_by("history_date", "history_id"))
        value_history = list(
            HistoricalIndicatorValue.objects.filter(report_id=report.pk).order_by(
                "history_date", "history_id"
            )
        )
        current_values = [
            (v.indicator_id, v.value, v.note) for v in IndicatorValue.objects.filter(report_id=report.pk)
        ]
        values, events = [], []
        version = None
        for record in history:
            event = (record.history_change_reason or "").split(":", 1)[0]
            if event == "submitted":
                version = ReportVersion.objects.create(
                    report_id=report.pk,
                    number=version.number + 1 if version else 1,
                    unit_name=record.unit_name or report.unit_name,
                    submitted_at=record.submitted_at or record.history_date,
                    submitted_by_id=user(record.submitted_by_id or record.history_user_id),
                    **{name: getattr(record, name) for name in SECTIONS},
                )
                rows = (
                    _values_as_of(value_history, record.history_date)
                    if value_history
                    else current_values
                )
                values += _frozen_values(version, rows, indicators, ReportVersionValue)
            elif event in OUTCOMES and version is not None:
                events.append(
                    ReviewEvent(
                        version=version,
                        outcome=event,
                        comment=record.review_comment if event != "accepted" else "",
                        by_id=user(record.history_user_id),
                        at=record.reviewed_at or record.history_date,
                    )
                )
        if version is None:
            version = ReportVersion.objects.create(
                report_id=report.pk,
                number=1,
                unit_name=report.unit_name,
                submitted_at=report.submitted_at or report.first_submitted_at or report.updated_at,
                submitted_by_id=user(report.submitted_by_id),
                **{name: getattr(report, name) for name in SECTIONS},
            )
            values += _frozen_values(version, current_values, indicators, ReportVersionValue)
            if report.status in ("returned", "accepted") and report.reviewed_at:
                events.append(
                    ReviewEvent(
                        version=version,
                        outcome=report.status,
                        comment=report.review_comment if report.status == "returned" else "",
                        by_id=user(report.reviewed_by_id),
                        at=report.reviewed_at,
                    )
                )
        ReportVersionValue.objects.bulk_create(values)
        ReviewEvent.objects.bulk_create(events)


def remove_versions(apps, schema_editor):
    apps.get_model("reports", "ReportVersion").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0007_report_versions_and_review_events"),
    ]

    operations = [
        migrations.RunPython(create_versions, remove_versions),
    ]
