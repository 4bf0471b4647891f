"""Rescue equipment and drills API, mounted at /api/rescue/ (see anlan/api.py).

Scoped by ``visible_to``: 404 outside the user's scope, 403 without the right to change, 422
naming the field (a stock-take line's field as ``lines[1].counted_quantity``)."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from anlan.core.api import MAX_ID
from anlan.core.downloads import xlsx_response
from anlan.core.pagination import Pagination

from . import import_equipment, imports
from . import services_equipment as services
from .choices import EquipmentCategory, ItemStatus, TeamStatus
from .models import (
    EquipmentItem,
    EquipmentType,
    Team,
)

router = Router(tags=["rescue equipment"])
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _items(request):
    return EquipmentItem.objects.visible_to(request.user).select_related("equipment_type", "team")


def _visible_team(request, pk: int | None, field: str = "team") -> Team:
    team = Team.objects.visible_to(request.user).filter(pk=pk).first() if pk else None
    if team is None:
        raise ValidationError({field: _("No such team in your scope.")})
    return team


# ---------------------------------------------------------------- catalogue


class ScheduleOut(Schema):
    id: int
    kind: str
    interval_days: int


class TypeOut(Schema):
    id: int
    name: str
    model: str
    category: str
    unit: str
    shareable: bool
    schedules: list[ScheduleOut]

    @staticmethod
    def resolve_schedules(obj):
        return list(obj.schedules.all())


class TypeIn(Schema):
    name: str = Field(..., max_length=100)
    model: str = Field("", max_length=50)
    category: str = Field(..., description="breathing, gas_detection, drone, …")
    unit: str = Field("", max_length=10)
    shareable: bool = False


class ScheduleIn(Schema):
    kind: str = Field(..., description="daily, weekly, monthly, calibration, maintenance")
    interval_days: int | None = Field(..., description="Days between checks; null removes it")


@router.get("/equipment/types", response=list[TypeOut], summary="The equipment catalogue")
def list_types(request):
    return EquipmentType.objects.prefetch_related("schedules")


@router.post("/equipment/types", response={201: TypeOut}, summary="Add a type to the catalogue")
def create_type(request, payload: TypeIn):
    return Status(201, services.create_type(user=request.user, **payload.dict()))


@router.put(
    "/equipment/types/{int:type_id}/schedules",
    response=TypeOut,
    summary="Set (or remove) how often a type needs a kind of check",
)
def set_schedule(request, type_id: int, payload: ScheduleIn):
    kind = get_object_or_404(EquipmentType, pk=type_id)
    services.set_schedule(user=request.user, equipment_type=kind, **payload.dict())
    return kind


# ---------------------------------------------------------------- items


class EquipmentItemOut(Schema):
    id: int
    team_id: int
    team: str
    equipment_type_id: int
    equipment_type: str
    serial_number: str
    card_number: str
    quantity: int
    status: str
    location: str
    in_shared_pool: bool
    commissioned_on: dt.date | None
    retired_on: dt.date | None

    @staticmethod
    def resolve_team(obj):
        return obj.team.name

    @staticmethod
    def resolve_equipment_type(obj):
        return str(obj.equipment_type)


class EquipmentItemIn(Schema):
    team: Id
    equipment_type: Id
    serial_number: str = Field("", max_length=50)
    card_number: str = Field("", max_length=30)
    quantity: int = 1
    status: str = ItemStatus.IN_SERVICE
    location: str = Field("", max_length=100)
    in_shared_pool: bool = False
    commissioned_on: dt.date | None = None


class ItemPatch(Schema):
    serial_number: str | None = Field(None, max_length=50)
    card_number: str | None = Field(None, max_length=30)
    quantity: int | None = None
    status: str | None = Field(None, description="in_service or under_repair")
    location: str | None = Field(None, max_length=100)
    in_shared_pool: bool | None = None
    commissioned_on: dt.date | None = None


class ItemFilter(Schema):
    team: Id | None = None
    category: str = ""
    status: str = Field("", description="in_service, under_repair, retired (default: not retired)")
    pool: bool | None = None


@router.get(
    "/equipment", response=list[EquipmentItemOut], summary="Equipment on the ledgers you see"
)
@paginate(Pagination)
def list_items(request, filters: Query[ItemFilter]):
    items = _items(request)
    if filters.team:
        items = items.filter(team_id=filters.team)
    if filters.category:
        if filters.category not in EquipmentCategory.values:
            raise ValidationError({"category": _("Unknown category.")})
        items = items.filter(equipment_type__category=filters.category)
    if filters.status:
        if filters.status not in ItemStatus.values:
            raise ValidationError({"status": _("Unknown status.")})
        items = items.filter(status=filters.status)
    else:
        items = items.exclude(status=ItemStatus.RETIRED)
    if filters.pool is not None:
        items = items.filter(in_shared_pool=filters.pool)
    return items


@router.post(
    "/equipment", response={201: EquipmentItemOut}, summary="Add equipment to a team's ledger"
)
def create_item(request, payload: EquipmentItemIn):
    team = _visible_team(request, payload.team)
    kind = EquipmentType.objects.filter(pk=payload.equipment_type).first()
    if kind is None:
        raise ValidationError({"equipment_type": _("No such equipment type.")})
    data = payload.dict(exclude={"team", "equipment_type"})
    return Status(
        201, services.create_item(user=request.user, team=team, equipment_type=kind, data=data)
    )


class EquipmentDueOut(Schema):
    item_id: int
    item: str
    team_id: int
    team: str
    kind: str
    interval_days: int
    last_checked_at: dt.datetime | None
    due_at: dt.datetime
    overdue: bool


@router.get(
    "/equipment/due",
    response=list[EquipmentDueOut],
    summary="Checks due for items in service (overdue first)",
)
def due(request, team: int | None = None, overdue: bool = False):
    items = _items(request)
    if team:
        items = items.filter(team_id=team)
    return [
        {
            "item_id": r.item.pk,
            "item": str(r.item),
            "team_id": r.item.team_id,
            "team": r.item.team.name,
            "kind": r.kind,
            "interval_days": r.interval_days,
            "last_checked_at": r.last_checked_at,
            "due_at": r.due_at,
            "overdue": r.overdue,
        }
        for r in services.due_checks(items)
        if r.overdue or not overdue
    ]


@router.get("/equipment/{int:item_id}", response=EquipmentItemOut, summary="One item")
def get_item(request, item_id: int):
    return get_object_or_404(_items(request), pk=item_id)


@router.patch("/equipment/{int:item_id}", response=EquipmentItemOut, summary="Change an item")
def patch_item(request, item_id: int, payload: ItemPatch):
    item = get_object_or_404(_items(request), pk=item_id)
    return services.update_item(user=request.user, item=item, data=payload.dict(exclude_unset=True))


@router.post("/equipment/{int:item_id}/retire", response=EquipmentItemOut, summary="Retire an item")
def retire_item(request, item_id: int):
    item = get_object_or_404(_items(request), pk=item_id)
    return services.retire_item(user=request.user, item=item)


# ---------------------------------------------------------------- checks


class CheckIn(Schema):
    kind: str
    checked_at: dt.datetime | None = Field(None, description="Default: now")
    checker: str = Field(..., max_length=50)
    result: str = Field(..., description="pass, repaired or fail (fail sends it for repair)")
    readings: str = Field("", max_length=200)
    notes: str = Field("", max_length=2000)


class EquipmentCheckOut(Schema):
    id: int
    item_id: int
    kind: str
    checked_at: dt.datetime
    checker: str
    result: str
    readings: str
    notes: str


@router.get(
    "/equipment/{int:item_id}/checks", response=list[EquipmentCheckOut], summary="An item's checks"
)
@paginate(Pagination)
def list_checks(request, item_id: int):
    return get_object_or_404(_items(request), pk=item_id).checks.all()


@router.post(
    "/equipment/{int:item_id}/checks", response={201: EquipmentCheckOut}, summary="Record a check"
)
def create_check(request, item_id: int, payload: CheckIn):
    item = get_object_or_404(_items(request), pk=item_id)
    return Status(201, services.record_check(user=request.user, item=item, data=payload.dict()))


# ---------------------------------------------------------------- loans


class LoanIn(Schema):
    borrower: Id
    purpose: str = Field(..., max_length=200)
    due_back_on: dt.date


class ReturnIn(Schema):
    condition: str = Field(..., max_length=200)


class LoanOut(Schema):
    id: int
    item_id: int
    item: str
    team: str
    borrower_id: int
    borrower: str
    purpose: str
    lent_at: dt.datetime
    due_back_on: dt.date
    returned_at: dt.datetime | None
    return_condition: str
    overdue: bool

    @staticmethod
    def resolve_item(obj):
        return str(obj.item)

    @staticmethod
    def resolve_team(obj):
        return obj.item.team.name

    @staticmethod
    def resolve_borrower(obj):
        return obj.borrower.name


@router.post(
    "/equipment/{int:item_id}/loans",
    response={201: LoanOut},
    summary="Lend a shared-pool item to another team",
)
def lend(request, item_id: int, payload: LoanIn):
    item = get_object_or_404(_items(request), pk=item_id)
    borrower = Team.objects.filter(pk=payload.borrower, status=TeamStatus.ACTIVE).first()
    if borrower is None:
        raise ValidationError({"borrower": _("No such team in service.")})
    loan = services.lend_item(
        user=request.user,
        item=item,
        borrower=borrower,
        purpose=payload.purpose,
        due_back_on=payload.due_back_on,
    )
    return Status(201, loan)


@router.get("/equipment/loans", response=list[LoanOut], summary="Loans (current by default)")
def list_loans(request, all: bool = False):
    if all:
        return services.visible_loans(request.user)[:1000]
    return services.open_loans(request.user)


@router.post("/equipment/loans/{int:loan_id}/return", response=LoanOut, summary="Record a return")
def return_loan(request, loan_id: int, payload: ReturnIn):
    loan = get_object_or_404(services.visible_loans(request.user), pk=loan_id)
    return services.return_loan(user=request.user, loan=loan, condition=payload.condition)


# ---------------------------------------------------------------- stock-takes


class StockTakeIn(Schema):
    team: Id
    taken_by: str = Field(..., max_length=100)
    taken_on: dt.date | None = None


class LineIn(Schema):
    id: int
    counted_quantity: int | None = None
    card_matches: bool | None = None
    note: str | None = None


class CountsIn(Schema):
    lines: list[LineIn] = Field(..., max_length=5000)


class LineOut(Schema):
    id: int
    item_id: int
    item: str
    card_number: str
    ledger_quantity: int
    counted_quantity: int
    card_matches: bool
    note: str
    agrees: bool

    @staticmethod
    def resolve_item(obj):
        return str(obj.item)

    @staticmethod
    def resolve_card_number(obj):
        return obj.item.card_number


class StockTakeOut(Schema):
    id: int
    team_id: int
    taken_on: dt.date
    taken_by: str
    agrees: bool
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("item__equipment_type"))


def _stock_take(request, pk):
    return get_object_or_404(services.visible_stock_takes(request.user), pk=pk)


@router.post(
    "/equipment/stocktakes",
    response={201: StockTakeOut},
    summary="Start a stock-take: one line per ledger item, counted pre-filled from the ledger",
)
def start_stock_take(request, payload: StockTakeIn):
    team = _visible_team(request, payload.team)
    take = services.start_stock_take(
        user=request.user, team=team, taken_by=payload.taken_by, taken_on=payload.taken_on
    )
    return Status(201, take)


@router.get("/equipment/stocktakes/{int:take_id}", response=StockTakeOut, summary="A stock-take")
def get_stock_take(request, take_id: int):
    return _stock_take(request, take_id)


@router.patch(
    "/equipment/stocktakes/{int:take_id}",
    response=StockTakeOut,
    summary="Enter counted quantities and whether the cards match",
)
def count_stock_take(request, take_id: int, payload: CountsIn):
    take = _stock_take(request, take_id)
    lines = [line.dict() for line in payload.lines]
    return services.record_counts(user=request.user, stock_take=take, lines=lines)


# Drills live in api_drills.py, under the same /api/rescue/ mount.
from .api_drills import router as drills_router  # noqa: E402

router.add_router("", drills_router)


# ---------------------------------------------------------------- Excel import


def _import_team(request, team_id: int) -> Team:
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=team_id)
    if not services.may_manage(request.user, team):
        raise PermissionDenied(_("You may not change the records of this team."))
    return team


@router.get(
    "/teams/{int:team_id}/equipment/template.xlsx",
    summary="An empty equipment sheet with drop-down lists and instructions, to fill in and import",
)
def equipment_import_template(request, team_id: int):
    team = _import_team(request, team_id)
    return xlsx_response(
        import_equipment.template(team=team), f"rescue-equipment-template-{team.pk}"
    )


@router.post(
    "/teams/{int:team_id}/equipment/import",
    response={200: imports.LedgerImportReportOut, 422: dict},
    summary="Import the team's equipment from Excel; all-or-nothing unless partial=true",
)
def import_equipment_xlsx(
    request, team_id: int, file: File[UploadedFile], partial: Form[bool] = False
):
    team = _import_team(request, team_id)
    return imports.api_response(
        lambda data: import_equipment.import_items(
            data, user=request.user, team=team, partial=partial
        ),
        file,
    )
