"""The home page: the unit's workspace for unit staff; who you are for everyone."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reports import permissions
from reports.models import Quarter
from reports.selectors import memberships_of, workspace_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    current_quarter = Quarter.objects.current()
    days_left = current_quarter.days_left() if current_quarter else 0
    context = {
        "memberships": memberships_of(user),
        "current_quarter": current_quarter,
        "days_left": days_left,
        "days_late": -days_left,
        "workspace": (
            workspace_for(user, current_quarter) if permissions.is_unit_staff(user) else []
        ),
    }
    return render(request, "home.html", context)
