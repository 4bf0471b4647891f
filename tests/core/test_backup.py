"""`anlan backup` and `anlan restore`: a round trip over the demo loses nothing (every row of
every table, every attachment byte); a damaged, foreign or newer backup is refused and changes
nothing. Runs on SQLite and on PostgreSQL (pg_dump / pg_restore) with the rest of the suite."""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from anlan.core import backup
from anlan.core.demo import build_demo
from anlan.core.models import Notification
from anlan.hazards.models import Hazard
from anlan.registry.models import Enterprise

from ..factories import EnterpriseFactory, reseed_migration_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):  # the messages asserted below
        yield


@pytest.fixture(autouse=True)
def seeded(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    reseed_migration_data()  # an earlier transactional test's flush removed it


def database_digest() -> dict[str, str]:
    """Every table's rows, hashed in a stable order (sorted here: ORDER BY 1 leaves ties)."""
    digests = {}
    with connection.cursor() as cursor:
        for name in sorted(backup.table_rows()):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(name)}")  # noqa: S608
            digest = hashlib.sha256()
            for row in sorted(repr(row) for row in cursor.fetchall()):
                digest.update(row.encode())
            digests[name] = digest.hexdigest()
    return digests


def media_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_a_backup_restores_every_row_and_every_attachment(settings, tmp_path):
    build_demo()
    media = Path(settings.MEDIA_ROOT)
    rows_before, files_before = database_digest(), media_digest(media)
    assert len(files_before) > 5  # hazard photos, bulletin PDF and Word files…
    out = io.StringIO()
    call_command("backup", str(tmp_path / "b.tar.gz"), stdout=out, stderr=io.StringIO())
    assert "b.tar.gz" in out.getvalue() and "attachments" in out.getvalue()

    # Then things go wrong: hazards overwritten, the inbox emptied, an attachment lost, a stray
    # enterprise added.
    Hazard.objects.update(description="被误改")
    Notification.objects.all().delete()
    next(p for p in media.rglob("*") if p.is_file()).unlink()
    EnterpriseFactory(name="误录企业")

    out = io.StringIO()
    call_command("restore", str(tmp_path / "b.tar.gz"), "--yes", stdout=out, stderr=io.StringIO())
    assert database_digest() == rows_before
    assert media_digest(media) == files_before
    assert "before-restore" in out.getvalue()  # the damaged attachments were kept aside
    assert not Enterprise.objects.filter(name="误录企业").exists()


def _small_backup(tmp_path) -> Path:
    EnterpriseFactory(name="备份企业")
    path = tmp_path / "small.tar.gz"
    backup.create(path)
    return path


def _rewrite(path: Path, *, manifest=None, replace=None) -> None:
    """Rewrite the archive with a changed manifest or a member's bytes replaced."""
    with tarfile.open(path, "r:gz") as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(path, "w:gz") as tar:
        for member, data in members:
            if member.name == "manifest.json" and manifest is not None:
                data = json.dumps(manifest(json.loads(data))).encode()
            elif replace and member.name in replace:
                data = replace[member.name](data)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))


def _refused(path, match):
    EnterpriseFactory(name="恢复前新增")
    with pytest.raises(CommandError, match=match):
        call_command("restore", str(path), "--yes", stdout=io.StringIO(), stderr=io.StringIO())
    # Nothing changed: the enterprise added after the backup is still there.
    assert Enterprise.objects.filter(name="恢复前新增").exists()


def test_a_damaged_database_copy_is_refused_and_nothing_changes(tmp_path):
    path = _small_backup(tmp_path)
    dump = backup.DUMPS[connection.vendor]
    _rewrite(path, replace={dump: lambda data: data[:-1] + bytes([data[-1] ^ 0xFF])})
    _refused(path, "damaged")


def test_a_backup_of_another_engine_is_refused(tmp_path):
    path = _small_backup(tmp_path)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    _rewrite(path, manifest=lambda m: m | {"engine": other})
    _refused(path, "same kind of database")


def test_a_backup_from_a_newer_version_is_refused(tmp_path):
    path = _small_backup(tmp_path)
    _rewrite(
        path, manifest=lambda m: m | {"migrations": [*m["migrations"], ["core", "9999_future"]]}
    )
    _refused(path, "core.9999_future")


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    path = tmp_path / "notes.tar.gz"
    path.write_bytes(b"not an archive")
    _refused(path, "cannot be read as a backup")


def test_restore_asks_for_confirmation_and_check_only_reads(tmp_path):
    path = _small_backup(tmp_path)
    out = io.StringIO()
    call_command("restore", str(path), "--check", stdout=out)
    assert "tables" in out.getvalue() and connection.vendor in out.getvalue()
    EnterpriseFactory(name="恢复前新增")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path), stdout=io.StringIO())
    assert Enterprise.objects.filter(name="恢复前新增").exists()


def test_the_anlan_command_knows_backup_and_restore():
    from anlan.cli import translate

    assert translate(["backup", "x.tar.gz"]) == ["backup", "x.tar.gz"]
    assert translate(["restore", "x.tar.gz", "--yes"]) == ["restore", "x.tar.gz", "--yes"]
