"""``anlan export ledger NAME --columns a,b --user NAME -o F.xlsx``: any ledger to Excel with
the columns chosen; ``--list`` shows the ledgers, their columns and filters."""

import shutil
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from anlan.core.acting import acting_user
from anlan.reports import ledgers


class Command(BaseCommand):
    help = "Export a ledger to .xlsx with the columns you pick (only what --user may see)."

    def add_arguments(self, parser):
        parser.add_argument("ledger", nargs="?", help=f"One of: {', '.join(ledgers.BUILDERS)}")
        parser.add_argument("--columns", default="", help="Comma-separated column keys, in order")
        parser.add_argument("--user", help="Export what this user may see (default: admin)")
        parser.add_argument("-o", "--output", type=Path, help="The .xlsx file to write")
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="A ledger filter, e.g. --filter status=closed --filter region=140729",
        )
        parser.add_argument(
            "--list", action="store_true", help="List the ledgers (or one), columns and filters"
        )

    def handle(self, *args, ledger=None, columns="", user=None, output=None, **options):
        console = Console(file=self.stdout._out, highlight=False, width=140)
        try:
            if options["list"]:
                chosen = [ledgers.get_ledger(ledger)] if ledger else ledgers.all_ledgers()
                for item in chosen:
                    _print_ledger(console, item)
                return
            if not ledger:
                raise CommandError("Name a ledger (or give --list).")
            if output is None:
                raise CommandError("-o/--output: say where to write the .xlsx file.")
            params = {}
            for pair in options["filter"]:
                name, sep, value = pair.partition("=")
                if not sep or not name.strip():
                    raise CommandError(f"--filter {pair!r}: write it as NAME=VALUE.")
                params[name.strip()] = value.strip()
            actor = acting_user(user)
            out, rows = ledgers.export(ledger, user=actor, columns=columns, params=params)
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            ) from exc
        with out, output.open("wb") as target:
            shutil.copyfileobj(out, target)
        console.print(f"Wrote {rows} row(s) of the {ledger} ledger to {output}.")


def _print_ledger(console, ledger) -> None:
    table = Table(title=f"{ledger.key} — {ledger.title}")
    table.add_column("Column")
    table.add_column("Header")
    for column in ledger.columns:
        table.add_row(column.key, str(column.header))
    console.print(table)
    if ledger.filters:
        names = ", ".join(f"{f.name} ({f.kind})" for f in ledger.filters)
        console.print(f"  filters: {names}")
