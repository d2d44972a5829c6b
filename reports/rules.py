"""Pure rules of the reporting cycle: functions of the data, no queries.

Models, selectors, views and exports all call these, so a report is judged
late by the same rule on every page and in every export.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.dates import day_after

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class Timeliness(models.TextChoices):
    """Where a unit's report stands against its quarter's due date."""

    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    MISSING = "missing", _("Missing")
    NOT_DUE = "not_due", _("Not yet due")


def local_date(moment: datetime.datetime) -> datetime.date:
    """The calendar date of ``moment`` in the site's time zone (Asia/Ho_Chi_Minh).

    Always the site's zone, never the one activated for a request, so a report
    is late on every page or on none.
    """
    return timezone.localdate(moment, timezone.get_default_timezone())


def is_late(*, due_date: datetime.date, submitted_at: datetime.datetime) -> bool:
    """A submission is late when its local date falls after the due date.

    The due date itself counts in full: 23:59 in Hà Nội on the due date is on
    time even though it is already the next day nowhere else that matters.
    """
    return local_date(submitted_at) > due_date


def late_from(due_date: datetime.date) -> datetime.datetime:
    """The first moment that is late: midnight after the due date in the site's
    time zone. The SQL twin of ``is_late``, for counting in the database."""
    return day_after(due_date)


def is_past_due(*, due_date: datetime.date, today: datetime.date) -> bool:
    """Whether the due date has passed: the due date itself counts in full."""
    return today > due_date


def report_timeliness(
    *,
    due_date: datetime.date,
    submitted_at: datetime.datetime | None,
    today: datetime.date,
    filed: bool | None = None,
) -> Timeliness:
    """On time or late while the report is filed, judged by ``submitted_at`` (its first
    submission); missing (past due) or not yet due while it is not.

    ``filed`` says whether the report counts as filed (``UnitReport.is_filed``); by
    default, whether it has a submission. A filed report with no submission time on
    record cannot be shown late: it is on time.
    """
    if filed is None:
        filed = submitted_at is not None
    if filed:
        if submitted_at is not None and is_late(due_date=due_date, submitted_at=submitted_at):
            return Timeliness.LATE
        return Timeliness.ON_TIME
    if is_past_due(due_date=due_date, today=today):
        return Timeliness.MISSING
    return Timeliness.NOT_DUE


def days_left(*, due_date: datetime.date, today: datetime.date) -> int:
    """Days until the due date: 0 on the day itself, negative once it has passed."""
    return (due_date - today).days


def quarter_of(day: datetime.date) -> tuple[int, int]:
    """The (year, number) of the quarter containing ``day``."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, number: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of a quarter."""
    first = datetime.date(year, 3 * number - 2, 1)
    if number == 4:
        last = datetime.date(year, 12, 31)
    else:
        last = datetime.date(year, 3 * number + 1, 1) - datetime.timedelta(days=1)
    return first, last


def quarter_with_neighbours(year: int, number: int) -> tuple[datetime.date, datetime.date]:
    """First day of the quarter before and last day of the quarter after: where a
    quarter's briefing may fall (it is held near the quarter it reviews)."""
    before = (year - 1, 4) if number == 1 else (year, number - 1)
    after = (year + 1, 1) if number == 4 else (year, number + 1)
    return quarter_bounds(*before)[0], quarter_bounds(*after)[1]


def rate(numerator: int, denominator: int) -> Decimal | None:
    """A percentage with one decimal, or None when there is nothing to divide by.

    Halves round up (1 of 16 is 6.3%), as in the spreadsheets the figures are
    checked against, not to the even digit.
    """
    if denominator <= 0:
        return None
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), ROUND_HALF_UP)
