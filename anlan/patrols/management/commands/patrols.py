"""``anlan patrols due`` and ``anlan patrols list``: the due / missed list and the patrol list
as tables, within a user's jurisdiction (default: a system administrator)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from anlan.core.acting import acting_user as _user
from anlan.patrols import queries, services
from anlan.patrols.choices import PatrolLevel
from anlan.registry.models import Enterprise


class Command(BaseCommand):
    help = "Online patrols: `due` (who is due or overdue at a level) and `list` (recorded patrols)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help="Monitored enterprises and their last patrol at a level")
        due.add_argument("--level", choices=PatrolLevel.values, default=PatrolLevel.COUNTY)
        due.add_argument("--region", metavar="PREFIX", help="Region code prefix, e.g. 140729")
        due.add_argument("--missed", action="store_true", help="Only the overdue ones")
        due.add_argument("--user", help="Act within this user's jurisdiction")
        listing = sub.add_parser("list", help="Recorded patrols")
        listing.add_argument("--month", help="YYYY-MM")
        listing.add_argument("--level", choices=PatrolLevel.values)
        listing.add_argument("--user", help="Act within this user's jurisdiction")

    def _console(self):
        return Console(file=self.stdout._out, highlight=False, width=140)

    def handle(self, *args, **o):
        user = _user(o.get("user"))
        if o["action"] == "due":
            self._due(user, o)
        else:
            self._list(user, o)

    def _due(self, user, o):
        enterprises = Enterprise.objects.visible_to(user)
        prefix = (o.get("region") or "").strip()
        if prefix:
            if not prefix.isdigit():
                raise CommandError("--region must be the digits of a region code, e.g. 140729")
            enterprises = enterprises.filter(region__prefix__startswith=prefix)
        rows = services.due_rows(enterprises=enterprises, level=o["level"])
        if o.get("missed"):
            rows = [r for r in rows if r.missed]
        table = Table(title=f"Online patrols due at {o['level']} level, {timezone.localdate()}")
        for column in ("enterprise", "region", "last patrol", "days since", "due on", "missed"):
            table.add_column(column)
        for r in rows:
            table.add_row(
                r.enterprise.name,
                r.enterprise.region.full_name,
                timezone.localtime(r.last_patrol_at).strftime("%Y-%m-%d")
                if r.last_patrol_at
                else "never",
                str(r.days_since),
                r.due_on.isoformat(),
                "MISSED" if r.missed else "",
            )
        console = self._console()
        console.print(table)
        console.print(
            f"{len(rows)} enterprises, {sum(r.missed for r in rows)} overdue "
            f"(limit {services.patrol_days().get(o['level'], '—')} days)."
        )

    def _list(self, user, o):
        try:
            patrols = queries.filter_patrols(
                user, month=o.get("month") or "", level=o.get("level") or ""
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"--{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from exc
        patrols = list(patrols.prefetch_related("findings")[:1000])
        table = Table(title="Online patrols" + (f" {o['month']}" if o.get("month") else ""))
        for column in (
            "id",
            "started",
            "kind",
            "enterprise",
            "patroller",
            "level",
            "result",
            "findings",
        ):
            table.add_column(column)
        for p in patrols:
            table.add_row(
                str(p.pk),
                timezone.localtime(p.started_at).strftime("%Y-%m-%d %H:%M"),
                p.kind,
                p.enterprise.name,
                p.patroller.display_name or p.patroller.username,
                p.level or "—",
                p.result,
                str(len(p.findings.all())),
            )
        console = self._console()
        console.print(table)
        console.print(f"{len(patrols)} patrols.")
