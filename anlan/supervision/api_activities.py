"""API of trainings, expert visits and campaigns (mounted at /api/office).

Everything is scoped by ``visible_to``: 404 outside the user's scope, 403 without the right to
change, 422 naming the field. The same services as the pages and the CLI."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from anlan.core.api import MAX_ID
from anlan.core.downloads import xlsx_response
from anlan.core.models import Region
from anlan.core.pagination import Pagination
from anlan.registry.models import Enterprise
from anlan.rescue import imports

from . import activities as services
from . import excel_activities as excel
from .choices import ActivityKind, ExpertDomain, ItemState, TrainingKind
from .models import (
    Campaign,
    CampaignActivity,
    CampaignItem,
    ExpertVisit,
    MemberUnit,
    TrainingSession,
)

router = Router(tags=["trainings and campaigns"])
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
Day = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]
RegionCode = Annotated[str, Field(min_length=6, max_length=12, description="Region code")]


class LedgerFilter(Schema):
    region: str | None = Field(None, max_length=12, description="Region code: its subtree")
    date_from: Day | None = Field(None, description="First day (inclusive)")
    date_to: Day | None = Field(None, description="Last day (inclusive)")


def _filtered(qs, kind_field: str, kind: str | None, f: LedgerFilter, campaign=None):
    params = {kind_field: kind or "", "region": f.region or ""}
    if f.date_from:
        params["date_from"] = f.date_from.isoformat()
    if f.date_to:
        params["date_to"] = f.date_to.isoformat()
    if campaign:
        params["campaign"] = str(campaign)
    choices = {"kind": TrainingKind, "domain": ExpertDomain}.get(kind_field, ActivityKind)
    if kind_field == "kind" and qs.model is CampaignActivity:
        choices = ActivityKind
    qs, _applied = services.filter_ledger(qs, params, kind_field=kind_field, kind_choices=choices)
    return qs


def _region(code: str | None, name: str = "region"):
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError({name: _("No such region.")})
    return region


def _unit(pk: int | None):
    if not pk:
        return None
    unit = MemberUnit.objects.filter(pk=pk).first()
    if unit is None:
        raise ValidationError({"organiser": _("No such member unit.")})
    return unit


def _enterprise(request, pk: int | None, required: bool = False):
    if not pk:
        if required:
            raise ValidationError({"enterprise": _("This field is required.")})
        return None
    enterprise = Enterprise.objects.visible_to(request.user).filter(pk=pk).first()
    if enterprise is None:
        raise ValidationError({"enterprise": _("No such enterprise in your jurisdiction.")})
    return enterprise


class TotalOut(Schema):
    kind: str
    label: str
    records: int
    sessions: int
    participants: int


class TotalsOut(Schema):
    kinds: list[TotalOut]
    records: int
    sessions: int
    participants: int


# ---------------------------------------------------------------- trainings


class TrainingIn(Schema):
    region: RegionCode | None = Field(None, description="Not needed with an enterprise")
    kind: TrainingKind
    title: str = Field(..., min_length=1, max_length=200)
    date: Day
    organiser: Id | None = Field(None, description="Member unit id")
    enterprise: Id | None = None
    lecturer: str = Field("", max_length=100)
    place: str = Field("", max_length=200)
    sessions: int = Field(1, ge=1, le=100_000)
    participants: Count = 0
    hours: Decimal = Field(Decimal(0), ge=0, le=99999, max_digits=6, decimal_places=1)
    note: str = Field("", max_length=2000)


class TrainingPatch(Schema):
    region: RegionCode | None = None
    kind: TrainingKind | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    date: Day | None = None
    organiser: Id | None = None
    enterprise: Id | None = None
    lecturer: str | None = Field(None, max_length=100)
    place: str | None = Field(None, max_length=200)
    sessions: int | None = Field(None, ge=1, le=100_000)
    participants: Count | None = None
    hours: Decimal | None = Field(None, ge=0, le=99999, max_digits=6, decimal_places=1)
    note: str | None = Field(None, max_length=2000)


class TrainingOut(Schema):
    id: int
    region: str
    region_name: str
    kind: str
    title: str
    date: dt.date
    organiser: int | None = Field(None, alias="organiser_id")
    enterprise: int | None = Field(None, alias="enterprise_id")
    lecturer: str
    place: str
    sessions: int
    participants: int
    hours: Decimal
    note: str

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name


def _training_data(request, payload: Schema, partial: bool = False) -> dict:
    data = payload.dict(exclude_unset=partial)
    if "region" in data:
        data["region"] = _region(data["region"])
        if data["region"] is None and partial:
            data.pop("region")
    if "organiser" in data:
        data["organiser"] = _unit(data["organiser"])
    if "enterprise" in data:
        data["enterprise"] = _enterprise(request, data["enterprise"])
    return {k: v for k, v in data.items() if not (partial and v is None and k != "organiser")}


def _trainings(request):
    return TrainingSession.objects.visible_to(request.user).select_related("region")


@router.get("/trainings", response=list[TrainingOut], summary="Trainings in your scope")
@paginate(Pagination)
def list_trainings(request, f: Query[LedgerFilter], kind: TrainingKind | None = None):
    return _filtered(_trainings(request), "kind", kind, f)


@router.get(
    "/trainings/totals",
    response=TotalsOut,
    summary="Trainings per kind: records, sessions held and person-times",
)
def training_totals(request, f: Query[LedgerFilter], kind: TrainingKind | None = None):
    qs = _filtered(_trainings(request), "kind", kind, f)
    return services.training_totals(qs).as_dict()


@router.post("/trainings", response={201: TrainingOut}, summary="Record a training")
def add_training(request, payload: TrainingIn):
    data = _training_data(request, payload)
    return Status(201, services.record_training(user=request.user, data=data))


@router.post(
    "/trainings/import",
    response={200: imports.LedgerImportReportOut, 422: dict},
    summary="Import trainings from Excel (all or nothing; 422 lists each bad cell)",
)
def import_trainings(request, file: File[UploadedFile]):
    if not services.may_record_any(request.user, "training"):
        raise PermissionDenied(_("You may not record trainings."))
    return imports.api_response(lambda data: excel.import_trainings(data, user=request.user), file)


@router.get("/trainings/template.xlsx", summary="The Excel import template, with drop-downs")
def training_template(request):
    if not services.may_record_any(request.user, "training"):
        raise PermissionDenied(_("You may not record trainings."))
    return xlsx_response(excel.template(user=request.user), "trainings-template")


@router.get("/trainings/export.xlsx", summary="The filtered trainings as an Excel workbook")
def training_export(request, f: Query[LedgerFilter], kind: TrainingKind | None = None):
    qs = _filtered(_trainings(request), "kind", kind, f)
    return xlsx_response(excel.export_trainings(qs), "trainings")


@router.get("/trainings/{int:training_id}", response=TrainingOut, summary="One training")
def get_training(request, training_id: int):
    return get_object_or_404(_trainings(request), pk=training_id)


@router.patch("/trainings/{int:training_id}", response=TrainingOut, summary="Edit a training")
def edit_training(request, training_id: int, payload: TrainingPatch):
    training = get_object_or_404(_trainings(request), pk=training_id)
    data = _training_data(request, payload, partial=True)
    return services.edit_training(user=request.user, training=training, data=data)


@router.delete("/trainings/{int:training_id}", response={204: None}, summary="Delete a training")
def delete_training(request, training_id: int):
    training = get_object_or_404(_trainings(request), pk=training_id)
    services.delete_training(user=request.user, training=training)
    return Status(204, None)


# ---------------------------------------------------------------- visits


class VisitIn(Schema):
    enterprise: Id
    domain: ExpertDomain
    date: Day
    experts: str = Field(..., min_length=1, max_length=300)
    organiser: Id | None = None
    problems_found: Count = 0
    findings: str = Field("", max_length=4000)


class VisitOut(Schema):
    id: int
    region: str
    enterprise: int = Field(..., alias="enterprise_id")
    enterprise_name: str
    domain: str
    date: dt.date
    experts: str
    organiser: int | None = Field(None, alias="organiser_id")
    problems_found: int
    findings: str

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.enterprise.name


def _visits(request):
    return ExpertVisit.objects.visible_to(request.user).select_related("region", "enterprise")


@router.get("/visits", response=list[VisitOut], summary="Expert assistance visits in your scope")
@paginate(Pagination)
def list_visits(request, f: Query[LedgerFilter], domain: ExpertDomain | None = None):
    return _filtered(_visits(request), "domain", domain, f)


@router.get(
    "/visits/totals", response=TotalsOut, summary="Visits per domain (participants: problems)"
)
def visit_totals(request, f: Query[LedgerFilter], domain: ExpertDomain | None = None):
    qs = _filtered(_visits(request), "domain", domain, f)
    return services.visit_totals(qs).as_dict()


@router.post("/visits", response={201: VisitOut}, summary="Record an expert visit")
def add_visit(request, payload: VisitIn):
    data = payload.dict()
    data["enterprise"] = _enterprise(request, data["enterprise"], required=True)
    data["organiser"] = _unit(data["organiser"])
    return Status(201, services.record_visit(user=request.user, data=data))


@router.get("/visits/{int:visit_id}", response=VisitOut, summary="One expert visit")
def get_visit(request, visit_id: int):
    return get_object_or_404(_visits(request), pk=visit_id)


@router.delete("/visits/{int:visit_id}", response={204: None}, summary="Delete an expert visit")
def delete_visit(request, visit_id: int):
    visit = get_object_or_404(_visits(request), pk=visit_id)
    services.delete_visit(user=request.user, visit=visit)
    return Status(204, None)


# ---------------------------------------------------------------- campaigns


class ItemIn(Schema):
    number: int | None = Field(None, ge=1, le=999, description="Empty: the next number")
    title: str = Field(..., min_length=1, max_length=300)
    units: list[Id] = Field(default_factory=list, max_length=100)
    start: Day | None = None
    end: Day | None = None
    state: ItemState | None = None
    progress: int = Field(0, ge=0, le=100)
    progress_note: str = Field("", max_length=2000)


class ProgressIn(Schema):
    progress: int = Field(..., ge=0, le=100)
    state: ItemState | None = Field(None, description="Empty: follows the progress")
    note: str | None = Field(None, max_length=2000)


class CampaignIn(Schema):
    region: RegionCode
    title: str = Field(..., min_length=1, max_length=200)
    theme: str = Field("", max_length=200)
    start: Day
    end: Day
    description: str = Field("", max_length=8000)
    items: list[ItemIn] = Field(default_factory=list, max_length=200)


class ItemOut(Schema):
    id: int
    number: int
    title: str
    units: list[str]
    start: dt.date | None
    end: dt.date | None
    state: str
    progress: int
    progress_note: str

    @staticmethod
    def resolve_units(obj):
        return [u.name for u in obj.units.all()]


class CampaignOut(Schema):
    id: int
    region: str
    title: str
    theme: str
    start: dt.date
    end: dt.date
    description: str
    progress: int
    items: list[ItemOut]

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_progress(obj):
        return services.campaign_progress(obj)

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.prefetch_related("units"))


def _campaigns(request):
    return Campaign.objects.visible_to(request.user).select_related("region")


def _units(ids) -> list[MemberUnit]:
    units = list(MemberUnit.objects.filter(pk__in=ids))
    if len(units) != len(set(ids)):
        raise ValidationError({"units": _("No such member unit.")})
    return units


def _item_data(item: ItemIn) -> dict:
    data = item.dict()
    data["units"] = _units(data["units"])
    data["state"] = data["state"] or ""
    return {k: v for k, v in data.items() if v is not None}


@router.get("/campaigns", response=list[CampaignOut], summary="Campaigns you can see")
@paginate(Pagination)
def list_campaigns(request):
    return _campaigns(request)


@router.post("/campaigns", response={201: CampaignOut}, summary="Create a campaign with items")
def add_campaign(request, payload: CampaignIn):
    data = payload.dict(exclude={"items"})
    data["region"] = _region(data["region"])
    items = [_item_data(i) for i in payload.items]
    campaign = services.create_campaign(user=request.user, data=data, items=items)
    return Status(201, campaign)


@router.get("/campaigns/{int:campaign_id}", response=CampaignOut, summary="One campaign")
def get_campaign(request, campaign_id: int):
    return get_object_or_404(_campaigns(request), pk=campaign_id)


@router.post("/campaigns/{int:campaign_id}/items", response={201: ItemOut}, summary="Add an item")
def add_item(request, campaign_id: int, payload: ItemIn):
    campaign = get_object_or_404(_campaigns(request), pk=campaign_id)
    data = _item_data(payload)
    units = data.pop("units")
    return Status(
        201, services.add_item(user=request.user, campaign=campaign, data=data, units=units)
    )


@router.post(
    "/campaigns/items/{int:item_id}/progress",
    response=ItemOut,
    summary="Report an item's progress (0-100) and state",
)
def item_progress(request, item_id: int, payload: ProgressIn):
    item = get_object_or_404(
        CampaignItem.objects.filter(campaign__in=_campaigns(request)), pk=item_id
    )
    return services.update_progress(
        user=request.user,
        item=item,
        progress=payload.progress,
        state=payload.state or "",
        note=payload.note,
    )


# ---------------------------------------------------------------- activities


class ActivityIn(Schema):
    campaign: Id | None = None
    region: RegionCode
    kind: ActivityKind
    title: str = Field(..., min_length=1, max_length=200)
    date: Day
    organiser: Id | None = None
    events: int = Field(1, ge=1, le=100_000)
    participants: Count = 0
    materials: Count = 0
    note: str = Field("", max_length=2000)


class ActivityOut(Schema):
    id: int
    campaign: int | None = Field(None, alias="campaign_id")
    region: str
    kind: str
    title: str
    date: dt.date
    organiser: int | None = Field(None, alias="organiser_id")
    events: int
    participants: int
    materials: int
    note: str

    @staticmethod
    def resolve_region(obj):
        return obj.region.code


def _activities(request):
    return CampaignActivity.objects.visible_to(request.user).select_related("region")


@router.get("/activities", response=list[ActivityOut], summary="Campaign activities")
@paginate(Pagination)
def list_activities(
    request,
    f: Query[LedgerFilter],
    kind: ActivityKind | None = None,
    campaign: int | None = Query(None, ge=1, le=MAX_ID),
):
    return _filtered(_activities(request), "kind", kind, f, campaign)


@router.get(
    "/activities/totals",
    response=TotalsOut,
    summary="Activities per kind: records, events held and person-times",
)
def activity_totals(
    request,
    f: Query[LedgerFilter],
    kind: ActivityKind | None = None,
    campaign: int | None = Query(None, ge=1, le=MAX_ID),
):
    qs = _filtered(_activities(request), "kind", kind, f, campaign)
    return services.activity_totals(qs).as_dict()


@router.post("/activities", response={201: ActivityOut}, summary="Record an activity")
def add_activity(request, payload: ActivityIn):
    data = payload.dict()
    data["region"] = _region(data["region"])
    data["organiser"] = _unit(data["organiser"])
    if data["campaign"]:
        campaign = Campaign.objects.visible_to(request.user).filter(pk=data["campaign"]).first()
        if campaign is None:
            raise ValidationError({"campaign": _("No such campaign.")})
        data["campaign"] = campaign
    return Status(201, services.record_activity(user=request.user, data=data))


@router.delete("/activities/{int:activity_id}", response={204: None}, summary="Delete an activity")
def delete_activity(request, activity_id: int):
    activity = get_object_or_404(_activities(request), pk=activity_id)
    services.delete_activity(user=request.user, activity=activity)
    return Status(204, None)
