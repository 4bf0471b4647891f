"""``anlan warnings households …`` and ``anlan warnings checks …``: vulnerable households and
their welfare checks, as a village grid member, township supervisor or civil-affairs officer
(``--user``). Every command that prints personal data records a viewing per household."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from anlan.alerts import excel_households as excel
from anlan.alerts import households as services
from anlan.alerts import welfare
from anlan.alerts.choices import CheckOutcome
from anlan.alerts.models.households import Household, WelfareCheck
from anlan.core.acting import acting_user
from anlan.rescue import imports

WHO = "village grid members, township supervisors and civil-affairs officers"


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = (
        "Vulnerable households: `list [--village CODE]`, `show ID`, `import F.xlsx`, "
        "`export F.xlsx`; welfare checks: `checks list [--warning ID]`, "
        "`checks record ID --outcome O [--note T]`. Give --user: only " + WHO + " see households."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="Households in the user's jurisdiction")
        listing.add_argument("--village", help="Village code (or a township/county prefix)")
        listing.add_argument("--inactive", action="store_true", help="Include inactive ones")
        show = sub.add_parser("show", help="One household with its personal data")
        show.add_argument("id", metavar="ID", help="Household id or code (HH000012)")
        importing = sub.add_parser("import", help="Import households from Excel (all-or-nothing)")
        importing.add_argument("file", metavar="FILE.xlsx")
        importing.add_argument(
            "--template", action="store_true", help="Write the empty template to FILE instead"
        )
        export = sub.add_parser("export", help="Export the households to Excel")
        export.add_argument("file", metavar="FILE.xlsx")
        checks = sub.add_parser("checks", help="Welfare checks")
        check_sub = checks.add_subparsers(dest="check_action", required=True)
        check_list = check_sub.add_parser("list", help="My welfare checks, pending first")
        check_list.add_argument("--warning", type=int, help="Warning (thread) id")
        check_list.add_argument("--outcome", choices=CheckOutcome.values)
        record = check_sub.add_parser("record", help="Record a check's outcome")
        record.add_argument("id", type=int, metavar="CHECK_ID")
        recordable = [v for v in CheckOutcome.values if v != CheckOutcome.PENDING]
        record.add_argument("--outcome", required=True, choices=recordable)
        record.add_argument("--note", default="", help="What was found")
        for parser_ in (listing, show, importing, export, check_list, record):
            parser_.add_argument("--user", help="Act as this user (required: " + WHO + ")")

    def _console(self):
        return Console(file=self.stdout._out, highlight=False, width=160)

    def handle(self, *args, **o):
        user = acting_user(o.get("user"))
        if not services.sees_households(user):
            raise CommandError(
                f"User {user.username!r} ({user.get_role_display()}"
                f"{', superuser' if user.is_superuser else ''}) sees no vulnerable households: "
                f"only {WHO} do. Give --user with one of those accounts."
            )
        self.user = user
        action = o["action"] if o["action"] != "checks" else "checks_" + o["check_action"]
        try:
            getattr(self, "_" + action)(o)
        except ValidationError as exc:
            raise CommandError(_errors(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "Not allowed.") from exc

    def _table(self, title, columns, rows, footer):
        table = Table(title=title)
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*[str(v) for v in row])
        console = self._console()
        console.print(table)
        console.print(footer)

    def _visible(self, o=None):
        queryset = Household.objects.visible_to(self.user).select_related("region")
        if o is not None and not o.get("inactive"):
            queryset = queryset.filter(active=True)
        return queryset

    def _list(self, o):
        queryset = services.filter_households(self._visible(o), village=o.get("village") or "")
        rows = services.reveal_many(queryset, user=self.user, where="cli:list")
        self._table(
            "Vulnerable households",
            ("id", "code", "village", "head of household", "phone", "categories", "check", "n"),
            [
                (
                    h.pk,
                    h.code,
                    h.region.name,
                    p.get("head_name", ""),
                    p.get("phone", "") or "—",
                    ",".join(h.categories),
                    ",".join(h.check_for),
                    h.people,
                )
                for h, p in rows
            ],
            f"{len(rows)} households.",
        )

    def _show(self, o):
        pk = services.parse_code(o["id"])
        household = self._visible().filter(pk=pk).first() if pk else None
        if household is None:
            raise CommandError(f"ID: no household {o['id']!r} in the jurisdiction.")
        personal = services.reveal(household, user=self.user, where="cli:show")
        console = self._console()
        console.print(f"{household.code} ({'active' if household.active else 'inactive'})")
        console.print(f"  village: {household.region.full_name or household.region.name}")
        for key in ("head_name", "address", "contact_name", "phone", "needs"):
            console.print(f"  {key}: {personal.get(key, '') or '—'}")
        console.print(f"  categories: {', '.join(household.categories)}")
        console.print(f"  check for: {', '.join(household.check_for)}")
        console.print(f"  people: {household.people}")

    def _import(self, o):
        path = Path(o["file"])
        if o.get("template"):
            path.write_bytes(excel.template(user=self.user))
            self.stdout.write(f"Template written to {path}.")
            return
        if not path.is_file():
            raise CommandError(f"FILE: {path} does not exist.")
        try:
            imports.check_size(path.stat().st_size)
            report = excel.import_households(path.read_bytes(), user=self.user)
        except imports.LedgerFileError as exc:
            raise CommandError(f"FILE: {exc}") from exc
        if not report.saved:
            for e in report.errors:
                self.stderr.write(f"row {e.row}, {e.column}: {e.reason}")
            raise CommandError(
                f"Nothing imported: {report.bad_rows} of {report.rows} rows have errors."
            )
        self.stdout.write(f"{report.created} households imported.")

    def _export(self, o):
        rows = services.reveal_many(self._visible(o), user=self.user, where="cli:export")
        Path(o["file"]).write_bytes(excel.export_households(rows))
        self.stdout.write(f"{len(rows)} households written to {o['file']}.")

    def _checks_list(self, o):
        checks = WelfareCheck.objects.visible_to(self.user).select_related(
            "thread", "household__region", "region"
        )
        if o.get("warning"):
            checks = checks.filter(thread_id=o["warning"])
        if o.get("outcome"):
            checks = checks.filter(outcome=o["outcome"])
        checks = sorted(
            checks.order_by("thread_id", "due", "region__code", "household_id")[:1000],
            key=lambda c: c.outcome != CheckOutcome.PENDING,
        )
        households = list({c.household_id: c.household for c in checks}.values())
        personal = dict(services.reveal_many(households, user=self.user, where="cli:checks"))
        now = timezone.now()
        self._table(
            "Welfare checks",
            ("id", "warning", "household", "village", "head", "phone", "due", "outcome"),
            [
                (
                    c.pk,
                    c.thread_id,
                    c.household.code,
                    c.region.name,
                    personal.get(c.household, {}).get("head_name", ""),
                    personal.get(c.household, {}).get("phone", "") or "—",
                    timezone.localtime(c.due).strftime("%Y-%m-%d %H:%M")
                    + (" OVERDUE" if c.outcome == CheckOutcome.PENDING and c.due < now else ""),
                    c.outcome,
                )
                for c in checks
            ],
            f"{len(checks)} checks, "
            f"{sum(c.outcome == CheckOutcome.PENDING for c in checks)} pending.",
        )

    def _checks_record(self, o):
        check = (
            WelfareCheck.objects.visible_to(self.user)
            .select_related("household")
            .filter(pk=o["id"])
            .first()
        )
        if check is None:
            raise CommandError(f"CHECK_ID: no welfare check {o['id']} in the jurisdiction.")
        welfare.record_check(
            user=self.user, check=check, outcome=o["outcome"], note=o.get("note") or ""
        )
        self.stdout.write(f"Check {check.pk} ({check.household.code}): {check.outcome} recorded.")
