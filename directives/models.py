"""Briefing meetings, the chair's directives, who must carry them out and
how far they have got."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.dates import BoundedDateField, BoundedDateTimeField, safe_localtime
from common.fields import CleanCharField, CleanTextField, actor_field
from common.history import HistoricalRecords
from common.numbers import VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS
from common.text import search_text
from directives import rules
from reports.models import (
    Indicator,
    Quarter,
    Unit,
    UnitReport,
)
from reports.rules import quarter_with_neighbours

# Limits of the typed texts: far beyond any real one (the longest demo text is
# well under a tenth), short enough that a pasted book is refused with a message
# and never makes a page megabytes long for everyone who opens it.
MEETING_TEXT_MAX_LENGTH = 20_000
BASIS_MAX_LENGTH = 5_000
DIRECTIVE_TEXT_MAX_LENGTH = 10_000
DESCRIPTION_MAX_LENGTH = 5_000
RECOMMENDATION_MAX_LENGTH = 5_000
COMMENT_MAX_LENGTH = 2_000


class Meeting(models.Model):
    """A quarterly briefing (buổi giao ban) of the Standing Board of a unit: its
    directives go to units of that unit's subtree (``directives.permissions``)."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("held by"),
        on_delete=models.PROTECT,
        related_name="meetings_held",
        help_text=_(
            "The unit whose Standing Board holds the meeting; its directives go to that "
            "unit and the units under it."
        ),
    )
    quarter = models.ForeignKey(
        Quarter, verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="meetings"
    )
    held_at = BoundedDateTimeField(_("held at"))
    title = CleanCharField(_("title"), max_length=300)
    chair_name = CleanCharField(_("chaired by"), max_length=120)
    chair_positions = CleanCharField(_("chair's positions"), max_length=300, blank=True)
    basis = CleanTextField(
        _("basis"),
        max_length=BASIS_MAX_LENGTH,
        blank=True,
        help_text=_("The decisions and resolutions the meeting is held under, one per line."),
    )
    venue = CleanCharField(_("venue"), max_length=200, blank=True)
    attending_units = models.ManyToManyField(
        Unit, verbose_name=_("attending units"), blank=True, related_name="meetings_attended"
    )
    assessment = CleanTextField(
        _("chair's overall assessment"), max_length=MEETING_TEXT_MAX_LENGTH, blank=True
    )
    shortcomings = CleanTextField(
        _("shortcomings named"), max_length=MEETING_TEXT_MAX_LENGTH, blank=True
    )
    search_text = models.TextField(editable=False, blank=True, default="")

    history = HistoricalRecords(m2m_fields=[attending_units])

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_at"]
        indexes = [models.Index(fields=["quarter", "held_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({safe_localtime(self.held_at):%d/%m/%Y})"

    def save(self, *args, **kwargs):
        self.search_text = search_text(self.title, self.chair_name, self.venue)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def held_on(self) -> datetime.date:
        return safe_localtime(self.held_at).date()

    def clean(self):
        if self.held_at is None or self.quarter_id is None:
            return
        first, last = quarter_with_neighbours(self.quarter.year, self.quarter.number)
        if not first <= self.held_on <= last:
            raise ValidationError(
                {
                    "held_at": _(
                        "A briefing is held near the quarter it reviews: choose a day "
                        "between %(first)s and %(last)s."
                    )
                    % {"first": first.strftime("%d/%m/%Y"), "last": last.strftime("%d/%m/%Y")}
                }
            )


class Topic(models.Model):
    """A subject directives are grouped by on the register and dashboards."""

    name = CleanCharField(_("name"), max_length=150, unique=True)
    display_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["display_order", "name"]

    def __str__(self) -> str:
        return self.name


class Confidentiality(models.TextChoices):
    NORMAL = "normal", _("Normal")
    CONFIDENTIAL = "confidential", _("Confidential")


class Directive(models.Model):
    """A directive (ý kiến chỉ đạo, kết luận) the chair gave at a meeting.

    Its status is derived from its lead units' assignments, never stored.
    An optional measurable target reads an indicator against a range by a date.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="directives"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = CleanCharField(_("short title"), max_length=300)
    text = CleanTextField(_("full text"), max_length=DIRECTIVE_TEXT_MAX_LENGTH)
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directives",
    )
    due_date = BoundedDateField(
        _("due date"), null=True, blank=True, help_text=_("Leave empty for an ongoing directive.")
    )
    is_ongoing = models.BooleanField(
        _("ongoing"), default=False, help_text=_("Carried out continuously, with no deadline.")
    )
    is_priority = models.BooleanField(_("priority"), default=False)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=15,
        choices=Confidentiality.choices,
        default=Confidentiality.NORMAL,
    )
    target_indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("target indicator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directive_targets",
    )
    target_baseline = models.DecimalField(
        _("baseline"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    target_min = models.DecimalField(
        _("target from"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    target_max = models.DecimalField(
        _("target to"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    target_date = BoundedDateField(_("target date"), null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-meeting__held_at", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"],
                name="directive_number_unique_in_meeting",
                violation_error_message=_("This meeting already has a directive with this number."),
            ),
            models.CheckConstraint(
                condition=Q(is_ongoing=True, due_date__isnull=True)
                | Q(is_ongoing=False, due_date__isnull=False),
                name="directive_due_date_xor_ongoing",
                violation_error_message=_(
                    "Give a due date, or mark the directive as ongoing, not both."
                ),
            ),
            models.CheckConstraint(
                condition=Q(target_min__isnull=True)
                | Q(target_max__isnull=True)
                | Q(target_max__gte=F("target_min")),
                name="directive_target_range_ordered",
                violation_error_message=_("The target's upper bound is below its lower bound."),
            ),
            models.CheckConstraint(
                condition=(Q(target_baseline__isnull=True) | Q(target_baseline__gte=0))
                & (Q(target_min__isnull=True) | Q(target_min__gte=0))
                & (Q(target_max__isnull=True) | Q(target_max__gte=0)),
                name="directive_target_not_negative",
                violation_error_message=_("Target figures cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["due_date"]),
            models.Index(fields=["topic"]),
            models.Index(fields=["confidentiality"]),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def save(self, *args, **kwargs):
        self.search_text = search_text(self.title, self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("directives:detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.is_ongoing and self.due_date:
            errors["due_date"] = _("An ongoing directive has no due date.")
        if not self.is_ongoing and not self.due_date:
            errors["due_date"] = _("Give a due date, or mark the directive as ongoing.")
        if self.due_date and self.meeting_id and self.due_date < self.meeting.held_on:
            errors["due_date"] = _("The due date cannot be before the meeting.")
        has_range = self.target_min is not None or self.target_max is not None
        if has_range and not self.target_indicator_id:
            errors["target_indicator"] = _("Choose the indicator the target is measured on.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality == Confidentiality.CONFIDENTIAL

    @property
    def has_target(self) -> bool:
        return self.target_indicator_id is not None


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    SUPPORT = "support", _("Supporting")


class Assignment(models.Model):
    """A unit's part in a directive, as lead (chủ trì) or supporting (phối hợp).

    ``due_date`` is the deadline in force for this unit: the directive's, or
    the one a reviewer approved in a deadline change (the original stays on
    the directive and in the change). ``completed_on`` is the day the work was
    finished, set when a reviewer confirms the unit's "done" update (the date
    the unit gave, or the reviewer's correction of it). Both are stored, not recomputed, so that
    registers and dashboards filter on them in SQL.
    """

    directive = models.ForeignKey(
        Directive,
        verbose_name=_("directive"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=AssignmentRole.choices, default=AssignmentRole.LEAD
    )
    due_date = BoundedDateField(_("due date in force"), null=True, blank=True)
    completed_on = BoundedDateField(_("completed on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["directive", "role", "unit__display_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["directive", "unit"],
                name="assignment_one_per_directive_unit",
                violation_error_message=_("This unit is already assigned to this directive."),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "role"]),
            models.Index(fields=["due_date"]),
            models.Index(fields=["completed_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.directive} · {self.unit} ({self.get_role_display()})"

    def derived_status(
        self,
        *,
        has_update: bool,
        updated_this_quarter: bool,
        today: datetime.date | None = None,
    ) -> rules.DirectiveStatus:
        return rules.assignment_status(
            due_date=self.due_date,
            completed_on=self.completed_on,
            has_update=has_update,
            updated_this_quarter=updated_this_quarter,
            today=today or timezone.localdate(),
        )


class ClaimedStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")


class ReviewStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", _("No confirmation needed")
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


def evidence_path(instance: "ProgressUpdate", filename: str) -> str:
    return f"evidence/{instance.assignment.directive_id}/{filename}"


class ProgressUpdate(models.Model):
    """A unit's report on an assignment in a quarter. A claimed "done" counts
    only once a reviewer confirms it."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="updates"
    )
    quarter = models.ForeignKey(
        Quarter,
        verbose_name=_("quarter"),
        on_delete=models.PROTECT,
        related_name="progress_updates",
    )
    claimed_status = models.CharField(
        _("status claimed"), max_length=15, choices=ClaimedStatus.choices
    )
    percent = models.PositiveSmallIntegerField(
        _("percent done"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    description = CleanTextField(_("what was done"), max_length=DESCRIPTION_MAX_LENGTH)
    finished_on = BoundedDateField(
        _("finished on"),
        null=True,
        blank=True,
        help_text=_("For a task reported as done: the day the work was actually finished."),
    )
    evidence = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True)
    reported_by = actor_field(_("reported by"))
    reported_at = BoundedDateTimeField(_("reported at"), default=timezone.now)
    review_status = models.CharField(
        _("confirmation"),
        max_length=15,
        choices=ReviewStatus.choices,
        default=ReviewStatus.NOT_NEEDED,
    )
    reviewed_by = actor_field(_("reviewed by"))
    reviewed_at = BoundedDateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = CleanTextField(
        _("reviewer's comment"), max_length=COMMENT_MAX_LENGTH, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-reported_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100),
                name="update_percent_0_to_100",
                violation_error_message=_("The percent done must be between 0 and 100."),
            ),
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(review_status="pending"),
                name="update_one_pending_claim_per_assignment",
                violation_error_message=rules.CLAIM_PENDING,
            ),
        ]
        indexes = [
            models.Index(fields=["quarter", "assignment"]),
            models.Index(fields=["review_status"]),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.quarter}: {self.get_claimed_status_display()}"


class DeadlineChangeStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class DeadlineChange(models.Model):
    """A unit's request to move its deadline, and the reviewer's decision."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="deadline_changes",
    )
    old_date = BoundedDateField(_("deadline before the change"))
    new_date = BoundedDateField(_("requested deadline"))
    reason = CleanTextField(_("reason"), max_length=COMMENT_MAX_LENGTH)
    requested_by = actor_field(_("requested by"))
    requested_at = BoundedDateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(
        _("decision"),
        max_length=10,
        choices=DeadlineChangeStatus.choices,
        default=DeadlineChangeStatus.PENDING,
    )
    decided_by = actor_field(_("decided by"))
    decided_at = BoundedDateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = CleanTextField(
        _("decision comment"), max_length=COMMENT_MAX_LENGTH, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline change")
        verbose_name_plural = _("deadline changes")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_date__gt=F("old_date")),
                name="deadline_change_moves_later",
                violation_error_message=_("The requested deadline must be after the current one."),
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.old_date:%d/%m/%Y} → {self.new_date:%d/%m/%Y}"


NOTICE_CLOSING = "Thông báo để các cơ quan, đơn vị liên quan biết, thực hiện./."


class ConclusionNotice(models.Model):
    """The conclusion notice of a meeting, in the words the commission edits before it is
    issued (``directives.services.notice_save``); once issued (``notice_issue``) its
    number and date are on record and it no longer changes."""

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="notice"
    )
    opening = CleanTextField(_("opening"), max_length=BASIS_MAX_LENGTH)
    assessment = CleanTextField(_("assessment"), max_length=MEETING_TEXT_MAX_LENGTH, blank=True)
    shortcomings = CleanTextField(
        _("shortcomings"),
        max_length=MEETING_TEXT_MAX_LENGTH,
        blank=True,
        help_text=_("One a line."),
    )
    tasks = CleanTextField(
        _("tasks in the notice's words"),
        max_length=2 * MEETING_TEXT_MAX_LENGTH,
        help_text=_("Each task as the notice says it; the units and deadlines are its annex."),
    )
    closing = CleanCharField(_("closing sentence"), max_length=300, default=NOTICE_CLOSING)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    issued_on = BoundedDateField(_("issued on"), null=True, blank=True)
    issued_by = actor_field(_("issued by"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conclusion notice")
        verbose_name_plural = _("conclusion notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True) | Q(number__isnull=False),
                name="notice_issued_with_a_number",
                violation_error_message=_("An issued notice has a number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting}"

    @property
    def is_issued(self) -> bool:
        return self.issued_on is not None


class Recommendation(models.Model):
    """A recommendation heard at a meeting (kiến nghị, đề xuất) and the chair's answer."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    raised_by = models.ForeignKey(
        Unit,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    report = models.ForeignKey(
        UnitReport,
        verbose_name=_("from report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations_raised",
    )
    text = CleanTextField(_("recommendation"), max_length=RECOMMENDATION_MAX_LENGTH)
    response = CleanTextField(
        _("chair's response"), max_length=RECOMMENDATION_MAX_LENGTH, blank=True
    )
    directives = models.ManyToManyField(
        Directive,
        verbose_name=_("directives it led to"),
        blank=True,
        related_name="recommendations",
    )

    history = HistoricalRecords(m2m_fields=[directives])

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"],
                name="recommendation_number_unique_in_meeting",
                violation_error_message=_(
                    "This meeting already has a recommendation with this number."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"


class FollowUpTokenQuerySet(models.QuerySet["FollowUpToken"]):
    def current(self) -> uuid.UUID:
        """The token now (the row is made on first use: a new database has none)."""
        token = self.values_list("token", flat=True).first()
        return token if token is not None else self.create().token

    def changed(self) -> None:
        """Mark every follow-up count as changed (see ``FollowUpToken``)."""
        if not self.update(token=uuid.uuid4()):
            self.create()


class FollowUpToken(models.Model):
    """One row whose token changes in the same transaction as anything the follow-up
    pages count or list: meetings, directives, assignments, progress, deadline requests,
    recommendations, topics, units, their names, links and memberships, quarters
    (``directives.signals``; the sample data's bulk loads call ``changed()``
    themselves). The pages keep what they work out under it (``selectors.kept``), so
    nothing kept is read after a change in any process, as ``Quarter.figures_token``
    does for the reports' figures."""

    token = models.UUIDField(default=uuid.uuid4)

    objects = FollowUpTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up token")
        verbose_name_plural = _("follow-up tokens")

    def __str__(self) -> str:
        return str(self.token)
