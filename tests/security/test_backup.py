"""``manage.py backup`` and ``restore`` round-trip the whole database and the uploaded files."""

import difflib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.utils import ConnectionHandler

from danvan.backup import EXCLUDED, backup_create, dump_database, model_row_counts
from directives.models import ProgressUpdate
from reports import services
from sampledata.demo import demo_load
from tests import factories as f
from tests import fresh

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% evidence of the work done\n%%EOF\n"
NOT_BACKED_UP = {"contenttypes.ContentType", "auth.Permission", "sessions.Session"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def build_site(*, demo: bool = True) -> ProgressUpdate:
    """The demo briefing plus a reviewed report and an update with an evidence file;
    without the demo (a second of CPU to load, and more to back up) for the tests of
    what does not depend on how much there is."""
    if demo:
        demo_load(password="danvan2024-backup")
    unit = f.UnitFactory(code="backup-unit", name="Đơn vị <sao lưu> & “khôi phục”")
    head = f.member(unit, role="head", user__username="backup-head")
    report = f.UnitReportFactory(unit=unit, quarter=f.QuarterFactory(year=2030, number=1))
    services.report_submit(report=report, user=head, expected_version=report.version)
    update = f.ProgressUpdateFactory(assignment=f.AssignmentFactory(unit=unit))
    update.evidence.save("bien-ban.pdf", ContentFile(PDF))
    return update


def assert_same_rows(after: bytes, before: bytes) -> None:
    """The two dumps hold the same rows, value for value; on a difference, show it."""
    if after != before:
        diff = difflib.unified_diff(
            before.decode().splitlines(), after.decode().splitlines(), lineterm="", n=2
        )
        raise AssertionError("\n".join(list(diff)[:40]))


def settle_constraints() -> None:
    """Fire PostgreSQL's deferred foreign-key checks, so that a flush may TRUNCATE."""
    connection.check_constraints()


def archived_dump(archive: Path) -> bytes:
    """The database dump the backup archive holds."""
    with tarfile.open(archive) as tar:
        return tar.extractfile("db.xml").read()


@pytest.mark.slow
def test_a_round_trip_loses_nothing(tmp_path, settings):
    """The demo site backed up, changed (a unit added, an evidence file overwritten)
    and restored with --force: every row, value for value, and every file's bytes are
    as they were backed up."""
    update = build_site()
    evidence = Path(settings.MEDIA_ROOT) / update.evidence.name
    counts_before = model_row_counts()
    assert counts_before["directives.HistoricalProgressUpdate"] > 0
    assert counts_before["reports.HistoricalUnitReport"] > 0

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    f.UnitFactory(code="added-after-the-backup")
    evidence.write_bytes(b"changed after the backup")
    settle_constraints()

    call_command("restore", str(archive), force=True, stdout=io.StringIO())

    counts_after = model_row_counts()
    for label, rows in counts_before.items():
        if label not in NOT_BACKED_UP:
            assert counts_after[label] == rows, label
    assert_same_rows(dump_database(), archived_dump(archive))
    assert evidence.read_bytes() == PDF


def test_the_archive_holds_a_manifest_the_database_and_the_files(tmp_path):
    update = build_site(demo=False)
    archive = tmp_path / "b.tar.gz"
    manifest = backup_create(output=archive)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert {"manifest.json", "db.xml", f"media/{update.evidence.name}"} <= set(names)
    assert manifest["media_files"] == 1
    assert manifest["rows"]["reports.UnitReport"] > 0
    assert (archive.stat().st_mode & 0o077) == 0  # readable by its owner only


def test_restore_refuses_a_database_already_in_use(tmp_path):
    build_site(demo=False)
    archive = tmp_path / "b.tar.gz"
    backup_create(output=archive)
    with pytest.raises(CommandError, match="already has data"):
        call_command("restore", str(archive), stdout=io.StringIO())


def test_restore_refuses_an_archive_that_writes_outside_media(tmp_path):
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in [
            ("manifest.json", json.dumps({"format": 1}).encode()),
            ("db.xml", b'<?xml version="1.0"?><django-objects version="1.0"/>'),
            ("media/../../escaped.txt", b"x"),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="unsafe"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert not (tmp_path / "escaped.txt").exists()


def test_restore_says_clearly_when_the_file_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not a backup archive"):
        call_command("restore", str(junk), stdout=io.StringIO())
    with pytest.raises(CommandError, match="No such file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), stdout=io.StringIO())


def test_sessions_content_types_and_permissions_are_left_to_migrate():
    assert set(EXCLUDED) == {"contenttypes", "auth.permission", "sessions"}


def tables_of(database, *, types: bool) -> dict[str, tuple]:
    """Each table's columns (name, nullable) and number of rows; with ``types`` (two
    SQLite databases), the columns' types and defaults and the table's keys, indexes and
    checks too, without their names (SQLite numbers foreign keys in the order they were
    made). Django's record of the migrations applied is left out."""
    introspection = database.introspection
    tables = {}
    with database.cursor() as cursor:
        for table in introspection.table_names(cursor):
            if table == "django_migrations":
                continue
            columns = sorted(
                (c.name, c.null_ok, *((c.type_code, c.default) if types else ()))
                for c in introspection.get_table_description(cursor, table)
            )
            constraints = sorted(
                (
                    tuple(c["columns"]),
                    c["primary_key"],
                    c["unique"],
                    tuple(c["foreign_key"] or ()),
                    c["check"],
                    c["index"],
                )
                for c in introspection.get_constraints(cursor, table).values()
            )
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - a table's own name
            tables[table] = (columns, constraints if types else [], cursor.fetchone()[0])
    return tables


def assert_migrate_made_the_tests_database(path: Path) -> None:
    """``migrate`` made of an empty file the database the tests run on, which
    tests/conftest.py makes from the models and the groups the data migration adds."""
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    migrated = ConnectionHandler({"default": sqlite})
    same_vendor = connection.vendor == "sqlite"
    try:
        made = tables_of(migrated["default"], types=same_vendor)
    finally:
        migrated.close_all()
    assert made == tables_of(connection, types=same_vendor)


SMALL_SITE = ["generate_data", "--provinces", "2", "--communes", "4", "--quarters", "2"]
SMALL_SITE += ["--directives", "2", "--password", "danvan2024-backup", "--verbosity", "0"]


@pytest.mark.slow
def test_the_commands_move_a_site_into_a_fresh_database(tmp_path):
    """From one SQLite file to another, through the command line, as an operator would.

    The only test that runs the migrations (the others' database is made from the
    models): on the fresh file, which must then be the database the tests run on.
    The site is a small generated one: the round trip above proves every kind of
    row of the demo goes through; this proves the commands do, between databases."""

    def manage(database: str, *args: str) -> str:
        env = {
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / database}",
            "MEDIA_ROOT": str(tmp_path / f"{database}-media"),
        }
        result = fresh.manage(*args, env=env, timeout=300)
        assert result.returncode == 0, result.stderr
        return result.stdout

    archive = tmp_path / "site.tar.gz"
    manage("old.sqlite3", "migrate", "--noinput")
    assert_migrate_made_the_tests_database(tmp_path / "old.sqlite3")
    # The fresh database: a copy of the old one just migrated, exactly what
    # `migrate` makes of an empty file, without its seconds of CPU a second time.
    shutil.copyfile(tmp_path / "old.sqlite3", tmp_path / "new.sqlite3")
    manage("old.sqlite3", *SMALL_SITE)
    manage("old.sqlite3", "backup", "--output", str(archive))
    manage("new.sqlite3", "restore", str(archive))
    dump = ["dumpdata", "--format", "xml", "--natural-foreign", "--natural-primary"]
    dump += ["--exclude", "contenttypes", "--exclude", "auth.permission", "--exclude", "sessions"]
    assert_same_rows(manage("new.sqlite3", *dump).encode(), manage("old.sqlite3", *dump).encode())
    refused = fresh.manage(
        "restore",
        str(archive),
        env={"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}"},
    )
    assert refused.returncode != 0
    assert "already has data" in refused.stderr
