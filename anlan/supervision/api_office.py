"""API of member units, duty lists and 督办 tasks (mounted at /api/office). Reads go through
``visible_to`` (404 outside the caller's view); changes through ``office`` (403 for a role that
may not, 422 naming the field for bad input)."""

from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from anlan.core.downloads import xlsx_response
from anlan.core.models import Region, User
from anlan.core.uploads import check_uploaded_files

from . import excel_office, office
from .choices import TaskPriority, UnitKind
from .models import MemberUnit, SupervisionTask

router = Router(tags=["committee office"])
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]


# ---------------------------------------------------------------- schemas


class DutyOut(Schema):
    order: int
    text: str
    basis: str


class UnitOut(Schema):
    id: int
    committee_region: str = Field(..., alias="committee_region.code")
    committee_name: str = Field(..., alias="committee_region.name")
    kind: str
    name: str
    short_name: str
    township: str | None = None
    sectors: list[str]
    party_chair: str
    admin_chair: str
    liaison_name: str
    liaison_phone: str
    active: bool

    @staticmethod
    def resolve_township(obj):
        return obj.township.code if obj.township_id else None


class RecordOut(Schema):
    assigned: int
    accepted: int
    on_time: int
    overdue: int
    rate: float | None


class UnitDetailOut(UnitOut):
    duties: list[DutyOut]
    liaisons: list[str]
    record: RecordOut

    @staticmethod
    def resolve_duties(obj):
        return list(obj.duties.all())

    @staticmethod
    def resolve_liaisons(obj):
        return [u.username for u in obj.liaisons.all()]

    @staticmethod
    def resolve_record(obj):
        return office.unit_record(obj)


class DutyIn(Schema):
    text: str = Field(..., max_length=2000)
    basis: str = Field("", max_length=300)


class UnitIn(Schema):
    committee_region: str = Field("", description="Code of the city or county; on create only")
    kind: UnitKind
    name: str = Field(..., max_length=100)
    short_name: str = Field("", max_length=30)
    township: str = Field("", description="Code of the township (township units only)")
    sectors: list[str] = []
    party_chair: str = Field("", max_length=50)
    admin_chair: str = Field("", max_length=50)
    liaison_name: str = Field("", max_length=50)
    liaison_phone: str = Field("", max_length=30)
    liaisons: list[str] | None = Field(None, description="Usernames of the liaison accounts")
    order: int = Field(0, ge=0, le=32767)
    active: bool = True
    duties: list[DutyIn] | None = Field(None, description="Replaces the duty list when given")


class UnitFilterIn(Schema):
    kind: UnitKind | None = None
    region: str = Field("", description="Region code: the committee's, or a township's")
    q: str = ""


class AssignmentOut(Schema):
    id: int
    unit_id: int
    unit: str = Field(..., alias="unit.name")
    state: str
    overdue: bool
    feedback: str
    submitted_at: datetime | None
    reviewed_at: datetime | None
    review_comment: str
    on_time: bool | None
    evidence: list[str]

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue()

    @staticmethod
    def resolve_evidence(obj):
        return [e.original_name for e in obj.evidence.all()]


class TaskOut(Schema):
    id: int
    number: str
    title: str
    committee_region: str = Field(..., alias="region.code")
    priority: str
    deadline: date
    state: str
    issued_at: datetime
    closed_at: datetime | None
    hazard_id: int | None
    alert_id: int | None
    campaign_id: int | None


class TaskDetailOut(TaskOut):
    body: str
    assignments: list[AssignmentOut] = Field(..., alias="visible_rows")


class TaskIn(Schema):
    committee_region: str = Field(..., description="Code of the issuing city or county")
    title: str = Field(..., max_length=200)
    body: str = Field(..., max_length=8000)
    deadline: date
    priority: TaskPriority = TaskPriority.NORMAL
    units: list[Id] = Field([], description="Member unit ids", max_length=500)
    all_townships: bool = Field(False, description="Issue to every active township unit")
    hazard: Id | None = None
    alert: Id | None = None
    campaign: Id | None = None


class TaskFilterIn(Schema):
    state: str = Field("", description="open, overdue, closed or cancelled")
    unit: Id | None = None
    region: str = Field("", description="Region code")
    date_from: date | None = Field(None, description="Issued on or after this day")
    date_to: date | None = Field(None, description="Issued on or before this day")


class OfficeCommentIn(Schema):
    comment: str = Field("", max_length=2000)


class OfficeReasonIn(Schema):
    reason: str = Field(..., max_length=300)


class OfficeCountsOut(Schema):
    open: int
    overdue: int
    closed: int
    cancelled: int
    total: int


# ---------------------------------------------------------------- helpers


def _region(code: str, field: str, *, required: bool = True) -> Region | None:
    code = (code or "").strip()
    if not code:
        if required:
            raise ValidationError({field: _("Give a region code.")})
        return None
    region = Region.objects.filter(code=code[:12]).first()
    if region is None:
        raise ValidationError(
            {field: _("No region with the code “%(code)s”.") % {"code": code[:12]}}
        )
    return region


def _users(names: list[str] | None):
    if names is None:
        return None
    users = list(User.objects.filter(username__in=names, is_active=True))
    missing = set(names) - {u.username for u in users}
    if missing:
        raise ValidationError(
            {
                "liaisons": _("No active user %(names)s.")
                % {"names": ", ".join(sorted(missing))[:200]}
            }
        )
    return users


def _units(request, filters: UnitFilterIn):
    units = MemberUnit.objects.visible_to(request.user).select_related(
        "committee_region", "township"
    )
    if filters.kind:
        units = units.filter(kind=filters.kind)
    region = _region(filters.region, "region", required=False)
    if region is not None:
        if region.level in ("township", "village"):
            units = units.filter(township__prefix__startswith=region.prefix[:9])
        else:
            units = units.filter(committee_region__prefix__startswith=region.prefix)
    if filters.q:
        units = units.filter(name__icontains=filters.q[:50])
    return units


def _tasks(request, filters: TaskFilterIn):
    if filters.state and filters.state not in {"open", "overdue", "closed", "cancelled"}:
        raise ValidationError({"state": _("Use open, overdue, closed or cancelled.")})
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValidationError({"date_to": _("The end date is before the start date.")})
    unit = None
    if filters.unit is not None:
        unit = MemberUnit.objects.visible_to(request.user).filter(pk=filters.unit).first()
        if unit is None:
            raise ValidationError({"unit": _("No such member unit in your view.")})
    tasks = SupervisionTask.objects.visible_to(request.user).select_related("region")
    return office.filter_tasks(
        tasks,
        state=filters.state,
        unit=unit,
        region=_region(filters.region, "region", required=False),
        date_from=filters.date_from,
        date_to=filters.date_to,
    )


def _task(request, task_id: int) -> SupervisionTask:
    return get_object_or_404(
        SupervisionTask.objects.visible_to(request.user).select_related("region"), pk=task_id
    )


def _task_detail(request, task: SupervisionTask) -> SupervisionTask:
    task.refresh_from_db()
    task.visible_rows = list(
        office.visible_assignments(request.user, task).prefetch_related("evidence")
    )
    return task


def _assignment(request, task_id: int, assignment_id: int):
    task = _task(request, task_id)
    assignment = office.find_assignment(request.user, task, assignment_id)
    if assignment is None:
        raise Http404
    return task, assignment


# ---------------------------------------------------------------- member units


@router.get("/units", response=list[UnitOut], summary="Member units (scoped, filtered)")
@paginate(LimitOffsetPagination)
def list_units(request, filters: Query[UnitFilterIn]):
    return _units(request, filters).order_by("committee_region__code", "kind", "order", "name")


@router.get("/units/export.xlsx", summary="Member units with their duty lists, as Excel")
def export_units(request, filters: Query[UnitFilterIn]):
    return xlsx_response(excel_office.export_units(_units(request, filters)[:5000]), "member-units")


@router.get("/units/{int:unit_id}", response=UnitDetailOut, summary="A unit, its duties, record")
def get_unit(request, unit_id: int):
    return get_object_or_404(MemberUnit.objects.visible_to(request.user), pk=unit_id)


def _unit_data(payload: UnitIn) -> dict:
    return {
        "kind": payload.kind,
        "name": payload.name,
        "short_name": payload.short_name,
        "township": _region(payload.township, "township", required=False),
        "sectors": [s.strip() for s in payload.sectors if s.strip()][:50],
        "party_chair": payload.party_chair,
        "admin_chair": payload.admin_chair,
        "liaison_name": payload.liaison_name,
        "liaison_phone": payload.liaison_phone,
        "order": payload.order,
        "active": payload.active,
    }


def _duties(payload: UnitIn):
    if payload.duties is None:
        return None
    return [office.DutyLine(d.text, d.basis) for d in payload.duties]


@router.post("/units", response={201: UnitDetailOut}, summary="Create a member unit")
def create_unit(request, payload: UnitIn):
    unit = office.save_unit(
        user=request.user,
        committee_region=_region(payload.committee_region, "committee_region"),
        data=_unit_data(payload),
        liaisons=_users(payload.liaisons),
        duties=_duties(payload),
    )
    return Status(201, unit)


@router.put("/units/{int:unit_id}", response=UnitDetailOut, summary="Edit a member unit")
def edit_unit(request, unit_id: int, payload: UnitIn):
    unit = get_object_or_404(MemberUnit.objects.visible_to(request.user), pk=unit_id)
    return office.save_unit(
        user=request.user,
        unit=unit,
        data=_unit_data(payload),
        liaisons=_users(payload.liaisons),
        duties=_duties(payload),
    )


# ---------------------------------------------------------------- tasks


@router.get("/tasks", response=list[TaskOut], summary="督办 tasks (scoped, filtered)")
@paginate(LimitOffsetPagination)
def list_tasks(request, filters: Query[TaskFilterIn]):
    return _tasks(request, filters).order_by("-issued_at", "-pk")


@router.get(
    "/tasks/counts", response=OfficeCountsOut, summary="How many tasks are open, overdue, …"
)
def task_counts(request, filters: Query[TaskFilterIn]):
    return office.state_counts(_tasks(request, filters))


@router.get("/tasks/export.xlsx", summary="Tasks with each unit's status, as Excel")
def export_tasks(request, filters: Query[TaskFilterIn]):
    tasks = _tasks(request, filters).order_by("-issued_at")[:2000]
    return xlsx_response(excel_office.export_tasks(tasks), "tasks")


@router.get("/tasks/{int:task_id}", response=TaskDetailOut, summary="A task and its units")
def get_task(request, task_id: int):
    return _task_detail(request, _task(request, task_id))


def _linked(request, model, pk, field):
    if pk is None:
        return None
    obj = model.objects.visible_to(request.user).filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: _("Not found in your jurisdiction.")})
    return obj


@router.post("/tasks", response={201: TaskDetailOut}, summary="Issue a 督办 task")
def issue_task(request, payload: TaskIn):
    from anlan.alerts.models import Alert
    from anlan.hazards.models import Hazard

    from .models import Campaign

    units = list(MemberUnit.objects.filter(pk__in=payload.units[:500]))
    if len(units) != len(set(payload.units[:500])):
        raise ValidationError({"units": _("Some unit ids do not exist.")})
    task = office.issue_task(
        user=request.user,
        region=_region(payload.committee_region, "committee_region"),
        title=payload.title,
        body=payload.body,
        deadline=payload.deadline,
        priority=payload.priority,
        units=units,
        all_townships=payload.all_townships,
        hazard=_linked(request, Hazard, payload.hazard, "hazard"),
        alert=_linked(request, Alert, payload.alert, "alert"),
        campaign=_linked(request, Campaign, payload.campaign, "campaign"),
    )
    return Status(201, _task_detail(request, task))


@router.post(
    "/tasks/{int:task_id}/assignments/{int:assignment_id}/feedback",
    response=TaskDetailOut,
    summary="The unit's feedback, with evidence files (photos or PDF)",
)
def feedback(
    request,
    task_id: int,
    assignment_id: int,
    feedback: Form[str] = "",
    evidence: File[list[UploadedFile]] = None,
):
    task, assignment = _assignment(request, task_id, assignment_id)
    office.submit_feedback(
        assignment=assignment,
        user=request.user,
        feedback=feedback,
        evidence=check_uploaded_files(evidence or [], "evidence"),
    )
    return _task_detail(request, task)


@router.post(
    "/tasks/{int:task_id}/assignments/{int:assignment_id}/accept",
    response=TaskDetailOut,
    summary="Accept a unit's feedback (on time or late is worked out)",
)
def accept(request, task_id: int, assignment_id: int, payload: OfficeCommentIn):
    task, assignment = _assignment(request, task_id, assignment_id)
    office.accept_feedback(assignment=assignment, user=request.user, comment=payload.comment)
    return _task_detail(request, task)


@router.post(
    "/tasks/{int:task_id}/assignments/{int:assignment_id}/return",
    response=TaskDetailOut,
    summary="Return a unit's feedback for more work, saying why",
)
def return_(request, task_id: int, assignment_id: int, payload: OfficeCommentIn):
    task, assignment = _assignment(request, task_id, assignment_id)
    office.return_feedback(assignment=assignment, user=request.user, comment=payload.comment)
    return _task_detail(request, task)


@router.post("/tasks/{int:task_id}/close", response=TaskDetailOut, summary="Close a task")
def close(request, task_id: int):
    task = _task(request, task_id)
    office.close_task(task=task, user=request.user)
    return _task_detail(request, task)


@router.post("/tasks/{int:task_id}/cancel", response=TaskDetailOut, summary="Cancel a task")
def cancel(request, task_id: int, payload: OfficeReasonIn):
    task = _task(request, task_id)
    office.cancel_task(task=task, user=request.user, reason=payload.reason)
    return _task_detail(request, task)
