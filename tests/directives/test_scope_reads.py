"""A dashboard's directives and assignments are found from the scope's own rows (its
assignments and meetings), not by testing every directive of the country: the
narrowed queries give exactly what the visibility rule and the scope give together,
for every kind of user (``assignments_in_scope``, ``directives_in_scope``)."""

import pytest
from django.db.models import Exists, OuterRef, Q

from directives.models import Assignment, Confidentiality
from directives.selectors import (
    assignments_visible_to,
    directives_in_scope,
    directives_visible_to,
)
from directives.selectors.visible import assignments_in_scope
from reports.models import MembershipRole, UnitKind
from reports.permissions import scope_of_reads
from tests import factories as f

pytestmark = pytest.mark.django_db


def _province(name: str):
    committee = f.UnitFactory(name=f"Tỉnh ủy {name}", kind=UnitKind.PARTY_COMMITTEE)
    units = [f.UnitFactory(name=f"{name} {n}", parent=committee) for n in range(3)]
    return committee, units


@pytest.fixture
def country():
    """Two provinces, each with a meeting of normal and confidential directives, one
    assigned across the border, and users of every kind."""
    north, north_units = _province("Bắc")
    south, south_units = _province("Nam")
    for committee, own, other in ((north, north_units, south_units), (south, south_units, [])):
        meeting = f.MeetingFactory(unit=committee)
        for number, secrecy in enumerate(Confidentiality.values, start=1):
            directive = f.DirectiveFactory(meeting=meeting, number=number, confidentiality=secrecy)
            f.AssignmentFactory(directive=directive, unit=own[number % len(own)])
        held_only = f.DirectiveFactory(
            meeting=meeting, number=9, confidentiality=Confidentiality.CONFIDENTIAL
        )
        if other:
            f.AssignmentFactory(directive=held_only, unit=other[0])
    # A reviewer of the north who also works in a unit of the south.
    both = f.reviewer(north)
    f.member(south_units[1], role=MembershipRole.HEAD, user=both)
    return {
        "north reviewer": f.reviewer(north),
        "north leader": f.leader(north),
        "south reviewer": f.reviewer(south),
        "reviewer of the north, head in the south": both,
        "unit head": f.member(north_units[0], role=MembershipRole.HEAD),
        "centre": f.reviewer(),
        "admin": f.admin(),
        "nobody": f.UserFactory(),
    }


def _by_rule(user, scope):
    """The two sets as the visibility rule and the scope define them, written plainly."""
    visible = directives_visible_to(user)
    if scope.is_everything:
        return set(visible), set(assignments_visible_to(user))
    assigned = Q(Exists(scope.filter(Assignment.objects.filter(directive=OuterRef("pk")))))
    if scope.oversees:
        assigned |= Q(meeting__unit_id__in=scope.unit_ids)
    return set(visible.filter(assigned)), set(scope.filter(assignments_visible_to(user)))


def test_the_scopes_directives_and_assignments_are_exactly_those_of_the_rule(country):
    for name, user in country.items():
        scope = scope_of_reads(user)
        directives, assignments = _by_rule(user, scope)
        assert set(directives_in_scope(directives_visible_to(user), scope)) == directives, name
        assert set(assignments_in_scope(user, scope)) == assignments, name


def test_a_province_reviewer_counts_the_directives_of_the_province_only(client, country):
    client.force_login(country["south reviewer"])
    summary = client.get("/directives/dashboard/").context["summary"]
    # The south's meeting's three directives and the north's one assigned to the south;
    # the south's two assignments and that one.
    assert summary["directives"]["total"] == 4
    assert summary["assignments"]["total"] == 3
