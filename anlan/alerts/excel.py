"""Excel export of a warning's board: who was targeted, who acknowledged, what was done."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font


def _t(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def board_workbook(alert, targets) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Targets")[:31]
    ws.append([alert.headline or alert.event])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(
        [
            _("level"),
            alert.get_colour_display(),
            _("effective"),
            _t(alert.effective),
            _("expires"),
            _t(alert.expires),
        ]
    )
    ws.append([])
    header = [
        _("kind"),
        _("target"),
        _("region"),
        _("why targeted"),
        _("state"),
        _("acknowledge by"),
        _("acknowledged at"),
        _("acknowledged by"),
        _("report measures by"),
        _("measures taken"),
        _("measures reported at"),
        _("readiness raised to"),
        _("escalated at"),
    ]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for t in targets:
        ws.append(
            [
                t.get_kind_display(),
                t.name,
                t.region.full_name or t.region.name,
                t.reason,
                t.state_label,
                _t(t.ack_due),
                _t(t.acknowledged_at),
                str(t.acknowledged_by or ""),
                _t(t.measures_due),
                t.measures,
                _t(t.measures_at),
                t.readiness,
                _t(t.escalated_at),
            ]
        )
    for column, width in zip(
        "ABCDEFGHIJKLM", (10, 30, 24, 24, 12, 16, 16, 16, 16, 40, 16, 12, 16), strict=False
    ):
        ws.column_dimensions[column].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
