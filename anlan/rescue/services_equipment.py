"""Rescue equipment: the catalogue, the items on each team's ledger, checks and maintenance, what
is due or overdue, shared-pool loans and stock-takes (账物卡相符).

- Who edits a team's equipment: a system administrator, a city administrator, the county
  regulator of the team's region, and the team's own commander (``may_manage``). The catalogue is
  shared: any of those roles adds types; only system and city administrators change intervals.
- Overdue is computed from the last check of each kind and the type's interval, never stored.
- A failed check sends the item for repair; a passed (or fixed-on-the-spot) check of an item
  under repair returns it to service. A retired item is not checked, lent or edited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import UserRole

from .choices import CheckKind, CheckResult, EquipmentCategory, ItemStatus, TeamStatus
from .models import (
    CheckSchedule,
    EquipmentCheck,
    EquipmentItem,
    EquipmentLoan,
    EquipmentType,
    StockTake,
    StockTakeLine,
    Team,
)
from .services import may_manage

MANAGER_ROLES = {UserRole.SYSTEM_ADMIN, UserRole.CITY_ADMIN, UserRole.COUNTY_REGULATOR}
CATALOGUE_ROLES = {*MANAGER_ROLES, UserRole.RESCUE_COMMANDER}
INTERVAL_ROLES = {UserRole.SYSTEM_ADMIN, UserRole.CITY_ADMIN}
ITEM_FIELDS = (
    "serial_number",
    "card_number",
    "quantity",
    "status",
    "location",
    "in_shared_pool",
    "commissioned_on",
)
CHECK_FIELDS = ("kind", "checked_at", "checker", "result", "readings", "notes")


# ---------------------------------------------------------------- who


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def require_manage(user, team: Team) -> None:
    if not may_manage(user, team):
        raise PermissionDenied(_("You may not manage the equipment of %(team)s.") % {"team": team})


def may_add_types(user) -> bool:
    return _active(user) and (user.is_superuser or user.role in CATALOGUE_ROLES)


def may_edit_intervals(user) -> bool:
    return _active(user) and (user.is_superuser or user.role in INTERVAL_ROLES)


def managed_teams(user):
    """The teams whose equipment ``user`` may change."""
    teams = Team.objects.visible_to(user)
    if not _active(user):
        return teams.none()
    if user.is_superuser or user.role in MANAGER_ROLES:
        return teams
    if user.role == UserRole.RESCUE_COMMANDER:
        return teams.filter(pk=user.team_id)
    return teams.none()


def _full_clean(obj, exclude=()) -> None:
    obj.full_clean(exclude=list(exclude))


def _aware(value):
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)  # local (Beijing) time
    return value


# ---------------------------------------------------------------- catalogue


def default_schedules(category: str) -> dict[str, int]:
    if category != EquipmentCategory.BREATHING:
        return {}
    days = getattr(settings, "ANLAN_RESCUE_BREATHING_CHECK_DAYS", {}) or {}
    return {k: int(v) for k, v in days.items() if k in CheckKind.values and int(v) > 0}


@transaction.atomic
def create_type(
    *,
    user,
    name: str,
    model: str = "",
    category: str,
    unit: str = "",
    shareable: bool = False,
) -> EquipmentType:
    """Add a type to the catalogue; a breathing-apparatus type gets the default check schedules
    (ANLAN_RESCUE_BREATHING_CHECK_DAYS), which are edited per type afterwards."""
    if user is not None and not may_add_types(user):
        raise PermissionDenied(_("You may not add equipment types."))
    kind = EquipmentType(
        name=(name or "").strip(),
        model=(model or "").strip(),
        category=category,
        shareable=bool(shareable),
    )
    if unit:
        kind.unit = unit.strip()
    _full_clean(kind)
    kind.save()
    CheckSchedule.objects.bulk_create(
        CheckSchedule(equipment_type=kind, kind=k, interval_days=d)
        for k, d in default_schedules(kind.category).items()
    )
    return kind


def ensure_type(name: str, model: str, category: str, shareable: bool = False) -> EquipmentType:
    """The catalogue type ``name``/``model``, created (with its default schedules) if missing.
    For the demo and imports; no user checks."""
    found = EquipmentType.objects.filter(name=name, model=model).first()
    if found:
        return found
    return create_type(user=None, name=name, model=model, category=category, shareable=shareable)


@transaction.atomic
def set_schedule(
    *, user, equipment_type: EquipmentType, kind: str, interval_days: int | None
) -> CheckSchedule | None:
    """Set how often ``kind`` of check is due for a type; ``None`` removes the check."""
    if not may_edit_intervals(user):
        raise PermissionDenied(_("Only system and city administrators change check intervals."))
    if kind not in CheckKind.values:
        raise ValidationError(
            {"kind": _("Unknown check; choose from: %(v)s.") % {"v": ", ".join(CheckKind.values)}}
        )
    schedule = CheckSchedule.objects.filter(equipment_type=equipment_type, kind=kind).first()
    if interval_days is None:
        if schedule:
            schedule.delete()
        return None
    schedule = schedule or CheckSchedule(equipment_type=equipment_type, kind=kind)
    schedule.interval_days = interval_days
    _full_clean(schedule, exclude=["equipment_type"])
    schedule.save()
    return schedule


# ---------------------------------------------------------------- items


def _retired_error(item) -> ValidationError:
    return ValidationError(
        {"item": _("%(item)s was retired; a retired item is not checked.") % {"item": item}}
    )


@transaction.atomic
def create_item(*, user, team: Team, equipment_type: EquipmentType, data: dict) -> EquipmentItem:
    require_manage(user, team)
    item = EquipmentItem(team=team, equipment_type=equipment_type)
    for field in ITEM_FIELDS:
        if data.get(field) is not None:
            setattr(item, field, data[field])
    if item.status == ItemStatus.RETIRED:
        raise ValidationError({"status": _("Add the item in service or under repair.")})
    _full_clean(item)
    item.save()
    return item


@transaction.atomic
def update_item(*, user, item: EquipmentItem, data: dict[str, Any]) -> EquipmentItem:
    item = EquipmentItem.objects.select_for_update().get(pk=item.pk)
    require_manage(user, item.team)
    if item.status == ItemStatus.RETIRED:
        raise ValidationError(
            {"item": _("%(item)s was retired and is not edited.") % {"item": item}}
        )
    for field in ITEM_FIELDS:
        if field in data and data[field] is not None:
            setattr(item, field, data[field])
    if item.status == ItemStatus.RETIRED:
        raise ValidationError({"status": _("Retire the item with “Retire”, not by editing.")})
    _full_clean(item)
    item.save()
    return item


@transaction.atomic
def retire_item(*, user, item: EquipmentItem, on: dt.date | None = None) -> EquipmentItem:
    item = EquipmentItem.objects.select_for_update().get(pk=item.pk)
    require_manage(user, item.team)
    if item.status == ItemStatus.RETIRED:
        raise ValidationError({"item": _("%(item)s was already retired.") % {"item": item}})
    if item.loans.filter(returned_at__isnull=True).exists():
        raise ValidationError(
            {"item": _("%(item)s is on loan; have it returned first.") % {"item": item}}
        )
    item.status = ItemStatus.RETIRED
    item.retired_on = on or timezone.localdate()
    item.in_shared_pool = False
    item.save()
    return item


# ---------------------------------------------------------------- checks


@transaction.atomic
def record_check(*, user, item: EquipmentItem, data: dict[str, Any]) -> EquipmentCheck:
    """Record a check or maintenance. A fail sends the item for repair; a pass or on-the-spot fix
    returns an item under repair to service. Refused (nothing saved) for a retired item."""
    item = (
        EquipmentItem.objects.select_for_update()
        .select_related("equipment_type", "team")
        .get(pk=item.pk)
    )
    require_manage(user, item.team)
    if item.status == ItemStatus.RETIRED:
        raise _retired_error(item)
    check = EquipmentCheck(item=item, recorded_by=user if _active(user) else None)
    for field in CHECK_FIELDS:
        value = data.get(field)
        if value is not None and value != "":
            setattr(check, field, value.strip() if isinstance(value, str) else value)
    check.checked_at = _aware(check.checked_at)
    _full_clean(check, exclude=["recorded_by"])
    check.save()
    if check.result == CheckResult.FAIL and item.status != ItemStatus.UNDER_REPAIR:
        item.status = ItemStatus.UNDER_REPAIR
        item.save()
    elif check.result != CheckResult.FAIL and item.status == ItemStatus.UNDER_REPAIR:
        item.status = ItemStatus.IN_SERVICE
        item.save()
    return check


@dataclass
class DueRow:
    item: EquipmentItem
    kind: str
    interval_days: int
    last_checked_at: dt.datetime | None
    due_at: dt.datetime
    overdue: bool

    @property
    def kind_label(self) -> str:
        return str(CheckKind(self.kind).label)

    @property
    def days_overdue(self) -> int:
        return max(0, (timezone.localdate() - timezone.localdate(self.due_at)).days)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def due_checks(items, now: dt.datetime | None = None) -> list[DueRow]:
    """For each in-service item of ``items`` (a queryset) and each check its type needs: the
    last check of that kind and the next due time (never checked: due since the item was
    commissioned, or now). Overdue first, then by due time. Three queries whatever the number
    of items: the items, the schedules, and the last checks aggregated per item and kind."""
    now = now or timezone.now()
    in_service = items.filter(status=ItemStatus.IN_SERVICE)
    rows_items = list(in_service.select_related("equipment_type", "team"))
    if not rows_items:
        return []
    type_ids = {i.equipment_type_id for i in rows_items}
    schedules: dict[int, list[tuple[str, int]]] = {}
    for type_id, kind, days in CheckSchedule.objects.filter(
        equipment_type_id__in=type_ids
    ).values_list("equipment_type_id", "kind", "interval_days"):
        schedules.setdefault(type_id, []).append((kind, days))
    last = {
        (r["item_id"], r["kind"]): r["last"]
        for r in EquipmentCheck.objects.filter(
            item__in=in_service.values("pk"), checked_at__lte=now
        )
        .values("item_id", "kind")
        .annotate(last=Max("checked_at"))
        .order_by()
    }
    rows = []
    for item in rows_items:
        for kind, days in schedules.get(item.equipment_type_id, ()):
            at = last.get((item.pk, kind))
            if at is not None:
                due = at + dt.timedelta(days=days)
            elif item.commissioned_on:
                due = _start_of(item.commissioned_on)
            else:
                due = now
            rows.append(DueRow(item, kind, days, at, due, due < now))
    rows.sort(key=lambda r: (not r.overdue, r.due_at, r.item.pk))
    return rows


# ---------------------------------------------------------------- loans


def visible_loans(user):
    """Loans of the user's teams' kit, and loans to the user's teams."""
    return EquipmentLoan.objects.filter(
        Q(item__in=EquipmentItem.objects.visible_to(user).values("pk"))
        | Q(borrower__in=Team.objects.visible_to(user).values("pk"))
    ).select_related("item__equipment_type", "item__team", "borrower")


def open_loans(user):
    return visible_loans(user).filter(returned_at__isnull=True).order_by("due_back_on", "pk")


@transaction.atomic
def lend_item(
    *,
    user,
    item: EquipmentItem,
    borrower: Team,
    purpose: str,
    due_back_on: dt.date | None,
    lent_at: dt.datetime | None = None,
) -> EquipmentLoan:
    item = (
        EquipmentItem.objects.select_for_update()
        .select_related("equipment_type", "team")
        .get(pk=item.pk)
    )
    require_manage(user, item.team)
    errors: dict[str, str] = {}
    current = item.loans.filter(returned_at__isnull=True).select_related("borrower").first()
    if item.status == ItemStatus.RETIRED:
        errors["item"] = _("%(item)s was retired and is not lent.") % {"item": item}
    elif item.status == ItemStatus.UNDER_REPAIR:
        errors["item"] = _("%(item)s is under repair and is not lent.") % {"item": item}
    elif current:
        errors["item"] = _("%(item)s is already lent to %(team)s until %(day)s.") % {
            "item": item,
            "team": current.borrower,
            "day": current.due_back_on,
        }
    elif not item.in_shared_pool:
        errors["item"] = _("%(item)s is not in the shared pool.") % {"item": item}
    if borrower is None:
        errors["borrower"] = _("Choose the borrowing team.")
    elif borrower.pk == item.team_id:
        errors["borrower"] = _("A team does not borrow its own equipment.")
    elif borrower.status != TeamStatus.ACTIVE:
        errors["borrower"] = _("The borrowing team is not in service.")
    if not (purpose or "").strip():
        errors["purpose"] = _("Say what the equipment is borrowed for.")
    lent_at = _aware(lent_at) or timezone.now()
    if due_back_on is None:
        errors["due_back_on"] = _("Give the day it is due back.")
    elif due_back_on < timezone.localdate(lent_at):
        errors["due_back_on"] = _("It cannot be due back before it is lent.")
    if errors:
        raise ValidationError(errors)
    loan = EquipmentLoan(
        item=item,
        borrower=borrower,
        purpose=purpose.strip(),
        due_back_on=due_back_on,
        lent_at=lent_at,
        lent_by=user,
    )
    _full_clean(loan, exclude=["lent_by"])
    try:
        with transaction.atomic():
            loan.save()
    except IntegrityError as exc:  # lent by someone else at the same moment
        raise ValidationError({"item": _("%(item)s is already lent.") % {"item": item}}) from exc
    return loan


@transaction.atomic
def return_loan(
    *, user, loan: EquipmentLoan, condition: str, returned_at: dt.datetime | None = None
) -> EquipmentLoan:
    loan = (
        EquipmentLoan.objects.select_for_update()
        .select_related("item__team", "borrower")
        .get(pk=loan.pk)
    )
    if not (may_manage(user, loan.item.team) or may_manage(user, loan.borrower)):
        raise PermissionDenied(_("You may not record this return."))
    if loan.returned_at:
        raise ValidationError({"loan": _("This loan was already returned.")})
    if not (condition or "").strip():
        raise ValidationError({"condition": _("Describe the condition on return.")})
    returned_at = _aware(returned_at) or timezone.now()
    if returned_at < loan.lent_at:
        raise ValidationError({"returned_at": _("It cannot be returned before it was lent.")})
    loan.returned_at = returned_at
    loan.return_condition = condition.strip()[:200]
    loan.save()
    return loan


# ---------------------------------------------------------------- stock-takes


def visible_stock_takes(user):
    return StockTake.objects.filter(team__in=Team.objects.visible_to(user).values("pk"))


def ledger(team: Team):
    """The items on a team's ledger to count (everything not retired)."""
    return (
        EquipmentItem.objects.filter(team=team)
        .exclude(status=ItemStatus.RETIRED)
        .select_related("equipment_type")
        .order_by("equipment_type__category", "equipment_type__name", "serial_number", "pk")
    )


@transaction.atomic
def start_stock_take(
    *, user, team: Team, taken_by: str, taken_on: dt.date | None = None, notes: str = ""
) -> StockTake:
    """A stock-take with one line per ledger item, the counted quantity pre-filled from the
    ledger for the counter to correct."""
    require_manage(user, team)
    take = StockTake(team=team, taken_by=(taken_by or "").strip(), notes=notes or "")
    if taken_on:
        take.taken_on = taken_on
    errors = {}
    try:
        _full_clean(take)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if take.taken_on and take.taken_on > timezone.localdate():
        errors["taken_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    take.save()
    StockTakeLine.objects.bulk_create(
        StockTakeLine(
            stock_take=take,
            item=item,
            ledger_quantity=item.quantity,
            counted_quantity=item.quantity,
        )
        for item in ledger(team)
    )
    return take


@transaction.atomic
def record_counts(*, user, stock_take: StockTake, lines: list[dict[str, Any]]) -> StockTake:
    """Enter counted quantities and whether each card matches: ``lines`` of
    ``{"id", "counted_quantity", "card_matches", "note"}``. Errors name ``lines[i].field``."""
    require_manage(user, stock_take.team)
    existing = {line.pk: line for line in stock_take.lines.select_for_update()}
    errors: dict[str, list[str]] = {}
    changed = []
    for index, values in enumerate(lines):
        line = existing.get(values.get("id"))
        if line is None:
            errors[f"lines[{index}].id"] = [_("No such line in this stock-take.")]
            continue
        counted = values.get("counted_quantity")
        if counted is not None:
            if not isinstance(counted, int) or isinstance(counted, bool) or counted < 0:
                errors[f"lines[{index}].counted_quantity"] = [
                    _("Give the counted quantity as a whole number, 0 or more.")
                ]
                continue
            line.counted_quantity = counted
        if values.get("card_matches") is not None:
            line.card_matches = bool(values["card_matches"])
        if values.get("note") is not None:
            line.note = str(values["note"]).strip()
        if len(line.note) > 200:
            errors[f"lines[{index}].note"] = [_("At most 200 characters.")]
            continue
        changed.append(line)
    if errors:
        raise ValidationError(errors)
    StockTakeLine.objects.bulk_update(changed, ["counted_quantity", "card_matches", "note"])
    return stock_take


def disagreements(stock_take: StockTake) -> list[StockTakeLine]:
    return [
        line for line in stock_take.lines.select_related("item__equipment_type") if not line.agrees
    ]
