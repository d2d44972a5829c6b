"""reports 0016: a unit merged into another, once recorded as a dissolution, is
recorded as the merger it was; a real dissolution (no successor) stays one."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.test_role_migration import migrate

BEFORE = [("reports", "0015_report_unit_covering_index")]
AFTER = [("reports", "0016_single_mergers_are_mergers")]


@pytest.mark.django_db(transaction=True)
def test_a_dissolution_with_a_successor_becomes_a_merger_and_back():
    old = migrate(BEFORE)
    unit, record, link = (
        old.get_model("reports", name) for name in ("Unit", "Reorganisation", "UnitLink")
    )
    day = datetime.date(2025, 7, 1)
    city = unit.objects.create(code="tu-uongbi", name="Thành ủy Uông Bí", kind="party_committee")
    ward = unit.objects.create(code="du-uongbi", name="Đảng ủy phường", kind="party_committee")
    merged = record.objects.create(kind="dissolve", effective_on=day, decision_date=day)
    record.objects.create(kind="dissolve", effective_on=day, decision_date=day)  # no successor
    link.objects.create(reorganisation=merged, predecessor=city, successor=ward, share=1)

    migrate(AFTER)
    assert list(record.objects.order_by("pk").values_list("kind", flat=True)) == [
        "merge",
        "dissolve",
    ]

    migrate(BEFORE)
    assert set(record.objects.values_list("kind", flat=True)) == {"dissolve"}
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
