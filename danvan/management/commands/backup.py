"""``python manage.py backup [--output FILE]``: the database and uploaded files in one archive."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from danvan.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Write the whole database and every uploaded file to one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write the archive (default: danvan-backup-<date-time>.tar.gz here).",
        )

    def handle(self, *args, output: Path | None, **options):
        if output is None:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            output = Path(f"danvan-backup-{stamp}.tar.gz")
        try:
            manifest = backup_create(output=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for where in manifest["cleaned_texts"]:
            self.stderr.write(
                self.style.WARNING(
                    f"Warning: {where} holds characters a backup cannot carry; "
                    "the archive holds it cleaned, the stored row is unchanged."
                )
            )
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {rows} rows and {manifest['media_files']} files to {output}."
            )
        )
