"""A restore never loses data: a bad archive leaves the database (and the files) as they were.

And a backup never leaves a partial or world-readable archive behind.
"""

import io
import json
import os
import stat
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from danvan import backup
from danvan.backup import backup_create, model_row_counts
from tests import factories as f

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% proof\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def site(settings):
    """A few units, people, a report and an evidence file; returns the evidence path."""
    unit = f.UnitFactory(code="safe-unit")
    f.member(unit, role="head", user__username="safe-head")
    f.reviewer(username="safe-reviewer")
    f.UnitReportFactory(unit=unit, quarter=f.QuarterFactory(year=2030, number=2))
    update = f.ProgressUpdateFactory(assignment=f.AssignmentFactory(unit=unit))
    update.evidence.save("proof.pdf", ContentFile(PDF))
    return Path(settings.MEDIA_ROOT) / update.evidence.name


def settle_constraints() -> None:
    """Fire PostgreSQL's deferred foreign-key checks, so that a flush may TRUNCATE."""
    connection.check_constraints()


def members_of(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def with_counts(archive: Path, counts) -> dict[str, bytes]:
    """The members of ``archive``, its manifest's row counts replaced by ``counts(rows)``."""
    members = members_of(archive)
    manifest = json.loads(members["manifest.json"])
    manifest["rows"] = counts(manifest["rows"])
    members["manifest.json"] = json.dumps(manifest).encode()
    return members


def one_more(model: str):
    return lambda rows: {**rows, model: rows[model] + 1}


def write_archive(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def restore_is_refused(archive: Path, site: Path, match: str) -> None:
    """restore --force fails with a clear message and every table keeps its rows and files."""
    site.write_bytes(b"changed after the backup")
    counts = model_row_counts()
    settle_constraints()
    with pytest.raises(CommandError, match=match) as refused:
        call_command("restore", str(archive), force=True, stdout=io.StringIO())
    assert "Nothing was changed" in str(refused.value) or "nothing was changed" in str(
        refused.value
    )
    assert model_row_counts() == counts
    assert site.read_bytes() == b"changed after the backup"
    assert not list(site.parents[1].glob(".restore-*")), "scratch files left behind"


@pytest.fixture
def good_archive(site, tmp_path) -> Path:
    archive = tmp_path / "good.tar.gz"
    backup_create(output=archive)
    return archive


def test_a_truncated_archive_changes_nothing(good_archive, site, tmp_path):
    data = good_archive.read_bytes()
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(data[: len(data) * 2 // 3])
    restore_is_refused(truncated, site, "cannot be read to its end")


def test_an_archive_with_corrupt_xml_changes_nothing(good_archive, site, tmp_path):
    members = members_of(good_archive)
    members["db.xml"] = members["db.xml"][: len(members["db.xml"]) // 2]
    archive = write_archive(tmp_path / "corrupt.tar.gz", members)
    restore_is_refused(archive, site, "dump in the archive cannot be read")


def test_an_archive_with_an_impossible_value_changes_nothing(good_archive, site, tmp_path):
    members = members_of(good_archive)
    members["db.xml"] = members["db.xml"].replace(
        b'name="year" type="PositiveSmallIntegerField">2030<',
        b'name="year" type="PositiveSmallIntegerField">not a year<',
    )
    archive = write_archive(tmp_path / "impossible.tar.gz", members)
    restore_is_refused(archive, site, "cannot be read")


def test_an_archive_whose_manifest_counts_disagree_changes_nothing(good_archive, site, tmp_path):
    members = with_counts(good_archive, one_more("reports.Unit"))
    archive = write_archive(tmp_path / "counts.tar.gz", members)
    # The site's unit and its test province (factories.root_unit).
    restore_is_refused(archive, site, r"reports\.Unit: 2 instead of 3")


def test_a_disagreement_found_only_after_loading_is_rolled_back(good_archive, site, tmp_path):
    """Many-to-many rows are counted after the load: the erase and load are undone."""
    members = with_counts(good_archive, one_more("auth.User_groups"))
    archive = write_archive(tmp_path / "m2m.tar.gz", members)
    restore_is_refused(archive, site, "rolled back")


def test_an_archive_without_its_manifest_changes_nothing(good_archive, site, tmp_path):
    members = members_of(good_archive)
    del members["manifest.json"]
    archive = write_archive(tmp_path / "no-manifest.tar.gz", members)
    restore_is_refused(archive, site, "no manifest.json")


def test_an_archive_with_an_unreadable_manifest_changes_nothing(good_archive, site, tmp_path):
    members = members_of(good_archive)
    members["manifest.json"] = b'{"format": 1, "rows": '
    archive = write_archive(tmp_path / "bad-manifest.tar.gz", members)
    restore_is_refused(archive, site, "manifest .* cannot be read")


def test_an_archive_of_nothing_does_not_empty_the_database(site, tmp_path):
    # A manifest and a dump that agree, about no rows at all (found in review: the
    # checks compared only what the manifest named, and it named nothing).
    members = {
        "manifest.json": json.dumps({"format": 1, "rows": {}, "media_files": 0}).encode(),
        "db.xml": b'<?xml version="1.0" encoding="utf-8"?><django-objects version="1.0"/>',
    }
    archive = write_archive(tmp_path / "empty.tar.gz", members)
    restore_is_refused(archive, site, "not the manifest of a whole")


def test_an_archive_of_an_empty_site_does_not_empty_this_one(good_archive, site, tmp_path):
    members = with_counts(good_archive, lambda rows: dict.fromkeys(rows, 0))
    members["db.xml"] = b'<?xml version="1.0" encoding="utf-8"?><django-objects version="1.0"/>'
    archive = write_archive(tmp_path / "empty-site.tar.gz", members)
    restore_is_refused(archive, site, "would leave this database empty")


def test_a_good_archive_with_force_still_replaces_the_database_and_the_files(good_archive, site):
    counts = model_row_counts()
    f.UnitFactory(code="added-after-the-backup")
    site.write_bytes(b"changed after the backup")
    settle_constraints()
    out = io.StringIO()
    call_command("restore", str(good_archive), force=True, stdout=out)
    assert model_row_counts()["reports.Unit"] == counts["reports.Unit"]
    assert site.read_bytes() == PDF
    assert "Restored the backup" in out.getvalue()


def test_the_archive_is_private_from_its_first_byte_and_a_failed_backup_leaves_nothing(
    site, tmp_path, monkeypatch
):
    folder = tmp_path / "backups"
    folder.mkdir()
    seen_modes = []

    def dump_that_fails_midway(**options):
        seen_modes.extend(stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir())
        raise OSError("disk full")

    monkeypatch.setattr(backup, "dump_database", dump_that_fails_midway)
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("backup", output=folder / "b.tar.gz", stdout=io.StringIO())
    assert seen_modes == [0o600]  # the partial file existed, private, while it was written
    assert list(folder.iterdir()) == []


def test_a_finished_archive_is_readable_by_its_owner_only(site, tmp_path):
    previous = os.umask(0o022)
    try:
        archive = tmp_path / "b.tar.gz"
        call_command("backup", output=archive, stdout=io.StringIO())
    finally:
        os.umask(previous)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
