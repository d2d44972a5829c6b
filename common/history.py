"""Who, when and why, for the history row that the next save or delete of a row writes.

django-simple-history reads three attributes off the instance it records
(``_history_user``, ``_history_date``, ``_change_reason``); ``note_history`` is the
one place that sets them, so a misspelt name cannot silently drop who changed what.
"""

import datetime
from typing import TypeVar

from django.contrib.auth.models import User
from django.db.models import Model

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
