"""``anlan rescue drills list|stats``: drills and counts of held drills per period by kind and
county, within a user's scope (default: a system administrator)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from anlan.core.acting import acting_user
from anlan.rescue import services_drills as services
from anlan.rescue.choices import DrillKind, DrillStatus
from anlan.rescue.models import Drill

from .rescue_equipment import errors_text


class Command(BaseCommand):
    help = "Rescue drills: `list` and `stats` (held drills per period, kind and county)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="Drills")
        listing.add_argument("--status", choices=DrillStatus.values)
        listing.add_argument("--kind", choices=DrillKind.values)
        listing.add_argument("--user", help="Act within this user's scope")
        stats = sub.add_parser("stats", help="Held drills per period by kind and county")
        stats.add_argument("--period", choices=services.PERIODS, default="month")
        stats.add_argument("--year", type=int, help="Only this year (default: all)")
        stats.add_argument("--user", help="Act within this user's scope")

    def handle(self, *args, **o):
        user = acting_user(o.get("user"))
        self.console = Console(file=self.stdout._out, highlight=False, width=160)
        drills = Drill.objects.visible_to(user).select_related("region")
        if o["action"] == "list":
            self._list(drills, o)
        else:
            try:
                stats = services.drill_stats(drills, period=o["period"], year=o.get("year"))
            except ValidationError as exc:
                raise CommandError(errors_text(exc)) from exc
            self._stats(stats)

    def _list(self, drills, o):
        if o.get("status"):
            drills = drills.filter(status=o["status"])
        if o.get("kind"):
            drills = drills.filter(kind=o["kind"])
        drills = list(drills.prefetch_related("teams", "findings")[:1000])
        table = Table(title="Drills")
        for column in ("id", "planned", "title", "kind", "region", "teams", "status", "minutes"):
            table.add_column(column)
        for d in drills:
            table.add_row(
                str(d.pk),
                timezone.localtime(d.planned_for).strftime("%Y-%m-%d %H:%M"),
                d.title,
                d.kind,
                d.region.name,
                "、".join(t.name for t in d.teams.all()),
                d.status,
                str(d.duration_minutes or ""),
            )
        self.console.print(table)
        self.console.print(f"{len(drills)} drills.")

    def _stats(self, stats):
        title = f"Drills held per {stats.period}" + (f", {stats.year}" if stats.year else "")
        table = Table(title=title)
        table.add_column("period")
        table.add_column("county")
        for kind in DrillKind.values:
            table.add_column(kind)
        table.add_column("total")
        for r in stats.rows:
            table.add_row(r.period, r.county, *map(str, r.cells()), str(r.total))
        table.add_row("total", "", *map(str, stats.totals), str(stats.total))
        self.console.print(table)
