"""Who may do what with reports (DESIGN.md, "Who may do what").

Roles: reviewers and leadership are Django groups; unit staff hold a
Membership (reporter or head). The lookups are cached on the user object, so
a page asks the database once per request however often it checks.
"""

from django.contrib.auth.models import AnonymousUser, User

from reports.models import MembershipRole

REVIEWERS = "reviewers"
LEADERSHIP = "leadership"

AnyUser = User | AnonymousUser


def _group_names(user: AnyUser) -> frozenset[str]:
    """The user's group names (one query per request, then cached on the user)."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_danvan_groups"):
        user._danvan_groups = frozenset(user.groups.values_list("name", flat=True))
    return user._danvan_groups


def unit_roles(user: AnyUser) -> dict[int, str]:
    """{unit id: role} of the user's memberships (one query, then cached)."""
    if not user.is_authenticated:
        return {}
    if not hasattr(user, "_danvan_unit_roles"):
        user._danvan_unit_roles = dict(user.memberships.values_list("unit_id", "role"))
    return user._danvan_unit_roles


def is_reviewer(user: AnyUser) -> bool:
    return REVIEWERS in _group_names(user)


def is_leadership(user: AnyUser) -> bool:
    return LEADERSHIP in _group_names(user)


def is_unit_staff(user: AnyUser) -> bool:
    return bool(unit_roles(user))


def is_head_of(user: AnyUser, unit_id: int) -> bool:
    return unit_roles(user).get(unit_id) == MembershipRole.HEAD


def is_member_of(user: AnyUser, unit_id: int) -> bool:
    return unit_id in unit_roles(user)


def sees_all_units(user: AnyUser) -> bool:
    """Reviewers, leadership and administrators see every unit's filed work."""
    return user.is_authenticated and (
        user.is_superuser or is_reviewer(user) or is_leadership(user)
    )
