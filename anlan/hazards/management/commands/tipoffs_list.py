from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from anlan.core.models import Region
from anlan.hazards.choices import TipOffStatus
from anlan.hazards.models import TipOff


class Command(BaseCommand):
    help = (
        "List tip-offs (never the reporters' identities): by status, region, or those past "
        "their verification deadline."
    )

    def add_arguments(self, parser):
        parser.add_argument("--status", choices=TipOffStatus.values)
        parser.add_argument("--region", help="Region code; its whole subtree matches")
        parser.add_argument("--overdue", action="store_true", help="Only verification overdue")

    def handle(self, *args, status=None, region=None, overdue=False, **options):
        qs = TipOff.objects.select_related("region", "hazard")
        if status:
            qs = qs.filter(status=status)
        if region:
            node = Region.objects.filter(code=region).first()
            if node is None:
                raise CommandError(f"No region has the code {region!r}.")
            qs = qs.filter(region__prefix__startswith=node.prefix)
        if overdue:
            qs = qs.verification_overdue()
        console = Console(file=self.stdout._out, highlight=False, width=140)
        table = Table(title="Tip-offs")
        for column in ("code", "region", "received", "verify by", "status", "hazard"):
            table.add_column(column)
        n = 0
        for t in qs.iterator():
            n += 1
            table.add_row(
                t.code,
                t.region.full_name,
                f"{t.received_at:%Y-%m-%d}",
                t.verify_by.isoformat() + (" OVERDUE" if t.is_verification_overdue else ""),
                str(t.get_status_display()),
                t.hazard.code if t.hazard_id else "",
            )
        console.print(table)
        console.print(f"{n} tip-offs.")
