"""Who may do what with reports, role by role, on every page and action (docs/PERMISSIONS.md)."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from reports import services
from reports.models import ReportStatus, UnitReport
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    unit = f.UnitFactory(code="bdv", name="Đơn vị thử Dân vận")
    other = f.UnitFactory(code="hlhpn", name="Hội LHPN tỉnh")
    quarter = f.QuarterFactory(year=2024, number=2, due_date=datetime.date(2030, 7, 10))
    users = {
        "reporter": f.member(unit, user__username="bdv-reporter"),
        "head": f.member(unit, role="head", user__username="bdv-head"),
        "other_reporter": f.member(other, user__username="hlhpn-reporter"),
        "other_head": f.member(other, role="head", user__username="hlhpn-head"),
        "reviewer": f.reviewer(username="reviewer"),
        "leader": f.leader(username="leader"),
        "admin": f.UserFactory(username="admin", is_superuser=True, is_staff=True),
    }
    return {"unit": unit, "other": other, "quarter": quarter, "users": users}


def make_report(world, status=ReportStatus.DRAFT):
    report = f.UnitReportFactory(unit=world["unit"], quarter=world["quarter"], **f.REPORT_SECTIONS)
    users = world["users"]
    if status != ReportStatus.DRAFT:
        report = services.report_submit(report=report, user=users["head"], expected_version=1)
    if status == ReportStatus.ACCEPTED:
        report = services.report_accept(report=report, user=users["reviewer"])
    if status == ReportStatus.RETURNED:
        report = services.report_return(report=report, user=users["reviewer"], comment="Sửa lại.")
    return report


def page_url(world):
    return reverse("reports:report", args=[world["unit"].code, world["quarter"].slug])


def login(client, world, who):
    if who != "anonymous":
        client.force_login(world["users"][who])


def page_as(client, world, who):
    """The report page, as ``who`` asks for it."""
    login(client, world, who)
    return client.get(page_url(world))


# --- Reading the report page ---------------------------------------------------------------

DRAFT_VIEW = {
    "reporter": 200,
    "head": 200,
    "admin": 200,
    "other_reporter": 404,
    "other_head": 404,
    "reviewer": 404,
    "leader": 404,
}


@pytest.mark.parametrize("status", [ReportStatus.DRAFT, ReportStatus.RETURNED])
@pytest.mark.parametrize(("who", "code"), DRAFT_VIEW.items())
def test_a_draft_or_returned_report_is_seen_by_its_unit_and_admin_only(
    client, world, who, code, status
):
    if status == ReportStatus.RETURNED and who in ("reviewer", "leader"):
        code = 200  # what was submitted (tests/reports/test_submitted_versions.py)
    make_report(world, status)
    response = page_as(client, world, who)
    assert response.status_code == code
    if code == 200:
        assert "Kết quả tốt." in response.content.decode()


FILED_VIEW = {
    "reporter": 200,
    "head": 200,
    "admin": 200,
    "reviewer": 200,
    "leader": 200,
    "other_reporter": 404,
    "other_head": 404,
}


@pytest.mark.parametrize("status", [ReportStatus.SUBMITTED, ReportStatus.ACCEPTED])
@pytest.mark.parametrize(("who", "code"), FILED_VIEW.items())
def test_a_filed_report_is_seen_by_all_who_see_all_units_and_never_by_another_unit(
    client, world, who, code, status
):
    make_report(world, status)
    response = page_as(client, world, who)
    assert response.status_code == code
    if code == 200:
        body = response.content.decode()
        assert "Kết quả tốt." in body
        assert 'name="people_situation"' not in body  # read-only: no form


def test_anonymous_users_are_sent_to_sign_in_and_come_back(client, world):
    make_report(world)
    url = page_url(world)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "next=" in response.url


def test_only_the_reviewer_sees_the_review_buttons(client, world):
    report = make_report(world, ReportStatus.SUBMITTED)
    accept = reverse("reports:accept", args=[report.pk])
    for who, shown in [("reviewer", True), ("leader", False), ("admin", False), ("head", False)]:
        client.force_login(world["users"][who])
        assert (accept in client.get(page_url(world)).content.decode()) is shown, who


@pytest.mark.parametrize(
    ("who", "code", "form"),
    [
        ("reporter", 200, True),
        ("head", 200, True),
        ("admin", 200, True),
        ("reviewer", 404, False),
        ("leader", 404, False),
        ("other_reporter", 404, False),
    ],
)
def test_a_report_not_started_shows_the_form_to_its_unit_and_a_get_creates_nothing(
    client, world, who, code, form
):
    response = page_as(client, world, who)
    assert response.status_code == code
    assert ('name="people_situation"' in response.content.decode()) is form
    assert not UnitReport.objects.exists()


def test_unknown_units_and_quarters_are_not_found(client, world):
    client.force_login(world["users"]["reporter"])
    assert client.get(reverse("reports:report", args=["nope", "2024-q2"])).status_code == 404
    assert client.get(reverse("reports:report", args=["bdv", "2031-q1"])).status_code == 404
    # Addresses typed by hand that no quarter can have.
    assert client.get("/reports/bdv/2024-q9/").status_code == 404
    assert client.get("/reports/bdv/banana/").status_code == 404


# --- Saving -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["reporter", "head", "admin"])
def test_the_unit_and_admin_save_a_draft(client, world, who):
    report = make_report(world)
    login(client, world, who)
    response = client.post(page_url(world), f.report_form_data(report, results="Mới."))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.results == "Mới."
    assert report.history.first().history_user == world["users"][who]


def test_the_first_save_starts_the_report(client, world):
    client.force_login(world["users"]["reporter"])
    response = client.post(page_url(world), f.report_form_data(results="Bắt đầu."))
    assert response.status_code == 302
    report = UnitReport.objects.get()
    assert (report.unit, report.status, report.results) == (
        world["unit"],
        ReportStatus.DRAFT,
        "Bắt đầu.",
    )


@pytest.mark.parametrize(("who", "code"), [("other_reporter", 404), ("reviewer", 404)])
def test_outsiders_cannot_save_a_draft(client, world, who, code):
    report = make_report(world)
    login(client, world, who)
    assert client.post(page_url(world), f.report_form_data(report, results="X")).status_code == code
    report.refresh_from_db()
    assert report.results == f.REPORT_SECTIONS["results"]


@pytest.mark.parametrize(
    ("who", "status"),
    # Who writes the unit's reports is told it was submitted meanwhile (a page opened
    # before): a conflict, not a matter of rights; the others are refused.
    [("reporter", 409), ("head", 409), ("reviewer", 403), ("leader", 403), ("admin", 409)],
)
def test_nobody_edits_a_submitted_report(client, world, who, status):
    report = make_report(world, ReportStatus.SUBMITTED)
    login(client, world, who)
    response = client.post(page_url(world), f.report_form_data(report, results="X"))
    assert response.status_code == status
    report.refresh_from_db()
    assert report.results == f.REPORT_SECTIONS["results"]


def test_anonymous_posts_change_nothing(client, world):
    report = make_report(world)
    response = client.post(page_url(world), f.report_form_data(report, results="X"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.results == f.REPORT_SECTIONS["results"]


def test_posting_fields_the_form_does_not_offer_changes_nothing(client, world):
    report = make_report(world)
    client.force_login(world["users"]["reporter"])
    data = f.report_form_data(
        report,
        results="Đã sửa.",
        status=ReportStatus.ACCEPTED,
        unit=world["other"].pk,
        quarter=999,
        first_submitted_at="2020-01-01",
        review_comment="tự duyệt",
        submitted_by=world["users"]["head"].pk,
    )
    client.post(page_url(world), data)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.unit == world["unit"]
    assert report.first_submitted_at is None
    assert report.review_comment == ""
    assert report.results == "Đã sửa."
    assert report.version == 2  # one save, not a forged version


def test_a_reporter_pressing_submit_only_saves(client, world):
    report = make_report(world)
    client.force_login(world["users"]["reporter"])
    client.post(page_url(world), f.report_form_data(report, action="submit"))
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_the_head_saves_and_submits_in_one_step(client, world):
    report = make_report(world)
    client.force_login(world["users"]["head"])
    client.post(page_url(world), f.report_form_data(report, results="Bản cuối.", action="submit"))
    report.refresh_from_db()
    assert (report.status, report.results) == (ReportStatus.SUBMITTED, "Bản cuối.")


# --- Transitions ------------------------------------------------------------------------


def post_action(client, world, who, action, report, **data):
    login(client, world, who)
    return client.post(reverse(f"reports:{action}", args=[report.pk]), data)


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("head", 302),
        ("reporter", 403),
        ("admin", 403),
        ("reviewer", 404),
        ("leader", 404),
        ("other_head", 404),
        ("anonymous", 302),
    ],
)
def test_only_the_head_submits(client, world, who, code):
    report = make_report(world)
    response = post_action(client, world, who, "submit", report, version=report.version)
    assert response.status_code == code
    report.refresh_from_db()
    assert (report.status == ReportStatus.SUBMITTED) is (who == "head")


def test_submitting_a_stale_version_is_refused(client, world):
    report = make_report(world)
    post_action(client, world, "head", "submit", report, version=report.version - 1)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_submitting_an_incomplete_report_says_what_is_missing(client, world):
    report = make_report(world)
    UnitReport.objects.filter(pk=report.pk).update(next_plan="")
    response = post_action(client, world, "head", "submit", report, version=report.version)
    page = client.get(response.url).content.decode()
    assert (
        "Tasks for the next quarter" in page or "next quarter" in page.lower() or "quý tới" in page
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("reviewer", 302),
        ("leader", 403),
        ("admin", 403),
        ("head", 403),
        ("reporter", 403),
        ("other_head", 404),
        ("anonymous", 302),
    ],
)
@pytest.mark.parametrize("action", ["accept", "return"])
def test_only_reviewers_accept_or_return(client, world, who, code, action):
    report = make_report(world, ReportStatus.SUBMITTED)
    response = post_action(client, world, who, action, report, comment="Bổ sung.")
    assert response.status_code == code
    report.refresh_from_db()
    changed = report.status != ReportStatus.SUBMITTED
    assert changed is (who == "reviewer")


def test_a_reviewer_cannot_see_or_act_on_a_draft(client, world):
    report = make_report(world)
    for action in ("accept", "return", "reopen", "submit"):
        assert (
            post_action(client, world, "reviewer", action, report, comment="x").status_code == 404
        )


def test_returning_without_a_comment_is_refused_with_a_message(client, world):
    report = make_report(world, ReportStatus.SUBMITTED)
    response = post_action(client, world, "reviewer", "return", report, comment="  ")
    assert response.status_code == 400
    assert 'id="comment-errors"' in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_the_returned_comment_is_shown_at_the_top_for_the_unit(client, world):
    make_report(world, ReportStatus.RETURNED)
    client.force_login(world["users"]["reporter"])
    body = client.get(page_url(world)).content.decode()
    assert "Sửa lại." in body
    assert body.index("Sửa lại.") < body.index('name="people_situation"')


@pytest.mark.parametrize(
    ("who", "code"),
    [("reviewer", 302), ("leader", 403), ("admin", 403), ("head", 403), ("other_head", 404)],
)
def test_only_reviewers_reopen_an_accepted_report_with_a_reason(client, world, who, code):
    report = make_report(world, ReportStatus.ACCEPTED)
    response = post_action(client, world, who, "reopen", report, reason="Sai số liệu.")
    assert response.status_code == code
    report.refresh_from_db()
    assert (report.status == ReportStatus.RETURNED) is (who == "reviewer")


def test_reopening_without_a_reason_is_refused(client, world):
    report = make_report(world, ReportStatus.ACCEPTED)
    response = post_action(client, world, "reviewer", "reopen", report, reason="")
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED


@pytest.mark.parametrize("action", ["submit", "return", "accept", "reopen"])
def test_action_urls_refuse_get(client, world, action):
    report = make_report(world, ReportStatus.SUBMITTED)
    client.force_login(world["users"]["reviewer"])
    assert client.get(reverse(f"reports:{action}", args=[report.pk])).status_code == 405


def test_a_closed_quarter_refuses_changes_on_every_page(client, world):
    report = make_report(world, ReportStatus.SUBMITTED)
    world["quarter"].closed = True
    world["quarter"].save()
    for action, data in [("accept", {}), ("return", {"comment": "x"})]:
        response = post_action(client, world, "reviewer", action, report, **data)
        assert response.status_code == 302  # with a message, not a bare 403
        shown = [m.message for m in get_messages(response.wsgi_request)]
        assert shown[-1] == "Quý đã khóa sổ: không thể sửa báo cáo của quý này nữa."
    client.force_login(world["users"]["head"])
    page = client.get(page_url(world))
    assert page.status_code == 200
    assert 'name="people_situation"' not in page.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_closed_quarter_offers_no_form_for_a_report_never_started(client, world):
    world["quarter"].closed = True
    world["quarter"].save()
    client.force_login(world["users"]["reporter"])
    body = client.get(page_url(world)).content.decode()
    assert 'name="people_situation"' not in body
    posted = client.post(page_url(world), f.report_form_data())
    assert posted.status_code == 409  # a page opened before the quarter closed: told so
    assert "Quý đã khóa sổ" in posted.content.decode()
    assert not UnitReport.objects.exists()


# --- Lists --------------------------------------------------------------------------------


def test_the_list_shows_each_user_only_what_they_may_open(client, world):
    draft = make_report(world)
    other_quarter = f.QuarterFactory(year=2024, number=1)
    filed = f.UnitReportFactory(unit=world["other"], quarter=other_quarter)
    services.report_submit(
        report=filed, user=world["users"]["other_head"], expected_version=filed.version
    )
    expectations = {
        "reporter": ({draft.unit_name}, {filed.unit_name}),
        "reviewer": ({filed.unit_name}, {draft.unit_name}),
        "leader": ({filed.unit_name}, {draft.unit_name}),
        "admin": ({filed.unit_name, draft.unit_name}, set()),
        "other_reporter": ({filed.unit_name}, {draft.unit_name}),
    }
    for who, (shown, hidden) in expectations.items():
        client.force_login(world["users"][who])
        body = client.get(reverse("reports:list")).content.decode()
        assert all(name in body for name in shown), who
        assert not any(name in body for name in hidden), who


@pytest.mark.parametrize(
    ("who", "code"),
    [("reviewer", 200), ("leader", 200), ("admin", 200), ("reporter", 403), ("head", 403)],
)
def test_the_queue_is_for_reviewers_leadership_and_admin(client, world, who, code):
    login(client, world, who)
    url = reverse("reports:queue_quarter", args=[world["quarter"].slug])
    assert client.get(url).status_code == code


def test_the_queue_sends_anonymous_users_to_sign_in(client, world):
    assert client.get(reverse("reports:queue")).status_code == 302
    assert reverse("login") in client.get(reverse("reports:queue")).url


def test_the_queue_without_a_quarter_opens_the_current_one(client, world):
    client.force_login(world["users"]["reviewer"])
    response = client.get(reverse("reports:queue"))
    assert response.url == reverse("reports:queue_quarter", args=["2024-q2"])
