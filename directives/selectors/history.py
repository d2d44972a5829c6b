"""A directive's timeline and the version an edit form was opened on."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from common.dates import day_after
from directives.models import (
    Assignment,
    DeadlineChange,
    Directive,
    ProgressUpdate,
)
from reports.models import Unit
from reports.selectors import load_former_names


class TimelineKind(models.TextChoices):
    """What a directive's timeline entry is; the page draws each kind its own way."""

    UPDATE = "update"
    DEADLINE = "deadline"


@dataclass
class TimelineEvent:
    when: datetime.datetime
    kind: TimelineKind
    item: ProgressUpdate | DeadlineChange


def directive_timeline(directive: Directive) -> list[TimelineEvent]:
    """Progress updates and deadline changes, newest first (two queries)."""
    updates = ProgressUpdate.objects.filter(assignment__directive=directive).select_related(
        "assignment__unit", "quarter", "reported_by", "reviewed_by"
    )
    changes = DeadlineChange.objects.filter(assignment__directive=directive).select_related(
        "assignment__unit", "requested_by", "decided_by"
    )
    events = [TimelineEvent(u.reported_at, TimelineKind.UPDATE, u) for u in updates]
    events += [TimelineEvent(c.requested_at, TimelineKind.DEADLINE, c) for c in changes]
    return sorted(events, key=lambda e: e.when, reverse=True)


def last_change(obj):
    """The latest history row of a meeting, directive or recommendation (None if unsaved).

    Its ``history_id`` is the version a form is opened on (``edit_version``).
    """
    if obj.pk is None:
        return None
    return obj.history.select_related("history_user").order_by("-history_id").first()


def edit_version(obj) -> int:
    """The version a form carries: the id of the object's latest history row, 0 if new."""
    latest = last_change(obj)
    return latest.history_id if latest is not None else 0


def assignments_as_given(directives: list[Directive], day: datetime.date) -> None:
    """Each directive's assignments (its prefetched ``assignments``) as its history had
    them at the end of ``day``, or of the day the directive was recorded when that is
    later (a meeting's directives are often entered after it): a document of a past
    day names the units given the task then, not the successors a reorganisation has
    handed it to since (``structure.services``), nor units added later. A directive
    without history keeps the assignments it has now. Four queries."""
    if not directives:
        return
    recorded = dict(
        Directive.history.filter(id__in=[d.pk for d in directives], history_type="+")
        .order_by("history_date")
        .values_list("id", "history_date")
    )
    moment = {
        directive_id: max(day_after(day), day_after(timezone.localdate(when)))
        for directive_id, when in recorded.items()
    }
    latest: dict[int, Any] = {}  # assignment id -> its last history row by its moment
    rows = Assignment.history.filter(
        directive_id__in=list(moment), history_date__lt=max(moment.values(), default=day_after(day))
    ).order_by("history_date", "history_id")
    for row in rows:
        if row.history_date < moment[row.directive_id]:
            latest[row.id] = row
    then: dict[int, list[Assignment]] = {}
    for row in latest.values():
        if row.history_type != "-":  # deleted by then (combined into another)
            then.setdefault(row.directive_id, []).append(row.instance)
    units = Unit.objects.in_bulk({a.unit_id for given in then.values() for a in given})
    for directive in directives:
        given = then.get(directive.pk)
        if not given:
            continue
        for assignment in given:
            assignment.unit = units[assignment.unit_id]
        given.sort(key=lambda a: (a.role, a.unit.display_order, a.unit.name))
        directive.__dict__.setdefault("_prefetched_objects_cache", {})["assignments"] = given
    load_former_names([a.unit for directive in directives for a in directive.assignments.all()])
