"""Notifications are made by the apps' services and read in the inbox; the admin
reads them (to answer "was I told?") and people's choices, and changes nothing."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications.models import Digest, Notification, Preference


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "what", "read_at", "mail", "mailed_at"]
    list_filter = ["kind", "mail", "created_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "event"]
    date_hierarchy = "created_at"

    @admin.display(description=_("what it says"))
    def what(self, obj: Notification) -> str:
        return obj.title


@admin.register(Preference)
class PreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
    list_select_related = ["user"]
    search_fields = ["user__username"]


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ["day", "user", "notifications", "sent_at"]
    list_filter = ["day"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
