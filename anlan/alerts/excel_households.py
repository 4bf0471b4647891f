"""Vulnerable households in Excel: the import template, the all-or-nothing import (every bad
cell reported with its row and column; nothing saved if any), and the export of the
households a user sees (the caller records the viewings)."""

from __future__ import annotations

import io
import re

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from anlan.core.excel import Column, style_header
from anlan.core.models import Region
from anlan.rescue import imports
from anlan.rescue.imports import CellError, ImportReport

from . import households as services
from .choices import CheckGroup, HouseholdCategory
from .models.households import Household

COLUMNS = (
    Column("region", gettext_lazy("village code"), 16, True),
    Column("head_name", gettext_lazy("head of household"), 14, True),
    Column("address", gettext_lazy("address"), 30, True),
    Column("contact_name", gettext_lazy("contact person"), 14),
    Column("phone", gettext_lazy("phone"), 16),
    Column("categories", gettext_lazy("categories"), 24, True),
    Column("check_for", gettext_lazy("check in"), 18, True),
    Column("people", gettext_lazy("people in the household"), 10),
    Column("needs", gettext_lazy("needs"), 30),
)
EXPORT_COLUMNS = (
    Column("code", gettext_lazy("household code"), 12),
    Column("village", gettext_lazy("village"), 16),
    *COLUMNS,
    Column("active", gettext_lazy("active"), 8),
)
HINTS = {
    "region": gettext_lazy("The 12-digit code of a village in your jurisdiction."),
    "head_name": gettext_lazy("The head of the household's name."),
    "address": gettext_lazy("Where the household lives, precise enough to find it."),
    "contact_name": gettext_lazy("Optional: a relative or neighbour to call."),
    "phone": gettext_lazy("Optional: 7 to 20 digits, spaces, + or -."),
    "categories": gettext_lazy(
        "One or more of the categories (code or label), separated by 、 , ; or a space."
    ),
    "check_for": gettext_lazy(
        "One or more of cold, flood, heat (or 寒冷, 暴雨洪涝, 高温), separated by 、 , ; or a space."
    ),
    "people": gettext_lazy("How many people live there, 1 to 50; empty means 1."),
    "needs": gettext_lazy("Optional: what the household needs in a cold wave, flood or heat."),
}
# Words people write for each check group besides the labels.
CHECK_ALIASES = {
    "寒冷": CheckGroup.COLD,
    "低温": CheckGroup.COLD,
    "寒潮": CheckGroup.COLD,
    "雨雪": CheckGroup.COLD,
    "冰冻": CheckGroup.COLD,
    "暴雨": CheckGroup.FLOOD,
    "洪涝": CheckGroup.FLOOD,
    "洪水": CheckGroup.FLOOD,
    "暴雨洪涝": CheckGroup.FLOOD,
    "高温": CheckGroup.HEAT,
    "炎热": CheckGroup.HEAT,
}
SEPARATORS = re.compile(r"[、，,;；]+")


def _header(key: str) -> str:
    return str(next(c.header for c in COLUMNS if c.key == key))


def template(*, user) -> bytes:
    villages = [[v.code, v.full_name or v.name] for v in services.villages_for(user)]
    return imports.build_template(
        title=_("Vulnerable households"),
        columns=COLUMNS,
        lists={"region": [v[0] for v in villages]},
        hints=HINTS,
        notes=[
            _("Categories: %(values)s")
            % {"values": "; ".join(f"{v} = {label}" for v, label in HouseholdCategory.choices)},
            _("Check in: %(values)s")
            % {"values": "; ".join(f"{v} = {label}" for v, label in CheckGroup.choices)},
            _("Personal data: keep this file safe and delete it once imported."),
        ],
        extra_sheets={_("Villages"): [[_("village code"), _("name")], *villages]},
    )


def _codes(raw: str, lookup: dict, what: str) -> tuple[list[str], str]:
    """Codes from a cell: labels may hold spaces ("Rain and flood"), so a piece between
    separators is first looked up whole, then word by word."""
    values, unknown = [], []
    for piece in SEPARATORS.split(raw):
        piece = " ".join(piece.split())
        if not piece:
            continue
        words = [piece] if piece.lower() in lookup else piece.split(" ")
        for word in words:
            value = lookup.get(word.lower())
            if value is None:
                unknown.append(word)
            elif value not in values:
                values.append(value)
    if unknown:
        return values, _("Unknown %(what)s: %(values)s.") % {
            "what": what,
            "values": "、".join(unknown),
        }
    if not values:
        return values, _("Choose at least one.")
    return values, ""


class _Parser:
    def __init__(self, user):
        self.user = user
        self.categories = imports.choice_lookup(HouseholdCategory)
        self.groups = imports.choice_lookup(CheckGroup)
        self.groups.update({k.lower(): v for k, v in CHECK_ALIASES.items()})
        self.villages = {v.code: v for v in Region.objects.filter(level="village")}

    def parse(self, cells) -> tuple[dict, dict[str, str]]:
        errors: dict[str, str] = {}
        code = imports.text(cells.get("region"))
        region = self.villages.get(code)
        if region is None:
            errors["region"] = _("No village with code %(code)r.") % {"code": code}
        elif not services.in_scope(self.user, region):
            errors["region"] = _("%(name)s is outside your jurisdiction.") % {"name": region.name}
        data = {k: imports.text(cells.get(k)) for k in services.MAX_LENGTHS}
        field_errors: dict = {}
        data.update(services.clean_personal(data, field_errors))
        people = imports.text(cells.get("people"))
        data["people"] = services.clean_people(people or 1, field_errors)
        for key, value in field_errors.items():
            errors[key] = str(value)
        for key, lookup, what in (
            ("categories", self.categories, _("category")),
            ("check_for", self.groups, _("check group")),
        ):
            data[key], error = _codes(imports.text(cells.get(key)), lookup, what)
            if error:
                errors[key] = error
        data["region"] = region
        return data, errors


def import_households(data: bytes, *, user) -> ImportReport:
    """Import households; nothing is saved if any cell is bad. PermissionDenied for roles that
    do not keep households; LedgerFileError when the file as a whole is unusable."""
    if not services.sees_households(user):
        raise PermissionDenied(_("You may not register vulnerable households."))
    body = imports.read_rows(data, COLUMNS)
    parser = _Parser(user)
    report = ImportReport(rows=len(body))
    seen: dict[str, int] = {}
    planned = []
    for row, cells in body:
        values, errors = parser.parse(cells)
        row_errors = [CellError(row, _header(k), v) for k, v in errors.items()]
        if "region" not in errors and "head_name" not in errors and "address" not in errors:
            personal = {k: values[k] for k in services.MAX_LENGTHS}
            fp, other = services.duplicate_of(values["region"], personal)
            if other is not None:
                row_errors.append(
                    CellError(
                        row,
                        _header("head_name"),
                        _("Already registered in this village as %(code)s.") % {"code": other.code},
                    )
                )
            elif fp in seen:
                row_errors.append(
                    CellError(
                        row,
                        _header("head_name"),
                        _("Same name and address as row %(row)d.") % {"row": seen[fp]},
                    )
                )
            seen.setdefault(fp, row)
            values["fingerprint"] = fp
        if row_errors:
            report.errors.extend(row_errors)
        else:
            planned.append(values)
    if report.errors:
        return report
    with transaction.atomic():
        for values in planned:
            household = Household(
                region=values["region"],
                categories=values["categories"],
                check_for=values["check_for"],
                people=values["people"],
                fingerprint=values["fingerprint"],
                created_by=user,
            )
            household.set_personal(values)
            household.save()
            report.created += 1
    report.saved = True
    return report


def export_households(rows) -> bytes:
    """``rows``: [(household, personal data)] — as ``households.reveal_many`` returns them."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Vulnerable households")[:31]
    ws.append([str(c.header) for c in EXPORT_COLUMNS])
    style_header(ws, list(EXPORT_COLUMNS))
    for household, personal in rows:
        ws.append(
            [
                household.code,
                household.region.name,
                household.region.code,
                personal.get("head_name", ""),
                personal.get("address", ""),
                personal.get("contact_name", ""),
                personal.get("phone", ""),
                "、".join(str(HouseholdCategory(c).label) for c in household.categories),
                "、".join(str(CheckGroup(c).label) for c in household.check_for),
                household.people,
                personal.get("needs", ""),
                _("yes") if household.active else _("no"),
            ]
        )
    ws.auto_filter.ref = f"A1:L{len(rows) + 1}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
