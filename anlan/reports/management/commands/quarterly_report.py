from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from anlan.core.acting import acting_user
from anlan.core.models import Region
from anlan.reports import services
from anlan.reports.choices import SubmissionState
from anlan.reports.models import QuarterlyHazardReport, previous_quarter
from anlan.reports.quarterly import submission_summary, submissions

STYLES = {
    SubmissionState.ON_TIME: "green",
    SubmissionState.LATE: "yellow",
    SubmissionState.DRAFT: "dim",
    SubmissionState.MISSING: "red",
}


class Command(BaseCommand):
    help = (
        "Quarterly hazard reports: who has submitted for a quarter (a table), and optionally "
        "generate the drafts of every enterprise that has not submitted."
    )

    def add_arguments(self, parser):
        default_year, default_quarter = previous_quarter()
        parser.add_argument("--year", type=int, default=default_year)
        parser.add_argument("--quarter", type=int, default=default_quarter)
        parser.add_argument("--region", default="", help="Region code; the whole subtree")
        parser.add_argument(
            "--state", default="", choices=["", *SubmissionState.values], help="Only this state"
        )
        parser.add_argument(
            "--generate",
            action="store_true",
            help="Generate (or refresh) the draft of every enterprise that has not submitted",
        )
        parser.add_argument("--user", help="Act as this user's scope (default: the first admin)")

    def handle(self, *args, year, quarter, region, state, generate, user=None, **options):
        console = Console(file=self.stdout._out, highlight=False, width=120)
        actor = acting_user(user)
        try:
            year, quarter = services.check_period(year, quarter)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if region and not Region.objects.filter(code=region).exists():
            raise CommandError(f"--region: no region has the code {region!r}.")
        if generate:
            self._generate(console, actor, year, quarter, region)
        rows = submissions(actor, year, quarter, region=region, state=state)
        table = Table(title=f"{year} Q{quarter}", show_lines=False)
        for column in ("Enterprise", "Region", "State", "Submitted at", "Found", "Rectified"):
            table.add_column(column)
        reports = {
            r.enterprise_id: r
            for r in QuarterlyHazardReport.objects.filter(
                enterprise__in=rows.order_by().values("pk"), year=year, quarter=quarter
            )
        }
        for enterprise in rows.iterator(chunk_size=500):
            report = reports.get(enterprise.pk)
            submitted = (
                timezone.localtime(enterprise.submitted_at).strftime("%Y-%m-%d %H:%M")
                if enterprise.submitted_at
                else ""
            )
            table.add_row(
                enterprise.name,
                enterprise.region.full_name,
                f"[{STYLES[enterprise.state]}]{enterprise.state}[/]",
                submitted,
                str(report.found) if report else "",
                str(report.closed) if report else "",
            )
        console.print(table)
        summary = submission_summary(actor, year, quarter, region=region)
        console.print(
            f"Due {summary['due_date']:%Y-%m-%d}. Expected {summary['expected']}: "
            f"on time {summary['on_time']}, late {summary['late']}, "
            f"draft {summary['draft']}, missing {summary['missing']}."
        )

    def _generate(self, console, actor, year, quarter, region):
        todo = submissions(actor, year, quarter, region=region).exclude(
            state__in=[SubmissionState.ON_TIME, SubmissionState.LATE]
        )
        done = 0
        with Progress(
            TextColumn("[bold]Generating drafts"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("generate", total=todo.count())
            for enterprise in todo.iterator(chunk_size=200):
                try:
                    services.generate_report(
                        enterprise=enterprise, year=year, quarter=quarter, user=actor
                    )
                except PermissionDenied as exc:
                    raise CommandError(
                        f"{actor.username} may not prepare reports; run as a system "
                        "administrator (--user)."
                    ) from exc
                done += 1
                progress.advance(task)
        console.print(f"Generated or refreshed {done} drafts for {year} Q{quarter}.")
