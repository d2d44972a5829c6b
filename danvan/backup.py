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

import codecs
import contextlib
import datetime
import functools
import io
import json
import locale
import os
import shutil
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import DateField, Model

from common import caching
from danvan import backup_xml

FORMAT = 1
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]
# Models a backup leaves out: migrate makes the first two, sessions are not kept.
NOT_BACKED_UP = frozenset({"contenttypes.ContentType", "auth.Permission", "sessions.Session"})
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
    # Into a file, not through ``stdout``: the command's output wrapper styles each of
    # the serializer's million small writes, a third of the dump's time. dumpdata opens
    # the file in the locale's encoding: only where that is UTF-8.
    with (
        tempfile.TemporaryDirectory(prefix="danvan-dump-") as scratch,
        backup_xml.cleaning_serializer() as found,
    ):
        if codecs.lookup(locale.getpreferredencoding(False)).name == "utf-8":
            dump = Path(scratch) / "db.xml"
            _dumpdata(output=str(dump))
            database = dump.read_bytes()
        else:
            out = io.StringIO()
            _dumpdata(stdout=out)
            database = out.getvalue().encode()
    if cleaned is not None:
        cleaned.extend(found)
    return database


def _dumpdata(**where: object) -> None:
    """``dumpdata`` of the whole site in the backup's format, to ``output`` or ``stdout``."""
    call_command(
        "dumpdata",
        format=backup_xml.FORMAT,
        natural_foreign=True,
        natural_primary=True,
        exclude=EXCLUDED,
        verbosity=0,
        **where,
    )


def _snapshot(cleaned: list[str]) -> tuple[bytes, dict[str, int]]:
    """The dump and the row counts of one moment, so that a save between the two
    cannot make the manifest disagree with the dump (and the backup unrestorable).

    One transaction; on PostgreSQL at REPEATABLE READ, which gives every query in it
    the same snapshot. (SQLite's read transaction already does.) Inside a
    transaction already begun (tests), its snapshot is the caller's.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return dump_database(cleaned=cleaned), model_row_counts()


def backup_create(*, output: Path) -> dict:
    """Write the backup archive to ``output``; return its manifest.

    The archive is written to a private (0600) temporary file beside ``output``,
    created so from its first byte, and renamed to ``output`` only once complete;
    on any failure the temporary file is removed, so no partial archive is left.
    """
    media_root = Path(settings.MEDIA_ROOT)
    media_files = (
        sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())
        if media_root.is_dir()
        else []
    )
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp opens with O_CREAT | O_EXCL and mode 0600: never readable by others.
        descriptor, partial_name = tempfile.mkstemp(
            dir=output.parent, prefix=f".{output.name}.", suffix=".part"
        )
    except OSError as error:
        raise BackupError(f"Cannot write the backup to {output}: {error}") from error
    partial = Path(partial_name)
    try:
        cleaned: list[str] = []
        database, rows = _snapshot(cleaned)
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "django": django.get_version(),
            "database_vendor": connection.vendor,
            "rows": rows,
            "media_files": len(media_files),
            "cleaned_texts": cleaned,
        }
        with os.fdopen(descriptor, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz") as archive:
                _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
                _add_bytes(archive, "db.xml", database)
                for path in media_files:
                    archive.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
            raw.flush()
            os.fsync(raw.fileno())  # on disk before it takes the final name
        partial.replace(output)
    except BaseException as error:
        partial.unlink(missing_ok=True)
        if isinstance(error, Exception) and not isinstance(error, BackupError):
            raise BackupError(
                f"The backup failed and nothing was written to {output}: {error}"
            ) from error
        raise
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


# What a damaged archive raises while it is read: a truncated gzip stream gives
# EOFError, a corrupt one zlib.error or OSError, a damaged tar header TarError.
UNREADABLE = (OSError, EOFError, zlib.error, tarfile.TarError)


def _member_file(archive: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    """The contents of a regular file of the archive (``extractfile`` answers None
    only for other kinds of entry, which the caller has ruled out)."""
    file = archive.extractfile(member)
    if file is None:
        raise tarfile.ReadError(f"{member.name!r} is not a regular file")
    return file


def _read_archive(archive_path: Path, *, media_dir: Path) -> tuple[dict, bytes, int]:
    """The manifest, the database dump and the number of files, after reading every entry.

    Every entry is read to its end (a truncated or corrupt archive fails here,
    before anything is changed); the files under media/ are written into
    ``media_dir``, a scratch directory, not into MEDIA_ROOT.
    """
    manifest_bytes = database = None
    media_files = 0
    try:
        with _open(archive_path) as archive:
            for member in archive:
                if member.name == "manifest.json" and member.isfile():
                    manifest_bytes = _member_file(archive, member).read()
                elif member.name == "db.xml" and member.isfile():
                    database = _member_file(archive, member).read()
                else:
                    relative = _safe_member_path(member.name)
                    if relative is None or not (member.isfile() or member.isdir()):
                        raise BackupError(
                            f"Refusing an unsafe entry in the archive: {member.name!r}. "
                            "Nothing was changed."
                        )
                    if member.isfile():
                        target = media_dir / relative
                        target.parent.mkdir(parents=True, exist_ok=True)
                        with _member_file(archive, member) as source, target.open("wb") as copy:
                            shutil.copyfileobj(source, copy)
                        media_files += 1
    except UNREADABLE as error:
        raise BackupError(
            f"{archive_path} cannot be read to its end (truncated or damaged?): {error}. "
            "Nothing was changed."
        ) from error
    if manifest_bytes is None or database is None:
        raise BackupError(
            f"{archive_path} has no manifest.json or no db.xml: it is not a Dân vận backup. "
            "Nothing was changed."
        )
    try:
        manifest = json.loads(manifest_bytes)
        if not isinstance(manifest, dict):
            raise ValueError("the manifest is not a JSON object")
    except ValueError as error:
        raise BackupError(
            f"The manifest of {archive_path} cannot be read: {error}. Nothing was changed."
        ) from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}. Nothing was changed.")
    rows = manifest.get("rows")
    if not isinstance(rows, dict) or not all(
        isinstance(label, str) and isinstance(count, int) for label, count in rows.items()
    ):
        raise BackupError("The manifest has no row counts. Nothing was changed.")
    unlisted = [label for label in IN_USE_MODELS if label not in rows]
    if unlisted:
        raise BackupError(
            f"The manifest lists no rows of {', '.join(unlisted)}: it is not the manifest "
            "of a whole Dân vận backup. Nothing was changed."
        )
    if manifest.get("media_files", media_files) != media_files:
        raise BackupError(
            f"The manifest lists {manifest.get('media_files')} files but the archive holds "
            f"{media_files}. Nothing was changed."
        )
    return manifest, database, media_files


def _expected_rows(manifest: dict) -> dict[str, int]:
    """The manifest's row counts of the models a restore loads (not those migrate makes)."""
    return {
        label: rows
        for label, rows in manifest["rows"].items()
        if label not in NOT_BACKED_UP and (rows or _model_exists(label))
    }


def _model_exists(label: str) -> bool:
    try:
        apps.get_model(label)
    except (LookupError, ValueError):
        return False
    return True


def _count_mismatches(expected: dict[str, int], found: dict[str, int]) -> list[str]:
    return [
        f"{label}: {found.get(label, 0)} instead of {rows}"
        for label, rows in sorted(expected.items())
        if found.get(label, 0) != rows
    ]


@contextlib.contextmanager
def _history_off():
    """History rows come from the backup: none may be added while it loads (m2m changes would)."""
    previous = settings.SIMPLE_HISTORY_ENABLED
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        settings.SIMPLE_HISTORY_ENABLED = previous


@contextlib.contextmanager
def _natural_keys_remembered():
    """Each natural key looked up once while a dump loads, not once per row: history
    rows name their user by user name thousands of times. Only what was found is
    remembered (``functools.cache`` keeps no exception: a key not loaded yet is looked
    up again); the managers are as they were after."""
    patched = []
    for model in apps.get_models():
        manager = model._default_manager
        lookup = getattr(manager, "get_by_natural_key", None)
        if lookup is None or "get_by_natural_key" in vars(manager):
            continue
        # An instance attribute over the class's method; ``db_manager()`` copies it.
        setattr(manager, "get_by_natural_key", functools.cache(lookup))  # noqa: B010
        patched.append(manager)
    try:
        yield
    finally:
        for manager in patched:
            delattr(manager, "get_by_natural_key")


# Rows written at once while a dump loads (each model's rows come together in it).
LOAD_BATCH = 2000


def _write(model: type[Model], rows: list[Model]) -> set:
    """Insert the rows; one that a natural key found already in the database (a group
    the migrations made) is saved over it, as ``loaddata`` does. Returns the keys of
    the rows saved over."""
    keys = [row.pk for row in rows if row.pk is not None]
    there = set(model._base_manager.filter(pk__in=keys).values_list("pk", flat=True))
    for row in rows:
        if row.pk in there:
            Model.save_base(row, raw=True)
    model._base_manager.bulk_create(
        [row for row in rows if row.pk not in there], batch_size=LOAD_BATCH
    )
    return there


def _load_dump(fixture: Path) -> None:
    """Every row of the dump, as ``loaddata`` stores it (raw: no ``save()``, no signal,
    the keys as dumped), but a model's rows a batch at a time rather than one INSERT
    each: a site's restore took minutes for tens of thousands of rows. Then the
    many-to-many links, the references to rows that came later in the dump, the
    foreign keys checked, and the sequences moved past the keys loaded."""
    models: set[type[Model]] = set()
    rows: list[Model] = []
    model: type[Model] | None = None
    linked, forward = [], []
    saved_over: set[tuple[type[Model], object]] = set()
    with (
        fixture.open("rb") as stream,
        connection.constraint_checks_disabled(),
        _timestamps_as_dumped(),
    ):
        for item in serializers.deserialize("xml", stream, handle_forward_references=True):
            row = item.object
            if type(row) is not model or len(rows) >= LOAD_BATCH:
                # The rows of a model are written before the next model's rows, which
                # may name them by their natural key.
                if model is not None:
                    saved_over |= {(model, pk) for pk in _write(model, rows)}
                model, rows = type(row), []
                models.add(model)
            rows.append(row)
            if item.m2m_data:
                linked.append(item)
            if item.deferred_fields:
                forward.append(item)
        if model is not None:
            saved_over |= {(model, pk) for pk in _write(model, rows)}
        _link(linked, saved_over)
        for item in forward:
            item.save_deferred_fields()
    connection.check_constraints(table_names=[m._meta.db_table for m in models])
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)


@contextlib.contextmanager
def _timestamps_as_dumped():
    """``bulk_create`` gives an ``auto_now`` field the time of the restore, where a raw
    save keeps the one dumped: while the dump loads, no field stamps the time."""
    stamped = [
        (field, field.auto_now, field.auto_now_add)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, DateField) and (field.auto_now or field.auto_now_add)
    ]
    for field, _now, _add in stamped:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, now, add in stamped:
            field.auto_now, field.auto_now_add = now, add


def _link(items, saved_over: set) -> None:
    """The many-to-many links of the loaded rows, through each relation's own table; a
    row saved over one already there gets the dump's links instead of its own (as
    ``set()`` would)."""
    through_rows: dict[type[Model], list[Model]] = {}
    for item in items:
        for name, targets in item.m2m_data.items():
            field = item.object._meta.get_field(name)
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            if (type(item.object), item.object.pk) in saved_over:
                through._base_manager.filter(**{f"{source}_id": item.object.pk}).delete()
            through_rows.setdefault(through, []).extend(
                through(**{f"{source}_id": item.object.pk, f"{target}_id": pk}) for pk in targets
            )
    for through, links in through_rows.items():
        _write(through, links)


def _load(database: bytes, manifest: dict, *, scratch: Path, erase: bool) -> None:
    """Erase (if asked) and load, in one transaction; roll back unless every count matches.

    A dump that cannot be parsed or loaded rolls back the erase with it.
    """
    fixture = scratch / "db.xml"
    fixture.write_bytes(database)
    with transaction.atomic(), _history_off(), _natural_keys_remembered():
        if erase:
            call_command("flush", interactive=False, verbosity=0)
        try:
            _load_dump(fixture)
        except Exception as error:  # any failure to parse or load means a bad archive
            raise BackupError(
                f"The database dump in the archive cannot be read: {error}. Nothing was changed."
            ) from error
        mismatches = _count_mismatches(_expected_rows(manifest), model_row_counts())
        if mismatches:
            raise BackupError(
                "After loading, the database does not hold the rows the manifest lists ("
                + "; ".join(mismatches[:10])
                + "). The restore was rolled back: nothing was changed."
            )
        # Figures worked out from the rows that were here are not kept (their keys would
        # not match the restored quarters anyway: ``common.caching``).
        caching.clear()


def _move_media(source: Path) -> None:
    """Put the files read from the archive under MEDIA_ROOT, replacing those of the same name."""
    media_root = Path(settings.MEDIA_ROOT)
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        target = media_root / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)


@contextlib.contextmanager
def _scratch_directory(media_root: Path):
    """A private scratch directory, beside MEDIA_ROOT if possible (moving files in is
    then a rename on the same disk), else in the system's temporary directory."""
    try:
        media_root.mkdir(parents=True, exist_ok=True)
        try:
            scratch = tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".restore-")
        except OSError:
            scratch = tempfile.TemporaryDirectory(prefix="danvan-restore-")
    except OSError as error:
        raise BackupError(
            f"Cannot prepare MEDIA_ROOT ({media_root}) for the restore: {error}. "
            "Nothing was changed."
        ) from error
    with scratch as name:
        yield Path(name)


def backup_restore(*, archive_path: Path, force: bool = False) -> dict:
    """Load the backup into this (migrated) database and put its files back under MEDIA_ROOT.

    The archive is read completely first (every entry, and the manifest with its
    counts); only then is the database erased (with ``force``) and loaded, in one
    transaction that rolls back if the dump cannot be loaded or the loaded rows do
    not match the manifest. The files are read into a
    scratch directory and moved under MEDIA_ROOT once the database is committed.
    Refuses a database already in use unless ``force``.
    """
    if database_in_use() and not force:
        raise BackupError(
            "The database already has data (users, units, quarters or meetings). "
            "Restore into an empty, migrated database, or pass --force to erase it first. "
            "Nothing was changed."
        )
    media_root = Path(settings.MEDIA_ROOT)
    with _scratch_directory(media_root) as scratch:
        media_dir = scratch / "media"
        media_dir.mkdir()
        manifest, database, _files = _read_archive(archive_path, media_dir=media_dir)
        if force and not any(manifest["rows"][label] for label in IN_USE_MODELS):
            raise BackupError(
                "The archive holds no users, units, quarters or meetings: restoring it would "
                "leave this database empty. Nothing was changed."
            )
        _load(database, manifest, scratch=scratch, erase=force)
        try:
            _move_media(media_dir)
        except OSError as error:
            raise BackupError(
                f"The database was restored, but the files could not all be put under "
                f"MEDIA_ROOT ({media_root}): {error}. Restore again once that is fixed."
            ) from error
    return manifest
