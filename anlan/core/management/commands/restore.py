"""``anlan restore FILE --yes``: put a backup's database and attachments back."""

import datetime as dt

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core import backup


def _local(stamp) -> str:
    try:
        return f"{timezone.localtime(dt.datetime.fromisoformat(stamp)):%Y-%m-%d %H:%M}"
    except (TypeError, ValueError):
        return "?"


class Command(BaseCommand):
    help = (
        "Replace the database and the attachments with those of a backup made by `anlan backup`. "
        "The backup is checked whole before anything changes; the current attachments are kept "
        "aside in <media>.before-restore-<time>. Stop the web and worker processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file (.tar.gz)")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="confirm: the current database is replaced by the backup's",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="only read the backup and print what it holds; change nothing",
        )

    def handle(self, *args, file, yes=False, check=False, **options):
        try:
            manifest = backup.inspect(file)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        summary = _(
            "%(file)s: made %(when)s by Anlan %(version)s, %(engine)s, %(tables)d tables, "
            "%(rows)d rows, %(files)d attachments."
        ) % {
            "file": file,
            "when": _local(manifest.get("created_at")),
            "version": manifest.get("anlan_version", "?"),
            "engine": manifest.get("engine", "?"),
            "tables": len(manifest.get("tables", {})),
            "rows": sum(manifest.get("tables", {}).values()),
            "files": len(manifest.get("media", {})),
        }
        self.stdout.write(summary)
        if check:
            return
        if not yes:
            raise CommandError(
                _("Restoring replaces the current database and attachments: add --yes to go ahead.")
            )
        try:
            result = backup.restore(file, progress=self.stderr.write)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        # A backup made by an older version: bring its database up to this version's schema.
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(_("Restored."))
        if result["kept_media"]:
            self.stdout.write(
                _(
                    "The former attachments are kept in %(path)s; delete it when you no longer need it."
                )
                % {"path": result["kept_media"]}
            )
