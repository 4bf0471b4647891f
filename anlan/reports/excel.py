"""Quarterly hazard reports as Excel: one report, and a quarter's submission overview."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from anlan.core.excel import Column, style_header
from anlan.hazards.choices import HazardCategory

from .choices import SubmissionState
from .quarterly import submission_summary, submissions


def category_rows(report) -> list[dict]:
    return [
        {"code": value, "name": str(label), "count": report.by_category[value]}
        for value, label in HazardCategory.choices
        if report.by_category.get(value)
    ]


def _rate(value) -> str:
    return "—" if value is None else f"{value}%"


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def report_rows(report) -> list[tuple[str, object]]:
    """(label, value) for every line of the report, in the order the page shows them."""
    return [
        (_("General hazards found"), report.found_general),
        (_("General hazards rectified"), report.closed_general),
        (_("Rectification rate, general"), _rate(report.general_rate)),
        (_("Major hazards found"), report.found_major),
        (_("Major hazards rectified"), report.closed_major),
        (_("Rectification rate, major"), _rate(report.major_rate)),
        (_("Rectification rate (整改率)"), _rate(report.rectification_rate)),
        (_("Open at quarter end"), report.open_at_end),
        (_("Overdue at quarter end"), report.overdue_at_end),
        (_("Major hazards open at quarter end"), report.open_major_at_end),
        (_("Major hazards open with a rectification plan"), report.major_with_plan),
        (_("Major hazards listed for supervision (挂牌督办)"), report.listed),
        (_("Funds planned for rectification (yuan)"), float(report.planned_funds)),
    ]


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_report(report) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Quarterly report")[:31]
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 36
    ws.append([_("Quarterly hazard statistics report (隐患排查治理情况季度统计报表)")])
    ws["A1"].font = Font(bold=True, size=13)
    head = [
        (_("Enterprise"), report.enterprise.name),
        (_("Credit code"), report.enterprise.uscc),
        (_("Region"), report.enterprise.region.full_name),
        (_("Quarter"), report.period),
        (_("Due by"), report.due_date.isoformat()),
        (_("Report status"), str(report.get_status_display())),
        (_("Submitted at"), _when(report.submitted_at)),
        (_("Submitted late"), _("yes") if report.is_submitted and report.is_late else ""),
        (_("Figures as of"), _when(report.as_of)),
    ]
    for row in head:
        ws.append(row)
    ws.append([])
    ws.append([_("Figure"), _("Value")])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for label, value in report_rows(report):
        ws.append([label, value])
    ws.append([])
    ws.append([_("Hazards found by category"), _("Count")])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in category_rows(report):
        ws.append([row["name"], row["count"]])
    ws.append([])
    ws.append([_("Remarks"), report.remarks])
    ws.cell(row=ws.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    return _save(wb)


SUMMARY_COLUMNS = (
    Column("seq", gettext_lazy("No."), 6),
    Column("enterprise", gettext_lazy("Enterprise"), 32),
    Column("region", gettext_lazy("Region"), 26),
    Column("state", gettext_lazy("Submission"), 16),
    Column("submitted_at", gettext_lazy("Submitted at"), 17),
    Column("found_general", gettext_lazy("General found"), 10),
    Column("closed_general", gettext_lazy("General rectified"), 10),
    Column("found_major", gettext_lazy("Major found"), 10),
    Column("closed_major", gettext_lazy("Major rectified"), 10),
    Column("rate", gettext_lazy("Rectification rate"), 10),
    Column("open_at_end", gettext_lazy("Open at quarter end"), 10),
    Column("overdue_at_end", gettext_lazy("Overdue at quarter end"), 10),
    Column("listed", gettext_lazy("Listed (挂牌督办)"), 10),
    Column("planned_funds", gettext_lazy("Planned funds (yuan)"), 14),
)


def export_summary(user, year: int, quarter: int, *, region: str = "") -> bytes:
    """One row per expected enterprise in the user's scope with its submission state and, when
    submitted, its figures; a totals row at the end."""
    from .models import QuarterlyHazardReport

    summary = submission_summary(user, year, quarter, region=region)
    wb = Workbook()
    ws = wb.active
    ws.title = (_("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter})[:31]
    ws.append([str(c.header) for c in SUMMARY_COLUMNS])
    style_header(ws, list(SUMMARY_COLUMNS))
    rows = submissions(user, year, quarter, region=region)
    submitted = {
        r.enterprise_id: r
        for r in QuarterlyHazardReport.objects.filter(
            enterprise__in=rows.order_by().values("pk"), year=year, quarter=quarter
        ).submitted()
    }
    for seq, enterprise in enumerate(rows.iterator(chunk_size=500), start=1):
        report = submitted.get(enterprise.pk)
        figures = (
            [
                report.found_general,
                report.closed_general,
                report.found_major,
                report.closed_major,
                _rate(report.rectification_rate),
                report.open_at_end,
                report.overdue_at_end,
                report.listed,
                float(report.planned_funds),
            ]
            if report
            else [None] * 9
        )
        ws.append(
            [
                seq,
                enterprise.name,
                enterprise.region.full_name,
                str(SubmissionState(enterprise.state).label),
                _when(enterprise.submitted_at),
                *figures,
            ]
        )
    f = summary["figures"]
    ws.append(
        [
            "",
            _(
                "Total: %(expected)s enterprises, %(submitted)s submitted (%(late)s late), "
                "%(missing)s not submitted"
            )
            % {
                "expected": summary["expected"],
                "submitted": summary["on_time"] + summary["late"],
                "late": summary["late"],
                "missing": summary["not_submitted"],
            },
            "",
            "",
            "",
            f["found_general"],
            f["closed_general"],
            f["found_major"],
            f["closed_major"],
            _rate(f["rectification_rate"]),
            f["open_at_end"],
            f["overdue_at_end"],
            f["listed"],
            float(f["planned_funds"]),
        ]
    )
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    return _save(wb)
