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
