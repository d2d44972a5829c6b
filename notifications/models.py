"""What the app tells people: one notification per event and person, read in the
inbox and, as each person chose for the kind of event, mailed at once or in the
day's digest.

A notification keeps the event's facts (``params``: unit, quarter, directive, a
reviewer's comment) rather than its sentence, so that it reads in the language of
whoever opens it (``title``); the mail is written in the site's language.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.dates import BoundedDateField


class Kind(models.TextChoices):
    """The events a person can be told about, each with its own delivery choice."""

    REPORT_SUBMITTED = "report_submitted", _("A unit submits its report (to its reviewers)")
    REPORT_RETURNED = "report_returned", _("The unit's report is returned")
    REPORT_ACCEPTED = "report_accepted", _("The unit's report is accepted")
    REPORT_REOPENED = "report_reopened", _("The unit's accepted report is reopened")
    REPORT_DUE = "report_due", _("The unit's report is due soon")
    REPORT_LATE = "report_late", _("The unit's report is late")
    FOLLOW_UP = "follow_up", _("A value of the unit's report is marked for follow-up")
    DIRECTIVE_ASSIGNED = "directive_assigned", _("A directive is assigned to the unit")
    DIRECTIVE_CHANGED = "directive_changed", _("A directive of the unit is changed")
    DEADLINE_DECIDED = "deadline_decided", _("The unit's deadline request is decided")
    CLAIM_DECIDED = "claim_decided", _("The unit's claim of done is confirmed or refused")
    DIRECTIVE_DUE = "directive_due", _("A directive of the unit is due in a few days")
    DIRECTIVE_OVERDUE = "directive_overdue", _("A directive of the unit is overdue")
    PROGRESS_MISSING = "progress_missing", _("The unit's progress is missing before a briefing")


class Delivery(models.TextChoices):
    # Short, to fit a phone's select: the page says each is in the app too.
    APP = "app", _("In the app only")
    EMAIL = "email", _("Email at once")
    DIGEST = "digest", _("Daily email digest")
    OFF = "off", _("Off")


# What a person gets until they choose: at once what asks them to act, in the day's
# digest what only informs them.
DEFAULT_DELIVERY = {
    Kind.REPORT_SUBMITTED: Delivery.DIGEST,
    Kind.REPORT_RETURNED: Delivery.EMAIL,
    Kind.REPORT_ACCEPTED: Delivery.DIGEST,
    Kind.REPORT_REOPENED: Delivery.EMAIL,
    Kind.REPORT_DUE: Delivery.EMAIL,
    Kind.REPORT_LATE: Delivery.EMAIL,
    Kind.FOLLOW_UP: Delivery.DIGEST,
    Kind.DIRECTIVE_ASSIGNED: Delivery.EMAIL,
    Kind.DIRECTIVE_CHANGED: Delivery.DIGEST,
    Kind.DEADLINE_DECIDED: Delivery.EMAIL,
    Kind.CLAIM_DECIDED: Delivery.EMAIL,
    Kind.DIRECTIVE_DUE: Delivery.EMAIL,
    Kind.DIRECTIVE_OVERDUE: Delivery.EMAIL,
    Kind.PROGRESS_MISSING: Delivery.EMAIL,
}


class Mail(models.TextChoices):
    """How a notification is mailed, fixed when it is made."""

    NONE = "", _("not mailed")
    NOW = "now", _("at once")
    DIGEST = "digest", _("in the digest")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(
        pgettext_lazy("notification", "kind"), max_length=30, choices=Kind.choices
    )
    # The event, the same for everyone it reaches: a second notice of one event to
    # one person is refused by the database (notification_once_per_event).
    event = models.CharField(_("event"), max_length=200)
    params = models.JSONField(_("details"), default=dict)
    url = models.CharField(_("address"), max_length=500)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    mail = models.CharField(_("mail"), max_length=10, choices=Mail.choices, blank=True)
    # Set by the one process that sends the mail (services.deliver), before it sends.
    mail_claim = models.UUIDField(_("mail claimed by"), null=True, blank=True, editable=False)
    mail_claimed_at = models.DateTimeField(_("mail claimed at"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_once_per_event")
        ]
        indexes = [
            # The bell's unread count and the inbox, newest first.
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
            # The mail still to send.
            models.Index(fields=["mail", "mailed_at"], name="notification_to_mail"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.title}"

    @property
    def title(self) -> str:
        from notifications.messages import title

        return title(self.kind, self.params)

    @property
    def comment(self) -> str:
        return str(self.params.get("comment", ""))

    # What a mail says: of a confidential directive, neither its title nor a comment.
    @property
    def mail_title(self) -> str:
        from notifications.messages import title

        return title(self.kind, self.params, in_mail=True)

    @property
    def mail_comment(self) -> str:
        return "" if self.params.get("confidential") else self.comment


class Preference(models.Model):
    """A person's choice for one kind of event; without one, ``DEFAULT_DELIVERY``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(
        pgettext_lazy("notification", "kind"), max_length=30, choices=Kind.choices
    )
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}: {self.get_delivery_display()}"


class Digest(models.Model):
    """A person's daily digest, made once: a second run of the job the same day (or
    the same job on another server) finds it and sends nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_digests",
    )
    day = BoundedDateField(_("day"))
    notifications = models.PositiveIntegerField(_("notifications"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user} · {self.day:%d/%m/%Y}"
