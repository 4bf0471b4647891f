from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from anlan.core.downloads import xlsx_response
from anlan.core.models import Region
from anlan.core.uploads import check_uploaded_files
from anlan.registry.choices import EnterpriseIndustry
from anlan.registry.models import Enterprise

from . import services
from .choices import AttachmentKind, HazardCategory, HazardChannel, HazardLevel, HazardStatus
from .counts import CappedPagination, ledger_counts
from .duplicates import possible_duplicates
from .excel import export_hazards
from .filters import HazardFilter
from .models import Hazard

router = Router(tags=["hazards"])
STATUS_LABELS = dict(HazardStatus.choices)


class HazardFilterIn(Schema):
    q: str = ""
    status: HazardStatus | None = None
    level: HazardLevel | None = None
    channel: HazardChannel | None = None
    region: str = Field("", description="Region code; the whole subtree matches")
    enterprise: int | None = None
    overdue: bool = False
    industry: EnterpriseIndustry | None = None
    found_from: date | None = Field(None, description="Found on or after this day")
    found_to: date | None = Field(None, description="Found on or before this day")
    open: bool = Field(False, description="Only hazards not yet closed (nor rejected or merged)")
    countable: bool = Field(
        False, description="Leave out rejected reports and merged duplicates, as figures do"
    )
    sort: str = Field("-found", description="found, deadline or status; - to reverse")


class HazardOut(Schema):
    id: int
    code: str
    enterprise_id: int | None
    place: str
    region_code: str
    region_name: str
    description: str
    category: HazardCategory
    level: HazardLevel
    channel: HazardChannel
    status: HazardStatus
    status_label: str
    found_at: datetime
    deadline: date | None
    is_overdue: bool
    closed_at: datetime | None

    @staticmethod
    def resolve_region_code(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.full_name

    @staticmethod
    def resolve_status_label(obj):
        # A dict lookup, not get_status_display(), which rebuilds the flat choices per call
        # (a tenth of a 25-row page's time).
        return str(STATUS_LABELS[obj.status])


class PlanOut(Schema):
    measures: str
    responsible_person: str
    responsible_mobile: str
    funds: Decimal
    deadline: date
    contingency: str
    goals: str
    materials: str
    interim_measures: str


class TransitionOut(Schema):
    from_status: str
    to_status: HazardStatus
    actor: str
    at: datetime
    reason: str

    @staticmethod
    def resolve_actor(obj):
        return str(obj.actor) if obj.actor_id else ""


class AttachmentOut(Schema):
    id: int
    kind: AttachmentKind
    original_name: str
    content_type: str
    size: int
    uploaded_at: datetime
    url: str

    @staticmethod
    def resolve_url(obj):
        return f"/api/hazards/{obj.hazard_id}/attachments/{obj.pk}"


class ListingOut(Schema):
    authority_code: str
    authority_name: str
    listed_at: date
    deadline: date
    delisted_at: datetime | None

    @staticmethod
    def resolve_authority_code(obj):
        return obj.authority.code

    @staticmethod
    def resolve_authority_name(obj):
        return obj.authority.full_name


class ListingIn(Schema):
    authority: str = Field(..., description="Code of the supervising county or city")
    deadline: date


class ExtensionOut(Schema):
    id: int
    old_deadline: date
    new_deadline: date
    reason: str
    status: str
    decision_note: str
    requested_at: datetime
    decided_at: datetime | None


class ExtensionIn(Schema):
    new_deadline: date
    reason: str = Field(..., max_length=2000)


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000)


class DuplicateOut(Schema):
    hazard: HazardOut
    score: float
    distance_m: float | None


class HazardDetailOut(HazardOut):
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    basis: str
    found_by: str
    duplicate_of_id: int | None
    plan: PlanOut | None
    listing: ListingOut | None
    extensions: list[ExtensionOut]
    transitions: list[TransitionOut]
    attachments: list[AttachmentOut]
    clauses: list[str] = Field(..., description="Ids of the determination clauses it meets")

    @staticmethod
    def resolve_clauses(obj):
        return [c.pk for c in obj.clauses.all()]

    @staticmethod
    def resolve_plan(obj):
        return getattr(obj, "plan", None)

    @staticmethod
    def resolve_extensions(obj):
        return list(obj.extensions.all())

    @staticmethod
    def resolve_listing(obj):
        return getattr(obj, "listing", None)

    @staticmethod
    def resolve_transitions(obj):
        return list(obj.transitions.select_related("actor"))

    @staticmethod
    def resolve_attachments(obj):
        return list(obj.attachments.all())


class HazardIn(Schema):
    enterprise: int | None = Field(None, description="Enterprise id; or give place_name and region")
    place_name: str = Field("", max_length=200)
    address: str = Field("", max_length=255)
    region: str | None = Field(None, description="Region code, for a place with no enterprise")
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    description: str = Field(..., min_length=1, max_length=5000)
    category: HazardCategory
    level: HazardLevel = HazardLevel.GENERAL
    basis: str = Field("", max_length=2000)
    channel: HazardChannel
    found_at: datetime | None = None
    found_by: str = Field("", max_length=100)


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class VerifyIn(ReasonIn):
    level: HazardLevel | None = None


class MergeIn(ReasonIn):
    into: int = Field(..., description="Id of the open hazard this one duplicates")


class PlanIn(Schema):
    measures: str = Field(..., max_length=5000)
    responsible_person: str = Field(..., max_length=50)
    responsible_mobile: str = Field("", max_length=20)
    funds: Decimal = Field(..., ge=0, le=Decimal("999999999999"))
    deadline: date
    contingency: str = Field(..., max_length=5000)
    goals: str = Field("", max_length=5000)
    materials: str = Field("", max_length=5000)
    interim_measures: str = Field("", max_length=5000)
    reason: str = Field("", max_length=2000)


class CountsOut(Schema):
    total: int
    overdue: int
    by_status: dict[str, int]
    count_limit: int = Field(..., description="Counts are exact up to this many rows")
    capped: list[str] = Field(
        ...,
        description="Keys (total, overdue or a status) whose true value is more than the number "
        "given: shown as “10,000+”",
    )


def _filter(filters) -> HazardFilter:
    flt = HazardFilter.from_params(filters.dict(exclude_none=True))
    if flt.errors:
        raise ValidationError(flt.errors)
    return flt


def _visible(request):
    return Hazard.objects.visible_to(request.user).select_related("region", "enterprise")


def _get(request, hazard_id: int) -> Hazard:
    return get_object_or_404(_visible(request), pk=hazard_id)


def _detail(request, hazard_id: int) -> Hazard:
    return _visible(request).select_related("plan", "listing__authority").get(pk=hazard_id)


@router.get("", response=list[HazardOut], summary="The hazard ledger (scoped, filtered)")
@paginate(CappedPagination)
def list_hazards(request, filters: Query[HazardFilterIn]):
    return _filter(filters).apply(_visible(request))


@router.get("/export.xlsx", summary="The hazard ledger as Excel (same filters as the list)")
def export_xlsx(request, filters: Query[HazardFilterIn]):
    flt = _filter(filters)
    return xlsx_response(export_hazards(flt.apply(_visible(request))), "hazards")


@router.get("/counts", response=CountsOut, summary="Counts per status for the same filters")
def hazard_counts(request, filters: Query[HazardFilterIn]):
    flt = _filter(filters)
    counts = ledger_counts(flt.apply(_visible(request), with_status=False))
    return {
        "total": counts.total,
        "overdue": counts.overdue,
        "by_status": counts.by_status,
        "count_limit": counts.limit,
        "capped": sorted(counts.capped),
    }


@router.post("", response={201: HazardDetailOut}, summary="Report a hazard")
def report_hazard(request, payload: HazardIn):
    data = payload.dict(exclude_none=True)
    if "enterprise" in data:
        data["enterprise"] = (
            Enterprise.objects.visible_to(request.user).filter(pk=data["enterprise"]).first()
        )
        if data["enterprise"] is None:
            raise ValidationError({"enterprise": _("No such enterprise in your jurisdiction.")})
    if "region" in data:
        data["region"] = Region.objects.filter(code=data["region"]).first()
        if data["region"] is None:
            raise ValidationError({"region": _("No region has this code.")})
    hazard = services.report_hazard(user=request.user, data=data)
    return Status(201, _detail(request, hazard.pk))


@router.get(
    "/{int:hazard_id}", response=HazardDetailOut, summary="One hazard with plan and timeline"
)
def get_hazard(request, hazard_id: int):
    return get_object_or_404(
        _visible(request).select_related("plan", "listing__authority"), pk=hazard_id
    )


@router.post(
    "/{int:hazard_id}/photos",
    response={201: HazardDetailOut},
    summary="Add photos or documents of the hazard (JPEG, PNG, WebP, HEIC or PDF)",
)
def add_photos(request, hazard_id: int, files: File[list[UploadedFile]]):
    hazard = _get(request, hazard_id)
    services.add_photos(
        hazard=hazard, user=request.user, photos=check_uploaded_files(files, "files")
    )
    return Status(201, _detail(request, hazard_id))


@router.get(
    "/{int:hazard_id}/possible-duplicates",
    response=list[DuplicateOut],
    summary="Open hazards this one resembles (same enterprise, or a place nearby)",
)
def duplicates(request, hazard_id: int):
    return possible_duplicates(_get(request, hazard_id), user=request.user)


@router.get("/{int:hazard_id}/attachments/{int:attachment_id}", summary="Download an attachment")
def download_attachment(request, hazard_id: int, attachment_id: int):
    hazard = _get(request, hazard_id)
    attachment = get_object_or_404(hazard.attachments, pk=attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        filename=attachment.original_name,
    )


@router.post("/{int:hazard_id}/verify", response=HazardDetailOut, summary="Verify (and grade)")
def verify(request, hazard_id: int, payload: VerifyIn):
    services.verify_hazard(hazard=_get(request, hazard_id), user=request.user, **payload.dict())
    return _detail(request, hazard_id)


@router.post("/{int:hazard_id}/reject", response=HazardDetailOut, summary="Reject, with a reason")
def reject(request, hazard_id: int, payload: ReasonIn):
    services.reject_hazard(
        hazard=_get(request, hazard_id), user=request.user, reason=payload.reason
    )
    return _detail(request, hazard_id)


@router.post("/{int:hazard_id}/merge", response=HazardDetailOut, summary="Merge as a duplicate")
def merge(request, hazard_id: int, payload: MergeIn):
    into = _visible(request).filter(pk=payload.into).first()
    if into is None:
        raise ValidationError({"into": _("No such hazard in your jurisdiction.")})
    services.merge_hazard(
        hazard=_get(request, hazard_id), into=into, user=request.user, reason=payload.reason
    )
    return _detail(request, hazard_id)


@router.post("/{int:hazard_id}/plan", response=HazardDetailOut, summary="Assign the 五定 plan")
def assign_plan(request, hazard_id: int, payload: PlanIn):
    plan = payload.dict()
    reason = plan.pop("reason")
    services.assign_plan(
        hazard=_get(request, hazard_id), user=request.user, plan=plan, reason=reason
    )
    return _detail(request, hazard_id)


@router.post(
    "/{int:hazard_id}/listing",
    response=HazardDetailOut,
    summary="List a 重大 hazard for supervision (挂牌督办)",
)
def list_for_supervision(request, hazard_id: int, payload: ListingIn):
    authority = Region.objects.filter(code=payload.authority).first()
    services.list_for_supervision(
        hazard=_get(request, hazard_id),
        user=request.user,
        authority=authority,
        deadline=payload.deadline,
    )
    return _detail(request, hazard_id)


@router.post(
    "/{int:hazard_id}/extensions",
    response=HazardDetailOut,
    summary="Ask to move the rectification deadline",
)
def request_extension(request, hazard_id: int, payload: ExtensionIn):
    services.request_extension(hazard=_get(request, hazard_id), user=request.user, **payload.dict())
    return _detail(request, hazard_id)


@router.post(
    "/{int:hazard_id}/extensions/{int:extension_id}/decision",
    response=HazardDetailOut,
    summary="Approve or refuse an extension request",
)
def decide_extension(request, hazard_id: int, extension_id: int, payload: DecisionIn):
    hazard = _get(request, hazard_id)
    extension = get_object_or_404(hazard.extensions, pk=extension_id)
    services.decide_extension(
        extension=extension, user=request.user, approve=payload.approve, note=payload.note
    )
    return _detail(request, hazard_id)


@router.post("/{int:hazard_id}/start", response=HazardDetailOut, summary="Start rectifying")
def start(request, hazard_id: int, payload: ReasonIn):
    services.start_rectifying(
        hazard=_get(request, hazard_id), user=request.user, reason=payload.reason
    )
    return _detail(request, hazard_id)


@router.post(
    "/{int:hazard_id}/request-acceptance",
    response=HazardDetailOut,
    summary="Report the rectification done, with evidence files",
)
def request_acceptance(
    request, hazard_id: int, evidence: File[list[UploadedFile]], reason: Form[str] = ""
):
    services.request_acceptance(
        hazard=_get(request, hazard_id),
        user=request.user,
        reason=reason[:2000],
        evidence=check_uploaded_files(evidence, "evidence"),
    )
    return _detail(request, hazard_id)


@router.post("/{int:hazard_id}/accept", response=HazardDetailOut, summary="Accept and close (销号)")
def accept(request, hazard_id: int, payload: ReasonIn):
    services.accept_hazard(
        hazard=_get(request, hazard_id), user=request.user, reason=payload.reason
    )
    return _detail(request, hazard_id)


@router.post(
    "/{int:hazard_id}/fail-acceptance",
    response=HazardDetailOut,
    summary="Acceptance failed: back to rectifying, with the reason",
)
def fail_acceptance(request, hazard_id: int, payload: ReasonIn):
    services.fail_acceptance(
        hazard=_get(request, hazard_id), user=request.user, reason=payload.reason
    )
    return _detail(request, hazard_id)
