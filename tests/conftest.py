import pytest
from django.template import Template
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


@pytest.fixture
def untracked_templates(monkeypatch):
    """Templates render as in production, without the test client's copy of every
    template's context (``response.context``, ``assertTemplateUsed``): a tenth of
    the time of a test that makes hundreds of requests and reads neither."""
    monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))
