"""Excel for commitments: work permits imported from a sheet (all or nothing, every bad cell
reported by row, column and reason) and its empty template; the day's commitment list and the
county overview exported."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from anlan.core.excel import Column, simple_workbook, style_header
from anlan.registry.excel import LedgerFileError, read_workbook
from anlan.registry.models import Enterprise, HazardSource

from . import services
from .choices import SpecialWorkKind

COLUMNS = (
    Column("number", gettext_lazy("permit number"), 18, required=True),
    Column("kind", gettext_lazy("work kind"), 22, required=True),
    Column("planned_start", gettext_lazy("planned start"), 18, required=True),
    Column("planned_end", gettext_lazy("planned end"), 18, required=True),
    Column("location", gettext_lazy("work location"), 24, required=True),
    Column("supervisor", gettext_lazy("supervisor / responsible person"), 14, required=True),
    Column("hazard_source", gettext_lazy("major hazard source"), 20),
)
DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M")


@dataclass
class PermitImport:
    created: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, reason

    @property
    def ok(self) -> bool:
        return not self.errors


def _lookup(pairs) -> dict[str, str]:
    """Text in Chinese, English or the internal key → key."""
    out = {}
    for key, label in pairs:
        out[str(key).lower()] = key
        for language in ("zh-hans", "en"):
            with translation.override(language):
                out[str(label).strip().lower()] = key
    return out


def template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Work permits")[:31]
    ws.append([str(c.header) for c in COLUMNS])
    style_header(ws, list(COLUMNS))
    kinds = DataValidation(
        type="list",
        formula1='"' + ",".join(str(label) for _v, label in SpecialWorkKind.choices) + '"',
    )
    ws.add_data_validation(kinds)
    kinds.add("B2:B5000")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _datetime(raw) -> dt.datetime | None:
    if isinstance(raw, dt.datetime):
        value = raw
    else:
        text = str(raw).strip()
        value = None
        for fmt in DATETIME_FORMATS:
            try:
                value = dt.datetime.strptime(text, fmt)  # noqa: DTZ007 — made aware below
                break
            except ValueError:
                continue
        if value is None:
            return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value


def import_permits(data: bytes, *, user, enterprise: Enterprise) -> PermitImport:
    """Read and save the permits of the workbook ``data`` for ``enterprise`` (all or nothing)."""
    try:
        wb = read_workbook(data)
    except LedgerFileError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    rows = list(wb.active.iter_rows(values_only=True))
    if not rows:
        raise ValidationError({"file": _("The sheet is empty.")})
    headers = _lookup((c.key, c.header) for c in COLUMNS)
    keys = [headers.get(str(h or "").strip().lower()) for h in rows[0]]
    missing = [str(c.header) for c in COLUMNS if c.required and c.key not in keys]
    if missing:
        raise ValidationError(
            {"file": _("Columns missing: %(names)s.") % {"names": "、".join(missing)}}
        )
    labels = {c.key: str(c.header) for c in COLUMNS}
    kinds = _lookup(SpecialWorkKind.choices)
    sources = {}
    for source in HazardSource.objects.filter(enterprise=enterprise):
        sources[source.name] = source
        if source.code:
            sources[source.code] = source
    report = PermitImport()
    parsed, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        values = {k: v for k, v in zip(keys, row, strict=False) if k}
        if all(v in (None, "") for v in values.values()):
            continue
        clean, errors = {}, []
        for column in COLUMNS:
            raw = values.get(column.key)
            text = "" if raw is None else str(raw).strip()
            if column.required and not text:
                errors.append((column.key, _("This cell is required.")))
                continue
            if column.key == "kind":
                clean["kind"] = kinds.get(text.lower())
                if clean["kind"] is None:
                    errors.append((column.key, _("Unknown kind “%(value)s”.") % {"value": text}))
            elif column.key in ("planned_start", "planned_end"):
                clean[column.key] = _datetime(raw)
                if clean[column.key] is None:
                    errors.append(
                        (column.key, _("“%(value)s” is not a date and time like 2026-05-01 08:00.")
                         % {"value": text})
                    )  # fmt: skip
            elif column.key == "hazard_source":
                clean["hazard_source"] = sources.get(text) if text else None
                if text and clean["hazard_source"] is None:
                    errors.append(
                        (column.key, _("This enterprise has no major hazard source “%(value)s”.")
                         % {"value": text})
                    )  # fmt: skip
            else:
                clean[column.key] = text
        if clean.get("number"):
            if clean["number"] in seen:
                errors.append(
                    ("number", _("This permit number is also on row %(row)d.")
                     % {"row": seen[clean["number"]]})
                )  # fmt: skip
            seen.setdefault(clean["number"], number)
        report.errors += [(number, labels[k], reason) for k, reason in errors]
        if not errors:
            parsed.append((number, clean))
    if report.errors:
        return report
    if not parsed:
        raise ValidationError({"file": _("The sheet has no permits.")})
    try:
        with transaction.atomic():
            for number, clean in parsed:
                try:
                    services.save_permit(user=user, enterprise=enterprise, data=clean)
                except ValidationError as exc:
                    for name, messages in exc.message_dict.items():
                        label = labels.get(name, name)
                        report.errors += [(number, label, m) for m in messages]
                    continue
                report.created += 1
            if report.errors:
                raise _Rollback
    except _Rollback:
        report.created = 0
    return report


class _Rollback(Exception):
    """Undo every row when any row failed on save."""


# ---------------------------------------------------------------- exports


def export_day(rows: list[services.DayRow]) -> bytes:
    yes, no = _("Yes"), _("No")
    columns = [
        Column("enterprise", _("enterprise"), 30),
        Column("region", _("region"), 20),
        Column("date", _("date"), 12),
        Column("status", _("status"), 12),
        Column("submitted_at", _("submitted at"), 18),
        Column("units", _("units total / running / shut down / maintenance"), 20),
        Column("special", _("special operations"), 10),
        *[Column(k.value, k.label, 10) for k in SpecialWorkKind],
        Column("contractor", _("contractor operations"), 10),
        Column("trial", _("in trial production"), 8),
        Column("startup", _("start-up or shut-down in progress"), 8),
        Column("safe", _("major hazard sources in a safe state"), 8),
        Column("principal", _("principal"), 12),
        Column("mismatch", _("mismatches with permits"), 30),
    ]
    out = []
    for r in rows:
        c = r.commitment
        mismatch = "；".join(
            _("%(kind)s: announced %(announced)d, permits %(permits)d")
            % {**m, "kind": services.kind_label(m["kind"])}
            for m in r.mismatches
        )
        base = [r.enterprise.name, r.enterprise.region.full_name, r.day.isoformat(), r.status_label]
        if c is None:
            out.append(base + [""] * (len(columns) - len(base)))
            continue
        out.append(
            base
            + [
                timezone.localtime(c.submitted_at).strftime("%Y-%m-%d %H:%M"),
                f"{c.units_total}/{c.units_running}/{c.units_shut_down}/{c.units_maintenance}",
                c.special_operations_total,
                *[count for _k, _l, count in c.kind_counts()],
                c.contractor_operations,
                yes if c.trial_production else no,
                yes if c.startup_shutdown else no,
                yes if c.hazards_safe else no,
                c.principal_name,
                mismatch,
            ]
        )
    return simple_workbook(_("Safety commitments"), columns, out)


def export_overview(rows: list[services.CountyRow], day: dt.date) -> bytes:
    columns = [
        Column("county", _("county"), 24),
        Column("date", _("date"), 12),
        Column("required", _("must commit"), 10),
        Column("on_time", _("Committed on time"), 10),
        Column("late", _("Committed late"), 10),
        Column("missing", _("Missing"), 10),
        Column("pending", _("Not yet due"), 10),
        Column("mismatches", _("with mismatches"), 10),
    ]
    data = [
        [r.name, day.isoformat(), r.required, r.on_time, r.late, r.missing, r.pending,
         r.mismatches]
        for r in rows
    ]  # fmt: skip
    return simple_workbook(_("Commitment overview"), columns, data)
