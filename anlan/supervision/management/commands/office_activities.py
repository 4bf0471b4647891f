"""``anlan office trainings|visits|campaigns …``: the training, expert-visit and campaign ledgers
from the command line, within a user's scope (``--user``; default a system administrator).

  trainings list [--kind K] [--region CODE] [--from D] [--to D]
  trainings totals [same filters]
  trainings add --region CODE --kind K --title T --date D --participants N [...]
  trainings import F.xlsx            (all or nothing; each bad cell listed)
  trainings export F.xlsx [filters]
  visits list|totals|export F.xlsx [--domain D ...]
  visits add --enterprise USCC --domain D --date D --experts "…" [...]
  campaigns list | show ID | export ID F.xlsx | progress ITEM_ID PERCENT [--state S] [--note T]
  campaigns activities [--kind K] [--campaign ID] [...]   (the activity ledger and its totals)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from anlan.core.acting import acting_user
from anlan.core.models import Region
from anlan.registry.models import Enterprise
from anlan.rescue import imports
from anlan.supervision import activities as services
from anlan.supervision import excel_activities as excel
from anlan.supervision.choices import ActivityKind, ExpertDomain, ItemState, TrainingKind
from anlan.supervision.models import (
    Campaign,
    CampaignActivity,
    CampaignItem,
    ExpertVisit,
    MemberUnit,
    TrainingSession,
)


def errors_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from None


def _filters(parser, kind_name: str, choices):
    parser.add_argument(f"--{kind_name}", choices=choices.values)
    parser.add_argument("--region", help="Region code (its subtree)")
    parser.add_argument("--from", dest="date_from", help="First day, YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", help="Last day, YYYY-MM-DD")
    parser.add_argument("--user", help="Act within this user's scope")


class Command(BaseCommand):
    help = "Trainings, expert visits and campaigns: list, totals, add, import, export."

    def add_arguments(self, parser):
        what = parser.add_subparsers(dest="what", required=True)

        trainings = what.add_parser("trainings", help="Training sessions").add_subparsers(
            dest="action", required=True
        )
        for name in ("list", "totals"):
            _filters(trainings.add_parser(name), "kind", TrainingKind)
        add = trainings.add_parser("add", help="Record a training")
        add.add_argument("--region", help="Region code (not needed with --enterprise)")
        add.add_argument("--kind", required=True, choices=TrainingKind.values)
        add.add_argument("--title", required=True)
        add.add_argument("--date", required=True)
        add.add_argument("--participants", required=True, type=int, help="Person-times")
        add.add_argument("--sessions", type=int, default=1)
        add.add_argument("--hours", default="0")
        add.add_argument("--organiser", help="Member unit name")
        add.add_argument("--enterprise", help="Enterprise credit code")
        add.add_argument("--lecturer", default="")
        add.add_argument("--place", default="")
        add.add_argument("--note", default="")
        add.add_argument("--user")
        imp = trainings.add_parser("import", help="Import an Excel workbook (all or nothing)")
        imp.add_argument("file")
        imp.add_argument("--user")
        tpl = trainings.add_parser("template", help="Write the import template")
        tpl.add_argument("file")
        tpl.add_argument("--user")
        exp = trainings.add_parser("export", help="Export the ledger to Excel")
        exp.add_argument("file")
        _filters(exp, "kind", TrainingKind)

        visits = what.add_parser("visits", help="Expert assistance visits").add_subparsers(
            dest="action", required=True
        )
        for name in ("list", "totals"):
            _filters(visits.add_parser(name), "domain", ExpertDomain)
        vadd = visits.add_parser("add", help="Record an expert visit")
        vadd.add_argument("--enterprise", required=True, help="Enterprise credit code")
        vadd.add_argument("--domain", required=True, choices=ExpertDomain.values)
        vadd.add_argument("--date", required=True)
        vadd.add_argument("--experts", required=True)
        vadd.add_argument("--problems", type=int, default=0)
        vadd.add_argument("--findings", default="")
        vadd.add_argument("--organiser", help="Member unit name")
        vadd.add_argument("--user")
        vexp = visits.add_parser("export", help="Export the ledger to Excel")
        vexp.add_argument("file")
        _filters(vexp, "domain", ExpertDomain)

        campaigns = what.add_parser("campaigns", help="Campaigns and activities").add_subparsers(
            dest="action", required=True
        )
        clist = campaigns.add_parser("list")
        clist.add_argument("--user")
        show = campaigns.add_parser("show", help="A campaign's items and activity counts")
        show.add_argument("id", type=int)
        show.add_argument("--user")
        cexp = campaigns.add_parser("export", help="A campaign's items to Excel")
        cexp.add_argument("id", type=int)
        cexp.add_argument("file")
        cexp.add_argument("--user")
        prog = campaigns.add_parser("progress", help="Report an item's progress")
        prog.add_argument("item", type=int, help="Item id")
        prog.add_argument("percent", type=int)
        prog.add_argument("--state", choices=ItemState.values)
        prog.add_argument("--note")
        prog.add_argument("--user")
        acts = campaigns.add_parser("activities", help="The activity ledger and its totals")
        _filters(acts, "kind", ActivityKind)
        acts.add_argument("--campaign", type=int)
        aexp = campaigns.add_parser("export-activities", help="The activity ledger to Excel")
        aexp.add_argument("file")
        _filters(aexp, "kind", ActivityKind)
        aexp.add_argument("--campaign", type=int)

    def handle(self, *args, **o):
        self.user = acting_user(o.get("user"))
        self.console = Console(file=self.stdout._out, highlight=False, width=160)
        handler = getattr(self, f"_{o['what']}_{o['action'].replace('-', '_')}")
        try:
            handler(o)
        except ValidationError as exc:
            raise CommandError(errors_text(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "Not allowed.") from exc

    # ------------------------------------------------------------ helpers

    def _filtered(self, qs, o, kind_field, choices):
        params = {
            kind_field: o.get(kind_field) or "",
            "region": o.get("region") or "",
            "date_from": o.get("date_from") or "",
            "date_to": o.get("date_to") or "",
            "campaign": str(o.get("campaign") or ""),
        }
        for name in ("date_from", "date_to"):
            if params[name]:
                _date(params[name])
        if params["region"] and not Region.objects.filter(code=params["region"]).exists():
            raise CommandError(f"No region {params['region']!r}.")
        qs, _applied = services.filter_ledger(
            qs, params, kind_field=kind_field, kind_choices=choices
        )
        return qs

    def _totals_table(self, title, totals, count_label, people_label):
        table = Table(title=title)
        for column in ("kind", "records", count_label, people_label):
            table.add_column(column)
        for r in totals.rows:
            table.add_row(str(r.label), str(r.records), str(r.sessions), str(r.participants))
        table.add_row("total", str(totals.records), str(totals.sessions), str(totals.participants))
        self.console.print(table)

    def _unit(self, name):
        if not name:
            return None
        unit = MemberUnit.objects.filter(name=name).first()
        if unit is None:
            raise CommandError(f"No member unit named {name!r}.")
        return unit

    def _enterprise(self, uscc):
        if not uscc:
            return None
        enterprise = (
            Enterprise.objects.visible_to(self.user).filter(uscc=uscc.strip().upper()).first()
        )
        if enterprise is None:
            raise CommandError(f"No enterprise {uscc!r} in your jurisdiction.")
        return enterprise

    def _write(self, path, content: bytes, what: str):
        Path(path).write_bytes(content)
        self.stdout.write(f"Wrote {what} to {path}.")

    # ------------------------------------------------------------ trainings

    def _trainings(self, o):
        qs = TrainingSession.objects.visible_to(self.user).select_related("region", "organiser")
        return self._filtered(qs, o, "kind", TrainingKind)

    def _trainings_list(self, o):
        rows = list(self._trainings(o)[:1000])
        table = Table(title="Trainings")
        for column in ("id", "date", "region", "kind", "title", "sessions", "person-times"):
            table.add_column(column)
        for t in rows:
            table.add_row(
                str(t.pk),
                str(t.date),
                t.region.name,
                t.kind,
                t.title,
                str(t.sessions),
                str(t.participants),
            )
        self.console.print(table)
        self.console.print(f"{len(rows)} trainings.")

    def _trainings_totals(self, o):
        totals = services.training_totals(self._trainings(o))
        self._totals_table("Trainings per kind", totals, "sessions", "person-times")

    def _trainings_add(self, o):
        try:
            hours = Decimal(o["hours"])
        except InvalidOperation:
            raise CommandError("hours: give a number.") from None
        data = {
            "region": None,
            "kind": o["kind"],
            "title": o["title"],
            "date": _date(o["date"]),
            "participants": o["participants"],
            "sessions": o["sessions"],
            "hours": hours,
            "organiser": self._unit(o.get("organiser")),
            "enterprise": self._enterprise(o.get("enterprise")),
            "lecturer": o["lecturer"],
            "place": o["place"],
            "note": o["note"],
        }
        if o.get("region"):
            data["region"] = Region.objects.filter(code=o["region"]).first()
            if data["region"] is None:
                raise CommandError(f"region: no region {o['region']!r}.")
        elif data["enterprise"] is None and self.user.role != "enterprise_safety":
            raise CommandError("region: give --region or --enterprise.")
        training = services.record_training(user=self.user, data=data)
        self.stdout.write(f"Recorded training {training.pk}: {training}.")

    def _trainings_import(self, o):
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        try:
            imports.check_size(path.stat().st_size)
            report = excel.import_trainings(path.read_bytes(), user=self.user)
        except imports.LedgerFileError as exc:
            raise CommandError(str(exc)) from exc
        if not report.saved:
            table = Table(title="Nothing imported: bad cells")
            for column in ("row", "column", "reason"):
                table.add_column(column)
            for e in report.errors:
                table.add_row(str(e.row), e.column, e.reason)
            self.console.print(table)
            raise CommandError(f"{report.bad_rows} rows have errors; nothing was imported.")
        self.stdout.write(f"Imported {report.created} trainings.")

    def _trainings_template(self, o):
        self._write(o["file"], excel.template(user=self.user), "the import template")

    def _trainings_export(self, o):
        self._write(o["file"], excel.export_trainings(self._trainings(o)), "the trainings")

    # ------------------------------------------------------------ visits

    def _visits(self, o):
        qs = ExpertVisit.objects.visible_to(self.user).select_related("region", "enterprise")
        return self._filtered(qs, o, "domain", ExpertDomain)

    def _visits_list(self, o):
        rows = list(self._visits(o)[:1000])
        table = Table(title="Expert visits")
        for column in ("id", "date", "enterprise", "domain", "experts", "problems"):
            table.add_column(column)
        for v in rows:
            table.add_row(
                str(v.pk),
                str(v.date),
                v.enterprise.name,
                v.domain,
                v.experts,
                str(v.problems_found),
            )
        self.console.print(table)
        self.console.print(f"{len(rows)} visits.")

    def _visits_totals(self, o):
        totals = services.visit_totals(self._visits(o))
        self._totals_table("Expert visits per domain", totals, "visits", "problems")

    def _visits_add(self, o):
        enterprise = self._enterprise(o["enterprise"])
        visit = services.record_visit(
            user=self.user,
            data={
                "enterprise": enterprise,
                "domain": o["domain"],
                "date": _date(o["date"]),
                "experts": o["experts"],
                "problems_found": o["problems"],
                "findings": o["findings"],
                "organiser": self._unit(o.get("organiser")),
            },
        )
        self.stdout.write(f"Recorded expert visit {visit.pk}: {visit}.")

    def _visits_export(self, o):
        self._write(o["file"], excel.export_visits(self._visits(o)), "the expert visits")

    # ------------------------------------------------------------ campaigns

    def _campaign(self, pk):
        campaign = Campaign.objects.visible_to(self.user).filter(pk=pk).first()
        if campaign is None:
            raise CommandError(f"No campaign {pk} in your scope.")
        return campaign

    def _campaigns_list(self, o):
        table = Table(title="Campaigns")
        for column in ("id", "title", "region", "start", "end", "items", "progress"):
            table.add_column(column)
        for c in Campaign.objects.visible_to(self.user).select_related("region")[:500]:
            table.add_row(
                str(c.pk),
                c.title,
                c.region.name,
                str(c.start),
                str(c.end),
                str(c.items.count()),
                f"{services.campaign_progress(c)}%",
            )
        self.console.print(table)

    def _campaigns_show(self, o):
        campaign = self._campaign(o["id"])
        table = Table(title=f"{campaign.title} ({campaign.start} – {campaign.end})")
        for column in ("id", "no.", "item", "units", "end", "state", "progress"):
            table.add_column(column)
        for i in campaign.items.prefetch_related("units"):
            table.add_row(
                str(i.pk),
                str(i.number),
                i.title,
                "、".join(str(u) for u in i.units.all()),
                str(i.end or ""),
                i.state,
                f"{i.progress}%",
            )
        self.console.print(table)
        activities = CampaignActivity.objects.visible_to(self.user).filter(campaign=campaign)
        totals = services.activity_totals(activities)
        self._totals_table("Activities per kind", totals, "events", "person-times")

    def _campaigns_export(self, o):
        campaign = self._campaign(o["id"])
        self._write(o["file"], excel.export_campaign(campaign), "the campaign items")

    def _campaigns_progress(self, o):
        item = (
            CampaignItem.objects.filter(
                campaign__in=Campaign.objects.visible_to(self.user), pk=o["item"]
            )
            .select_related("campaign")
            .first()
        )
        if item is None:
            raise CommandError(f"No campaign item {o['item']} in your scope.")
        item = services.update_progress(
            user=self.user,
            item=item,
            progress=o["percent"],
            state=o.get("state") or "",
            note=o.get("note"),
        )
        self.stdout.write(f"Item {item.number}: {item.progress}% ({item.state}).")

    def _activities(self, o):
        qs = CampaignActivity.objects.visible_to(self.user).select_related("region", "campaign")
        return self._filtered(qs, o, "kind", ActivityKind)

    def _campaigns_activities(self, o):
        qs = self._activities(o)
        table = Table(title="Campaign activities")
        for column in ("id", "date", "region", "kind", "title", "events", "person-times"):
            table.add_column(column)
        rows = list(qs[:1000])
        for a in rows:
            table.add_row(
                str(a.pk),
                str(a.date),
                a.region.name,
                a.kind,
                a.title,
                str(a.events),
                str(a.participants),
            )
        self.console.print(table)
        totals = services.activity_totals(qs)
        self._totals_table("Activities per kind", totals, "events", "person-times")

    def _campaigns_export_activities(self, o):
        self._write(o["file"], excel.export_activities(self._activities(o)), "the activities")
