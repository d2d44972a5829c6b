import gc
import importlib
import os
import sys

import pytest
from _pytest.assertion.rewrite import AssertionRewritingHook


def _leave_libraries_asserts_alone() -> None:
    """pytest rewrites the asserts of every module of each installed package that
    ships a pytest plugin (hypothesis, Faker, pytest-django, xdist...), on import. With
    no bytecode written (PYTHONDONTWRITEBYTECODE, or a fresh clone) each process of a
    run does it again: hypothesis alone is some 150 modules, a second of CPU in the
    main process and in each xdist worker before the first test. Their asserts are not
    ours; our tests and conftests are still rewritten. Before hypothesis is imported."""
    for finder in sys.meta_path:
        marked = getattr(finder, "_must_rewrite", None)
        if isinstance(finder, AssertionRewritingHook) and isinstance(marked, set):
            marked.clear()


_leave_libraries_asserts_alone()

from django.apps import apps  # noqa: E402
from django.db import connections  # noqa: E402
from django.template import Template  # noqa: E402
from django.utils import translation  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

# Property-based tests ask for a multiple of the profile's number of examples: of
# Hypothesis's default 100, or of 1000 with HYPOTHESIS_PROFILE=thorough. Loaded here,
# before the test modules make their settings from it.
hypothesis_settings.register_profile("thorough", max_examples=1000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_configure(config: pytest.Config) -> None:
    """Python's collector runs every 700 new objects by default; a test run makes
    millions (querysets, template nodes) that a test's end frees by reference count
    anyway. Rarer collections: some 5% of the suite's time."""
    gc.set_threshold(50_000, 50, 100)


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.args[:1] == (True,) or marker.kwargs.get("transaction")):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` first, so that none starts late and leaves one worker of
    ``-n`` running alone at the end. Transactional tests stay where pytest-django puts
    them, after the others: they empty the database when they finish."""
    items.sort(key=lambda item: not (item.get_closest_marker("slow") and not _transactional(item)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """With ``-n``, each worker takes the next test when it has finished one, rather
    than batches of a hundred fixed in advance (``--maxschedchunk=1``): the slow
    tests, first, spread over the workers, which then finish together. The order
    each worker runs its tests in stays the collection's, so transactional tests
    still come after the others on every worker (xdist's ``worksteal`` breaks that).
    """
    if config.getvalue("dist") == "load" and config.getvalue("maxschedchunk") is None:
        from xdist.scheduler import LoadScheduling

        scheduler = LoadScheduling(config, log)
        scheduler.maxschedchunk = 1
        return scheduler
    return None


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """The test databases are made from the models (Django's ``TEST["MIGRATE"] = False``),
    not by running every migration, which took each pytest-xdist worker seconds of CPU
    before its first test. tests/test_migrations.py proves the models need no new
    migration; tests/security/test_backup.py runs ``migrate`` on an empty database and
    finds the same tables, columns, keys and rows as here."""
    for alias in connections:
        connections[alias].settings_dict["TEST"]["MIGRATE"] = False


# The one data migration that adds rows to an empty database (the others change rows
# that exist); the comparison in tests/security/test_backup.py would find another.
GROUPS_MIGRATION = "reports.migrations.0002_reviewers_and_leadership_groups"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The rows ``migrate`` adds to an empty database: the reviewers and leadership groups."""
    with django_db_blocker.unblock():
        importlib.import_module(GROUPS_MIGRATION).create_groups(apps, None)


@pytest.fixture(autouse=True)
def _transactional_tests_commit(request):
    """A test that commits (``transaction=True``) runs in no transaction of another: a
    world kept for a module (``tests/once.py``) would hold its writes uncommitted, and
    a thread's connection would not see them. Such tests live in modules keeping none."""
    if _transactional(request.node):
        assert not connections["default"].in_atomic_block, "a world kept for the module"


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    """Fast hashing and in-memory mail in every test; English-free Vietnamese UI."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # WhiteNoise otherwise indexes STATIC_ROOT (once collected, by `make serve` or
    # `make bench`: a thousand files) each time a test client starts its handler.
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Every test starts in the site's language: a request in another one (the walk
    presses "English") leaves its language active in the thread it ran in."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def factories_keep_history(monkeypatch):
    """The rows the factories make get their history record, as the site's own saves do
    (``factories.ModelFactory`` leaves it out unless a test reads it)."""
    from tests import factories

    monkeypatch.setattr(factories, "KEEP_HISTORY", True)


@pytest.fixture
def untracked_templates(monkeypatch):
    """Templates render as in production, without the test client's copy of every
    template's context (``response.context``, ``assertTemplateUsed``): a tenth of
    the time of a test that makes hundreds of requests and reads neither."""
    monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))


@pytest.fixture(autouse=True)
def _mail_server_not_resting():
    """Every test starts with no memory of a mail server that failed in an earlier one
    of the same process (notifications.services._Outbox leaves it alone a minute)."""
    from notifications.services import _Outbox

    _Outbox._down_until = 0.0
    yield
    _Outbox._down_until = 0.0


@pytest.fixture(autouse=True)
def _signed_in_fully(monkeypatch):
    """``client.force_login(user)`` stands for a person who has signed in, which for
    whoever has or must have a second factor includes having given it. The tests of
    two-factor sign-in itself sign in by the pages (tests/accounts/test_two_factor.py)."""
    from django.test import Client

    from sampledata.sessions import second_factor_given

    force_login = Client.force_login

    def signed_in(self, user, backend=None):
        force_login(self, user, backend)
        session = self.session
        second_factor_given(session, user)
        session.save()

    monkeypatch.setattr(Client, "force_login", signed_in)
