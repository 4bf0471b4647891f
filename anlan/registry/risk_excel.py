"""The risk list (风险清单) as an Excel workbook: one row per risk point."""

from __future__ import annotations

import io

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from anlan.core.excel import Column, style_header

from .choices import RISK_GRADE_HEX, RiskGrade

COLUMNS: tuple[Column, ...] = (
    Column("seq", gettext_lazy("No."), 6),
    Column("enterprise", gettext_lazy("Enterprise"), 30),
    Column("region", gettext_lazy("Region"), 20),
    Column("point", gettext_lazy("Risk point"), 24),
    Column("kind", gettext_lazy("Kind"), 12),
    Column("location", gettext_lazy("Location"), 20),
    Column("factors", gettext_lazy("Hazard factors"), 36),
    Column("method", gettext_lazy("Method"), 12),
    Column("values", gettext_lazy("Values"), 20),
    Column("score", gettext_lazy("Score"), 10),
    Column("grade", gettext_lazy("Grade"), 16),
    Column("measures", gettext_lazy("Control measures"), 48),
    Column("persons", gettext_lazy("Responsible persons"), 24),
)


def _row(seq: int, point) -> list:
    measures = list(point.measures.all())
    persons = dict.fromkeys(
        f"{m.responsible_name} {m.responsible_mobile}".strip() for m in measures
    )
    return [
        seq,
        point.enterprise.name,
        point.enterprise.region.full_name,
        point.name,
        str(point.get_kind_display()),
        point.location,
        "\n".join(point.factors),
        "LEC" if point.method == "lec" else "L×S",
        point.values_text,
        float(point.score),
        str(point.get_grade_display()),
        "\n".join(f"{i}. {m.text}（{m.frequency_text}）" for i, m in enumerate(measures, 1)),
        "\n".join(persons),
    ]


def export_risk_list(points: QuerySet) -> bytes:
    points = points.select_related("enterprise__region").prefetch_related("measures__person")
    points = points.order_by(
        "enterprise__region__code", "enterprise__name", "enterprise_id", "name", "pk"
    )
    wb = Workbook()
    ws = wb.active
    ws.title = _("Risk list")[:31]
    ws.append([str(c.header) for c in COLUMNS])
    style_header(ws, list(COLUMNS))
    grade_col = [c.key for c in COLUMNS].index("grade") + 1
    wrap = Alignment(wrap_text=True, vertical="top")
    for seq, point in enumerate(points.iterator(chunk_size=500), start=1):
        ws.append(_row(seq, point))
        for cell in ws[ws.max_row]:
            cell.alignment = wrap
        colour = RISK_GRADE_HEX.get(point.grade, "").lstrip("#")
        if colour:
            cell = ws.cell(row=ws.max_row, column=grade_col)
            cell.fill = PatternFill("solid", fgColor=colour.upper())
            cell.font = Font(
                bold=True, color="212529" if point.grade == RiskGrade.YELLOW else "FFFFFF"
            )
    ws.auto_filter.ref = ws.dimensions
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
