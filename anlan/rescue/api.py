"""Rescue API (mounted at /api/rescue): teams and the board, duty rosters and readiness,
incidents with the dispatch recommendation, dispatches and their stages, coverage, history.
Scoped by ``visible_to``; 404 outside the user's jurisdiction; 422 naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from anlan.core.api import MAX_ID
from anlan.core.models import Region
from anlan.registry.models import Enterprise

from . import coverage as coverage_service
from . import dispatch as dispatch_service
from . import services
from .choices import Capability, Readiness, Shift, Staffing, TeamKind, TeamStatus
from .models import Dispatch, Incident, Member, Team, TeamUnit

router = Router(tags=["rescue"])
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class ContactIn(Schema):
    name: str = Field(..., max_length=50)
    role: str = Field(..., max_length=50)
    phone: str = Field(..., max_length=20)


class TeamIn(Schema):
    name: str = Field(..., max_length=100)
    kind: str = Field(..., description=", ".join(TeamKind.values))
    region: str = Field(..., description="Region code served (6 or more digits)")
    parent: Id | None = None
    status: str = Field(TeamStatus.ACTIVE, description=", ".join(TeamStatus.values))
    staffing: str = Field(Staffing.FULL_TIME, description="full_time or part_time")
    capabilities: list[str] = Field(default_factory=list, description=", ".join(Capability.values))
    base_address: str = Field("", max_length=255)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    co_building_enterprise: Id | None = None
    government_provides: str = Field("", max_length=500)
    enterprise_provides: str = Field("", max_length=500)
    linked_enterprises: list[Id] = Field(default_factory=list, max_length=1000)
    duty_phone: str = Field("", max_length=20)
    headcount: int = Field(0, ge=0, le=100000)
    contacts: list[ContactIn] | None = Field(None, max_length=20)


class TeamPatch(Schema):
    name: str | None = Field(None, max_length=100)
    status: str | None = None
    staffing: str | None = None
    capabilities: list[str] | None = None
    base_address: str | None = Field(None, max_length=255)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    duty_phone: str | None = Field(None, max_length=20)
    readiness: str | None = None
    headcount: int | None = Field(None, ge=0, le=100000)
    contacts: list[ContactIn] | None = Field(None, max_length=20)


class TeamOut(Schema):
    id: int
    name: str
    kind: str
    tier: str
    region: str
    region_code: str
    parent_id: int | None
    status: str
    staffing: str
    capabilities: list[str]
    base_address: str
    latitude: float | None
    longitude: float | None
    co_building_enterprise_id: int | None
    government_provides: str
    enterprise_provides: str
    duty_phone: str
    readiness: str
    headcount: int
    contacts: list[ContactIn]

    @staticmethod
    def resolve_region(obj):
        return obj.region.full_name

    @staticmethod
    def resolve_region_code(obj):
        return obj.region.code

    @staticmethod
    def resolve_contacts(obj):
        return list(obj.contacts.all())


class BoardOut(Schema):
    team_id: int
    team: str
    kind: str
    status: str
    on_duty: bool
    duty_unit: str | None
    duty_commander: str | None
    readiness: str
    members: int
    breathing_sets: int
    equipment_items: int
    overdue_checks: int


def _resolve_refs(user, data: dict) -> dict:
    if "region" in data:
        region = Region.objects.filter(code=data["region"]).first()
        if region is None:
            raise ValidationError({"region": _("No region has this code.")})
        data["region"] = region
    if data.get("parent") is not None:
        data["parent"] = Team.objects.filter(pk=data["parent"]).first()
        if data["parent"] is None:
            raise ValidationError({"parent": _("No such team.")})
    if data.get("co_building_enterprise") is not None:
        e = Enterprise.objects.visible_to(user).filter(pk=data["co_building_enterprise"]).first()
        if e is None:
            raise ValidationError(
                {"co_building_enterprise": _("No such enterprise in your jurisdiction.")}
            )
        data["co_building_enterprise"] = e
    if data.get("linked_enterprises") is not None:
        ids = set(data["linked_enterprises"])
        found = list(Enterprise.objects.visible_to(user).filter(pk__in=ids))
        if len(found) != len(ids):
            raise ValidationError(
                {"linked_enterprises": _("No such enterprise in your jurisdiction.")}
            )
        data["linked_enterprises"] = found
    return data


@router.get("/teams", response=list[TeamOut], summary="Rescue teams in your jurisdiction")
def list_teams(request, kind: str = "", status: str = ""):
    teams = Team.objects.visible_to(request.user).select_related("region")
    if kind:
        teams = teams.filter(kind=kind)
    if status:
        teams = teams.filter(status=status)
    return teams.prefetch_related("contacts")


@router.post("/teams", response={201: TeamOut}, summary="Register a team")
def create_team(request, payload: TeamIn):
    data = _resolve_refs(request.user, payload.dict(exclude={"contacts"}))
    contacts = [c.dict() for c in payload.contacts] if payload.contacts is not None else None
    team = services.save_team(user=request.user, data=data, contacts=contacts)
    return Status(201, team)


@router.get("/teams/{int:team_id}", response=TeamOut, summary="One team")
def get_team(request, team_id: int):
    return get_object_or_404(Team.objects.visible_to(request.user), pk=team_id)


@router.patch("/teams/{int:team_id}", response=TeamOut, summary="Change a team")
def patch_team(request, team_id: int, payload: TeamPatch):
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=team_id)
    data = payload.dict(exclude_unset=True, exclude={"contacts"})
    if "readiness" in data and data["readiness"] not in Readiness.values:
        raise ValidationError({"readiness": _("Unknown readiness state.")})
    contacts = [c.dict() for c in payload.contacts] if payload.contacts is not None else None
    return services.save_team(user=request.user, team=team, data=data, contacts=contacts)


@router.get("/board", response=list[BoardOut], summary="Every team now: duty, readiness, strength")
def board(request, kind: str = "", county: str = ""):
    teams = services.board_teams(request.user, kind=kind, region_code=county)
    facts = services.with_overdue_checks(services.team_facts(teams))
    return [
        {
            "team_id": f.team.pk,
            "team": f.team.name,
            "kind": f.team.kind,
            "status": f.team.status,
            "on_duty": f.on_duty,
            "duty_unit": f.shift.unit.name if f.shift and f.shift.unit_id else None,
            "duty_commander": f.shift.commander.name if f.shift else None,
            "readiness": f.readiness,
            "members": f.members,
            "breathing_sets": f.breathing_sets,
            "equipment_items": f.equipment_items,
            "overdue_checks": f.overdue_checks,
        }
        for f in facts
    ]


# --- Duty ------------------------------------------------------------------------------------


class ShiftIn(Schema):
    day: dt.date
    shift: str = Field(Shift.FULL_DAY, description="full_day, day or night")
    unit: Id | None = Field(None, description="Squad on duty (unit id)")
    commander: Id = Field(..., description="Member id of the duty commander")
    phone: str = Field("", max_length=20)
    readiness: str = Field(Readiness.NORMAL, description="normal, elevated or high")
    readiness_reason: str = Field("", max_length=200)


class ShiftOut(Schema):
    id: int
    team_id: int
    day: dt.date
    shift: str
    unit: str | None
    commander: str
    phone: str
    readiness: str
    readiness_reason: str

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name if obj.unit_id else None

    @staticmethod
    def resolve_commander(obj):
        return obj.commander.name


@router.get("/teams/{int:team_id}/duty", response=list[ShiftOut], summary="A team's roster")
def team_duty(request, team_id: int, start: dt.date | None = None, days: int = 14):
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=team_id)
    start = start or timezone.localdate()
    days = max(1, min(days, 92))
    return team.duty.filter(day__gte=start, day__lt=start + dt.timedelta(days=days)).order_by(
        "day", "shift"
    )


@router.post("/teams/{int:team_id}/duty", response={201: ShiftOut}, summary="Roster a shift")
def add_shift(request, team_id: int, payload: ShiftIn):
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=team_id)
    data = payload.dict()
    if data["shift"] not in Shift.values:
        raise ValidationError({"shift": _("Unknown shift.")})
    data["commander"] = Member.objects.filter(pk=data["commander"], team=team).first()
    if data["commander"] is None:
        raise ValidationError({"commander": _("No such member in this team.")})
    if data["unit"] is not None:
        data["unit"] = TeamUnit.objects.filter(pk=data["unit"], team=team).first()
        if data["unit"] is None:
            raise ValidationError({"unit": _("No such squad in this team.")})
    return Status(201, services.save_shift(user=request.user, team=team, data=data))


class ReadinessIn(Schema):
    teams: list[Id] = Field(..., min_length=1, max_length=1000)
    readiness: str
    reason: str = Field(..., max_length=200)
    until: dt.date


@router.post("/readiness", summary="Raise the readiness of teams' shifts until a day")
def raise_readiness(request, payload: ReadinessIn):
    teams = list(Team.objects.visible_to(request.user).filter(pk__in=payload.teams))
    if len(teams) != len(set(payload.teams)):
        raise ValidationError({"teams": _("No such team in your jurisdiction.")})
    n = services.raise_readiness(
        user=request.user,
        teams=teams,
        readiness=payload.readiness,
        reason=payload.reason,
        until=payload.until,
    )
    return {"shifts_changed": n}


# --- Incidents and dispatch -----------------------------------------------------------------


class IncidentIn(Schema):
    title: str = Field(..., max_length=200)
    kind: str
    enterprise: Id | None = None
    region: str | None = Field(None, description="Region code; default: the enterprise's")
    place: str = Field(..., max_length=255)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    occurred_at: dt.datetime
    reported_at: dt.datetime | None = None
    caller: str = Field("", max_length=100)
    trapped: int = Field(0, ge=0, le=100000)
    injured: int = Field(0, ge=0, le=100000)
    dead: int = Field(0, ge=0, le=100000)
    severity: str = "general"
    description: str = Field("", max_length=5000)


class IncidentPatch(Schema):
    trapped: int | None = Field(None, ge=0, le=100000)
    injured: int | None = Field(None, ge=0, le=100000)
    dead: int | None = Field(None, ge=0, le=100000)
    rescued: int | None = Field(None, ge=0, le=100000)
    severity: str | None = None
    status: str | None = None
    note: str = Field("", max_length=300)


class EventOut(Schema):
    at: dt.datetime
    text: str
    stage: str
    dispatch_id: int | None


class DispatchOut(Schema):
    id: int
    team_id: int
    team: str
    rank: int | None
    distance_km: float
    eta_minutes: float
    forced: bool
    force_reason: str
    notified_at: dt.datetime
    turned_out_at: dt.datetime | None
    arrived_at: dt.datetime | None
    returned_at: dt.datetime | None
    actual_minutes: float | None
    people_rescued: int
    result: str
    stage: str

    @staticmethod
    def resolve_team(obj):
        return obj.team.name


class IncidentOut(Schema):
    id: int
    title: str
    kind: str
    enterprise_id: int | None
    region: str
    place: str
    latitude: float | None
    longitude: float | None
    occurred_at: dt.datetime
    reported_at: dt.datetime
    trapped: int
    injured: int
    dead: int
    rescued: int
    severity: str
    status: str
    description: str
    dispatches: list[DispatchOut]
    timeline: list[EventOut]

    @staticmethod
    def resolve_region(obj):
        return obj.region.full_name

    @staticmethod
    def resolve_dispatches(obj):
        return list(obj.dispatches.select_related("team"))

    @staticmethod
    def resolve_timeline(obj):
        return list(obj.events.all())


class CandidateOut(Schema):
    team_id: int
    team: str
    kind: str
    rank: int | None
    eligible: bool
    on_duty: bool
    duty_commander: str | None
    readiness: str
    distance_km: float | None
    eta_minutes: float | None
    breathing_sets: int
    members: int
    reasons: list[str]
    problems: list[str]


class DispatchIn(Schema):
    team: Id
    force_reason: str = Field("", max_length=300, description="Needed to send an off-duty team")
    at: dt.datetime | None = Field(None, description="When the team was notified; default: now")


class StageIn(Schema):
    stage: str = Field(..., description="turned_out, arrived or returned")
    at: dt.datetime | None = None
    people_rescued: int | None = Field(None, ge=0, le=100000)
    result: str = Field("", max_length=2000)


def _incident(request, incident_id: int) -> Incident:
    return get_object_or_404(Incident.objects.visible_to(request.user), pk=incident_id)


@router.get("/incidents", response=list[IncidentOut], summary="Incidents in your jurisdiction")
def list_incidents(request, status: str = ""):
    rows = Incident.objects.visible_to(request.user).select_related("region")
    if status:
        rows = rows.filter(status=status)
    return rows[:200]


@router.post("/incidents", response={201: IncidentOut}, summary="Record an incident")
def create_incident(request, payload: IncidentIn):
    data = payload.dict()
    if data["enterprise"] is not None:
        data["enterprise"] = (
            Enterprise.objects.visible_to(request.user).filter(pk=data["enterprise"]).first()
        )
        if data["enterprise"] is None:
            raise ValidationError({"enterprise": _("No such enterprise in your jurisdiction.")})
    code = data.pop("region")
    if code:
        data["region"] = Region.objects.filter(code=code).first()
        if data["region"] is None:
            raise ValidationError({"region": _("No region has this code.")})
    elif data["enterprise"] is None:
        raise ValidationError({"region": _("Give the region or the enterprise.")})
    if data["reported_at"] is None:
        data.pop("reported_at")
    return Status(201, dispatch_service.record_incident(user=request.user, data=data))


@router.get("/incidents/{int:incident_id}", response=IncidentOut, summary="One incident")
def get_incident(request, incident_id: int):
    return _incident(request, incident_id)


@router.patch("/incidents/{int:incident_id}", response=IncidentOut, summary="Update counts")
def patch_incident(request, incident_id: int, payload: IncidentPatch):
    incident = _incident(request, incident_id)
    data = payload.dict(exclude_unset=True)
    note = data.pop("note", "")
    return dispatch_service.update_incident(
        user=request.user, incident=incident, data=data, note=note
    )


@router.get(
    "/incidents/{int:incident_id}/recommendation",
    response=list[CandidateOut],
    summary="Teams ranked by estimated arrival, with reasons",
)
def recommendation(
    request, incident_id: int, eligible_only: bool = False, limit: int = Query(20, ge=1, le=1000)
):
    """``limit``: at most this many ranked teams, and this many of the others."""
    incident = _incident(request, incident_id)
    rows = [c.as_dict() for c in dispatch_service.recommend(incident, limit=limit)]
    return [r for r in rows if r["eligible"] or not eligible_only]


@router.post(
    "/incidents/{int:incident_id}/dispatches",
    response={201: DispatchOut},
    summary="Send a team (an off-duty team needs force_reason)",
)
def create_dispatch(request, incident_id: int, payload: DispatchIn):
    incident = _incident(request, incident_id)
    team = Team.objects.filter(pk=payload.team).first()
    if team is None:
        raise ValidationError({"team": _("No such team.")})
    return Status(
        201,
        dispatch_service.dispatch_team(
            user=request.user,
            incident=incident,
            team=team,
            force_reason=payload.force_reason,
            at=payload.at,
        ),
    )


@router.post(
    "/dispatches/{int:dispatch_id}/stages",
    response=DispatchOut,
    summary="Record that a team turned out, arrived or returned",
)
def dispatch_stage(request, dispatch_id: int, payload: StageIn):
    dispatch = get_object_or_404(
        Dispatch.objects.filter(incident__in=Incident.objects.visible_to(request.user)),
        pk=dispatch_id,
    )
    return dispatch_service.record_stage(
        user=request.user,
        dispatch=dispatch,
        stage=payload.stage,
        at=payload.at,
        people_rescued=payload.people_rescued,
        result=payload.result,
    )


# --- Coverage and history --------------------------------------------------------------------


class CoverageIn(Schema):
    on_duty: bool = Field(True, description="Only teams on duty now")
    planned: str = Field("", description="Planned team ids to add, comma-separated")
    points: str = Field("", description="What-if bases: lat,lon[,name];lat,lon…")
    county: str = ""


def planned_teams(raw: str) -> list[Team]:
    try:
        ids = {int(x) for x in raw.split(",") if x.strip()}
    except ValueError:
        raise ValidationError({"planned": _("Give team ids separated by commas.")}) from None
    teams = list(Team.objects.filter(pk__in=ids, status=TeamStatus.PLANNED))
    if len(teams) != len(ids):
        raise ValidationError({"planned": _("Not a planned team: give ids of planned teams.")})
    return teams


@router.get("/coverage", summary="Nearest qualified team for every flagged mine; gaps; what-if")
def coverage(request, filters: Query[CoverageIn]):
    result = coverage_service.analyse(
        user=request.user,
        on_duty_only=filters.on_duty,
        planned=planned_teams(filters.planned),
        points=coverage_service.parse_points(filters.points),
        region_code=filters.county,
    )
    return {
        "summary": result.summary(),
        "mines": [r.as_dict() for r in result.rows],
        "teams": [s.as_dict() for s in result.sites],
    }


@router.get("/history", summary="Rescue history per team: incidents, arrivals, people rescued")
def history(request):
    return dispatch_service.team_history(Team.objects.visible_to(request.user))
