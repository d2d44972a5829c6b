"""Honest comparisons between periods: on how many units each side rests, and which
units the change compares.

A total compared with an earlier one says little when other units filed: the quarter
page once compared Q2/2024's 23 with Q1's 369 ("−346") when 1 unit of 14 had
reported. So every comparison (with the previous quarter, the same quarter a year
before, the year so far with the same quarters a year before):

- counts the units that filed on each side;
- computes the change on the units present on both sides, and only on them: a unit
  that filed both quarters; across a reorganisation between the two quarters, the
  old units and the new ones its links join (``UnitLink``), taken together, when each
  of them that owed a report on its side (``Unit.owes_report_for``) filed it;
- is not comparable when no unit is present on both sides.

The units are matched here, in Python, from the filed reports' units and the links;
their figures are summed in the database (``figures._sums_and_matches``). A unit is present
when its report is filed, even where it left an indicator empty.
"""

import datetime
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from common.types import StrOrPromise
from reports import rules
from reports.models import Quarter, Unit, UnitLink, UnitReport
from reports.permissions import Scope

PROVINCE = "province"  # the table of the whole scope (``figures.PROVINCE``)

QuarterKey = tuple[int, int]  # (year, number)
# A quarter of the current side and the earlier quarter it is compared with.
Pair = tuple[QuarterKey, QuarterKey]


@dataclass(frozen=True)
class Sides:
    """On how many units the two sides of a comparison rest, in one table."""

    current: int = 0  # units that filed on the current side
    earlier: int = 0
    current_compared: int = 0  # of them, those the change compares
    earlier_compared: int = 0
    regrouped: int = 0  # of those compared, the units a reorganisation joined

    @property
    def comparable(self) -> bool:
        return bool(self.current_compared and self.earlier_compared)

    @property
    def whole(self) -> bool:
        """Every unit of both sides is compared: the change is the totals' difference."""
        return self.current == self.current_compared and self.earlier == self.earlier_compared


@dataclass(frozen=True)
class Comparison:
    """One comparison in one table: its two periods and the units each side rests on."""

    current_label: StrOrPromise  # evaluated in the reader's language
    earlier_label: StrOrPromise
    sides: Sides = Sides()

    @property
    def comparable(self) -> bool:
        return self.sides.comparable

    @property
    def whole(self) -> bool:
        return self.sides.whole

    def basis(self) -> str:
        """What the change rests on, in a few words: a spreadsheet's column."""
        sides = self.sides
        if not sides.comparable:
            return str(_("not comparable: no unit reported in both"))
        if sides.whole:
            return str(_("every unit, on both sides"))
        text = _(
            "only the units that reported in both: %(current_compared)s of "
            "%(current_units)s, %(earlier_compared)s of %(earlier_units)s before"
        )
        return str(text) % self._numbers()

    def sentence(self) -> str:
        """What the comparison rests on, in a sentence: under a table, in a document."""
        sides = self.sides
        if not sides.comparable:
            text = _(
                "Compared with %(earlier)s: units reporting: %(current_units)s in "
                "%(current)s, %(earlier_units)s in %(earlier)s; not comparable, no unit "
                "reported in both."
            )
        elif sides.whole and not sides.regrouped:
            text = _(
                "Compared with %(earlier)s: units reporting: %(current_units)s in "
                "%(current)s, %(earlier_units)s in %(earlier)s; the same units on both sides."
            )
        elif sides.whole:  # the same work, carried by other units since a reorganisation
            text = _(
                "Compared with %(earlier)s: units reporting: %(current_units)s in "
                "%(current)s, %(earlier_units)s in %(earlier)s; the same work on both sides, "
                "the units before a reorganisation against those that carry it on."
            )
        else:
            text = _(
                "Compared with %(earlier)s: units reporting: %(current_units)s in "
                "%(current)s, %(earlier_units)s in %(earlier)s; the change counts only the "
                "units that reported in both (%(current_compared)s in %(current)s, "
                "%(earlier_compared)s in %(earlier)s)."
            )
        return str(text) % self._numbers()

    def _numbers(self) -> dict[str, str | int]:
        sides = self.sides
        return {
            "current": str(self.current_label),
            "earlier": str(self.earlier_label),
            "current_units": sides.current,
            "earlier_units": sides.earlier,
            "current_compared": sides.current_compared,
            "earlier_compared": sides.earlier_compared,
        }


@dataclass(frozen=True)
class Match:
    """Whom a comparison rests on: the filed units it leaves out and, by table (the
    scope's and each kind of unit's), the units on each side.

    ``mixed``: units compared in the scope's table but not in their kind's, where a
    reorganisation joined units of different kinds (a kind's table would compare a
    new unit with nothing, or old units with nothing).
    """

    left_out: frozenset[int] = frozenset()
    mixed: frozenset[int] = frozenset()
    sides: Mapping[str, Sides] = field(default_factory=dict)

    def sides_of(self, table_key: str) -> Sides:
        return self.sides.get(table_key, Sides())

    def left_out_of(self, table_key: str) -> frozenset[int]:
        """The filed units the table ``table_key`` does not compare."""
        return self.left_out if table_key == PROVINCE else self.left_out | self.mixed


@dataclass(frozen=True)
class Link:
    predecessor_id: int
    successor_id: int
    effective_on: datetime.date
    # The successor is outside the scope: the predecessor's figures went partly
    # elsewhere, so nothing of it can be compared across the link.
    cut: bool = False


# {quarter key: {unit id: kind}}: the units with a counted report of each quarter.
Filed = Mapping[QuarterKey, Mapping[int, str]]


def _end(key: QuarterKey) -> datetime.date:
    return rules.quarter_bounds(*key)[1]


def _joined(pair: Pair, links: list[Link]) -> tuple[list[set[int]], set[int]]:
    """The units a reorganisation between the pair's two quarters joins, compared
    together (a merger's old units and the new one, a split's unit and its parts;
    every other unit is compared on its own), and the units whose work went partly
    out of the scope then (``Link.cut``)."""
    current, earlier = pair
    parent: dict[int, int] = {}
    cut: set[int] = set()

    def find(unit_id: int) -> int:
        root = parent.setdefault(unit_id, unit_id)
        while root != parent[root]:
            parent[root] = parent[parent[root]]
            root = parent[root]
        return root

    start, end = _end(earlier), _end(current)
    for link in links:
        if not start < link.effective_on <= end:
            continue
        if link.cut:
            cut.add(find(link.predecessor_id))
        else:
            parent[find(link.predecessor_id)] = find(link.successor_id)
    groups: dict[int, set[int]] = defaultdict(set)
    for unit_id in list(parent):
        groups[find(unit_id)].add(unit_id)
    return list(groups.values()), cut


def match_units(
    comparisons: Mapping[str, list[Pair]],
    *,
    filed: Filed,
    links: Iterable[Link],
    load_units: Callable[[set[int]], Mapping[int, Unit]],
) -> dict[str, Match]:
    """Each comparison's ``Match`` from the filed units and the links.

    A group of units is compared when some of it filed on each side and, where a
    reorganisation joined several units, each of them that owed a report on a side
    filed it: a merger compares the new unit with all its old units, never with the
    one that happened to file. A unit whose work went partly out of the scope is not
    compared, nor are the units joined with it. ``load_units`` gives the units of
    joined groups (their dates and whether they file reports), at most once.
    """
    links = list(links)
    grouped = {
        name: [(pair, *_joined(pair, links)) for pair in pairs]
        for name, pairs in comparisons.items()
    }
    joined = {
        unit_id
        for pairs in grouped.values()
        for _pair, groups, _cut in pairs
        for unit_id in set().union(*groups)
    }
    units = load_units(joined) if joined else {}

    def complete(group: set[int], key: QuarterKey) -> bool:
        quarter, on_side = Quarter(year=key[0], number=key[1]), filed.get(key, {})
        return all(
            unit_id in on_side for unit_id in group if units[unit_id].owes_report_for(quarter)
        )

    matches = {}
    for name, pairs in grouped.items():
        left_out: set[int] = set()
        for (current, earlier), groups, cut in pairs:
            on_current, on_earlier = filed.get(current, {}), filed.get(earlier, {})
            # A unit on its own is compared when it filed both quarters.
            left_out |= (on_current.keys() ^ on_earlier.keys()) - set().union(*groups)
            for group in groups:
                on_both = _any_in(group, on_current) and _any_in(group, on_earlier)
                whole = complete(group, current) and complete(group, earlier)
                if not (on_both and whole) or not cut.isdisjoint(group):
                    left_out |= group
        left_out = _with_their_groups(left_out, [groups for _pair, groups, _cut in pairs])
        mixed = _mixed_kinds(pairs, filed, left_out)
        regrouped = set().union(*(group for _pair, groups, _cut in pairs for group in groups))
        matches[name] = Match(
            left_out=frozenset(left_out),
            mixed=frozenset(mixed),
            sides=_sides(comparisons[name], filed, left_out, mixed, regrouped),
        )
    return matches


def _mixed_kinds(pairs, filed: Filed, left_out: set[int]) -> set[int]:
    """The units of compared groups whose filed units are of more than one kind."""
    mixed: set[int] = set()
    for (current, earlier), groups, _cut in pairs:
        for group in groups:
            if group <= left_out:
                continue
            kinds = {
                side[unit_id]
                for side in (filed.get(current, {}), filed.get(earlier, {}))
                for unit_id in group
                if unit_id in side
            }
            if len(kinds) > 1:
                mixed |= group
    return mixed


def _any_in(group: set[int], units: Mapping[int, str]) -> bool:
    """Whether some unit of ``group`` is among ``units``, by looking each up (a set's
    ``isdisjoint`` would walk all of ``units``, a mapping, for every group)."""
    return any(unit_id in units for unit_id in group)


def _with_their_groups(left_out: set[int], grouped: list[list[set[int]]]) -> set[int]:
    """``left_out`` with every unit a pair of quarters compares together with one of them:
    over several pairs (the year so far), a ward whose predecessor is left out in one
    quarter cannot be compared in another without it."""
    groups = [group for groups in grouped for group in groups]
    changed = True
    while changed:
        changed = False
        for group in groups:
            if not group.isdisjoint(left_out) and not group <= left_out:
                left_out |= group
                changed = True
    return left_out


def _sides(
    pairs: list[Pair], filed: Filed, left_out: set[int], mixed: set[int], regrouped: set[int]
) -> dict[str, Sides]:
    """The units on each side and those compared (and of them, those a reorganisation
    joined), for the scope and each kind."""
    current: dict[int, str] = {}
    earlier: dict[int, str] = {}
    for current_key, earlier_key in pairs:
        current.update(filed.get(current_key, {}))
        earlier.update(filed.get(earlier_key, {}))
    # Counted set by set, not unit by unit: a national scope's sides hold thousands.
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for position, side in enumerate((current, earlier)):
        if not side:
            continue
        compared = side.keys() - left_out
        in_kind = compared - mixed
        province = counts[PROVINCE]
        province[position] += len(side)
        province[position + 2] += len(compared)
        province[4] += len(compared & regrouped)
        for kind, units in Counter(side.values()).items():
            counts[kind][position] += units
        for kind, units in Counter(side[unit_id] for unit_id in in_kind).items():
            counts[kind][position + 2] += units
        for unit_id in in_kind & regrouped:
            counts[side[unit_id]][4] += 1
    return {key: Sides(*values) for key, values in counts.items()}


def load_filed(*, quarter_ids: list[int], scope: Scope) -> dict[int, dict[int, str]]:
    """``{quarter id: {unit id: kind}}``: the units with a counted report of each quarter
    in ``scope`` (1 query)."""
    filed: dict[int, dict[int, str]] = {quarter_id: {} for quarter_id in quarter_ids}
    reports = scope.filter(UnitReport.objects.filed().filter(quarter_id__in=quarter_ids))
    # Unordered: the reports' own order (by quarter and unit) sorted 110,000 rows on disk
    # at national scale for a dictionary.
    rows = reports.order_by().values_list("quarter_id", "unit_id", "unit__kind")
    for quarter_id, unit_id, kind in rows:
        # One string object for each kind, not one a row: the units are cached pickled
        # (``figures._filed_units``), and pickle writes a string once per object; six
        # quarters of 3,500 units took 383 KB and 13 ms to keep, so 105 KB and 6 ms.
        filed[quarter_id][unit_id] = sys.intern(kind)
    return filed


def load_links(*, pairs: Iterable[Pair], scope: Scope, own: Scope) -> list[Link]:
    """The links of the reorganisations between the earliest and the latest quarter of
    ``pairs`` whose two units are in ``scope`` (the units and the predecessors whose
    figures it includes), and, ``cut``, those from a unit of ``own`` (the units
    themselves) to one outside ``scope`` (1 query)."""
    pairs = list(pairs)
    if not pairs:
        return []
    start = min(_end(earlier) for _current, earlier in pairs)
    end = max(_end(current) for current, _earlier in pairs)
    rows = UnitLink.objects.filter(
        reorganisation__effective_on__gt=start, reorganisation__effective_on__lte=end
    ).values_list("predecessor_id", "successor_id", "reorganisation__effective_on")
    links = []
    for predecessor_id, successor_id, effective_on in rows:
        if scope.includes(predecessor_id) and scope.includes(successor_id):
            links.append(Link(predecessor_id, successor_id, effective_on))
        elif own.includes(predecessor_id):
            links.append(Link(predecessor_id, successor_id, effective_on, cut=True))
    return links


def load_units(unit_ids: set[int]) -> dict[int, Unit]:
    """The units whose dates decide whether they owed a report (1 query)."""
    units = Unit.objects.filter(id__in=unit_ids).only("submits_reports", "valid_from", "valid_to")
    return {unit.id: unit for unit in units}
