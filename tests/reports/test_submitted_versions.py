"""Submitted versions: every submission is frozen, and reviewers and leadership can always
read what was submitted and the review of it — never the unit's unsubmitted edits."""

import datetime
import importlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.urls import reverse

from reports import permissions, selectors, services
from reports.models import (
    IndicatorValue,
    ReportStatus,
    ReportVersion,
    ReviewEvent,
    ReviewOutcome,
    UnitReport,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

SUBMITTED_TEXT = "Kết quả như đã gửi lần đầu."
EDITED_TEXT = "Bản sửa của đơn vị, chưa gửi lại."
COMMENT = "Đề nghị bổ sung số liệu tuyên truyền."


@pytest.fixture
def world():
    unit = f.UnitFactory(code="bdv", name="Ban Dân vận thử")
    other = f.UnitFactory(code="hlhpn", name="Hội LHPN tỉnh")
    quarter = f.QuarterFactory(year=2024, number=2, due_date=datetime.date(2030, 7, 10))
    indicator = f.IndicatorFactory(code="tuyen-truyen", name="Buổi tuyên truyền", measure="buổi")
    users = {
        "reporter": f.member(unit, user__username="bdv-reporter"),
        "head": f.member(unit, role="head", user__username="bdv-head"),
        "other_reporter": f.member(other, user__username="hlhpn-reporter"),
        "reviewer": f.reviewer(username="reviewer", first_name="Người", last_name="Duyệt"),
        "leader": f.leader(username="leader"),
        "admin": f.UserFactory(username="admin", is_superuser=True, is_staff=True),
    }
    return {
        "unit": unit,
        "quarter": quarter,
        "indicator": indicator,
        "users": users,
    }


def sections(results: str) -> dict[str, str]:
    return {
        "people_situation": "Nhân dân phấn khởi.",
        "results": results,
        "shortcomings": "Còn chậm.",
        "next_plan": "Tiếp tục.",
        "recommendations": "",
    }


def save(world, report, results: str, value: str) -> UnitReport:
    return services.report_save_draft(
        report=report,
        user=world["users"]["head"],
        data=sections(results),
        values={world["indicator"].id: (Decimal(value), "ghi chú")},
        expected_version=report.version,
    )


def submitted_report(world) -> UnitReport:
    report, _ = services.report_get_or_create_draft(
        unit=world["unit"], quarter=world["quarter"], user=world["users"]["head"]
    )
    report = save(world, report, SUBMITTED_TEXT, "48")
    return services.report_submit(
        report=report, user=world["users"]["head"], expected_version=report.version
    )


def returned_and_edited(world) -> UnitReport:
    report = services.report_return(
        report=submitted_report(world), user=world["users"]["reviewer"], comment=COMMENT
    )
    return save(world, report, EDITED_TEXT, "1234")


def page(world) -> str:
    return reverse("reports:report", args=[world["unit"].code, world["quarter"].slug])


def version_page(world, number: int) -> str:
    return reverse("reports:version", args=[world["unit"].code, world["quarter"].slug, number])


def get(client, world, who, url):
    if who != "anonymous":
        client.force_login(world["users"][who])
    return client.get(url)


# --- What a submission freezes ---------------------------------------------------------------


def test_submitting_freezes_the_sections_and_values_as_version_1(world):
    report = submitted_report(world)
    version = report.versions.get()
    assert version.number == 1
    assert version.results == SUBMITTED_TEXT
    assert version.submitted_by == world["users"]["head"]
    value = version.values.get()
    assert (value.indicator_code, value.indicator_name, value.measure) == (
        "tuyen-truyen",
        "Buổi tuyên truyền",
        "buổi",
    )
    assert (value.value, value.note) == (Decimal("48"), "ghi chú")


def test_edits_after_a_return_do_not_touch_the_submitted_version(world):
    report = returned_and_edited(world)
    version = report.versions.get()
    assert version.results == SUBMITTED_TEXT
    assert version.values.get().value == Decimal("48")
    assert IndicatorValue.objects.get().value == Decimal("1234")


def test_each_submission_adds_the_next_version(world):
    report = returned_and_edited(world)
    services.report_submit(
        report=report, user=world["users"]["head"], expected_version=report.version
    )
    assert list(report.versions.values_list("number", "results")) == [
        (2, EDITED_TEXT),
        (1, SUBMITTED_TEXT),
    ]


def test_each_review_decision_is_recorded_on_the_version_it_decided_as_a_code(world):
    report = submitted_report(world)
    reviewer = world["users"]["reviewer"]
    report = services.report_accept(report=report, user=reviewer)
    services.report_reopen(report=report, user=reviewer, reason="Cần sửa số liệu.")
    events = list(ReviewEvent.objects.values_list("version__number", "outcome", "comment", "by"))
    assert events == [
        (1, ReviewOutcome.ACCEPTED, "", reviewer.pk),
        (1, ReviewOutcome.REOPENED, "Cần sửa số liệu.", reviewer.pk),
    ]


def test_a_filed_report_made_without_the_services_gets_its_version_at_review(world):
    report = f.UnitReportFactory(
        unit=world["unit"], quarter=world["quarter"], status=ReportStatus.SUBMITTED
    )
    services.report_return(report=report, user=world["users"]["reviewer"], comment=COMMENT)
    version = ReportVersion.objects.get()
    assert version.results == report.results
    assert version.review_events.get().comment == COMMENT


# --- Who reads what, role by role -------------------------------------------------------------

RETURNED_PAGE = {
    # who: (status code, sees the submitted text, sees the unit's new edits)
    "reporter": (200, False, True),
    "head": (200, False, True),
    "admin": (200, False, True),
    "reviewer": (200, True, False),
    "leader": (200, True, False),
    "other_reporter": (404, False, False),
    "anonymous": (302, False, False),
}


@pytest.mark.parametrize(("who", "expected"), RETURNED_PAGE.items())
def test_a_returned_report_shows_reviewers_what_was_submitted_and_the_unit_its_edits(
    client, world, who, expected
):
    returned_and_edited(world)
    code, sees_submitted, sees_edits = expected
    response = get(client, world, who, page(world))
    assert response.status_code == code
    body = response.content.decode()
    assert (SUBMITTED_TEXT in body) is sees_submitted
    assert (EDITED_TEXT in body) is sees_edits
    if code == 200:
        assert COMMENT in body  # the review comment, for everyone who may open it


VERSION_PAGE = {
    "reporter": 200,
    "head": 200,
    "admin": 200,
    "reviewer": 200,
    "leader": 200,
    "other_reporter": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize(("who", "code"), VERSION_PAGE.items())
def test_a_submitted_version_is_read_only_for_everyone_who_may_read_it(client, world, who, code):
    returned_and_edited(world)
    response = get(client, world, who, version_page(world, 1))
    assert response.status_code == code
    if code == 200:
        body = response.content.decode()
        assert SUBMITTED_TEXT in body and COMMENT in body and "48" in body
        assert EDITED_TEXT not in body and "1.234" not in body
        assert 'name="results"' not in body  # no form


@pytest.mark.parametrize("who", ["reviewer", "leader", "other_reporter", "head", "admin"])
def test_a_report_never_submitted_has_no_versions_to_read(client, world, who):
    f.UnitReportFactory(unit=world["unit"], quarter=world["quarter"])
    if who not in ("head", "admin"):
        assert get(client, world, who, page(world)).status_code == 404
    assert get(client, world, who, version_page(world, 1)).status_code == 404


def test_a_version_that_does_not_exist_is_not_found(client, world):
    submitted_report(world)
    assert get(client, world, "reviewer", version_page(world, 2)).status_code == 404


def test_the_permission_and_its_queryset_twin_agree(world):
    report = returned_and_edited(world)
    draft = f.UnitReportFactory(unit=world["users"]["other_reporter"].memberships.get().unit)
    for who, user in world["users"].items():
        listed = set(selectors.reports_visible_to(user))
        for candidate in (report, draft):
            allowed = permissions.can_view_submitted_versions(user, candidate)
            assert (candidate in listed) is allowed, (who, candidate)


def test_reviewers_cannot_post_to_a_returned_report(client, world):
    returned_and_edited(world)
    client.force_login(world["users"]["reviewer"])
    response = client.post(
        page(world), {"version": 99, **sections("Chen ngang."), "action": "save"}
    )
    assert response.status_code == 403
    assert UnitReport.objects.get().results == EDITED_TEXT


# --- The reviewer's journeys ------------------------------------------------------------------


def test_the_reviewer_follows_a_report_through_return_and_resubmission(client, world):
    report = submitted_report(world)
    reviewer = world["users"]["reviewer"]
    client.force_login(reviewer)
    response = client.post(reverse("reports:return", args=[report.pk]), {"comment": COMMENT})
    assert response.status_code == 302

    queue = client.get(reverse("reports:queue_quarter", args=[world["quarter"].slug]))
    assert page(world) in queue.content.decode()  # the row is still a link

    save(world, UnitReport.objects.get(), EDITED_TEXT, "1234")
    body = client.get(page(world)).content.decode()
    assert SUBMITTED_TEXT in body and COMMENT in body
    assert EDITED_TEXT not in body

    report = UnitReport.objects.get()
    services.report_submit(
        report=report, user=world["users"]["head"], expected_version=report.version
    )
    body = client.get(page(world)).content.decode()
    assert EDITED_TEXT in body
    assert version_page(world, 1) in body  # the earlier submission stays one click away
    assert COMMENT in body
    assert SUBMITTED_TEXT in client.get(version_page(world, 1)).content.decode()


def test_the_reviewer_still_reads_a_report_they_reopened(client, world):
    report = services.report_accept(report=submitted_report(world), user=world["users"]["reviewer"])
    client.force_login(world["users"]["reviewer"])
    response = client.post(
        reverse("reports:reopen", args=[report.pk]), {"reason": "Số liệu chưa khớp."}
    )
    assert response.status_code == 302
    save(world, UnitReport.objects.get(), EDITED_TEXT, "1234")
    response = client.get(page(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert SUBMITTED_TEXT in body and "Số liệu chưa khớp." in body
    assert EDITED_TEXT not in body


def test_the_report_page_of_a_submitted_report_lists_its_versions(client, world):
    submitted_report(world)
    for who in ("head", "reviewer", "leader", "admin"):
        body = get(client, world, who, page(world)).content.decode()
        assert "Lần gửi 1" in body, who


def test_the_report_list_opens_returned_reports_for_reviewers(client, world):
    returned_and_edited(world)
    body = get(client, world, "reviewer", reverse("reports:list")).content.decode()
    assert page(world) in body


# --- The data migration -----------------------------------------------------------------------


def _migration(name: str = "report_versions_from_history"):
    folder = Path(__file__).resolve().parents[2] / "reports" / "migrations"
    (path,) = folder.glob(f"*_{name}.py")
    return importlib.import_module(f"reports.migrations.{path.stem}")


def _history_as_before_typed_events() -> None:
    """The history rows as they were when this migration ran: events as change reasons."""
    _migration("report_history_event_from_reasons").events_to_reasons(apps, None)


def test_the_migration_rebuilds_versions_from_history_exactly(world):
    report = returned_and_edited(world)
    services.report_submit(
        report=report, user=world["users"]["head"], expected_version=report.version
    )
    expected = list(
        ReportVersion.objects.values_list("number", "results", "values__value", "submitted_by")
    )
    expected_events = list(ReviewEvent.objects.values_list("version__number", "outcome", "comment"))
    ReportVersion.objects.all().delete()
    _history_as_before_typed_events()

    _migration().create_versions(apps, None)

    assert (
        list(
            ReportVersion.objects.values_list("number", "results", "values__value", "submitted_by")
        )
        == expected
    )
    assert (
        list(ReviewEvent.objects.values_list("version__number", "outcome", "comment"))
        == expected_events
    )


def test_the_migration_falls_back_to_the_stored_text_without_history(world):
    report = f.UnitReportFactory(
        unit=world["unit"],
        quarter=world["quarter"],
        status=ReportStatus.ACCEPTED,
        submitted_at=datetime.datetime(2024, 7, 1, 9, tzinfo=datetime.UTC),
        reviewed_at=datetime.datetime(2024, 7, 2, 9, tzinfo=datetime.UTC),
        reviewed_by=world["users"]["reviewer"],
    )
    report.history.all().delete()
    f.IndicatorValueFactory(report=report, indicator=world["indicator"], value=7)
    draft = f.UnitReportFactory(quarter=world["quarter"])

    _migration().create_versions(apps, None)

    version = ReportVersion.objects.get()
    assert (version.report, version.results, version.values.get().value) == (
        report,
        report.results,
        Decimal("7"),
    )
    assert version.review_events.get().outcome == ReviewOutcome.ACCEPTED
    assert not draft.versions.exists()


def test_the_migration_names_nobody_for_a_user_deleted_since(world):
    report = returned_and_edited(world)
    ReportVersion.objects.all().delete()
    # History keeps the ids of users deleted since, with no constraint to stop it.
    gone = User.objects.create_user("da-nghi")
    report.history.update(history_user_id=gone.pk)
    report.history.model.objects.filter(id=report.pk).update(submitted_by_id=gone.pk)
    User.objects.filter(pk=gone.pk).delete()
    _history_as_before_typed_events()

    _migration().create_versions(apps, None)

    version = ReportVersion.objects.get(report=report)
    assert version.submitted_by is None
    assert version.review_events.get().by is None
