"""Email the members of every unit that owes the current quarter's report and has not
filed it (``aggregation.units_not_filed``: a returned report must be filed again).

Reminders go out on the days before the due date listed in ``--days-before``
and every ``--every-after`` days once it has passed. A unit gets at most one
reminder a day (reports.models.ReminderLog), so the command is safe to run
from cron as often as wanted.
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports import services
from reports.aggregation import units_not_filed
from reports.models import STAFF_ROLES, Membership, Quarter
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
    help = "Email reminders to units whose report for the current quarter is not submitted."

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
        already = set(
            quarter.reminders.filter(sent_on=today, unit__in=units).values_list(
                "unit_id", flat=True
            )
        )
        members = (
            Membership.objects.filter(unit__in=units, role__in=STAFF_ROLES, user__is_active=True)
            .exclude(user__email="")
            .select_related("user")
        )
        emails: dict[int, list[str]] = {}
        for membership in members:
            emails.setdefault(membership.unit_id, []).append(membership.user.email)

        sent = failed = 0
        connection = get_connection()
        with translation.override(settings.LANGUAGE_CODE):
            for unit in units:
                recipients = sorted(set(emails.get(unit.id, [])))
                if unit.id in already or not recipients:
                    continue
                if options["dry_run"]:
                    self.stdout.write(f"Would remind {unit.code}: {', '.join(recipients)}")
                    continue
                messages = self._messages(unit, quarter, recipients, days_left)
                try:
                    connection.send_messages(messages)
                except Exception as error:  # one unit's bad address must not stop the rest
                    failed += 1
                    self.stderr.write(f"Could not remind {unit.code}: {error}")
                    continue
                services.reminder_record(
                    unit=unit, quarter=quarter, day=today, recipients=len(recipients)
                )
                sent += 1
        self.stdout.write(f"Reminded {sent} unit(s) about {quarter.slug} on {today:%d/%m/%Y}.")
        if failed:
            raise CommandError(f"{failed} unit(s) could not be reminded; they will be retried.")

    def _messages(self, unit, quarter, recipients, days_left) -> list[EmailMessage]:
        path = reverse("reports:report", args=[unit.code, quarter])
        context = {
            "unit": unit,
            "quarter": quarter,
            "days_left": days_left,
            "days_late": -days_left,
            "url": settings.SITE_URL.rstrip("/") + path,
        }
        if days_left >= 0:
            subject = _("Reminder: the %(quarter)s report of %(unit)s is due on %(due)s")
        else:
            subject = _("Overdue: the %(quarter)s report of %(unit)s was due on %(due)s")
        subject = subject % {
            "quarter": quarter.label,
            "unit": unit.name,
            "due": quarter.due_date.strftime("%d/%m/%Y"),
        }
        body = render_to_string("reports/email/reminder.txt", context)
        return [EmailMessage(subject=subject, body=body, to=[address]) for address in recipients]
