"""The inbox: a person's notifications, opened, marked read, and what they choose
to be told. Each person reaches only their own (another's is a 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.numbers import page_number
from notifications import selectors, services
from notifications.audience import kinds_for
from notifications.forms import PreferencesForm

PER_PAGE = 30


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    rows = selectors.inbox(request.user, unread_only=unread_only)
    page = Paginator(rows, PER_PAGE).get_page(page_number(request.GET))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "unread_only": unread_only,
            "querystring": "unread=1" if unread_only else "",
        },
    )


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification to what it is about; it is read from then on."""
    notification = get_object_or_404(selectors.inbox(request.user), pk=pk)
    services.mark_read(user=request.user, notification=notification)
    if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return HttpResponseRedirect(notification.url)
    return redirect("notifications:inbox")


def _back_to_inbox(request: HttpRequest) -> HttpResponse:
    """To the inbox as it was shown: all, or the unread only."""
    url = reverse("notifications:inbox")
    return HttpResponseRedirect(url + "?unread=1" if request.POST.get("unread") == "1" else url)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(selectors.inbox(request.user), pk=pk)
    services.mark_read(user=request.user, notification=notification)
    return _back_to_inbox(request)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    if services.mark_all_read(user=request.user):
        messages.success(request, _("All your notifications are marked as read."))
    else:
        messages.info(request, _("You had read every notification already."))
    return _back_to_inbox(request)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    current = {
        kind.value: delivery for kind, delivery in selectors.preferences(request.user).items()
    }
    # Only the kinds of event that can concern the user (notifications.audience).
    form = PreferencesForm(request.POST or None, kinds=kinds_for(request.user), current=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "has_email": bool(getattr(request.user, "email", "")),
            "nothing_to_tell": not form.fields,
        },
    )
