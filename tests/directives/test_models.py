"""The follow-up models: directives, assignments, progress and deadline changes."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from directives.models import Assignment, Directive
from directives.rules import DirectiveStatus
from tests.factories import (
    AssignmentFactory,
    DeadlineChangeFactory,
    DirectiveFactory,
    IndicatorFactory,
    MeetingFactory,
    ProgressUpdateFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


# --- constraints the database keeps ----------------------------------------------------


def test_a_directive_cannot_have_both_a_due_date_and_be_ongoing():
    with pytest.raises(IntegrityError), transaction.atomic():
        DirectiveFactory(due_date=datetime.date(2024, 6, 30), is_ongoing=True)


def test_a_directive_needs_a_due_date_or_to_be_ongoing():
    with pytest.raises(IntegrityError), transaction.atomic():
        DirectiveFactory(due_date=None, is_ongoing=False)


def test_an_ongoing_directive_without_a_due_date_is_stored():
    directive = DirectiveFactory(due_date=None, is_ongoing=True)
    assert Directive.objects.get(pk=directive.pk).is_ongoing


def test_a_target_range_cannot_end_below_its_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        DirectiveFactory(
            target_indicator=IndicatorFactory(), target_min=Decimal(5), target_max=Decimal(4)
        )


def test_a_target_range_may_be_a_single_value():
    directive = DirectiveFactory(
        target_indicator=IndicatorFactory(), target_min=Decimal(5), target_max=Decimal(5)
    )
    assert directive.has_target


@pytest.mark.parametrize("field", ["target_baseline", "target_min", "target_max"])
def test_target_figures_cannot_be_negative(field):
    with pytest.raises(IntegrityError), transaction.atomic():
        DirectiveFactory(target_indicator=IndicatorFactory(), **{field: Decimal("-1")})


def test_directive_numbers_are_unique_within_a_meeting():
    directive = DirectiveFactory(number=3)
    DirectiveFactory(number=3)  # another meeting
    with pytest.raises(IntegrityError), transaction.atomic():
        DirectiveFactory(meeting=directive.meeting, number=3)


@pytest.mark.parametrize("percent", [101, 150])
def test_progress_cannot_exceed_a_hundred_percent(percent):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdateFactory(percent=percent)


@pytest.mark.parametrize("percent", [0, 100])
def test_progress_from_nothing_to_all_is_stored(percent):
    assert ProgressUpdateFactory(percent=percent).percent == percent


@pytest.mark.parametrize(
    "new_date", [datetime.date(2024, 6, 30), datetime.date(2024, 6, 29), datetime.date(2024, 1, 1)]
)
def test_a_deadline_change_must_move_the_deadline_later(new_date):
    with pytest.raises(IntegrityError), transaction.atomic():
        DeadlineChangeFactory(old_date=datetime.date(2024, 6, 30), new_date=new_date)


def test_a_deadline_change_one_day_later_is_stored():
    change = DeadlineChangeFactory(
        old_date=datetime.date(2024, 6, 30), new_date=datetime.date(2024, 7, 1)
    )
    assert change.new_date == datetime.date(2024, 7, 1)


def test_a_unit_is_assigned_to_a_directive_once():
    assignment = AssignmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            directive=assignment.directive, unit=assignment.unit, role="support"
        )


def test_a_unit_may_lead_one_directive_and_support_another():
    unit = UnitFactory()
    AssignmentFactory(unit=unit)
    AssignmentFactory(unit=unit, role="support")
    assert unit.assignments.count() == 2


# --- Directive.clean() for forms -------------------------------------------------------


def test_a_due_date_before_the_meeting_is_refused_on_the_due_date():
    meeting = MeetingFactory()  # 14/03/2024
    directive = DirectiveFactory.build(meeting=meeting, due_date=datetime.date(2024, 3, 13))
    with pytest.raises(ValidationError) as caught:
        directive.clean()
    assert set(caught.value.message_dict) == {"due_date"}


def test_a_due_date_on_the_day_of_the_meeting_is_accepted():
    meeting = MeetingFactory()
    DirectiveFactory.build(meeting=meeting, due_date=datetime.date(2024, 3, 14)).clean()


def test_the_meeting_day_is_read_in_hanoi():
    # 00:30 on the 14th in Hà Nội is still the 13th in UTC.
    meeting = MeetingFactory(held_at=datetime.datetime(2024, 3, 14, 0, 30, tzinfo=HANOI))
    assert meeting.held_on == datetime.date(2024, 3, 14)
    DirectiveFactory.build(meeting=meeting, due_date=datetime.date(2024, 3, 14)).clean()
    with pytest.raises(ValidationError):
        DirectiveFactory.build(meeting=meeting, due_date=datetime.date(2024, 3, 13)).clean()


def test_an_ongoing_directive_with_a_due_date_is_refused_on_the_due_date():
    directive = DirectiveFactory.build(
        meeting=MeetingFactory(), due_date=datetime.date(2024, 6, 30), is_ongoing=True
    )
    with pytest.raises(ValidationError) as caught:
        directive.clean()
    assert set(caught.value.message_dict) == {"due_date"}


def test_a_directive_with_neither_due_date_nor_ongoing_is_refused_on_the_due_date():
    directive = DirectiveFactory.build(meeting=MeetingFactory(), due_date=None, is_ongoing=False)
    with pytest.raises(ValidationError) as caught:
        directive.clean()
    assert set(caught.value.message_dict) == {"due_date"}


def test_a_target_range_needs_its_indicator():
    directive = DirectiveFactory.build(meeting=MeetingFactory(), target_min=4, target_max=5)
    with pytest.raises(ValidationError) as caught:
        directive.clean()
    assert set(caught.value.message_dict) == {"target_indicator"}


def test_a_well_formed_directive_passes_full_validation():
    directive = DirectiveFactory.build(
        meeting=MeetingFactory(),
        number=1,
        target_indicator=IndicatorFactory(),
        target_baseline=2,
        target_min=4,
        target_max=5,
        target_date=datetime.date(2024, 12, 31),
    )
    directive.full_clean()


# --- derived and stored values -----------------------------------------------------------


def test_saving_a_directive_fills_its_search_text():
    directive = DirectiveFactory(title="Phòng, chống ma túy", text="Xây dựng huyện không ma túy.")
    assert directive.search_text == "phong, chong ma tuy xay dung huyen khong ma tuy."


def test_saving_a_meeting_fills_its_search_text():
    meeting = MeetingFactory(title="Giao ban Quý I", chair_name="Nguyễn Xuân Ký", venue="Hạ Long")
    assert meeting.search_text == "giao ban quy i nguyen xuan ky ha long"


def test_an_assignment_status_reads_its_own_deadline_in_force():
    assignment = AssignmentFactory(due_date=datetime.date(2024, 9, 30))  # moved from 30/06
    after_first_deadline = datetime.date(2024, 7, 15)
    status = assignment.derived_status(
        has_update=True, updated_this_quarter=True, today=after_first_deadline
    )
    assert status == DirectiveStatus.IN_PROGRESS


def test_an_assignment_completed_on_its_deadline_is_done_on_time():
    assignment = AssignmentFactory(completed_on=datetime.date(2024, 6, 30))
    status = assignment.derived_status(
        has_update=True, updated_this_quarter=False, today=datetime.date(2025, 1, 1)
    )
    assert status == DirectiveStatus.DONE_ON_TIME


def test_an_assignment_status_defaults_to_today():
    assignment = AssignmentFactory(due_date=timezone.localdate() - datetime.timedelta(days=1))
    assert assignment.derived_status(has_update=False, updated_this_quarter=False) == (
        DirectiveStatus.OVERDUE
    )


def test_an_ongoing_assignment_is_never_overdue():
    directive = DirectiveFactory(due_date=None, is_ongoing=True)
    assignment = AssignmentFactory(directive=directive)
    assert assignment.due_date is None
    assert assignment.derived_status(has_update=True, updated_this_quarter=False) == (
        DirectiveStatus.ONGOING_STALE
    )


def test_confidentiality_and_target_flags():
    assert DirectiveFactory.build(confidentiality="confidential").is_confidential
    assert not DirectiveFactory.build().is_confidential
    assert not DirectiveFactory.build().has_target


# --- history -------------------------------------------------------------------------------


@pytest.mark.usefixtures("factories_keep_history")
def test_every_change_to_a_directive_is_kept_with_who_made_it():
    reviewer = UserFactory(username="chuyen_vien")
    directive = DirectiveFactory()
    directive.due_date = datetime.date(2024, 9, 30)
    directive._history_user = reviewer
    directive.save()

    history = list(directive.history.order_by("history_date"))
    assert len(history) == 2
    assert history[0].due_date == datetime.date(2024, 6, 30)
    assert history[1].due_date == datetime.date(2024, 9, 30)
    assert history[1].history_user == reviewer


@pytest.mark.usefixtures("factories_keep_history")
def test_assignments_and_progress_keep_a_history():
    update = ProgressUpdateFactory(percent=20)
    update.percent = 60
    update.save()
    assert [h.percent for h in update.history.order_by("history_date")] == [20, 60]
    assert update.assignment.history.count() == 1
