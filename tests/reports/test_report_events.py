"""A report's history records typed events (``ReportEvent``) with the reviewer's comment
in its own column, never a sentence like "returned: …" parsed back; the data
migration moves the old sentences into the typed column and back."""

import datetime
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation

from reports import selectors, services
from reports.models import ReportEvent, UnitReport
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned():
    """A report started, saved, submitted and returned through the services."""
    unit = f.UnitFactory()
    head = f.member(unit, role="head")
    quarter = f.QuarterFactory(year=2024, number=2, due_date=datetime.date(2030, 7, 10))
    report, _ = services.report_get_or_create_draft(unit=unit, quarter=quarter, user=head)
    report = services.report_save_draft(
        report=report,
        user=head,
        data=dict.fromkeys(UnitReport.SECTIONS, "Nội dung: có dấu hai chấm."),
        values={},
        expected_version=report.version,
    )
    report = services.report_submit(report=report, user=head, expected_version=report.version)
    return services.report_return(
        report=report, user=f.reviewer(), comment="Lý do: thiếu số liệu quý."
    )


def _migration():
    folder = Path(__file__).resolve().parents[2] / "reports" / "migrations"
    (path,) = folder.glob("*_report_history_event_from_reasons.py")
    return importlib.import_module(f"reports.migrations.{path.stem}")


def _events(report) -> list[tuple[str, str | None]]:
    return list(
        report.history.order_by("history_date").values_list("event", "history_change_reason")
    )


def test_the_services_write_typed_events_and_no_sentence(returned):
    assert _events(returned) == [
        (ReportEvent.CREATED, None),
        (ReportEvent.SAVED, None),
        (ReportEvent.SUBMITTED, None),
        (ReportEvent.RETURNED, None),
    ]
    assert returned.history.first().review_comment == "Lý do: thiếu số liệu quý."


def test_the_timeline_reads_each_events_label_and_the_comment_whole(returned):
    with translation.override("vi"):
        timeline = selectors.report_timeline(returned)
        labels = [entry.label for entry in timeline]
    assert [entry.event for entry in timeline] == [
        ReportEvent.RETURNED,
        ReportEvent.SUBMITTED,
        ReportEvent.SAVED,
        ReportEvent.CREATED,
    ]
    assert labels[0] == str(ReportEvent.RETURNED.label) != "returned"
    assert timeline[0].comment == "Lý do: thiếu số liệu quý."  # a colon in it is kept
    assert [entry.comment for entry in timeline[1:]] == ["", "", ""]


@pytest.mark.usefixtures("factories_keep_history")
def test_a_report_made_elsewhere_starts_its_history_as_created():
    report = f.UnitReportFactory()
    assert _events(report) == [(ReportEvent.CREATED, None)]


@pytest.mark.usefixtures("factories_keep_history")
def test_the_migration_moves_the_sentences_into_the_typed_column_and_back(returned):
    history = returned.history.model
    history.objects.filter(event=ReportEvent.RETURNED).update(
        event="", history_change_reason="returned: Lý do: thiếu số liệu quý."
    )
    history.objects.exclude(event=ReportEvent.RETURNED).exclude(event="").update(
        history_change_reason=None
    )
    for event in (ReportEvent.CREATED, ReportEvent.SAVED, ReportEvent.SUBMITTED):
        history.objects.filter(event=event).update(event="", history_change_reason=event.value)
    demo = f.UnitReportFactory()
    demo.history.update(event="", history_change_reason="Dữ liệu demo (load_demo)")

    _migration().reasons_to_events(apps, None)

    assert _events(returned) == [
        (ReportEvent.CREATED, None),
        (ReportEvent.SAVED, None),
        (ReportEvent.SUBMITTED, None),
        (ReportEvent.RETURNED, None),
    ]
    # a reason that names no event is kept; the report's first row was its start
    assert _events(demo) == [(ReportEvent.CREATED, "Dữ liệu demo (load_demo)")]

    _migration().events_to_reasons(apps, None)

    assert _events(returned) == [
        ("", "created"),
        ("", "saved"),
        ("", "submitted"),
        ("", "returned: Lý do: thiếu số liệu quý."),
    ]
    assert _events(demo) == [(ReportEvent.CREATED, "Dữ liệu demo (load_demo)")]
