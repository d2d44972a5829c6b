"""Figures comparable across a reorganisation: the predecessors whose counted values a
scope's earlier quarters include.

A successor's previous quarter, same quarter last year, year-to-date and trend are
only comparable with this quarter if they include what its predecessors reported
before the change: through the whole chain of successors (a unit merged into one
that was later split…), each by the share the reorganisation recorded
(``UnitLink.share``: 1 for a merger, the decided share for a split). The whole
province needs none of this: every unit is in it already.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from reports.lineage import predecessor_weights
from reports.models import Unit
from reports.permissions import Scope


@dataclass(frozen=True)
class Lineage:
    """Predecessors outside the scope and the share of their figures it carries on."""

    weights: dict[int, Decimal] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.weights)

    def names(self) -> list[str]:
        """'gồm số liệu của …': each predecessor, with its share when it is not whole."""
        units = Unit.objects.filter(id__in=self.weights).order_by("display_order", "name")
        return [
            unit.name
            if self.weights[unit.id] == 1
            else f"{unit.name} ({self.weights[unit.id]:.0%})"
            for unit in units
        ]


NO_LINEAGE = Lineage()


def lineage_of(scope: Scope) -> Lineage:
    """The predecessors of the scope's units (one query a generation; none for the
    whole province)."""
    if scope.unit_ids is None or not scope.unit_ids:
        return NO_LINEAGE
    return Lineage(weights=predecessor_weights(scope.unit_ids))
