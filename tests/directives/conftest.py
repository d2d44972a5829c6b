# The small follow-up world of tests/directives/world.py, for every test here that asks.
from tests.directives.world import admin_client, built_world, world  # noqa: F401 - fixtures
