"""Sign-in lockouts in the admin (django-axes' records of failed sign-ins): the
administrator sees who failed from where, and lifts a lockout by deleting its rows
(on record in the admin's log)."""

from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin.models import DELETION, LogEntry
from django.utils.translation import gettext_lazy as _


@admin.register(AccessAttempt)
class LockoutAdmin(admin.ModelAdmin):
    list_display = ["attempt_time", "username", "ip_address", "failures_since_start", "locked"]
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("locked out"), boolean=True)
    def locked(self, obj: AccessAttempt) -> bool:
        from django.conf import settings

        return obj.failures_since_start >= settings.AXES_FAILURE_LIMIT

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
                change_message=f"Lifted: {attempt.username} @ {attempt.ip_address}",
                single_object=True,
            )
        queryset.delete()
        self.message_user(
            request, _("%(count)d lockout record(s) lifted.") % {"count": len(attempts)}
        )
