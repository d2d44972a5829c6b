"""What a reorganisation handed over, one row per thing, so that every assignment,
deadline request, membership and reminder of a unit that ended can be followed to
where it went (the reorganisation itself is ``reports.models.Reorganisation``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.fields import CleanTextField
from reports.models import Reorganisation, Unit


class HandoverItem(models.TextChoices):
    ASSIGNMENT = "assignment", _("Assignment moved")
    ASSIGNMENT_COMBINED = "assignment_combined", _("Assignment combined")
    ASSIGNMENT_COPIED = "assignment_copied", _("Assignment shared")
    DEADLINE_CHANGE = "deadline_change", _("Deadline request")
    PROGRESS_UPDATE = "progress_update", _("Progress update")
    MEMBERSHIP = "membership", _("Membership")
    REMINDER = "reminder", _("Reminder")
    SUB_UNIT = "sub_unit", _("Sub-unit")


class Handover(models.Model):
    reorganisation = models.ForeignKey(
        Reorganisation,
        verbose_name=_("reorganisation"),
        on_delete=models.CASCADE,
        related_name="handovers",
    )
    item = models.CharField(_("what"), max_length=20, choices=HandoverItem.choices)
    object_id = models.PositiveIntegerField(_("record number"))
    from_unit = models.ForeignKey(
        Unit, verbose_name=_("from unit"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        Unit, verbose_name=_("to unit"), on_delete=models.PROTECT, related_name="+"
    )
    description = CleanTextField(_("description"), max_length=1000)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["reorganisation", "id"]
        indexes = [models.Index(fields=["item", "object_id"])]

    def __str__(self) -> str:
        return self.description
