"""Shared pieces for the Excel ledgers every app exports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # lazy translation
    width: int = 14
    required: bool = False


def style_header(ws, columns: list[Column]) -> None:
    fill = PatternFill("solid", fgColor="1F4E79")
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"


def simple_workbook(title, columns: list[Column], rows, *, auto_filter: bool = False) -> bytes:
    """One sheet named ``title``: the styled header row of ``columns`` and then ``rows``."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = str(title)[:31]
    ws.append([str(c.header) for c in columns])
    style_header(ws, columns)
    n = 0
    for n, row in enumerate(rows, start=1):  # noqa: B007
        ws.append(row)
    if auto_filter:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n + 1}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
