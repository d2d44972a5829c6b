"""Telling people: every notification is made here, and every mail sent here.

The apps' services call ``notify`` inside their transaction, with whom to tell
(worked out by their own permissions, so an event reaches exactly those who may
see its subject): the notifications commit or roll back with the event, and
their mail goes once the transaction has committed. The same event told twice
(a job run twice, on two servers at once) makes one notification per person,
by a unique constraint; a mail is sent by the one process that claims it.
"""

import datetime
import logging
import uuid
from collections.abc import Iterable, Mapping

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import mail
from notifications.models import (
    DEFAULT_DELIVERY,
    Delivery,
    Digest,
    Kind,
    Mail,
    Notification,
    Preference,
)

logger = logging.getLogger(__name__)

User = get_user_model()

# A claim older than this is taken to be of a process that died before sending.
CLAIM_TIMEOUT = datetime.timedelta(hours=1)
# At most this many mails per run of ``deliver``; the next run sends the rest.
BATCH = 500

_MAILED = {Delivery.EMAIL: Mail.NOW, Delivery.DIGEST: Mail.DIGEST}


def deliveries(users: Iterable, kind: str) -> dict[int, str]:
    """{user id: delivery} of ``kind`` for ``users``: their choice or the default."""
    ids = [user.pk for user in users]
    chosen = dict(
        Preference.objects.filter(user_id__in=ids, kind=kind).values_list("user_id", "delivery")
    )
    default = DEFAULT_DELIVERY[Kind(kind)]
    return {user_id: chosen.get(user_id, default) for user_id in ids}


def notify(
    *,
    kind: str,
    users: Iterable,
    event: str,
    params: Mapping[str, object],
    url: str,
    actor=None,
    mail: bool = True,
) -> int:
    """Tell ``users`` (not ``actor``, who did it, nor anyone inactive) of one event.

    ``event`` names the event, the same for all it reaches: telling it again adds
    nothing. Without ``mail``, in the app only (the demo's past events). Returns how
    many notifications were made.
    """
    people = {
        user.pk: user for user in users if user.is_active and (actor is None or user.pk != actor.pk)
    }
    if not people:
        return 0
    chosen = deliveries(people.values(), kind)
    now = timezone.now()
    rows = [
        Notification(
            user_id=user_id,
            kind=kind,
            event=event[:200],
            params=dict(params),
            url=url,
            created_at=now,
            mail=_MAILED.get(Delivery(delivery), Mail.NONE)
            if mail and people[user_id].email
            else Mail.NONE,
        )
        for user_id, delivery in chosen.items()
        if delivery != Delivery.OFF
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if any(row.mail == Mail.NOW for row in rows):
        # robust: a mail that cannot go never turns a saved change into an error page;
        # it waits for the next run of send_notifications.
        transaction.on_commit(lambda: deliver(event=event[:200]), robust=True)
    return len(rows)


def _claim(pending, *, now: datetime.datetime) -> uuid.UUID:
    """Mark the pending notifications as this process's to mail; those another
    process claimed first are left to it. Returns this process's claim."""
    token = uuid.uuid4()
    free = Q(mail_claim__isnull=True) | Q(mail_claimed_at__lt=now - CLAIM_TIMEOUT)
    ids = list(pending.filter(free).values_list("pk", flat=True)[:BATCH])
    Notification.objects.filter(pk__in=ids, mailed_at__isnull=True).filter(free).update(
        mail_claim=token, mail_claimed_at=now
    )
    return token


def _release(token: uuid.UUID, ids: Iterable[int]) -> None:
    """Give back claimed notifications whose mail failed: the next run retries them."""
    Notification.objects.filter(mail_claim=token, pk__in=list(ids)).update(
        mail_claim=None, mail_claimed_at=None
    )


def deliver(*, event: str | None = None) -> int:
    """Mail the notifications to be mailed at once (of ``event``, or all of them):
    each by one process only, and again by a later run if sending failed.
    Returns how many mails were sent."""
    now = timezone.now()
    pending = Notification.objects.filter(mail=Mail.NOW, mailed_at__isnull=True)
    if event is not None:
        pending = pending.filter(event=event)
    token = _claim(pending, now=now)
    claimed = list(Notification.objects.filter(mail_claim=token).select_related("user"))
    if not claimed:
        return 0
    sent = 0
    connection = get_connection()
    for notification in claimed:
        try:
            connection.send_messages([mail.single(notification)])
        except Exception:  # a bad address or a server down: retried by the next run
            logger.exception("Could not mail notification %s", notification.pk)
            _release(token, [notification.pk])
            continue
        Notification.objects.filter(pk=notification.pk).update(mailed_at=timezone.now())
        sent += 1
    return sent


def send_digests(*, day: datetime.date) -> int:
    """Mail each person their digest of ``day``: the notifications they chose to get
    so that are not mailed yet. One digest a person a day, whoever runs it (the
    ``Digest`` row is made first, by one process only). Returns how many were sent."""
    waiting = Notification.objects.filter(
        mail=Mail.DIGEST, mailed_at__isnull=True, user__is_active=True
    )
    user_ids = sorted(set(waiting.values_list("user_id", flat=True)))
    sent = 0
    connection = get_connection()
    for user in User.objects.filter(pk__in=user_ids).order_by("pk"):
        try:
            with transaction.atomic():
                digest = Digest.objects.create(user=user, day=day)
        except IntegrityError:
            continue  # made today already, here or by another run
        token = _claim(waiting.filter(user=user), now=timezone.now())
        items = list(Notification.objects.filter(mail_claim=token).order_by("created_at", "pk"))
        if not items:
            continue
        try:
            connection.send_messages([mail.digest(user, items, day=day)])
        except Exception:
            logger.exception("Could not mail the digest of user %s", user.pk)
            _release(token, [item.pk for item in items])
            digest.delete()
            continue
        Notification.objects.filter(pk__in=[item.pk for item in items]).update(
            mailed_at=timezone.now()
        )
        digest.notifications = len(items)
        digest.sent_at = timezone.now()
        digest.save(update_fields=["notifications", "sent_at"])
        sent += 1
    return sent


# --- The inbox --------------------------------------------------------------------


def mark_read(*, user, notification: Notification) -> None:
    """Only the person told reads it (the views fetch it among the user's own)."""
    if notification.user_id != user.pk:
        raise ValidationError(_("This notification is not yours."))
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preferences_save(*, user, choices: Mapping[str, str]) -> None:
    """The user's delivery for each kind; a kind at its default keeps no row."""
    for kind, delivery in choices.items():
        kind, delivery = Kind(kind), Delivery(delivery)
        if delivery == DEFAULT_DELIVERY[kind]:
            Preference.objects.filter(user=user, kind=kind).delete()
        else:
            Preference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": delivery}
            )
