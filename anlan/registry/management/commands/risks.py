from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from anlan.core.acting import acting_user
from anlan.registry import grading, risk_excel, risks
from anlan.registry.models import ControlMeasure, Enterprise, RiskPoint


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = (
        "Risk points: `export FILE.xlsx` the risk list (风险清单), `grade --lec L E C | --ls L S` "
        "a score and its colour, `due` the control-measure checks due or overdue."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "grade", "due"])
        parser.add_argument("file", nargs="?", help="FILE.xlsx (export)")
        parser.add_argument("--region", default="", help="Region code (export, due)")
        parser.add_argument("--user", help="Export as this user's jurisdiction (default: admin)")
        parser.add_argument("--lec", nargs=3, metavar=("L", "E", "C"))
        parser.add_argument("--ls", nargs=2, metavar=("L", "S"))
        parser.add_argument("--enterprise", type=int, help="Enterprise id (due)")
        parser.add_argument(
            "--notify", action="store_true", help="Also send today's reminders now (due)"
        )

    def handle(self, *args, action, **options):
        if action == "grade":
            return self._grade(options)
        if action == "export":
            return self._export(options)
        return self._due(options)

    def _grade(self, options):
        try:
            if options.get("lec"):
                result = grading.grade_lec(*options["lec"])
                name = "D"
            elif options.get("ls"):
                result = grading.grade_ls(*options["ls"])
                name = "R"
            else:
                raise CommandError("Give --lec L E C or --ls L S.")
        except ValidationError as exc:
            raise CommandError(_errors(exc)) from exc
        self.stdout.write(
            f"{name} = {grading.plain(result.score)}  {result.grade}  {result.grade_label}"
        )

    def _export(self, options):
        if not options.get("file"):
            raise CommandError("Name the file: anlan risks export FILE.xlsx")
        user = acting_user(options.get("user"))
        flt = risks.RiskFilter(region=options["region"])
        points = flt.points(RiskPoint.objects.visible_to(user))
        path = Path(options["file"])
        path.write_bytes(risk_excel.export_risk_list(points))
        self.stdout.write(f"Wrote {points.count()} risk points to {path}.")

    def _due(self, options):
        measures = ControlMeasure.objects.all()
        if options.get("enterprise"):
            if not Enterprise.objects.filter(pk=options["enterprise"]).exists():
                raise CommandError(f"No enterprise with id {options['enterprise']}.")
            measures = measures.filter(risk_point__enterprise_id=options["enterprise"])
        if options["region"]:
            from anlan.core.models import within_region_code

            measures = within_region_code(
                measures, options["region"], field="risk_point__enterprise__region"
            )
        items = risks.due_checks(measures)
        for item in items:
            state = f"overdue {item.overdue_days}d" if item.is_overdue else "due today"
            self.stdout.write(
                f"{item.due_on}  {state:<14} {item.enterprise.name} · "
                f"{item.measure.risk_point.name} · {item.measure.text[:40]} "
                f"({item.measure.responsible_name})"
            )
        self.stdout.write(f"{len(items)} checks due or overdue.")
        if options["notify"]:
            from anlan.registry.tasks import notify_due_checks

            self.stdout.write(f"{notify_due_checks()} notifications sent.")
