"""Excel exports: 包保 checks and the strict-supervision list."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment

from anlan.core.excel import Column, style_header

CHECK_COLUMNS = [
    Column("enterprise", gettext_lazy("Enterprise"), 28),
    Column("source", gettext_lazy("major hazard source"), 22),
    Column("role", gettext_lazy("role"), 18),
    Column("person", gettext_lazy("responsible person"), 12),
    Column("start", gettext_lazy("period start"), 12),
    Column("end", gettext_lazy("period end"), 12),
    Column("status", gettext_lazy("status"), 10),
    Column("completed", gettext_lazy("completed at"), 17),
    Column("result", gettext_lazy("result"), 12),
    Column("findings", gettext_lazy("findings"), 40),
    Column("hazard", gettext_lazy("hazard opened from the findings"), 18),
]

STRICT_COLUMNS = [
    Column("date", gettext_lazy("date"), 12),
    Column("enterprise", gettext_lazy("Enterprise"), 28),
    Column("region", gettext_lazy("region"), 24),
    Column("codes", gettext_lazy("Reasons"), 24),
    Column("details", gettext_lazy("Details"), 80),
]


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _book(title: str, columns: list[Column], rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([str(c.header) for c in columns])
    style_header(ws, columns)
    for row in rows:
        ws.append(row)
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_checks(checks) -> bytes:
    rows = (
        [
            c.hazard_source.enterprise.name,
            c.hazard_source.name,
            c.get_role_display(),
            c.person_name,
            c.period_start,
            c.period_end,
            c.get_status_display(),
            _local(c.completed_at),
            c.get_result_display() if c.result else "",
            c.findings,
            c.hazard.code if c.hazard_id else "",
        ]
        for c in checks
    )
    return _book(_("包保 duty checks"), CHECK_COLUMNS, rows)


def export_strict(entries, labels: dict[str, str]) -> bytes:
    rows = (
        [
            e.date,
            e.enterprise.name,
            e.enterprise.region.full_name or e.enterprise.region.name,
            "、".join(labels.get(code, code) for code in e.codes),
            "\n".join(r.get("text", "") for r in e.reasons),
        ]
        for e in entries
    )
    return _book(_("Strict-supervision list"), STRICT_COLUMNS, rows)
