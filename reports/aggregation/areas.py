"""Completeness rolled up by the tree: a node's sub-units as areas (the province's
communes, the country's provinces), each with the counts of its whole subtree, so
the quarter page drills down from the top of the user's scope to a commune.

One query for the counts whatever the number of units: each expected unit is
given the area it falls in by following ``parent`` a bounded number of levels
(``AREA_DEPTH``), and the database groups by area.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Exists, F, IntegerField, OuterRef, QuerySet, When
from django.utils import timezone

from common.lookups import among
from reports.aggregation.completeness import (
    Counts,
    count_columns,
    counts_of_row,
    kept_for_the_quarter,
    units_with_standing,
)
from reports.models import Quarter, Unit
from reports.permissions import Scope

# Levels under an area that still count in it: a commune-level Party committee's
# cells sit three levels under a province; deeper units are not expected to exist.
AREA_DEPTH = 5


@dataclass
class Area:
    unit: Unit
    counts: Counts
    has_children: bool
    is_node: bool = False  # the node's own report, not a subtree


@dataclass
class AreaRollup:
    node: Unit | None  # None: the tops of the scope, side by side
    path: list[Unit]  # from the top of the scope down to the node, for the breadcrumb
    areas: list[Area]


def _area_expression(area_ids: list[int]) -> Case:
    whens = []
    lookup = "id"
    for _level in range(AREA_DEPTH + 1):
        whens.append(When(**{f"{lookup}__in": area_ids}, then=F(lookup)))
        lookup = "parent_id" if lookup == "id" else lookup.replace("_id", "__parent_id")
    return Case(*whens, default=None, output_field=IntegerField())


def _in_order(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """``units`` in the commission's order, each knowing whether units sit under it."""
    below = Unit.objects.filter(parent=OuterRef("pk"))
    return units.annotate(has_children=Exists(below)).order_by("display_order", "name")


def _tops(scope: Scope) -> list[Unit]:
    """The units at the top of the scope: the roots, or the units whose parent is not in it."""
    units = _in_order(Unit.objects.all())
    if scope.unit_ids is None:
        return list(units.filter(parent__isnull=True))
    tops = scope.filter(units, "id")
    # A root's NULL parent is "not in the scope" too: SQL's NOT IN would drop it.
    return list(tops.exclude(among("parent_id", scope.unit_ids), parent_id__isnull=False))


def _path(node: Unit, scope: Scope) -> list[Unit]:
    ancestors = Unit.objects.ancestor_ids([node.id])
    if scope.unit_ids is not None:
        ancestors &= scope.unit_ids
    by_id = {unit.id: unit for unit in Unit.objects.filter(id__in=ancestors)}
    path: list[Unit] = []
    unit: Unit | None = node
    while unit is not None:
        path.append(unit)
        unit = by_id.get(unit.parent_id) if unit.parent_id else None
    return path[::-1]


def completeness_by_area(
    *,
    quarter: Quarter,
    scope: Scope,
    under: Unit | None = None,
    today: datetime.date | None = None,
) -> AreaRollup:
    """The areas under ``under`` (a unit of the scope), or under the top of the scope
    when it is a single unit, or the tops side by side, each with its subtree's counts.
    A few queries whatever the number of units; the top of the scope, which the quarter
    page opens on, kept for the commission (``kept_for_the_quarter``). A unit's subtree
    is read each time: every unit may be asked for, and each would take a place in the
    shared cache."""
    today = today or timezone.localdate()
    if under is not None:
        return _completeness_by_area(quarter, scope, under, today)
    return kept_for_the_quarter(
        "quarter-areas",
        quarter=quarter,
        scope=scope,
        parts=(quarter.is_past_due(today),),
        compute=lambda: _completeness_by_area(quarter, scope, None, today),
    )


def _completeness_by_area(
    quarter: Quarter, scope: Scope, under: Unit | None, today: datetime.date
) -> AreaRollup:
    node = under
    tops: list[Unit] = []
    if node is None:
        tops = _tops(scope)
        node = tops[0] if len(tops) == 1 else None
    children = list(_in_order(node.children.all())) if node else tops
    area_ids = [unit.id for unit in children]
    expression = _area_expression(area_ids)
    if node is not None:
        expression = Case(When(id=node.id, then=F("id")), default=expression)
    rows = (
        units_with_standing(quarter=quarter, scope=scope)
        .annotate(area=expression)
        .filter(area__isnull=False)
        .values("area")
        .annotate(**count_columns(quarter))
        .order_by()
    )
    past_due = quarter.is_past_due(today)
    counts = {row["area"]: counts_of_row(row, past_due=past_due) for row in rows}
    # A unit that had ended before the quarter's last day, or began after it, is not
    # an area of that quarter unless units under it still owed a report.
    areas = [
        Area(
            unit=unit,
            counts=counts.get(unit.id, Counts()),
            has_children=getattr(unit, "has_children", False),
        )
        for unit in children
        if unit.id in counts or unit.is_active_on(quarter.end_date)
    ]
    if node is not None and node.id in counts:
        areas.insert(0, Area(unit=node, counts=counts[node.id], has_children=False, is_node=True))
    return AreaRollup(node=node, path=_path(node, scope) if node is not None else [], areas=areas)
