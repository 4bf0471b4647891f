from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from anlan.core.downloads import xlsx_response
from anlan.core.history import entries_for
from anlan.core.models import Region
from anlan.core.pagination import Pagination
from anlan.core.permissions import can_edit_registry, require

from . import excel, services
from .choices import (
    EnterpriseIndustry,
    EnterpriseRiskFlag,
    EnterpriseSize,
    EnterpriseStatus,
    HazardSourceLevel,
    PersonPost,
)
from .filters import EnterpriseFilter
from .models import Enterprise, HazardSource

router = Router(tags=["enterprises"])


class EnterpriseFilterIn(Schema):
    q: str = ""
    region: str = Field("", description="Region code; the whole subtree matches")
    industry: EnterpriseIndustry | None = None
    flag: EnterpriseRiskFlag | None = None
    status: EnterpriseStatus | None = None
    sort: str = Field("region", description="name, region, headcount, updated; prefix - to reverse")


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    industry: EnterpriseIndustry
    industry_label: str
    industry_code: str
    risk_flags: list[EnterpriseRiskFlag]
    region_code: str
    region_name: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    size: EnterpriseSize
    headcount: int
    status: EnterpriseStatus
    status_label: str
    is_demo: bool
    updated_at: datetime

    @staticmethod
    def resolve_industry_label(obj):
        return str(obj.get_industry_display())

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())

    @staticmethod
    def resolve_risk_flags(obj):
        return [f.code for f in obj.risk_flags.all()]

    @staticmethod
    def resolve_region_code(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.full_name


class PersonOut(Schema):
    id: int
    name: str
    post: PersonPost
    post_label: str
    id_number_masked: str
    mobile: str

    @staticmethod
    def resolve_post_label(obj):
        return str(obj.get_post_display())


class HazardSourceOut(Schema):
    id: int
    name: str
    code: str
    level: HazardSourceLevel
    principal: str
    technical_lead: str
    operations_lead: str

    @staticmethod
    def resolve_principal(obj):
        return obj.principal.name

    @staticmethod
    def resolve_technical_lead(obj):
        return obj.technical_lead.name

    @staticmethod
    def resolve_operations_lead(obj):
        return obj.operations_lead.name


class EnterpriseDetailOut(EnterpriseOut):
    responsible_persons: list[PersonOut]
    hazard_sources: list[HazardSourceOut]

    @staticmethod
    def resolve_responsible_persons(obj):
        return list(obj.responsible_persons.all())

    @staticmethod
    def resolve_hazard_sources(obj):
        return list(
            obj.hazard_sources.select_related("principal", "technical_lead", "operations_lead")
        )


class EnterprisePatch(Schema):
    name: str | None = Field(None, max_length=200)
    uscc: str | None = Field(None, max_length=30)
    industry: EnterpriseIndustry | None = None
    industry_code: str | None = Field(None, max_length=10)
    risk_flags: list[EnterpriseRiskFlag] | None = None
    region: str | None = Field(None, description="Region code (county, township or village)")
    address: str | None = Field(None, max_length=255)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    size: EnterpriseSize | None = None
    headcount: int | None = Field(None, ge=0, le=10_000_000)
    status: EnterpriseStatus | None = None


class EnterpriseIn(EnterprisePatch):
    name: str = Field(..., min_length=1, max_length=200)
    uscc: str = Field(..., max_length=30)
    industry: EnterpriseIndustry
    region: str = Field(..., description="Region code (county, township or village)")


class PersonIn(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    post: PersonPost
    id_number: str = Field("", max_length=30)
    mobile: str = Field(..., max_length=20)


class PersonPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=50)
    post: PersonPost | None = None
    id_number: str | None = Field(None, max_length=30)
    mobile: str | None = Field(None, max_length=20)


class HazardSourceIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    code: str = Field("", max_length=40)
    level: HazardSourceLevel
    description: str = Field("", max_length=5000)
    principal: int = Field(..., description="Responsible person id (主要负责人)")
    technical_lead: int = Field(..., description="Responsible person id (技术负责人)")
    operations_lead: int = Field(..., description="Responsible person id (操作负责人)")


class HistoryChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class HistoryOut(Schema):
    when: datetime
    user: str
    kind: str
    kind_label: str
    reason: str
    subject: str
    changes: list[HistoryChangeOut]


class ImportErrorOut(Schema):
    row: int
    column: str
    reason: str


class ImportReportOut(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int
    saved: bool
    bad_rows: int
    errors: list[ImportErrorOut]


def _visible(request):
    return (
        Enterprise.objects.visible_to(request.user)
        .select_related("region")
        .prefetch_related("risk_flags")
    )


def _data_from(request, payload: EnterprisePatch) -> tuple[dict, list[str] | None]:
    data = payload.dict(exclude_unset=True)
    flags = data.pop("risk_flags", None)
    if "region" in data:
        code = data["region"]
        region = Region.objects.visible_to(request.user).filter(code=code or "").first()
        if region is None:
            raise ValidationError(
                {"region": _("Region code %s is unknown or outside your jurisdiction.") % code}
            )
        data["region"] = region
    for key in ("industry_code", "address"):
        if key in data and data[key] is None:
            data[key] = ""
    return data, flags


@router.get("", response=list[EnterpriseOut], summary="The enterprise ledger (scoped, filtered)")
@paginate(Pagination)
def list_enterprises(request, filters: Query[EnterpriseFilterIn]):
    flt = EnterpriseFilter.from_params(filters.dict(exclude_none=True))
    return flt.apply(_visible(request))


@router.get("/export.xlsx", summary="Export the ledger to Excel (same filters as the list)")
def export_xlsx(request, filters: Query[EnterpriseFilterIn], columns: str = ""):
    chosen = excel.parse_columns(columns)
    flt = EnterpriseFilter.from_params(filters.dict(exclude_none=True))
    content = excel.export_enterprises(flt.apply(_visible(request)), columns=chosen)
    return xlsx_response(content, "enterprises")


@router.get(
    "/import/template.xlsx", summary="An empty ledger with drop-down lists, to fill in and import"
)
def import_template(request):
    require(can_edit_registry(request.user), _("You may not add enterprises."))
    return xlsx_response(excel.ledger_template(user=request.user), "enterprise-ledger-template")


@router.post(
    "/import",
    response={200: ImportReportOut, 422: dict},
    summary="Import a ledger; all-or-nothing unless partial=true",
)
def import_xlsx(request, file: File[UploadedFile], partial: Form[bool] = False):
    try:
        report = excel.import_enterprises(file.read(), user=request.user, partial=partial)
    except excel.LedgerFileError as exc:
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


@router.post("", response={201: EnterpriseDetailOut}, summary="Add an enterprise")
def create_enterprise(request, payload: EnterpriseIn):
    data, flags = _data_from(request, payload)
    enterprise = services.save_enterprise(user=request.user, data=data, risk_flags=flags or [])
    return Status(201, _visible(request).get(pk=enterprise.pk))


@router.get("/{int:enterprise_id}", response=EnterpriseDetailOut, summary="One enterprise")
def get_enterprise(request, enterprise_id: int):
    return get_object_or_404(_visible(request), pk=enterprise_id)


@router.patch("/{int:enterprise_id}", response=EnterpriseDetailOut, summary="Change an enterprise")
def update_enterprise(request, enterprise_id: int, payload: EnterprisePatch):
    enterprise = get_object_or_404(_visible(request), pk=enterprise_id)
    data, flags = _data_from(request, payload)
    services.save_enterprise(user=request.user, data=data, enterprise=enterprise, risk_flags=flags)
    return _visible(request).get(pk=enterprise.pk)


@router.post(
    "/{int:enterprise_id}/persons",
    response={201: PersonOut},
    summary="Add a responsible person",
)
def add_person(request, enterprise_id: int, payload: PersonIn):
    enterprise = get_object_or_404(_visible(request), pk=enterprise_id)
    person = services.save_person(user=request.user, enterprise=enterprise, data=payload.dict())
    return Status(201, person)


@router.patch(
    "/{int:enterprise_id}/persons/{int:person_id}",
    response=PersonOut,
    summary="Change a responsible person",
)
def update_person(request, enterprise_id: int, person_id: int, payload: PersonPatch):
    enterprise = get_object_or_404(_visible(request), pk=enterprise_id)
    person = get_object_or_404(enterprise.responsible_persons, pk=person_id)
    data = payload.dict(exclude_unset=True)
    return services.save_person(user=request.user, enterprise=enterprise, data=data, person=person)


@router.delete(
    "/{int:enterprise_id}/persons/{int:person_id}",
    response={204: None},
    summary="Remove a responsible person (not while they guarantee a hazard source)",
)
def delete_person(request, enterprise_id: int, person_id: int):
    enterprise = get_object_or_404(_visible(request), pk=enterprise_id)
    person = get_object_or_404(enterprise.responsible_persons, pk=person_id)
    services.delete_person(user=request.user, person=person)
    return Status(204, None)


@router.post(
    "/{int:enterprise_id}/hazard-sources",
    response={201: HazardSourceOut},
    summary="Add a major hazard source with its three guarantors",
)
def add_hazard_source(request, enterprise_id: int, payload: HazardSourceIn):
    enterprise = get_object_or_404(_visible(request), pk=enterprise_id)
    data = payload.dict()
    persons = {p.pk: p for p in enterprise.responsible_persons.all()}
    errors = {}
    for field in HazardSource.GUARANTOR_FIELDS:
        data[field] = persons.get(data[field])
        if data[field] is None:
            errors[field] = _("The guarantor must be a responsible person of this enterprise.")
    if errors:
        raise ValidationError(errors)
    source = services.save_hazard_source(user=request.user, enterprise=enterprise, data=data)
    return Status(201, source)


@router.get(
    "/{int:enterprise_id}/history",
    response=list[HistoryOut],
    summary="Audit trail of an enterprise",
)
def enterprise_history(request, enterprise_id: int):
    enterprise = get_object_or_404(_visible(request), pk=enterprise_id)
    return entries_for(enterprise.history.select_related("history_user"), model=Enterprise)


from .api_risks import router as risks_router  # noqa: E402

router.add_router("", risks_router)
