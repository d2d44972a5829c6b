import datetime

import pytest

from sampledata.demo import demo_load
from tests.once import kept_for_the_scope

# The demo runs to the quarter holding today: the loaded demo's today, fixed here.
DEMO_TODAY = datetime.date(2026, 11, 29)
# The demo's provincial bodies (the commission, the Front and the organisations, the
# armed forces, the government's Party bodies): all attended the seed briefing.
PROVINCIAL_BODIES = {
    "bdv",
    "mttq",
    "hlhpn",
    "tinhdoan",
    "hnd",
    "hccb",
    "ldld",
    "bchqs",
    "congan",
    "bdbp",
    "bcsd-ubnd",
    "dd-hdnd",
}


@pytest.fixture(scope="class")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo as of ``DEMO_TODAY``, loaded once for a class of read-only tests and
    rolled back after them; its accounts."""
    with kept_for_the_scope(django_db_blocker):
        yield demo_load(today=DEMO_TODAY)
