"""Which units' work a unit carries on: its predecessors through every reorganisation
(``UnitLink``), each with the share of its figures that came to it."""

from collections.abc import Iterable
from decimal import Decimal

from reports.models import UnitLink

# Reorganisations follow one another a few times a decade; the walk stops at this
# depth whatever the links say, so a page's queries stay bounded.
MAX_GENERATIONS = 10


def predecessor_weights(unit_ids: Iterable[int]) -> dict[int, Decimal]:
    """{predecessor id: share carried on} for the predecessors of ``unit_ids`` that are
    not among them, through the whole chain (one query a generation).

    A merger passes a predecessor's whole figures (share 1), a split the share it
    decided; along a chain the shares multiply, and two paths to one predecessor add.
    """
    own = frozenset(unit_ids)
    weights: dict[int, Decimal] = {}
    frontier = {unit_id: Decimal(1) for unit_id in own}
    for _generation in range(MAX_GENERATIONS):
        if not frontier:
            break
        links = UnitLink.objects.filter(successor_id__in=frontier).values_list(
            "predecessor_id", "successor_id", "share"
        )
        found: dict[int, Decimal] = {}
        for predecessor_id, successor_id, share in links:
            if predecessor_id not in own:
                carried = frontier[successor_id] * share
                found[predecessor_id] = found.get(predecessor_id, Decimal(0)) + carried
        for unit_id, weight in found.items():
            weights[unit_id] = weights.get(unit_id, Decimal(0)) + weight
        frontier = found
    return weights
