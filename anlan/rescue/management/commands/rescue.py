"""``anlan rescue …``: the team board, coverage (with what-if), incidents, the dispatch
recommendation, sending a team and recording its stages, from the command line, within a user's
jurisdiction (default: a system administrator)."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from anlan.core.acting import acting_user as _user
from anlan.rescue import coverage, dispatch, services
from anlan.rescue.choices import DispatchStage, IncidentKind, IncidentSeverity, TeamStatus
from anlan.rescue.models import Dispatch, Incident, Team


def _day(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {raw!r}") from None


def _time(raw: str | None) -> dt.datetime | None:
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--at: not a time (YYYY-MM-DDTHH:MM): {raw!r}") from None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


class Command(BaseCommand):
    help = "Rescue forces: board, coverage, incidents, recommend, dispatch, stage."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        board = sub.add_parser("board", help="Every team now: duty, readiness, strength")
        board.add_argument("--kind", default="")
        cov = sub.add_parser("coverage", help="Flagged mines, their nearest team, gaps")
        cov.add_argument("--planned", action="store_true", help="Add every planned team")
        cov.add_argument("--points", default="", help="lat,lon[,name];… extra bases")
        cov.add_argument("--all-teams", action="store_true", help="Ignore the duty roster")
        cov.add_argument("--gaps", action="store_true", help="Only the gaps")
        sub.add_parser("incidents", help="Incidents, newest first")
        rec = sub.add_parser("recommend", help="Teams ranked for an incident, with reasons")
        rec.add_argument("incident", type=int)
        send = sub.add_parser("dispatch", help="Send a team to an incident")
        send.add_argument("incident", type=int)
        send.add_argument("team", type=int)
        send.add_argument("--force", default="", metavar="REASON", help="Send an off-duty team")
        stage = sub.add_parser("stage", help="A sent team turned out, arrived or returned")
        stage.add_argument("dispatch", type=int)
        stage.add_argument("stage", choices=["turned_out", "arrived", "returned"])
        stage.add_argument("--at", help="YYYY-MM-DDTHH:MM (default: now)")
        stage.add_argument("--rescued", type=int)
        duty = sub.add_parser("duty", help="A team's roster, or roster a shift with --commander")
        duty.add_argument("team", type=int)
        duty.add_argument("--day", help="YYYY-MM-DD (default: today)")
        duty.add_argument("--shift", default="full_day", choices=["full_day", "day", "night"])
        duty.add_argument("--commander", type=int, help="Member id of the duty commander")
        duty.add_argument("--unit", type=int, help="Squad id")
        duty.add_argument("--readiness", default="normal", choices=["normal", "elevated", "high"])
        duty.add_argument("--reason", default="", help="Why readiness is raised")
        ready = sub.add_parser("readiness", help="Raise the readiness of teams' shifts")
        ready.add_argument("teams", type=int, nargs="+")
        ready.add_argument("--level", required=True, choices=["normal", "elevated", "high"])
        ready.add_argument("--reason", required=True)
        ready.add_argument("--until", required=True, help="YYYY-MM-DD")
        report = sub.add_parser("report", help="Record an incident")
        report.add_argument("--title", required=True)
        report.add_argument("--kind", required=True, choices=IncidentKind.values)
        report.add_argument("--place", required=True)
        report.add_argument("--enterprise", type=int)
        report.add_argument("--region", help="Region code (default: the enterprise's)")
        report.add_argument("--lat", help="Latitude (default: the enterprise's)")
        report.add_argument("--lon", help="Longitude")
        report.add_argument("--occurred", help="YYYY-MM-DDTHH:MM (default: now)")
        report.add_argument("--trapped", type=int, default=0)
        report.add_argument("--severity", default="general", choices=IncidentSeverity.values)
        for p in (board, cov, rec, send, stage, duty, ready, report, sub.choices["incidents"]):
            p.add_argument("--user", help="Act within this user's jurisdiction")

    def _console(self):
        return Console(file=self.stdout._out, highlight=False, width=160)

    def handle(self, *args, **o):
        user = _user(o.get("user"))
        try:
            getattr(self, "_" + o["action"])(user, o)
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                if hasattr(exc, "error_dict")
                else " ".join(exc.messages)
            ) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None

    def _board(self, user, o):
        table = Table("team", "kind", "on duty", "readiness", "members", "breathing sets")
        for f in services.team_facts(services.board_teams(user, kind=o["kind"])):
            duty = (
                f"{f.shift.unit.name if f.shift.unit_id else ''} {f.shift.commander.name}"
                if f.shift
                else "—"
            )  # noqa: E501
            table.add_row(
                f.team.name,
                f.team.get_kind_display(),
                duty,
                f.readiness,
                str(f.members),
                str(f.breathing_sets),
            )  # noqa: E501
        self._console().print(table)

    def _coverage(self, user, o):
        planned = list(Team.objects.filter(status=TeamStatus.PLANNED)) if o["planned"] else []
        result = coverage.analyse(
            user=user,
            on_duty_only=not o["all_teams"],
            planned=planned,
            points=coverage.parse_points(o["points"]),
        )
        table = Table("mine", "nearest team", "km", "ETA min", "covered")
        for r in result.rows:
            if o["gaps"] and r.covered:
                continue
            table.add_row(
                r.enterprise.name,
                r.site.name if r.site else "—",
                f"{r.road_km:.1f}" if r.road_km is not None else "—",
                f"{r.eta_minutes:.0f}" if r.eta_minutes is not None else "—",
                "yes" if r.covered else "GAP",
            )
        self._console().print(table)
        s = result.summary()
        line = f"{s['mines']} mines, {s['covered']} within {s['limit_minutes']:.0f} min, {s['gaps']} gaps"  # noqa: E501
        if s["gaps_before_what_if"] is not None:
            line += f" ({s['gaps_before_what_if']} before the what-if)"
        self.stdout.write(line)

    def _team(self, user, pk):
        team = Team.objects.visible_to(user).filter(pk=pk).first()
        if team is None:
            raise CommandError(f"No team {pk} in your jurisdiction.")
        return team

    def _duty(self, user, o):
        team = self._team(user, o["team"])
        day = _day(o.get("day")) or timezone.localdate()
        if o.get("commander"):
            data = {
                "day": day,
                "shift": o["shift"],
                "commander": team.members.filter(pk=o["commander"]).first(),
                "unit": team.units.filter(pk=o["unit"]).first() if o.get("unit") else None,
                "readiness": o["readiness"],
                "readiness_reason": o["reason"],
            }
            if data["commander"] is None:
                raise CommandError(f"--commander: no member {o['commander']} in {team.name}.")
            services.save_shift(user=user, team=team, data=data)
        table = Table("day", "shift", "squad", "commander", "readiness")
        for s in team.duty.filter(day__gte=day).order_by("day", "shift")[:14]:
            table.add_row(
                str(s.day),
                s.get_shift_display(),
                s.unit.name if s.unit_id else "—",
                s.commander.name,
                s.get_readiness_display(),
            )  # noqa: E501
        self._console().print(table)

    def _readiness(self, user, o):
        teams = list(Team.objects.visible_to(user).filter(pk__in=o["teams"]))
        if len(teams) != len(set(o["teams"])):
            raise CommandError("No such team in your jurisdiction.")
        n = services.raise_readiness(
            user=user, teams=teams, readiness=o["level"], reason=o["reason"], until=_day(o["until"])
        )
        self.stdout.write(f"{n} shifts changed")

    def _report(self, user, o):
        from anlan.core.models import Region
        from anlan.registry.models import Enterprise

        data = {
            "title": o["title"],
            "kind": o["kind"],
            "place": o["place"],
            "occurred_at": _time(o.get("occurred")) or timezone.now(),
            "trapped": o["trapped"],
            "severity": o["severity"],
        }
        if o.get("enterprise"):
            data["enterprise"] = (
                Enterprise.objects.visible_to(user).filter(pk=o["enterprise"]).first()
            )
            if data["enterprise"] is None:
                raise CommandError(
                    f"--enterprise: no enterprise {o['enterprise']} in your jurisdiction."
                )  # noqa: E501
        if o.get("region"):
            data["region"] = Region.objects.filter(code=o["region"]).first()
            if data["region"] is None:
                raise CommandError(f"--region: no region {o['region']}.")
        elif not o.get("enterprise"):
            raise CommandError("Give --enterprise or --region.")
        for key, arg in (("latitude", "lat"), ("longitude", "lon")):
            if o.get(arg):
                try:
                    data[key] = Decimal(o[arg])
                except InvalidOperation:
                    raise CommandError(f"--{arg}: not a number: {o[arg]!r}") from None
        incident = dispatch.record_incident(user=user, data=data)
        self.stdout.write(f"Incident {incident.pk} recorded: {incident.title}")

    def _incidents(self, user, o):
        table = Table("id", "occurred", "title", "kind", "trapped", "rescued", "status")
        for i in Incident.objects.visible_to(user)[:50]:
            table.add_row(
                str(i.pk),
                timezone.localtime(i.occurred_at).strftime("%Y-%m-%d %H:%M"),
                i.title,
                i.get_kind_display(),
                str(i.trapped),
                str(i.rescued),
                i.get_status_display(),
            )  # noqa: E501
        self._console().print(table)

    def _incident(self, user, pk):
        incident = Incident.objects.visible_to(user).filter(pk=pk).first()
        if incident is None:
            raise CommandError(f"No incident {pk} in your jurisdiction.")
        return incident

    def _recommend(self, user, o):
        incident = self._incident(user, o["incident"])
        table = Table("rank", "team id", "team", "km", "ETA min", "reasons")
        for c in dispatch.recommend(incident, limit=20):
            reasons = "; ".join(c.reasons + [f"✗ {p}" for p in c.problems])
            table.add_row(
                str(c.rank or "—"),
                str(c.team.pk),
                c.team.name,
                f"{c.road_km:.1f}",
                f"{c.eta_minutes:.0f}",
                reasons,
            )  # noqa: E501
        self._console().print(table)

    def _dispatch(self, user, o):
        incident = self._incident(user, o["incident"])
        team = Team.objects.filter(pk=o["team"]).first()
        if team is None:
            raise CommandError(f"No team {o['team']}.")
        d = dispatch.dispatch_team(user=user, incident=incident, team=team, force_reason=o["force"])
        self.stdout.write(
            f"Dispatch {d.pk}: {team.name} notified, estimated arrival {d.eta_minutes} min"
            + (f" (sent off duty: {d.force_reason})" if d.forced else "")
        )

    def _stage(self, user, o):
        d = Dispatch.objects.filter(
            pk=o["dispatch"], incident__in=Incident.objects.visible_to(user)
        ).first()
        if d is None:
            raise CommandError(f"No dispatch {o['dispatch']} in your jurisdiction.")
        d = dispatch.record_stage(
            user=user,
            dispatch=d,
            stage=o["stage"],
            at=_time(o.get("at")),
            people_rescued=o.get("rescued"),
        )
        self.stdout.write(f"{d.team.name}: {DispatchStage(d.stage).label}")
