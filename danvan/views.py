"""The home page: who you are, and what you may open."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reports.models import Quarter
from reports.selectors import memberships_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home.html",
        {
            "memberships": memberships_of(request.user),
            "current_quarter": Quarter.objects.current(),
        },
    )
