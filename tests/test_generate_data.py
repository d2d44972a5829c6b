"""generate_data: marked, reproducible, complete synthetic data that stays apart from the rest."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from common.text import search_text
from directives.models import (
    Assignment,
    AssignmentRole,
    ClaimedStatus,
    Confidentiality,
    Directive,
    Meeting,
    ProgressUpdate,
    ReviewStatus,
)
from reports.models import (
    Indicator,
    IndicatorValue,
    Membership,
    MembershipRole,
    ReportStatus,
    Unit,
    UnitLevel,
    UnitReport,
)
from sampledata.synthetic import MARK, Plan, generate
from tests import factories as f

pytestmark = pytest.mark.django_db

SMALL = {"units": 40, "quarters": 3, "indicators": 12, "directives": 12, "end": (2024, 2)}


def quiet(_line: str) -> None:
    pass


def fingerprint() -> dict:
    """What the generated data says, by natural keys (ids differ between runs)."""
    return {
        "units": sorted(
            Unit.objects.filter(code__startswith="gen-").values_list(
                "code", "name", "kind", "level", "parent__code", "valid_to", "successor__code"
            )
        ),
        "reports": sorted(
            UnitReport.objects.filter(unit__code__startswith="gen-")
            .annotate(total=Sum("values__value"))
            .values_list("unit__code", "quarter__year", "quarter__number", "status", "total")
        ),
        "directives": sorted(
            Directive.objects.filter(meeting__title__startswith=MARK).values_list(
                "meeting__title", "number", "title", "due_date", "confidentiality", "is_priority"
            )
        ),
        "assignments": sorted(
            Assignment.objects.filter(unit__code__startswith="gen-").values_list(
                "directive__meeting__title",
                "directive__number",
                "unit__code",
                "role",
                "due_date",
                "completed_on",
            )
        ),
        "updates": sorted(
            ProgressUpdate.objects.filter(assignment__unit__code__startswith="gen-").values_list(
                "assignment__unit__code",
                "assignment__directive__number",
                "quarter__number",
                "claimed_status",
                "percent",
                "review_status",
            )
        ),
    }


def test_generated_data_has_a_unit_tree_of_every_kind_and_level():
    generate(plan=Plan(**SMALL, seed=1), log=quiet)
    units = Unit.objects.filter(code__startswith="gen-")
    assert units.count() == 40
    assert set(units.values_list("level", flat=True)) == set(UnitLevel.values)
    assert units.filter(level=UnitLevel.PROVINCE, parent__isnull=True).count() == 1
    assert not units.filter(level=UnitLevel.COMMUNE, parent__level=UnitLevel.PROVINCE).exists()
    assert units.filter(level=UnitLevel.DISTRICT, parent__level=UnitLevel.PROVINCE).exists()
    assert len(set(units.values_list("kind", flat=True))) == 6
    assert all(name.startswith(MARK) for name in units.values_list("name", flat=True))
    for unit in units:
        assert unit.search_text == search_text(unit.code, unit.name, unit.short_name)


def test_generated_reports_are_in_every_status_with_values_of_their_kind_only():
    generate(plan=Plan(**SMALL, seed=1), log=quiet)
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


def test_generated_follow_up_covers_confidential_directives_and_every_review_outcome():
    generate(plan=Plan(**SMALL, seed=1), log=quiet)
    directives = Directive.objects.filter(meeting__title__startswith=MARK)
    assert directives.count() == 12 * 3
    assert directives.filter(confidentiality=Confidentiality.CONFIDENTIAL).exists()
    assert directives.filter(is_ongoing=True, due_date__isnull=True).exists()
    assert all(d.search_text == search_text(d.title, d.text) for d in directives)
    assignments = Assignment.objects.filter(directive__in=directives)
    assert assignments.filter(role=AssignmentRole.LEAD).exists()
    assert assignments.filter(completed_on__isnull=False).exists()
    updates = ProgressUpdate.objects.filter(assignment__in=assignments)
    assert updates.filter(claimed_status=ClaimedStatus.DONE).exists()
    assert updates.filter(review_status=ReviewStatus.CONFIRMED).exists()
    meeting = Meeting.objects.filter(title__startswith=MARK).first()
    assert meeting.attending_units.exists()
    assert meeting.search_text


def test_generated_accounts_are_a_head_per_unit_a_reviewer_and_a_leader():
    generate(plan=Plan(**SMALL, seed=1), log=quiet)
    reporting = Unit.objects.filter(code__startswith="gen-", submits_reports=True)
    heads = Membership.objects.filter(unit__in=reporting, role=MembershipRole.HEAD)
    assert heads.count() == reporting.count()
    roots = set(Unit.objects.filter(code__startswith="gen-", parent__isnull=True))
    for username, role in (("gen-reviewer", "reviewer"), ("gen-leader", "leadership")):
        held = Membership.objects.filter(user__username=username)
        assert {m.unit for m in held} == roots
        assert {m.role for m in held} == {role}
    assert heads.first().user.check_password("danvan2024")


def test_bulk_generated_rows_write_no_history():
    generate(plan=Plan(**SMALL, seed=1), log=quiet)
    assert not UnitReport.history.exists()
    assert not IndicatorValue.history.exists()
    assert not Directive.history.exists()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    generate(plan=Plan(**SMALL, seed=7), log=quiet)
    first = fingerprint()
    generate(plan=Plan(**SMALL, seed=7), replace=True, log=quiet)
    assert fingerprint() == first
    generate(plan=Plan(**SMALL, seed=8), replace=True, log=quiet)
    assert fingerprint() != first


def test_the_command_refuses_to_run_twice_without_replace():
    args = ["--units", "15", "--quarters", "2", "--indicators", "5", "--end", "2024-q2"]
    call_command("generate_data", *args, stdout=None)
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_data", *args)
    call_command("generate_data", *args, "--replace", "--units", "20")
    assert Unit.objects.filter(code__startswith="gen-").count() == 20


def test_replace_and_delete_leave_data_that_was_not_generated_alone():
    unit = f.UnitFactory(code="hlhpn", name="Hội LHPN tỉnh")
    report = f.UnitReportFactory(unit=unit)
    value = f.IndicatorValueFactory(report=report)
    directive = f.DirectiveFactory(meeting__quarter=report.quarter)
    f.AssignmentFactory(directive=directive, unit=unit)
    staff = f.member(unit)
    args = ["--units", "30", "--quarters", "2", "--indicators", "6", "--end", "2024-q2"]
    call_command("generate_data", *args)
    call_command("generate_data", *args, "--replace")
    call_command("generate_data", "--delete")
    assert not Unit.objects.filter(code__startswith="gen-").exists()
    assert not Indicator.objects.filter(code__startswith="GEN_").exists()
    assert not Meeting.objects.filter(title__startswith=MARK).exists()
    assert not UnitReport.objects.filter(unit_name__startswith=MARK).exists()
    assert set(Unit.objects.all()) == {unit, unit.parent}
    assert IndicatorValue.objects.get() == value
    assert Directive.objects.get() == directive
    assert Assignment.objects.get().unit == unit
    assert Membership.objects.get().user == staff


def test_the_command_rejects_a_malformed_end_quarter():
    with pytest.raises(CommandError, match="2026-q4"):
        call_command("generate_data", "--units", "5", "--end", "2024-Q5")
