"""Rescue drills API, attached to the equipment router (so under /api/rescue/drills).

Scoped by ``Drill.objects.visible_to``: 404 outside the user's scope, 403 without the right to
change, 422 naming the field."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from anlan.core.api import MAX_ID
from anlan.core.models import Region
from anlan.core.pagination import Pagination
from anlan.registry.models import Enterprise

from . import services_drills as drills
from .models import Drill, DrillFinding, Team

router = Router(tags=["rescue drills"])
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


# ---------------------------------------------------------------- drills


class DrillIn(Schema):
    title: str = Field(..., max_length=200)
    kind: str
    scenario: str = Field(..., max_length=5000)
    region: str = Field(..., description="Region code, e.g. 140729")
    teams: list[Id] = Field(..., max_length=100)
    enterprises: list[Id] = Field(default_factory=list, max_length=200)
    planned_for: dt.datetime


class HeldIn(Schema):
    started_at: dt.datetime
    ended_at: dt.datetime
    participants: int = Field(..., ge=0, le=100000)
    evaluation: str = Field("", max_length=5000)
    score: int | None = Field(None, ge=0, le=100)


class DrillFindingIn(Schema):
    description: str = Field(..., max_length=2000)
    due_on: dt.date
    enterprise: Id | None = Field(None, description="Opens a hazard at this enterprise")
    task_owner: str = Field("", max_length=100, description="Otherwise: who does the task")
    category: str = "management"
    level: str = "general"


class DrillFindingOut(Schema):
    id: int
    description: str
    enterprise_id: int | None
    hazard_id: int | None
    hazard_code: str | None
    task_owner: str
    due_on: dt.date
    done_on: dt.date | None

    @staticmethod
    def resolve_hazard_code(obj):
        return obj.hazard.code if obj.hazard_id else None


class DrillOut(Schema):
    id: int
    title: str
    kind: str
    scenario: str
    region: str
    status: str
    planned_for: dt.datetime
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    duration_minutes: int | None
    participants: int
    evaluation: str
    score: int | None
    teams: list[int]
    enterprises: list[int]
    findings: list[DrillFindingOut]

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_teams(obj):
        return [t.pk for t in obj.teams.all()]

    @staticmethod
    def resolve_enterprises(obj):
        return [e.pk for e in obj.enterprises.all()]

    @staticmethod
    def resolve_findings(obj):
        return list(obj.findings.select_related("hazard"))


def _drills(request):
    return Drill.objects.visible_to(request.user).select_related("region")


@router.get("/drills", response=list[DrillOut], summary="Drills of your teams and region")
@paginate(Pagination)
def list_drills(request, status: str = "", kind: str = ""):
    qs = _drills(request).prefetch_related("teams", "enterprises")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.post("/drills", response={201: DrillOut}, summary="Plan a drill")
def plan_drill(request, payload: DrillIn):
    region = Region.objects.filter(code=payload.region).first()
    if region is None:
        raise ValidationError({"region": _("No such region.")})
    teams = list(Team.objects.filter(pk__in=payload.teams))
    if len(teams) != len(set(payload.teams)):
        raise ValidationError({"teams": _("No such team.")})
    enterprises = list(
        Enterprise.objects.visible_to(request.user).filter(pk__in=payload.enterprises)
    )
    if len(enterprises) != len(set(payload.enterprises)):
        raise ValidationError({"enterprises": _("No such enterprise in your jurisdiction.")})
    data = payload.dict(exclude={"teams", "enterprises"})
    data["region"] = region
    drill = drills.plan_drill(user=request.user, data=data, teams=teams, enterprises=enterprises)
    return Status(201, drill)


@router.get(
    "/drills/stats",
    summary="Held drills per period, county and kind",
)
def drill_stats(request, period: str = "month", year: int | None = None):
    stats = drills.drill_stats(_drills(request), period=period, year=year)
    return {
        "period": stats.period,
        "year": stats.year,
        "rows": [
            {"period": r.period, "county": r.county, "counts": r.counts, "total": r.total}
            for r in stats.rows
        ],
        "total": stats.total,
    }


@router.get("/drills/{int:drill_id}", response=DrillOut, summary="One drill with its findings")
def get_drill(request, drill_id: int):
    return get_object_or_404(_drills(request), pk=drill_id)


@router.post("/drills/{int:drill_id}/held", response=DrillOut, summary="Record a drill as held")
def drill_held(request, drill_id: int, payload: HeldIn):
    drill = get_object_or_404(_drills(request), pk=drill_id)
    return drills.record_held(user=request.user, drill=drill, data=payload.dict())


@router.post(
    "/drills/{int:drill_id}/findings",
    response={201: DrillFindingOut},
    summary="Add a finding: a hazard at an enterprise, or a task with an owner",
)
def add_finding(request, drill_id: int, payload: DrillFindingIn):
    drill = get_object_or_404(_drills(request), pk=drill_id)
    data = payload.dict()
    enterprise = None
    if data.pop("enterprise"):
        enterprise = drill.enterprises.filter(pk=payload.enterprise).first()
        if enterprise is None:
            raise ValidationError({"enterprise": _("This enterprise is not in the drill.")})
    finding = drills.add_finding(user=request.user, drill=drill, enterprise=enterprise, **data)
    return Status(201, finding)


@router.post(
    "/drills/findings/{int:finding_id}/done", response=DrillFindingOut, summary="Mark a task done"
)
def finding_done(request, finding_id: int):
    finding = get_object_or_404(
        DrillFinding.objects.filter(drill__in=_drills(request).values("pk")), pk=finding_id
    )
    return drills.complete_task(user=request.user, finding=finding)
