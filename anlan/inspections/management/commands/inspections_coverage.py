from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from anlan.core.choices import UserRole
from anlan.core.models import Region, User
from anlan.inspections import coverage as cov
from anlan.inspections import services
from anlan.inspections.excel import export_coverage
from anlan.registry.choices import EnterpriseIndustry


class Command(BaseCommand):
    help = (
        "Coverage of the three-level network for a month: which enterprises had self, mutual "
        "and department inspections, and which had none."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: last month)")
        parser.add_argument("--region", help="Region code; its subtree")
        parser.add_argument("--industry", choices=EnterpriseIndustry.values)
        parser.add_argument(
            "--missing",
            choices=["self", "mutual", "department", "any"],
            help="Only those lacking it",
        )
        parser.add_argument("--export", metavar="FILE.xlsx")
        parser.add_argument(
            "--user", help="Act within this user's jurisdiction (default: an administrator)"
        )

    def handle(self, *args, **o):
        user = (
            User.objects.filter(username=o["user"]).first()
            if o.get("user")
            else User.objects.filter(role=UserRole.SYSTEM_ADMIN, is_active=True).first()
            or User.objects.filter(is_superuser=True).first()
        )
        if user is None:
            raise CommandError("No such user (and no system administrator to act as).")
        try:
            start, end = services.month_bounds(o.get("month"))
        except ValidationError as exc:
            raise CommandError("--month must be YYYY-MM") from exc
        region = None
        if o.get("region"):
            region = Region.objects.filter(code=o["region"]).first()
            if region is None:
                raise CommandError(f"No region has the code {o['region']!r}.")
        report = cov.coverage(user, start, end, region=region, industry=o.get("industry") or "")
        if o.get("export"):
            with open(o["export"], "wb") as handle:
                handle.write(export_coverage(report))
        rows = cov.missing(report, o["missing"]) if o.get("missing") else report.rows
        console = Console(file=self.stdout._out, highlight=False, width=140)
        table = Table(title=f"Inspection coverage {start} – {end}")
        for column in ("enterprise", "region", "self", "mutual", "department"):
            table.add_column(column)
        for r in rows:
            table.add_row(
                r.enterprise.name,
                r.enterprise.region.full_name,
                str(r.self_count),
                str(r.mutual_count),
                str(r.department_count),
            )
        console.print(table)
        t = report.totals
        console.print(
            f"{t['enterprises']} enterprises: self {t['self']}, mutual {t['mutual']}, "
            f"department {t['department']}, none {t['none']}."
        )
