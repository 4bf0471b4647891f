"""The enterprise ledger (企业台账) as an Excel workbook: export, and import with a report of
every bad cell (row, column, reason).

Import is all-or-nothing by default: one bad cell and nothing is saved. ``partial=True`` saves
the good rows and reports the rest. Rows are matched to existing enterprises by credit code.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from anlan.core.choices import RegionLevel
from anlan.core.excel import Column, style_header
from anlan.core.models import Region
from anlan.core.validators import normalize_mobile, normalize_uscc

from . import services
from .choices import (
    EnterpriseIndustry,
    EnterpriseRiskFlag,
    EnterpriseSize,
    EnterpriseStatus,
    PersonPost,
)
from .models import Enterprise, ResponsiblePerson, RiskFlag

XLSX_MAGIC = b"PK\x03\x04"
IN_CHUNK = 900
FLAG_SEPARATORS = ("、", "，", ",", ";", "；", "/")


COLUMNS: tuple[Column, ...] = (
    Column("seq", gettext_lazy("No."), 6),  # export only; ignored on import
    Column("name", gettext_lazy("Enterprise name"), 32, True),
    Column("uscc", gettext_lazy("Unified social credit code"), 22, True),
    Column("industry", gettext_lazy("Industry"), 14, True),
    Column("industry_code", gettext_lazy("GB/T 4754 code"), 12),
    Column("risk_flags", gettext_lazy("Risk flags"), 28),
    Column("region_code", gettext_lazy("Region code"), 14, True),
    Column("region_name", gettext_lazy("Region"), 20),
    Column("address", gettext_lazy("Address"), 36),
    Column("longitude", gettext_lazy("Longitude"), 12),
    Column("latitude", gettext_lazy("Latitude"), 12),
    Column("size", gettext_lazy("Size"), 8),
    Column("headcount", gettext_lazy("Headcount"), 10),
    Column("status", gettext_lazy("Status"), 12),
    Column("principal_name", gettext_lazy("Principal"), 12),
    Column("principal_mobile", gettext_lazy("Principal's mobile"), 14),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
EXPORT_ONLY = {"seq"}
TEMPLATE_ROWS = 5000  # rows of the template that carry the drop-down lists
COLUMN_HINTS = {
    "name": gettext_lazy("The registered name."),
    "uscc": gettext_lazy(
        "18 characters; the last is a check character. A known code updates that enterprise."
    ),
    "industry": gettext_lazy("Choose from the list."),
    "industry_code": gettext_lazy("Optional, e.g. 0610 or B0610."),
    "risk_flags": gettext_lazy("Names from the Options sheet, separated by 、 or commas."),
    "region_code": gettext_lazy("A county, township or village code from the Regions sheet."),
    "region_name": gettext_lazy("Optional when the code is given; a name alone must be unique."),
    "address": gettext_lazy("Optional."),
    "longitude": gettext_lazy("Decimal degrees, e.g. 111.77; give both coordinates or neither."),
    "latitude": gettext_lazy("Decimal degrees, e.g. 36.85."),
    "size": gettext_lazy("Choose from the list."),
    "headcount": gettext_lazy("A whole number."),
    "status": gettext_lazy("Choose from the list."),
    "principal_name": gettext_lazy("Optional: the principal (主要负责人)."),
    "principal_mobile": gettext_lazy("11-digit mobile number of the principal."),
}


def _labels_in_all_languages(text) -> set[str]:
    out = {str(text)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out.add(str(text))
    return {o.strip().lower() for o in out}


def _choice_lookup(choices) -> dict[str, str]:
    """Map slug and label (in every UI language) to the stored value."""
    lookup = {}
    for value, label in choices.choices:
        lookup[str(value).lower()] = value
        for text in _labels_in_all_languages(label):
            lookup[text] = value
            # "Principal (主要负责人)" style labels also match their Chinese part alone.
            if "(" in text and text.endswith(")"):
                lookup[text[text.index("(") + 1 : -1].strip()] = value
    return lookup


def _header_lookup() -> dict[str, str]:
    lookup = {}
    for column in COLUMNS:
        lookup[column.key] = column.key
        for text in _labels_in_all_languages(column.header):
            lookup[text] = column.key
    return lookup


# ---------------------------------------------------------------- export


def _cell_values(
    enterprise: Enterprise, principal: ResponsiblePerson | None, seq: int
) -> dict[str, Any]:
    return {
        "seq": seq,
        "name": enterprise.name,
        "uscc": enterprise.uscc,
        "industry": str(enterprise.get_industry_display()),
        "industry_code": enterprise.industry_code,
        "risk_flags": "、".join(str(f.label) for f in enterprise.risk_flags.all()),
        "region_code": enterprise.region.code,
        "region_name": enterprise.region.name,
        "address": enterprise.address,
        "longitude": float(enterprise.longitude) if enterprise.longitude is not None else None,
        "latitude": float(enterprise.latitude) if enterprise.latitude is not None else None,
        "size": str(enterprise.get_size_display()),
        "headcount": enterprise.headcount,
        "status": str(enterprise.get_status_display()),
        "principal_name": principal.name if principal else "",
        "principal_mobile": principal.mobile if principal else "",
    }


def parse_columns(raw: str | Iterable[str] | None) -> list[Column]:
    """Columns an officer chose, by key; unknown keys are refused naming them."""
    if not raw:
        return list(COLUMNS)
    keys = [k.strip() for k in (raw.split(",") if isinstance(raw, str) else raw) if k.strip()]
    unknown = [k for k in keys if k not in COLUMN_BY_KEY]
    if unknown:
        raise ValidationError(
            {
                "columns": _("Unknown column(s): %(cols)s. Known: %(known)s")
                % {"cols": ", ".join(unknown), "known": ", ".join(COLUMN_BY_KEY)}
            }
        )
    return [COLUMN_BY_KEY[k] for k in keys]


def export_enterprises(
    queryset,
    *,
    columns: list[Column] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    columns = columns or list(COLUMNS)
    queryset = queryset.select_related("region").prefetch_related("risk_flags")
    principals = {
        p.enterprise_id: p
        for p in ResponsiblePerson.objects.filter(
            enterprise__in=queryset.values("pk"), post=PersonPost.PRINCIPAL
        ).order_by("enterprise_id", "-pk")
    }
    wb = Workbook()
    ws = wb.active
    ws.title = _("Enterprise ledger")[:31]
    ws.append([str(c.header) for c in columns])
    style_header(ws, columns)
    total = queryset.count()
    for done, enterprise in enumerate(queryset.iterator(chunk_size=500), start=1):
        values = _cell_values(enterprise, principals.get(enterprise.pk), done)
        ws.append([values[c.key] for c in columns])
        if progress:
            progress(done, total)
    ws.auto_filter.ref = ws.dimensions
    meta = wb.create_sheet(_("About")[:31])
    meta.append([_("Exported at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    meta.append([_("Rows"), total])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def ledger_template(*, user) -> bytes:
    """An empty ledger to fill in: the import columns, drop-down lists for the coded columns,
    a sheet of instructions and a sheet of the regions the user may use."""
    columns = [c for c in COLUMNS if c.key not in EXPORT_ONLY]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Enterprise ledger")[:31]
    ws.append([str(c.header) for c in columns])
    style_header(ws, columns)

    options = wb.create_sheet(_("Options")[:31])
    lists = {
        "industry": [str(label) for _v, label in EnterpriseIndustry.choices],
        "size": [str(label) for _v, label in EnterpriseSize.choices],
        "status": [str(label) for _v, label in EnterpriseStatus.choices],
        "risk_flags": [str(label) for _v, label in EnterpriseRiskFlag.choices],
    }
    for index, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        options.cell(row=1, column=index, value=str(COLUMN_BY_KEY[key].header)).font = Font(
            bold=True
        )
        for row, value in enumerate(values, start=2):
            options.cell(row=row, column=index, value=value)
        options.column_dimensions[letter].width = 18
        if key == "risk_flags":
            continue  # several flags per cell: no drop-down, see the instructions
        target = get_column_letter([c.key for c in columns].index(key) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"'{options.title}'!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=not COLUMN_BY_KEY[key].required,
            showErrorMessage=True,
            errorTitle=str(COLUMN_BY_KEY[key].header),
            error=_("Choose a value from the list."),
        )
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS}")
        ws.add_data_validation(validation)

    regions = wb.create_sheet(_("Regions")[:31])
    regions.append(
        [str(COLUMN_BY_KEY["region_code"].header), str(COLUMN_BY_KEY["region_name"].header)]
    )
    usable = Region.objects.visible_to(user).filter(
        level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]
    )
    for region in usable.order_by("code"):
        regions.append([region.code, region.full_name])
    regions.column_dimensions["A"].width = 16
    regions.column_dimensions["B"].width = 40

    notes = wb.create_sheet(_("Instructions")[:31])
    notes.append([_("Column"), _("Required"), _("What to enter")])
    for column in columns:
        notes.append(
            [
                str(column.header),
                _("yes") if column.required else "",
                str(COLUMN_HINTS.get(column.key, "")),
            ]
        )
    notes.append([])
    notes.append(
        [
            _(
                "One bad cell stops the whole import unless you choose to import the good rows; every bad cell is listed with its row, column and reason."
            )
        ]
    )
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["C"].width = 80
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- import


@dataclass
class CellError:
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    errors: list[CellError] = field(default_factory=list)
    saved: bool = False

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "saved": self.saved,
            "bad_rows": self.bad_rows,
            "errors": [e.as_dict() for e in self.errors],
        }


class LedgerFileError(ValueError):
    """The file as a whole cannot be read as a ledger (not Excel, too large, no header...)."""


def read_workbook(data: bytes):
    limit = settings.ANLAN_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise LedgerFileError(
            _("The file is %(size).1f MB; the limit is %(limit).1f MB.")
            % {"size": len(data) / 1e6, "limit": limit / 1e6}
        )
    if not data.startswith(XLSX_MAGIC):
        raise LedgerFileError(
            _("This is not an Excel .xlsx workbook (the content is not a .xlsx file).")
        )
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise LedgerFileError(
            _("The workbook cannot be read: it is damaged or not .xlsx.")
        ) from exc


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _RowParser:
    def __init__(self, user):
        self.user = user
        self.industries = _choice_lookup(EnterpriseIndustry)
        self.flags = _choice_lookup(EnterpriseRiskFlag)
        self.sizes = _choice_lookup(EnterpriseSize)
        self.statuses = _choice_lookup(EnterpriseStatus)
        self.regions = {r.code: r for r in Region.objects.visible_to(user)}
        self.regions_by_name: dict[str, list[Region]] = {}
        for region in self.regions.values():
            self.regions_by_name.setdefault(region.name, []).append(region)

    def parse(
        self, cells: dict[str, Any]
    ) -> tuple[dict[str, Any], list[str] | None, dict, dict[str, str]]:
        """Return (enterprise data, flag codes, principal data, {column: reason})."""
        errors: dict[str, str] = {}
        data: dict[str, Any] = {}
        for key in ("name", "address", "industry_code"):
            if key in cells:
                data[key] = _text(cells[key])
        if "uscc" in cells:
            data["uscc"] = normalize_uscc(_text(cells["uscc"]))
        for key, lookup in (
            ("industry", self.industries),
            ("size", self.sizes),
            ("status", self.statuses),
        ):
            if key in cells and _text(cells[key]):
                value = lookup.get(_text(cells[key]).lower())
                if value is None:
                    errors[key] = _("%(value)r is not a known %(what)s.") % {
                        "value": _text(cells[key]),
                        "what": str(COLUMN_BY_KEY[key].header),
                    }
                else:
                    data[key] = value
        code, name = _text(cells.get("region_code")), _text(cells.get("region_name"))
        if code:
            region = self.regions.get(code)
            if region is None:
                errors["region_code"] = (
                    _("Region code %s is unknown or outside your jurisdiction.") % code
                )
            else:
                data["region"] = region
        elif name:
            matches = self.regions_by_name.get(name, [])
            if len(matches) == 1:
                data["region"] = matches[0]
            else:
                errors["region_name"] = (
                    _("Region %s is unknown or ambiguous; give the region code.") % name
                )
        for key in ("longitude", "latitude"):
            raw = _text(cells.get(key))
            if key in cells:
                if not raw:
                    data[key] = None
                else:
                    try:
                        data[key] = Decimal(raw).quantize(Decimal("0.000001"))
                    except InvalidOperation:
                        errors[key] = _("%r is not a number.") % raw
        if "headcount" in cells and _text(cells["headcount"]):
            raw = _text(cells["headcount"])
            if raw.isdigit():
                data["headcount"] = int(raw)
            else:
                errors["headcount"] = _("Headcount must be a whole number, not %r.") % raw
        flags = None
        if "risk_flags" in cells:
            raw = _text(cells["risk_flags"])
            for sep in FLAG_SEPARATORS[1:]:
                raw = raw.replace(sep, FLAG_SEPARATORS[0])
            flags = []
            for part in filter(None, (p.strip() for p in raw.split(FLAG_SEPARATORS[0]))):
                value = self.flags.get(part.lower())
                if value is None:
                    errors["risk_flags"] = _("%r is not a known risk flag.") % part
                else:
                    flags.append(value)
        principal = {}
        if _text(cells.get("principal_name")) or _text(cells.get("principal_mobile")):
            principal = {
                "name": _text(cells.get("principal_name")),
                "mobile": normalize_mobile(_text(cells.get("principal_mobile"))),
            }
        return data, flags, principal, errors


FIELD_TO_COLUMN = {"region": "region_code"}
PERSON_FIELD_TO_COLUMN = {"name": "principal_name", "mobile": "principal_mobile"}


def _column_label(key: str) -> str:
    column = COLUMN_BY_KEY.get(key)
    return str(column.header) if column else key


def import_enterprises(
    data: bytes,
    *,
    user,
    partial: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a ledger. Raises LedgerFileError when the file as a whole is unusable."""
    wb = read_workbook(data)
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header = next(rows)
    except StopIteration:
        raise LedgerFileError(_("The first sheet is empty.")) from None
    lookup = _header_lookup()
    positions: dict[str, int] = {}
    for index, title in enumerate(header or ()):
        key = lookup.get(_text(title).lower())
        if key and key not in positions:
            positions[key] = index
    missing = [c for c in COLUMNS if c.required and c.key not in positions]
    if "region_code" in [c.key for c in missing] and "region_name" in positions:
        missing = [c for c in missing if c.key != "region_code"]
    if missing:
        raise LedgerFileError(
            _("The header row lacks the column(s): %s.") % "、".join(str(c.header) for c in missing)
        )
    body = []
    limit = settings.ANLAN_MAX_IMPORT_ROWS
    for r in rows:
        if r and any(_text(v) for v in r):
            body.append(r)
            if len(body) > limit:
                raise LedgerFileError(
                    _("The ledger has more than %(limit)d rows; split it into smaller files.")
                    % {"limit": limit}
                )
    if not body:
        raise LedgerFileError(_("The ledger has a header but no rows."))
    parser = _RowParser(user)
    report = ImportReport(rows=len(body))
    codes = list(
        dict.fromkeys(
            normalize_uscc(_text(r[positions["uscc"]])) for r in body if len(r) > positions["uscc"]
        )
    )
    existing: dict[str, Enterprise] = {}
    visible_ids: set[int] = set()
    visible = Enterprise.objects.visible_to(user)
    for start in range(0, len(codes), IN_CHUNK):  # stay under SQLite's parameter limit
        chunk = codes[start : start + IN_CHUNK]
        existing.update(
            (e.uscc, e)
            for e in Enterprise.objects.filter(uscc__in=chunk)
            .select_related("region")
            .prefetch_related("risk_flags", "responsible_persons")
        )
        visible_ids.update(visible.filter(uscc__in=chunk).values_list("pk", flat=True))
    seen: dict[str, int] = {}
    planned = []
    for offset, raw in enumerate(body):
        row_number = offset + 2
        cells = {key: (raw[i] if i < len(raw) else None) for key, i in positions.items()}
        values, flags, principal, errors = parser.parse(cells)
        row_errors = [CellError(row_number, _column_label(k), str(v)) for k, v in errors.items()]
        uscc = values.get("uscc", "")
        if uscc and uscc in seen:
            row_errors.append(
                CellError(row_number, _column_label("uscc"), _("Same code as row %d.") % seen[uscc])
            )
        seen.setdefault(uscc, row_number)
        enterprise = existing.get(uscc)
        if enterprise is not None and enterprise.pk not in visible_ids:
            row_errors.append(
                CellError(
                    row_number,
                    _column_label("uscc"),
                    _("An enterprise outside your jurisdiction already has this code."),
                )
            )
            enterprise = None
        if not row_errors:
            target = enterprise or Enterprise()
            before = services.snapshot(target) if enterprise else None
            try:
                services.prepare_enterprise(
                    user=user, data=values, enterprise=target, check_unique=False
                )
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    if name in errors:
                        continue
                    column = FIELD_TO_COLUMN.get(name, name)
                    row_errors.extend(
                        CellError(row_number, _column_label(column), m) for m in messages
                    )
            except PermissionDenied as exc:
                row_errors.append(CellError(row_number, _column_label("name"), str(exc)))
            if principal and not row_errors:
                person = ResponsiblePerson(
                    enterprise=target, post=PersonPost.PRINCIPAL, **principal
                )
                try:
                    person.full_clean(exclude=["enterprise", "id_number"])
                except ValidationError as exc:
                    for name, messages in exc.message_dict.items():
                        column = PERSON_FIELD_TO_COLUMN.get(name, name)
                        row_errors.extend(
                            CellError(row_number, _column_label(column), m) for m in messages
                        )
        if row_errors:
            report.errors.extend(row_errors)
        else:
            # Validated once here; the save step below stores the prepared object as it is.
            planned.append((target, before, flags, principal))
        if progress:
            progress(offset + 1, len(body) * 2)
    if report.errors and not partial:
        return report
    flags_by_code = {f.code: f for f in RiskFlag.objects.all()}
    reason = _("Excel import")
    new_rows = [(t, flags, principal) for t, before, flags, principal in planned if before is None]
    try:
        with transaction.atomic():
            for done, (target, before, flags, principal) in enumerate(
                (p for p in planned if p[1] is not None), start=1
            ):
                changed = services.store_enterprise(
                    target,
                    before=before,
                    flags=[flags_by_code[c] for c in flags] if flags is not None else None,
                    reason=reason,
                )
                changed = _save_principal(target, principal) or changed
                if changed:
                    report.updated += 1
                else:
                    report.unchanged += 1
                if progress:
                    progress(len(body) + done, len(body) * 2)
            # New enterprises go in together, in batches.
            batch = 500
            for start in range(0, len(new_rows), batch):
                chunk = new_rows[start : start + batch]
                services.create_enterprises_bulk(chunk, user=user, reason=reason, batch_size=batch)
                report.created += len(chunk)
                if progress:
                    progress(
                        len(body) + report.updated + report.unchanged + report.created,
                        len(body) * 2,
                    )
    except IntegrityError as exc:
        # Someone saved an enterprise with one of these codes while the file was being read.
        raise LedgerFileError(
            _(
                "The ledger changed while this file was being imported; nothing was saved. Import it again."
            )
        ) from exc
    report.saved = True
    return report


def _save_principal(enterprise: Enterprise, principal: dict) -> bool:
    if not principal:
        return False
    # Persons were prefetched with the enterprise: pick the newest principal without a query.
    principals = [p for p in enterprise.responsible_persons.all() if p.post == PersonPost.PRINCIPAL]
    person = max(principals, key=lambda p: p.pk, default=None)
    if person and (person.name, person.mobile) == (principal["name"], principal["mobile"]):
        return False
    person = person or ResponsiblePerson(enterprise=enterprise, post=PersonPost.PRINCIPAL)
    person.name, person.mobile = principal["name"], principal["mobile"]
    person.full_clean()
    person.save()
    return True
