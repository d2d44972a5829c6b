"""Reads of reporting data, narrowed to what the user may see."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import NamedTuple

from django.db.models import (
    Case,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.forms import BoundField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.history import person_name
from common.text import search_words
from reports import permissions
from reports.aggregation.lineage import Lineage
from reports.changes import Changes, compare
from reports.issuers import issuing_commission
from reports.lineage import predecessor_weights
from reports.models import (
    STAFF_ROLES,
    Aggregation,
    ConsolidatedQuote,
    ConsolidatedReport,
    FollowUp,
    Indicator,
    IndicatorValue,
    Membership,
    Quarter,
    ReminderLog,
    ReportEvent,
    ReportSections,
    ReportStatus,
    ReportVersion,
    ReviewEvent,
    Unit,
    UnitReport,
    filed_q,
)
from reports.permissions import Scope


def memberships_of(user) -> QuerySet[Membership]:
    """The user's memberships (every role) with their units, for the home page."""
    return Membership.objects.filter(user=user).select_related("unit")


def staff_memberships_of(user) -> QuerySet[Membership]:
    """The units the user works in, as reporter or head: their workspace."""
    return memberships_of(user).filter(role__in=STAFF_ROLES)


def load_former_names(units: Iterable[Unit]) -> None:
    """Read the former names of ``units`` in one query, so that naming each of them as
    on a date (``Unit.name_on``, ``label_on``) asks the database nothing more."""
    prefetch_related_objects(list(units), "former_names")


def reports_visible_to(user) -> QuerySet[UnitReport]:
    """Every report the user may open: the twin of ``can_view_submitted_versions``.

    Own units' reports in any status; for reviewers and leadership every report of
    their subtrees that was ever submitted (of a returned one they read what was
    submitted); those the predecessors of either submitted
    (``permissions.inherits_from``); for the administrator everything.
    """
    reports = UnitReport.objects.select_related("unit", "quarter")
    if not user.is_authenticated:
        return reports.none()
    if permissions.is_admin(user):
        return reports
    own = Q(unit_id__in=list(permissions.unit_roles(user)))
    inherited = Q(unit_id__in=list(permissions.inherited_unit_ids(user)))
    filed_in = own | (inherited & permissions.submitted_once_q())
    if permissions.oversees(user):
        overseen = permissions.overseen_units(user)
        in_scope = Q() if overseen is None else Q(unit_id__in=overseen)
        return reports.filter(filed_in | (in_scope & permissions.submitted_once_q()))
    return reports.filter(filed_in)


def _versions_with_decisions(report: UnitReport) -> QuerySet[ReportVersion]:
    """The report's submitted versions with who submitted each and its review decisions."""
    return report.versions.select_related("submitted_by").prefetch_related(
        Prefetch("review_events", queryset=ReviewEvent.objects.select_related("by"))
    )


def report_versions(report: UnitReport) -> list[ReportVersion]:
    """The report's submitted versions, newest first, each with its review decisions
    (two queries)."""
    return list(_versions_with_decisions(report))


def report_version(report: UnitReport, number: int) -> ReportVersion | None:
    """One submitted version with its values and review decisions, or None."""
    return (
        _versions_with_decisions(report)
        .prefetch_related("values", "annexes")
        .filter(number=number)
        .first()
    )


def follow_ups(*, unit: Unit, quarter: Quarter) -> tuple[dict[int, FollowUp], dict[int, FollowUp]]:
    """The reviewers' follow-up marks on the unit's report of ``quarter`` and on its
    report of the quarter before (what the unit is asked to follow now), each by
    indicator id (one query)."""
    year, number = quarter.previous_key()
    marks = FollowUp.objects.filter(
        Q(report__quarter=quarter) | Q(report__quarter__year=year, report__quarter__number=number),
        report__unit=unit,
    ).select_related("by", "report__quarter")
    here: dict[int, FollowUp] = {}
    before: dict[int, FollowUp] = {}
    for mark in marks:
        (here if mark.report.quarter_id == quarter.id else before)[mark.indicator_id] = mark
    return here, before


@dataclass(frozen=True)
class VersionChanges:
    """What submission ``later`` changed since ``earlier``, the one before it (the one
    a reviewer returned or reopened), for the report and version pages."""

    earlier: ReportVersion
    later: ReportVersion
    changes: Changes


def version_changes(report: UnitReport, later: ReportVersion | None) -> VersionChanges | None:
    """``later`` against the submission before it (three queries), or None for a first
    submission. ``later`` comes from ``report_version`` (its values read)."""
    if later is None or later.number <= 1:
        return None
    earlier = report_version(report, later.number - 1)
    if earlier is None:
        return None
    return VersionChanges(earlier=earlier, later=later, changes=compare(earlier, later))


def _report_with_people(**lookup: object) -> UnitReport | None:
    """The report ``lookup`` finds, with its unit, quarter and who submitted and reviewed it."""
    return (
        UnitReport.objects.select_related("unit", "quarter", "submitted_by", "reviewed_by")
        .filter(**lookup)
        .first()
    )


def _report_if(
    user, pk: int, may: Callable[[permissions.AnyUser, UnitReport], bool]
) -> UnitReport | None:
    report = _report_with_people(pk=pk)
    return report if report is not None and may(user, report) else None


def get_submitted_report_for_user(user, pk: int) -> UnitReport | None:
    """The report ``pk`` if the user may read what was submitted of it (else None: 404)."""
    return _report_if(user, pk, permissions.can_view_submitted_versions)


def report_for(*, unit: Unit, quarter: Quarter) -> UnitReport | None:
    """The unit's report for the quarter with what its page shows, or None."""
    return _report_with_people(unit=unit, quarter=quarter)


def get_report_for_user(user, pk: int) -> UnitReport | None:
    """The report ``pk`` if the user may see it (None means 404: existence is private)."""
    return _report_if(user, pk, permissions.can_view_report)


@dataclass
class IndicatorRow:
    indicator: Indicator
    previous: Decimal | None = None
    # What the report page (reports.views) adds for its template (``flags`` first:
    # below, ``field`` names an attribute). The quality flags of the saved value:
    flags: list[str] = field(default_factory=list)
    follow_up: FollowUp | None = None  # a reviewer's mark on this report's value
    asked: FollowUp | None = None  # the mark on the same value of the quarter before
    value: IndicatorValue | None = None
    field: BoundField | None = None
    note_field: BoundField | None = None
    note_holds_field: BoundField | None = None  # "this note still explains the new value"
    conflict: bool = False


@dataclass
class IndicatorGroup:
    name: str
    rows: list[IndicatorRow] = field(default_factory=list)


def indicators_for_kind(kind: str) -> list[Indicator]:
    """Active indicators that apply to a kind of unit (the catalogue is small: one query)."""
    return [i for i in Indicator.objects.filter(is_active=True) if i.applies_to(kind)]


@dataclass
class PreviousQuarter:
    """Last quarter's values beside a report's fields, and whose they include."""

    values: dict[int, Decimal]  # {indicator id: value}
    includes: list[str]  # the predecessors whose figures are in them ("gồm số liệu của …")


def previous_quarter_values(*, unit: Unit, quarter: Quarter) -> PreviousQuarter:
    """The values of the unit's report for the quarter before, shown beside each field;
    for a unit's first quarter after a reorganisation, what its predecessors filed then
    (by the share it carries on; rates are averaged, never weighted), named in
    ``includes``. Two queries, one a generation of predecessors, and one naming them."""
    year, number = quarter.previous_key()
    weights = {unit.id: Decimal(1), **predecessor_weights([unit.id])}
    own_or_filed = Q(report__unit=unit) | filed_q("report__")
    rows = IndicatorValue.objects.filter(
        own_or_filed,
        report__unit_id__in=weights,
        report__quarter__year=year,
        report__quarter__number=number,
    ).values_list("report__unit_id", "indicator_id", "value", "indicator__aggregation")
    totals: dict[int, Decimal] = {}
    counts: dict[int, int] = {}
    means: set[int] = set()
    predecessors: set[int] = set()
    for unit_id, indicator_id, value, aggregation in rows:
        if unit_id != unit.id:
            predecessors.add(unit_id)
        if aggregation == Aggregation.MEAN:
            means.add(indicator_id)
        else:
            value = value * weights[unit_id]
        totals[indicator_id] = totals.get(indicator_id, Decimal(0)) + value
        counts[indicator_id] = counts.get(indicator_id, 0) + 1
    for indicator_id in means:
        totals[indicator_id] = totals[indicator_id] / counts[indicator_id]
    lineage = Lineage(weights={unit_id: weights[unit_id] for unit_id in predecessors})
    return PreviousQuarter(
        values={i: total.quantize(Decimal("0.01")) for i, total in totals.items()},
        includes=lineage.names() if lineage else [],
    )


def indicator_groups(
    indicators: list[Indicator], previous: dict[int, Decimal]
) -> list[IndicatorGroup]:
    """Indicators under their headings, in catalogue order, each with last quarter's value."""
    groups: list[IndicatorGroup] = []
    for name, items in groupby(indicators, key=lambda i: i.group):
        rows = [IndicatorRow(indicator=i, previous=previous.get(i.id)) for i in items]
        if groups and groups[-1].name == name:
            groups[-1].rows.extend(rows)
        else:
            groups.append(IndicatorGroup(name=name, rows=rows))
    return groups


@dataclass
class TimelineEntry:
    when: datetime.datetime
    who: str
    event: str  # a ReportEvent, or "" for a change no service named
    comment: str = ""

    @property
    def label(self) -> str:
        return str(ReportEvent(self.event).label if self.event else _("Changed"))


def report_timeline(report: UnitReport) -> list[TimelineEntry]:
    """Who did what to the report and when, newest first, from its history (one query)."""
    entries = []
    records = report.history.select_related("history_user").order_by("-history_date")[:200]
    for record in records:
        event = ReportEvent(record.event) if record.event else None
        user = record.history_user
        who = person_name(user)
        comment = record.review_comment if event and event.has_comment else ""
        entries.append(
            TimelineEntry(when=record.history_date, who=who, event=event or "", comment=comment)
        )
    return entries


# --- The reviewer's queue ---------------------------------------------------


def queue_reports(quarter: Quarter, *, scope: Scope) -> QuerySet[UnitReport]:
    """The quarter's reports in ``scope`` that were ever submitted, waiting ones first.

    A returned report is listed too: whoever sees the queue (reviewers and
    leadership) may read its submitted versions (``permissions.submitted_once_q``),
    and its row opens on what the unit submitted, not on its edits since.
    """
    latest = ReportVersion.objects.filter(report=OuterRef("pk")).order_by("-number")
    return (
        scope.filter(UnitReport.objects.filter(permissions.submitted_once_q(), quarter=quarter))
        .select_related("unit", "quarter", "submitted_by", "reviewed_by")
        .annotate(
            # What the latest submission changed, for "resubmitted: 3 sections, …".
            submissions=Subquery(latest.values("number")[:1]),
            sections_changed=Subquery(latest.values("sections_changed")[:1]),
            values_changed=Subquery(latest.values("values_changed")[:1]),
            flagged_values=Subquery(latest.values("flagged_values")[:1]),
            waiting=Case(
                When(status=ReportStatus.SUBMITTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("waiting", "unit__display_order", "unit__name")
    )


def reports_awaiting_review(user) -> QuerySet[UnitReport]:
    """The reports of open quarters waiting for the user's review: submitted, of a
    unit they review (the reviewer's counter in the navigation)."""
    rows = UnitReport.objects.filter(status=ReportStatus.SUBMITTED, quarter__closed=False)
    reviewed = permissions.reviewed_units(user)
    return rows if reviewed is None else rows.filter(unit_id__in=reviewed)


def reminded_on(quarter: Quarter, units: list[Unit], *, day) -> dict[int, ReminderLog]:
    """{unit id: the reminder} of ``units`` reminded of ``quarter`` on ``day`` (1 query)."""
    rows = ReminderLog.objects.filter(
        quarter=quarter, sent_on=day, unit__in=[unit.pk for unit in units]
    ).select_related("sent_by")
    return {row.unit_id: row for row in rows}


def predecessor_drafts(*, unit: Unit, quarter: Quarter) -> list[UnitReport]:
    """The drafts (and returned reports) that the units ``unit`` directly succeeded (by
    a reorganisation's ``UnitLink`` or the admin's successor field) started for
    ``quarter`` but no longer owe (``UnitReport.no_longer_owed``): listed, read-only, on
    ``unit``'s report page so that their text is not lost (one query)."""
    predecessors = Q(unit__successor=unit) | Q(unit__successor_links__successor=unit)
    reports = (
        UnitReport.objects.filter(predecessors, quarter=quarter)
        .exclude(filed_q())
        .select_related("unit", "quarter")
        .distinct()
    )
    return [report for report in reports if report.no_longer_owed]


# --- The unit's workspace ----------------------------------------------------


@dataclass
class WorkspaceUnit:
    membership: Membership
    current: UnitReport | None
    earlier: list[UnitReport]
    submits: bool  # the user submits the unit's reports (``permissions.is_head_of``)
    may_start: bool  # no report yet and the user may start it (``permissions.can_start_report``)

    @property
    def unit(self) -> Unit:
        return self.membership.unit


def workspace_for(user, current_quarter: Quarter | None, *, earlier_limit: int = 8):
    """For each of the user's units: the current report, earlier ones (its predecessors'
    filed reports among them), what waits (2 queries, and one a generation of
    predecessors for each unit)."""
    memberships = list(staff_memberships_of(user))
    if not memberships:
        return []
    # A unit's history includes what its predecessors filed (under their own names).
    carried_on = {m.unit_id: set(predecessor_weights([m.unit_id])) for m in memberships}
    predecessors = set().union(*carried_on.values())
    reports = (
        UnitReport.objects.filter(
            Q(unit__in=[m.unit_id for m in memberships])
            | Q(unit__in=predecessors) & permissions.submitted_once_q()
        )
        .select_related("quarter", "unit", "submitted_by", "reviewed_by")
        .order_by("-quarter__year", "-quarter__number")
    )
    by_unit: dict[int, list[UnitReport]] = {}
    for report in reports:
        by_unit.setdefault(report.unit_id, []).append(report)
    workspace = []
    for membership in memberships:
        own = by_unit.get(membership.unit_id, [])
        for report in own:
            report.unit = membership.unit
        current = next(
            (r for r in own if current_quarter and r.quarter_id == current_quarter.id), None
        )
        history = [r for r in own if r is not current] + [
            r for unit_id in carried_on[membership.unit_id] for r in by_unit.get(unit_id, [])
        ]
        history.sort(key=lambda r: (r.quarter.year, r.quarter.number), reverse=True)
        earlier = history[:earlier_limit]
        workspace.append(
            WorkspaceUnit(
                membership=membership,
                current=current,
                earlier=earlier,
                submits=permissions.is_head_of(user, membership.unit_id),
                may_start=current is None
                and current_quarter is not None
                and permissions.can_start_report(user, membership.unit, current_quarter),
            )
        )
    return workspace


# --- The unit pickers' search (common.widgets, static/js/unit_picker.js) ------


def units_matching(
    text: str,
    *,
    scope: Scope,
    current_only: bool = False,
    within: int | None = None,
    limit: int = 20,
):
    """Units of ``scope`` whose folded code, name or short name holds every word of
    ``text``; with ``within``, of that unit's subtree only.

    One query (two with ``within``); at most ``limit`` units, as (id, name) dicts,
    closest first, then in the usual unit order. ``search_text`` is already folded,
    so a plain LIKE is exact on SQLite and PostgreSQL alike. An empty search finds
    nothing.
    """
    words = search_words(text)
    if not words:
        return []
    units = scope.filter(Unit.objects.all(), "id")
    if within is not None:
        units = units.filter(id__in=Unit.objects.subtree_ids([within]))
    if current_only:
        units = units.filter(id__in=Unit.objects.in_existence())
    for word in words:
        units = units.filter(search_text__contains=word)
    # The unit whose code was typed, then those holding the words in that order
    # ("tinh doan": Tỉnh đoàn before Đảng đoàn HĐND tỉnh), then the others.
    phrase = " ".join(words)
    closeness = Case(
        When(code=phrase, then=Value(0)),
        When(search_text__contains=phrase, then=Value(1)),
        default=Value(2),
    )
    ranked = units.annotate(closeness=closeness)
    return list(
        ranked.order_by("closeness", "display_order", "name", "pk").values("id", "name")[:limit]
    )


# --- The consolidated report ---------------------------------------------------


def drafting_commission(user, scope: Scope) -> Unit | None:
    """The commission whose consolidated report the user's quarter documents are: the
    scope's issuing commission (``issuing_commission``) when the user may read its
    report (``permissions.can_read_consolidated_report``). None for unit staff, whose
    documents hold their own units' texts, and for a scope without one commission."""
    if not scope.oversees:
        return None
    commission = issuing_commission(scope)
    if commission is None or not permissions.can_read_consolidated_report(user, commission.id):
        return None
    return commission


def written_report(
    commission: Unit | None, quarter: Quarter, *, with_quotes: bool = True
) -> ConsolidatedReport | None:
    """The consolidated report the commission has written for the quarter, if any (one
    query), with its quotations, each with the report it quotes (one more)."""
    if commission is None:
        return None
    written = ConsolidatedReport.objects.filter(unit=commission, quarter=quarter)
    if with_quotes:
        written = written.select_related("updated_by").prefetch_related(
            Prefetch("quotes", ConsolidatedQuote.objects.select_related("source").order_by("pk"))
        )
    return written.first()


# --- One unit's report as a document -------------------------------------------


class ReportFigure(NamedTuple):
    """One indicator value of a unit's report, as its document prints it."""

    name: str
    measure: str
    value: Decimal
    note: str


@dataclass(frozen=True)
class ReportDocument:
    """What a reader's document of a unit's report holds (``documents.unit_report_docx``)."""

    text: ReportSections  # the unit's working text, or a submitted version
    figures: list[ReportFigure]
    draft: bool  # the working text of a report not (or no longer) submitted
    day: datetime.date  # its default date: the day it was submitted, else the quarter's


def report_document(user, report: UnitReport) -> ReportDocument | None:
    """The report as the reader's document shows it, as its page does: its unit (and the
    administrator) the working text, a draft until submitted; reviewers and leadership
    the last submitted version. None for anyone else (two or three queries)."""
    if permissions.can_view_report(user, report):
        values = report.values.select_related("indicator").order_by(
            "indicator__display_order", "indicator__code"
        )
        submitted = report.submitted_at if report.is_filed else None
        return ReportDocument(
            text=report,
            figures=[
                ReportFigure(v.indicator.name, v.indicator.measure, v.value, v.note) for v in values
            ],
            draft=not report.is_filed,
            day=timezone.localdate(submitted) if submitted else report.quarter.document_day(),
        )
    if not permissions.can_view_submitted_versions(user, report):
        return None
    version = report.versions.prefetch_related("values").order_by("-number").first()
    if version is None:
        return None
    return ReportDocument(
        text=version,
        figures=[
            ReportFigure(v.indicator_name, v.measure, v.value, v.note) for v in version.values.all()
        ],
        draft=False,
        day=timezone.localdate(version.submitted_at),
    )
