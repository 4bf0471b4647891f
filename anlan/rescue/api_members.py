"""Rescue members API, mounted at /api/rescue/ (see anlan/api.py): the structure check and
units of a team, members, training records, certificates (and those due), scoring rules and
assessments. Scoped by ``visible_to`` (404 outside it); 403 for a change the user may not make;
422 naming the field for bad input, with nothing saved. ID numbers are returned masked."""

import datetime as dt
from decimal import Decimal
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

from . import import_members, imports
from . import services_members as services
from .models import Certificate, Member, ScoringRule, Team, TeamUnit

router = Router(tags=["rescue members"])
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


# ---------------------------------------------------------------- schemas


class StructureOut(Schema):
    team_id: int
    team: str
    ok: bool
    problems: list[str]


class RescuerUnitIn(Schema):
    name: str = Field(..., max_length=50)
    kind: str = Field(..., description="squadron or squad")
    parent: int | None = Field(None, description="The squadron a squad sits in")


class RescuerUnitOut(Schema):
    id: int
    team_id: int
    name: str
    kind: str
    parent_id: int | None


class MemberIn(Schema):
    team: Id
    unit: Id | None = None
    name: str = Field(..., max_length=50)
    id_number: str = Field(..., max_length=30)
    post: str
    mobile: str = Field("", max_length=20)
    status: str = "active"
    joined_on: dt.date
    experience_since: dt.date


class MemberPatch(Schema):
    unit: Id | None = None
    name: str | None = Field(None, max_length=50)
    id_number: str | None = Field(None, max_length=30)
    post: str | None = None
    mobile: str | None = Field(None, max_length=20)
    status: str | None = None
    joined_on: dt.date | None = None
    experience_since: dt.date | None = None


class MemberOut(Schema):
    id: int
    team_id: int
    team: str
    unit_id: int | None
    name: str
    id_number_masked: str
    age: int | None
    post: str
    mobile: str
    status: str
    joined_on: dt.date
    experience_since: dt.date

    @staticmethod
    def resolve_team(obj):
        return obj.team.name


class MemberFilterIn(Schema):
    team: Id | None = None
    post: str = ""
    status: str = ""
    unit: str = ""


class RescuerTrainingIn(Schema):
    kind: str
    course: str = Field(..., max_length=200)
    started_on: dt.date
    hours: Decimal
    provider: str = Field("", max_length=200)
    passed: bool = True


class RescuerTrainingOut(Schema):
    id: int
    member_id: int
    kind: str
    course: str
    started_on: dt.date
    hours: Decimal
    provider: str
    passed: bool


class CertificateIn(Schema):
    name: str = Field(..., max_length=100)
    number: str = Field("", max_length=50)
    issuer: str = Field("", max_length=100)
    issued_on: dt.date
    expires_on: dt.date


class CertificateOut(Schema):
    id: int
    member_id: int
    member: str
    team: str
    name: str
    number: str
    issuer: str
    issued_on: dt.date
    expires_on: dt.date
    state: str

    @staticmethod
    def resolve_member(obj):
        return obj.member.name

    @staticmethod
    def resolve_team(obj):
        return obj.member.team.name

    @staticmethod
    def resolve_state(obj):
        return obj.state()


class RescuerItemIn(Schema):
    name: str
    points: int


class ScoringRuleIn(Schema):
    name: str = Field(..., max_length=100)
    items: list[RescuerItemIn]
    pass_mark: int = Field(60, ge=0, le=32767)
    excellent_mark: int = Field(90, ge=0, le=32767)


class ScoringRuleOut(Schema):
    id: int
    team_id: int
    name: str
    items: list[dict]
    pass_mark: int
    excellent_mark: int
    full_marks: int


class AssessmentIn(Schema):
    rule: Id
    assessed_on: dt.date
    scores: dict[str, int]
    assessor: str = Field("", max_length=50)


class RescuerAssessmentOut(Schema):
    id: int
    member_id: int
    member: str
    rule_id: int
    assessed_on: dt.date
    scores: dict
    total: int
    result: str
    assessor: str

    @staticmethod
    def resolve_member(obj):
        return obj.member.name


# ---------------------------------------------------------------- helpers


def _team(request, team_id: int) -> Team:
    return get_object_or_404(Team.objects.visible_to(request.user), pk=team_id)


def _member(request, member_id: int) -> Member:
    return get_object_or_404(
        Member.objects.visible_to(request.user).select_related("team"), pk=member_id
    )


def _unit(team: Team, unit_id: int | None, field: str = "unit") -> TeamUnit | None:
    if unit_id is None:
        return None
    unit = team.units.filter(pk=unit_id).first()
    if unit is None:
        raise ValidationError({field: _("No such squad or squadron in this team.")})
    return unit


# ---------------------------------------------------------------- structure and units


@router.get(
    "/teams/{int:team_id}/structure",
    response=StructureOut,
    summary="Squads below the minimum size, squadrons with too few squads",
)
def team_structure(request, team_id: int):
    team = _team(request, team_id)
    problems = services.structure_problems(team)
    return {"team_id": team.pk, "team": team.name, "ok": not problems, "problems": problems}


@router.post(
    "/teams/{int:team_id}/units", response={201: RescuerUnitOut}, summary="Add a squad or squadron"
)
def create_unit(request, team_id: int, payload: RescuerUnitIn):
    team = _team(request, team_id)
    data = payload.dict()
    data["parent"] = _unit(team, data["parent"], "parent")
    return Status(201, services.add_unit(user=request.user, team=team, data=data))


# ---------------------------------------------------------------- members


@router.get("/members", response=list[MemberOut], summary="Members of the teams you see")
@paginate(Pagination)
def list_members(request, filters: Query[MemberFilterIn]):
    members = Member.objects.visible_to(request.user).select_related("team", "unit")
    team = None if filters.team is None else _team(request, filters.team)
    return services.filter_members(
        members, team=team, post=filters.post, status=filters.status, unit=filters.unit
    )


@router.post(
    "/members", response={201: MemberOut}, summary="Add a member (age and experience checked)"
)
def create_member(request, payload: MemberIn):
    team = Team.objects.visible_to(request.user).filter(pk=payload.team).first()
    if team is None:
        raise ValidationError({"team": _("No such team in your jurisdiction.")})
    data = payload.dict(exclude={"team"})
    data["unit"] = _unit(team, data["unit"])
    member = services.save_member(user=request.user, team=team, data=data)
    return Status(201, member)


@router.get("/members/{int:member_id}", response=MemberOut, summary="One member")
def get_member(request, member_id: int):
    return _member(request, member_id)


@router.patch("/members/{int:member_id}", response=MemberOut, summary="Change a member")
def patch_member(request, member_id: int, payload: MemberPatch):
    member = _member(request, member_id)
    data = payload.dict(exclude_unset=True)
    if "unit" in data:
        data["unit"] = _unit(member.team, data["unit"])
    for field in ("name", "id_number", "post", "status", "joined_on", "experience_since"):
        if field in data and data[field] is None:
            raise ValidationError({field: _("This field cannot be empty.")})
    return services.save_member(user=request.user, team=member.team, member=member, data=data)


# ---------------------------------------------------------------- training


@router.get(
    "/members/{int:member_id}/trainings", response=list[RescuerTrainingOut], summary="Training"
)
def list_trainings(request, member_id: int):
    return _member(request, member_id).trainings.all()


@router.post(
    "/members/{int:member_id}/trainings",
    response={201: RescuerTrainingOut},
    summary="Add a training",
)
def create_training(request, member_id: int, payload: RescuerTrainingIn):
    member = _member(request, member_id)
    training = services.add_training(user=request.user, member=member, data=payload.dict())
    return Status(201, training)


# ---------------------------------------------------------------- certificates


@router.post(
    "/members/{int:member_id}/certificates",
    response={201: CertificateOut},
    summary="Add a certificate",
)
def create_certificate(request, member_id: int, payload: CertificateIn):
    member = _member(request, member_id)
    certificate = services.add_certificate(user=request.user, member=member, data=payload.dict())
    return Status(201, certificate)


@router.get(
    "/certificates/due",
    response=list[CertificateOut],
    summary="Certificates expired or expiring within the warning days (or `days`)",
)
def certificates_due(request, days: int | None = Query(None, ge=0, le=3650)):
    rows = services.certificates_due(Certificate.objects.visible_to(request.user), days=days)
    return [c for c, _state in rows]


# ---------------------------------------------------------------- scoring rules and assessments


@router.post(
    "/teams/{int:team_id}/scoring-rules",
    response={201: ScoringRuleOut},
    summary="Define a team's scoring rules (队员考核细则)",
)
def create_scoring_rule(request, team_id: int, payload: ScoringRuleIn):
    team = _team(request, team_id)
    rule = services.save_scoring_rule(user=request.user, team=team, data=payload.dict())
    return Status(201, rule)


@router.get(
    "/teams/{int:team_id}/scoring-rules", response=list[ScoringRuleOut], summary="Scoring rules"
)
def list_scoring_rules(request, team_id: int):
    return _team(request, team_id).scoring_rules.all()


@router.post(
    "/members/{int:member_id}/assessments",
    response={201: RescuerAssessmentOut},
    summary="Record an assessment (total and result computed)",
)
def create_assessment(request, member_id: int, payload: AssessmentIn):
    member = _member(request, member_id)
    rule = ScoringRule.objects.filter(
        pk=payload.rule, team__in=Team.objects.visible_to(request.user)
    ).first()
    if rule is None:
        raise ValidationError({"rule": _("No such scoring rules in your jurisdiction.")})
    data = payload.dict()
    data["rule"] = rule
    assessment = services.record_assessment(user=request.user, member=member, data=data)
    return Status(201, assessment)


@router.get(
    "/teams/{int:team_id}/assessments",
    response=list[RescuerAssessmentOut],
    summary="A team's assessments with their results",
)
def list_assessments(request, team_id: int):
    return services.team_assessments(_team(request, team_id))


# ---------------------------------------------------------------- Excel import


def _import_team(request, team_id: int) -> Team:
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=team_id)
    if not services.may_manage(request.user, team):
        raise PermissionDenied(_("You may not change the records of this team."))
    return team


@router.get(
    "/teams/{int:team_id}/members/template.xlsx",
    summary="An empty members sheet with drop-down lists and instructions, to fill in and import",
)
def members_import_template(request, team_id: int):
    team = _import_team(request, team_id)
    return xlsx_response(import_members.template(team=team), f"rescue-members-template-{team.pk}")


@router.post(
    "/teams/{int:team_id}/members/import",
    response={200: imports.LedgerImportReportOut, 422: dict},
    summary="Import the team's members from Excel; all-or-nothing unless partial=true",
)
def import_members_xlsx(
    request, team_id: int, file: File[UploadedFile], partial: Form[bool] = False
):
    team = _import_team(request, team_id)
    return imports.api_response(
        lambda data: import_members.import_members(
            data, user=request.user, team=team, partial=partial
        ),
        file,
    )
