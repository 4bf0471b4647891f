import datetime as dt
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from anlan.commitments import excel, services
from anlan.registry.models import Enterprise


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = (
        "Daily safety commitments: `missing [--date D]` enterprises that missed the day's "
        "commitment, `overview [--date D]` per county, `import-permits FILE --enterprise ID` "
        "work permits from Excel (all or nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["missing", "overview", "import-permits"])
        parser.add_argument("file", nargs="?", help="FILE.xlsx (import-permits)")
        parser.add_argument("--date", help="YYYY-MM-DD, local (default: today)")
        parser.add_argument("--enterprise", type=int, help="Enterprise id (import-permits)")

    def handle(self, *args, action, **options):
        self.console = Console(file=self.stdout._out, highlight=False, width=140)
        if action == "import-permits":
            return self._import(options)
        day = self._day(options.get("date"))
        if action == "missing":
            return self._missing(day)
        return self._overview(day)

    @staticmethod
    def _day(raw: str | None) -> dt.date:
        if not raw:
            return timezone.localdate()
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, not {raw!r}.") from exc
        if not dt.date(2000, 1, 1) <= day <= dt.date(2099, 12, 31):
            raise CommandError("--date must lie between 2000-01-01 and 2099-12-31.")
        return day

    def _missing(self, day):
        missed = services.missed_commitments(day)
        names = Enterprise.objects.select_related("region").in_bulk(list(missed))
        table = Table(title=f"Missed safety commitments {day}")
        for column in ("id", "enterprise", "region", "submitted at", "reason"):
            table.add_column(column)
        for pk, evidence in missed.items():
            enterprise = names[pk]
            table.add_row(
                str(pk),
                enterprise.name,
                enterprise.region.full_name,
                evidence["submitted_at"] or "—",
                evidence["reason"],
            )
        self.console.print(table)
        self.console.print(f"{len(missed)} enterprises missed the commitment of {day}.")

    def _overview(self, day):
        rows = services.overview(day=day, enterprises=Enterprise.objects.all())
        table = Table(title=f"Safety commitments by county {day}")
        for column in ("county", "required", "on time", "late", "missing", "not yet due",
                       "mismatches"):  # fmt: skip
            table.add_column(column)
        for r in rows:
            table.add_row(
                r.name,
                *(str(n) for n in (r.required, r.on_time, r.late, r.missing, r.pending)),
                str(r.mismatches),
            )
        self.console.print(table)

    def _import(self, options):
        if not options.get("file"):
            raise CommandError(
                "Name the file: anlan commitments import-permits FILE --enterprise ID"
            )
        if not options.get("enterprise"):
            raise CommandError("Give --enterprise ID.")
        enterprise = Enterprise.objects.filter(pk=options["enterprise"]).first()
        if enterprise is None:
            raise CommandError(f"No enterprise with id {options['enterprise']}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            report = excel.import_permits(path.read_bytes(), user=None, enterprise=enterprise)
        except (ValidationError, PermissionDenied) as exc:
            message = _errors(exc) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from exc
        if not report.ok:
            for row, column, reason in report.errors:
                self.stderr.write(f"row {row}, {column}: {reason}")
            raise CommandError(f"Nothing imported: {len(report.errors)} errors.")
        self.console.print(f"Imported {report.created} work permits for {enterprise.name}.")
