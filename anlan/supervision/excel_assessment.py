"""Assessments to Excel: a period's ranking table, and one assessment's score sheet."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment

from anlan.core.excel import Column, style_header

from . import assessment as services
from . import periods

RANKING_COLUMNS = [
    Column("rank", _l("rank"), 8),
    Column("unit", _l("member unit"), 28),
    Column("kind", _l("kind"), 16),
    Column("total", _l("total score"), 12),
    Column("grade", _l("Assessment grade"), 14),
    Column("vetoed", _l("vetoed"), 10),
    Column("veto_reason", _l("veto reason"), 30),
    Column("state", _l("state"), 12),
    Column("signed_at", _l("signed off at"), 18),
]

SHEET_COLUMNS = [
    Column("code", _l("code"), 10),
    Column("name", _l("name"), 40),
    Column("kind", _l("kind"), 16),
    Column("weight", _l("points"), 10),
    Column("rule", _l("scoring rule"), 24),
    Column("value", _l("value"), 12),
    Column("points", _l("points earned"), 12),
    Column("detail", _l("how it was computed"), 50),
    Column("evidence", _l("evidence"), 40),
]


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _local(moment):
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def export_ranking(scheme, period_start, assessments) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Ranking")[:31]
    columns = [Column(c.key, str(c.header), c.width) for c in RANKING_COLUMNS]
    ws.append([str(c.header) for c in columns])
    style_header(ws, columns)
    for a in assessments:
        ws.append(
            [
                a.rank,
                a.unit.name,
                a.unit.get_kind_display(),
                float(a.total) if a.total is not None else None,
                a.get_grade_display(),
                _("yes") if a.vetoed else "",
                a.veto_reason,
                a.get_state_display(),
                _local(a.signed_at),
            ]
        )
    ws.append([])
    ws.append([f"{scheme.name} {periods.period_label(scheme.period, period_start)}"])
    return _save(wb)


def _detail_text(detail: dict) -> str:
    return "; ".join(
        f"{key}={value}" for key, value in (detail or {}).items() if key not in ("tasks", "months")
    )


def export_sheet(assessment) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Scores")[:31]
    columns = [Column(c.key, str(c.header), c.width) for c in SHEET_COLUMNS]
    ws.append([str(c.header) for c in columns])
    style_header(ws, columns)
    scores = {s.indicator_id: s for s in assessment.scores.all()}
    for ind in services.tree(assessment.scheme):
        score = scores.get(ind.pk)
        ws.append(
            [
                ind.code,
                "　" * ind.depth + ind.name,
                ind.get_kind_display(),
                float(ind.weight),
                "" if ind.kind == "group" else ind.get_rule_display(),
                float(score.value) if score and score.value is not None else None,
                float(score.points) if score else None,
                _detail_text(score.detail) if score else "",
                score.evidence if score else "",
            ]
        )
        ws.cell(row=ws.max_row, column=2).alignment = Alignment(wrap_text=True)
    ws.append([])
    ws.append([_("total score"), float(assessment.total) if assessment.total is not None else None])
    ws.append([_("Assessment grade"), assessment.get_grade_display()])
    ws.append([_("rank"), assessment.rank])
    if assessment.vetoed:
        ws.append([_("veto reason"), assessment.veto_reason])
    return _save(wb)
