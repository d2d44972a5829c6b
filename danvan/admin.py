"""Sign-in lockouts in the admin (django-axes' records of failed sign-ins): the
administrator sees who failed from where, and lifts a lockout by deleting its rows
(on record in the admin's log)."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import DELETION, LogEntry
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@admin.register(AccessAttempt)
class LockoutAdmin(admin.ModelAdmin):
    list_display = [
        "attempt_time",
        "username",
        "ip_address",
        "failures_since_start",
        "address_failures",
        "locked",
    ]
    list_filter = ["attempt_time"]
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    readonly_fields = [
        "username",
        "ip_address",
        "failures_since_start",
        "attempt_time",
        "user_agent",
        "path_info",
    ]
    fields = list(readonly_fields)
    actions = ["lift"]

    def get_queryset(self, request):
        """Each row with the failures of its address within the cool-off, whatever the
        user names (``danvan.security.address_locked``), in the same query."""
        since = timezone.now() - settings.AXES_COOLOFF_TIME
        same_address = (
            AccessAttempt.objects.filter(ip_address=OuterRef("ip_address"), attempt_time__gte=since)
            .order_by()
            .values("ip_address")
            .annotate(total=Sum("failures_since_start"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(from_address=Coalesce(Subquery(same_address[:1]), 0))
        )

    @admin.display(description=_("failures from the address"), ordering="from_address")
    def address_failures(self, obj) -> int:
        return obj.from_address

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("locked out"), boolean=True)
    def locked(self, obj) -> bool:
        """The user name from this address, or the address itself."""
        return (
            obj.failures_since_start >= settings.AXES_FAILURE_LIMIT
            or obj.from_address >= settings.AXES_ADDRESS_FAILURE_LIMIT
        )

    @admin.action(
        description=_("Lift the lockout of the selected sign-ins"), permissions=["delete"]
    )
    def lift(self, request, queryset) -> None:
        """Delete the records, each on record in the admin's log with whose and from where."""
        attempts = list(queryset)
        for attempt in attempts:
            LogEntry.objects.log_actions(
                request.user.pk,
                [attempt],
                DELETION,
                change_message=_("Lockout lifted: %(username)s from %(address)s")
                % {"username": attempt.username, "address": attempt.ip_address},
                single_object=True,
            )
        queryset.delete()
        self.message_user(
            request, _("%(count)d lockout record(s) lifted.") % {"count": len(attempts)}
        )
