"""Which units owe the quarter's report, which reports are filed, and who filed on time.

Every page, export and command that counts reports asks here (docs/ARCHITECTURE.md):
the quarter page and its documents, the review queue, the reminders and the
briefing pack.

- A unit owes (and may start) a report for a quarter when it files reports and
  exists on the quarter's last day: ``Unit.owes_report_for``, in SQL
  ``expected_units``.
- A report is filed while it is submitted or accepted: ``UnitReport.is_filed``, in
  SQL ``reports.models.filed_q``. A returned report is not: the unit must file again.
- A filed report is on time or late by its first submission: ``UnitReport.timeliness``
  and ``rules.report_timeliness``, in SQL ``filed_at_expression`` against
  ``rules.late_from``.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from django.core.paginator import Page
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from common import caching
from common.types import StrOrPromise
from reports import rules
from reports.models import (
    Quarter,
    ReportStatus,
    Unit,
    UnitKind,
    UnitReport,
    filed_at_expression,
    filed_q,
    name_on_expression,
)
from reports.permissions import Scope, submitted_once_q

if TYPE_CHECKING:
    from _typeshed import DataclassInstance
    from django_stubs_ext import WithAnnotations

R = TypeVar("R", bound="DataclassInstance")

UNIT_LIST_LIMIT = 100  # a province lists every unit; a national scope, the exceptions


class StandingFields(TypedDict):
    """What ``units_with_standing`` adds to each unit."""

    report_id: int | None
    report_status: str | None
    is_filed: bool
    filed_at: datetime.datetime | None
    submitted_once: bool
    is_sample: bool | None


if TYPE_CHECKING:
    UnitWithStanding = WithAnnotations[Unit, StandingFields]


@dataclass
class Counts:
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0  # not filed, past the due date
    not_due: int = 0  # not filed, before the due date
    accepted: int = 0
    awaiting: int = 0  # filed but not (yet) accepted
    sample: int = 0  # filed reports that are sample data (``UnitReport.sample``)

    @property
    def filed(self) -> int:
        return self.on_time + self.late

    @property
    def not_filed(self) -> int:
        return self.missing + self.not_due

    @property
    def not_on_time(self) -> int:
        """The units ``not_on_time`` lists: not filed, or filed late."""
        return self.not_filed + self.late

    @property
    def filed_rate(self) -> Decimal | None:
        return rules.rate(self.filed, self.expected)

    @property
    def on_time_rate(self) -> Decimal | None:
        return rules.rate(self.on_time, self.expected)

    def add(self, other: Counts) -> None:
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class UnitStanding:
    unit_id: int
    code: str
    name: str  # as on the quarter's last day (``Unit.name_on``)
    kind: str
    report_id: int | None
    status: str | None
    filed_at: datetime.datetime | None
    submitted_once: bool  # what the unit submitted may be read (``has_been_submitted``)
    timeliness: rules.Timeliness

    @property
    def kind_label(self) -> StrOrPromise:
        return UnitKind(self.kind).label

    @property
    def status_label(self) -> StrOrPromise:
        return ReportStatus(self.status).label if self.status else ""


@dataclass
class Completeness:
    """The counts, complete, and the units listed: every expected unit, or, when there
    are more than a page can show, only those not on time (late, missing, not yet
    filed), ``UNIT_LIST_LIMIT`` to a page."""

    units: list[UnitStanding]
    total: Counts
    by_kind: list[tuple[str, StrOrPromise, Counts]]  # (kind, label, counts) in the kinds' order
    units_page: Page | None = None  # the exceptions' page, when they are paged

    @property
    def exceptions_only(self) -> bool:
        return self.units_page is not None


def expected_units(*, quarter: Quarter, scope: Scope) -> QuerySet[Unit]:
    """The units of ``scope`` that owe a report for the quarter.

    A unit owes (and may start) a quarter's report when it files reports and is
    active on the quarter's last day (``Unit.owes_report_for``): the unit that
    carries the work at the end of the quarter reports the whole quarter, so a unit
    that ended during the quarter (its work handed to its successor) is not
    expected, a unit that ended on the last day is, and so is a unit that began
    during the quarter.
    """
    return scope.filter(Unit.objects.owing_report_for(quarter), "id")


def counted_reports(*, quarter: Quarter, scope: Scope) -> QuerySet[UnitReport]:
    """The quarter's reports whose texts and values count: the filed ones in scope."""
    return scope.filter(UnitReport.objects.filed().filter(quarter=quarter))


def _flag(condition: Q) -> Case:
    true, false = Value(True), Value(False)
    return Case(When(condition, then=true), default=false, output_field=BooleanField())


def units_with_standing(
    *, quarter: Quarter, scope: Scope, as_of: datetime.date | None = None
) -> QuerySet[UnitWithStanding]:
    """The expected units, each with its report of the quarter: ``report_id``,
    ``report_status``, ``is_filed``, ``filed_at`` (the first submission of a filed
    report, else None) and ``submitted_once`` (what it submitted may be read).

    With ``as_of``, a past day, as they stood then (a briefing pack of an earlier
    meeting): a report counts as filed if it was first submitted by that day, and its
    status then is not known (``report_status`` is None)."""
    units = expected_units(quarter=quarter, scope=scope).annotate(
        qr=FilteredRelation("reports", condition=Q(reports__quarter=quarter))
    )
    if as_of is not None:
        # The first submission, or the last where the first is not on record (as filed_at).
        submitted = Coalesce("qr__first_submitted_at", "qr__submitted_at")
        by_then = Q(submitted_on__lte=as_of)
        return units.annotate(submitted_on=TruncDate(submitted)).annotate(
            report_id=F("qr__id"),
            report_status=Value(None, output_field=CharField()),
            is_filed=_flag(by_then),
            filed_at=Case(When(by_then, then=submitted), default=None),
            submitted_once=_flag(submitted_once_q("qr__")),
            is_sample=F("qr__sample"),
        )
    return units.annotate(
        report_id=F("qr__id"),
        report_status=F("qr__status"),
        is_filed=_flag(filed_q("qr__")),
        filed_at=filed_at_expression("qr__"),
        submitted_once=_flag(submitted_once_q("qr__")),
        is_sample=F("qr__sample"),
    )


def filed_late(quarter: Quarter) -> Q:
    """Filed after the due date (``rules.is_late``), over ``units_with_standing``."""
    return Q(filed_at__gte=rules.late_from(quarter.due_date))


def not_on_time(quarter: Quarter) -> Q:
    """Not filed, or filed late, over ``units_with_standing``; as many as
    ``Counts.not_on_time`` (a report has a filing time only while it is filed)."""
    return Q(is_filed=False) | filed_late(quarter)


def count_columns(quarter: Quarter) -> dict:
    """The aggregates of ``Counts`` over ``units_with_standing``."""
    filed, late = Q(is_filed=True), filed_late(quarter)
    return {
        "expected": Count("id"),
        # a filed report with no submission time on record cannot be late
        "on_time": Count("id", filter=filed & (Q(filed_at__isnull=True) | ~late)),
        "late": Count("id", filter=filed & late),
        "unfiled": Count("id", filter=Q(is_filed=False)),
        "accepted": Count("id", filter=Q(report_status=ReportStatus.ACCEPTED)),
        "awaiting": Count("id", filter=Q(report_status=ReportStatus.SUBMITTED)),
        "sample": Count("id", filter=filed & Q(is_sample=True)),
    }


def counts_of_row(row: Mapping[str, Any], *, past_due: bool) -> Counts:
    return Counts(
        expected=row["expected"],
        on_time=row["on_time"],
        late=row["late"],
        missing=row["unfiled"] if past_due else 0,
        not_due=0 if past_due else row["unfiled"],
        accepted=row["accepted"],
        awaiting=row["awaiting"],
        sample=row["sample"],
    )


def from_row(cls: type[R], row: Mapping[str, Any], **more: Any) -> R:
    """A ``cls`` (a dataclass) from the values of a ``values()`` row named as its
    fields, and ``more``; the row's other values are left out."""
    names = {f.name for f in fields(cls)}
    return cls(**{name: value for name, value in row.items() if name in names}, **more)


def completeness_counts(
    *,
    quarter: Quarter,
    scope: Scope,
    today: datetime.date | None = None,
    kind: str = "",
    as_of: datetime.date | None = None,
) -> Counts:
    """Expected, on time, late, missing… for the quarter in ``scope``, of one kind of
    unit if ``kind`` is given (1 query whatever the number of units); with ``as_of``,
    as they stood on that past day (``units_with_standing``; ``today`` is that day)."""
    today = as_of or today or timezone.localdate()
    units = units_with_standing(quarter=quarter, scope=scope, as_of=as_of)
    if kind:
        units = units.filter(kind=kind)
    row = units.aggregate(**count_columns(quarter))
    return counts_of_row(row, past_due=quarter.is_past_due(today))


def units_not_filed(*, quarter: Quarter, scope: Scope, kind: str = "") -> QuerySet[Unit]:
    """Expected units without a filed report for the quarter (1 query): those the queue
    lists as missing and the reminders are sent to. A returned report is not filed."""
    filed = UnitReport.objects.filed().filter(unit=OuterRef("pk"), quarter=quarter)
    units = expected_units(quarter=quarter, scope=scope).filter(~Exists(filed))
    if kind:
        units = units.filter(kind=kind)
    return units.order_by("display_order", "name")


def kept_for_the_quarter(
    name: str, *, quarter: Quarter, scope: Scope, parts: tuple, compute: Callable[[], R]
) -> R:
    """``compute()``, which reads the quarter's units and reports, kept under what it is
    worked out from: the quarter's ``figures_token`` (renewed by any report, unit, unit
    name or link saved or deleted: reports.signals), its dates, the scope's units and
    ``parts`` (whether the due date has passed). Shared by every process for the
    commission's scopes (``common.caching.shared``); a unit's own is kept in the
    process's memory only (``common.caching.kept``), as its figures are: the shared
    cache holds the commission's. ``quarter`` as the request read it: a copy read
    before a change holds the token from before it."""
    dates = (quarter.start_date, quarter.end_date, quarter.due_date)
    key = "|".join(map(str, (quarter.id, quarter.figures_token, *dates, scope.key, *parts)))
    keep = caching.shared if scope.is_commissions else caching.kept
    return keep(f"{name}:{hashlib.sha256(key.encode()).hexdigest()}", compute)


def quarter_completeness(
    *,
    quarter: Quarter,
    scope: Scope,
    today: datetime.date | None = None,
    limit: int | None = None,
    page: str | int | None = None,
) -> Completeness:
    """The counts by kind and the units listed with their report's standing (2
    queries; when the units are many, only those not on time are listed, by page,
    ``page`` being the page's number), kept (``kept_for_the_quarter``): at national
    scale they read 20,000 units."""
    today = today or timezone.localdate()
    limit = limit or UNIT_LIST_LIMIT
    if page not in (None, "", 1, "1"):
        # A later page of the units not on time is read each time: any page number may
        # be asked for, and each would take a place in the shared cache.
        return _quarter_completeness(quarter, scope, today, limit, page)
    return kept_for_the_quarter(
        "quarter-completeness",
        quarter=quarter,
        scope=scope,
        parts=(quarter.is_past_due(today), limit),
        compute=lambda: _quarter_completeness(quarter, scope, today, limit, None),
    )


def _quarter_completeness(
    quarter: Quarter, scope: Scope, today: datetime.date, limit: int, page: str | int | None
) -> Completeness:
    units = units_with_standing(quarter=quarter, scope=scope)
    past_due = quarter.is_past_due(today)
    grouped = units.values("kind").annotate(**count_columns(quarter)).order_by("kind")
    by_kind_counts = {}
    total = Counts()
    for row in grouped:
        counts = counts_of_row(row, past_due=past_due)
        by_kind_counts[row["kind"]] = counts
        total.add(counts)
    by_kind: list[tuple[str, StrOrPromise, Counts]] = [
        (kind, label, by_kind_counts[kind])
        for kind, label in UnitKind.choices
        if kind in by_kind_counts
    ]

    exceptions_only = total.expected > limit
    listed = units.filter(not_on_time(quarter)) if exceptions_only else units
    # Each unit by the name it carried on the quarter's last day, as the .docx does.
    rows = listed.values(
        "code",
        "kind",
        "report_id",
        "is_filed",
        "filed_at",
        "submitted_once",
        unit_id=F("id"),
        status=F("report_status"),
        name_then=name_on_expression(quarter.end_date),
    ).order_by("display_order", "name_then", "id")
    # Counted above: a paginator would count them again.
    units_page = (
        caching.Counted(total.not_on_time, limit, rows).get_page(page) if exceptions_only else None
    )
    standings = [
        from_row(
            UnitStanding,
            row,
            name=row["name_then"],
            timeliness=rules.report_timeliness(
                due_date=quarter.due_date,
                submitted_at=row["filed_at"],
                today=today,
                filed=row["is_filed"],
            ),
        )
        for row in (units_page.object_list if units_page else rows)
    ]
    return Completeness(
        units=standings,
        total=total,
        by_kind=by_kind,
        units_page=None
        if units_page is None
        else caching.counted_page(standings, units_page.paginator.count, units_page.number, limit),
    )
