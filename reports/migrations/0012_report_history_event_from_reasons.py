"""Move the events written as change reasons ("submitted", "returned: <comment>",
"reopened: <reason>"…) into the typed ``event`` column, once.

The comment after the colon is already the row's ``review_comment`` (the services
saved both together), so the reason is cleared: nothing parses it again. A reason
that names no event (the demo's "Dữ liệu demo (load_demo)") is kept; such a row is
"created" if it was the report's first. The reverse writes the sentences back.
"""

from django.db import migrations

EVENTS = ("created", "saved", "submitted", "returned", "accepted", "reopened")
WITH_COMMENT = ("returned", "reopened")
BATCH = 1000


def _rows(HistoricalUnitReport):
    return (
        HistoricalUnitReport.objects.only(
            "history_id", "history_type", "history_change_reason", "event", "review_comment"
        )
        .order_by("history_id")
        .iterator(chunk_size=BATCH)
    )


def _save(HistoricalUnitReport, rows):
    HistoricalUnitReport.objects.bulk_update(
        rows, ["event", "history_change_reason"], batch_size=BATCH
    )


def reasons_to_events(apps, schema_editor):
    HistoricalUnitReport = apps.get_model("reports", "HistoricalUnitReport")
    changed = []
    for row in _rows(HistoricalUnitReport):
        kind = (row.history_change_reason or "").split(":", 1)[0].strip()
        if kind in EVENTS:
            row.event = kind
            row.history_change_reason = None
        elif row.history_type == "+":
            row.event = "created"
        else:
            continue
        changed.append(row)
        if len(changed) >= BATCH:
            _save(HistoricalUnitReport, changed)
            changed = []
    _save(HistoricalUnitReport, changed)


def events_to_reasons(apps, schema_editor):
    HistoricalUnitReport = apps.get_model("reports", "HistoricalUnitReport")
    changed = []
    for row in _rows(HistoricalUnitReport):
        if not row.event or row.history_change_reason:
            continue
        reason = row.event
        if row.event in WITH_COMMENT:
            reason = f"{row.event}: {row.review_comment}"
        row.history_change_reason = reason[:100]
        row.event = ""
        changed.append(row)
        if len(changed) >= BATCH:
            _save(HistoricalUnitReport, changed)
            changed = []
    _save(HistoricalUnitReport, changed)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0011_report_history_event"),
    ]

    operations = [
        migrations.RunPython(reasons_to_events, events_to_reasons),
    ]
