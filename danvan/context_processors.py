"""What the base layout needs to draw the navigation for the signed-in user.

Every answer comes from ``reports.permissions``: templates show or hide links by
these values and never work out a role themselves.
"""

from django.http import HttpRequest

from reports import permissions


def navigation(request: HttpRequest) -> dict:
    user = request.user
    return {
        "nav": {
            "is_reviewer": permissions.is_reviewer(user),
            "is_leadership": permissions.is_leadership(user),
            "is_unit_staff": permissions.is_unit_staff(user),
            "is_admin": permissions.is_admin(user),
            "may_browse": permissions.may_browse(user),
            "can_see_queue": permissions.can_see_queue(user),
        }
    }
