"""The report's life: draft, submit, return, accept, reopen — as services, with history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from reports import services
from reports.models import IndicatorValue, ReportEvent, ReportStatus, UnitReport
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return f.UnitFactory(code="bdv")


@pytest.fixture
def quarter():
    return f.QuarterFactory(year=2024, number=2, due_date=datetime.date(2030, 6, 20))


@pytest.fixture
def reporter(unit):
    return f.member(unit, user__username="bdv-reporter")


@pytest.fixture
def head(unit):
    return f.member(unit, role="head", user__username="bdv-head")


@pytest.fixture
def reviewer():
    return f.reviewer(username="reviewer")


def full_sections(**overrides):
    data = {
        "people_situation": "Nhân dân phấn khởi.",
        "results": "Đã tổ chức 12 hội nghị.",
        "shortcomings": "Còn chậm.",
        "next_plan": "Tiếp tục triển khai.",
        "recommendations": "",
    }
    data.update(overrides)
    return data


def save_text(report, user, **sections):
    """``sections`` saved as the report form saves them, with no figures."""
    return services.report_save_draft(
        report=report, user=user, data=sections, values={}, expected_version=report.version
    )


def draft(unit, quarter, user, **sections):
    report, _ = services.report_get_or_create_draft(unit=unit, quarter=quarter, user=user)
    return save_text(report, user, **full_sections(**sections))


def test_a_draft_is_started_once_and_saving_moves_the_version_on(unit, quarter, reporter):
    report, created = services.report_get_or_create_draft(unit=unit, quarter=quarter, user=reporter)
    again, created_again = services.report_get_or_create_draft(
        unit=unit, quarter=quarter, user=reporter
    )
    assert created and not created_again and again.pk == report.pk
    saved = services.report_save_draft(
        report=report, user=reporter, data=full_sections(), values={}, expected_version=1
    )
    assert saved.version == 2
    assert saved.unit_name == unit.name
    assert UnitReport.objects.get().results == "Đã tổ chức 12 hội nghị."


def test_saving_with_an_old_version_is_refused_and_keeps_the_newer_text(
    unit, quarter, reporter, head
):
    report = draft(unit, quarter, reporter, results="Bản của người báo cáo")
    with pytest.raises(services.ConcurrentEditError) as error:
        services.report_save_draft(
            report=report,
            user=head,
            data=full_sections(results="Bản của lãnh đạo"),
            values={},
            expected_version=1,
        )
    assert error.value.current.results == "Bản của người báo cáo"
    report.refresh_from_db()
    assert report.results == "Bản của người báo cáo"
    assert report.version == 2


def test_indicator_values_are_created_changed_and_deleted_when_emptied(unit, quarter, reporter):
    first, second = f.IndicatorFactory(), f.IndicatorFactory()
    report = draft(unit, quarter, reporter)
    report = services.report_save_draft(
        report=report,
        user=reporter,
        data={},
        values={first.id: (Decimal("12.5"), "ghi chú"), second.id: (Decimal(3), "")},
        expected_version=report.version,
    )
    report = services.report_save_draft(
        report=report,
        user=reporter,
        data={},
        values={first.id: (Decimal(14), ""), second.id: (None, "")},
        expected_version=report.version,
    )
    assert dict(IndicatorValue.objects.values_list("indicator_id", "value")) == {first.id: 14}
    assert report.values.get().history.count() == 2


def test_only_the_head_submits_and_submission_is_on_record(unit, quarter, reporter, head):
    report = draft(unit, quarter, reporter)
    with pytest.raises(PermissionDenied):
        services.report_submit(report=report, user=reporter, expected_version=report.version)
    report = services.report_submit(report=report, user=head, expected_version=report.version)
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by == head
    assert report.first_submitted_at == report.submitted_at
    assert not report.is_late
    last = report.history.first()
    assert last.history_user == head
    assert last.event == ReportEvent.SUBMITTED


def test_submitting_needs_the_four_main_sections_but_not_recommendations(unit, quarter, head):
    report = draft(unit, quarter, head, shortcomings="  ", recommendations="")
    with pytest.raises(ValidationError) as error:
        services.report_submit(report=report, user=head, expected_version=report.version)
    assert set(error.value.message_dict) == {"shortcomings"}
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_submitting_after_the_due_date_marks_the_report_late(unit, head):
    quarter = f.QuarterFactory(year=2024, number=1, due_date=datetime.date(2024, 3, 20))
    report = draft(unit, quarter, head)
    report = services.report_submit(report=report, user=head, expected_version=report.version)
    assert report.is_late


def test_a_resubmission_keeps_the_first_submission_for_timeliness(unit, quarter, head, reviewer):
    report = draft(unit, quarter, head)
    report = services.report_submit(report=report, user=head, expected_version=report.version)
    first = report.first_submitted_at
    report = services.report_return(report=report, user=reviewer, comment="Bổ sung số liệu.")
    report = services.report_submit(report=report, user=head, expected_version=report.version)
    assert report.first_submitted_at == first
    assert report.submitted_at >= first


def test_the_reviewer_returns_with_a_comment_and_the_unit_can_edit_again(
    unit, quarter, head, reviewer
):
    report = draft(unit, quarter, head)
    report = services.report_submit(report=report, user=head, expected_version=report.version)
    with pytest.raises(ValidationError):
        services.report_return(report=report, user=reviewer, comment="   ")
    report = services.report_return(report=report, user=reviewer, comment="Thiếu số liệu quý.")
    assert report.status == ReportStatus.RETURNED
    assert report.review_comment == "Thiếu số liệu quý."
    assert report.reviewed_by == reviewer
    record = report.history.first()
    assert record.history_user == reviewer
    assert (record.event, record.review_comment) == (ReportEvent.RETURNED, "Thiếu số liệu quý.")
    report = save_text(report, head, results="Đã bổ sung.")
    assert report.results == "Đã bổ sung."


def test_leadership_and_unit_staff_cannot_review(unit, quarter, head, reviewer):
    report = draft(unit, quarter, head)
    report = services.report_submit(report=report, user=head, expected_version=report.version)
    for user in (head, f.leader(), f.admin()):
        with pytest.raises(PermissionDenied):
            services.report_accept(report=report, user=user)


def test_an_accepted_report_is_read_only_until_a_reviewer_reopens_it(unit, quarter, head, reviewer):
    report = draft(unit, quarter, head)
    report = services.report_submit(report=report, user=head, expected_version=report.version)
    report = services.report_accept(report=report, user=reviewer)
    with pytest.raises(services.ReportLockedError):
        save_text(report, head, results="x")
    with pytest.raises(ValidationError):
        services.report_reopen(report=report, user=reviewer, reason="")
    report = services.report_reopen(report=report, user=reviewer, reason="Sai số liệu.")
    assert report.status == ReportStatus.RETURNED
    assert report.review_comment == "Sai số liệu."
    events = [
        (r.event, r.review_comment if ReportEvent(r.event).has_comment else "")
        for r in report.history.order_by("history_date")
    ]
    assert events == [
        (ReportEvent.CREATED, ""),
        (ReportEvent.SAVED, ""),
        (ReportEvent.SUBMITTED, ""),
        (ReportEvent.ACCEPTED, ""),
        (ReportEvent.REOPENED, "Sai số liệu."),
    ]


def test_a_closed_quarter_refuses_every_change(unit, quarter, head, reviewer):
    report = draft(unit, quarter, head)
    report = services.report_submit(report=report, user=head, expected_version=report.version)
    quarter.closed = True
    quarter.save()
    with pytest.raises(services.ReportLockedError):
        services.report_accept(report=report, user=reviewer)
    with pytest.raises(services.ReportLockedError):
        services.report_return(report=report, user=reviewer, comment="x")
    other = f.UnitFactory()
    with pytest.raises(PermissionDenied):
        services.report_get_or_create_draft(unit=other, quarter=quarter, user=f.member(other))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_every_transition_moves_the_version_on(unit, quarter, head, reviewer):
    report = draft(unit, quarter, head)
    versions = [report.version]
    report = services.report_submit(report=report, user=head, expected_version=report.version)
    versions.append(report.version)
    report = services.report_return(report=report, user=reviewer, comment="Sửa.")
    versions.append(report.version)
    assert versions == sorted(set(versions))
    assert UnitReport.objects.get().version == report.version


def test_the_history_timeline_says_who_did_what(unit, quarter, head, reviewer):
    from reports.selectors import report_timeline

    report = draft(unit, quarter, head)
    report = services.report_submit(report=report, user=head, expected_version=report.version)
    report = services.report_return(report=report, user=reviewer, comment="Bổ sung.")
    timeline = report_timeline(report)
    assert [e.event for e in timeline] == ["returned", "submitted", "saved", "created"]
    assert timeline[0].who == "reviewer"
    assert timeline[0].comment == "Bổ sung."
    assert timeline[1].who == "bdv-head"
    assert timeline[0].when <= timezone.now()


def test_saving_what_is_on_record_adds_no_version_and_no_history(unit, quarter, reporter):
    report = draft(unit, quarter, reporter)
    records = report.history.count()
    again = save_text(report, reporter, **full_sections())
    assert again.version == report.version
    assert report.history.count() == records


def test_a_stale_form_with_nothing_new_is_not_a_conflict(unit, quarter, reporter, head):
    report = draft(unit, quarter, reporter)
    save_text(report, head, results="Bản mới")
    same = save_text(report, reporter, results="Bản mới")
    assert same.results == "Bản mới"
