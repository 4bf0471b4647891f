from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from anlan.core.acting import acting_user
from anlan.registry import excel


class Command(BaseCommand):
    help = "Import an enterprise ledger (.xlsx). All-or-nothing unless --partial."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--partial", action="store_true", help="Import the good rows and report the bad ones"
        )
        parser.add_argument("--user", help="Act within this user's jurisdiction (default: admin)")

    def handle(self, *args, file: Path, partial: bool, user=None, **options):
        console = Console(file=self.stdout._out, highlight=False)
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        actor = acting_user(user)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("Importing", total=None)

            def step(done, total):
                progress.update(task, completed=done, total=total)

            try:
                report = excel.import_enterprises(
                    file.read_bytes(), user=actor, partial=partial, progress=step
                )
            except excel.LedgerFileError as exc:
                raise CommandError(f"{file}: {exc}") from exc
        if report.errors:
            table = Table(title="Rows not imported")
            for heading in ("row", "column", "reason"):
                table.add_column(heading)
            for error in report.errors:
                table.add_row(str(error.row), error.column, error.reason)
            console.print(table)
        if not report.saved:
            raise CommandError(
                f"Nothing imported: {report.bad_rows} of {report.rows} rows have errors "
                "(use --partial to import the good rows)."
            )
        console.print(
            f"{report.rows} rows: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.bad_rows} skipped."
        )
