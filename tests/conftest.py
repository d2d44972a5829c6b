import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    """Fast hashing and in-memory mail in every test; English-free Vietnamese UI."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Every test starts in the site's language: a request in another one (the walk
    presses "English") leaves its language active in the thread it ran in."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
