"""Uploaded files on disk, written so that a failure leaves nothing behind.

``SafeFileSystemStorage`` (the default storage, under ANLAN_MEDIA_ROOT) writes each file to a
hidden temporary file in the target folder and links it into place only once it is complete,
so a full disk (ENOSPC) or an exhausted quota (EDQUOT) never leaves a partial file; it raises
``StorageFull`` for those two. Django's own storage leaves the half-written file where it was.

A file saved inside a database transaction that then rolls back (a later photo of the same
report did not fit, the database went away) would be an orphan: the storage notes every file
it writes inside a transaction, and ``DiscardUncommittedFilesMiddleware`` deletes, at the end
of the request, those whose transaction rolled back. (Jobs and commands outside a request do
not get this clean-up; an orphan file there is harmless and only takes space.)
"""

from __future__ import annotations

import errno
import logging
import os
import tempfile
import threading

from django.core.files.storage import FileSystemStorage
from django.db import connection, transaction

logger = logging.getLogger("anlan.storage")

FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOSYS}

# The process's umask, read once (reading it means setting it, which is not thread-safe).
_UMASK = os.umask(0o022)
os.umask(_UMASK)


class StorageFull(OSError):
    """The file did not fit: the disk is full or the quota is used up. Nothing was kept."""


def is_storage_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in FULL_ERRNOS


class _Written(threading.local):
    def __init__(self):
        self.files: list[tuple[str, object]] = []  # (absolute path, marker)


_written = _Written()


class _Committed:
    """The on-commit callback that marks one written file as kept."""

    def __init__(self, entry):
        self.entry = entry

    def __call__(self):
        try:
            _written.files.remove(self.entry)
        except ValueError:
            pass


class SafeFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        try:
            if self.directory_permissions_mode is not None:
                old = os.umask(0o777 & ~self.directory_permissions_mode)
                try:
                    os.makedirs(directory, self.directory_permissions_mode, exist_ok=True)
                finally:
                    os.umask(old)
            else:
                os.makedirs(directory, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=directory, prefix=".partial-")
        except OSError as exc:
            if is_storage_full(exc):
                raise self._full(exc, name) from exc
            raise
        try:
            with os.fdopen(handle, "wb") as out:
                if hasattr(content, "temporary_file_path"):
                    with open(content.temporary_file_path(), "rb") as source:
                        while chunk := source.read(1024 * 1024):
                            out.write(chunk)
                else:
                    for chunk in content.chunks():
                        out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
            os.chmod(temporary, self.file_permissions_mode or (0o666 & ~_UMASK))
            while True:
                try:
                    os.link(temporary, full_path)  # never over an existing file
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
                except OSError as exc:
                    # A filesystem without hard links: rename, after checking the name is free.
                    if exc.errno not in NO_LINKS:
                        raise
                    if os.path.exists(full_path):
                        name = self.get_available_name(name)
                        full_path = self.path(name)
                        continue
                    os.rename(temporary, full_path)
                    break
        except OSError as exc:
            if is_storage_full(exc):
                raise self._full(exc, name) from exc
            raise
        finally:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
        self._note(full_path)
        return os.path.relpath(full_path, self.location).replace("\\", "/")

    def _full(self, exc: OSError, name: str) -> StorageFull:
        logger.error("Storage full: could not save %s under %s (%s)", name, self.location, exc)
        return StorageFull(exc.errno, os.strerror(exc.errno), name)

    def _note(self, full_path: str) -> None:
        # The absolute path: the storage's location may change (tests change MEDIA_ROOT).
        if not connection.in_atomic_block:
            return
        entry = (full_path, object())
        _written.files.append(entry)
        transaction.on_commit(_Committed(entry))


def discard_uncommitted_files() -> int:
    """Delete the files written inside a transaction that rolled back; returns how many.
    A file whose transaction is still open (a test's) is left alone."""
    if not _written.files:
        return 0
    pending = {
        id(callback.entry)
        for _sids, callback, _robust in connection.run_on_commit
        if isinstance(callback, _Committed)
    }
    removed = 0
    for entry in list(_written.files):
        if id(entry) in pending:
            continue
        _written.files.remove(entry)
        path, _marker = entry
        try:
            os.unlink(path)
            removed += 1
        except FileNotFoundError:
            pass
        except OSError:
            logger.warning("Could not delete the uncommitted file %s", path, exc_info=True)
    return removed


class DiscardUncommittedFilesMiddleware:
    """After each request, delete the files its rolled-back transactions had written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            discard_uncommitted_files()
