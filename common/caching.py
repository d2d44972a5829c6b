"""What is worked out once and read by every process: the process's own memory first
(``caches["default"]``), then the database (``caches["shared"]``, Django's database
cache). And what a process keeps of its pages for itself alone (``kept``,
``caches["pages"]``).

A worker that has just started, a second app server, or a memory cache that was
emptied reads from the database what another process computed, instead of computing
it again; what it reads is then kept in its memory too. Entries must never be stale
by construction (keys that change with the data, as ``Quarter.figures_token``). The
code that made them may change, though: every ``migrate`` (a release) empties the
database's copy (``clear_shared``, on ``post_migrate``), and a copy that cannot be
read is worked out again.
"""

import base64
import datetime
import logging
import pickle  # nosec B403: what this process itself wrote, as Django's database cache
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.core.paginator import Page, Paginator
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now

logger = logging.getLogger(__name__)
T = TypeVar("T")

SHARED = "shared"
PAGES = "pages"

# What reading a value another process kept can raise besides the database's errors:
# unpickling a class that a new release moved, renamed or changed.
_UNREADABLE = (
    DatabaseError,
    pickle.UnpicklingError,
    AttributeError,
    ImportError,
    EOFError,
    TypeError,
    ValueError,
)


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache (its table, its encoding, its culling), whose ``set_many``
    writes every entry in one statement: Django's writes each entry in four or five,
    and a quarter page keeps one for each quarter of its trend window."""

    _table: str  # set by Django's __init__ from LOCATION

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        seconds = self.get_backend_timeout(timeout)
        if seconds is None:
            until = datetime.datetime.max
        else:
            until = datetime.datetime.fromtimestamp(
                seconds, tz=datetime.UTC if settings.USE_TZ else None
            )
        expires = connection.ops.adapt_datetimefield_value(until.replace(microsecond=0))
        # In the keys' order, so that two processes writing the same keys lock them alike.
        rows = sorted(
            (
                self.make_and_validate_key(key, version=version),
                base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1"),
                expires,
            )
            for key, value in data.items()
        )
        # Names: the settings' table and Django's columns, quoted; the values are bound.
        table, key, value = quote(self._table), quote("cache_key"), quote("value")
        until_column = quote("expires")
        upsert = (
            f"INSERT INTO {table} ({key}, {value}, {until_column}) VALUES "  # noqa: S608  # nosec B608
            + ", ".join(["(%s, %s, %s)"] * len(rows))
            + f" ON CONFLICT ({key}) DO UPDATE SET {value} = EXCLUDED.{value},"  # nosec B608
            f" {until_column} = EXCLUDED.{until_column}"
        )
        # A cache: losing its last writes to a crash costs working them out again, so
        # their commit need not wait for the disk (a millisecond each). Only for a
        # transaction of its own: the setting holds to the end of an outer one (an
        # atomic block, or one opened by turning autocommit off), whose writes must wait.
        lazy_commit = (
            connection.vendor == "postgresql"
            and connection.get_autocommit()
            and not connection.in_atomic_block
        )
        try:
            with transaction.atomic(using=db), connection.cursor() as cursor:
                if lazy_commit:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608  # nosec B608
                (count,) = cursor.fetchone()
                if count + len(rows) > self._max_entries:
                    self._cull(db, cursor, now().replace(microsecond=0), count)  # type: ignore[attr-defined]
                cursor.execute(upsert, [part for row in rows for part in row])
        except DatabaseError:
            # As Django's own: a cache that cannot be written is not the page's failure.
            return list(data)
        return []


def get_many(keys: Iterable[str]) -> dict[str, Any]:
    """{key: value} of the keys found in memory or, failing that, in the database.

    The database's copy that cannot be read (a table locked or missing, a value
    pickled by another release) counts as not found: the caller works it out again.
    """
    keys = list(keys)
    found = caches["default"].get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        try:
            with transaction.atomic(using=_database()):
                shared = caches[SHARED].get_many(missing)
        except _UNREADABLE:
            logger.warning("The shared cache could not be read.", exc_info=True)
            shared = {}
        if shared:
            caches["default"].set_many(shared)
            found.update(shared)
    return found


def set_many(entries: dict[str, Any]) -> None:
    """Keep ``entries`` in memory and in the database, each for its cache's ``TIMEOUT``."""
    caches["default"].set_many(entries)
    caches[SHARED].set_many(entries)


def get(key: str) -> Any | None:
    return get_many([key]).get(key)


def set(key: str, value: Any) -> None:
    set_many({key: value})


def shared(key: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept in memory and in the database under ``key`` (``get_many``),
    which must change with whatever it reads: what every process may read instead of
    working it out again. Never None."""
    found = get(key)
    if found is None:
        found = compute()
        set(key, found)
    return found


def kept(key: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept in this process's memory only under ``key``, which must change
    with whatever it reads: what a page works out in milliseconds, not worth sharing."""
    found = caches[PAGES].get(key)
    if found is None:
        found = compute()
        caches[PAGES].set(key, found)
    return found


def clear_memory() -> None:
    """Empty what this process keeps, as a worker that has just started finds it."""
    caches["default"].clear()
    caches[PAGES].clear()


def clear() -> None:
    """Empty this process's memory and the database's copy (a restore: what was kept
    came from other rows)."""
    clear_memory()
    clear_shared()


def clear_shared() -> None:
    """Empty the database's copy; before its table exists (the first ``migrate``), nothing."""
    try:
        with transaction.atomic(using=_database()):
            caches[SHARED].clear()
    except DatabaseError:
        logger.info("No shared cache to empty yet.")


def _database() -> str:
    return router.db_for_write(caches[SHARED].cache_model_class)  # type: ignore[attr-defined]


class Counted(Paginator):
    """A paginator whose count is known (``Paginator`` would count its rows again):
    a kept page's (``counted_page``), or a list whose count another query gave."""

    def __init__(self, count: int, per_page: int, object_list: Any = None):
        super().__init__([] if object_list is None else object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached property


def counted_page(object_list: list, count: int, number: int, size: int) -> Page:
    """Page ``number`` of a kept list: its rows and the count of them all. A page of a
    queryset cannot be kept as it is: pickling it would read every row."""
    return Page(object_list, number, Counted(count, size))
