"""``anlan office units list|show|import|export``: the committee's member units and their duty
lists, within a user's view (``--user``; default a system administrator)."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from anlan.core.acting import acting_user
from anlan.supervision import excel_office, office
from anlan.supervision.models import MemberUnit


def error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Committee member units and duty lists: list, show, import, export."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ls = sub.add_parser("list", help="Member units in your view")
        ls.add_argument("--kind", choices=["department", "township"], default=None)
        ls.add_argument("--region", default=None, help="Committee or township region code")
        show = sub.add_parser("show", help="A unit with its duty list and task record")
        show.add_argument("unit", type=int)
        imp = sub.add_parser("import", help="Create or update units and duty lists from Excel")
        imp.add_argument("file")
        exp = sub.add_parser("export", help="Write the units and their duties to an Excel file")
        exp.add_argument("file")
        for each in sub.choices.values():
            each.add_argument("--user", default=None, help="Act as this user")

    def handle(self, *args, **o):
        self.user = acting_user(o.get("user"))
        self.console = Console(file=self.stdout, width=160)
        try:
            getattr(self, "_" + o["action"])(o)
        except ValidationError as exc:
            raise CommandError(error_text(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "You may not do this.") from None

    def _units(self, o):
        units = MemberUnit.objects.visible_to(self.user).select_related(
            "committee_region", "township"
        )
        if o.get("kind"):
            units = units.filter(kind=o["kind"])
        if o.get("region"):
            units = units.filter(committee_region__code=o["region"]) | units.filter(
                township__code=o["region"]
            )
        return units.order_by("committee_region__code", "kind", "order", "name")

    def _list(self, o):
        table = Table("id", "committee", "kind", "name", "chairs", "liaison", "duties")
        for u in self._units(o):
            table.add_row(
                str(u.pk),
                u.committee_region.name,
                u.get_kind_display(),
                u.name,
                " · ".join(n for n in (u.party_chair, u.admin_chair) if n) or "—",
                " ".join(x for x in (u.liaison_name, u.liaison_phone) if x) or "—",
                str(u.duties.count()),
            )
        self.console.print(table)

    def _show(self, o):
        unit = MemberUnit.objects.visible_to(self.user).filter(pk=o["unit"]).first()
        if unit is None:
            raise CommandError(f"No member unit {o['unit']} that you can see.")
        record = office.unit_record(unit)
        self.stdout.write(f"{unit.name} ({unit.get_kind_display()}, {unit.committee_region.name})")
        self.stdout.write(
            f"chairs: {unit.party_chair or '—'} / {unit.admin_chair or '—'}; "
            f"liaison: {unit.liaison_name or '—'} {unit.liaison_phone}"
        )
        for d in unit.duties.all():
            self.stdout.write(f"  {d.order}. {d.text}" + (f" ({d.basis})" if d.basis else ""))
        rate = "—" if record["rate"] is None else f"{record['rate']}%"
        self.stdout.write(
            f"tasks: {record['assigned']}, accepted {record['accepted']}, on time "
            f"{record['on_time']}, overdue {record['overdue']}; on-time rate {rate}"
        )

    def _import(self, o):
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {o['file']}")
        result = excel_office.import_units(path.read_bytes(), user=self.user)
        self.stdout.write(f"units created: {result['created']}; updated: {result['updated']}")

    def _export(self, o):
        Path(o["file"]).write_bytes(excel_office.export_units(self._units(o)))
        self.stdout.write(f"written {o['file']}")
