"""The SQL status annotations agree with the pure rules for every status."""

import datetime
import itertools

import pytest

from directives import query, rules
from directives.models import Assignment, AssignmentRole, Directive
from directives.rules import DirectiveStatus as S
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 5, 20)
LATER = datetime.date(2024, 6, 30)
EARLIER = datetime.date(2024, 4, 30)


@pytest.fixture
def quarters():
    return f.QuarterFactory(year=2024, number=1), f.QuarterFactory(year=2024, number=2)


def make_assignment(status: S, quarters, directive=None, role=AssignmentRole.LEAD) -> Assignment:
    q1, q2 = quarters
    directive = directive or f.DirectiveFactory()
    due, completed, update_quarter = {
        S.DONE_ON_TIME: (LATER, datetime.date(2024, 5, 1), q2),
        S.DONE_LATE: (EARLIER, datetime.date(2024, 5, 10), q2),
        S.OVERDUE: (EARLIER, None, q2),
        S.NOT_STARTED: (LATER, None, None),
        S.IN_PROGRESS: (LATER, None, q1),
        S.ONGOING_CURRENT: (None, None, q2),
        S.ONGOING_STALE: (None, None, q1),
    }[status]
    assignment = f.AssignmentFactory(
        directive=directive, role=role, due_date=due, completed_on=completed
    )
    if update_quarter is not None:
        f.ProgressUpdateFactory(assignment=assignment, quarter=update_quarter)
    return assignment


def pure_status(assignment: Assignment, current) -> S:
    updates = list(assignment.updates.all())
    return assignment.derived_status(
        has_update=bool(updates),
        updated_this_quarter=any(u.quarter_id == current.pk for u in updates),
        today=TODAY,
    )


@pytest.mark.parametrize("status", list(S))
def test_the_sql_assignment_status_agrees_with_the_rules(status, quarters):
    assignment = make_assignment(status, quarters)
    annotated = query.annotate_assignment_status(
        Assignment.objects.filter(pk=assignment.pk), quarter=quarters[1], today=TODAY
    ).get()
    assert pure_status(assignment, quarters[1]) == status
    assert annotated.status == status


def test_without_an_open_quarter_no_ongoing_assignment_counts_as_current(quarters):
    assignment = make_assignment(S.ONGOING_CURRENT, quarters)
    annotated = query.annotate_assignment_status(
        Assignment.objects.filter(pk=assignment.pk), quarter=None, today=TODAY
    ).get()
    assert annotated.status == S.ONGOING_STALE


LEAD_COMBINATIONS = [()] + [
    combo for size in (1, 2, 3) for combo in itertools.combinations_with_replacement(list(S), size)
]


def test_the_sql_directive_status_agrees_with_combine_statuses_for_every_mix(quarters):
    expected = {}
    for combo in LEAD_COMBINATIONS:
        directive = f.DirectiveFactory()
        for status in combo:
            make_assignment(status, quarters, directive=directive)
        # A supporting unit never changes the directive's status.
        make_assignment(S.OVERDUE, quarters, directive=directive, role=AssignmentRole.SUPPORT)
        expected[directive.pk] = rules.combine_statuses(combo)
    annotated = query.annotate_directive_status(
        Directive.objects.all(), quarter=quarters[1], today=TODAY
    )
    got = dict(annotated.values_list("pk", "status"))
    assert got == {pk: status.value for pk, status in expected.items()}
    assert set(expected.values()) == set(S)


def test_directive_statuses_can_be_counted_by_group_in_sql(quarters):
    topic = f.TopicFactory()
    for status in (S.OVERDUE, S.OVERDUE, S.DONE_ON_TIME):
        make_assignment(status, quarters, directive=f.DirectiveFactory(topic=topic))
    from django.db.models import Count, Q

    rows = list(
        query.annotate_directive_status(Directive.objects.all(), quarter=quarters[1], today=TODAY)
        .values("topic")
        .annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(status=S.OVERDUE)),
            done=Count("pk", filter=Q(status__in=query.DONE_VALUES)),
        )
    )
    assert rows == [{"topic": topic.pk, "total": 3, "overdue": 2, "done": 1}]


def test_an_ongoing_assignment_confirmed_done_is_done_on_time_in_sql_and_rules(quarters):
    directive = f.DirectiveFactory(due_date=None, is_ongoing=True)
    assignment = f.AssignmentFactory(
        directive=directive, due_date=None, completed_on=datetime.date(2024, 5, 1)
    )
    annotated = query.annotate_assignment_status(
        Assignment.objects.filter(pk=assignment.pk), quarter=quarters[1], today=TODAY
    ).get()
    assert pure_status(assignment, quarters[1]) == S.DONE_ON_TIME == annotated.status


AS_OF = datetime.date(2024, 4, 15)


# Each day an assignment may have been finished, reported on, had its deadline moved,
# and its first deadline (None: not at all), around AS_OF.
PAST_DAY_FACTS = list(
    itertools.product(
        [None, datetime.date(2024, 4, 1), datetime.date(2024, 5, 1)],  # finished on
        [None, datetime.date(2024, 3, 20), datetime.date(2024, 5, 2)],  # an update on
        [None, datetime.date(2024, 4, 10), datetime.date(2024, 5, 5)],  # deadline moved on
        [None, datetime.date(2024, 4, 5), datetime.date(2024, 4, 20)],  # the first deadline
    )
)


def _assignment_known_on_as_of(q2, finished, reported, moved, due) -> tuple[Assignment, S]:
    """An assignment with these facts, and its status by the rules on AS_OF's facts."""
    assignment = f.AssignmentFactory(due_date=due, completed_on=finished)
    if reported is not None:
        at = datetime.datetime.combine(reported, datetime.time(9), tzinfo=datetime.UTC)
        f.ProgressUpdateFactory(assignment=assignment, quarter=q2, reported_at=at)
    due_then = due
    if moved is not None and due is not None:
        new_due = datetime.date(2024, 6, 30)
        f.DeadlineChangeFactory(
            assignment=assignment,
            old_date=due,
            new_date=new_due,
            status="approved",
            decided_at=datetime.datetime.combine(moved, datetime.time(9), tzinfo=datetime.UTC),
        )
        assignment.due_date = new_due
        assignment.save()
        due_then = new_due if moved <= AS_OF else due
    expected = rules.assignment_status(
        due_date=due_then,
        completed_on=finished if finished is not None and finished <= AS_OF else None,
        has_update=reported is not None and reported <= AS_OF,
        updated_this_quarter=reported is not None and reported <= AS_OF,
        today=AS_OF,
    )
    return assignment, expected


def test_the_status_on_a_past_day_is_the_rules_on_what_was_known_that_day(quarters):
    """``as_of`` (the briefing pack of an earlier meeting) gives what the rules give on
    that day's facts: finished, reported and the deadline in force by then. Every mix
    of the facts is an assignment of its own directive, all annotated in one query
    (81 tests of a query each took seconds)."""
    _q1, q2 = quarters
    made = {facts: _assignment_known_on_as_of(q2, *facts) for facts in PAST_DAY_FACTS}
    by_assignment = dict(
        query.annotate_assignment_status(
            Assignment.objects.all(), quarter=q2, today=AS_OF, as_of=AS_OF
        ).values_list("pk", "status")
    )
    by_directive = dict(
        query.annotate_directive_status(
            Directive.objects.all(), quarter=q2, today=AS_OF, as_of=AS_OF
        ).values_list("pk", "status")
    )
    wrong = [
        (facts, expected, by_assignment[a.pk], by_directive[a.directive_id])
        for facts, (a, expected) in made.items()
        if (by_assignment[a.pk], by_directive[a.directive_id])
        != (expected, rules.combine_statuses([expected]))
    ]
    assert len(by_directive) == len(PAST_DAY_FACTS)
    assert not wrong, "(finished, reported, moved, due), expected, in SQL, directive:\n" + (
        "\n".join(map(str, wrong))
    )
