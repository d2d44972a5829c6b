"""Back up and restore the whole site: the database and the uploaded files.

A backup is one ``.tar.gz``:

``manifest.json``
    when and from what it was made, and the number of rows of every model;
``db.xml``
    ``dumpdata`` of every app (history tables included) with natural keys, so
    that it loads into any freshly migrated database, SQLite or PostgreSQL.
    XML rather than JSON because Django's JSON cuts times to the millisecond;
    XML keeps every value exactly. A text XML cannot carry is written cleaned
    and named in the manifest's ``cleaned_texts`` (``danvan.backup_xml``);
``media/…``
    every file under ``MEDIA_ROOT`` (the evidence files).

Left out on purpose: content types and permissions (``migrate`` recreates
them, and natural keys point at them), and sessions (a restored site asks
everyone to sign in again; a session names its user by id, which a restore
may change).

For a large PostgreSQL database, ``pg_dump`` is faster (see the README).
"""

import contextlib
import datetime
import io
import json
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from danvan import backup_xml

FORMAT = 1
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]
# Rows that say a database is in use (a migrated, empty database has none).
IN_USE_MODELS = ("auth.User", "reports.Unit", "reports.Quarter", "directives.Meeting")


class BackupError(Exception):
    """A backup that cannot be restored, or a database that must not be overwritten."""


def model_row_counts() -> dict[str, int]:
    """{app_label.ModelName: rows} for every model, history and many-to-many tables included."""
    return {
        model._meta.label: model._default_manager.using(connection.alias).count()
        for model in apps.get_models(include_auto_created=True)
    }


def database_in_use() -> bool:
    return any(apps.get_model(label).objects.exists() for label in IN_USE_MODELS)


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.datetime.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def dump_database(*, cleaned: list[str] | None = None) -> bytes:
    """The whole database as dumpdata XML with natural keys.

    Text that XML cannot carry is cleaned on the way out; each such value is
    added to ``cleaned`` as "app.Model #pk, field".
    """
    out = io.StringIO()
    with backup_xml.cleaning_serializer() as found:
        call_command(
            "dumpdata",
            format=backup_xml.FORMAT,
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDED,
            stdout=out,
            verbosity=0,
        )
    if cleaned is not None:
        cleaned.extend(found)
    return out.getvalue().encode()


def backup_create(*, output: Path) -> dict:
    """Write the backup archive to ``output``; return its manifest."""
    media_root = Path(settings.MEDIA_ROOT)
    media_files = (
        sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())
        if media_root.is_dir()
        else []
    )
    cleaned: list[str] = []
    database = dump_database(cleaned=cleaned)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "django": django.get_version(),
        "database_vendor": connection.vendor,
        "rows": model_row_counts(),
        "media_files": len(media_files),
        "cleaned_texts": cleaned,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    with tarfile.open(partial, "w:gz") as archive:
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
        _add_bytes(archive, "db.xml", database)
        for path in media_files:
            archive.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
    partial.chmod(0o600)
    partial.replace(output)
    return manifest


def _safe_member_path(name: str) -> PurePosixPath | None:
    """The member's path under media/, or None if it would land outside it."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or len(path.parts) < 2:
        return None
    if path.parts[0] != "media":
        return None
    return PurePosixPath(*path.parts[1:])


def _open(archive_path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(archive_path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive_path} is not a backup archive: {error}") from error


def _read_archive(archive_path: Path) -> tuple[dict, bytes]:
    """The manifest and the database dump, after checking every entry is safe to extract."""
    manifest = database = None
    with _open(archive_path) as archive:
        for member in archive.getmembers():
            if member.name == "manifest.json" and member.isfile():
                manifest = json.loads(archive.extractfile(member).read())
            elif member.name == "db.xml" and member.isfile():
                database = archive.extractfile(member).read()
            elif _safe_member_path(member.name) is None or not (member.isfile() or member.isdir()):
                raise BackupError(f"Refusing an unsafe entry in the archive: {member.name!r}")
    if manifest is None or database is None:
        raise BackupError(f"{archive_path} has no manifest.json or db.xml: not a Dân vận backup.")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest, database


def _restore_media(archive_path: Path) -> None:
    media_root = Path(settings.MEDIA_ROOT).resolve()
    with _open(archive_path) as archive:
        for member in archive.getmembers():
            relative = _safe_member_path(member.name)
            if relative is None or not member.isfile():
                continue
            target = (media_root / relative).resolve()
            if media_root not in target.parents:
                raise BackupError(f"Refusing to write outside MEDIA_ROOT: {member.name!r}")
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source, target.open("wb") as destination:
                shutil.copyfileobj(source, destination)


@contextlib.contextmanager
def _history_off():
    """History rows come from the backup: none may be added while it loads (m2m changes would)."""
    previous = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        settings.SIMPLE_HISTORY_ENABLED = previous


def backup_restore(*, archive_path: Path, force: bool = False) -> dict:
    """Load the backup into this (migrated) database and put its files back under MEDIA_ROOT.

    Refuses a database already in use unless ``force``, which empties it first.
    """
    manifest, database = _read_archive(archive_path)
    if database_in_use():
        if not force:
            raise BackupError(
                "The database already has data (users, units, quarters or meetings). "
                "Restore into an empty, migrated database, or pass --force to erase it first."
            )
        call_command("flush", interactive=False, verbosity=0)
    with tempfile.TemporaryDirectory() as scratch:
        fixture = Path(scratch) / "db.xml"
        fixture.write_bytes(database)
        with transaction.atomic(), _history_off():
            call_command("loaddata", str(fixture), verbosity=0)
    _restore_media(archive_path)
    return manifest
