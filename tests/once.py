"""Rows made once for a class or a module of tests and rolled back after them.

Each test still runs in its own savepoint inside, so what one test writes is gone
for the next. A fixture of class or module scope runs before conftest's per-test
settings: this sets the fast password hasher itself (the demo's accounts would
otherwise cost half a second of PBKDF2 each load).
"""

import contextlib

from django.db import transaction
from django.test import override_settings


@contextlib.contextmanager
def kept_for_the_scope(django_db_blocker, **settings):
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], **settings
    )
    with django_db_blocker.unblock(), fast, transaction.atomic():
        yield
        transaction.set_rollback(True)
