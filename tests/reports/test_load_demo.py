"""``manage.py load_demo`` rebuilds the seed briefing of 14/03/2024, labels its
sample data, and a second run changes nothing. (The quarters after it, to today's, and
the 2025 reorganisation: tests/reports/test_demo_through_today.py.)"""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from directives.models import (
    Assignment,
    AssignmentRole,
    ClaimedStatus,
    DeadlineChange,
    DeadlineChangeStatus,
    Directive,
    Meeting,
    ProgressUpdate,
    Recommendation,
    ReviewStatus,
)
from reports.models import Indicator, IndicatorValue, Quarter, ReportStatus, Unit, UnitReport
from sampledata.demo import SAMPLE
from tests.factories import QuarterFactory, UnitFactory, UserFactory
from tests.reports.conftest import PROVINCIAL_BODIES

pytestmark = pytest.mark.django_db


FRONT_AND_ORGS = {"mttq", "hlhpn", "tinhdoan", "hnd", "hccb", "ldld"}
MASS_ORGS = FRONT_AND_ORGS - {"mttq"}
LEADS = {
    1: {"bdv"},
    2: {"bdv", "mttq"},
    3: {"bdv"},
    4: {"congan", "bdv"},
    5: FRONT_AND_ORGS,
    6: MASS_ORGS,
    7: {"bdv"},
    8: MASS_ORGS,
    9: MASS_ORGS,
    10: FRONT_AND_ORGS,
    11: FRONT_AND_ORGS,
    12: {"bcsd-ubnd", "dd-hdnd"},
    13: {"bcsd-ubnd"},
    14: {"bchqs", "congan", "bdbp"},
    15: {"bdv"},
    16: {"tu-halong", "tu-uongbi", "bcsd-ubnd", "dd-hdnd"},  # the cities' wards since 2025
    17: FRONT_AND_ORGS,
    18: MASS_ORGS | {"bcsd-ubnd"},
    19: FRONT_AND_ORGS,
    20: {"bcsd-ubnd"},
}


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def seed_directives():
    return Directive.objects.filter(meeting__held_at__date=datetime.date(2024, 3, 14))


def as_in_the_article(unit: Unit) -> str:
    """The unit the article names: a ward's city before the 2025 reorganisation."""
    link = unit.predecessor_links.first()
    return link.predecessor.code if link else unit.code


def row_counts() -> dict[str, int]:
    """Rows of every table, history and auth included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


class TestTheSeedBriefing:
    """Read-only checks of one load (the demo is loaded once for them)."""

    def test_it_records_the_briefing_of_14_march_2024_as_the_article_tells_it(self, demo_loaded):
        meeting = Meeting.objects.get(quarter__year=2024, quarter__number=1)
        assert timezone.localtime(meeting.held_at).replace(tzinfo=None) == datetime.datetime(
            2024, 3, 14, 14, 0
        )
        assert (meeting.quarter.year, meeting.quarter.number) == (2024, 1)
        assert meeting.chair_name == "Nguyễn Xuân Ký"
        assert (
            meeting.chair_positions == "Ủy viên Trung ương Đảng, Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh"
        )
        basis = meeting.basis.splitlines()
        assert len(basis) == 3
        assert basis[0] == "Quyết định số 461-QĐ/TU ngày 14/12/2021 của Ban Thường vụ Tỉnh ủy"
        assert "Nghị quyết số 20-NQ/TU ngày 27/11/2023" in basis[2]
        assert meeting.venue == ""
        assert set(meeting.attending_units.values_list("code", flat=True)) == PROVINCIAL_BODIES
        # Three shortcomings; the article's fourth sentence is the chair's conclusion.
        assert len(meeting.shortcomings.splitlines()) == 3
        assert meeting.shortcomings.splitlines()[-1].endswith("có mặt còn hạn chế")
        assert meeting.assessment.startswith(
            "Ghi nhận, đánh giá cao hoạt động của Ban Dân vận Tỉnh ủy"
        )

    def test_the_directives_read_as_a_notice_with_the_articles_typos_corrected(self, demo_loaded):
        """Issue 15: the article's words, without its reporter's third person ("Đồng chí
        nhấn mạnh…") and its typos, in the directives a notice lists."""
        texts = " ".join(
            Directive.objects.filter(
                meeting__quarter__year=2024, meeting__quarter__number=1
            ).values_list("text", flat=True)
        )
        for wrong in (
            "Điện Biện Phủ",
            "dân dân vận",
            "tình nhân dân",
            "ATTT",
            "chính trị xã - hội",
            " tri thức",
            "Đồng chí nhấn mạnh",
            "đồng chí yêu cầu",
        ):
            assert wrong not in texts, wrong
        for right in ("Điện Biên Phủ", "“Dân vận khéo”", "tình hình nhân dân", "ANTT", "trí thức"):
            assert right in texts, right

    def test_each_units_seed_report_says_only_what_the_article_says_of_it(self, demo_loaded):
        """Issue 15: the commission's people's-situation paragraph was in all 12 reports,
        the Front's in each mass organisation's, the armed forces' in the police's. A
        text from the article is now in one unit's report; the rest is labelled sample."""
        seen: dict[str, list[str]] = {}
        reports = UnitReport.objects.filter(quarter__year=2024, quarter__number=1)
        for report in reports.select_related("unit"):
            for name in ("people_situation", "results"):
                text = getattr(report, name)
                if text and not text.startswith(SAMPLE):
                    seen.setdefault(text, []).append(report.unit.code)
        assert all(len(codes) == 1 for codes in seen.values()), seen
        owners = {codes[0] for codes in seen.values()}
        assert {"bdv", "mttq", "bchqs"} <= owners
        assert not owners & {"congan", "bdbp", "hnd", "hlhpn", "tinhdoan", "hccb", "ldld"}

    def test_what_the_demo_added_to_a_directive_is_labelled_as_sample(self, demo_loaded):
        """Issue 15: invented deadlines and units were shown unlabelled. A directive's
        text now ends with a sample line naming what the article does not give."""
        for directive in seed_directives():
            lines = directive.text.splitlines()
            added = [line for line in lines if line.startswith(SAMPLE)]
            if directive.due_date is not None:
                assert added and "thời hạn" in added[-1].lower(), directive.number
        unlabelled = [d.number for d in seed_directives() if SAMPLE not in d.text]
        assert 7 in unlabelled  # the article names the commission, and gives no date
        for number in (1, 2, 4, 15):  # the article names no unit
            assert "Đơn vị chủ trì, phối hợp" in seed_directives().get(number=number).text

    def test_the_seed_quarter_and_its_sample_neighbours_are_closed(self, demo_loaded):
        q1 = Quarter.objects.get(year=2024, number=1)
        assert q1.due_date == datetime.date(2024, 3, 10)
        assert q1.closed
        assert Quarter.objects.get(year=2024, number=2).closed
        assert Quarter.objects.filter(year=2023, closed=True).count() == 4

    def test_every_directive_has_the_lead_units_the_article_gives_it(self, demo_loaded):
        directives = seed_directives().order_by("number")
        assert [d.number for d in directives] == list(range(1, 21))
        leads = {number: set() for number in LEADS}
        for assignment in Assignment.objects.filter(
            directive__in=directives, role=AssignmentRole.LEAD
        ).select_related("directive", "unit"):
            leads[assignment.directive.number].add(as_in_the_article(assignment.unit))
        assert leads == LEADS
        ban_dan_van = directives.get(number=7)
        # The article: "Đồng chí Nguyễn Xuân Ký, Bí thư Tỉnh ủy, đề nghị Ban Dân vận Tỉnh ủy
        # nâng cao…"; the notice says it to the commission directly.
        assert ban_dan_van.text.startswith("Ban Dân vận Tỉnh ủy nâng cao chất lượng")
        assert ban_dan_van.target_indicator.code == "CASES_TO_BOARD"
        assert ban_dan_van.is_ongoing

    def test_only_the_finite_tasks_have_a_deadline_and_assignments_carry_it(self, demo_loaded):
        directives = seed_directives()
        due = dict(directives.filter(is_ongoing=False).values_list("number", "due_date"))
        assert set(due) == {4, 17, 18, 19, 20}
        assert due[17] == datetime.date(2024, 5, 7)
        moved = {change.assignment_id: change.new_date for change in DeadlineChange.objects.all()}
        for assignment in Assignment.objects.filter(directive__in=directives).select_related(
            "directive"
        ):
            # An approved change moved one unit's deadline; the directive keeps its own.
            expected = moved.get(assignment.pk, assignment.directive.due_date)
            assert assignment.due_date == expected

    def test_the_drug_free_target_is_4_to_5_districts_by_the_end_of_2024(self, demo_loaded):
        directive = seed_directives().get(target_min__isnull=False)
        article, added = directive.text.splitlines()
        assert article.endswith("Toàn tỉnh phấn đấu có 4-5 huyện không ma túy.")
        assert added.startswith(SAMPLE)  # the date and the units are the demo's
        assert directive.target_indicator.code == "DISTRICT_NODRUG"
        assert (directive.target_min, directive.target_max) == (Decimal(4), Decimal(5))
        assert directive.target_date == datetime.date(2024, 12, 31)
        baseline = IndicatorValue.objects.get(
            report__unit__code="bdv",
            report__quarter__year=2024,
            report__quarter__number=1,
            indicator__code="DISTRICT_NODRUG",
        )
        assert directive.target_baseline == baseline.value

    def test_it_records_the_three_recommendations_with_the_chairs_responses(self, demo_loaded):
        recommendations = list(
            Recommendation.objects.filter(meeting__quarter__year=2024).order_by("number")
        )
        assert len(recommendations) == 3
        assert "quỹ, tài sản" in recommendations[0].text
        assert recommendations[0].response.endswith("Ban Cán sự Đảng UBND tỉnh chỉ đạo rà soát.")
        assert "thành phố học tập toàn cầu" in recommendations[1].response
        assert "OCOP" in recommendations[2].text
        assert recommendations[2].response.startswith("Ban Cán sự Đảng UBND tỉnh rà soát")
        assert [list(r.directives.values_list("number", flat=True)) for r in recommendations] == [
            [18],
            [19],
            [20],
        ]
        assert all(r.raised_by is None for r in recommendations)

    def test_attending_units_have_accepted_q1_reports_and_the_city_committees_none(
        self, demo_loaded
    ):
        q1 = UnitReport.objects.filter(quarter__year=2024, quarter__number=1)
        assert set(q1.values_list("unit__code", flat=True)) == PROVINCIAL_BODIES
        assert set(q1.values_list("status", flat=True)) == {ReportStatus.ACCEPTED}
        assert not any(report.is_late for report in q1.select_related("quarter"))
        assert all(report.reviewed_by.username == "reviewer" for report in q1)
        bdv = q1.get(unit__code="bdv")
        assert "tập trung vào 4 nhóm nhiệm vụ trọng tâm" in bdv.results
        assert bdv.people_situation.startswith("Trong quý I/2024, tình hình nhân dân")
        # The armed forces' paragraph is the military command's; the police's is a sample.
        assert q1.get(unit__code="bchqs").results.startswith("Lực lượng vũ trang tiếp tục")
        assert q1.get(unit__code="congan").results.startswith(SAMPLE)

    def test_every_filed_report_has_its_submitted_version_and_review(self, demo_loaded):
        filed = UnitReport.objects.exclude(status=ReportStatus.DRAFT)
        assert filed.exists()
        for report in filed:
            # The latest: the one resubmitted report (Bãi Cháy) has its first one before it.
            version = report.versions.order_by("-number").first()
            resubmitted = report.unit.code == "du-baichay" and report.quarter.number == 4
            assert version.number == (2 if resubmitted and report.quarter.year == 2026 else 1)
            assert version.results == report.results
            assert version.values.count() == report.values.count()
            outcomes = list(version.review_events.values_list("outcome", flat=True))
            assert outcomes == ([] if report.status == ReportStatus.SUBMITTED else [report.status])

    def test_sample_data_is_labelled_as_such(self, demo_loaded):
        for report in UnitReport.objects.exclude(quarter__year=2024, quarter__number=1):
            assert report.people_situation.startswith("[Dữ liệu mẫu]")
            assert report.results.startswith("[Dữ liệu mẫu]")
        # Every note says so; one goes on to explain a figure the quality checks flag.
        notes = set(IndicatorValue.objects.values_list("note", flat=True))
        assert all(note.startswith("Dữ liệu mẫu") for note in notes)
        # Every report, the article's quarter included: its figures are the demo's.
        assert not UnitReport.objects.filter(sample=False).exists()
        assert all(
            update.description.startswith("[Dữ liệu mẫu]")
            for update in ProgressUpdate.objects.all()
        )

    def test_the_follow_up_of_quarter_ii_2024_was_settled(self, demo_loaded):
        q2 = ProgressUpdate.objects.filter(quarter__year=2024, quarter__number=2)
        done = q2.filter(review_status=ReviewStatus.CONFIRMED)
        assert set(done.values_list("assignment__unit__code", flat=True)) == {"mttq", "hlhpn"}
        for update in done.select_related("assignment"):
            # Completed on the day the work was finished, which the claim carries.
            assert update.finished_on is not None
            assert update.finished_on <= timezone.localdate(update.reported_at)
            assert update.assignment.completed_on == update.finished_on
        assert q2.filter(claimed_status=ClaimedStatus.BLOCKED).count() == 1
        change = DeadlineChange.objects.get(assignment__directive__number=20)
        assert change.status == DeadlineChangeStatus.APPROVED
        assert change.old_date < change.new_date == change.assignment.due_date

    def test_indicators_follow_the_catalogue(self, demo_loaded):
        assert Indicator.objects.count() == 27
        percent = Indicator.objects.get(code="TTHC_ONTIME")
        assert (percent.aggregation, percent.accumulation, percent.max_value) == (
            "mean",
            "stock",
            Decimal(100),
        )
        assert Indicator.objects.get(code="DVK_REG").unit_kinds == []
        assert Indicator.objects.get(code="GS_SESS").unit_kinds == ["front", "mass_org"]

    def test_demo_accounts_log_in_with_the_default_password_and_hold_their_roles(self, demo_loaded):
        usernames = {account.username for account in demo_loaded}
        for username in ("admin", "reviewer", "leader", "bdv-reporter", "congan-head"):
            assert authenticate(username=username, password="danvan2024") is not None
            assert username in usernames
        assert User.objects.get(username="admin").is_superuser
        for username, role in (("reviewer", "reviewer"), ("leader", "leadership")):
            held = User.objects.get(username=username).memberships.get()
            assert (held.unit.code, held.role) == ("tu", role)
        head = User.objects.get(username="bdv-head").memberships.get()
        assert (head.unit.code, head.role) == ("bdv", "head")
        reporting = Unit.objects.filter(submits_reports=True).count()
        assert (
            User.objects.filter(memberships__isnull=False).distinct().count() == 2 * reporting + 2
        )

    def test_every_demo_unit_is_under_the_provinces_party_committee(self, demo_loaded):
        """So that the reviewer and the leader, whose roles are held on it, see them all
        (the mass organisations under the Front since 2025, the wards under the province)."""
        assert list(Unit.objects.filter(parent__isnull=True).values_list("code", flat=True)) == [
            "tu"
        ]
        province = Unit.objects.get(code="tu")
        assert Unit.objects.subtree_ids([province.pk]) == set(
            Unit.objects.values_list("pk", flat=True)
        )


def test_the_password_option_sets_the_password_of_the_accounts():
    out = load_demo("--password", "khac-2024")

    assert "khac-2024" in out
    assert authenticate(username="mttq-head", password="khac-2024") is not None
    assert authenticate(username="mttq-head", password="danvan2024") is None


def test_running_it_twice_changes_nothing():
    load_demo()
    before = row_counts()
    passwords = dict(User.objects.values_list("username", "password"))

    out = load_demo("--password", "something-else")

    assert row_counts() == before
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert "giữ nguyên mật khẩu cũ" in out


def test_it_adds_the_demo_beside_existing_data_without_touching_it():
    unit = UnitFactory(code="so-noi-vu", name="Sở Nội vụ")
    quarter = QuarterFactory(year=2030, number=1, due_date=datetime.date(2030, 3, 10))
    user = UserFactory(username="someone", first_name="Người dùng")
    unit_history = unit.history.count()

    load_demo()

    unit.refresh_from_db()
    quarter.refresh_from_db()
    user.refresh_from_db()
    assert (unit.code, unit.name, unit.display_order) == ("so-noi-vu", "Sở Nội vụ", 0)
    assert unit.history.count() == unit_history
    assert (quarter.due_date, quarter.closed) == (datetime.date(2030, 3, 10), False)
    assert user.first_name == "Người dùng"
    assert not user.memberships.exists()
    assert Meeting.objects.count() == 2  # the seed's briefing and the previous quarter's
    # The demo's 15 units, the four wards of 2025, Sở Nội vụ and its test province.
    assert Unit.objects.count() == 21
