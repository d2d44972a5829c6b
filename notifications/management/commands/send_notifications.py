"""Mail what waits to be mailed: the notifications whose mail at once failed (they
are retried here), and with ``--digests`` each person's daily digest.

Safe to run as often as wanted and on several servers at once: a mail is sent by
the one run that claims it, and a person gets one digest a day.
"""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications import services


class Command(BaseCommand):
    help = "Send the notifications' mail still waiting, and (--digests) the daily digests."

    def add_arguments(self, parser):
        parser.add_argument("--digests", action="store_true", help="Send the daily digests too.")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="The digests' day (YYYY-MM-DD), for testing.",
        )

    def handle(self, *args, **options):
        sent = services.deliver()
        self.stdout.write(f"{sent} notification mail(s) sent.")
        if options["digests"]:
            day = options["today"] or timezone.localdate()
            digests = services.send_digests(day=day)
            self.stdout.write(f"{digests} digest(s) of {day:%d/%m/%Y} sent.")
