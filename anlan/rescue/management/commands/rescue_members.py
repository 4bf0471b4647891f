"""``anlan rescue members ...``: a team's members, its structure check, members who now break
their post's age or experience rules, certificates expiring or expired, and a team's
assessments — within a user's jurisdiction (default: a system administrator)."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from anlan.core.acting import acting_user as _user
from anlan.rescue import import_members, imports
from anlan.rescue import services_members as services
from anlan.rescue.choices import MemberPost, MemberStatus
from anlan.rescue.models import Certificate, Member, Team


def _team(user, team_id) -> Team:
    team = Team.objects.visible_to(user).filter(pk=team_id).first()
    if team is None:
        raise CommandError(f"--team: no rescue team {team_id} in the jurisdiction.")
    return team


class Command(BaseCommand):
    help = (
        "Rescue team members: `list`, `structure TEAM_ID`, `check` (age and experience rules), "
        "`certificates` (expiring or expired) and `assessments`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="A team's members")
        listing.add_argument("--team", type=int, required=True, help="Team id")
        listing.add_argument("--post", choices=MemberPost.values)
        listing.add_argument("--status", choices=MemberStatus.values)
        structure = sub.add_parser("structure", help="Squads and squadrons below the minimum")
        structure.add_argument("team", type=int, metavar="TEAM_ID")
        check = sub.add_parser("check", help="Serving members who break their post's rules now")
        check.add_argument("--team", type=int, help="Team id (default: every team)")
        certificates = sub.add_parser("certificates", help="Certificates expiring or expired")
        certificates.add_argument(
            "--days", type=int, help="Expiring within this many days (default: the setting)"
        )
        assessments = sub.add_parser("assessments", help="A team's assessments and results")
        assessments.add_argument("--team", type=int, required=True, help="Team id")
        importing = sub.add_parser(
            "import", help="Import a team's members from Excel (all-or-nothing unless --partial)"
        )
        importing.add_argument("team", type=int, metavar="TEAM_ID")
        importing.add_argument("file", metavar="FILE.xlsx")
        importing.add_argument(
            "--partial", action="store_true", help="Import the good rows, report the bad ones"
        )
        importing.add_argument(
            "--template", action="store_true", help="Write the empty template to FILE instead"
        )
        for parser_ in (listing, structure, check, certificates, assessments, importing):
            parser_.add_argument("--user", help="Act within this user's jurisdiction")

    def _console(self):
        return Console(file=self.stdout._out, highlight=False, width=140)

    def handle(self, *args, **o):
        user = _user(o.get("user"))
        getattr(self, "_" + o["action"])(user, o)

    def _table(self, title, columns, rows, footer):
        table = Table(title=title)
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*[str(v) for v in row])
        console = self._console()
        console.print(table)
        console.print(footer)

    def _list(self, user, o):
        team = _team(user, o["team"])
        members = services.filter_members(
            Member.objects.select_related("unit"),
            team=team,
            post=o.get("post") or "",
            status=o.get("status") or "",
        )
        rows = [
            (
                m.pk,
                m.name,
                m.id_number_masked,
                m.age or "—",
                m.post,
                m.unit.name if m.unit_id else "—",
                m.status,
            )
            for m in members
        ]
        self._table(
            f"Members of {team.name}",
            ("id", "name", "ID number", "age", "post", "unit", "status"),
            rows,
            f"{len(rows)} members.",
        )

    def _structure(self, user, o):
        team = _team(user, o["team"])
        problems = services.structure_problems(team)
        console = self._console()
        console.print(f"Structure of {team.name} ({team.units.count()} units):")
        for problem in problems:
            console.print(f"  PROBLEM: {problem}")
        console.print(f"{len(problems)} problems." if problems else "No problems.")

    def _check(self, user, o):
        members = Member.objects.visible_to(user)
        if o.get("team") is not None:
            members = members.filter(team=_team(user, o["team"]))
        day = timezone.localdate()
        rows = [
            (m.pk, m.team.name, m.name, m.post, m.age or "—", " ".join(map(str, e.values())))
            for m, e in services.rule_breakers(members, day)
        ]
        self._table(
            f"Members breaking the age or experience rules on {day}",
            ("id", "team", "name", "post", "age", "problem"),
            rows,
            f"{len(rows)} members break the rules.",
        )

    def _certificates(self, user, o):
        try:
            rows = services.certificates_due(
                Certificate.objects.visible_to(user), days=o.get("days")
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"--{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from exc
        self._table(
            f"Certificates expiring or expired, {timezone.localdate()}",
            ("team", "member", "certificate", "expires on", "state"),
            [
                (c.member.team.name, c.member.name, c.name, c.expires_on, state.upper())
                for c, state in rows
            ],
            f"{len(rows)} certificates, {sum(s == 'expired' for _c, s in rows)} expired.",
        )

    def _assessments(self, user, o):
        team = _team(user, o["team"])
        rows = [
            (a.assessed_on, a.member.name, a.rule.name, a.total, a.result)
            for a in services.team_assessments(team)
        ]
        self._table(
            f"Assessments of {team.name}",
            ("assessed on", "member", "rules", "total", "result"),
            rows,
            f"{len(rows)} assessments, {sum(r[4] == 'fail' for r in rows)} failed.",
        )

    def _import(self, user, o):
        """Import FILE into the team, or write the template to FILE with --template."""
        team = _team(user, o["team"])
        path = Path(o["file"])
        if o.get("template"):
            path.write_bytes(import_members.template(team=team))
            self.stdout.write(f"Template for {team.name} written to {path}.")
            return
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            imports.check_size(path.stat().st_size)
            report = import_members.import_members(
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
