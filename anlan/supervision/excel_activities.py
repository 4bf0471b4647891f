"""Trainings in Excel: the import template (drop-downs for the kind, the regions and the member
units), the all-or-nothing import (every bad cell reported with its row and column; nothing
saved if any), and the exports of the training, visit, activity and campaign-item ledgers.

Each row goes through ``activities.record_training`` — the same rules as the form and the API."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anlan.core.excel import Column, simple_workbook
from anlan.core.models import Region
from anlan.registry.models import Enterprise
from anlan.rescue import imports
from anlan.rescue.imports import CellError, ImportReport

from . import activities as services
from .choices import TrainingKind

COLUMNS = (
    Column("region", gettext_lazy("region code"), 14),
    Column("kind", gettext_lazy("kind"), 30, True),
    Column("title", gettext_lazy("title"), 30, True),
    Column("date", gettext_lazy("date"), 12, True),
    Column("organiser", gettext_lazy("organised by (member unit)"), 20),
    Column("enterprise", gettext_lazy("enterprise credit code"), 22),
    Column("lecturer", gettext_lazy("lecturer"), 14),
    Column("place", gettext_lazy("place"), 18),
    Column("sessions", gettext_lazy("sessions held"), 10),
    Column("participants", gettext_lazy("person-times"), 10, True),
    Column("hours", gettext_lazy("hours"), 8),
    Column("note", gettext_lazy("note"), 30),
)
HINTS = {
    "region": gettext_lazy(
        "The code of the county, township or city where it was held; empty for an enterprise's "
        "training (its region is the enterprise's)."
    ),
    "kind": gettext_lazy("One of the kinds in the list (code or label)."),
    "title": gettext_lazy("What the training was about."),
    "date": gettext_lazy("The day it was held, e.g. 2026-03-15; not in the future."),
    "organiser": gettext_lazy("Optional: the member unit that organised it, by name."),
    "enterprise": gettext_lazy("Optional: the 18-character credit code of the enterprise."),
    "sessions": gettext_lazy("Lectures or classes this row counts, at least 1; empty means 1."),
    "participants": gettext_lazy("Person-times trained, 0 or more."),
    "hours": gettext_lazy("Optional: hours, e.g. 2 or 1.5."),
}


def _header(key: str) -> str:
    return str(next(c.header for c in COLUMNS if c.key == key))


def template(*, user) -> bytes:
    regions = [[r.code, r.name] for r in services.regions_for(user)]
    units = [u.name for u in services.organisers_for(user)]
    return imports.build_template(
        title=_("Trainings"),
        columns=COLUMNS,
        lists={
            "kind": [str(label) for _v, label in TrainingKind.choices],
            "region": [r[0] for r in regions],
            "organiser": units,
        },
        hints=HINTS,
        notes=[
            _("Kinds: %(values)s")
            % {"values": "; ".join(f"{v} = {label}" for v, label in TrainingKind.choices)},
        ],
        extra_sheets={_("Regions"): [[_("region code"), _("name")], *regions]},
    )


class _Parser:
    def __init__(self, user):
        self.user = user
        self.kinds = imports.choice_lookup(TrainingKind)
        self.units = {u.name: u for u in services.organisers_for(user)}
        self.units.update({u.short_name: u for u in self.units.values() if u.short_name})

    def parse(self, cells) -> tuple[dict, dict[str, str]]:
        errors: dict[str, str] = {}
        data: dict = {}
        raw_kind = imports.text(cells.get("kind"))
        kind = self.kinds.get(raw_kind.lower())
        if kind is None:
            errors["kind"] = _("Unknown kind %(value)r.") % {"value": raw_kind}
        data["kind"] = kind
        code = imports.text(cells.get("region"))
        if code:
            region = Region.objects.filter(code=code).first()
            if region is None:
                errors["region"] = _("No region with code %(code)r.") % {"code": code}
            data["region"] = region
        uscc = imports.text(cells.get("enterprise")).upper()
        if uscc:
            enterprise = Enterprise.objects.visible_to(self.user).filter(uscc=uscc).first()
            if enterprise is None:
                errors["enterprise"] = _(
                    "No enterprise with credit code %(code)s in your jurisdiction."
                ) % {"code": uscc}
            data["enterprise"] = enterprise
        if not code and not uscc and self.user.role != "enterprise_safety":
            errors["region"] = _("Give the region code (or an enterprise).")
        name = imports.text(cells.get("organiser"))
        if name:
            unit = self.units.get(name)
            if unit is None:
                errors["organiser"] = _(
                    "No member unit named %(name)r that you may record for."
                ) % {"name": name}
            data["organiser"] = unit
        raw_date = cells.get("date")
        try:
            data["date"] = imports.parse_date(raw_date)
        except (ValueError, TypeError):
            errors["date"] = _("Not a date: %(value)r.") % {"value": imports.text(raw_date)}
        for key in ("sessions", "participants"):
            raw = imports.text(cells.get(key))
            if raw == "":
                if key == "participants":
                    errors[key] = _("This field is required.")
                continue
            try:
                data[key] = int(Decimal(raw))
                if Decimal(raw) != data[key]:
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                errors[key] = _("Give a whole number.")
        raw = imports.text(cells.get("hours"))
        if raw:
            try:
                data["hours"] = Decimal(raw)
                if data["hours"] < 0:
                    errors["hours"] = _("Give a number of at least %(min)d.") % {"min": 0}
            except InvalidOperation:
                errors["hours"] = _("Give a number.")
        for key in ("title", "lecturer", "place", "note"):
            data[key] = imports.text(cells.get(key))
        return data, errors


class _Rollback(Exception):
    pass


def import_trainings(data: bytes, *, user) -> ImportReport:
    """Import trainings; nothing is saved if any cell is bad. PermissionDenied for those who
    may not record trainings; LedgerFileError when the file as a whole is unusable."""
    if not services.may_record_any(user, "training"):
        raise PermissionDenied(_("You may not record trainings."))
    body = imports.read_rows(data, COLUMNS)
    parser = _Parser(user)
    report = ImportReport(rows=len(body))
    parsed = []
    for row, cells in body:
        values, errors = parser.parse(cells)
        report.errors.extend(CellError(row, _header(k), v) for k, v in errors.items())
        parsed.append((row, values, bool(errors)))
    try:
        with transaction.atomic():
            for row, values, bad in parsed:
                if bad:
                    continue
                try:
                    with transaction.atomic():
                        services.record_training(user=user, data=values)
                except ValidationError as exc:
                    imports.add_errors(
                        report.errors, row, COLUMNS, exc.message_dict, {"__all__": "title"}
                    )
                else:
                    report.created += 1
            if report.errors:
                raise _Rollback
    except _Rollback:
        report.created = 0
        report.errors.sort(key=lambda e: e.row)
        return report
    report.saved = True
    return report


# ---------------------------------------------------------------- exports


def _workbook(title, headers, rows: list[list]) -> bytes:
    columns = [Column(str(i), h, 16) for i, h in enumerate(headers)]
    return simple_workbook(title, columns, rows, auto_filter=True)


def export_trainings(qs) -> bytes:
    qs = qs.select_related("region", "organiser", "enterprise")
    headers = [
        _("date"),
        _("region code"),
        _("region"),
        _("kind"),
        _("title"),
        _("organised by (member unit)"),
        _("enterprise"),
        _("lecturer"),
        _("place"),
        _("sessions held"),
        _("person-times"),
        _("hours"),
        _("note"),
    ]
    rows = [
        [
            t.date,
            t.region.code,
            t.region.name,
            t.get_kind_display(),
            t.title,
            t.organiser.name if t.organiser_id else "",
            t.enterprise.name if t.enterprise_id else "",
            t.lecturer,
            t.place,
            t.sessions,
            t.participants,
            float(t.hours),
            t.note,
        ]
        for t in qs.iterator(chunk_size=2000)
    ]
    return _workbook(_("Trainings"), [str(h) for h in headers], rows)


def export_visits(qs) -> bytes:
    qs = qs.select_related("region", "organiser", "enterprise")
    headers = [
        _("date"),
        _("region"),
        _("enterprise"),
        _("domain"),
        _("experts"),
        _("organised by (member unit)"),
        _("problems found"),
        _("findings and advice"),
    ]
    rows = [
        [
            v.date,
            v.region.name,
            v.enterprise.name,
            v.get_domain_display(),
            v.experts,
            v.organiser.name if v.organiser_id else "",
            v.problems_found,
            v.findings,
        ]
        for v in qs.iterator(chunk_size=2000)
    ]
    return _workbook(_("Expert visits"), [str(h) for h in headers], rows)


def export_activities(qs) -> bytes:
    qs = qs.select_related("region", "organiser", "campaign")
    headers = [
        _("date"),
        _("region"),
        _("campaign"),
        _("kind"),
        _("title"),
        _("organised by (member unit)"),
        _("events held"),
        _("person-times"),
        _("materials handed out"),
        _("note"),
    ]
    rows = [
        [
            a.date,
            a.region.name,
            a.campaign.title if a.campaign_id else "",
            a.get_kind_display(),
            a.title,
            a.organiser.name if a.organiser_id else "",
            a.events,
            a.participants,
            a.materials,
            a.note,
        ]
        for a in qs.iterator(chunk_size=2000)
    ]
    return _workbook(_("Campaign activities"), [str(h) for h in headers], rows)


def export_campaign(campaign) -> bytes:
    headers = [
        _("number"),
        _("item"),
        _("responsible units"),
        _("start"),
        _("end"),
        _("state"),
        _("progress (%)"),
        _("progress"),
    ]
    rows = [
        [
            i.number,
            i.title,
            "、".join(u.name for u in i.units.all()),
            i.start,
            i.end,
            i.get_state_display(),
            i.progress,
            i.progress_note,
        ]
        for i in campaign.items.prefetch_related("units")
    ]
    return _workbook(campaign.title, [str(h) for h in headers], rows)
