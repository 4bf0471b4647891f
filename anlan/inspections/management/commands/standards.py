from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from anlan.inspections import engine
from anlan.inspections.models import Standard
from anlan.inspections.standards import load_standards
from anlan.registry.models import Enterprise


def _mark(verified: bool) -> str:
    return "" if verified else "未核实"


class Command(BaseCommand):
    help = (
        "Determination standards: `load` the data files (idempotent), `list` standards or the "
        "clauses of one, `applicable ENTERPRISE` (id or credit code), `show CLAUSE_ID`."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "list", "applicable", "show"])
        parser.add_argument("target", nargs="?", help="Enterprise (applicable) or clause id (show)")
        parser.add_argument("--standard", help="Standard key, e.g. gm2023 (list)")

    def handle(self, *args, action, target=None, standard=None, **options):
        self.console = Console(file=self.stdout._out, highlight=False, width=160)
        if action in ("applicable", "show") and not target:
            raise CommandError(f"`standards {action}` needs an argument.")
        getattr(self, f"do_{action}")(target=target, standard=standard)

    def do_load(self, **_):
        report = load_standards()
        self.console.print(
            f"Standards loaded: {len(report.created)} created, {len(report.updated)} updated, "
            f"{report.unchanged} unchanged."
        )
        for pk in report.updated:
            self.console.print(f"  updated {pk}")
        if report.orphans:
            self.console.print(
                "Clauses no longer in the data files (kept, may be cited): "
                + ", ".join(report.orphans)
            )

    def do_list(self, standard=None, **_):
        if not standard:
            table = Table(title="Determination standards")
            for column in (
                "key",
                "title",
                "document",
                "in force",
                "repealed",
                "clauses",
                "unverified",
            ):
                table.add_column(column)
            for s in Standard.objects.order_by("-effective_from", "key"):
                table.add_row(
                    s.key,
                    s.title,
                    s.document_number + ("" if s.verified else " (未核实)"),
                    s.effective_from.isoformat(),
                    s.repealed_on.isoformat() if s.repealed_on else "",
                    str(s.clauses.count()),
                    str(s.clauses.filter(verified=False).count()),
                )
            self.console.print(table)
            return
        obj = Standard.objects.filter(key=standard).first()
        if obj is None:
            known = ", ".join(Standard.objects.values_list("key", flat=True))
            raise CommandError(f"No standard has the key {standard!r} (known: {known}).")
        self.print_clauses(obj.title, obj.clauses.select_related("standard").order_by("order"))

    def print_clauses(self, title, clauses):
        table = Table(title=title)
        for column in ("id", "citation", "condition", "verified"):
            table.add_column(column)
        n = 0
        for c in clauses:
            n += 1
            table.add_row(c.pk, c.citation, c.condition, _mark(c.verified))
        self.console.print(table)
        self.console.print(f"{n} clauses.")

    def do_applicable(self, target, **_):
        query = Enterprise.objects.prefetch_related("risk_flags")
        code = target.strip().upper()
        enterprise = query.filter(uscc=code).first()
        if enterprise is None and code.isdigit() and len(code) < 18:
            enterprise = query.filter(pk=int(code)).first()
        if enterprise is None:
            raise CommandError(f"No enterprise has the id or credit code {target!r}.")
        flags = sorted(f.code for f in enterprise.risk_flags.all())
        self.print_clauses(
            f"{enterprise.name} — {enterprise.get_industry_display()}"
            + (f" [{', '.join(flags)}]" if flags else ""),
            engine.applicable_to(enterprise),
        )

    def do_show(self, target, **_):
        try:
            data = engine.show(target)
        except ValidationError as exc:
            raise CommandError(f"No clause has the id {target!r}.") from exc
        table = Table(title=data["id"], show_header=False)
        table.add_column("field")
        table.add_column("value")
        rows = [
            ("standard", f"{data['standard_title']}（{data['document_number']}）"),
            ("in force", "yes" if data["in_force"] else f"no (repealed {data['repealed_on']})"),
            ("citation", data["citation"]),
            ("heading", data["heading"]),
            ("topic", data["topic"]),
            ("condition", data["condition"]),
            ("industries", ", ".join(data["industries"]) or "all"),
            ("risk flags", ", ".join(data["risk_flags"]) or "-"),
            ("verified", "yes" if data["verified"] else "未核实 (reconstructed wording)"),
            ("maps to", ", ".join(m["id"] for m in data["maps_to"]) or "-"),
            ("mapped from", ", ".join(m["id"] for m in data["mapped_from"]) or "-"),
        ]
        for name, value in rows:
            table.add_row(name, str(value))
        self.console.print(table)
