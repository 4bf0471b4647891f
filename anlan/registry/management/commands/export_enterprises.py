from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from anlan.core.acting import acting_user
from anlan.core.models import Region
from anlan.registry import excel
from anlan.registry.choices import EnterpriseIndustry, EnterpriseRiskFlag, EnterpriseStatus
from anlan.registry.filters import EnterpriseFilter
from anlan.registry.models import Enterprise


class Command(BaseCommand):
    help = "Export the enterprise ledger to .xlsx (filters as in the web list)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="Export what this user may see (default: admin)")
        parser.add_argument("--columns", default="", help="Comma-separated column keys")
        parser.add_argument(
            "--template",
            action="store_true",
            help="Write the empty import template (drop-down lists, instructions) instead",
        )
        parser.add_argument("--q", default="", help="Name, credit code or address contains")
        parser.add_argument("--region", default="", help="Region code; the whole subtree matches")
        parser.add_argument("--industry", default="", choices=["", *EnterpriseIndustry.values])
        parser.add_argument("--flag", default="", choices=["", *EnterpriseRiskFlag.values])
        parser.add_argument("--status", default="", choices=["", *EnterpriseStatus.values])

    def handle(self, *args, file: Path, user=None, columns="", template=False, **options):
        console = Console(file=self.stdout._out, highlight=False)
        actor = acting_user(user)
        if template:
            file.write_bytes(excel.ledger_template(user=actor))
            console.print(f"Wrote the import template to {file}.")
            return
        try:
            chosen = excel.parse_columns(columns)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if options["region"] and not Region.objects.filter(code=options["region"]).exists():
            raise CommandError(f"--region: no region has the code {options['region']!r}.")
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
