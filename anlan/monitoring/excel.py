"""Sensors from an Excel sheet: one row per sensor, identified by its gateway and point code.
All or nothing: one bad cell and nothing is saved, and every bad cell is reported by row,
column and reason. A row whose gateway and point code exist already updates that sensor."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from anlan.core.excel import Column, style_header
from anlan.registry.excel import LedgerFileError, read_workbook
from anlan.registry.models import HazardSource

from . import services
from .choices import SensorKind
from .models import Gateway, Sensor

COLUMNS = (
    Column("gateway", gettext_lazy("Gateway code"), 16, required=True),
    Column("tag", gettext_lazy("Point code"), 18, required=True),
    Column("name", gettext_lazy("name"), 24, required=True),
    Column("kind", gettext_lazy("kind"), 20, required=True),
    Column("unit", gettext_lazy("unit"), 8),
    Column("range_min", gettext_lazy("range minimum"), 10, required=True),
    Column("range_max", gettext_lazy("range maximum"), 10, required=True),
    Column("limit_ll", gettext_lazy("low-low limit (LL)"), 10),
    Column("limit_l", gettext_lazy("low limit (L)"), 10),
    Column("limit_h", gettext_lazy("high limit (H)"), 10),
    Column("limit_hh", gettext_lazy("high-high limit (HH)"), 10),
    Column("deadband", gettext_lazy("deadband"), 8),
    Column("debounce_seconds", gettext_lazy("debounce delay (seconds)"), 10),
    Column("safety_critical", gettext_lazy("safety-critical device"), 10),
    # Per-sensor overrides: left untouched on update when the sheet has no such column.
    Column("wire_break_value", gettext_lazy("wire-break value"), 10),
    Column("offline_minutes", gettext_lazy("offline after (minutes)"), 10),
    Column("expected_interval_seconds", gettext_lazy("expected interval (seconds)"), 10),
    Column("hazard_source", gettext_lazy("major hazard source"), 20),
)
OPTIONAL_COLUMNS = {
    "wire_break_value",
    "offline_minutes",
    "expected_interval_seconds",
    "hazard_source",
}
NUMBERS = {
    "range_min",
    "range_max",
    "limit_ll",
    "limit_l",
    "limit_h",
    "limit_hh",
    "deadband",
    "wire_break_value",
}
WHOLE_OR_EMPTY = {"offline_minutes", "expected_interval_seconds"}
YES = {"是", "yes", "y", "true", "1", "√", "✓"}
NO = {"否", "no", "n", "false", "0", ""}


@dataclass
class SensorImport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, reason

    @property
    def ok(self) -> bool:
        return not self.errors


def _headers() -> dict[str, str]:
    """Header text (Chinese, English or the internal key) → column key."""
    out = {}
    for column in COLUMNS:
        out[column.key] = column.key
        for language in ("zh-hans", "en"):
            with translation.override(language):
                out[str(column.header).strip().lower()] = column.key
    return out


def _kinds() -> dict[str, str]:
    out = {}
    for value, label in SensorKind.choices:
        out[value] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                out[str(label).strip().lower()] = value
    return out


def template() -> bytes:
    """An empty sheet with the headers and a drop-down list of kinds."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Sensors")[:31]
    ws.append([str(c.header) for c in COLUMNS])
    style_header(ws, list(COLUMNS))
    kinds = DataValidation(
        type="list", formula1='"' + ",".join(str(label) for _v, label in SensorKind.choices) + '"'
    )
    ws.add_data_validation(kinds)
    kinds.add("D2:D5000")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_sensors(data: bytes, *, user) -> SensorImport:
    """Read and save the sensors of the workbook ``data`` for ``user`` (all or nothing)."""
    try:
        wb = read_workbook(data)
    except LedgerFileError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    rows = list(wb.active.iter_rows(values_only=True))
    report = SensorImport()
    if not rows:
        raise ValidationError({"file": _("The sheet is empty.")})
    lookup = _headers()
    keys = [lookup.get(str(h or "").strip().lower()) for h in rows[0]]
    missing = [str(c.header) for c in COLUMNS if c.required and c.key not in keys]
    if missing:
        raise ValidationError(
            {"file": _("Columns missing: %(names)s.") % {"names": "、".join(missing)}}
        )
    labels = {c.key: str(c.header) for c in COLUMNS}
    gateways = {g.code: g for g in Gateway.objects.visible_to(user).select_related("enterprise")}
    kinds = _kinds()
    parsed = []
    seen = set()
    for number, row in enumerate(rows[1:], start=2):
        values = {k: v for k, v in zip(keys, row, strict=False) if k}
        if all(v in (None, "") for v in values.values()):
            continue
        clean, errors = {}, []
        for column in COLUMNS:
            if column.key in OPTIONAL_COLUMNS and column.key not in keys:
                continue
            raw = values.get(column.key)
            text = "" if raw is None else str(raw).strip()
            if column.required and not text:
                errors.append((column.key, _("This cell is required.")))
                continue
            if column.key == "gateway":
                gateway = gateways.get(text)
                if gateway is None:
                    errors.append(
                        (column.key, _("No gateway with this code in your jurisdiction."))
                    )
                clean["gateway"] = gateway
            elif column.key == "kind":
                kind = kinds.get(text.lower())
                if kind is None:
                    errors.append((column.key, _("Unknown kind “%(value)s”.") % {"value": text}))
                clean["kind"] = kind
            elif column.key in NUMBERS:
                if not text:
                    clean[column.key] = 0.0 if column.key == "deadband" else None
                    continue
                try:
                    clean[column.key] = float(text)
                except ValueError:
                    errors.append((column.key, _("“%(value)s” is not a number.") % {"value": text}))
            elif column.key in WHOLE_OR_EMPTY:
                try:
                    clean[column.key] = int(float(text)) if text else None
                    if clean[column.key] is not None and clean[column.key] < 1:
                        raise ValueError
                except ValueError:
                    errors.append(
                        (column.key, _("Give a whole number, 1 or more, or leave empty."))
                    )
            elif column.key == "hazard_source":
                clean[column.key] = text  # matched against the gateway's enterprise below
            elif column.key == "debounce_seconds":
                try:
                    clean[column.key] = int(float(text)) if text else 0
                    if clean[column.key] < 0:
                        raise ValueError
                except ValueError:
                    errors.append((column.key, _("Give whole seconds, 0 or more.")))
            elif column.key == "safety_critical":
                if text.lower() in YES:
                    clean[column.key] = True
                elif text.lower() in NO:
                    clean[column.key] = False
                else:
                    errors.append((column.key, _("Answer 是 or 否.")))
            else:
                clean[column.key] = text
        if clean.get("hazard_source") and clean.get("gateway") is not None:
            text = clean["hazard_source"]
            source = (
                HazardSource.objects.filter(enterprise=clean["gateway"].enterprise)
                .filter(Q(code=text) | Q(name=text))
                .first()
            )
            if source is None:
                errors.append(
                    (
                        "hazard_source",
                        _("The gateway's enterprise has no major hazard source “%(value)s”.")
                        % {"value": text},
                    )
                )
            clean["hazard_source"] = source
        elif "hazard_source" in clean:
            clean["hazard_source"] = None
        key = (values.get("gateway"), values.get("tag"))
        if key in seen:
            errors.append(("tag", _("This point code appears twice for the gateway.")))
        seen.add(key)
        report.errors += [(number, labels[k], reason) for k, reason in errors]
        if not errors:
            parsed.append((number, clean))
    if report.errors:
        return report
    try:
        with transaction.atomic():
            for number, clean in parsed:
                gateway = clean["gateway"]
                sensor = Sensor.objects.filter(gateway=gateway, tag=clean["tag"]).first()
                try:
                    services.save_sensor(
                        user=user, enterprise=gateway.enterprise, data=clean, sensor=sensor
                    )
                except ValidationError as exc:
                    for name, messages in exc.message_dict.items():
                        label = labels.get(name, name)
                        report.errors += [(number, label, m) for m in messages]
                    continue
                if sensor is None:
                    report.created += 1
                else:
                    report.updated += 1
            if report.errors:
                raise _Rollback
    except _Rollback:
        report.created = report.updated = 0
    except PermissionDenied:
        raise
    return report


class _Rollback(Exception):
    """Undo every row when any row failed on save."""
