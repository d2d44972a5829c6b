"""The reporting cycle's pure rules: lateness, timeliness, quarters and rates."""

import datetime
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from reports.rules import (
    ROMAN,
    Timeliness,
    days_left,
    is_late,
    is_past_due,
    late_from,
    local_date,
    quarter_bounds,
    quarter_of,
    rate,
    report_timeliness,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = datetime.UTC
DUE = datetime.date(2024, 3, 10)


def hanoi(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HANOI)


def utc(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


# --- is_late ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted_at", "late"),
    [
        (hanoi(2024, 3, 1, 8, 0), False),
        (hanoi(2024, 3, 10, 0, 0), False),
        (hanoi(2024, 3, 10, 23, 59), False),
        (hanoi(2024, 3, 10, 23, 59, 59, 999999), False),
        (hanoi(2024, 3, 11, 0, 0), True),
        (hanoi(2024, 3, 11, 0, 0, 1), True),
        (hanoi(2024, 4, 2, 9, 0), True),
        # 23:59:59 in Hà Nội on the 10th is 16:59:59 UTC, still the due date locally.
        (utc(2024, 3, 10, 16, 59, 59), False),
        # 17:00 UTC is already midnight of the 11th in Hà Nội.
        (utc(2024, 3, 10, 17, 0, 0), True),
        # Early on the 10th in Hà Nội is still the 9th in UTC: on time either way.
        (utc(2024, 3, 9, 17, 30), False),
    ],
    ids=str,
)
def test_a_submission_is_late_only_after_the_due_date_in_hanoi(submitted_at, late):
    assert is_late(due_date=DUE, submitted_at=submitted_at) is late


def test_the_same_instant_in_another_time_zone_gets_the_same_verdict():
    instant = utc(2024, 3, 10, 17, 0, 0)
    in_new_york = instant.astimezone(ZoneInfo("America/New_York"))  # still the 10th there
    assert in_new_york.date() == DUE
    assert is_late(due_date=DUE, submitted_at=in_new_york) is True


def test_lateness_does_not_depend_on_the_time_zone_activated_for_a_request():
    on_time = utc(2024, 3, 10, 16, 59, 59)
    late = utc(2024, 3, 10, 17, 0, 0)
    for zone in ("UTC", "America/Los_Angeles", "Pacific/Kiritimati"):
        with timezone.override(zone):
            assert is_late(due_date=DUE, submitted_at=on_time) is False
            assert is_late(due_date=DUE, submitted_at=late) is True


def test_local_date_reads_the_calendar_day_in_hanoi():
    assert local_date(utc(2024, 12, 31, 16, 59)) == datetime.date(2024, 12, 31)
    assert local_date(utc(2024, 12, 31, 17, 0)) == datetime.date(2025, 1, 1)


def test_a_naive_submission_time_is_refused_rather_than_guessed():
    with pytest.raises(ValueError):
        is_late(due_date=DUE, submitted_at=datetime.datetime(2024, 3, 10, 23, 0))


# --- report_timeliness ------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted_at", "today", "expected"),
    [
        # Submitted: on time or late, whatever today is.
        (hanoi(2024, 3, 5, 9, 0), datetime.date(2024, 3, 5), Timeliness.ON_TIME),
        (hanoi(2024, 3, 10, 23, 59), datetime.date(2024, 3, 11), Timeliness.ON_TIME),
        (hanoi(2024, 3, 10, 23, 59), datetime.date(2025, 1, 1), Timeliness.ON_TIME),
        (hanoi(2024, 3, 11, 0, 0), datetime.date(2024, 3, 11), Timeliness.LATE),
        (utc(2024, 3, 10, 17, 0), datetime.date(2024, 6, 1), Timeliness.LATE),
        (utc(2024, 3, 10, 16, 59, 59), datetime.date(2024, 6, 1), Timeliness.ON_TIME),
        # Not submitted: not due up to and including the due date, missing after it.
        (None, datetime.date(2024, 1, 1), Timeliness.NOT_DUE),
        (None, datetime.date(2024, 3, 9), Timeliness.NOT_DUE),
        (None, DUE, Timeliness.NOT_DUE),
        (None, datetime.date(2024, 3, 11), Timeliness.MISSING),
        (None, datetime.date(2025, 3, 10), Timeliness.MISSING),
    ],
    ids=str,
)
def test_report_timeliness_covers_every_case(submitted_at, today, expected):
    result = report_timeliness(due_date=DUE, submitted_at=submitted_at, today=today)
    assert result == expected
    assert isinstance(result, Timeliness)


def test_a_report_not_filed_is_missing_whatever_it_was_once_submitted():
    # A returned report: sent on time once, back with its unit past the due date.
    first = hanoi(2024, 3, 5, 9, 0)
    after_due = datetime.date(2024, 3, 20)
    assert (
        report_timeliness(due_date=DUE, submitted_at=first, today=after_due, filed=False)
        == Timeliness.MISSING
    )
    assert (
        report_timeliness(due_date=DUE, submitted_at=first, today=after_due, filed=True)
        == Timeliness.ON_TIME
    )


def test_a_filed_report_with_no_submission_time_on_record_is_on_time():
    assert (
        report_timeliness(due_date=DUE, submitted_at=None, today=DUE, filed=True)
        == Timeliness.ON_TIME
    )


def test_every_timeliness_value_is_reachable():
    reached = {
        report_timeliness(due_date=DUE, submitted_at=hanoi(2024, 3, 9, 8), today=DUE),
        report_timeliness(due_date=DUE, submitted_at=hanoi(2024, 3, 12, 8), today=DUE),
        report_timeliness(due_date=DUE, submitted_at=None, today=datetime.date(2024, 3, 11)),
        report_timeliness(due_date=DUE, submitted_at=None, today=DUE),
    }
    assert reached == set(Timeliness)


def test_timeliness_values_are_plain_strings():
    assert Timeliness.LATE == "late"
    assert "missing" in {Timeliness.MISSING}
    assert set(Timeliness.values) == {"on_time", "late", "missing", "not_due"}


# --- days_left -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2024, 2, 29), 10),
        (datetime.date(2024, 3, 9), 1),
        (DUE, 0),
        (datetime.date(2024, 3, 11), -1),
        (datetime.date(2025, 3, 10), -365),
    ],
    ids=str,
)
def test_days_left_counts_down_to_zero_on_the_due_date_then_goes_negative(today, expected):
    assert days_left(due_date=DUE, today=today) == expected


# --- quarters --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2024, 1, 1), (2024, 1)),
        (datetime.date(2024, 3, 31), (2024, 1)),
        (datetime.date(2024, 4, 1), (2024, 2)),
        (datetime.date(2024, 6, 30), (2024, 2)),
        (datetime.date(2024, 7, 1), (2024, 3)),
        (datetime.date(2024, 9, 30), (2024, 3)),
        (datetime.date(2024, 10, 1), (2024, 4)),
        (datetime.date(2024, 12, 31), (2024, 4)),
        (datetime.date(2024, 2, 29), (2024, 1)),
    ],
    ids=str,
)
def test_quarter_of_puts_each_day_in_its_quarter(day, expected):
    assert quarter_of(day) == expected


@pytest.mark.parametrize(
    ("year", "number", "first", "last"),
    [
        (2023, 1, datetime.date(2023, 1, 1), datetime.date(2023, 3, 31)),
        (2023, 2, datetime.date(2023, 4, 1), datetime.date(2023, 6, 30)),
        (2023, 3, datetime.date(2023, 7, 1), datetime.date(2023, 9, 30)),
        (2023, 4, datetime.date(2023, 10, 1), datetime.date(2023, 12, 31)),
        (2024, 1, datetime.date(2024, 1, 1), datetime.date(2024, 3, 31)),
        (2024, 4, datetime.date(2024, 10, 1), datetime.date(2024, 12, 31)),
    ],
    ids=str,
)
def test_quarter_bounds_are_the_first_and_last_day(year, number, first, last):
    assert quarter_bounds(year, number) == (first, last)


@pytest.mark.parametrize(("year", "days"), [(2023, 90), (2024, 91), (2100, 90), (2000, 91)])
def test_the_first_quarter_is_a_day_longer_in_leap_years(year, days):
    first, last = quarter_bounds(year, 1)
    assert (last - first).days + 1 == days


@pytest.mark.parametrize("year", [2023, 2024])
def test_quarters_tile_the_year_without_gaps_or_overlaps(year):
    bounds = [quarter_bounds(year, n) for n in (1, 2, 3, 4)]
    assert bounds[0][0] == datetime.date(year, 1, 1)
    assert bounds[-1][1] == datetime.date(year, 12, 31)
    for (_, end), (start, _) in itertools.pairwise(bounds):
        assert start - end == datetime.timedelta(days=1)
    total = sum((last - first).days + 1 for first, last in bounds)
    assert total == (366 if year == 2024 else 365)


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_every_day_of_a_quarter_belongs_to_it(number):
    first, last = quarter_bounds(2024, number)
    day = first
    while day <= last:
        assert quarter_of(day) == (2024, number)
        day += datetime.timedelta(days=1)


def test_quarters_are_numbered_in_roman_numerals():
    assert ROMAN == {1: "I", 2: "II", 3: "III", 4: "IV"}


# --- rate ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (0, 0, None),
        (5, 0, None),
        (1, -1, None),
        (0, 7, Decimal("0.0")),
        (7, 7, Decimal("100.0")),
        (1, 2, Decimal("50.0")),
        (1, 3, Decimal("33.3")),
        (2, 3, Decimal("66.7")),
        (1, 7, Decimal("14.3")),
        (13, 17, Decimal("76.5")),
        # Halves round up, as a spreadsheet does, never to the even digit.
        (1, 16, Decimal("6.3")),
        (3, 16, Decimal("18.8")),
        (1, 400, Decimal("0.3")),
        (3, 400, Decimal("0.8")),
        (1, 2000, Decimal("0.1")),
        (1, 3000, Decimal("0.0")),
        (299, 300, Decimal("99.7")),
    ],
    ids=str,
)
def test_rate_is_a_percentage_with_one_decimal(numerator, denominator, expected):
    result = rate(numerator, denominator)
    assert result == expected
    if expected is not None:
        assert isinstance(result, Decimal)
        assert result.as_tuple().exponent == -1


def test_rates_close_to_complete_round_like_a_spreadsheet():
    assert rate(2999, 3000) == Decimal("100.0")  # 99.966…
    assert rate(1999, 2000) == Decimal("100.0")  # 99.95, half up
    assert rate(1998, 2000) == Decimal("99.9")
    assert rate(3, 2) == Decimal("150.0")  # more than the whole is shown as it is


def test_late_from_is_the_first_moment_is_late_calls_late():
    cutoff = late_from(DUE)
    assert not is_late(due_date=DUE, submitted_at=cutoff - datetime.timedelta(seconds=1))
    assert is_late(due_date=DUE, submitted_at=cutoff)


def test_the_due_date_itself_is_not_past_due():
    due = datetime.date(2024, 4, 10)
    assert not is_past_due(due_date=due, today=due)
    assert is_past_due(due_date=due, today=due + datetime.timedelta(days=1))
