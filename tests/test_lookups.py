"""``common.lookups.among``: what ``__in`` means, on both databases, as a filter and as an
aggregate's filter."""

import uuid

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from common.lookups import among
from reports.models import Unit, UnitReport
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def units() -> list[Unit]:
    return [f.UnitFactory() for _ in range(12)]


def test_it_finds_the_rows_in_finds_and_excludes_the_others(units):
    chosen = {unit.id for unit in units[::3]}
    found = set(Unit.objects.filter(among("id", chosen)).values_list("id", flat=True))
    assert found == set(Unit.objects.filter(id__in=chosen).values_list("id", flat=True))
    assert found == chosen
    excluded = Unit.objects.exclude(among("id", chosen)).values_list("id", flat=True)
    assert set(excluded) == set(Unit.objects.exclude(id__in=chosen).values_list("id", flat=True))
    assert not chosen & set(excluded)


def test_it_follows_a_relation_and_counts_in_an_aggregate_filter(units):
    for unit in units:
        f.UnitReportFactory(unit=unit)
    chosen = [unit.id for unit in units[:5]]
    counts = UnitReport.objects.aggregate(
        among_them=Count("id", filter=among("unit__id", chosen)),
        by_in=Count("id", filter=Q(unit_id__in=chosen)),
    )
    assert counts == {"among_them": 5, "by_in": 5}


def test_no_ids_match_no_row_as_an_empty_in_does(units):
    assert not Unit.objects.filter(among("id", [])).exists()
    assert Unit.objects.exclude(among("id", [])).count() == Unit.objects.count() >= len(units)
    assert UnitReport.objects.aggregate(n=Count("id", filter=among("unit_id", set())))["n"] == 0


@pytest.mark.parametrize("odd", ["1; DROP TABLE reports_unit", "12", 1.7, None, uuid.uuid4()])
def test_only_integers_are_taken(odd):
    with pytest.raises(TypeError):
        Unit.objects.filter(among("id", [odd]))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's array")
def test_on_postgresql_the_ids_are_one_array_of_the_columns_type(units):
    # An int[] against a bigint column is compared element by element inside an
    # aggregate's FILTER: seconds at national scale, where the typed array is hashed.
    with CaptureQueriesContext(connection) as queries:
        list(Unit.objects.filter(among("id", [units[0].id, units[1].id])))
    assert "= ANY(ARRAY[" in queries[0]["sql"]
    assert "::bigint[]" in queries[0]["sql"]


def test_no_ids_in_one_aggregates_filter_leave_the_others_of_the_statement(units):
    for unit in units:
        f.UnitReportFactory(unit=unit)
    rows = list(
        UnitReport.objects.values("quarter_id").annotate(
            none=Count("id", filter=among("unit_id", [])),
            first=Count("id", filter=among("unit_id", [units[0].id])),
        )
    )
    assert sum(row["first"] for row in rows) == 1
    assert sum(row["none"] for row in rows) == 0


def test_in_an_exclude_a_null_column_is_dropped_unless_said(units):
    # SQL's NOT IN: a root's NULL parent is neither in nor out (common/lookups.py).
    ids = [units[0].id]
    roots = Unit.objects.filter(parent__isnull=True)
    assert roots.exists()
    assert not roots.exclude(among("parent_id", ids)).exists()
    assert roots.exclude(among("parent_id", ids), parent_id__isnull=False).count() == roots.count()
