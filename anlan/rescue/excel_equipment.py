"""Excel exports: the equipment ledger and the due / overdue checks."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from anlan.core.excel import Column, style_header

ITEM_COLUMNS = (
    Column("seq", gettext_lazy("No."), 6),
    Column("team", gettext_lazy("team"), 24),
    Column("type", gettext_lazy("equipment type"), 28),
    Column("category", gettext_lazy("category"), 14),
    Column("serial", gettext_lazy("serial number"), 16),
    Column("card", gettext_lazy("equipment card number"), 14),
    Column("quantity", gettext_lazy("quantity"), 8),
    Column("status", gettext_lazy("status"), 10),
    Column("location", gettext_lazy("kept at"), 20),
    Column("pool", gettext_lazy("in the shared pool"), 10),
    Column("since", gettext_lazy("in service since"), 12),
    Column("retired", gettext_lazy("retired on"), 12),
)
DUE_COLUMNS = (
    Column("seq", gettext_lazy("No."), 6),
    Column("team", gettext_lazy("team"), 24),
    Column("item", gettext_lazy("item"), 32),
    Column("kind", gettext_lazy("check"), 18),
    Column("every", gettext_lazy("every (days)"), 10),
    Column("last", gettext_lazy("Last check"), 17),
    Column("due", gettext_lazy("Due at"), 17),
    Column("overdue", gettext_lazy("Overdue"), 8),
)


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _sheet(title: str, columns):
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([str(c.header) for c in columns])
    style_header(ws, list(columns))
    return wb, ws


def export_items(items) -> bytes:
    wb, ws = _sheet(_("Equipment ledger"), ITEM_COLUMNS)
    yes = _("yes")
    n = 0
    for n, item in enumerate(items, start=1):
        ws.append(
            [
                n,
                item.team.name,
                str(item.equipment_type),
                str(item.equipment_type.get_category_display()),
                item.serial_number,
                item.card_number,
                item.quantity,
                str(item.get_status_display()),
                item.location,
                yes if item.in_shared_pool else "",
                item.commissioned_on.isoformat() if item.commissioned_on else "",
                item.retired_on.isoformat() if item.retired_on else "",
            ]
        )
    ws.auto_filter.ref = f"A1:L{n + 1}"
    return _save(wb)


def export_due(rows) -> bytes:
    wb, ws = _sheet(_("Equipment checks due"), DUE_COLUMNS)
    yes = _("yes")
    n = 0
    for n, row in enumerate(rows, start=1):
        ws.append(
            [
                n,
                row.item.team.name,
                str(row.item),
                row.kind_label,
                row.interval_days,
                _when(row.last_checked_at) or _("never"),
                _when(row.due_at),
                yes if row.overdue else "",
            ]
        )
    ws.auto_filter.ref = f"A1:H{n + 1}"
    return _save(wb)
