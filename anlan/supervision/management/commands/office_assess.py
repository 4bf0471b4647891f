"""``anlan office assess schemes|compute|show|submit|sign|rank|export``: assessment schemes,
computing a period, one assessment's scores, review and sign-off, the ranking table and its
Excel export — within a user's scope (``--user``; default: a system administrator)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from anlan.core.acting import acting_user
from anlan.supervision import assessment as services
from anlan.supervision import excel_assessment, periods
from anlan.supervision.models import Assessment, AssessmentScheme


def errors_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def _period(raw: str):
    try:
        return periods.parse_period(raw)
    except (ValueError, TypeError):
        raise CommandError(f"--period must be YYYY-MM or YYYY-MM-DD, not {raw!r}") from None


class Command(BaseCommand):
    help = "Assessments: schemes, compute, show, submit, sign, rank, export."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        schemes = sub.add_parser("schemes", help="List the schemes (or one scheme's tree)")
        schemes.add_argument("--scheme", type=int, help="Show this scheme's indicator tree")
        compute = sub.add_parser("compute", help="Compute a period's assessments")
        compute.add_argument("--scheme", type=int, required=True)
        compute.add_argument("--period", required=True, help="YYYY-MM (a day in the period)")
        show = sub.add_parser("show", help="One assessment's scores")
        show.add_argument("assessment", type=int)
        for name in ("submit", "sign"):
            action = sub.add_parser(name, help=f"{name.capitalize()} an assessment")
            action.add_argument("assessment", type=int)
            if name == "sign":
                action.add_argument("--comment", default="")
        for name in ("rank", "export"):
            action = sub.add_parser(
                name, help="The ranking table" + (" to Excel" if name == "export" else "")
            )
            action.add_argument("--scheme", type=int, required=True)
            action.add_argument("--period", required=True, help="YYYY-MM (a day in the period)")
            if name == "export":
                action.add_argument("--output", "-o", required=True, help="F.xlsx")
        for action in sub.choices.values():
            action.add_argument("--user", help="Act as this user (default: a system admin)")

    def handle(self, *args, **o):
        self.user = acting_user(o.get("user"))
        self.console = Console(file=self.stdout._out, highlight=False, width=160)
        try:
            getattr(self, "_" + o["action"])(o)
        except ValidationError as exc:
            raise CommandError(errors_text(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "Not allowed.") from exc

    # -- helpers

    def _scheme(self, pk):
        scheme = AssessmentScheme.objects.visible_to(self.user).filter(pk=pk).first()
        if scheme is None:
            raise CommandError(f"No scheme {pk} in your scope.")
        return scheme

    def _assessment(self, pk):
        found = (
            Assessment.objects.visible_to(self.user)
            .select_related("unit", "scheme__region")
            .filter(pk=pk)
            .first()
        )
        if found is None:
            raise CommandError(f"No assessment {pk} in your scope.")
        return found

    def _ranking(self, o):
        scheme = self._scheme(o["scheme"])
        try:
            start, _end = periods.assessment_bounds(scheme.period, _period(o["period"]))
        except ValueError:
            raise CommandError("--period is beyond the calendar.") from None
        rows = (
            Assessment.objects.visible_to(self.user)
            .filter(scheme=scheme, period_start=start)
            .select_related("unit")
            .order_by("vetoed", "rank", "unit__name")
        )
        return scheme, start, list(rows)

    # -- actions

    def _schemes(self, o):
        if o.get("scheme"):
            scheme = self._scheme(o["scheme"])
            table = Table(title=f"{scheme.name} ({scheme.get_period_display()})")
            for column in ("id", "code", "item", "kind", "points", "source", "rule", "params"):
                table.add_column(column)
            for ind in services.tree(scheme):
                table.add_row(
                    str(ind.pk),
                    ind.code,
                    "  " * ind.depth + ind.name,
                    ind.kind,
                    str(ind.weight),
                    ind.metric or ind.source,
                    "" if ind.kind == "group" else ind.rule,
                    ind.params_text,
                )
            self.console.print(table)
            return
        table = Table(title="Assessment schemes")
        for column in ("id", "committee", "name", "period", "applies to", "full marks", "active"):
            table.add_column(column)
        for s in AssessmentScheme.objects.visible_to(self.user).select_related("region"):
            table.add_row(
                str(s.pk),
                s.region.name,
                s.name,
                s.period,
                s.applies_to,
                str(s.full_marks),
                "yes" if s.active else "no",
            )
        self.console.print(table)

    def _compute(self, o):
        scheme = self._scheme(o["scheme"])
        run = services.compute(scheme, _period(o["period"]), user=self.user)
        self.stdout.write(
            f"{scheme.name} {periods.period_label(scheme.period, run.period_start)}: "
            f"{run.created} created, {run.refreshed} refreshed, {run.locked} signed (unchanged)"
        )
        self._print_ranking(scheme, run.period_start, run.assessments)

    def _rank(self, o):
        self._print_ranking(*self._ranking(o))

    def _print_ranking(self, scheme, start, rows):
        table = Table(title=f"{scheme.name} {periods.period_label(scheme.period, start)}")
        for column in ("rank", "id", "unit", "total", "grade", "veto", "state"):
            table.add_column(column)
        for a in rows:
            table.add_row(
                str(a.rank or ""),
                str(a.pk),
                a.unit.name,
                services.shown(a),
                a.grade,
                a.veto_reason if a.vetoed else "",
                a.state,
            )
        self.console.print(table)

    def _show(self, o):
        a = self._assessment(o["assessment"])
        scores = {s.indicator_id: s for s in a.scores.all()}
        table = Table(title=f"{a} — {a.get_state_display()}")
        for column in ("code", "item", "points", "value", "earned", "how"):
            table.add_column(column)
        for ind in services.tree(a.scheme):
            s = scores.get(ind.pk)
            how = ""
            if s is not None:
                how = excel_assessment._detail_text(s.detail)
                if s.evidence:
                    how = (how + " " + s.evidence).strip()
            table.add_row(
                ind.code,
                "  " * ind.depth + ind.name,
                str(ind.weight),
                "" if s is None or s.value is None else str(s.value.normalize()),
                "" if s is None else str(s.points),
                how,
            )
        self.console.print(table)
        veto = f" (veto: {a.veto_reason})" if a.vetoed else ""
        self.console.print(f"total {services.shown(a)}, grade {a.grade}, rank {a.rank}{veto}")

    def _submit(self, o):
        a = services.submit(user=self.user, assessment=self._assessment(o["assessment"]))
        self.stdout.write(f"assessment {a.pk} submitted for review (total {services.shown(a)})")

    def _sign(self, o):
        a = services.sign(
            user=self.user, assessment=self._assessment(o["assessment"]), comment=o["comment"]
        )
        self.stdout.write(
            f"assessment {a.pk} signed off (total {services.shown(a)}, grade {a.grade})"
        )

    def _export(self, o):
        scheme, start, rows = self._ranking(o)
        path = Path(o["output"])
        try:
            path.write_bytes(excel_assessment.export_ranking(scheme, start, rows))
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}") from exc
        self.stdout.write(f"{len(rows)} assessment(s) written to {path}")
