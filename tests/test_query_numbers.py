"""Numbers in query strings and posted counters: "²", "٣", "1e9" and the like are
bad input answered with the default page or a message, never a 500."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests import factories as f
from tests.directives.world import build_world, freeze_today

# Many requests, none reading response.context: rendered as in production.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("untracked_templates")]

ODD = ["²", "٣", "1e9", "-1", "99999999999999999999", "", "abc", "0", "1.5", " 2"]


@pytest.fixture
def world(monkeypatch):
    freeze_today(monkeypatch)
    world = build_world()
    world.report = f.UnitReportFactory(unit=world.unit_a, quarter=world.q2)
    return world


@pytest.fixture
def admin_client(client, world):
    client.force_login(User.objects.get(username="admin"))
    return client


def pages(world):
    """(url, parameter) for every page that reads a number from its query string."""
    q2 = world.q2.slug
    update = f.ProgressUpdateFactory(assignment=world.a_normal)
    return [
        (reverse("reports:list"), "page"),
        (reverse("reports:queue"), "page"),
        (reverse("reports:queue_quarter", args=[q2]), "page"),
        (reverse("meetings:list"), "page"),
        (reverse("meetings:detail", args=[world.meeting.pk]), "page"),
        (reverse("directives:register"), "page"),
        (reverse("directives:register"), "meeting"),
        (reverse("directives:register"), "topic"),
        (reverse("directives:register"), "quarter"),
        (reverse("directives:register"), "unit"),
        (reverse("directives:assignments"), "page"),
        (reverse("directives:assignments"), "unit"),
        (reverse("directives:assignments"), "quarter"),
        (reverse("directives:dashboard"), "quarter"),
        (reverse("directives:detail", args=[world.normal.pk]), "page"),
        (reverse("directives:detail", args=[world.normal.pk]), "changes_page"),
        (reverse("directives:review"), "page"),
        (reverse("quarters:detail", args=[q2]), "units"),
        (reverse("quarters:detail", args=[q2]), "page"),
        (reverse("quarters:detail", args=[q2]) + "?indicator=X", "drill_page"),
        (reverse("quarters:report_docx", args=[q2]), "number"),
        (reverse("quarters:directives_xlsx", args=[q2]), "number"),
        (
            reverse("quarters:notice_docx", args=[world.meeting.quarter.slug, world.meeting.pk]),
            "number",
        ),
        (reverse("directives:update_review", args=[update.pk]), "page"),
    ]


@pytest.mark.parametrize("odd", ODD)
def test_an_odd_number_in_a_query_string_never_gives_a_server_error(admin_client, world, odd):
    failures = []
    for url, name in pages(world):
        joiner = "&" if "?" in url else "?"
        response = admin_client.get(f"{url}{joiner}{name}={odd}")
        if response.status_code >= 500:
            failures.append((url, name, response.status_code))
    assert failures == []


@pytest.mark.parametrize("odd", ["²", "٣"])
def test_a_document_number_in_other_digits_is_refused_with_a_message(admin_client, world, odd):
    url = reverse("quarters:report_docx", args=[world.q2.slug])
    response = admin_client.get(f"{url}?number={odd}", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain  # back to the quarter page, with the message
    assert "docx" not in response["Content-Type"]


@pytest.mark.parametrize("odd", ["²", "٣", "1e9", "-1", "99999999999999999999", "", "abc"])
def test_a_submit_with_an_odd_version_is_refused_as_stale(client, world, odd):
    head = f.member(world.unit_a, role="head")
    client.force_login(head)
    response = client.post(reverse("reports:submit", args=[world.report.pk]), {"version": odd})
    assert response.status_code == 302
    world.report.refresh_from_db()
    assert world.report.status == "draft"
