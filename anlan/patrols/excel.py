"""Excel exports: the patrol list and the due / missed list."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from anlan.core.excel import Column, style_header

from .choices import PatrolLevel

PATROL_COLUMNS = (
    Column("seq", gettext_lazy("No."), 6),
    Column("started_at", gettext_lazy("started at"), 17),
    Column("kind", gettext_lazy("kind"), 14),
    Column("enterprise", gettext_lazy("Enterprise"), 32),
    Column("region", gettext_lazy("Region"), 26),
    Column("patroller", gettext_lazy("patroller"), 20),
    Column("level", gettext_lazy("patroller's level"), 10),
    Column("items", gettext_lazy("what was looked at"), 36),
    Column("result", gettext_lazy("result"), 12),
    Column("findings", gettext_lazy("Findings"), 9),
    Column("hazards", gettext_lazy("Hazards"), 24),
    Column("summary", gettext_lazy("summary"), 40),
)
DUE_COLUMNS = (
    Column("seq", gettext_lazy("No."), 6),
    Column("enterprise", gettext_lazy("Enterprise"), 32),
    Column("region", gettext_lazy("Region"), 26),
    Column("level", gettext_lazy("Level"), 10),
    Column("last", gettext_lazy("Last patrol"), 17),
    Column("days", gettext_lazy("Days since"), 10),
    Column("limit", gettext_lazy("Limit (days)"), 10),
    Column("due_on", gettext_lazy("Due on"), 12),
    Column("missed", gettext_lazy("Missed"), 8),
)


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_patrols(patrols) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Online patrols")[:31]
    ws.append([str(c.header) for c in PATROL_COLUMNS])
    style_header(ws, list(PATROL_COLUMNS))
    n = 0
    for n, p in enumerate(patrols, start=1):
        findings = list(p.findings.all())
        ws.append(
            [
                n,
                timezone.localtime(p.started_at).strftime("%Y-%m-%d %H:%M"),
                str(p.get_kind_display()),
                p.enterprise.name,
                p.enterprise.region.full_name,
                str(p.patroller.display_name or p.patroller.username),
                str(p.get_level_display()) if p.level else "",
                "、".join(p.item_labels),
                str(p.get_result_display()),
                len(findings),
                "、".join(f.hazard.code for f in findings if f.hazard_id and f.hazard.code),
                p.summary,
            ]
        )
    ws.auto_filter.ref = f"A1:L{n + 1}"
    return _save(wb)


def export_due(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Due and missed patrols")[:31]
    ws.append([str(c.header) for c in DUE_COLUMNS])
    style_header(ws, list(DUE_COLUMNS))
    yes = _("yes")
    n = 0
    for n, r in enumerate(rows, start=1):
        ws.append(
            [
                n,
                r.enterprise.name,
                r.enterprise.region.full_name,
                str(PatrolLevel(r.level).label),
                timezone.localtime(r.last_patrol_at).strftime("%Y-%m-%d %H:%M")
                if r.last_patrol_at
                else _("never"),
                r.days_since,
                r.limit_days,
                r.due_on.isoformat(),
                yes if r.missed else "",
            ]
        )
    ws.auto_filter.ref = f"A1:I{n + 1}"
    return _save(wb)
