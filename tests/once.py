"""Rows made once for a class or a module of tests and rolled back after them.

Each test still runs in its own savepoint inside, so what one test writes is gone
for the next. A fixture of class or module scope runs before conftest's per-test
settings: this sets the fast password hasher itself (the demo's accounts would
otherwise cost half a second of PBKDF2 each load).
"""

import contextlib
import copy
from typing import TypeVar

from django.db import transaction
from django.test import override_settings

from common import caching

T = TypeVar("T")


@contextlib.contextmanager
def kept_for_the_scope(django_db_blocker, **settings):
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], **settings
    )
    with django_db_blocker.unblock(), fast, transaction.atomic():
        yield
        transaction.set_rollback(True)


def for_one_test(kept: T) -> T:
    """What one test gets of a world kept for its module (``kept_for_the_scope``): its
    objects a copy of their own, so that what a test sets on one (``refresh_from_db``, a
    changed field) is not what the next finds; its writes are rolled back with its
    savepoint. What this process keeps is emptied first: the world's tokens are the same
    for every test of the module, so what an earlier test kept under them would be found."""
    caching.clear_memory()
    return copy.deepcopy(kept)
