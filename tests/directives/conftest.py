import pytest

from tests.directives.world import build_world, freeze_today


@pytest.fixture
def world(monkeypatch, settings, tmp_path):
    """The small follow-up world (tests/directives/world.py) on ``TODAY``, with uploads
    in a temporary folder. A test file that needs more takes it and adds to it."""
    freeze_today(monkeypatch)
    settings.MEDIA_ROOT = tmp_path
    return build_world()
