"""What the rescue Excel imports (members, equipment) share with the enterprise-ledger import:
reading the workbook (size and content checked), matching the header in any UI language, the
report of bad cells (row, column, reason), the template with drop-down lists and instructions,
cell parsers, and how the web form, the API and the CLI present a report.

All-or-nothing by default: one bad cell and nothing is saved; ``partial=True`` saves the good
rows and reports the rest.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema, Status
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from anlan.core.excel import style_header
from anlan.registry.excel import CellError, ImportReport, LedgerFileError, read_workbook

__all__ = ["CellError", "ImportReport", "LedgerFileError"]

TEMPLATE_ROWS = 2000
YES = {"yes", "y", "true", "1", "是", "√", "✓", "x"}
NO = {"", "no", "n", "false", "0", "否", "×"}


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel workbook (.xlsx)"))
    partial = forms.BooleanField(
        label=gettext_lazy("Import the good rows and report the rest"),
        required=False,
        help_text=gettext_lazy(
            "By default one bad cell stops the whole import and nothing is saved."
        ),
    )


# ---------------------------------------------------------------- cells


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def labels(value) -> set[str]:
    """A label in every UI language, lower-cased."""
    out = {str(value)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out.add(str(value))
    return {o.strip().lower() for o in out}


def choice_lookup(choices) -> dict[str, str]:
    """Slug or label (any UI language; "Squad (小队)" also as 小队) → stored value."""
    lookup = {}
    for value, label in choices.choices:
        lookup[str(value).lower()] = value
        for t in labels(label):
            lookup[t] = value
            if "(" in t and t.endswith(")"):
                lookup[t[t.index("(") + 1 : -1].strip()] = value
                lookup[t[: t.index("(")].strip()] = value
    return lookup


def parse_date(value) -> dt.date:
    """A date cell, or text such as 2024-06-01, 2024/6/1, 2024.6.1, 20240601; ValueError else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    for sep in ("/", ".", "年", "月"):
        raw = raw.replace(sep, "-")
    raw = raw.rstrip("日").strip("-")
    if raw.isdigit() and len(raw) == 8:
        raw = f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    parts = raw.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(raw)
    return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))


def parse_bool(value) -> bool:
    raw = text(value).lower()
    if raw in YES or raw in labels(_("yes")):
        return True
    if raw in NO or raw in labels(_("no")):
        return False
    raise ValueError(raw)


# ---------------------------------------------------------------- reading


def read_rows(data: bytes, columns) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {column key: cell}) for each non-empty row of the first sheet. Raises
    LedgerFileError for an unusable file (too large, not .xlsx, no header, too many rows)."""
    wb = read_workbook(data)
    rows = wb.worksheets[0].iter_rows(values_only=True)
    try:
        header = next(rows)
    except StopIteration:
        raise LedgerFileError(_("The first sheet is empty.")) from None
    lookup = {}
    for column in columns:
        lookup[column.key] = column.key
        for t in labels(column.header):
            lookup[t] = column.key
    positions: dict[str, int] = {}
    for index, title in enumerate(header or ()):
        key = lookup.get(text(title).lower())
        if key and key not in positions:
            positions[key] = index
    missing = [c for c in columns if c.required and c.key not in positions]
    if missing:
        raise LedgerFileError(
            _("The header row lacks the column(s): %s.") % "、".join(str(c.header) for c in missing)
        )
    body = []
    limit = settings.ANLAN_MAX_IMPORT_ROWS
    for number, raw in enumerate(rows, start=2):
        if raw and any(text(v) for v in raw):
            body.append(
                (number, {k: (raw[i] if i < len(raw) else None) for k, i in positions.items()})
            )
            if len(body) > limit:
                raise LedgerFileError(
                    _("The workbook has more than %(limit)d rows; split it into smaller files.")
                    % {"limit": limit}
                )
    if not body:
        raise LedgerFileError(_("The workbook has a header but no rows."))
    return body


def check_size(size: int) -> None:
    """Refuse an upload larger than ANLAN_MAX_UPLOAD_BYTES before reading it."""
    limit = settings.ANLAN_MAX_UPLOAD_BYTES
    if size > limit:
        raise LedgerFileError(
            _("The file is %(size).1f MB; the limit is %(limit).1f MB.")
            % {"size": size / 1e6, "limit": limit / 1e6}
        )


def add_errors(report_errors: list, row: int, columns, exc_dict: dict, field_to_column: dict):
    """Model ValidationError messages → CellErrors on the column of the field."""
    by_key = {c.key: c for c in columns}
    for name, messages in exc_dict.items():
        key = field_to_column.get(name, name)
        column = by_key.get(key)
        label = str(column.header) if column else str(by_key[columns[0].key].header)
        report_errors.extend(CellError(row, label, str(m)) for m in messages)


# ---------------------------------------------------------------- template


def build_template(
    *,
    title: str,
    columns,
    lists: dict[str, list[str]],
    hints: dict[str, Any],
    notes: list[str],
    extra_sheets: dict[str, list[list[Any]]] | None = None,
) -> bytes:
    """An empty sheet with the columns, drop-down lists (from an Options sheet) on the coded
    columns, any extra reference sheets and an Instructions sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = str(title)[:31]
    ws.append([str(c.header) for c in columns])
    style_header(ws, list(columns))
    keys = [c.key for c in columns]
    options = wb.create_sheet(_("Options")[:31])
    for index, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        column = columns[keys.index(key)]
        options.cell(row=1, column=index, value=str(column.header)).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            options.cell(row=row, column=index, value=value)
        options.column_dimensions[letter].width = 20
        if not values:
            continue
        target = get_column_letter(keys.index(key) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"'{options.title}'!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=not column.required,
            showErrorMessage=True,
            errorTitle=str(column.header),
            error=_("Choose a value from the list."),
        )
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS}")
        ws.add_data_validation(validation)
    for name, rows in (extra_sheets or {}).items():
        sheet = wb.create_sheet(str(name)[:31])
        for row in rows:
            sheet.append(row)
        sheet.column_dimensions["A"].width = 30
        sheet.column_dimensions["B"].width = 20
    sheet = wb.create_sheet(_("Instructions")[:31])
    sheet.append([_("Column"), _("Required"), _("What to enter")])
    for column in columns:
        sheet.append(
            [
                str(column.header),
                _("yes") if column.required else "",
                str(hints.get(column.key, "")),
            ]
        )
    sheet.append([])
    for note in notes:
        sheet.append([str(note)])
    sheet.append(
        [
            _(
                "One bad cell stops the whole import unless you choose to import the good rows; every bad cell is listed with its row, column and reason."
            )
        ]
    )
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["C"].width = 80
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- presenting


class LedgerImportErrorOut(Schema):
    row: int
    column: str
    reason: str


class LedgerImportReportOut(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int
    saved: bool
    bad_rows: int
    errors: list[LedgerImportErrorOut]


def api_response(run, upload):
    """Run an import for the API: 200 with the counts, or 422 with one detail per bad cell
    (``loc`` = body, file, row, column) and nothing saved, or 422 on the file."""
    try:
        check_size(upload.size or 0)
        report = run(upload.read())
    except LedgerFileError as exc:
        return Status(
            422, {"detail": [{"loc": ["body", "file"], "msg": str(exc), "type": "value_error"}]}
        )
    if report.errors and not report.saved:
        return Status(
            422,
            {
                "detail": [
                    {
                        "loc": ["body", "file", e.row, e.column],
                        "msg": e.reason,
                        "type": "value_error",
                    }
                    for e in report.errors
                ],
                "report": report.as_dict(),
            },
        )
    return Status(200, report.as_dict())


def summary(report: ImportReport) -> str:
    return (
        f"{report.rows} rows: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.bad_rows} skipped."
    )
