"""The follow-up pages run a bounded number of queries whatever the data size: the
world with 3 directives more (``test_dashboard.populate``), then with 60 more and 30
updates. Apart from test_dashboard.py, whose world has 24 more: past a page of rows,
a query a row would not show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import ReportStatus
from tests import factories as f
from tests.directives.test_dashboard import populate

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _pages(world):
    return [
        reverse("directives:dashboard"),
        reverse("directives:register"),
        reverse("directives:register") + "?status=overdue&q=dan+van&sort=due",
        reverse("directives:assignments"),
        reverse("directives:assignments") + "?progress=awaiting",
        reverse("meetings:list"),
        reverse("meetings:detail", args=[world.meeting.pk]),
        reverse("meetings:pack", args=[world.meeting.pk]),
        reverse("directives:detail", args=[world.normal.pk]),
        reverse("directives:review"),
    ]


@pytest.mark.parametrize("who", ["reviewer", "reporter_a"])
def test_pages_run_the_same_bounded_number_of_queries_at_two_sizes(
    client, world, who, django_assert_max_num_queries
):
    populate(world, 3)
    for unit in (world.unit_a, world.unit_b):
        report = f.UnitReportFactory(unit=unit, quarter=world.q1, status=ReportStatus.SUBMITTED)
        report.first_submitted_at = report.created_at
        report.save()
    user = getattr(world, who)
    client.force_login(user)
    pages = [url for url in _pages(world) if who == "reviewer" or "pack" not in url]
    pages = [url for url in pages if who == "reviewer" or "review" not in url]
    small = {url: _queries(client, url) for url in pages}
    populate(world, 60)
    for i in range(30):
        f.ProgressUpdateFactory(assignment=world.a_normal, quarter=world.q2, description=f"u{i}")
    for url in pages:
        with django_assert_max_num_queries(small[url], info=url):
            client.get(url)
        assert small[url] <= 25, url
