from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from anlan.hazards import rewards
from anlan.hazards.choices import AccidentLevel, RewardKind, RewardStatus
from anlan.hazards.excel import export_rewards
from anlan.hazards.models import Reward, RewardPolicy


class Command(BaseCommand):
    help = (
        "Rewards: `list` the ledger (optionally to Excel) or `compute` what the rules in force "
        "give for a fine or a concealed accident."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "compute"])
        parser.add_argument("--kind", choices=RewardKind.values)
        parser.add_argument("--status", choices=RewardStatus.values)
        parser.add_argument("--export", metavar="FILE.xlsx", help="Write the list to Excel")
        parser.add_argument("--fine", help="Administrative fine in yuan (compute)")
        parser.add_argument("--accident-level", choices=AccidentLevel.values)
        parser.add_argument("--deaths", type=int, help="Concealed deaths (compute)")
        parser.add_argument(
            "--employee", action="store_true", help="The tipster works for the unit reported"
        )

    def handle(self, *args, action, **options):
        console = Console(file=self.stdout._out, highlight=False, width=140)
        if action == "compute":
            basis = "concealed_accident" if options.get("accident_level") else "fine"
            try:
                result = rewards.compute(
                    policy=RewardPolicy.current(),
                    basis=basis,
                    fine_amount=options.get("fine"),
                    accident_level=options.get("accident_level") or "",
                    deaths=options.get("deaths"),
                    employee=options["employee"],
                )
            except ValidationError as exc:
                raise CommandError(
                    "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                ) from exc
            console.print(result.explanation)
            return
        qs = Reward.objects.select_related("tip_off", "hazard", "region", "enterprise")
        if options.get("kind"):
            qs = qs.filter(kind=options["kind"])
        if options.get("status"):
            qs = qs.filter(status=options["status"])
        if options.get("export"):
            path = Path(options["export"])
            path.write_bytes(export_rewards(qs))
            console.print(f"Wrote {qs.count()} rewards to {path}.")
            return
        table = Table(title="Rewards")
        for column in ("kind", "tip-off / hazard", "region", "amount", "status", "claim by"):
            table.add_column(column)
        for r in qs:
            table.add_row(
                str(r.get_kind_display()),
                r.tip_off.code if r.tip_off_id else (r.hazard.code if r.hazard_id else ""),
                r.region.full_name,
                f"¥{r.amount:,.0f}",
                str(r.get_status_display()),
                r.claim_by.isoformat() if r.claim_by else "",
            )
        console.print(table)
