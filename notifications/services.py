"""Telling people: every notification is made here, and every mail sent here.

The apps' services call ``notify`` inside their transaction, with whom to tell
(worked out by their own permissions, so an event reaches exactly those who may
see its subject): the notifications commit or roll back with the event, and
their mail goes once the transaction has committed. The same event told twice
(a job run twice, on two servers at once) makes one notification per person,
by a unique constraint; a mail is sent by the one process that claims it.
"""

import contextlib
import contextvars
import datetime
import logging
import smtplib
import time
import uuid
from collections.abc import Iterable, Mapping

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
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
    if not _mail_deferred.get() and any(row.mail == Mail.NOW for row in rows):
        # robust: a mail that cannot go never turns a saved change into an error page;
        # it waits for the next run of send_notifications.
        transaction.on_commit(lambda: deliver(event=event[:200], in_request=True), robust=True)
    return len(rows)


_mail_deferred: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "notifications_mail_deferred", default=False
)


@contextlib.contextmanager
def deferred_mail():
    """Within it, ``notify`` leaves the mail for the caller's ``deliver()``: a job that
    tells thousands of units sends their mail in one run, on one connection."""
    reset = _mail_deferred.set(True)
    try:
        yield
    finally:
        _mail_deferred.reset(reset)


def withdraw(*, event_prefix: str) -> int:
    """Take back what was told of events no longer true (a follow-up mark taken back),
    where it is still unread and not yet mailed. Returns how many were taken back."""
    deleted, _by_model = Notification.objects.filter(
        event__startswith=event_prefix, read_at__isnull=True, mailed_at__isnull=True
    ).delete()
    return deleted


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


class _Outbox:
    """One connection to the mail server for a run. A failure of the server (not of one
    address) ends the run: the rest waits for the next one. In a request, a server that
    failed is not tried again for ``RESTING`` seconds, so a server that hangs costs a
    page one timeout (``EMAIL_TIMEOUT``) at most, and only one page a minute."""

    RESTING = 60.0
    _down_until = 0.0  # time.monotonic() of this process

    def __init__(self, *, in_request: bool):
        self.in_request = in_request
        self.connection: BaseEmailBackend | None = None
        self.down = in_request and time.monotonic() < _Outbox._down_until

    def __enter__(self) -> "_Outbox":
        return self

    def __exit__(self, *_exc_info) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # closing a broken connection: nothing more to do
                logger.warning("Could not close the mail connection", exc_info=True)

    def send(self, message, *, what: str) -> bool:
        """Whether ``message`` went; False leaves it for a later run."""
        if self.down:
            return False
        try:
            if self.connection is None:
                connection = get_connection()
                connection.open()
                self.connection = connection
            self.connection.send_messages([message])
        except smtplib.SMTPRecipientsRefused:
            logger.warning("The mail server refused the address of %s", what)
            return False
        except Exception:  # the server is down, hangs or refuses us: later
            logger.exception("Could not mail %s; the rest waits for the next run", what)
            self.down = True
            if self.in_request:
                _Outbox._down_until = time.monotonic() + self.RESTING
            return False
        return True


def deliver(*, event: str | None = None, in_request: bool = False) -> int:
    """Mail the notifications to be mailed at once (of ``event``, or all of them) to
    active accounts: each by one process only, and again by a later run if sending
    failed. ``in_request``: after a page's change (see ``_Outbox``). Returns how many
    mails were sent."""
    pending = Notification.objects.filter(
        mail=Mail.NOW, mailed_at__isnull=True, user__is_active=True
    )
    if event is not None:
        pending = pending.filter(event=event)
    sent = 0
    with _Outbox(in_request=in_request) as outbox:
        if outbox.down:
            return 0
        token = _claim(pending, now=timezone.now())
        claimed = list(Notification.objects.filter(mail_claim=token).select_related("user"))
        for notification in claimed:
            if outbox.send(mail.single(notification), what=f"notification {notification.pk}"):
                Notification.objects.filter(pk=notification.pk).update(mailed_at=timezone.now())
                sent += 1
            else:
                _release(token, [notification.pk])
    return sent


def send_digests(*, day: datetime.date) -> int:
    """Mail each person their digest of ``day``: the notifications they chose to get
    so that are not mailed yet. One digest a person a day, whoever runs it (the
    ``Digest`` row is made first, by one process only; if the process dies before
    the mail goes, what it held goes in the next day's). Returns how many were sent."""
    waiting = Notification.objects.filter(
        mail=Mail.DIGEST, mailed_at__isnull=True, user__is_active=True
    )
    user_ids = waiting.order_by("user_id").values_list("user_id", flat=True).distinct()
    sent = 0
    with _Outbox(in_request=False) as outbox:
        for user in User.objects.filter(pk__in=user_ids).order_by("pk"):
            if outbox.down:
                break
            try:
                with transaction.atomic():
                    digest = Digest.objects.create(user=user, day=day)
            except IntegrityError:
                continue  # made today already, here or by another run
            token = _claim(waiting.filter(user=user), now=timezone.now())
            items = list(Notification.objects.filter(mail_claim=token).order_by("created_at", "pk"))
            if not items:
                continue
            if not outbox.send(mail.digest(user, items, day=day), what=f"the digest of {user.pk}"):
                _release(token, [item.pk for item in items])
                digest.delete()  # the next run makes it again
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
