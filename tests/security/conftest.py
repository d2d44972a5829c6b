# The audit world of tests/security/world.py, for every test here that asks for it.
from tests.security.world import built_world, world  # noqa: F401 - fixtures
