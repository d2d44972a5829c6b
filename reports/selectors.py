"""Reads of reporting data, narrowed to what the user may see."""

from django.db.models import QuerySet

from reports.models import Membership


def memberships_of(user) -> QuerySet[Membership]:
    """The user's memberships with their units, for the home page and the workspace."""
    return Membership.objects.filter(user=user).select_related("unit")
