"""Who the administrator is, whose figures a user sees and what the templates show:
each answered once, in ``reports.permissions``, for both apps, the templates and the
navigation. Before, "admin" meant ``is_staff`` in the navigation and ``is_superuser``
in the rules, the directives kept their own list-or-None scope, and templates worked
roles out from ``user.is_superuser``."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse

from directives import selectors as directive_selectors
from directives.query import DONE_VALUES
from reports import permissions
from reports.models import ReportStatus
from tests import factories as f
from tests.directives.world import build_world, freeze_today

pytestmark = pytest.mark.django_db


def staff_with(*codenames: str, **kwargs):
    user = f.UserFactory(is_staff=True, **kwargs)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.mark.parametrize(
    ("make", "is_admin"),
    [
        (lambda: f.admin(), True),
        (lambda: staff_with("change_unitreport", "view_unitreport"), True),
        (lambda: staff_with("change_unit", "view_unit"), False),  # manages units only
        (lambda: f.UserFactory(is_superuser=True), False),  # cannot open the admin
        (lambda: f.admin(is_active=False), False),
        (lambda: f.reviewer(), False),
    ],
    ids=["superuser", "report-admin", "units-clerk", "superuser-not-staff", "inactive", "reviewer"],
)
def test_the_administrator_is_staff_holding_the_report_permissions(make, is_admin):
    user = make()
    assert permissions.is_admin(user) is is_admin
    assert permissions.oversees(user) is (is_admin or permissions.is_reviewer(user))


def test_only_the_administrator_reads_a_units_draft_and_sees_the_admin_link(client):
    quarter = f.QuarterFactory(year=2024, number=2)
    draft = f.UnitReportFactory(quarter=quarter, results="Bản nháp riêng của đơn vị.")
    url = reverse("reports:report", args=[draft.unit.code, quarter.slug])
    admin_link = reverse("admin:index")
    for user, allowed in [
        (staff_with("change_unitreport", "view_unitreport"), True),
        (f.UserFactory(is_superuser=True), False),
        (staff_with("change_unit", "view_unit"), False),
    ]:
        client.force_login(user)
        response = client.get(url)
        assert (response.status_code == 200) is allowed
        home = client.get(reverse("home")).content.decode()
        assert (f'href="{admin_link}"' in home) is allowed


@pytest.fixture
def world(monkeypatch):
    freeze_today(monkeypatch)
    return build_world()


def test_one_scope_narrows_the_quarter_and_the_dashboards(world):
    scope = permissions.scope_for(world.reporter_b)
    assert scope == permissions.Scope(unit_ids=frozenset({world.unit_b.id}))
    assert permissions.scope_for(world.reviewer) is permissions.EVERY_UNIT
    assert permissions.scope_for(world.nobody) is None
    summary = directive_selectors.dashboard_summary(world.reporter_b, quarter=world.q2)
    visible = directive_selectors.directives_visible_to(world.reporter_b)
    in_scope = directive_selectors.directives_in_scope(visible, scope)
    assert summary["directives"]["total"] == in_scope.count() == 2  # B's two, not A's own


def test_reviewers_and_leadership_see_every_submitted_report_returned_included():
    statuses = [value for value, _label in permissions.queue_status_choices()]
    assert statuses == [ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.ACCEPTED]
    assert ReportStatus.DRAFT not in statuses


def test_the_dashboards_done_links_list_every_done_status(client, world):
    client.force_login(world.reviewer)
    body = client.get(reverse("directives:dashboard")).content.decode()
    assert "&amp;".join(f"status={value}" for value in DONE_VALUES) in body


def test_no_template_works_out_a_role_itself():
    """Templates show what ``reports.permissions`` decided (``nav``, view context)."""
    folder = Path(settings.BASE_DIR) / "templates"
    derived = ("is_superuser", "is_staff", "perms.", ".groups", "done_on_time,done_late")
    offending = [
        f"{path.relative_to(folder)}: {needle}"
        for path in folder.rglob("*.html")
        for needle in derived
        if needle in path.read_text(encoding="utf-8")
    ]
    assert offending == []
