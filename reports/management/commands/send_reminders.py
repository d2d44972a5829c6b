"""Remind the staff of every unit that owes the current quarter's report and has not
filed it (``aggregation.units_not_filed``: a returned report must be filed again).

Reminders go out on the days before the due date listed in ``--days-before``
and every ``--every-after`` days once it has passed, through the notifications
(the inbox, and mail as each person chose). A unit is reminded once a day at
most, by this job or a reviewer's "remind" (``services.report_remind``), so the
command is safe to run from cron as often as wanted, on several servers at once.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.services import deferred_mail, deliver
from reports import permissions, services
from reports.aggregation import units_not_filed
from reports.models import Quarter
from reports.permissions import EVERY_UNIT


def _day_list(text: str) -> list[int]:
    try:
        days = sorted({int(part) for part in text.split(",") if part.strip()}, reverse=True)
    except ValueError:
        raise CommandError(
            f"--days-before takes numbers separated by commas, not {text!r}"
        ) from None
    if any(day < 0 for day in days):
        raise CommandError("--days-before takes numbers of days, 0 or more")
    return days


def is_reminder_day(*, days_left: int, days_before: list[int], every_after: int) -> bool:
    """Whether today is a reminder day: a listed day before the due date, or every N after."""
    if days_left >= 0:
        return days_left in days_before
    return every_after > 0 and (-days_left) % every_after == 0


class Command(BaseCommand):
    help = "Remind units whose report for the current quarter is not submitted."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days-before",
            default=",".join(str(day) for day in settings.REMINDER_DAYS_BEFORE),
            help="Days before the due date on which to remind, e.g. 7,3,1 (0 = the due date).",
        )
        parser.add_argument(
            "--every-after",
            type=int,
            default=settings.REMINDER_EVERY_DAYS_AFTER,
            help="After the due date, remind every this many days (0 = never).",
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Act as if today were this date (YYYY-MM-DD), for testing.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say who would be reminded; send nothing."
        )

    def handle(self, *args, **options):
        today = options["today"] or timezone.localdate()
        days_before = _day_list(str(options["days_before"]))
        quarter = Quarter.objects.current()
        if quarter is None:
            self.stdout.write("No open quarter: nothing to remind.")
            return
        days_left = quarter.days_left(today)
        if not is_reminder_day(
            days_left=days_left, days_before=days_before, every_after=options["every_after"]
        ):
            self.stdout.write(f"{today:%d/%m/%Y} is not a reminder day for {quarter.slug}.")
            return
        units = list(units_not_filed(quarter=quarter, scope=EVERY_UNIT))
        if options["dry_run"]:
            for unit in units:
                staff = ", ".join(
                    user.email or user.username for user in permissions.staff_of(unit.pk)
                )
                self.stdout.write(f"Would remind {unit.code}: {staff or '(nobody)'}")
            return
        reminded = 0
        # The mail is sent once all are told (deliver, below), in one go: not unit by
        # unit as each reminder commits.
        with deferred_mail():
            for unit in units:
                try:
                    services.report_remind(unit=unit, quarter=quarter, day=today)
                except services.ReportError as refusal:
                    # Reminded today already (by a reviewer or another run), filed since
                    # the list was read, or nobody to tell: the others are still reminded.
                    self.stdout.write(f"Not reminded {unit.code}: {refusal.message}")
                    continue
                reminded += 1
        sent = deliver()
        self.stdout.write(
            f"Reminded {reminded} unit(s) about {quarter.slug} on {today:%d/%m/%Y}"
            f"{f'; {sent} mail(s) sent' if sent else ''}."
        )
