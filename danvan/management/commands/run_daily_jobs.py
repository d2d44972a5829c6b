"""The day's scheduled work, in one command for cron or a systemd timer (README):
the report reminders, the directives' deadline and progress reminders, then the
mail still waiting and the daily digests.

Every part is safe to run twice, at once too (on two app servers): a unit is
reminded once a day, each event makes one notification per person, a mail is
sent by the one process that claims it, and a person gets one digest a day.
"""

import datetime
import logging

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from directives import services as directive_services
from notifications.services import deferred_mail

logger = logging.getLogger(__name__)


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
        out = {"stdout": self.stdout, "stderr": self.stderr}
        steps = [
            ("report reminders", lambda: call_command("send_reminders", "--today", day, **out)),
            ("directive reminders", lambda: self._directives(today)),
            (
                "mail and digests",
                lambda: call_command("send_notifications", "--digests", "--today", day, **out),
            ),
        ]
        failed = []
        # Each step runs whatever happened to the one before: a failure is said, and
        # the job ends in error once the others have run.
        for name, step in steps:
            try:
                step()
            except Exception as error:  # reported below; the next step still runs
                logger.exception("The daily job's %s failed", name)
                self.stderr.write(f"The {name} failed: {error}")
                failed.append(name)
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}; the other steps ran.")

    def _directives(self, today: datetime.date) -> None:
        with deferred_mail():
            deadlines = directive_services.directive_reminders(day=today)
            progress = directive_services.progress_reminders(day=today)
        self.stdout.write(
            f"Directives: {deadlines} deadline and {progress} progress notification(s)."
        )
