"""``python manage.py restore FILE [--force]``: load a backup into an empty, migrated database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from danvan.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty, migrated database "
        "and put its uploaded files back under MEDIA_ROOT."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar.gz written by `backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Erase every row of the database first (it must otherwise be empty).",
        )

    def handle(self, *args, archive: Path, force: bool, **options):
        if not archive.is_file():
            raise CommandError(f"No such file: {archive}")
        try:
            manifest = backup_restore(archive_path=archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        files = manifest.get("media_files", "?")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest.get('created_at', '?')}: "
                f"{sum(manifest['rows'].values())} rows and {files} files."
            )
        )
