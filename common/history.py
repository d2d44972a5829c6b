"""Who, when and why, for the history row that the next save or delete of a row writes.

django-simple-history reads three attributes off the instance it records
(``_history_user``, ``_history_date``, ``_change_reason``); ``note_history`` is the
one place that sets them, so a misspelt name cannot silently drop who changed what.
"""

import datetime
import functools
from typing import TypeVar

import simple_history.models
from django.contrib.auth.models import User
from django.db.models import Model
from simple_history.manager import HistoryManager

M = TypeVar("M", bound=Model)


def note_history(
    obj: M,
    *,
    by: User | None = None,
    at: datetime.datetime | None = None,
    reason: str | None = None,
) -> M:
    """Make the next history row of ``obj`` say who (``by``), when (``at``, else now)
    and why (``reason``); what is not given is left as it was. Returns ``obj``."""
    # simple-history has no type information: these are its documented instance hooks.
    if by is not None:
        obj._history_user = by  # type: ignore[attr-defined]
    if at is not None:
        obj._history_date = at  # type: ignore[attr-defined]
    if reason is not None:
        obj._change_reason = reason  # type: ignore[attr-defined]
    return obj


def person_name(user: User | None, missing: str = "") -> str:
    """Who did something, as pages and messages name them: the full name, else the
    username; ``missing`` for nobody recorded."""
    return (user.get_full_name() or user.username) if user is not None else missing


class _HistoryManager(HistoryManager):
    """simple-history's manager, made once per model rather than once per read of
    ``Model.history``: its descriptor builds a new manager class on every read
    (``from_queryset``, which inspects every method of the queryset), and every
    history row written reads it; a tenth of a millisecond a save."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class HistoricalRecords(simple_history.models.HistoricalRecords):
    """``simple_history.models.HistoricalRecords`` with the manager made once."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("history_manager", _HistoryManager)
        super().__init__(*args, **kwargs)
