"""The demo reaches today through the real events (issue 14, item 6): labelled sample
quarters run to the quarter holding today, the 2025 reorganisation is carried out by the
reorganisation operation itself, and leadership signing in sees current work."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from directives import selectors
from directives.models import (
    Assignment,
    AssignmentRole,
    ClaimedStatus,
    DeadlineChange,
    DeadlineChangeStatus,
    Directive,
    Meeting,
    ProgressUpdate,
    ReviewStatus,
)
from reports.models import (
    DocumentIssuer,
    IndicatorValue,
    Quarter,
    Reorganisation,
    ReorganisationKind,
    ReportEvent,
    ReportStatus,
    Unit,
    UnitLevel,
    UnitLink,
    UnitReport,
)
from sampledata.demo import demo_load
from structure.models import Handover, HandoverItem
from tests.downloads import docx_of
from tests.reports.conftest import DEMO_TODAY, PROVINCIAL_BODIES

pytestmark = pytest.mark.django_db

SAMPLE = "[Dữ liệu mẫu]"
SHARES = {"du-hongai": Decimal("0.4"), "du-baichay": Decimal("0.35"), "du-halong": Decimal("0.25")}
WARDS = {*SHARES, "du-uongbi"}
CITIES = {"tu-halong", "tu-uongbi"}
RENAMED_ON = datetime.date(2025, 3, 1)
REORGANISED_ON = datetime.date(2025, 7, 1)


def quarter(year: int, number: int) -> Quarter:
    return Quarter.objects.get(year=year, number=number)


def codes(units) -> set[str]:
    return set(units.values_list("code", flat=True))


def seed_directive(number: int) -> Directive:
    return Directive.objects.get(meeting__quarter__year=2024, number=number)


def docx_text(response) -> str:
    return "\n".join(paragraph.text for paragraph in docx_of(response).paragraphs)


class TestThroughToday:
    """Read-only checks of one load, as of ``DEMO_TODAY`` (29/11/2026, Quý IV/2026)."""

    def test_the_sample_quarters_run_to_the_quarter_holding_today(self, demo_loaded):
        current = Quarter.objects.current()
        assert (current.year, current.number) == (2026, 4)
        assert current.start_date <= DEMO_TODAY <= current.end_date
        # Every quarter before the previous one is closed; the previous and this one open.
        open_ = Quarter.objects.filter(closed=False).order_by("year", "number")
        assert [(q.year, q.number) for q in open_] == [(2026, 3), (2026, 4)]
        later = Quarter.objects.filter(year__gte=2024).exclude(year=2024, number__lte=2)
        assert later.count() == 10  # Quý III/2024 … Quý IV/2026
        for q in later:
            assert q.due_date == datetime.date(q.year, q.number * 3, 10)

    def test_every_unit_owing_a_past_quarter_filed_it_a_few_late(self, demo_loaded):
        late = filed = 0
        for q in Quarter.objects.filter(closed=True, year__gte=2024).exclude(number=1, year=2024):
            reports = UnitReport.objects.filter(quarter=q).select_related("quarter")
            assert codes(Unit.objects.owing_report_for(q)) == set(
                reports.values_list("unit__code", flat=True)
            )
            assert set(reports.values_list("status", flat=True)) == {ReportStatus.ACCEPTED}
            late += sum(report.is_late for report in reports)
            filed += len(reports)
        assert 0 < late < filed / 10

    def test_the_current_quarter_is_under_way(self, demo_loaded):
        current = Quarter.objects.current()
        reports = UnitReport.objects.filter(quarter=current)
        statuses = list(reports.values_list("status", flat=True))
        assert statuses.count(ReportStatus.SUBMITTED) >= 1
        assert statuses.count(ReportStatus.DRAFT) >= 2
        assert ReportStatus.ACCEPTED not in statuses
        not_started = codes(Unit.objects.owing_report_for(current)) - set(
            reports.values_list("unit__code", flat=True)
        )
        assert "hnd" in not_started
        assert {"du-hongai", "du-baichay"} <= set(reports.values_list("unit__code", flat=True))
        # Nothing is dated after today.
        for report in reports:
            assert timezone.localdate(report.created_at) <= DEMO_TODAY

    def test_every_reports_history_tells_its_events_in_the_order_they_happened(self, demo_loaded):
        """Started by the unit, then sent, then accepted (or returned and sent again, as
        its submitted versions and their reviews say): never started after it was sent."""
        history: dict[int, list] = {}
        for row in UnitReport.history.order_by("history_date", "history_id"):
            history.setdefault(row.id, []).append(row)
        reports = UnitReport.objects.prefetch_related("versions__review_events")
        for report in reports:
            rows = history[report.pk]
            expected = [(ReportEvent.CREATED, report.created_at)]
            for version in sorted(report.versions.all(), key=lambda version: version.number):
                expected.append((ReportEvent.SUBMITTED, version.submitted_at))
                expected += [(event.outcome, event.at) for event in version.review_events.all()]
            if report.first_submitted_at is not None:
                assert expected[1] == (ReportEvent.SUBMITTED, report.first_submitted_at)
            if report.status == ReportStatus.ACCEPTED:
                assert expected[-1] == (ReportEvent.ACCEPTED, report.reviewed_at)
            assert [(row.event, row.history_date) for row in rows] == expected, report
            assert rows[-1].status == report.status
            assert rows[0].status == ReportStatus.DRAFT

    def test_bai_chay_was_returned_once_and_sent_again(self, demo_loaded):
        """The demo's resubmission (issue 16): what the reviewer returned, and what the
        ward changed, counted as the services count it."""
        report = UnitReport.objects.get(unit__code="du-baichay", quarter=quarter(2026, 4))
        first, second = report.versions.order_by("number")
        assert report.status == ReportStatus.SUBMITTED
        assert first.submitted_at == report.first_submitted_at < second.submitted_at
        assert second.submitted_at == report.submitted_at
        returned = first.review_events.get()
        assert returned.outcome == "returned"
        assert first.submitted_at < returned.at < second.submitted_at
        assert (second.sections_changed, second.values_changed) == (1, 3)
        # One figure far above the ward's usual, flagged and explained.
        flagged = second.values.exclude(flags="")
        assert [value.indicator_code for value in flagged] == ["TT_SESS"]
        assert "HĐND phường" in flagged.get().note
        assert second.flagged_values == 1
        # The list it attached while the report was back with it went with the second.
        assert [annex.name for annex in second.annexes.all()] == ["Danh sách vụ việc phức tạp.pdf"]
        assert not first.annexes.exists()
        assert first.review_events.get().at < second.annexes.get().added_at < second.submitted_at
        assert timezone.localdate(second.submitted_at) <= DEMO_TODAY

    def test_the_units_owing_a_quarter_are_those_of_its_time(self, demo_loaded):
        assert codes(Unit.objects.owing_report_for(Quarter.objects.current())) == (
            PROVINCIAL_BODIES | WARDS
        )
        assert codes(Unit.objects.owing_report_for(quarter(2025, 2))) == PROVINCIAL_BODIES | CITIES
        assert codes(Unit.objects.owing_report_for(quarter(2025, 3))) == PROVINCIAL_BODIES | WARDS

    def test_the_commission_was_renamed_by_the_operation_from_1_march_2025(self, demo_loaded):
        renaming = Reorganisation.objects.get(kind=ReorganisationKind.RENAME)
        assert renaming.effective_on == RENAMED_ON
        assert renaming.decision_number.startswith(SAMPLE)  # the real number is not known
        commission = Unit.objects.get(code="bdv")
        assert (commission.name, commission.short_name) == (
            "Ban Tuyên giáo và Dân vận Tỉnh ủy",
            "Ban Tuyên giáo và Dân vận",
        )
        former = commission.former_names.get()
        assert (former.name, former.used_until, former.reorganisation) == (
            "Ban Dân vận Tỉnh ủy",
            datetime.date(2025, 2, 28),
            renaming,
        )
        assert commission.name_on(datetime.date(2025, 2, 28)) == "Ban Dân vận Tỉnh ủy"
        assert commission.name_on(RENAMED_ON) == "Ban Tuyên giáo và Dân vận Tỉnh ủy"

    def test_documents_dated_before_the_renaming_carry_the_old_name(self, demo_loaded, client):
        client.force_login(User.objects.get(username="leader"))

        before = docx_text(client.get(reverse("quarters:report_docx", args=["2024-q4"])))
        after = docx_text(client.get(reverse("quarters:report_docx", args=["2025-q1"])))

        assert "Ban Dân vận Tỉnh ủy" in before
        assert "Ban Tuyên giáo và Dân vận Tỉnh ủy" not in before
        assert "Ban Tuyên giáo và Dân vận Tỉnh ủy" in after

    def test_the_cities_ended_on_30_june_2025_with_ward_successors(self, demo_loaded):
        split = Reorganisation.objects.get(kind=ReorganisationKind.SPLIT)
        # Uông Bí's committee handed its work to its ward: a merger, as its summary says,
        # not a dissolution (which ends a unit with no successor).
        merger = Reorganisation.objects.get(kind=ReorganisationKind.MERGE)
        assert merger.summary == (
            "Thành ủy Uông Bí sáp nhập vào Đảng ủy phường Uông Bí [Dữ liệu mẫu]"
        )
        assert not Reorganisation.objects.filter(kind=ReorganisationKind.DISSOLVE).exists()
        for reorganisation in (split, merger):
            assert reorganisation.effective_on == REORGANISED_ON
            assert reorganisation.decision_number.startswith(SAMPLE)
        shares = {link.successor.code: link.share for link in split.links.all()}
        assert shares == SHARES
        assert [
            (link.predecessor.code, link.successor.code, link.share) for link in merger.links.all()
        ] == [("tu-uongbi", "du-uongbi", 1)]
        for city, successor in (("tu-halong", "du-hongai"), ("tu-uongbi", "du-uongbi")):
            unit = Unit.objects.get(code=city)
            assert unit.valid_to == datetime.date(2025, 6, 30)
            assert unit.successor.code == successor
        for ward in Unit.objects.filter(code__in=WARDS):
            assert ward.valid_from == REORGANISED_ON
            assert (ward.level, ward.parent.code) == (UnitLevel.COMMUNE, "tu")
            # Not verified: the wards' names say they are sample wherever they are shown.
            assert SAMPLE in ward.name
            assert SAMPLE in ward.short_name

    def test_the_mass_organisations_moved_under_the_front(self, demo_loaded):
        moves = Reorganisation.objects.filter(kind=ReorganisationKind.MOVE)
        assert moves.count() == 5
        assert {move.effective_on for move in moves} == {REORGANISED_ON}
        assert codes(Unit.objects.filter(parent__code="mttq")) == {
            "hlhpn",
            "tinhdoan",
            "hnd",
            "hccb",
            "ldld",
        }

    def test_open_assignments_followed_their_units_and_none_is_left_open(self, demo_loaded):
        ended = Unit.objects.filter(valid_to__isnull=False)
        assert codes(ended) == CITIES
        assert not Assignment.objects.filter(unit__in=ended, completed_on__isnull=True).exists()
        handed = Handover.objects.filter(
            item__in=[HandoverItem.ASSIGNMENT, HandoverItem.ASSIGNMENT_COPIED]
        ).select_related("from_unit", "to_unit")
        assert {h.from_unit.code for h in handed} == CITIES
        for handover in handed:
            assignment = Assignment.objects.get(pk=handover.object_id)
            assert assignment.unit == handover.to_unit
            assert assignment.unit.code in WARDS
        # Where a city led (directive 16), each of its wards leads its own part.
        leads = Assignment.objects.filter(directive=seed_directive(16), role=AssignmentRole.LEAD)
        assert codes(Unit.objects.filter(assignments__in=leads)) >= WARDS
        # What the cities had finished stays with them, as done.
        assert Assignment.objects.filter(unit__in=ended, completed_on__isnull=False).exists()

    def test_a_wards_reporter_sees_the_work_handed_over(self, demo_loaded, client):
        client.force_login(User.objects.get(username="du-hongai-reporter"))

        mine = client.get(reverse("directives:my_work"))
        home = client.get("/")

        assert mine.status_code == home.status_code == 200
        for number in (3, 15, 16):
            assert seed_directive(number).title in mine.content.decode()
        assert "Đảng ủy phường Hồng Gai" in home.content.decode()

    def test_a_wards_earlier_quarters_include_its_share_of_the_city(self, demo_loaded, client):
        client.force_login(User.objects.get(username="du-hongai-reporter"))

        page = client.get(reverse("quarters:detail", args=["2025-q3"])).content.decode()

        assert "data-lineage" in page
        assert "Thành ủy Hạ Long (40%)" in page
        # Its figures carry on its share of the city's, with no jump at the change.
        ward = IndicatorValue.objects.get(
            report__unit__code="du-hongai",
            report__quarter=quarter(2025, 3),
            indicator__code="TT_SESS",
        ).value
        city = IndicatorValue.objects.get(
            report__unit__code="tu-halong",
            report__quarter=quarter(2025, 2),
            indicator__code="TT_SESS",
        ).value
        assert city * Decimal("0.2") < ward < city * Decimal("0.8")

    def test_most_2024_directives_are_done_and_the_rest_go_on_every_quarter(self, demo_loaded):
        seed = Directive.objects.filter(meeting__quarter__year=2024)
        open_numbers = set(
            seed.filter(assignments__completed_on__isnull=True).values_list("number", flat=True)
        )
        assert open_numbers == {2, 3, 5, 7, 15, 16}
        later = Quarter.objects.exclude(year__lt=2024).exclude(year=2024, number__lte=2)
        for assignment in Assignment.objects.filter(
            directive__number__in=open_numbers, directive__in=seed
        ).select_related("unit"):
            posted = set(assignment.updates.values_list("quarter_id", flat=True))
            # Every past quarter in which the unit carried the part has its update
            # (a ward's include those its city posted before the handover).
            owed = {
                q.pk for q in later.filter(closed=True) if assignment.unit.is_active_on(q.end_date)
            }
            assert owed <= posted, assignment

    def test_leadership_sees_current_work_not_2024_overdue(self, demo_loaded, client):
        leader = User.objects.get(username="leader")
        current = Quarter.objects.current()

        summary = selectors.dashboard_summary(leader, quarter=current, today=DEMO_TODAY)
        client.force_login(leader)
        home = client.get("/").content.decode()

        directives = summary["directives"]
        assert directives["overdue"] == 0
        assert directives["done"] >= 14
        assert directives["ongoing_current"] > directives["ongoing_stale"]
        assert directives["in_progress"] >= 1
        assert current.label in home

    def test_the_previous_quarters_briefing_brings_current_work(self, demo_loaded):
        meeting = Meeting.objects.get(quarter=quarter(2026, 3))
        assert meeting.title.startswith(SAMPLE)
        assert meeting.held_on == datetime.date(2026, 9, 15)
        directives = meeting.directives.all()
        assert directives.count() >= 3
        for directive in directives:
            assert directive.title.startswith(SAMPLE)
            assert directive.is_ongoing or directive.due_date >= DEMO_TODAY
        assigned = codes(Unit.objects.filter(assignments__directive__in=directives))
        assert assigned >= WARDS
        assert not assigned & CITIES
        this_quarter = ProgressUpdate.objects.filter(
            quarter=Quarter.objects.current(), assignment__directive__in=directives
        )
        assert this_quarter.filter(claimed_status=ClaimedStatus.IN_PROGRESS).exists()
        claim = ProgressUpdate.objects.get(review_status=ReviewStatus.PENDING)
        assert claim.assignment.directive.meeting == meeting
        request = DeadlineChange.objects.get(status=DeadlineChangeStatus.PENDING)
        assert request.assignment.unit.code in WARDS
        assert request.old_date == request.assignment.due_date < request.new_date

    def test_the_pack_of_a_meeting_after_the_reorganisation_lists_the_wards(self, demo_loaded):
        """The pack of 15/09/2026 showed the tasks the cities had, open, under the cities
        ended on 30/06/2025: the demo recorded their handover on the day it was loaded,
        after the meeting, and the pack shows each task under its unit of the day."""
        meeting = Meeting.objects.get(quarter=quarter(2026, 3))
        reviewer = User.objects.get(username="reviewer")
        pack = selectors.briefing_pack(
            meeting, reviewer, quarter=Quarter.objects.current(), today=DEMO_TODAY
        )
        listed = {row["unit"].code for row in pack["directive_rows"]}
        assert listed >= WARDS
        assert not listed & CITIES
        first = selectors.briefing_pack(
            Meeting.objects.get(quarter=quarter(2024, 1)),
            reviewer,
            quarter=Quarter.objects.current(),
        )
        assert {row["unit"].code for row in first["directive_rows"]} >= CITIES  # before it

    def test_every_reporting_unit_heads_its_documents_under_its_own_organisation(self, demo_loaded):
        """Without issuer details a header put a unit under its parent in the tree: the
        Trade Union under the Front ("ỦY BAN MTTQ VIỆT NAM TỈNH"), a ward under "TỈNH ỦY
        QUẢNG NINH" where the Party's rules want the provincial Party organisation."""
        from reports.issuers import issuer_on

        day = datetime.date(2026, 9, 30)
        headers = {
            code: (issuer.superior, issuer.party)
            for code in ("hnd", "ldld", "tinhdoan", "congan", "du-hongai", "dd-hdnd")
            for issuer in [issuer_on(Unit.objects.get(code=code), day)]
        }
        assert headers == {
            "hnd": ("HỘI NÔNG DÂN TỈNH QUẢNG NINH", False),
            "ldld": ("TỔNG LĐLĐ VIỆT NAM", False),
            "tinhdoan": ("BCH ĐOÀN TỈNH QUẢNG NINH", False),
            "congan": ("BỘ CÔNG AN", False),
            "du-hongai": ("ĐẢNG BỘ TỈNH QUẢNG NINH", True),
            "dd-hdnd": ("ĐẢNG BỘ TỈNH QUẢNG NINH", True),
        }
        assert issuer_on(Unit.objects.get(code="tinhdoan"), day).motto == ("ĐOÀN TNCS HỒ CHÍ MINH",)
        for details in DocumentIssuer.objects.all():  # as the admin would save them
            details.full_clean()


def test_on_the_first_day_of_a_quarter_nothing_is_dated_after_today():
    today = datetime.date(2027, 1, 1)

    demo_load(today=today)

    current = Quarter.objects.current()
    assert (current.year, current.number) == (2027, 1)
    assert not quarter(2026, 4).closed
    assert quarter(2026, 3).closed
    for report in UnitReport.objects.all():
        assert timezone.localdate(report.created_at) <= today
        assert report.submitted_at is None or timezone.localdate(report.submitted_at) <= today
    for update in ProgressUpdate.objects.all():
        assert timezone.localdate(update.reported_at) <= today
    assert UnitLink.objects.count() == 4
