"""Backup and restore of the whole platform: the database and the attachments (MEDIA_ROOT).

A backup is one ``.tar.gz`` holding

- ``manifest.json``: the format, when and by which version it was made, the database engine,
  the rows of every table, the applied migrations, and the size and SHA-256 of the database dump
  and of every attachment;
- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the site runs) or
  ``database.pgdump`` (``pg_dump --format=custom``);
- ``media/…``: the attachments as they are on disk.

The archive is written under a temporary name and renamed when complete, so a failed backup
never leaves a file that looks whole. A restore first unpacks the archive into a temporary
folder and checks everything it can — the manifest, the engine, the migrations, every checksum —
before it touches the database or the attachments; the database is then replaced in one step
(SQLite's backup API, or the schema dropped and the dump replayed by ``psql`` in one
transaction), the current attachments
folder is kept aside as ``<media>.before-restore-<time>`` and the backup's takes its place, and
the row counts are compared with the manifest's.

Backups are engine-specific: a SQLite backup restores into SQLite, a PostgreSQL one into
PostgreSQL (the readings store is raw SQL, which Django's fixtures would not carry)."""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, nothing was changed."""


Progress = Callable[[str], object] | None


def _say(progress: Progress, message: str) -> None:
    if progress is not None:
        progress(message)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _version() -> str:
    try:
        return metadata.version("anlan")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout
        return "unknown"


def _engine(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in DUMPS:
        raise BackupError(
            _("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": vendor}
        )
    return vendor


PG_TABLES = (
    # The schema's own tables, not a session's temporary ones (the ingestion's staging table).
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
)
SQLITE_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"


def _count(cursor, tables_sql: str) -> dict[str, int]:
    cursor.execute(tables_sql)
    counts = {}
    for name in sorted(row[0] for row in cursor.fetchall()):
        quoted = '"' + name.replace('"', '""') + '"'
        cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608
        counts[name] = cursor.fetchone()[0]
    return counts


def table_rows(using: str = "default") -> dict[str, int]:
    """Rows of every table of the database, Django's and the raw-SQL ones alike."""
    connection = connections[using]
    with connection.cursor() as cursor:
        return _count(cursor, PG_TABLES if connection.vendor == "postgresql" else SQLITE_TABLES)


def _sqlite_file_rows(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        return _count(db.cursor(), SQLITE_TABLES)
    finally:
        db.close()


def _applied_migrations(using: str) -> list[list[str]]:
    recorder = MigrationRecorder(connections[using])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


# ---------------------------------------------------------------- PostgreSQL tools


def _pg_tool(name: str) -> str:
    """``pg_dump``, ``pg_restore`` or ``psql``: on the PATH, else the newest in Debian's versioned folders."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if candidates:
        return candidates[-1]
    raise BackupError(
        _(
            "%(tool)s is not installed: install PostgreSQL's client tools (Debian: postgresql-client)."
        )
        % {"tool": name}
    )


def _pg_env(using: str) -> tuple[dict[str, str], str]:
    """The environment (PGHOST, PGPORT, PGUSER, PGPASSWORD) and database name of ``using``."""
    params = connections[using].get_connection_params()
    env = dict(os.environ)
    for key, var in (
        ("host", "PGHOST"),
        ("port", "PGPORT"),
        ("user", "PGUSER"),
        ("password", "PGPASSWORD"),
    ):
        if params.get(key):
            env[var] = str(params[key])
    return env, params.get("dbname") or connections[using].settings_dict["NAME"]


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise BackupError(
            _("%(what)s failed: %(detail)s") % {"what": what, "detail": " ".join(detail)}
        )


# ---------------------------------------------------------------- backup


def _dump(engine: str, using: str, target: Path) -> dict[str, int]:
    """Write the database's dump to ``target``; the rows of each table *in that dump* (the site
    may go on writing meanwhile)."""
    if engine == "sqlite":
        connection = connections[using]
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return _sqlite_file_rows(target)
    env, name = _pg_env(using)
    # pg_dump reads the snapshot of this transaction, in which the rows are counted too.
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                "--file",
                str(target),
                name,
            ],
            env,
            "pg_dump",
        )
        return _count(cursor, PG_TABLES)


def create(path: str | Path, *, using: str = "default", progress: Progress = None) -> dict:
    """Write a backup of the database ``using`` and of MEDIA_ROOT to ``path`` (a .tar.gz);
    returns its manifest."""
    path = Path(path)
    engine = _engine(using)
    if path.exists() and path.is_dir():
        raise BackupError(_("%(path)s is a folder: give the backup file's name.") % {"path": path})
    if not path.parent.is_dir():
        raise BackupError(_("The folder %(path)s does not exist.") % {"path": path.parent})
    media = _media_root()
    with tempfile.TemporaryDirectory(prefix="anlan-backup-", dir=path.parent) as tmp:
        dump = Path(tmp) / DUMPS[engine]
        _say(progress, _("Copying the database…"))
        tables = _dump(engine, using, dump)
        files = _media_files(media)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "anlan_version": _version(),
            "engine": engine,
            "database": {
                "file": DUMPS[engine],
                "size": dump.stat().st_size,
                "sha256": _sha256(dump),
            },
            "tables": tables,
            "migrations": _applied_migrations(using),
            "media": {
                p.relative_to(media).as_posix(): {"size": p.stat().st_size, "sha256": _sha256(p)}
                for p in files
            },
        }
        (Path(tmp) / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8"
        )
        partial = Path(tmp) / "backup.tar.gz"
        _say(progress, _("Packing %(n)d attachments…") % {"n": len(files)})
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(Path(tmp) / MANIFEST, arcname=MANIFEST)
            tar.add(dump, arcname=DUMPS[engine])
            for p in files:
                tar.add(p, arcname="media/" + p.relative_to(media).as_posix(), recursive=False)
        os.replace(partial, path)
    return manifest


# ---------------------------------------------------------------- restore


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.loads(tar.extractfile(member).read().decode("utf-8"))
    except (KeyError, AttributeError, ValueError, UnicodeDecodeError) as exc:
        raise BackupError(
            _("This is not an Anlan backup: its manifest is missing or unreadable.")
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            _("This backup's format (%(found)s) is not one this version reads (%(expected)s).")
            % {
                "found": manifest.get("format") if isinstance(manifest, dict) else "?",
                "expected": FORMAT,
            }
        )
    return manifest


def _safe_members(tar: tarfile.TarFile, manifest: dict) -> list[tarfile.TarInfo]:
    """Only the dump and media/… regular files the manifest lists; anything else is refused."""
    expected = {manifest["database"]["file"]} | {"media/" + rel for rel in manifest["media"]}
    members = []
    for member in tar.getmembers():
        if member.name == MANIFEST:
            continue
        if member.name not in expected or not member.isfile():
            raise BackupError(
                _("The backup holds %(name)s, which its manifest does not list.")
                % {"name": member.name}
            )
        members.append(member)
    missing = expected - {m.name for m in members}
    if missing:
        raise BackupError(
            _("The backup lacks %(n)d files its manifest lists, e.g. %(name)s.")
            % {"n": len(missing), "name": sorted(missing)[0]}
        )
    return members


def _check_migrations(manifest: dict, using: str) -> None:
    known = set(MigrationLoader(connections[using], ignore_no_migrations=True).disk_migrations)
    unknown = [tuple(m) for m in manifest.get("migrations", []) if tuple(m) not in known]
    if unknown:
        app, name = unknown[0]
        raise BackupError(
            _(
                "The backup was made by a newer version of Anlan (its database has migration "
                "%(app)s.%(name)s, which this version lacks): upgrade Anlan first."
            )
            % {"app": app, "name": name}
        )


def inspect(path: str | Path) -> dict:
    """The manifest of the backup at ``path``, after checking that it is one."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            return _read_manifest(tar)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(
            _("%(path)s cannot be read as a backup: %(error)s") % {"path": path, "error": exc}
        ) from exc


def _unpack(path: Path, into: Path, using: str) -> dict:
    try:
        with tarfile.open(path, "r:gz") as tar:
            manifest = _read_manifest(tar)
            engine = _engine(using)
            if manifest.get("engine") != engine:
                raise BackupError(
                    _(
                        "This is a backup of a %(found)s database; the configured database is "
                        "%(engine)s. Restore it into the same kind of database."
                    )
                    % {"found": manifest.get("engine"), "engine": engine}
                )
            _check_migrations(manifest, using)
            members = _safe_members(tar, manifest)
            tar.extractall(into, members=members, filter="data")
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise BackupError(
            _("%(path)s cannot be read as a backup: %(error)s") % {"path": path, "error": exc}
        ) from exc
    dump = into / manifest["database"]["file"]
    if _sha256(dump) != manifest["database"]["sha256"]:
        raise BackupError(_("The database copy in the backup is damaged (its checksum differs)."))
    for rel, meta in manifest["media"].items():
        if _sha256(into / "media" / rel) != meta["sha256"]:
            raise BackupError(
                _("The attachment %(name)s in the backup is damaged (its checksum differs).")
                % {"name": rel}
            )
    return manifest


def _load(engine: str, using: str, dump: Path) -> None:
    if engine == "sqlite":
        connection = connections[using]
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    env, name = _pg_env(using)
    connections.close_all()
    # pg_restore --clean cannot drop the partitions of the readings tables, so the schema is
    # dropped and the dump replayed as SQL by psql, all in one transaction: on any error nothing
    # has changed.
    psql = subprocess.Popen(  # noqa: S603
        [
            _pg_tool("psql"),
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            "--dbname",
            name,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    psql.stdin.write(
        b"SET client_min_messages = warning;\nDROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
    )
    psql.stdin.flush()
    restore = subprocess.run(  # noqa: S603
        [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)],
        stdout=psql.stdin,
        stderr=subprocess.PIPE,
        env=env,
        check=False,
    )
    psql.stdin.close()
    errors = psql.stderr.read().decode("utf-8", "replace")
    psql.wait()
    if restore.returncode != 0 or psql.returncode != 0:
        detail = (restore.stderr.decode("utf-8", "replace") + errors).strip().splitlines()[-3:]
        raise BackupError(
            _("Restoring the database failed: %(detail)s") % {"detail": " ".join(detail)}
        )


def _swap_media(unpacked: Path, now: dt.datetime) -> Path | None:
    """Put the backup's attachments in MEDIA_ROOT; the current ones are kept aside (returned)."""
    media = _media_root()
    kept = None
    if media.exists() and any(media.iterdir()):
        kept = media.with_name(f"{media.name}.before-restore-{now:%Y%m%d-%H%M%S}")
        os.replace(media, kept)
    elif media.exists():
        media.rmdir()
    media.parent.mkdir(parents=True, exist_ok=True)
    source = unpacked if unpacked.exists() else None
    if source is None:
        media.mkdir()
    else:
        shutil.move(str(source), str(media))
    return kept


def restore(path: str | Path, *, using: str = "default", progress: Progress = None) -> dict:
    """Replace the database ``using`` and MEDIA_ROOT with the backup at ``path``. Everything is
    checked before anything changes; returns the manifest plus ``kept_media`` (where the former
    attachments were moved, or None)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("No backup file at %(path)s.") % {"path": path})
    engine = _engine(using)
    media = _media_root()
    media.parent.mkdir(parents=True, exist_ok=True)
    # Unpack next to MEDIA_ROOT, so that the attachments are moved, not copied, into place.
    with tempfile.TemporaryDirectory(prefix="anlan-restore-", dir=media.parent) as tmp:
        _say(progress, _("Checking the backup…"))
        manifest = _unpack(path, Path(tmp), using)
        _say(progress, _("Replacing the database…"))
        _load(engine, using, Path(tmp) / manifest["database"]["file"])
        _say(progress, _("Replacing the attachments…"))
        kept = _swap_media(Path(tmp) / "media", timezone.localtime())
    counts = table_rows(using)
    differ = [name for name, rows in manifest["tables"].items() if counts.get(name) != rows]
    if differ:
        raise BackupError(
            _("After the restore, %(n)d tables do not have the backup's rows, e.g. %(name)s.")
            % {"n": len(differ), "name": differ[0]}
        )
    return manifest | {"kept_media": str(kept) if kept else None}
