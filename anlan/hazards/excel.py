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


REWARD_COLUMNS = (
    Column("seq", gettext_lazy("No."), 6),
    Column("kind", gettext_lazy("Kind"), 20),
    Column("source", gettext_lazy("Tip-off or hazard"), 18),
    Column("region", gettext_lazy("Region"), 24),
    Column("basis", gettext_lazy("Basis"), 24),
    Column("amount", gettext_lazy("Amount (yuan)"), 12),
    Column("status", gettext_lazy("Status"), 16),
    Column("proposed_at", gettext_lazy("Proposed"), 17),
    Column("decided_at", gettext_lazy("Decided"), 17),
    Column("claim_by", gettext_lazy("Claim by"), 12),
    Column("paid_at", gettext_lazy("Paid"), 17),
    Column("reference", gettext_lazy("Payout reference"), 18),
    Column("funded_by", gettext_lazy("Funded by"), 24),
)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export_rewards(queryset) -> bytes:
    """The reward ledger. No payee or reporter identity: those stay sealed."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Rewards")[:31]
    ws.append([str(c.header) for c in REWARD_COLUMNS])
    style_header(ws, list(REWARD_COLUMNS))
    rows = queryset.select_related("tip_off", "hazard", "enterprise", "region")
    for seq, r in enumerate(rows.iterator(chunk_size=500), start=1):
        ws.append(
            [
                seq,
                str(r.get_kind_display()),
                r.tip_off.code if r.tip_off_id else (r.hazard.code if r.hazard_id else ""),
                r.region.full_name,
                str(r.get_basis_display()),
                float(r.amount),
                str(r.get_status_display()),
                _when(r.proposed_at),
                _when(r.decided_at),
                r.claim_by.isoformat() if r.claim_by else "",
                _when(r.paid_at),
                r.payout_reference,
                r.enterprise.name if r.enterprise_id else str(_("Government reward fund")),
            ]
        )
    ws.auto_filter.ref = ws.dimensions
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
