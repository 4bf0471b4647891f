"""The hazard ledger (隐患台账) as an Excel workbook, in the columns an officer reports upward."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from anlan.core.excel import Column, style_header

COLUMNS = (
    Column("seq", gettext_lazy("No."), 6),
    Column("code", gettext_lazy("Number"), 18),
    Column("place", gettext_lazy("Enterprise or place"), 30),
    Column("region", gettext_lazy("Region"), 24),
    Column("description", gettext_lazy("Description"), 40),
    Column("category", gettext_lazy("Category"), 12),
    Column("level", gettext_lazy("Level"), 10),
    Column("channel", gettext_lazy("Channel"), 14),
    Column("found_at", gettext_lazy("Found"), 17),
    Column("status", gettext_lazy("Progress"), 12),
    Column("measures", gettext_lazy("Measures"), 30),
    Column("responsible", gettext_lazy("Responsible person"), 12),
    Column("funds", gettext_lazy("Funds (yuan)"), 12),
    Column("deadline", gettext_lazy("Deadline"), 12),
    Column("overdue", gettext_lazy("overdue"), 8),
    Column("closed_at", gettext_lazy("closed at"), 17),
)


def export_hazards(queryset) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Hazard ledger")[:31]
    ws.append([str(c.header) for c in COLUMNS])
    style_header(ws, list(COLUMNS))
    yes = _("yes")
    rows = queryset.select_related("region", "enterprise", "plan")
    for seq, h in enumerate(rows.iterator(chunk_size=500), start=1):
        plan = getattr(h, "plan", None)
        ws.append(
            [
                seq,
                h.code,
                h.place,
                h.region.full_name,
                h.description,
                str(h.get_category_display()),
                str(h.get_level_display()),
                str(h.get_channel_display()),
                timezone.localtime(h.found_at).strftime("%Y-%m-%d %H:%M"),
                str(h.get_status_display()),
                plan.measures if plan else "",
                plan.responsible_person if plan else "",
                float(plan.funds) if plan else None,
                h.deadline.isoformat() if h.deadline else "",
                yes if h.is_overdue else "",
                timezone.localtime(h.closed_at).strftime("%Y-%m-%d %H:%M") if h.closed_at else "",
            ]
        )
    ws.auto_filter.ref = ws.dimensions
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
