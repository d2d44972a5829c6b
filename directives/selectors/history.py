"""A directive's timeline and the version an edit form was opened on."""

import datetime
from dataclasses import dataclass

from django.db import models

from directives.models import (
    DeadlineChange,
    Directive,
    ProgressUpdate,
)


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
