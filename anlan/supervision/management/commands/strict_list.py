"""``anlan supervision strict-list [--date D] [--compute]``: print (or compute) a day's list."""

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from anlan.core.models import User
from anlan.supervision import strict
from anlan.supervision.models import StrictListEntry, local_today

from .duties import parse_date


class Command(BaseCommand):
    help = "The strict-supervision list of a day (从严监管名单); --compute recomputes it first."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--compute", action="store_true", help="recompute the day first")
        parser.add_argument(
            "--notify", action="store_true", help="with --compute: notify the regulators"
        )
        parser.add_argument("--user", help="show only this user's jurisdiction")

    def handle(self, *args, **options):
        day = parse_date(options.get("date")) or local_today()
        if day > local_today():
            raise CommandError("--date cannot be in the future.")
        if options["compute"]:
            run = strict.compute(day, notify=options["notify"])
            self.stdout.write(f"computed {day}: {len(run.entries)} enterprise(s)")
        entries = StrictListEntry.objects.filter(date=day)
        if options.get("user"):
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {options['user']!r}.")
            entries = entries.visible_to(user)
        entries = entries.select_related("enterprise__region").order_by(
            "enterprise__region__code", "enterprise__name"
        )
        labels = strict.labels()
        console = Console(file=self.stdout._out, highlight=False, width=160)
        table = Table(title=f"Strict-supervision list {day}")
        for column in ("enterprise", "region", "reasons", "details"):
            table.add_column(column)
        count = 0
        for entry in entries:
            count += 1
            table.add_row(
                entry.enterprise.name,
                entry.enterprise.region.code,
                ", ".join(labels.get(c, c) for c in entry.codes),
                "\n".join(r.get("text", "") for r in entry.reasons),
            )
        console.print(table)
        console.print(f"{count} enterprise(s) on the list of {day}.")
