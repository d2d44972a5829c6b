"""generate_data: a national structure, marked, reproducible, complete synthetic data
that stays apart from the rest."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q, Sum

from common.text import search_text
from directives.models import (
    Assignment,
    AssignmentRole,
    ClaimedStatus,
    Confidentiality,
    DeadlineChange,
    Directive,
    Meeting,
    ProgressUpdate,
    ReviewStatus,
)
from reports import permissions
from reports.models import (
    ConsolidatedQuote,
    ConsolidatedReport,
    Indicator,
    IndicatorValue,
    Membership,
    MembershipRole,
    Reorganisation,
    ReorganisationKind,
    ReportStatus,
    Unit,
    UnitKind,
    UnitLevel,
    UnitLink,
    UnitReport,
)
from sampledata.synthetic import MARK, PROVINCE_BODIES, Plan, former_districts, generate
from structure.models import Handover, HandoverItem
from tests import factories as f

pytestmark = pytest.mark.django_db

# Two provinces of a few communes, over the reorganisation of 01/07/2025.
TINY = {
    "provinces": 2,
    "communes": 4,
    "quarters": 4,
    "indicators": 12,
    "directives": 6,
    "end": (2025, 4),
    "today": datetime.date(2025, 12, 20),
}
ENDED = datetime.date(2025, 6, 30)


def quiet(_line: str) -> None:
    pass


def fingerprint(prefix: str = "gen-") -> dict:
    """What the generated data says, by natural keys (ids differ between runs), for
    the units whose code starts with ``prefix``."""
    return {
        "units": sorted(
            Unit.objects.filter(code__startswith=prefix).values_list(
                "code", "name", "kind", "level", "parent__code", "valid_to", "successor__code"
            )
        ),
        "reports": sorted(
            UnitReport.objects.filter(unit__code__startswith=prefix)
            .annotate(total=Sum("values__value"))
            .values_list("unit__code", "quarter__year", "quarter__number", "status", "total")
        ),
        "assignments": sorted(
            Assignment.objects.filter(unit__code__startswith=prefix).values_list(
                "directive__meeting__title",
                "directive__number",
                "directive__title",
                "directive__due_date",
                "directive__confidentiality",
                "unit__code",
                "role",
                "due_date",
                "completed_on",
            )
        ),
        "updates": sorted(
            ProgressUpdate.objects.filter(assignment__unit__code__startswith=prefix).values_list(
                "assignment__unit__code",
                "assignment__directive__number",
                "quarter__number",
                "claimed_status",
                "percent",
                "review_status",
            )
        ),
    }


def test_the_national_structure_is_a_root_with_provinces_of_bodies_and_communes():
    generate(plan=Plan(**TINY), log=quiet)
    units = Unit.objects.filter(code__startswith="gen-")
    root = units.get(parent__isnull=True)
    assert not root.submits_reports
    provinces = units.filter(parent=root).order_by("code")
    assert [p.code for p in provinces] == ["gen-001", "gen-002"]
    for index, province in enumerate(provinces, start=1):
        assert not province.submits_reports
        children = province.children.all()
        assert children.filter(level=UnitLevel.PROVINCE).count() == len(PROVINCE_BODIES)
        assert children.filter(level=UnitLevel.DISTRICT).count() == former_districts(index)
        assert children.filter(level=UnitLevel.COMMUNE).count() == 4
    assert units.count() == 1 + 2 + 2 * (len(PROVINCE_BODIES) + 4) + 3 + 2
    assert not units.filter(parent__parent__parent__isnull=False).exists()  # three levels
    assert len(set(units.values_list("kind", flat=True))) == 6
    assert all(name.startswith(MARK) for name in units.values_list("name", flat=True))
    for unit in units:
        assert unit.search_text == search_text(unit.code, unit.name, unit.short_name)


def test_a_total_of_units_is_shared_by_the_provinces():
    generate(plan=Plan(units=100, provinces=3, quarters=1, indicators=2, directives=1), log=quiet)
    units = Unit.objects.filter(code__startswith="gen-")
    assert units.count() == 100
    assert units.filter(parent__code="gen-tw").count() == 3


def test_the_former_districts_were_merged_into_a_commune_by_the_reorganisation():
    generate(plan=Plan(**TINY), log=quiet)
    districts = Unit.objects.filter(code__startswith="gen-", level=UnitLevel.DISTRICT)
    assert districts.count() == former_districts(1) + former_districts(2)
    for province in ("gen-001", "gen-002"):
        record = Reorganisation.objects.distinct().get(links__predecessor__parent__code=province)
        assert record.kind == ReorganisationKind.MERGE
        assert record.effective_on == datetime.date(2025, 7, 1)
        successor = Unit.objects.distinct().get(
            code__startswith=province, predecessors__isnull=False
        )
        assert successor.level == UnitLevel.COMMUNE and successor.valid_to is None
        ended = districts.filter(parent__code=province)
        assert set(ended.values_list("valid_to", flat=True)) == {ENDED}
        assert set(ended.values_list("successor", flat=True)) == {successor.pk}
        assert UnitLink.objects.filter(reorganisation=record, successor=successor).count() == (
            ended.count()
        )
    # Nothing is left open on the units that ended: their open assignments (with their
    # updates and pending requests), their staff and no report after their last day.
    assert not Assignment.objects.filter(unit__in=districts, completed_on__isnull=True).exists()
    assert not Membership.objects.filter(unit__in=districts).exists()
    after = UnitReport.objects.filter(unit__in=districts, quarter__year=2025, quarter__number__gt=2)
    assert not after.exists()
    assert UnitReport.objects.filter(unit__in=districts, quarter__number=2).exists()
    handed = Handover.objects.filter(from_unit__in=districts)
    staff = Membership.objects.filter(
        pk__in=handed.filter(item=HandoverItem.MEMBERSHIP).values("object_id")
    )
    assert staff.filter(role=MembershipRole.HEAD).count() == districts.count()
    assert set(staff.values_list("unit", flat=True)) == set(
        districts.values_list("successor", flat=True)
    )
    moved = Assignment.objects.filter(
        pk__in=handed.filter(item=HandoverItem.ASSIGNMENT).values("object_id")
    )
    assert moved.exists()
    assert set(moved.values_list("unit", flat=True)) <= set(
        districts.values_list("successor", flat=True)
    )
    assert not DeadlineChange.objects.filter(
        assignment__unit__in=districts, status="pending"
    ).exists()


def test_generated_reports_are_in_every_status_with_values_of_their_kind_only():
    generate(plan=Plan(**TINY), log=quiet)
    reports = UnitReport.objects.filter(unit__code__startswith="gen-")
    assert set(reports.values_list("status", flat=True)) == set(ReportStatus.values)
    assert all(r.unit_name == r.unit.name for r in reports.select_related("unit"))
    assert not reports.filter(unit__submits_reports=False).exists()
    assert reports.filter(status=ReportStatus.DRAFT, first_submitted_at__isnull=False).count() == 0
    values = IndicatorValue.objects.filter(report__in=reports).select_related(
        "indicator", "report__unit"
    )
    assert values.count() > 100
    assert all(v.indicator.applies_to(v.report.unit.kind) for v in values)
    assert all(v.indicator.code.startswith("GEN_") for v in values)
    percent = Indicator.objects.filter(code__startswith="GEN_", measure="%")
    assert not IndicatorValue.objects.filter(indicator__in=percent, value__gt=100).exists()


def test_each_province_holds_its_meetings_and_assigns_its_own_units():
    generate(plan=Plan(**TINY), log=quiet)
    directives = Directive.objects.filter(meeting__title__startswith=MARK)
    assert directives.count() == 6 * 2 * 4
    for meeting in Meeting.objects.filter(title__startswith=MARK):
        province = meeting.title[-3:]
        assert meeting.attending_units.exists()
        assert meeting.search_text
        assert not Assignment.objects.filter(directive__meeting=meeting).exclude(
            unit__code__startswith=f"gen-{province}-"
        )
    assert directives.filter(confidentiality=Confidentiality.CONFIDENTIAL).exists()
    assert directives.filter(is_ongoing=True, due_date__isnull=True).exists()
    assert all(d.search_text == search_text(d.title, d.text) for d in directives)
    assignments = Assignment.objects.filter(directive__in=directives)
    assert assignments.filter(role=AssignmentRole.LEAD).exists()
    assert assignments.filter(completed_on__isnull=False).exists()
    updates = ProgressUpdate.objects.filter(assignment__in=assignments)
    assert updates.filter(claimed_status=ClaimedStatus.DONE).exists()
    assert updates.filter(review_status=ReviewStatus.CONFIRMED).exists()


def test_generated_accounts_are_a_head_per_unit_and_a_reviewer_and_leader_per_province():
    generate(plan=Plan(**TINY), log=quiet)
    reporting = Unit.objects.filter(code__startswith="gen-", submits_reports=True, valid_to=None)
    heads = Membership.objects.filter(unit__in=reporting, role=MembershipRole.HEAD)
    assert set(heads.values_list("unit", flat=True)) == set(reporting.values_list("id", flat=True))
    assert heads.first().user.check_password("danvan2024")
    for code, prefix in (("gen-tw", "gen"), ("gen-001", "gen-001"), ("gen-002", "gen-002")):
        unit = Unit.objects.get(code=code)
        for name, role in (("reviewer", "reviewer"), ("leader", "leadership")):
            held = Membership.objects.get(user__username=f"{prefix}-{name}")
            assert (held.unit, held.role) == (unit, role)


def test_a_province_reviewer_and_leader_see_exactly_their_province():
    generate(plan=Plan(**TINY), log=quiet)
    users = f.UserFactory._meta.model.objects
    for code in ("gen-001", "gen-002"):
        subtree = set(
            Unit.objects.filter(Q(code=code) | Q(parent__code=code)).values_list("id", flat=True)
        )
        for name in ("reviewer", "leader"):
            scope = permissions.scope_for(users.get(username=f"{code}-{name}"))
            assert scope.unit_ids == subtree
        reviewer = users.get(username=f"{code}-reviewer")
        assert permissions.reviewed_units(reviewer) == subtree
    centre = users.get(username="gen-reviewer")
    assert permissions.scope_for(centre).is_everything
    assert permissions.reviewed_units(centre) is None


def test_bulk_generated_rows_write_no_history():
    generate(plan=Plan(**TINY), log=quiet)
    assert not UnitReport.history.exists()
    assert not IndicatorValue.history.exists()
    assert not Directive.history.exists()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    generate(plan=Plan(**TINY, seed=7), log=quiet)
    first = fingerprint()
    generate(plan=Plan(**TINY, seed=7), replace=True, log=quiet)
    assert fingerprint() == first
    generate(plan=Plan(**TINY, seed=8), replace=True, log=quiet)
    assert fingerprint() != first


def test_a_province_is_the_same_whatever_the_size_of_the_country():
    generate(plan=Plan(**{**TINY, "provinces": 1}), log=quiet)
    alone = fingerprint("gen-001")
    generate(plan=Plan(**{**TINY, "provinces": 3}), replace=True, log=quiet)
    assert fingerprint("gen-001") == alone
    assert fingerprint("gen-002") != {k: [] for k in alone}


def test_the_command_refuses_to_run_twice_without_replace():
    args = ["--provinces", "1", "--communes", "2", "--quarters", "2", "--end", "2024-q2"]
    call_command("generate_data", *args, "--indicators", "5", stdout=None)
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_data", *args)
    call_command("generate_data", *args, "--replace", "--units", "20")
    assert Unit.objects.filter(code__startswith="gen-").count() == 20


def test_replace_and_delete_leave_data_that_was_not_generated_alone():
    unit = f.UnitFactory(code="hlhpn", name="Hội LHPN tỉnh", kind=UnitKind.MASS_ORG)
    report = f.UnitReportFactory(unit=unit)
    value = f.IndicatorValueFactory(report=report)
    directive = f.DirectiveFactory(meeting__quarter=report.quarter)
    f.AssignmentFactory(directive=directive, unit=unit)
    staff = f.member(unit)
    args = ["--provinces", "2", "--communes", "3", "--quarters", "3", "--end", "2025-q3"]
    call_command("generate_data", *args)
    assert Reorganisation.objects.exists()
    call_command("generate_data", *args, "--replace")
    # A generated province's reviewer wrote its consolidated report, quoting a report.
    quoted = UnitReport.objects.filter(unit__code__startswith="gen-").first()
    written = ConsolidatedReport.objects.create(
        unit=Unit.objects.filter(code__startswith="gen-").first(),
        quarter=quoted.quarter,
        results="Trích dẫn.",
    )
    ConsolidatedQuote.objects.create(
        report=written, section="results", source=quoted, excerpt="Trích"
    )
    call_command("generate_data", "--delete")
    assert not ConsolidatedReport.objects.exists() and not ConsolidatedQuote.objects.exists()
    assert not Unit.objects.filter(code__startswith="gen-").exists()
    assert not Indicator.objects.filter(code__startswith="GEN_").exists()
    assert not Meeting.objects.filter(title__startswith=MARK).exists()
    assert not UnitReport.objects.filter(unit_name__startswith=MARK).exists()
    assert not Reorganisation.objects.exists()
    assert not Unit.history.filter(code__startswith="gen-").exists()
    assert set(Unit.objects.all()) == {unit, unit.parent}
    assert IndicatorValue.objects.get() == value
    assert Directive.objects.get() == directive
    assert Assignment.objects.get().unit == unit
    assert Membership.objects.get().user == staff


def test_the_command_rejects_a_malformed_end_quarter():
    with pytest.raises(CommandError, match="2026-q4"):
        call_command("generate_data", "--units", "5", "--end", "2024-Q5")
