"""Import a team's equipment ledger from Excel, and the template to fill in.

The equipment type must be in the catalogue. A row whose (type, serial number) is already on
the team's ledger updates that item; a serial number another team holds is an error. Rows
without a serial number match the team's item of that type with the same card number (or, with
neither, the team's single batch of that type), so importing a file again changes nothing.
Retiring is done on the item's page, not by import. All-or-nothing unless ``partial``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anlan.core.excel import Column

from . import imports
from . import services_equipment as services
from .choices import ItemStatus
from .imports import CellError, ImportReport, LedgerFileError
from .models import EquipmentItem, EquipmentType, Team

COLUMNS = (
    Column("type", gettext_lazy("equipment type"), 26, True),
    Column("model", gettext_lazy("model"), 14),
    Column("serial_number", gettext_lazy("serial number"), 16),
    Column("card_number", gettext_lazy("equipment card number"), 14),
    Column("quantity", gettext_lazy("quantity"), 8),
    Column("status", gettext_lazy("status"), 12),
    Column("location", gettext_lazy("kept at"), 20),
    Column("in_shared_pool", gettext_lazy("in the shared pool"), 10),
    Column("commissioned_on", gettext_lazy("in service since"), 12),
)
HINTS = {
    "type": gettext_lazy("A type name from the Catalogue sheet."),
    "model": gettext_lazy("The type's model from the Catalogue sheet, when the name has several."),
    "serial_number": gettext_lazy(
        "Optional; a serial number already on the team's ledger updates that item."
    ),
    "card_number": gettext_lazy("Optional: the equipment card (账物卡) number."),
    "quantity": gettext_lazy("A whole number; 1 for an item with a serial number."),
    "status": gettext_lazy("In service or under repair; retire items on their page."),
    "location": gettext_lazy("Optional: where it is kept."),
    "in_shared_pool": gettext_lazy("是 / 否 (yes / no); only types that may join the pool."),
    "commissioned_on": gettext_lazy("Optional date, e.g. 2024-06-01."),
}
FIELDS = (
    "serial_number",
    "card_number",
    "quantity",
    "status",
    "location",
    "in_shared_pool",
    "commissioned_on",
)


def _header(key: str) -> str:
    return str(next(c.header for c in COLUMNS if c.key == key))


def template(*, team: Team) -> bytes:
    catalogue = [
        [t.name, t.model, str(t.get_category_display()), t.unit, _("yes") if t.shareable else ""]
        for t in EquipmentType.objects.order_by("category", "name", "model")
    ]
    return imports.build_template(
        title=_("Equipment ledger"),
        columns=COLUMNS,
        lists={
            "type": sorted({row[0] for row in catalogue}),
            "status": [str(ItemStatus.IN_SERVICE.label), str(ItemStatus.UNDER_REPAIR.label)],
            "in_shared_pool": [_("yes"), _("no")],
        },
        hints=HINTS,
        notes=[
            _("Team: %(team)s") % {"team": team.name},
            _(
                "Give a serial number or a card number so that importing the file again updates the item instead of adding another."
            ),
        ],
        extra_sheets={
            _("Catalogue"): [
                [_("name"), _("model"), _("category"), _("unit of count"), _("shared pool")],
                *catalogue,
            ]
        },
    )


class _Parser:
    def __init__(self):
        self.statuses = imports.choice_lookup(ItemStatus)
        self.types: dict[str, list[EquipmentType]] = {}
        for t in EquipmentType.objects.all():
            self.types.setdefault(t.name.strip().lower(), []).append(t)

    def parse(self, cells) -> tuple[EquipmentType | None, dict, dict[str, str]]:
        errors: dict[str, str] = {}
        data: dict = {}
        name = imports.text(cells.get("type"))
        model = imports.text(cells.get("model"))
        candidates = self.types.get(name.lower(), [])
        if model:
            candidates = [t for t in candidates if t.model.lower() == model.lower()]
        elif len(candidates) > 1:
            plain = [t for t in candidates if not t.model]
            candidates = plain if len(plain) == 1 else candidates
        equipment_type = candidates[0] if len(candidates) == 1 else None
        if not name:
            errors["type"] = _("Give the equipment type.")
        elif not self.types.get(name.lower()):
            errors["type"] = _("%(value)r is not in the equipment catalogue.") % {"value": name}
        elif equipment_type is None and model:
            errors["model"] = _("The catalogue has no %(type)s of model %(model)r.") % {
                "type": name,
                "model": model,
            }
        elif equipment_type is None:
            errors["model"] = _("The catalogue has several models of %(type)s; give the model.") % {
                "type": name
            }
        for key in ("serial_number", "card_number", "location"):
            if key in cells:
                data[key] = imports.text(cells[key])
        raw = imports.text(cells.get("quantity"))
        if raw:
            if raw.isdigit():
                data["quantity"] = int(raw)
            else:
                errors["quantity"] = _("The quantity must be a whole number, not %r.") % raw
        raw = imports.text(cells.get("status"))
        if raw:
            value = self.statuses.get(raw.lower())
            if value is None:
                errors["status"] = _("%(value)r is not a known %(what)s.") % {
                    "value": raw,
                    "what": _header("status"),
                }
            else:
                data["status"] = value
        if "in_shared_pool" in cells:
            try:
                data["in_shared_pool"] = imports.parse_bool(cells["in_shared_pool"])
            except ValueError:
                errors["in_shared_pool"] = _("Write 是 or 否 (yes or no), not %r.") % imports.text(
                    cells["in_shared_pool"]
                )
        raw = cells.get("commissioned_on")
        if "commissioned_on" in cells:
            data["commissioned_on"] = None
            if imports.text(raw):
                try:
                    data["commissioned_on"] = imports.parse_date(raw)
                except ValueError:
                    errors["commissioned_on"] = _("%(value)r is not a date (e.g. 2024-06-01).") % {
                        "value": imports.text(raw)
                    }
        return equipment_type, data, errors


def _match(team, equipment_type, data, by_serial, team_items):
    """The existing item a row refers to, or None; ValueError(message) if another team has it."""
    serial = data.get("serial_number", "")
    if serial:
        item = by_serial.get((equipment_type.pk, serial))
        if item is not None and item.team_id != team.pk:
            raise ValueError(_("Another team holds this serial number."))
        return item
    mine = [i for i in team_items.get(equipment_type.pk, []) if not i.serial_number]
    card = data.get("card_number", "")
    if card:
        found = [i for i in mine if i.card_number == card]
    else:
        found = [i for i in mine if not i.card_number]
    return found[0] if len(found) == 1 else None


def import_items(
    data: bytes, *, user, team: Team, partial: bool = False, progress=None
) -> ImportReport:
    """Import a ledger into ``team``. PermissionDenied if the user may not manage the team;
    LedgerFileError when the file as a whole is unusable."""
    services.require_manage(user, team)
    body = imports.read_rows(data, COLUMNS)
    parser = _Parser()
    report = ImportReport(rows=len(body))
    serials = {imports.text(c.get("serial_number")) for _r, c in body} - {""}
    by_serial = {
        (i.equipment_type_id, i.serial_number): i
        for i in EquipmentItem.objects.filter(serial_number__in=serials).select_related(
            "equipment_type"
        )
    }
    team_items: dict[int, list[EquipmentItem]] = {}
    for item in EquipmentItem.objects.filter(team=team).select_related("equipment_type"):
        team_items.setdefault(item.equipment_type_id, []).append(item)
        by_serial.setdefault((item.equipment_type_id, item.serial_number), item)
    seen: dict[tuple, int] = {}
    planned = []
    for done, (row, cells) in enumerate(body, start=1):
        equipment_type, values, errors = parser.parse(cells)
        row_errors = [CellError(row, _header(k), str(v)) for k, v in errors.items()]
        item = None
        if equipment_type is not None:
            key = (
                equipment_type.pk,
                values.get("serial_number", ""),
                values.get("card_number", ""),
            )
            if key in seen and (key[1] or key[2]):
                row_errors.append(
                    CellError(row, _header("serial_number"), _("Same item as row %d.") % seen[key])
                )
            seen.setdefault(key, row)
            try:
                item = _match(team, equipment_type, values, by_serial, team_items)
            except ValueError as exc:
                row_errors.append(CellError(row, _header("serial_number"), str(exc)))
        before = {f: getattr(item, f) for f in FIELDS} if item else None
        if item is not None and item.status == ItemStatus.RETIRED:
            if any(values.get(f, before[f]) != before[f] for f in FIELDS):
                row_errors.append(
                    CellError(
                        row,
                        _header("status"),
                        _("%(item)s was retired and is not edited.") % {"item": item},
                    )
                )
            elif not row_errors:
                report.unchanged += 1
                continue
        elif values.get("status") == ItemStatus.RETIRED:
            row_errors.append(
                CellError(row, _header("status"), _("Retire an item on its page, not by import."))
            )
        if not row_errors:
            target = item or EquipmentItem(team=team, equipment_type=equipment_type)
            for key, value in values.items():
                setattr(target, key, value)
            try:
                target.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                imports.add_errors(
                    row_errors, row, COLUMNS, exc.message_dict, {"equipment_type": "type"}
                )
                if item is not None:
                    for key, value in before.items():
                        setattr(item, key, value)
        if row_errors:
            report.errors.extend(row_errors)
        else:
            planned.append((target, before))
        if progress:
            progress(done, len(body))
    if report.errors and not partial:
        report.unchanged = 0
        return report
    try:
        with transaction.atomic():
            for target, before in planned:
                if before is None:
                    target.save()
                    report.created += 1
                elif {f: getattr(target, f) for f in FIELDS} != before:
                    target.save()
                    report.updated += 1
                else:
                    report.unchanged += 1
    except IntegrityError as exc:
        raise LedgerFileError(
            _(
                "The ledger changed while this file was being imported; nothing was saved. Import it again."
            )
        ) from exc
    report.saved = True
    return report
