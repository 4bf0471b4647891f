"""Patrol API: list, record (with findings) and read online patrols; the due / missed list.
Scoped by ``visible_to``; 404 outside the user's jurisdiction; 422 naming the field (a
finding's field as ``findings[1].description``, counting from 0)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from anlan.core.pagination import Pagination
from anlan.registry.models import Enterprise

from . import queries, services
from .choices import PatrolLevel
from .models import OnlinePatrol

router = Router(tags=["patrols"])


class FindingIn(Schema):
    description: str = Field("", max_length=5000)
    category: str = Field("management", description="Hazard category")
    level: str = Field("general", description="general (一般) or major (重大)")
    deadline: dt.date | None = Field(None, description="Rectification deadline")


class PatrolIn(Schema):
    enterprise: int
    kind: str = Field("patrol", description="patrol (巡查) or spot_check (抽查)")
    started_at: dt.datetime | None = Field(None, description="Default: now")
    items: list[str] = Field(
        default_factory=list,
        description="What was looked at: readings, alarms, offline, commitment, duties, video",
    )
    summary: str = Field("", max_length=5000)
    result: str = Field(..., description="ok (no problems found) or problems")
    findings: list[FindingIn] = Field(default_factory=list, max_length=50)


class FindingOut(Schema):
    id: int
    order: int
    description: str
    category: str
    level: str
    deadline: dt.date
    hazard_id: int | None
    hazard_code: str | None

    @staticmethod
    def resolve_hazard_code(obj):
        return obj.hazard.code if obj.hazard_id else None


class PatrolSummaryOut(Schema):
    id: int
    kind: str
    enterprise_id: int
    enterprise: str
    patroller: str
    level: str
    started_at: dt.datetime
    items: list[str]
    result: str

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_patroller(obj):
        return obj.patroller.display_name or obj.patroller.username


class PatrolOut(PatrolSummaryOut):
    summary: str
    findings: list[FindingOut]

    @staticmethod
    def resolve_findings(obj):
        return list(obj.findings.select_related("hazard"))


class PatrolFilterIn(Schema):
    kind: str = ""
    level: str = ""
    county: str = Field("", description="County code (6 digits)")
    result: str = ""
    month: str = Field("", description="YYYY-MM")
    enterprise: int | None = None


class DueOut(Schema):
    enterprise_id: int
    enterprise: str
    region: str
    level: str
    limit_days: int
    last_patrol_id: int | None
    last_patrol_at: dt.datetime | None
    since: dt.date
    days_since: int
    due_on: dt.date
    missed: bool


@router.get("", response=list[PatrolSummaryOut], summary="Online patrols in your jurisdiction")
@paginate(Pagination)
def list_patrols(request, filters: Query[PatrolFilterIn]):
    return queries.filter_patrols(request.user, **filters.dict())


@router.post("", response={201: PatrolOut}, summary="Record a patrol; each finding opens a hazard")
def create_patrol(request, payload: PatrolIn):
    enterprise = Enterprise.objects.visible_to(request.user).filter(pk=payload.enterprise).first()
    if enterprise is None:
        raise ValidationError({"enterprise": _("No such enterprise in your jurisdiction.")})
    data = payload.dict(exclude={"enterprise", "findings"})
    if data.get("started_at") is None:
        data.pop("started_at", None)
    patrol = services.record_patrol(
        user=request.user,
        enterprise=enterprise,
        data=data,
        findings=[f.dict() for f in payload.findings],
    )
    return Status(201, patrol)


@router.get(
    "/due",
    response=list[DueOut],
    summary="Monitored enterprises and their last patrol at a level (most overdue first)",
)
def due(request, level: str = "", missed: bool = False):
    """``level``: city, county or township (default: your own level, or city)."""
    level = level or services.level_of(request.user) or PatrolLevel.CITY
    if level not in PatrolLevel.values:
        raise ValidationError({"level": _("Unknown level.")})
    rows = services.due_rows(enterprises=Enterprise.objects.visible_to(request.user), level=level)
    return [
        {
            **r.evidence(),
            "enterprise_id": r.enterprise.pk,
            "region": r.enterprise.region.full_name,
            "last_patrol_at": r.last_patrol_at,
            "missed": r.missed,
        }
        for r in rows
        if r.missed or not missed
    ]


@router.get("/{int:patrol_id}", response=PatrolOut, summary="One patrol with its findings")
def get_patrol(request, patrol_id: int):
    return get_object_or_404(
        OnlinePatrol.objects.visible_to(request.user).select_related("enterprise", "patroller"),
        pk=patrol_id,
    )
