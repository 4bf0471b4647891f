"""``anlan backup [FILE]``: the database and the attachments in one .tar.gz."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core import backup


class Command(BaseCommand):
    help = (
        "Back up the database and the attachments (MEDIA_ROOT) into one .tar.gz "
        "(default: anlan-backup-<time>.tar.gz in the current folder)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the backup file to write")

    def handle(self, *args, file=None, **options):
        path = Path(file or f"anlan-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz")
        try:
            manifest = backup.create(path, progress=self.stderr.write)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            _(
                "Backup written to %(path)s: %(engine)s, %(tables)d tables, %(rows)d rows, %(files)d attachments, %(size).1f MiB."
            )
            % {
                "path": path,
                "engine": manifest["engine"],
                "tables": len(manifest["tables"]),
                "rows": rows,
                "files": len(manifest["media"]),
                "size": path.stat().st_size / 2**20,
            }
        )
