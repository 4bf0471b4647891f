"""The coverage report of the three-level network as an Excel workbook."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from anlan.core.excel import Column, style_header

COVERAGE_COLUMNS = (
    Column("seq", gettext_lazy("No."), 6),
    Column("enterprise", gettext_lazy("Enterprise"), 32),
    Column("region", gettext_lazy("Region"), 26),
    Column("industry", gettext_lazy("Industry"), 14),
    Column("self", gettext_lazy("Self-inspections"), 12),
    Column("mutual", gettext_lazy("Mutual inspections"), 12),
    Column("department", gettext_lazy("Department inspections"), 12),
    Column("none", gettext_lazy("None at all"), 10),
)


def export_coverage(report) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Coverage")[:31]
    ws.append([str(c.header) for c in COVERAGE_COLUMNS])
    style_header(ws, list(COVERAGE_COLUMNS))
    yes = _("yes")
    for seq, row in enumerate(report.rows, start=1):
        e = row.enterprise
        ws.append(
            [
                seq,
                e.name,
                e.region.full_name,
                str(e.get_industry_display()),
                row.self_count,
                row.mutual_count,
                row.department_count,
                yes if row.none else "",
            ]
        )
    totals = report.totals
    ws.append([])
    ws.append(
        [
            "",
            _("%(start)s to %(end)s: %(n)d enterprises")
            % {"start": report.start, "end": report.end, "n": totals["enterprises"]},
            "",
            "",
            totals["self"],
            totals["mutual"],
            totals["department"],
            totals["none"],
        ]
    )
    ws.auto_filter.ref = f"A1:H{len(report.rows) + 1}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
