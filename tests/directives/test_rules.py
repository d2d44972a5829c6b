"""A directive's derived status: one unit's assignment, then the directive as a whole."""

import datetime

import pytest

from directives.rules import (
    BADGE,
    DONE,
    DirectiveStatus,
    assignment_status,
    combine_statuses,
)

S = DirectiveStatus
DUE = datetime.date(2024, 6, 30)
DAY_BEFORE = datetime.date(2024, 6, 29)
DAY_AFTER = datetime.date(2024, 7, 1)
LONG_BEFORE = datetime.date(2024, 4, 2)


def status(
    *,
    due_date=DUE,
    completed_on=None,
    has_update=False,
    updated_this_quarter=False,
    today=LONG_BEFORE,
):
    return assignment_status(
        due_date=due_date,
        completed_on=completed_on,
        has_update=has_update,
        updated_this_quarter=updated_this_quarter,
        today=today,
    )


# --- assignment_status ---------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # Done: judged by the completion date against the deadline in force.
        ({"completed_on": LONG_BEFORE, "has_update": True}, S.DONE_ON_TIME),
        ({"completed_on": DAY_BEFORE, "has_update": True}, S.DONE_ON_TIME),
        ({"completed_on": DUE, "has_update": True}, S.DONE_ON_TIME),
        ({"completed_on": DAY_AFTER, "has_update": True, "today": DAY_AFTER}, S.DONE_LATE),
        (
            {"completed_on": datetime.date(2024, 9, 1), "today": datetime.date(2025, 1, 1)},
            S.DONE_LATE,
        ),
        # Once done, the passing of the deadline no longer matters.
        (
            {"completed_on": DUE, "has_update": True, "today": datetime.date(2030, 1, 1)},
            S.DONE_ON_TIME,
        ),
        # Not done: within the deadline up to and including the due date.
        ({"has_update": True, "today": LONG_BEFORE}, S.IN_PROGRESS),
        ({"has_update": True, "today": DAY_BEFORE}, S.IN_PROGRESS),
        ({"has_update": True, "today": DUE}, S.IN_PROGRESS),
        ({"has_update": True, "updated_this_quarter": True, "today": DUE}, S.IN_PROGRESS),
        # ... overdue from the day after.
        ({"has_update": True, "today": DAY_AFTER}, S.OVERDUE),
        ({"has_update": True, "updated_this_quarter": True, "today": DAY_AFTER}, S.OVERDUE),
        # No update yet: not started while within the deadline ...
        ({"today": LONG_BEFORE}, S.NOT_STARTED),
        ({"today": DUE}, S.NOT_STARTED),
        # ... and overdue wins over not started once it has passed.
        ({"today": DAY_AFTER}, S.OVERDUE),
        ({"today": datetime.date(2026, 1, 1)}, S.OVERDUE),
        # Ongoing (no deadline): current if updated this quarter, stale if not.
        ({"due_date": None, "has_update": True, "updated_this_quarter": True}, S.ONGOING_CURRENT),
        ({"due_date": None, "has_update": True, "updated_this_quarter": False}, S.ONGOING_STALE),
        # ... never overdue, however long it runs.
        (
            {"due_date": None, "has_update": True, "today": datetime.date(2035, 1, 1)},
            S.ONGOING_STALE,
        ),
        # ... and not started while nobody has reported on it at all.
        ({"due_date": None, "has_update": False}, S.NOT_STARTED),
        ({"due_date": None, "today": datetime.date(2035, 1, 1)}, S.NOT_STARTED),
        # A confirmed "done" on an ongoing directive ends it: there was no deadline to miss.
        ({"due_date": None, "completed_on": DUE, "has_update": True}, S.DONE_ON_TIME),
    ],
    ids=str,
)
def test_assignment_status(kwargs, expected):
    result = status(**kwargs)
    assert result == expected
    assert isinstance(result, DirectiveStatus)


def test_every_status_is_reachable_for_one_assignment():
    reached = {
        status(completed_on=DUE),
        status(completed_on=DAY_AFTER, today=DAY_AFTER),
        status(has_update=True, today=DUE),
        status(has_update=True, today=DAY_AFTER),
        status(today=DUE),
        status(due_date=None, has_update=True, updated_this_quarter=True),
        status(due_date=None, has_update=True),
    }
    assert reached == set(DirectiveStatus)


def test_a_moved_deadline_decides_lateness():
    """The due date passed in is the one in force after an approved deadline change."""
    moved = datetime.date(2024, 9, 30)
    assert status(due_date=DUE, completed_on=datetime.date(2024, 8, 15)) == S.DONE_LATE
    assert status(due_date=moved, completed_on=datetime.date(2024, 8, 15)) == S.DONE_ON_TIME
    assert status(due_date=moved, has_update=True, today=DAY_AFTER) == S.IN_PROGRESS


def test_a_leap_day_deadline_counts_in_full():
    leap = datetime.date(2024, 2, 29)
    assert status(due_date=leap, completed_on=leap) == S.DONE_ON_TIME
    assert status(due_date=leap, has_update=True, today=leap) == S.IN_PROGRESS
    assert status(due_date=leap, has_update=True, today=datetime.date(2024, 3, 1)) == S.OVERDUE


# --- combine_statuses ------------------------------------------------------------


@pytest.mark.parametrize(
    ("leads", "expected"),
    [
        # No lead unit yet: nothing has started.
        ([], S.NOT_STARTED),
        # One lead unit speaks for the directive.
        ([S.DONE_ON_TIME], S.DONE_ON_TIME),
        ([S.DONE_LATE], S.DONE_LATE),
        ([S.IN_PROGRESS], S.IN_PROGRESS),
        ([S.OVERDUE], S.OVERDUE),
        ([S.NOT_STARTED], S.NOT_STARTED),
        ([S.ONGOING_CURRENT], S.ONGOING_CURRENT),
        ([S.ONGOING_STALE], S.ONGOING_STALE),
        # Done only when every lead is done; late if any one was late.
        ([S.DONE_ON_TIME, S.DONE_ON_TIME, S.DONE_ON_TIME], S.DONE_ON_TIME),
        ([S.DONE_ON_TIME, S.DONE_LATE, S.DONE_ON_TIME], S.DONE_LATE),
        ([S.DONE_LATE, S.DONE_LATE], S.DONE_LATE),
        # One lead done and another not started: the directive is under way.
        ([S.DONE_ON_TIME, S.NOT_STARTED], S.IN_PROGRESS),
        ([S.NOT_STARTED, S.DONE_LATE], S.IN_PROGRESS),
        ([S.NOT_STARTED, S.NOT_STARTED], S.NOT_STARTED),
        ([S.NOT_STARTED, S.IN_PROGRESS], S.IN_PROGRESS),
        ([S.DONE_ON_TIME, S.IN_PROGRESS], S.IN_PROGRESS),
        # Overdue beats everything unfinished, and any number of done leads.
        ([S.OVERDUE, S.IN_PROGRESS], S.OVERDUE),
        ([S.NOT_STARTED, S.OVERDUE], S.OVERDUE),
        ([S.DONE_ON_TIME, S.DONE_LATE, S.OVERDUE], S.OVERDUE),
        ([S.OVERDUE, S.ONGOING_STALE, S.ONGOING_CURRENT], S.OVERDUE),
        ([S.IN_PROGRESS, S.OVERDUE, S.NOT_STARTED, S.DONE_ON_TIME], S.OVERDUE),
        # Ongoing directives: one stale lead makes the directive stale.
        ([S.ONGOING_CURRENT, S.ONGOING_CURRENT], S.ONGOING_CURRENT),
        ([S.ONGOING_CURRENT, S.ONGOING_STALE], S.ONGOING_STALE),
        ([S.ONGOING_STALE, S.NOT_STARTED], S.ONGOING_STALE),
        ([S.ONGOING_CURRENT, S.NOT_STARTED], S.ONGOING_CURRENT),
        ([S.ONGOING_STALE, S.IN_PROGRESS], S.ONGOING_STALE),
        ([S.ONGOING_CURRENT, S.IN_PROGRESS], S.IN_PROGRESS),
        ([S.DONE_ON_TIME, S.ONGOING_CURRENT], S.ONGOING_CURRENT),
    ],
    ids=lambda value: "+".join(value) if isinstance(value, list) else str(value),
)
def test_combine_statuses(leads, expected):
    assert combine_statuses(leads) == expected


@pytest.mark.parametrize(
    "leads",
    [
        [S.OVERDUE, S.IN_PROGRESS, S.NOT_STARTED, S.DONE_LATE],
        [S.ONGOING_STALE, S.DONE_ON_TIME, S.ONGOING_CURRENT],
        [S.DONE_LATE, S.DONE_ON_TIME, S.DONE_ON_TIME],
        [S.NOT_STARTED, S.DONE_ON_TIME, S.NOT_STARTED],
    ],
)
def test_the_order_of_the_leads_does_not_matter(leads):
    expected = combine_statuses(leads)
    assert combine_statuses(reversed(leads)) == expected
    assert combine_statuses(sorted(leads)) == expected


def test_combine_statuses_accepts_any_iterable_once():
    assert combine_statuses(s for s in [S.DONE_ON_TIME, S.DONE_LATE]) == S.DONE_LATE


def test_combine_statuses_accepts_plain_strings_as_read_from_the_database():
    assert combine_statuses(["done_on_time", "done_late"]) == S.DONE_LATE
    assert combine_statuses(["done_on_time", "done_on_time"]) == S.DONE_ON_TIME
    assert combine_statuses(["done_on_time", "not_started"]) == S.IN_PROGRESS
    assert combine_statuses(["in_progress", "overdue"]) == S.OVERDUE
    assert combine_statuses(["ongoing_current", "ongoing_stale"]) == S.ONGOING_STALE
    assert isinstance(combine_statuses(["in_progress", "overdue"]), DirectiveStatus)


# --- the vocabulary ----------------------------------------------------------------


def test_statuses_are_plain_strings():
    assert S.DONE_ON_TIME == "done_on_time"
    assert "done_late" in DONE
    assert "in_progress" not in DONE
    assert {"overdue": 1}[S.OVERDUE] == 1
    assert set(S.values) == {
        "done_on_time",
        "done_late",
        "in_progress",
        "overdue",
        "not_started",
        "ongoing_current",
        "ongoing_stale",
    }


def test_only_the_two_done_statuses_count_as_done():
    assert {S.DONE_ON_TIME, S.DONE_LATE} == DONE


def test_every_status_has_a_badge_colour_and_a_label():
    assert set(BADGE) == set(DirectiveStatus)
    assert BADGE["overdue"] == "danger"
    assert BADGE["done_on_time"] == "success"
    assert set(BADGE.values()) <= {"success", "warning", "primary", "danger", "secondary", "info"}
    for value, label in S.choices:
        assert value
        assert str(label)
