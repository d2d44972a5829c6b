"""The day's scheduled work, in one command for cron or a systemd timer (README):
the report reminders, the directives' deadline and progress reminders, then the
mail still waiting and the daily digests.

Every part is safe to run twice, at once too (on two app servers): a unit is
reminded once a day, each event makes one notification per person, a mail is
sent by the one process that claims it, and a person gets one digest a day.
"""

import datetime

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from directives import services as directive_services


class Command(BaseCommand):
    help = "Run the day's reminders and send the notifications' mail and digests."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Act as if today were this date (YYYY-MM-DD), for testing.",
        )

    def handle(self, *args, **options):
        today = options["today"] or timezone.localdate()
        day = today.isoformat()
        call_command("send_reminders", "--today", day, stdout=self.stdout, stderr=self.stderr)
        deadlines = directive_services.directive_reminders(day=today)
        progress = directive_services.progress_reminders(day=today)
        self.stdout.write(
            f"Directives: {deadlines} deadline and {progress} progress notification(s)."
        )
        call_command(
            "send_notifications",
            "--digests",
            "--today",
            day,
            stdout=self.stdout,
            stderr=self.stderr,
        )
