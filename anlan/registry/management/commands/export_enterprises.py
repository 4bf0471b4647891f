from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from anlan.registry import excel
from anlan.registry.filters import EnterpriseFilter
from anlan.registry.models import Enterprise

from ._common import acting_user


class Command(BaseCommand):
    help = "Export the enterprise ledger to .xlsx (filters as in the web list)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="Export what this user may see (default: admin)")
        parser.add_argument("--columns", default="", help="Comma-separated column keys")
        for name in ("q", "region", "industry", "flag", "status"):
            parser.add_argument(f"--{name}", default="")

    def handle(self, *args, file: Path, user=None, columns="", **options):
        console = Console(file=self.stdout._out, highlight=False)
        actor = acting_user(user)
        try:
            chosen = excel.parse_columns(columns)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        flt = EnterpriseFilter.from_params(options)
        qs = flt.apply(Enterprise.objects.visible_to(actor))
        with Progress(
            TextColumn("[bold]Exporting"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("export", total=None)
            content = excel.export_enterprises(
                qs,
                columns=chosen,
                progress=lambda d, t: progress.update(task, completed=d, total=t),
            )
        file.write_bytes(content)
        console.print(f"Wrote {qs.count()} enterprises to {file}.")
