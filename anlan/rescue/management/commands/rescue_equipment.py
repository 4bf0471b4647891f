"""``anlan rescue equipment types|list|due|check|loans|lend|return|stocktake``: the equipment
catalogue, ledgers, checks due, recording a check, shared-pool loans and the stock-take sheet,
within a user's scope (default: a system administrator)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from anlan.core.acting import acting_user
from anlan.rescue import import_equipment, imports
from anlan.rescue import services_equipment as services
from anlan.rescue.choices import CheckKind, CheckResult, ItemStatus, TeamStatus
from anlan.rescue.models import EquipmentItem, EquipmentType, Team


def errors_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "never"


class Command(BaseCommand):
    help = "Rescue equipment: catalogue, ledgers, checks due, checks, loans and stock-takes."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)

        def add(name, text):
            p = sub.add_parser(name, help=text)
            p.add_argument("--user", help="Act within this user's scope")
            return p

        add("types", "The catalogue with each type's check intervals")
        listing = add("list", "Items on the ledgers")
        listing.add_argument("--team", type=int)
        listing.add_argument("--all", action="store_true", help="Include retired items")
        due = add("due", "Checks due for items in service (overdue first)")
        due.add_argument("--team", type=int)
        due.add_argument("--overdue", action="store_true", help="Only the overdue ones")
        check = add("check", "Record a check of an item")
        check.add_argument("--item", type=int, required=True)
        check.add_argument("--kind", choices=CheckKind.values, required=True)
        check.add_argument("--result", choices=CheckResult.values, required=True)
        check.add_argument("--checker", required=True)
        check.add_argument("--readings", default="")
        check.add_argument("--notes", default="")
        add("loans", "Current shared-pool loans (overdue marked)")
        lend = add("lend", "Lend a shared-pool item to another team")
        lend.add_argument("--item", type=int, required=True)
        lend.add_argument("--borrower", type=int, required=True, help="Team id")
        lend.add_argument("--purpose", required=True)
        lend.add_argument("--due-back", required=True, help="YYYY-MM-DD")
        ret = add("return", "Record the return of a loan")
        ret.add_argument("--loan", type=int, required=True)
        ret.add_argument("--condition", required=True)
        importing = add(
            "import",
            "Import a team's equipment ledger from Excel (all-or-nothing unless --partial)",
        )
        importing.add_argument("team", type=int, metavar="TEAM_ID")
        importing.add_argument("file", metavar="FILE.xlsx")
        importing.add_argument(
            "--partial", action="store_true", help="Import the good rows, report the bad ones"
        )
        importing.add_argument(
            "--template", action="store_true", help="Write the empty template to FILE instead"
        )
        take = add("stocktake", "Print a team's ledger to count against (账物卡相符)")
        take.add_argument("--team", type=int, required=True)

    def handle(self, *args, **o):
        user = acting_user(o.get("user"))
        self.console = Console(file=self.stdout._out, highlight=False, width=160)
        try:
            getattr(self, "_" + o["action"])(user, o)
        except ValidationError as exc:
            raise CommandError(errors_text(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc

    def _item(self, user, pk) -> EquipmentItem:
        item = EquipmentItem.objects.visible_to(user).filter(pk=pk).first()
        if item is None:
            raise CommandError(f"--item: no item {pk} in your scope.")
        return item

    def _team(self, user, pk) -> Team:
        team = Team.objects.visible_to(user).filter(pk=pk).first()
        if team is None:
            raise CommandError(f"--team: no team {pk} in your scope.")
        return team

    def _types(self, user, o):
        table = Table(title="Equipment catalogue")
        for column in ("id", "type", "category", "pool", "checks"):
            table.add_column(column)
        for t in EquipmentType.objects.prefetch_related("schedules"):
            checks = ", ".join(f"{s.kind} every {s.interval_days}d" for s in t.schedules.all())
            table.add_row(str(t.pk), str(t), t.category, "yes" if t.shareable else "", checks)
        self.console.print(table)

    def _list(self, user, o):
        items = EquipmentItem.objects.visible_to(user).select_related("equipment_type", "team")
        if o.get("team"):
            items = items.filter(team=self._team(user, o["team"]))
        if not o.get("all"):
            items = items.exclude(status=ItemStatus.RETIRED)
        table = Table(title="Equipment")
        for column in ("id", "team", "type", "serial", "card", "qty", "status", "kept at"):
            table.add_column(column)
        items = list(items[:5000])
        for i in items:
            table.add_row(
                str(i.pk),
                i.team.name,
                str(i.equipment_type),
                i.serial_number,
                i.card_number,
                str(i.quantity),
                i.status + (" (pool)" if i.in_shared_pool else ""),
                i.location,
            )
        self.console.print(table)
        self.console.print(f"{len(items)} items.")

    def _due(self, user, o):
        items = EquipmentItem.objects.visible_to(user)
        if o.get("team"):
            items = items.filter(team=self._team(user, o["team"]))
        rows = services.due_checks(items)
        if o.get("overdue"):
            rows = [r for r in rows if r.overdue]
        table = Table(title=f"Equipment checks due, {timezone.localdate()}")
        for column in ("item id", "team", "item", "check", "every", "last", "due", ""):
            table.add_column(column)
        for r in rows:
            table.add_row(
                str(r.item.pk),
                r.item.team.name,
                str(r.item),
                r.kind,
                f"{r.interval_days}d",
                _when(r.last_checked_at),
                _when(r.due_at),
                "OVERDUE" if r.overdue else "",
            )
        self.console.print(table)
        self.console.print(f"{len(rows)} checks, {sum(r.overdue for r in rows)} overdue.")

    def _check(self, user, o):
        item = self._item(user, o["item"])
        fields = ("kind", "result", "checker", "readings", "notes")
        check = services.record_check(user=user, item=item, data={k: o[k] for k in fields})
        item.refresh_from_db()
        self.console.print(f"Check {check.pk} recorded; {item} is {item.status}.")

    def _loans(self, user, o):
        loans = list(services.open_loans(user))
        table = Table(title="Shared pool loans")
        for column in ("loan id", "item", "team", "borrower", "purpose", "due back", ""):
            table.add_column(column)
        for loan in loans:
            table.add_row(
                str(loan.pk),
                str(loan.item),
                loan.item.team.name,
                loan.borrower.name,
                loan.purpose,
                loan.due_back_on.isoformat(),
                "OVERDUE" if loan.overdue else "",
            )
        self.console.print(table)
        self.console.print(f"{len(loans)} on loan, {sum(x.overdue for x in loans)} overdue.")

    def _lend(self, user, o):
        item = self._item(user, o["item"])
        borrower = Team.objects.filter(pk=o["borrower"], status=TeamStatus.ACTIVE).first()
        if borrower is None:
            raise CommandError(f"--borrower: no team {o['borrower']} in service.")
        try:
            due_back = dt.date.fromisoformat(o["due_back"])
        except ValueError as exc:
            raise CommandError("--due-back: give the date as YYYY-MM-DD.") from exc
        loan = services.lend_item(
            user=user, item=item, borrower=borrower, purpose=o["purpose"], due_back_on=due_back
        )
        self.console.print(f"Loan {loan.pk}: {item} lent to {borrower} until {due_back}.")

    def _return(self, user, o):
        loan = services.visible_loans(user).filter(pk=o["loan"]).first()
        if loan is None:
            raise CommandError(f"--loan: no loan {o['loan']} in your scope.")
        services.return_loan(user=user, loan=loan, condition=o["condition"])
        self.console.print(f"Loan {loan.pk}: {loan.item} returned.")

    def _stocktake(self, user, o):
        team = self._team(user, o["team"])
        items = list(services.ledger(team))
        table = Table(title=f"Stock-take sheet: {team.name}, {timezone.localdate()}")
        for column in ("id", "type", "serial", "card", "ledger qty", "counted", "card ok"):
            table.add_column(column)
        for i in items:
            table.add_row(
                str(i.pk),
                str(i.equipment_type),
                i.serial_number,
                i.card_number,
                str(i.quantity),
                "____",
                "[ ]",
            )
        self.console.print(table)
        self.console.print(f"{len(items)} lines, {sum(i.quantity for i in items)} pieces.")
        last = services.visible_stock_takes(user).filter(team=team).first()
        if last:
            bad = services.disagreements(last)
            verdict = "agrees" if not bad else f"{len(bad)} lines do not agree"
            self.console.print(f"Last stock-take {last.taken_on}: {verdict}.")

    def _import(self, user, o):
        """Import FILE into the team, or write the template to FILE with --template."""
        team = self._team(user, o["team"])
        path = Path(o["file"])
        if o.get("template"):
            path.write_bytes(import_equipment.template(team=team))
            self.stdout.write(f"Template for {team.name} written to {path}.")
            return
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            imports.check_size(path.stat().st_size)
            report = import_equipment.import_items(
                path.read_bytes(), user=user, team=team, partial=o.get("partial", False)
            )
        except imports.LedgerFileError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        console = Console(file=self.stdout._out, highlight=False, width=160)
        if report.errors:
            table = Table(title="Rows not imported")
            for heading in ("row", "column", "reason"):
                table.add_column(heading)
            for error in report.errors:
                table.add_row(str(error.row), error.column, error.reason)
            console.print(table)
        if not report.saved:
            raise CommandError(
                f"Nothing imported: {report.bad_rows} of {report.rows} rows have errors "
                "(use --partial to import the good rows)."
            )
        console.print(imports.summary(report))
