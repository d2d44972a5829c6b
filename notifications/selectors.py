from django.db.models import QuerySet

from notifications.models import DEFAULT_DELIVERY, Kind, Notification, Preference


def inbox(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first (only theirs: the views fetch from here)."""
    rows = Notification.objects.filter(user=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-pk")


def unread(user) -> QuerySet[Notification]:
    """The user's notifications not read yet (the bell counts them)."""
    return Notification.objects.filter(user=user, read_at__isnull=True)


def preferences(user) -> dict[Kind, str]:
    """{kind: delivery}: the user's choice, or the default, for every kind."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind.value, default) for kind, default in DEFAULT_DELIVERY.items()}
