"""Excel exports: the team board and the coverage analysis."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from anlan.core.excel import Column, style_header

from .choices import Readiness

BOARD_COLUMNS = (
    Column("seq", gettext_lazy("No."), 6),
    Column("team", gettext_lazy("team"), 30),
    Column("kind", gettext_lazy("kind"), 22),
    Column("region", gettext_lazy("region served"), 24),
    Column("status", gettext_lazy("status"), 10),
    Column("on_duty", gettext_lazy("On duty now"), 24),
    Column("readiness", gettext_lazy("readiness"), 16),
    Column("members", gettext_lazy("Members"), 9),
    Column("breathing", gettext_lazy("Breathing sets"), 10),
    Column("phone", gettext_lazy("24-hour duty phone"), 16),
)
COVERAGE_COLUMNS = (
    Column("seq", gettext_lazy("No."), 6),
    Column("mine", gettext_lazy("Mine"), 32),
    Column("region", gettext_lazy("Region"), 26),
    Column("flags", gettext_lazy("risk flags"), 20),
    Column("team", gettext_lazy("Nearest qualified team"), 30),
    Column("km", gettext_lazy("Road distance (km)"), 12),
    Column("eta", gettext_lazy("Estimated arrival (min)"), 12),
    Column("covered", gettext_lazy("Within the limit"), 10),
)


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_board(facts) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Rescue teams")[:31]
    ws.append([str(c.header) for c in BOARD_COLUMNS])
    style_header(ws, list(BOARD_COLUMNS))
    for n, f in enumerate(facts, start=1):
        shift = f.shift
        duty = ""
        if shift:
            duty = f"{shift.unit.name + ' ' if shift.unit_id else ''}{shift.commander.name}"
        ws.append(
            [
                n,
                f.team.name,
                f.team.get_kind_display(),
                f.team.region.full_name,
                f.team.get_status_display(),
                duty or _("Off duty"),
                str(Readiness(f.readiness).label),
                f.members,
                f.breathing_sets,
                f.team.duty_phone,
            ]
        )
    return _save(wb)


def export_coverage(result) -> bytes:
    from anlan.registry.choices import EnterpriseRiskFlag

    wb = Workbook()
    ws = wb.active
    ws.title = _("Coverage")[:31]
    ws.append([str(c.header) for c in COVERAGE_COLUMNS])
    style_header(ws, list(COVERAGE_COLUMNS))
    for n, r in enumerate(result.rows, start=1):
        ws.append(
            [
                n,
                r.enterprise.name,
                r.enterprise.region.full_name,
                "、".join(str(EnterpriseRiskFlag(f).label) for f in r.flags),
                r.site.name if r.site else "",
                None if r.road_km is None else round(r.road_km, 1),
                None if r.eta_minutes is None else round(r.eta_minutes, 1),
                _("Yes") if r.covered else _("No"),
            ]
        )
    return _save(wb)
