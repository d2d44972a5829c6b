"""Reorganisations: merge, split, rename, move and dissolve, as operations.

Each function checks everything first and refuses, with every reason at once
(``ValidationError``), what would lose data; then, in one transaction, sets the
units' validity, successors, names and parents, records the decision
(``Reorganisation``), the links that keep figures comparable (``UnitLink``) and
every thing it handed over (``Handover``). With ``dry_run`` it does all of that
and rolls it back, so the admin's preview shows exactly what the operation will
do. The admin's wizard and the ``reorganise`` command call these; nothing else
writes a unit's validity, successor or former names.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.history import note_history
from directives.models import (
    Assignment,
    AssignmentRole,
    DeadlineChange,
    DeadlineChangeStatus,
    ProgressUpdate,
    ReviewStatus,
)
from directives.services import assignment_handed_over_tell, token_first
from reports.models import (
    Membership,
    MembershipRole,
    Quarter,
    ReminderLog,
    Reorganisation,
    ReorganisationKind,
    Unit,
    UnitKind,
    UnitLevel,
    UnitLink,
    UnitName,
    UnitReport,
    filed_q,
)
from structure.models import Handover, HandoverItem

ONE = Decimal(1)


@dataclass(frozen=True)
class Decision:
    """The deciding document and the day the change takes effect."""

    number: str
    date: datetime.date
    effective_on: datetime.date

    @property
    def last_day_before(self) -> datetime.date:
        return self.effective_on - datetime.timedelta(days=1)


@dataclass(frozen=True)
class NewUnit:
    """A unit the reorganisation creates (it begins on the effective day)."""

    code: str
    name: str
    kind: str
    short_name: str = ""
    level: str = UnitLevel.COMMUNE
    parent: Unit | None = None


@dataclass
class Outcome:
    """What an operation did (or, in a dry run, would do)."""

    reorganisation: Reorganisation
    handovers: list[Handover] = field(default_factory=list)
    created_units: list[Unit] = field(default_factory=list)
    ended_units: list[Unit] = field(default_factory=list)
    links: list[UnitLink] = field(default_factory=list)
    # Roles still held on a unit that ends (nobody handed them over): their users lose
    # the unit's work. Not a refusal (they may be given roles elsewhere), a warning.
    memberships_left: list[Membership] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for handover in self.handovers:
            counts[handover.item] = counts.get(handover.item, 0) + 1
        return counts

    def grouped(self) -> list[tuple[HandoverItem, list[Handover]]]:
        """The handovers by what was handed over, in ``HandoverItem``'s order."""
        return [
            (item, rows)
            for item in HandoverItem
            if (rows := [h for h in self.handovers if h.item == item])
        ]


class _Rollback(Exception):
    """Raised at the end of a dry run to undo it."""

    def __init__(self, outcome: Outcome):
        self.outcome = outcome


# --- Refusals -------------------------------------------------------------------


def _decision_refusals(decision: Decision) -> list[str]:
    refusals = []
    if not decision.number.strip():
        refusals.append(_("Give the number of the deciding document."))
    if decision.date > decision.effective_on + datetime.timedelta(days=366):
        refusals.append(_("The decision is dated more than a year after it takes effect."))
    return refusals


def _ending_refusals(unit: Unit, decision: Decision, *, keeps_drafts: bool) -> list[str]:
    """Why ``unit`` cannot end on the day before the effective day.

    A filed report of a later quarter would stop counting. With a successor
    (``keeps_drafts``), a draft or returned report of such a quarter is no obstacle:
    it is kept, read-only, and listed on the successor's report page
    (``UnitReport.no_longer_owed``, ``reports.selectors.predecessor_drafts``), as the
    owing rule gives the whole quarter to the successor. Without one, nobody would
    take it over."""
    day = decision.last_day_before
    if unit.valid_to is not None and unit.valid_to >= day:
        # Ending it again would rewrite the end (and successor) another decision set.
        return [
            _("%(unit)s already ends on %(day)s: a unit ends only once.")
            % {"unit": unit.name, "day": f"{unit.valid_to:%d/%m/%Y}"}
        ]
    if not unit.is_active_on(day):
        return [
            _("%(unit)s is not active on %(day)s, the day before the change takes effect.")
            % {"unit": unit.name, "day": f"{day:%d/%m/%Y}"}
        ]
    reports = UnitReport.objects.filter(unit=unit, quarter__in=Quarter.objects.ending_after(day))
    if keeps_drafts:
        reports = reports.filter(filed_q())
    later = reports.select_related("quarter").order_by("quarter__year", "quarter__number").first()
    if later is not None:
        return [
            _(
                "%(unit)s already has a report for %(quarter)s, which ends after the change "
                "takes effect: choose an effective day after that quarter, or deal with the "
                "report first."
            )
            % {"unit": unit.name, "quarter": later.quarter.label}
        ]
    return []


def _new_unit_refusals(new: NewUnit) -> list[str]:
    refusals = []
    if not new.code.strip() or not new.name.strip():
        refusals.append(_("The new unit needs a code and a name."))
    elif Unit.objects.filter(code=new.code).exists():
        refusals.append(_("A unit with the code “%(code)s” already exists.") % {"code": new.code})
    if new.kind not in UnitKind.values:
        refusals.append(_("Choose the kind of the new unit."))
    return refusals


def _inactive_refusals(unit: Unit, decision: Decision) -> list[str]:
    """Why ``unit`` cannot take part from the effective day: it does not exist then."""
    if not unit.is_active_on(decision.effective_on):
        return [
            _("%(unit)s is not active on %(day)s.")
            % {"unit": unit.name, "day": f"{decision.effective_on:%d/%m/%Y}"}
        ]
    return []


def _target_refusals(target: Unit | NewUnit, decision: Decision) -> list[str]:
    if isinstance(target, NewUnit):
        return _new_unit_refusals(target)
    return _inactive_refusals(target, decision)


def open_assignments(unit: Unit) -> QuerySet[Assignment]:
    """The assignments of ``unit`` not yet completed: what a reorganisation ending it
    hands over (the split form lists them, the split places each, a dissolution is
    refused while there is one)."""
    return Assignment.objects.filter(unit=unit, completed_on__isnull=True)


def _open_assignments_locked(unit: Unit) -> QuerySet[Assignment]:
    token_first()  # as every writer of assignments: the token, then the rows
    return (
        open_assignments(unit)
        .select_for_update()
        .select_related("directive")
        .order_by("directive_id", "role", "id")
    )


def _active_children(unit: Unit, day: datetime.date):
    return unit.children.active_on(day)


def _raise_if(refusals: list[str]) -> None:
    if refusals:
        raise ValidationError(refusals)


# --- Recording ------------------------------------------------------------------

# django-simple-history's history_change_reason column.
HISTORY_REASON_LENGTH = 100


def _history_reason(summary: str, number: str) -> str:
    """Why the history rows changed, within the column's 100 characters: the summary
    shortened when it must be (a merger of three long names), the decision's number
    kept. Longer, PostgreSQL refuses the row and the whole operation fails."""
    reason = _("Reorganisation: %(summary)s (%(number)s)")
    over = len(reason % {"summary": summary, "number": number}) - HISTORY_REASON_LENGTH
    if over > 0:
        summary = Truncator(summary).chars(max(1, len(summary) - over))
    return (reason % {"summary": summary, "number": number})[:HISTORY_REASON_LENGTH]


class _Recorder:
    """Writes the reorganisation's rows and keeps the handovers for the outcome."""

    def __init__(self, kind: str, decision: Decision, user: User | None, summary: str):
        self.reason = _history_reason(summary, decision.number)
        self.user = user
        self.reorganisation = Reorganisation.objects.create(
            kind=kind,
            effective_on=decision.effective_on,
            decision_number=decision.number,
            decision_date=decision.date,
            summary=summary,
            recorded_by=user,
        )
        self.outcome = Outcome(reorganisation=self.reorganisation)

    def save(self, obj) -> None:
        note_history(obj, by=self.user, reason=self.reason).save()

    def delete(self, obj) -> None:
        note_history(obj, by=self.user, reason=self.reason).delete()

    def handed(self, item: str, obj_id: int, from_unit: Unit, to_unit: Unit, text: str) -> None:
        self.outcome.handovers.append(
            Handover.objects.create(
                reorganisation=self.reorganisation,
                item=item,
                object_id=obj_id,
                from_unit=from_unit,
                to_unit=to_unit,
                description=text,
            )
        )

    def create_unit(self, new: NewUnit, decision: Decision, *, in_place_of: Sequence[Unit]) -> Unit:
        """A new unit listed where the units it replaces were (``display_order``), not
        at the top of every list until the administrator orders it."""
        unit = Unit(
            code=new.code,
            name=new.name,
            short_name=new.short_name,
            kind=new.kind,
            level=new.level,
            parent=new.parent,
            valid_from=decision.effective_on,
            display_order=min((old.display_order for old in in_place_of), default=0),
        )
        self.save(unit)
        self.outcome.created_units.append(unit)
        return unit

    def end(self, unit: Unit, decision: Decision, successor: Unit | None) -> None:
        """End ``unit`` (after its memberships were handed over, if they were): the
        users still on it are warned of (``Outcome.warnings``)."""
        unit.valid_to = decision.last_day_before
        unit.successor = successor
        self.save(unit)
        self.outcome.ended_units.append(unit)
        left = list(
            Membership.objects.filter(unit=unit)
            .select_related("user", "unit")
            .order_by("user__username")
        )
        if left:
            self.outcome.memberships_left += left
            self.outcome.warnings.append(_memberships_left_warning(unit, left))

    def link(self, predecessor: Unit, successor: Unit, share: Decimal = ONE) -> None:
        self.outcome.links.append(
            UnitLink.objects.create(
                reorganisation=self.reorganisation,
                predecessor=predecessor,
                successor=successor,
                share=share,
            )
        )


def _run(operation, *, dry_run: bool) -> Outcome:
    """Run ``operation`` in one transaction; a dry run is rolled back at the end."""
    try:
        with transaction.atomic():
            outcome = operation()
            if dry_run:
                outcome.dry_run = True
                raise _Rollback(outcome)
    except _Rollback as rollback:
        return rollback.outcome
    return outcome


def _member_label(membership: Membership) -> str:
    """A membership as the preview and the record name it: "Nguyễn Văn A (Head of unit)"."""
    return _("%(user)s (%(role)s)") % {
        "user": membership.user.get_full_name() or membership.user.get_username(),
        "role": membership.get_role_display(),
    }


def _memberships_left_warning(unit: Unit, left: list[Membership]) -> str:
    """Who stays on ``unit`` after it ends, and what to do about it."""
    users = ", ".join(_member_label(membership) for membership in left)
    if unit.successor is None:
        advice = _("A dissolved unit has no successor: give these users a role in another unit.")
    else:
        advice = _(
            "Hand the unit's staff over to a successor, or give these users a role elsewhere."
        )
    return ngettext(
        "%(count)d user stays on %(unit)s, which ends on %(day)s, and can no longer work "
        "for it: %(users)s. %(advice)s",
        "%(count)d users stay on %(unit)s, which ends on %(day)s, and can no longer work "
        "for it: %(users)s. %(advice)s",
        len(left),
    ) % {
        "count": len(left),
        "unit": unit.name,
        "day": f"{unit.valid_to:%d/%m/%Y}",
        "users": users,
        "advice": advice,
    }


# --- Handing over ---------------------------------------------------------------


def _combined_role(first: str, second: str) -> str:
    return AssignmentRole.LEAD if AssignmentRole.LEAD in (first, second) else AssignmentRole.SUPPORT


def _earlier(first: datetime.date | None, second: datetime.date | None) -> datetime.date | None:
    dates = [d for d in (first, second) if d is not None]
    return min(dates) if dates else None


def _combine_refusal(source: Assignment, kept: Assignment) -> str | None:
    if kept.completed_on is not None:
        return _(
            "Directive %(directive)s: %(unit)s has finished its part while %(old)s has not; "
            "settle the open part before the reorganisation."
        ) % {"directive": source.directive, "unit": kept.unit.name, "old": source.unit.name}
    pending = ProgressUpdate.objects.filter(
        assignment__in=[source, kept], review_status=ReviewStatus.PENDING
    ).count()
    if pending > 1:
        return _(
            "Directive %(directive)s: both %(old)s and %(unit)s have a claim awaiting "
            "confirmation; confirm or reject one of them first."
        ) % {"directive": source.directive, "unit": kept.unit.name, "old": source.unit.name}
    return None


def _follow(
    rec: _Recorder,
    row: ProgressUpdate | DeadlineChange,
    source: Assignment,
    kept: Assignment,
    item: str,
    text: str,
) -> None:
    """``row`` of ``source`` (an update or a deadline request) goes with it into ``kept``."""
    row.assignment = kept
    rec.save(row)
    rec.handed(item, row.pk, source.unit, kept.unit, text)


def _combine(rec: _Recorder, source: Assignment, kept: Assignment) -> None:
    """Fold ``source`` into ``kept`` (the successor's assignment to the same directive):
    its updates and deadline requests go with it, the stronger role and the earlier
    deadline stay."""
    for update in ProgressUpdate.objects.filter(assignment=source):
        text = _("Progress update of %(quarter)s on directive %(directive)s") % {
            "quarter": update.quarter.label,
            "directive": source.directive,
        }
        _follow(rec, update, source, kept, HandoverItem.PROGRESS_UPDATE, text)
    for change in DeadlineChange.objects.filter(assignment=source):
        text = _("Deadline request on directive %(directive)s") % {"directive": source.directive}
        _follow(rec, change, source, kept, HandoverItem.DEADLINE_CHANGE, text)
    kept.role = _combined_role(kept.role, source.role)
    kept.due_date = _earlier(kept.due_date, source.due_date)
    rec.save(kept)
    rec.handed(
        HandoverItem.ASSIGNMENT_COMBINED,
        source.pk,
        source.unit,
        kept.unit,
        _("Directive %(directive)s: %(old)s's part (%(role)s) combined into %(unit)s's")
        % {
            "directive": source.directive,
            "old": source.unit.name,
            "role": source.get_role_display(),
            "unit": kept.unit.name,
        },
    )
    rec.delete(source)


def _move_assignment(rec: _Recorder, assignment: Assignment, to: Unit) -> None:
    old_unit = assignment.unit
    assignment.unit = to
    rec.save(assignment)
    assignment_handed_over_tell(assignment=assignment, user=rec.user)
    rec.handed(
        HandoverItem.ASSIGNMENT,
        assignment.pk,
        old_unit,
        to,
        _("Directive %(directive)s (%(role)s)")
        % {"directive": assignment.directive, "role": assignment.get_role_display()},
    )
    pending = DeadlineChange.objects.filter(
        assignment=assignment, status=DeadlineChangeStatus.PENDING
    )
    for change in pending:
        rec.handed(
            HandoverItem.DEADLINE_CHANGE,
            change.pk,
            old_unit,
            to,
            _("Deadline request on directive %(directive)s") % {"directive": assignment.directive},
        )


def _hand_over_assignment(rec: _Recorder, assignment: Assignment, to: Unit) -> list[str]:
    """Move ``assignment`` to ``to``, combining it with ``to``'s own assignment to the
    same directive when there is one. Returns the refusals, if it may not."""
    kept = Assignment.objects.filter(directive_id=assignment.directive_id, unit=to).first()
    if kept is None:
        _move_assignment(rec, assignment, to)
        return []
    refusal = _combine_refusal(assignment, kept)
    if refusal:
        return [refusal]
    _combine(rec, assignment, kept)
    return []


def _copy_assignment(rec: _Recorder, assignment: Assignment, to: Unit) -> None:
    """A split: another successor takes a part in the same directive (no updates)."""
    if Assignment.objects.filter(directive_id=assignment.directive_id, unit=to).exists():
        return
    copy = Assignment(
        directive_id=assignment.directive_id,
        unit=to,
        role=assignment.role,
        due_date=assignment.due_date,
    )
    rec.save(copy)
    assignment_handed_over_tell(assignment=copy, user=rec.user)
    rec.handed(
        HandoverItem.ASSIGNMENT_COPIED,
        copy.pk,
        assignment.unit,
        to,
        _("Directive %(directive)s (%(role)s), shared after the split")
        % {"directive": assignment.directive, "role": assignment.get_role_display()},
    )


# When a user is on the staff of both units, the stronger role is kept.
ROLE_WEIGHT: dict[str, int] = {MembershipRole.HEAD: 2, MembershipRole.REPORTER: 1}


def _membership_refusal(membership: Membership, kept: Membership) -> str | None:
    """A user holds one role in a unit: two roles that neither includes (a reviewer's
    and a reporter's) cannot become one without losing one of them."""
    if membership.role == kept.role or {membership.role, kept.role} <= set(ROLE_WEIGHT):
        return None
    return _(
        "%(user)s is %(role)s in %(old)s and %(other)s in %(unit)s, and holds one role in "
        "a unit: change one of the two first."
    ) % {
        "user": membership.user.get_username(),
        "role": membership.get_role_display(),
        "old": membership.unit.name,
        "other": kept.get_role_display(),
        "unit": kept.unit.name,
    }


def _hand_over_memberships(rec: _Recorder, source: Unit, to: Unit) -> list[str]:
    """Move ``source``'s memberships to ``to``; returns the refusals, if any."""
    problems = []
    for membership in Membership.objects.filter(unit=source).select_related("user", "unit"):
        membership_id = membership.pk
        kept = (
            Membership.objects.filter(unit=to, user=membership.user).select_related("unit").first()
        )
        if kept is None:
            membership.unit = to
            rec.save(membership)
        else:
            refusal = _membership_refusal(membership, kept)
            if refusal:
                problems.append(refusal)
                continue
            if ROLE_WEIGHT.get(membership.role, 0) > ROLE_WEIGHT.get(kept.role, 0):
                kept.role = membership.role
                rec.save(kept)
            rec.delete(membership)
        rec.handed(
            HandoverItem.MEMBERSHIP,
            membership_id,
            source,
            to,
            _member_label(membership),
        )
    return problems


def _hand_over_reminders(rec: _Recorder, source: Unit, to: Unit, since: datetime.date) -> None:
    """Reminders about quarters the successor now owes go with the work, so the
    successor is not reminded twice on the same day."""
    quarters = Quarter.objects.ending_after(since - datetime.timedelta(days=1))
    for reminder in ReminderLog.objects.filter(unit=source, quarter__in=quarters):
        duplicate = ReminderLog.objects.filter(
            unit=to, quarter_id=reminder.quarter_id, sent_on=reminder.sent_on
        ).exists()
        rec.handed(
            HandoverItem.REMINDER,
            reminder.pk,
            source,
            to,
            _("Reminder of %(day)s") % {"day": f"{reminder.sent_on:%d/%m/%Y}"},
        )
        if duplicate:
            reminder.delete()
        else:
            reminder.unit = to
            reminder.save()


def _move_children(rec: _Recorder, source: Unit, to: Unit, day: datetime.date) -> None:
    for child in _active_children(source, day):
        child.parent = to
        rec.save(child)
        rec.handed(HandoverItem.SUB_UNIT, child.pk, source, to, child.name)


# --- Operations -----------------------------------------------------------------


def merge_units(
    *,
    units: Sequence[Unit],
    into: Unit | NewUnit,
    decision: Decision,
    user: User | None,
    move_memberships: bool = False,
    dry_run: bool = False,
) -> Outcome:
    """Merge ``units`` (N→1) into an existing or a new unit from ``decision.effective_on``.

    The old units end the day before; their open assignments (with their updates and
    pending deadline requests), their sub-units, the reminders of quarters the
    successor now owes and, when asked, their memberships go to the successor.
    One unit merged into another (dissolved into it) is recorded as a merger too: a
    dissolution (``dissolve_unit``) ends a unit with no successor.
    """
    units = list(units)
    refusals = _decision_refusals(decision) + _target_refusals(into, decision)
    if not units:
        refusals.append(_("Choose the units to merge."))
    if isinstance(into, Unit) and any(u.pk == into.pk for u in units):
        refusals.append(_("A unit cannot be merged into itself."))
    for unit in units:
        refusals += _ending_refusals(unit, decision, keeps_drafts=True)
    _raise_if(refusals)
    names = ", ".join(u.name for u in units)
    target_name = into.name

    def operation() -> Outcome:
        summary = _("%(units)s merged into %(target)s") % {"units": names, "target": target_name}
        rec = _Recorder(ReorganisationKind.MERGE, decision, user, summary)
        target = (
            rec.create_unit(into, decision, in_place_of=units)
            if isinstance(into, NewUnit)
            else into
        )
        problems: list[str] = []
        for unit in units:
            for assignment in _open_assignments_locked(unit):
                problems += _hand_over_assignment(rec, assignment, target)
            _move_children(rec, unit, target, decision.effective_on)
            _hand_over_reminders(rec, unit, target, decision.effective_on)
            if move_memberships:
                problems += _hand_over_memberships(rec, unit, target)
            rec.end(unit, decision, target)
            rec.link(unit, target)
        _raise_if(problems)
        return rec.outcome

    return _run(operation, dry_run=dry_run)


@dataclass(frozen=True)
class SplitPart:
    """One successor of a split and the share of the old unit's figures it carries on."""

    unit: Unit | NewUnit
    share: Decimal


def _split_refusals(
    unit: Unit, parts: Sequence[SplitPart], assignment_parts: dict[int, list[int]]
) -> list[str]:
    refusals = []
    if len(parts) < 2:
        refusals.append(_("A split needs at least two successors."))
    if sum((p.share for p in parts), Decimal(0)) != ONE or any(p.share <= 0 for p in parts):
        refusals.append(_("The successors' shares must be above 0 and add up to 100%."))
    if any(isinstance(p.unit, Unit) and p.unit.pk == unit.pk for p in parts):
        refusals.append(_("A unit cannot be its own successor."))
    successors = [p.unit.pk if isinstance(p.unit, Unit) else p.unit.code for p in parts]
    if len(set(successors)) < len(successors):
        refusals.append(_("A successor is named twice."))
    open_ids = set(open_assignments(unit).values_list("id", flat=True))
    unplaced = [a for a in open_ids if not assignment_parts.get(a)]
    if unplaced:
        refusals.append(
            _("Say which successor takes each open assignment (%(count)d not placed).")
            % {"count": len(unplaced)}
        )
    bad = [i for ids in assignment_parts.values() for i in ids if not 0 <= i < len(parts)]
    if bad:
        refusals.append(_("An assignment was given to a successor that is not in the split."))
    return refusals


def split_unit(
    *,
    unit: Unit,
    parts: Sequence[SplitPart],
    assignment_parts: dict[int, list[int]],
    decision: Decision,
    user: User | None,
    memberships_to: int | None = None,
    dry_run: bool = False,
) -> Outcome:
    """Split ``unit`` (1→N) from ``decision.effective_on``.

    ``assignment_parts`` says, for each open assignment (by id), which successors (by
    their index in ``parts``) take it: the first takes the assignment with its updates
    and deadline requests, the others a part of their own. The successor with the
    largest share is the unit's ``successor`` and takes its sub-units and reminders;
    ``memberships_to`` (an index) takes its memberships when given.
    """
    parts = list(parts)
    refusals = _decision_refusals(decision) + _ending_refusals(unit, decision, keeps_drafts=True)
    refusals += _split_refusals(unit, parts, assignment_parts)
    for part in parts:
        refusals += _target_refusals(part.unit, decision)
    _raise_if(refusals)

    def operation() -> Outcome:
        names = ", ".join(p.unit.name for p in parts)
        summary = _("%(unit)s split into %(parts)s") % {"unit": unit.name, "parts": names}
        rec = _Recorder(ReorganisationKind.SPLIT, decision, user, summary)
        targets = [
            rec.create_unit(p.unit, decision, in_place_of=[unit])
            if isinstance(p.unit, NewUnit)
            else p.unit
            for p in parts
        ]
        main = targets[max(range(len(parts)), key=lambda i: parts[i].share)]
        problems: list[str] = []
        for assignment in _open_assignments_locked(unit):
            first, *others = assignment_parts[assignment.pk]
            for index in others:
                _copy_assignment(rec, assignment, targets[index])
            problems += _hand_over_assignment(rec, assignment, targets[first])
        _move_children(rec, unit, main, decision.effective_on)
        _hand_over_reminders(rec, unit, main, decision.effective_on)
        if memberships_to is not None:
            problems += _hand_over_memberships(rec, unit, targets[memberships_to])
        rec.end(unit, decision, main)
        for part, target in zip(parts, targets, strict=True):
            rec.link(unit, target, part.share)
        _raise_if(problems)
        return rec.outcome

    return _run(operation, dry_run=dry_run)


def dissolve_unit(
    *, unit: Unit, decision: Decision, user: User | None, dry_run: bool = False
) -> Outcome:
    """End ``unit`` with no successor. Refused while it has open assignments or active
    sub-units: those would be lost (merge it into a successor instead)."""
    refusals = _decision_refusals(decision) + _ending_refusals(unit, decision, keeps_drafts=False)
    open_count = open_assignments(unit).count()
    if open_count:
        refusals.append(
            _(
                "%(unit)s still has %(count)d open assignments: merge it into a successor "
                "that takes them over instead."
            )
            % {"unit": unit.name, "count": open_count}
        )
    if _active_children(unit, decision.effective_on).exists():
        refusals.append(
            _("%(unit)s still has active sub-units: move them first.") % {"unit": unit.name}
        )
    _raise_if(refusals)

    def operation() -> Outcome:
        summary = _("%(unit)s dissolved") % {"unit": unit.name}
        rec = _Recorder(ReorganisationKind.DISSOLVE, decision, user, summary)
        rec.end(unit, decision, None)
        return rec.outcome

    return _run(operation, dry_run=dry_run)


def rename_unit(
    *,
    unit: Unit,
    name: str,
    short_name: str,
    decision: Decision,
    user: User | None,
    dry_run: bool = False,
) -> Outcome:
    """Give ``unit`` a new name from the effective day; documents dated before it
    keep carrying the old one (``Unit.name_on``), reports keep the name they were
    filed under."""
    refusals = _decision_refusals(decision)
    if not name.strip():
        refusals.append(_("Give the new name."))
    elif name == unit.name and short_name == unit.short_name:
        refusals.append(_("The new name is the same as the current one."))
    refusals += _inactive_refusals(unit, decision)
    last = unit.former_names.order_by("-used_until").first()
    if last is not None and last.used_until >= decision.last_day_before:
        refusals.append(_("The unit was already renamed on or after that day."))
    _raise_if(refusals)

    def operation() -> Outcome:
        summary = _("%(old)s renamed %(new)s") % {"old": unit.name, "new": name}
        rec = _Recorder(ReorganisationKind.RENAME, decision, user, summary)
        UnitName.objects.create(
            unit=unit,
            name=unit.name,
            short_name=unit.short_name,
            used_until=decision.last_day_before,
            reorganisation=rec.reorganisation,
        )
        unit.name, unit.short_name = name, short_name
        rec.save(unit)
        return rec.outcome

    return _run(operation, dry_run=dry_run)


def move_unit(
    *,
    unit: Unit,
    parent: Unit | None,
    decision: Decision,
    user: User | None,
    dry_run: bool = False,
) -> Outcome:
    """Place ``unit`` (with its subtree) under ``parent`` (None: at the top)."""
    refusals = _decision_refusals(decision)
    # Under itself or one of its descendants, the tree would loop.
    if parent is not None and unit.pk in Unit.objects.ancestor_ids([parent.pk]):
        refusals.append(_("A unit cannot be moved under itself or one of its sub-units."))
    if parent is not None:
        refusals += _inactive_refusals(parent, decision)
    if parent == unit.parent:
        refusals.append(_("The unit is already there."))
    _raise_if(refusals)

    def operation() -> Outcome:
        summary = _("%(unit)s moved under %(parent)s") % {
            "unit": unit.name,
            "parent": parent.name if parent else _("the top of the tree"),
        }
        rec = _Recorder(ReorganisationKind.MOVE, decision, user, summary)
        unit.parent = parent
        rec.save(unit)
        return rec.outcome

    return _run(operation, dry_run=dry_run)
