"""Second factors in the admin: the changes on record, read only. The devices
themselves (their secret keys) are not shown; an administrator resets a user's
second factor from the user list (``reports.admin.UserAdmin``)."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import TwoFactorEvent

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(TwoFactorEvent)
class TwoFactorEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "change", "by"]
    list_filter = ["change", "at"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "by"]
    ordering = ["-at", "-id"]
    fields = ["at", "user", "change", "by"]
    readonly_fields = ["at", "user", "change", "by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
