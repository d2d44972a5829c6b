import pytest

from reports.models import Membership, MembershipRole
from tests import factories as f
from tests.directives.world import build_world, freeze_today


@pytest.fixture
def world(monkeypatch, settings, tmp_path):
    """The small follow-up world (tests/directives/world.py) on ``TODAY``, with uploads
    in a temporary folder. A test file that needs more takes it and adds to it."""
    freeze_today(monkeypatch)
    settings.MEDIA_ROOT = tmp_path
    return build_world()


@pytest.fixture
def admin_client(client, world):
    """The world's administrator, also a reviewer: the services let reviewers record
    and decide, in the admin as on the pages."""
    Membership.objects.create(user=world.admin, unit=f.root_unit(), role=MembershipRole.REVIEWER)
    client.force_login(world.admin)
    return client
