"""``anlan dashboard``: the dashboard's figures for a region and period, as a table or JSON."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from rich.console import Console
from rich.table import Table

from anlan.core.acting import acting_user
from anlan.reports.stats import PERIODS, dashboard_figures, resolve_region


class Command(BaseCommand):
    help = (
        "Print the dashboard's figures (hazards, today's alarms, commitments, strict list, teams "
        "on duty, warnings, trainings and drills) with the ledger link behind each."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="Region code (default: the user's own)")
        parser.add_argument("--period", default="month", choices=PERIODS)
        parser.add_argument("--user", help="Count what this user may see (default: admin)")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table")

    def handle(self, *args, region="", period="month", user=None, json=False, **options):
        actor = acting_user(user)
        try:
            chosen = resolve_region(actor, region)
        except ValidationError as exc:
            raise CommandError("--region: " + " ".join(exc.messages)) from exc
        data = dashboard_figures(actor, region=chosen, period=period)
        if json:
            self.stdout.write(_dumps(data))
            return
        console = Console(file=self.stdout._out, highlight=False, width=140)
        where = data["region"]["name"] if data["region"] else str(actor.scope_label)
        period_info = data["period"]
        table = Table(
            title=f"{where} · {period_info['label']} {period_info['start']} – {period_info['end']}"
        )
        table.add_column("Figure")
        table.add_column("Value", justify="right")
        table.add_column("Records behind it", overflow="fold")
        for group in ("hazards", "today_figures", "period_figures"):
            for figure in data[group]:
                value = figure["value"]
                shown = "—" if value is None else f"{value}{figure.get('unit', '')}"
                table.add_row(figure["label"], shown, figure["url"])
        console.print(table)
        if data["breakdown"]:
            sub = Table(title="Hazards by region")
            for name in ("Region", "Found", "Closed", "Overdue", "Open major"):
                sub.add_column(name, justify="left" if name == "Region" else "right")
            for row in data["breakdown"]:
                sub.add_row(
                    row["name"],
                    *(str(row[k]) for k in ("found", "closed", "overdue", "open_major")),
                )
            console.print(sub)


def _dumps(data) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
