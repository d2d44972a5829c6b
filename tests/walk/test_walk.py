"""The whole app walked as every role, on the demo data (issue 12, item 1).

Each role starts at ``/``, follows every link the app shows it and submits
every form with each of its buttons, with the page's own values and then odd
ones (tests/walk/crawler.py). A role's walk fails on any 5xx, on a 403/404 for
something the app showed it, and on a redirect to the sign-in page; all its
failures are listed at once. Defects issue 12 already lists, which other
branches fix, are in tests/walk/known_defects.py: they are expected, and an
entry that no longer occurs fails the walk so the list cannot rot.
"""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import URLResolver, get_resolver

from reports.models import Quarter
from tests.walk.crawler import Walker
from tests.walk.known_defects import KNOWN_DEFECTS

pytestmark = pytest.mark.django_db

# Bdv (Ban Dân vận) has a submitted report in the open quarter and leads many
# directives; Hội Nông dân (hnd) is another unit.
ROLES = {
    "anonymous": None,
    "unit-reporter": "bdv-reporter",
    "unit-head": "bdv-head",
    "other-unit-reporter": "hnd-reporter",
    "reviewer": "reviewer",
    "leadership": "leader",
    "administrator": "admin",
}
BUDGET = 450


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", stdout=StringIO())


def walk_as(role: str) -> list:
    client = Client(raise_request_exception=False)
    username = ROLES[role]
    if username:
        client.force_login(User.objects.get(username=username))
    quarter = Quarter.objects.current()
    walker = Walker(
        client,
        role,
        signed_in=bool(username),
        budget=BUDGET,
        plausible_date=quarter.start_date + datetime.timedelta(days=45),
    )
    return walker.walk("/"), walker


@pytest.mark.parametrize("role", list(ROLES))
def test_every_link_and_button_the_app_shows_works(role, demo):
    findings, walker = walk_as(role)

    expected = [d for d in KNOWN_DEFECTS if role in d.roles]
    known = [f for f in findings if any(d.matches(f) for d in expected)]
    new = [f for f in findings if f not in known]
    gone = [d for d in expected if not any(d.matches(f) for f in findings)]
    summary = f"{walker.requests} requests, {len(walker.seen_url_names)} views"
    slowest = sorted(walker.timings, reverse=True)[:8]
    print(summary, f"{sum(t for t, _, _ in walker.timings):.1f} s in requests; slowest:")
    print("\n".join(f"  {t:.2f} s {method.upper()} {url}" for t, method, url in slowest))
    problems = []
    if new:
        problems.append(
            f"The walk as {role} failed ({summary}):\n"
            + "\n".join(f.describe() for f in sorted(new, key=lambda f: (f.url_name, f.url)))
        )
    if gone:
        problems.append(
            "Listed in tests/walk/known_defects.py but no longer found (delete the entry):\n"
            + "\n".join(f"  {d}" for d in gone)
        )
    assert not problems, "\n\n".join(problems)
    if known:
        pytest.xfail(
            f"known defects of issue 12 ({summary}):\n" + "\n".join(f.describe() for f in known)
        )


def app_url_names(resolver=None, namespace: str = "") -> set[str]:
    """Every named URL of the app, the Django admin's left to its own tests."""
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace != "admin":
                names |= app_url_names(pattern, inner)
        elif pattern.name:
            names.add(namespace + pattern.name)
    return names


# Pages the app links from nowhere (probes), or that the demo has nothing for: each
# has its own tests (tests/test_health.py, tests/security/test_uploads.py).
NOT_LINKED = {"healthz", "favicon", "directives:evidence"}
# Known gaps of the walk, each with its own tests: no page posts to reports:submit
# (the report form submits through its own page), and the reopen button stands on an
# accepted report's page, which the three report pages the bounds allow may not be.
NOT_REACHED = {"reports:submit", "reports:reopen"}


def test_the_walk_reaches_every_page_and_button_of_the_app(demo):
    # A page or form added later joins the walk, or this says which one it missed.
    seen = set()
    for role in ROLES:
        _findings, walker = walk_as(role)
        seen |= set(walker.seen_url_names)
    assert app_url_names() - NOT_LINKED - NOT_REACHED - seen == set()
