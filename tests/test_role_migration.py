"""The data migrations of issue 14: the global role groups become roles on the roots
(reports 0014), and every meeting goes to the root unit (directives 0007)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from directives.models import Meeting
from reports.models import Membership

BEFORE = [
    ("reports", "0013_reorganisation_unitlink_unitname"),
    ("directives", "0006_one_pending_claim_per_assignment"),
]


def migrate(targets):
    """Migrate the test database to ``targets``. It was made from the models
    (tests/conftest.py), so on the first call every migration is recorded as
    applied: the executor then only runs the steps between the latest state and
    ``targets``."""
    executor = MigrationExecutor(connection)
    if not executor.recorder.applied_migrations():
        for key in executor.loader.graph.nodes:
            executor.recorder.record_applied(*key)
        executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_role_groups_become_roles_on_the_roots_and_meetings_go_to_the_root(capsys):
    old = migrate(BEFORE)
    unit = old.get_model("reports", "Unit")
    user = old.get_model("auth", "User")
    group = old.get_model("auth", "Group")
    unit.objects.create(code="a", name="A", kind="mass_org", display_order=1)
    province = unit.objects.create(code="tu", name="Tỉnh ủy", kind="party_committee")
    unit.objects.create(code="bdv", name="Ban Dân vận", kind="mass_mobilization", parent=province)
    reviewers, leadership = (
        group.objects.get(name="reviewers"),
        group.objects.get(name="leadership"),
    )
    people = {name: user.objects.create(username=name) for name in ("rev", "lead", "both", "head")}
    people["rev"].groups.add(reviewers)
    people["lead"].groups.add(leadership)
    people["both"].groups.add(reviewers, leadership)
    people["head"].groups.add(reviewers)
    old.get_model("reports", "Membership").objects.create(
        user=people["head"], unit=province, role="head"
    )
    quarter = old.get_model("reports", "Quarter").objects.create(
        year=2024, number=1, due_date=datetime.date(2024, 4, 10)
    )
    old.get_model("directives", "Meeting").objects.create(
        quarter=quarter,
        held_at=timezone.make_aware(datetime.datetime(2024, 3, 14, 14)),
        title="Giao ban",
        chair_name="Chủ trì",
    )

    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())

    roles = {
        (m.user.username, m.unit.code): m.role
        for m in Membership.objects.select_related("user", "unit")
    }
    assert roles == {
        ("rev", "a"): "reviewer",
        ("rev", "tu"): "reviewer",
        ("lead", "a"): "leadership",
        ("lead", "tu"): "leadership",
        ("both", "a"): "reviewer",  # a reviewer reads all that leadership reads
        ("both", "tu"): "reviewer",
        ("head", "a"): "reviewer",
        ("head", "tu"): "head",  # kept, and said
    }
    assert "head keeps the role 'head' on 'tu'" in capsys.readouterr().out
    # The first Party committee without a parent, though another root comes first.
    assert Meeting.objects.get().unit.code == "tu"
    assert Membership.history.filter(role="reviewer").count() == 5
