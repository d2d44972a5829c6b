"""Reorganisations carried out by ``structure.services``: nothing open is lost, every
thing handed over is on record, and what would lose data is refused with a reason."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from directives.models import Assignment, AssignmentRole, DeadlineChange, ProgressUpdate
from reports.models import (
    Membership,
    MembershipRole,
    Reorganisation,
    ReorganisationKind,
    ReportStatus,
    Unit,
    UnitKind,
    UnitLink,
    UnitReport,
)
from reports.selectors import predecessor_drafts
from structure import services
from structure.models import Handover, HandoverItem
from tests import factories as f
from tests.structure.parts import split_parts

pytestmark = pytest.mark.django_db

JULY_2025 = datetime.date(2025, 7, 1)
DECISION = services.Decision(
    number="Quyết định số 123-QĐ/TU", date=datetime.date(2025, 6, 20), effective_on=JULY_2025
)
NEW_UNIT = services.NewUnit(
    code="dd-hdnd-ubnd",
    name="Đảng ủy HĐND và UBND tỉnh",
    short_name="Đảng ủy chính quyền",
    kind=UnitKind.GOVERNMENT,
)


def _inventory():
    """Every assignment, update, deadline request and report, with where it is now."""
    return {
        "assignments": set(Assignment.objects.values_list("id", flat=True)),
        "updates": set(ProgressUpdate.objects.values_list("id", flat=True)),
        "changes": set(DeadlineChange.objects.values_list("id", flat=True)),
        "reports": dict(UnitReport.objects.values_list("id", "unit_id")),
    }


def test_the_merger_of_2025_loses_nothing_and_puts_everything_on_record(government):
    admin = f.admin()
    before = _inventory()

    outcome = services.merge_units(
        units=[government["ubnd"], government["hdnd"]],
        into=NEW_UNIT,
        decision=DECISION,
        user=admin,
        move_memberships=True,
    )

    successor = Unit.objects.get(code=NEW_UNIT.code)
    assert successor.valid_from == JULY_2025
    for old in (government["ubnd"], government["hdnd"]):
        old.refresh_from_db()
        assert old.valid_to == datetime.date(2025, 6, 30)
        assert old.successor == successor
    after = _inventory()
    # The one directive both had is now one lead assignment of the successor; the
    # supporting part was combined into it, its update moved with it.
    assert after["assignments"] == before["assignments"] - {
        Handover.objects.get(item=HandoverItem.ASSIGNMENT_COMBINED).object_id
    }
    assert after["updates"] == before["updates"]
    assert after["changes"] == before["changes"]
    assert after["reports"] == before["reports"]  # reports stay with the unit that filed them
    combined = Assignment.objects.get(directive=government["both"], unit=successor)
    assert combined.role == AssignmentRole.LEAD
    assert combined.updates.count() == 2
    government["only_hdnd"].refresh_from_db()
    assert government["only_hdnd"].unit == successor
    assert government["only_hdnd"].deadline_changes.count() == 1
    government["finished"].refresh_from_db()
    assert government["finished"].unit == government["ubnd"]  # finished work stays
    assert not Assignment.objects.filter(
        unit__in=[government["ubnd"], government["hdnd"]], completed_on__isnull=True
    ).exists()
    assert Membership.objects.get(user=government["head"]).unit == successor
    record = Reorganisation.objects.get()
    assert record.decision_number == DECISION.number
    assert record.recorded_by == admin
    assert set(UnitLink.objects.values_list("predecessor__code", "successor__code", "share")) == {
        ("bcsd-ubnd", NEW_UNIT.code, Decimal("1.0000")),
        ("dd-hdnd", NEW_UNIT.code, Decimal("1.0000")),
    }
    assert outcome.counts() == {
        HandoverItem.ASSIGNMENT: 2,
        HandoverItem.ASSIGNMENT_COMBINED: 1,
        HandoverItem.PROGRESS_UPDATE: 1,
        HandoverItem.DEADLINE_CHANGE: 1,
        HandoverItem.MEMBERSHIP: 2,
    }
    history = combined.history.first()
    assert history.history_user == admin
    assert DECISION.number in history.history_change_reason


def test_the_history_says_why_within_its_column_however_long_the_names(government):
    """The history rows' reason is a 100-character column: PostgreSQL refused the
    merger of 2025 itself (two long names) until the summary was shortened there."""
    services.merge_units(
        units=[government["ubnd"], government["hdnd"]],
        into=NEW_UNIT,
        decision=DECISION,
        user=f.admin(),
        move_memberships=True,
    )
    reasons = [
        *Unit.history.values_list("history_change_reason", flat=True),
        *Assignment.history.values_list("history_change_reason", flat=True),
        *Membership.history.values_list("history_change_reason", flat=True),
    ]
    written = [reason for reason in reasons if reason]
    assert written
    assert all(len(reason) <= 100 for reason in written)
    assert all(reason.endswith(f"({DECISION.number})") for reason in written)
    assert "…" in written[0]
    summary = Reorganisation.objects.get().summary  # the record keeps it whole
    assert summary.endswith(NEW_UNIT.name) and "…" not in summary


def test_a_dry_run_shows_the_same_outcome_and_changes_nothing(government):
    before = _inventory()
    units_before = list(Unit.objects.values_list("id", "valid_to", "successor_id"))

    preview = services.merge_units(
        units=[government["ubnd"], government["hdnd"]],
        into=NEW_UNIT,
        decision=DECISION,
        user=None,
        dry_run=True,
    )

    assert preview.dry_run
    assert preview.counts()[HandoverItem.ASSIGNMENT] == 2
    assert _inventory() == before
    assert list(Unit.objects.values_list("id", "valid_to", "successor_id")) == units_before
    assert not Reorganisation.objects.exists()
    assert not Unit.objects.filter(code=NEW_UNIT.code).exists()


def test_the_successor_owes_from_its_first_quarter_and_the_old_units_stop(government):
    services.merge_units(
        units=[government["ubnd"], government["hdnd"]], into=NEW_UNIT, decision=DECISION, user=None
    )
    successor = Unit.objects.get(code=NEW_UNIT.code)
    q2_2025 = f.QuarterFactory(year=2025, number=2)
    q3_2025 = f.QuarterFactory(year=2025, number=3)
    assert government["ubnd"].owes_report_for(q2_2025)
    assert not Unit.objects.get(pk=government["ubnd"].pk).owes_report_for(q3_2025)
    assert successor.owes_report_for(q3_2025)
    assert not successor.owes_report_for(q2_2025)
    owing = set(Unit.objects.owing_report_for(q3_2025).values_list("code", flat=True))
    assert NEW_UNIT.code in owing and "bcsd-ubnd" not in owing


def test_a_merger_is_refused_with_every_reason_when_it_would_lose_data(government):
    q3 = f.QuarterFactory(year=2025, number=3)
    f.UnitReportFactory(unit=government["ubnd"], quarter=q3, status=ReportStatus.SUBMITTED)
    taken = services.NewUnit(code="mttq", name="Trùng mã", kind=UnitKind.GOVERNMENT)

    with pytest.raises(ValidationError) as refused:
        services.merge_units(
            units=[government["ubnd"], government["hdnd"]],
            into=taken,
            decision=services.Decision(number=" ", date=DECISION.date, effective_on=JULY_2025),
            user=None,
        )

    messages = " ".join(refused.value.messages)
    assert "Quý III/2025" in messages or "Q III/2025" in messages or "III/2025" in messages
    assert "mttq" in messages
    assert "số" in messages.lower() or "number" in messages.lower()
    assert not Reorganisation.objects.exists()


def test_two_pending_claims_on_one_directive_refuse_the_merger_and_roll_back(government):
    for assignment in Assignment.objects.filter(directive=government["both"]).exclude(
        unit__code="mttq"
    ):
        f.ProgressUpdateFactory(
            assignment=assignment,
            quarter=assignment.updates.first().quarter,
            claimed_status="done",
            review_status="pending",
            finished_on=datetime.date(2024, 6, 1),
        )
    before = _inventory()

    with pytest.raises(ValidationError, match=r"awaiting confirmation|chờ xác nhận"):
        services.merge_units(
            units=[government["ubnd"], government["hdnd"]],
            into=NEW_UNIT,
            decision=DECISION,
            user=None,
        )

    assert _inventory() == before
    assert not Unit.objects.filter(code=NEW_UNIT.code).exists()
    assert Unit.objects.get(code="bcsd-ubnd").valid_to is None


def test_a_split_shares_the_figures_and_places_each_assignment_where_asked(government):
    hdnd = government["hdnd"]
    parts = split_parts(UnitKind.GOVERNMENT, ("a", "Đơn vị A", "0.6"), ("b", "Đơn vị B", "0.4"))
    support = Assignment.objects.get(directive=government["both"], unit=hdnd)
    only = government["only_hdnd"]

    services.split_unit(
        unit=hdnd,
        parts=parts,
        assignment_parts={support.pk: [1], only.pk: [0, 1]},
        decision=DECISION,
        user=None,
    )

    a, b = Unit.objects.get(code="a"), Unit.objects.get(code="b")
    hdnd.refresh_from_db()
    assert hdnd.successor == a and hdnd.valid_to == datetime.date(2025, 6, 30)
    assert Assignment.objects.get(pk=support.pk).unit == b
    assert Assignment.objects.get(pk=only.pk).unit == a
    assert Assignment.objects.filter(directive=only.directive, unit=b).exists()
    assert dict(UnitLink.objects.values_list("successor__code", "share")) == {
        "a": Decimal("0.6000"),
        "b": Decimal("0.4000"),
    }


def test_a_split_that_leaves_an_assignment_unplaced_or_shares_wrong_is_refused(government):
    parts = [
        services.SplitPart(unit=government["ubnd"], share=Decimal("0.5")),
        services.SplitPart(
            unit=services.NewUnit(code="b", name="B", kind=UnitKind.GOVERNMENT),
            share=Decimal("0.4"),
        ),
    ]
    with pytest.raises(ValidationError) as refused:
        services.split_unit(
            unit=government["hdnd"], parts=parts, assignment_parts={}, decision=DECISION, user=None
        )
    assert len(refused.value.messages) == 2


def test_dissolving_a_unit_with_open_work_is_refused_and_without_it_allowed(government):
    with pytest.raises(ValidationError, match="2"):
        services.dissolve_unit(unit=government["hdnd"], decision=DECISION, user=None)
    idle = f.UnitFactory(code="idle")
    services.dissolve_unit(unit=idle, decision=DECISION, user=None)
    idle.refresh_from_db()
    assert idle.valid_to == datetime.date(2025, 6, 30) and idle.successor is None


def test_one_unit_merged_into_another_is_recorded_as_the_merger_its_summary_says(
    government,
):
    """It hands its work to a successor: a merger, not a dissolution (no successor)."""
    outcome = services.merge_units(
        units=[government["hdnd"]], into=government["ubnd"], decision=DECISION, user=None
    )

    record = outcome.reorganisation
    assert record.kind == ReorganisationKind.MERGE
    assert record.get_kind_display() == "Sáp nhập"
    assert record.summary == "Đảng đoàn HĐND tỉnh sáp nhập vào Ban Cán sự Đảng UBND tỉnh"


def test_a_renamed_unit_carries_its_old_name_on_earlier_documents(government):
    ubnd = government["ubnd"]
    services.rename_unit(
        unit=ubnd,
        name="Đảng ủy UBND tỉnh",
        short_name="Đảng ủy UBND",
        decision=services.Decision(
            number="QĐ 1", date=datetime.date(2025, 2, 20), effective_on=datetime.date(2025, 3, 1)
        ),
        user=None,
    )
    ubnd.refresh_from_db()
    assert ubnd.name == "Đảng ủy UBND tỉnh"
    assert ubnd.name_on(datetime.date(2025, 2, 28)) == "Ban Cán sự Đảng UBND tỉnh"
    assert ubnd.name_on(datetime.date(2025, 3, 1)) == "Đảng ủy UBND tỉnh"
    assert UnitReport.objects.filter(unit=ubnd).first().unit_name != ubnd.name


def test_a_move_under_its_own_subtree_is_refused(government):
    parent = f.UnitFactory(code="p")
    child = f.UnitFactory(code="c", parent=parent)
    with pytest.raises(ValidationError):
        services.move_unit(unit=parent, parent=child, decision=DECISION, user=None)
    services.move_unit(unit=child, parent=None, decision=DECISION, user=None)
    child.refresh_from_db()
    assert child.parent is None


def test_a_unit_that_already_ends_cannot_end_again(government):
    idle = f.UnitFactory(code="idle")
    services.dissolve_unit(unit=idle, decision=DECISION, user=None)
    earlier = services.Decision(
        number="QĐ 2", date=DECISION.date, effective_on=datetime.date(2025, 3, 1)
    )
    for decision in (DECISION, earlier):
        with pytest.raises(ValidationError, match="30/06/2025"):
            services.merge_units(
                units=[idle], into=government["ubnd"], decision=decision, user=None
            )
    assert Reorganisation.objects.count() == 1
    assert Unit.objects.get(code="idle").successor is None


def test_a_split_naming_a_successor_twice_is_refused(government):
    parts = [
        services.SplitPart(unit=government["ubnd"], share=Decimal("0.5")),
        services.SplitPart(unit=government["ubnd"], share=Decimal("0.5")),
    ]
    with pytest.raises(ValidationError):
        services.split_unit(
            unit=f.UnitFactory(), parts=parts, assignment_parts={}, decision=DECISION, user=None
        )
    assert not Reorganisation.objects.exists()


def test_a_merger_that_would_drop_one_of_a_users_two_roles_is_refused(government):
    """A reviewer of one unit who reports for the other would keep only one role."""
    reporter = f.member(government["ubnd"])
    f.MembershipFactory(user=reporter, unit=government["hdnd"], role=MembershipRole.REVIEWER)

    with pytest.raises(ValidationError, match=reporter.username):
        services.merge_units(
            units=[government["hdnd"]],
            into=government["ubnd"],
            decision=DECISION,
            user=None,
            move_memberships=True,
        )

    assert Membership.objects.filter(user=reporter).count() == 2
    assert not Reorganisation.objects.exists()


def test_a_draft_of_a_later_quarter_is_kept_for_the_successor_not_a_reason_to_refuse(
    government,
):
    """In the demo every unit has a draft of the current quarter: the merger of the two
    government bodies from 01/12/2026 was refused ("deal with the report first"),
    although the owing rule gives that quarter to the successor and its report page
    lists the draft. A filed report still refuses: it would stop counting."""
    q3 = f.QuarterFactory(year=2025, number=3)
    draft = f.UnitReportFactory(unit=government["ubnd"], quarter=q3, results="Đã làm.")

    outcome = services.merge_units(
        units=[government["ubnd"], government["hdnd"]], into=NEW_UNIT, decision=DECISION, user=None
    )

    draft.refresh_from_db()
    successor = outcome.created_units[0]
    assert (draft.unit_id, draft.results, draft.no_longer_owed) == (
        government["ubnd"].id,
        "Đã làm.",
        True,
    )
    assert predecessor_drafts(unit=successor, quarter=q3) == [draft]


def test_a_dissolved_unit_keeps_refusing_with_a_draft_nobody_would_take_over(government):
    f.UnitReportFactory(unit=government["hdnd"], quarter=f.QuarterFactory(year=2025, number=3))
    Assignment.objects.filter(unit=government["hdnd"]).update(completed_on=JULY_2025)

    with pytest.raises(ValidationError) as refused:
        services.dissolve_unit(unit=government["hdnd"], decision=DECISION, user=None)

    assert "III/2025" in " ".join(refused.value.messages)


def test_a_new_unit_takes_the_place_of_the_units_it_replaces_in_every_list(government):
    """The merged unit of the two government bodies came first on the queue, the
    dashboard and the quarter page (order 0) until someone ordered it by hand."""
    Unit.objects.filter(pk=government["ubnd"].pk).update(display_order=120)
    Unit.objects.filter(pk=government["hdnd"].pk).update(display_order=130)
    government["ubnd"].refresh_from_db()
    government["hdnd"].refresh_from_db()

    merged = services.merge_units(
        units=[government["ubnd"], government["hdnd"]], into=NEW_UNIT, decision=DECISION, user=None
    ).created_units[0]

    assert merged.display_order == 120
