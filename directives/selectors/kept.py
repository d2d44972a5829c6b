"""What a user's follow-up pages count or list, kept in the process's memory until
anything it reads changes (``FollowUpToken``, renewed by ``directives.signals``)."""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from common import caching
from directives.models import FollowUpToken
from reports.permissions import AnyUser, is_admin

T = TypeVar("T")


def kept(name: str, user: AnyUser, parts: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, kept for ``user`` under the follow-up token (``FollowUpToken``) and
    ``parts`` (the day and quarters counted, a list's filters): one query when kept,
    for the token.

    What a user's counts and lists take in is theirs: their roles, the unit tree and
    every meeting, directive, assignment and update, which all renew the token, and
    whether they are the administrator, which is in the key. Kept in the process's
    memory only (``common.caching.kept``): they take milliseconds to work out, unlike
    the sums that ``common.caching`` shares between processes.
    """
    if not user.is_authenticated:
        return compute()
    token = FollowUpToken.objects.current()
    # The parts (a search typed in a list's filter among them) hashed: any text, any length.
    hashed = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return caching.kept(f"follow-up-{name}:{token}:{user.pk}:{is_admin(user)}:{hashed}", compute)


def kept_page(
    name: str, user: AnyUser, parts: tuple, rows: Callable[[], QuerySet], number: int, size: int
) -> Page:
    """Page ``number`` of ``rows()`` (``size`` to a page, the last one for a number past
    it), kept as ``kept`` keeps counts: its rows and the count of them all."""

    def compute() -> tuple[list, int, int]:
        page = Paginator(rows(), size).get_page(number)
        return list(page.object_list), page.paginator.count, page.number

    object_list, count, shown = kept(name, user, (*parts, number, size), compute)
    return caching.counted_page(object_list, count, shown, size)
