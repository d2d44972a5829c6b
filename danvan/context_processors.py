"""What the base layout needs to draw the navigation for the signed-in user."""

from django.http import HttpRequest

from reports import permissions


def navigation(request: HttpRequest) -> dict:
    user = request.user
    return {
        "nav": {
            "is_reviewer": permissions.is_reviewer(user),
            "is_leadership": permissions.is_leadership(user),
            "is_unit_staff": permissions.is_unit_staff(user),
            "is_admin": user.is_authenticated and user.is_staff,
        }
    }
