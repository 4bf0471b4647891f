"""Every ledger the platform keeps, for export to Excel with the columns a user picks.

A ``Ledger`` says what a user may see (``visible_to``), which filters it takes (the ledger page's
own query parameters where it has a page) and its columns: key, header (a lazy translation),
accessor and width. Column keys, headers and widths are taken from the app's own Excel
definitions where one exists (registry, hazards, rescue), so an export with chosen columns and the
app's fixed export agree. ``write_workbook`` streams the rows (openpyxl write-only mode) so a
100,000-row ledger does not sit in memory; ``ANLAN_EXPORT_MAX_ROWS`` caps one workbook.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from anlan.core.excel import Column
from anlan.core.models import Region

# --------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerColumn:
    key: str
    header: Any  # lazy translation
    accessor: Callable[[Any], Any]
    width: int = 14


@dataclass(frozen=True)
class FilterSpec:
    """One optional filter: ``kind`` is choice, region, date_from, date_to, flag or int. ``field``
    is the model path it filters (a region foreign key for region; a date or datetime for
    dates); ``apply`` replaces the default for anything else."""

    name: str
    label: Any
    kind: str
    field: str = ""
    choices: tuple = ()
    apply: Callable[[QuerySet, Any], QuerySet] | None = None


@dataclass(frozen=True)
class Ledger:
    key: str
    title: Any
    queryset: Callable[[Any], QuerySet]  # user → the rows the user may see
    columns: tuple[LedgerColumn, ...]
    filters: tuple[FilterSpec, ...] = ()
    # Ledgers whose page has its own filter class use it, for identical rows: params → (qs, errors)
    custom_filter: Callable[[QuerySet, Any], tuple[QuerySet, dict]] | None = None
    prepare: Callable[[Any], None] | None = None  # per row, before the accessors run
    default: tuple[str, ...] = field(default=())  # the columns ticked at first (all if empty)

    @property
    def column_map(self) -> dict[str, LedgerColumn]:
        return {c.key: c for c in self.columns}

    def default_keys(self) -> list[str]:
        return list(self.default or (c.key for c in self.columns))


def reuse(columns: Iterable[Column], accessors: dict[str, Callable]) -> list[LedgerColumn]:
    """Ledger columns from an app's Excel ``Column`` definitions (key, header, width), in their
    order, for the keys given an accessor."""
    return [
        LedgerColumn(c.key, c.header, accessors[c.key], c.width)
        for c in columns
        if c.key in accessors
    ]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _day(value) -> str:
    return value.isoformat() if value else ""


def _label(obj, name: str) -> str:
    return str(getattr(obj, f"get_{name}_display")())


def _region(obj) -> str:
    region = obj.region
    return region.full_name or region.name if region else ""


def _yes(value) -> str:
    return str(_("yes")) if value else ""


# --------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------

TRUE = {"1", "true", "on", "yes"}


def _param(params, name: str) -> str:
    value = params.get(name) if hasattr(params, "get") else None
    return str(value or "").strip()


def apply_filters(ledger: Ledger, qs: QuerySet, params) -> tuple[QuerySet, dict[str, str]]:
    """``qs`` narrowed by the ledger's filters found in ``params``; bad values are reported per
    parameter and that filter left out."""
    if ledger.custom_filter is not None:
        return ledger.custom_filter(qs, params)
    errors: dict[str, str] = {}
    for spec in ledger.filters:
        raw = _param(params, spec.name)
        if not raw:
            continue
        if spec.kind == "choice":
            if raw not in {str(v) for v, _label in spec.choices}:
                errors[spec.name] = _("“%(value)s” is not one of the choices.") % {
                    "value": raw[:30]
                }
                continue
            value: Any = raw
        elif spec.kind == "region":
            region = Region.objects.filter(code=raw[:12]).first()
            if region is None:
                errors[spec.name] = _("No region has the code “%(value)s”.") % {"value": raw[:12]}
                continue
            value = region
        elif spec.kind in ("date_from", "date_to"):
            try:
                value = dt.date.fromisoformat(raw[:10])
            except ValueError:
                errors[spec.name] = _("“%(value)s” is not a date (YYYY-MM-DD).") % {
                    "value": raw[:20]
                }
                continue
        elif spec.kind == "flag":
            if raw.lower() not in TRUE:
                continue
            value = True
        elif spec.kind == "int":
            if not raw.isdigit():
                errors[spec.name] = _("“%(value)s” is not a number.") % {"value": raw[:20]}
                continue
            value = int(raw)
        else:  # pragma: no cover - a programming error
            raise ValueError(spec.kind)
        if spec.apply is not None:
            qs = spec.apply(qs, value)
        elif spec.kind == "region":
            subtree = Region.objects.filter(prefix__startswith=value.prefix).values("pk")
            qs = qs.filter(**{f"{spec.field}__in": subtree})
        elif spec.kind == "date_from":
            qs = qs.filter(**{f"{spec.field}__gte": value})
        elif spec.kind == "date_to":
            qs = qs.filter(**{f"{spec.field}__lte": value})
        else:
            qs = qs.filter(**{spec.field: value})
    return qs, errors


def _region_filter(field: str) -> FilterSpec:
    return FilterSpec("region", gettext_lazy("Region"), "region", field)


def _dates(field: str, label_from, label_to) -> tuple[FilterSpec, FilterSpec]:
    return (
        FilterSpec("date_from", label_from, "date_from", field),
        FilterSpec("date_to", label_to, "date_to", field),
    )


# --------------------------------------------------------------------------------------------
# The ledgers
# --------------------------------------------------------------------------------------------


def _enterprises() -> Ledger:
    from anlan.registry import excel
    from anlan.registry.choices import EnterpriseIndustry, EnterpriseStatus, PersonPost
    from anlan.registry.filters import EnterpriseFilter
    from anlan.registry.models import Enterprise, ResponsiblePerson

    principals = ResponsiblePerson.objects.filter(
        enterprise=OuterRef("pk"), post=PersonPost.PRINCIPAL
    ).order_by("-pk")

    def queryset(user):
        return (
            Enterprise.objects.visible_to(user)
            .select_related("region")
            .prefetch_related("risk_flags")
            .annotate(
                _principal_name=Subquery(principals.values("name")[:1]),
                _principal_mobile=Subquery(principals.values("mobile")[:1]),
            )
            .order_by("region__code", "name", "pk")
        )

    def prepare(enterprise):
        principal = (
            SimpleNamespace(name=enterprise._principal_name, mobile=enterprise._principal_mobile)
            if enterprise._principal_name is not None
            else None
        )
        enterprise._cells = excel._cell_values(enterprise, principal, 0)

    def custom(qs, params):
        flt = EnterpriseFilter.from_params(params)
        return flt.apply(qs), {}

    keys = [c.key for c in excel.COLUMNS if c.key != "seq"]
    return Ledger(
        key="enterprises",
        title=gettext_lazy("Enterprise ledger"),
        queryset=queryset,
        columns=tuple(reuse(excel.COLUMNS, {k: (lambda e, k=k: e._cells[k]) for k in keys})),
        filters=(
            _region_filter("region"),
            FilterSpec(
                "industry",
                gettext_lazy("Industry"),
                "choice",
                "industry",
                tuple(EnterpriseIndustry.choices),
            ),
            FilterSpec(
                "status",
                gettext_lazy("Status"),
                "choice",
                "status",
                tuple(EnterpriseStatus.choices),
            ),
        ),  # fmt: skip
        custom_filter=custom,
        prepare=prepare,
    )


def _hazards() -> Ledger:
    from anlan.hazards.choices import HazardLevel, HazardStatus
    from anlan.hazards.excel import COLUMNS
    from anlan.hazards.filters import HazardFilter
    from anlan.hazards.models import Hazard

    def plan(h, name, convert=lambda v: v):
        p = getattr(h, "plan", None)
        return convert(getattr(p, name)) if p else ""

    accessors = {
        "code": lambda h: h.code,
        "place": lambda h: h.place,
        "region": _region,
        "description": lambda h: h.description,
        "category": lambda h: _label(h, "category"),
        "level": lambda h: _label(h, "level"),
        "channel": lambda h: _label(h, "channel"),
        "found_at": lambda h: _when(h.found_at),
        "status": lambda h: _label(h, "status"),
        "measures": lambda h: plan(h, "measures"),
        "responsible": lambda h: plan(h, "responsible_person"),
        "funds": lambda h: plan(h, "funds", float),
        "deadline": lambda h: _day(h.deadline),
        "overdue": lambda h: _yes(h.is_overdue),
        "closed_at": lambda h: _when(h.closed_at),
    }

    def custom(qs, params):
        flt = HazardFilter.from_params(params)
        return flt.apply(qs), dict(flt.errors)

    return Ledger(
        key="hazards",
        title=gettext_lazy("Hazard ledger"),
        queryset=lambda user: Hazard.objects.visible_to(user).select_related(
            "region", "enterprise", "plan"
        ),
        columns=tuple(reuse(COLUMNS, accessors)),
        filters=(
            FilterSpec(
                "status", gettext_lazy("Progress"), "choice", "status", tuple(HazardStatus.choices)
            ),
            FilterSpec(
                "level", gettext_lazy("Level"), "choice", "level", tuple(HazardLevel.choices)
            ),
            _region_filter("region"),
            FilterSpec("found_from", gettext_lazy("Found from"), "date_from", "found_at"),
            FilterSpec("found_to", gettext_lazy("Found until"), "date_to", "found_at"),
            FilterSpec("overdue", gettext_lazy("Overdue only"), "flag"),
            FilterSpec("open", gettext_lazy("Not yet closed"), "flag"),
        ),  # fmt: skip
        custom_filter=custom,
    )


def _inspections() -> Ledger:
    from anlan.inspections.models_inspections import Inspection, InspectionStatus, InspectionType

    return Ledger(
        key="inspections",
        title=gettext_lazy("Inspections"),
        queryset=lambda user: (
            Inspection.objects.visible_to(user)
            .select_related("enterprise__region", "peer", "checklist")
            .order_by("-inspected_on", "-pk")
        ),
        columns=(
            LedgerColumn(
                "inspected_on", gettext_lazy("inspected on"), lambda i: _day(i.inspected_on), 12
            ),
            LedgerColumn("kind", gettext_lazy("type"), lambda i: _label(i, "kind"), 16),
            LedgerColumn("enterprise", gettext_lazy("Enterprise"), lambda i: i.enterprise.name, 30),
            LedgerColumn(
                "region", gettext_lazy("Region"), lambda i: i.enterprise.region.full_name, 24
            ),
            LedgerColumn(
                "peer",
                gettext_lazy("peer enterprise"),
                lambda i: i.peer.name if i.peer_id else "",
                24,
            ),
            LedgerColumn(
                "checklist",
                gettext_lazy("checklist"),
                lambda i: str(i.checklist) if i.checklist_id else "",
                24,
            ),
            LedgerColumn("inspectors", gettext_lazy("inspectors"), lambda i: i.inspectors, 20),
            LedgerColumn("status", gettext_lazy("status"), lambda i: _label(i, "status"), 10),
            LedgerColumn(
                "completed_at", gettext_lazy("completed at"), lambda i: _when(i.completed_at), 17
            ),
        ),  # fmt: skip
        filters=(
            FilterSpec(
                "kind", gettext_lazy("type"), "choice", "kind", tuple(InspectionType.choices)
            ),
            FilterSpec(
                "status",
                gettext_lazy("status"),
                "choice",
                "status",
                tuple(InspectionStatus.choices),
            ),
            _region_filter("enterprise__region"),
            *_dates(
                "inspected_on", gettext_lazy("Inspected from"), gettext_lazy("Inspected until")
            ),
        ),  # fmt: skip
    )


def _alarms() -> Ledger:
    from anlan.monitoring.choices import AlarmLevel
    from anlan.monitoring.models import Alarm

    return Ledger(
        key="alarms",
        title=gettext_lazy("Alarms"),
        queryset=lambda user: (
            Alarm.objects.visible_to(user)
            .select_related("sensor__enterprise__region")
            .order_by("-raised_at", "-pk")
        ),
        columns=(
            LedgerColumn("raised_at", gettext_lazy("raised at"), lambda a: _when(a.raised_at), 17),
            LedgerColumn(
                "enterprise", gettext_lazy("Enterprise"), lambda a: a.sensor.enterprise.name, 28
            ),
            LedgerColumn(
                "region", gettext_lazy("Region"), lambda a: a.sensor.enterprise.region.full_name, 24
            ),
            LedgerColumn("sensor", gettext_lazy("Point code"), lambda a: a.sensor.tag, 16),
            LedgerColumn("sensor_name", gettext_lazy("name"), lambda a: a.sensor.name, 20),
            LedgerColumn("kind", gettext_lazy("kind"), lambda a: _label(a, "kind"), 12),
            LedgerColumn("level", gettext_lazy("level"), lambda a: _label(a, "level"), 8),
            LedgerColumn("value", gettext_lazy("value"), lambda a: a.value, 10),
            LedgerColumn("limit", gettext_lazy("limit"), lambda a: a.limit, 10),
            LedgerColumn(
                "acknowledged_at",
                gettext_lazy("acknowledged at"),
                lambda a: _when(a.acknowledged_at),
                17,
            ),
            LedgerColumn(
                "disposed_at", gettext_lazy("disposed at"), lambda a: _when(a.disposed_at), 17
            ),
            LedgerColumn(
                "cause", gettext_lazy("cause"), lambda a: _label(a, "cause") if a.cause else "", 16
            ),
            LedgerColumn("measures", gettext_lazy("measures"), lambda a: a.measures, 30),
            LedgerColumn(
                "escalated_at", gettext_lazy("escalated at"), lambda a: _when(a.escalated_at), 17
            ),
        ),  # fmt: skip
        filters=(
            FilterSpec(
                "level", gettext_lazy("level"), "choice", "level", tuple(AlarmLevel.choices)
            ),
            _region_filter("sensor__enterprise__region"),
            *_dates("raised_at__date", gettext_lazy("Raised from"), gettext_lazy("Raised until")),
            FilterSpec(
                "open",
                gettext_lazy("Not yet disposed"),
                "flag",
                apply=lambda qs, _v: qs.filter(disposed_at__isnull=True),
            ),
        ),  # fmt: skip
    )


def _commitments() -> Ledger:
    from anlan.commitments.models import SafetyCommitment

    return Ledger(
        key="commitments",
        title=gettext_lazy("Safety commitments"),
        queryset=lambda user: (
            SafetyCommitment.objects.visible_to(user)
            .select_related("enterprise__region")
            .order_by("-day", "enterprise__region__code", "enterprise__name")
        ),
        columns=(
            LedgerColumn("day", gettext_lazy("date"), lambda c: _day(c.day), 12),
            LedgerColumn("enterprise", gettext_lazy("Enterprise"), lambda c: c.enterprise.name, 30),
            LedgerColumn(
                "region", gettext_lazy("Region"), lambda c: c.enterprise.region.full_name, 24
            ),
            LedgerColumn(
                "submitted_at", gettext_lazy("submitted at"), lambda c: _when(c.submitted_at), 17
            ),
            LedgerColumn("late", gettext_lazy("Committed late"), lambda c: _yes(c.late), 8),
            LedgerColumn("units_total", gettext_lazy("units total"), lambda c: c.units_total, 8),
            LedgerColumn(
                "units_running", gettext_lazy("units running"), lambda c: c.units_running, 8
            ),
            LedgerColumn(
                "contractor_operations",
                gettext_lazy("contractor operations"),
                lambda c: c.contractor_operations,
                10,
            ),
            LedgerColumn(
                "hazards_safe",
                gettext_lazy("major hazard sources in a safe state"),
                lambda c: _yes(c.hazards_safe),
                10,
            ),
            LedgerColumn(
                "principal_name", gettext_lazy("principal"), lambda c: c.principal_name, 12
            ),
        ),  # fmt: skip
        filters=(
            _region_filter("enterprise__region"),
            *_dates("day", gettext_lazy("From"), gettext_lazy("Until")),
        ),
    )


def _teams() -> Ledger:
    from anlan.rescue.choices import TeamKind
    from anlan.rescue.excel import BOARD_COLUMNS
    from anlan.rescue.models import Team

    accessors = {
        "team": lambda t: t.name,
        "kind": lambda t: _label(t, "kind"),
        "region": _region,
        "status": lambda t: _label(t, "status"),
        "readiness": lambda t: _label(t, "readiness"),
        "phone": lambda t: t.duty_phone,
    }
    return Ledger(
        key="teams",
        title=gettext_lazy("Rescue teams"),
        queryset=lambda user: (
            Team.objects.visible_to(user)
            .select_related("region", "parent")
            .order_by("region__code", "name")
        ),
        columns=(
            *reuse(BOARD_COLUMNS, accessors),
            LedgerColumn("headcount", gettext_lazy("headcount"), lambda t: t.headcount, 9),
            LedgerColumn(
                "base_address", gettext_lazy("base address"), lambda t: t.base_address, 28
            ),
            LedgerColumn(
                "parent",
                gettext_lazy("parent team"),
                lambda t: t.parent.name if t.parent_id else "",
                24,
            ),
            LedgerColumn(
                "founded_on", gettext_lazy("founded on"), lambda t: _day(t.founded_on), 12
            ),
        ),  # fmt: skip
        filters=(
            FilterSpec("kind", gettext_lazy("kind"), "choice", "kind", tuple(TeamKind.choices)),
            _region_filter("region"),
        ),
    )


def _equipment() -> Ledger:
    from anlan.rescue.choices import ItemStatus
    from anlan.rescue.models import EquipmentItem

    return Ledger(
        key="equipment",
        title=gettext_lazy("Rescue equipment"),
        queryset=lambda user: (
            EquipmentItem.objects.visible_to(user)
            .select_related("equipment_type", "team__region")
            .order_by("team__name", "equipment_type__name", "pk")
        ),
        columns=(
            LedgerColumn("team", gettext_lazy("team"), lambda e: e.team.name, 26),
            LedgerColumn(
                "type", gettext_lazy("equipment type"), lambda e: e.equipment_type.name, 24
            ),
            LedgerColumn("model", gettext_lazy("model"), lambda e: e.equipment_type.model, 14),
            LedgerColumn(
                "serial_number", gettext_lazy("serial number"), lambda e: e.serial_number, 16
            ),
            LedgerColumn("quantity", gettext_lazy("quantity"), lambda e: e.quantity, 8),
            LedgerColumn("status", gettext_lazy("status"), lambda e: _label(e, "status"), 12),
            LedgerColumn("location", gettext_lazy("location"), lambda e: e.location, 18),
            LedgerColumn(
                "commissioned_on",
                gettext_lazy("commissioned on"),
                lambda e: _day(e.commissioned_on),
                12,
            ),
            LedgerColumn(
                "shared", gettext_lazy("in the shared pool"), lambda e: _yes(e.in_shared_pool), 8
            ),
        ),  # fmt: skip
        filters=(
            FilterSpec(
                "status", gettext_lazy("status"), "choice", "status", tuple(ItemStatus.choices)
            ),
            _region_filter("team__region"),
        ),  # fmt: skip
    )


def _drills() -> Ledger:
    from anlan.rescue.choices import DrillKind, DrillStatus
    from anlan.rescue.models import Drill

    return Ledger(
        key="drills",
        title=gettext_lazy("Drills"),
        queryset=lambda user: (
            Drill.objects.visible_to(user)
            .select_related("region")
            .prefetch_related("teams")
            .order_by("-planned_for", "-pk")
        ),
        columns=(
            LedgerColumn("title", gettext_lazy("title"), lambda d: d.title, 30),
            LedgerColumn("kind", gettext_lazy("kind"), lambda d: _label(d, "kind"), 14),
            LedgerColumn("region", gettext_lazy("Region"), _region, 24),
            LedgerColumn(
                "planned_for", gettext_lazy("planned for"), lambda d: _when(d.planned_for), 17
            ),
            LedgerColumn("status", gettext_lazy("status"), lambda d: _label(d, "status"), 10),
            LedgerColumn(
                "teams",
                gettext_lazy("teams"),
                lambda d: "、".join(t.name for t in d.teams.all()),
                30,
            ),
            LedgerColumn(
                "participants", gettext_lazy("participants"), lambda d: d.participants, 10
            ),
            LedgerColumn("score", gettext_lazy("score"), lambda d: d.score, 8),
            LedgerColumn("evaluation", gettext_lazy("evaluation"), lambda d: d.evaluation, 30),
        ),  # fmt: skip
        filters=(
            FilterSpec("kind", gettext_lazy("kind"), "choice", "kind", tuple(DrillKind.choices)),
            FilterSpec(
                "status", gettext_lazy("status"), "choice", "status", tuple(DrillStatus.choices)
            ),
            _region_filter("region"),
            *_dates(
                "planned_for__date", gettext_lazy("Planned from"), gettext_lazy("Planned until")
            ),
        ),  # fmt: skip
    )


def _trainings() -> Ledger:
    from anlan.supervision.choices import TrainingKind
    from anlan.supervision.models import TrainingSession

    return Ledger(
        key="trainings",
        title=gettext_lazy("Training sessions"),
        queryset=lambda user: (
            TrainingSession.objects.visible_to(user)
            .select_related("region", "organiser", "enterprise")
            .order_by("-date", "-pk")
        ),
        columns=(
            LedgerColumn("date", gettext_lazy("date"), lambda t: _day(t.date), 12),
            LedgerColumn("kind", gettext_lazy("kind"), lambda t: _label(t, "kind"), 22),
            LedgerColumn("title", gettext_lazy("title"), lambda t: t.title, 30),
            LedgerColumn("region", gettext_lazy("Region"), _region, 24),
            LedgerColumn(
                "organiser",
                gettext_lazy("organised by (member unit)"),
                lambda t: t.organiser.name if t.organiser_id else "",
                20,
            ),
            LedgerColumn(
                "enterprise",
                gettext_lazy("Enterprise"),
                lambda t: t.enterprise.name if t.enterprise_id else "",
                24,
            ),
            LedgerColumn("lecturer", gettext_lazy("lecturer"), lambda t: t.lecturer, 12),
            LedgerColumn("place", gettext_lazy("place"), lambda t: t.place, 20),
            LedgerColumn("sessions", gettext_lazy("sessions held"), lambda t: t.sessions, 8),
            LedgerColumn(
                "participants", gettext_lazy("person-times"), lambda t: t.participants, 10
            ),
            LedgerColumn("hours", gettext_lazy("hours"), lambda t: float(t.hours), 8),
        ),  # fmt: skip
        filters=(
            FilterSpec("kind", gettext_lazy("kind"), "choice", "kind", tuple(TrainingKind.choices)),
            _region_filter("region"),
            *_dates("date", gettext_lazy("From"), gettext_lazy("Until")),
        ),
    )


def _tasks() -> Ledger:
    from django.db.models import Q

    from anlan.supervision.choices import AssignmentState, TaskState
    from anlan.supervision.models import TaskAssignment

    def by_state(qs, state):
        if state == "overdue":
            return qs.overdue()
        if state == "open":
            return qs.filter(task__state=TaskState.OPEN)
        return qs.filter(task__state=state)

    states = (("open", _("Open")), ("overdue", _("Overdue")), *TaskState.choices[1:])
    return Ledger(
        key="tasks",
        title=gettext_lazy("Supervision tasks (督办), one row per unit"),
        queryset=lambda user: (
            TaskAssignment.objects.visible_to(user)
            .select_related("task__region", "unit")
            .order_by("-task__issued_at", "task_id", "unit__order", "unit__name")
        ),
        columns=(
            LedgerColumn("number", gettext_lazy("number"), lambda a: a.task.number, 14),
            LedgerColumn("title", gettext_lazy("title"), lambda a: a.task.title, 30),
            LedgerColumn(
                "issued_by",
                gettext_lazy("issued by the committee of"),
                lambda a: a.task.region.full_name,
                20,
            ),
            LedgerColumn(
                "issued_at", gettext_lazy("issued at"), lambda a: _when(a.task.issued_at), 17
            ),
            LedgerColumn("deadline", gettext_lazy("deadline"), lambda a: _day(a.task.deadline), 12),
            LedgerColumn(
                "priority", gettext_lazy("priority"), lambda a: _label(a.task, "priority"), 8
            ),
            LedgerColumn(
                "task_state", gettext_lazy("task state"), lambda a: _label(a.task, "state"), 10
            ),
            LedgerColumn("unit", gettext_lazy("member unit"), lambda a: a.unit.name, 22),
            LedgerColumn("state", gettext_lazy("state"), lambda a: _label(a, "state"), 10),
            LedgerColumn(
                "submitted_at", gettext_lazy("submitted at"), lambda a: _when(a.submitted_at), 17
            ),
            LedgerColumn(
                "on_time",
                gettext_lazy("done on time"),
                lambda a: "" if a.on_time is None else (_("yes") if a.on_time else _("no")),
                8,
            ),
            LedgerColumn("overdue", gettext_lazy("overdue"), lambda a: _yes(a.is_overdue()), 8),
            LedgerColumn("feedback", gettext_lazy("feedback"), lambda a: a.feedback, 30),
        ),  # fmt: skip
        filters=(
            FilterSpec(
                "state", gettext_lazy("state"), "choice", choices=tuple(states), apply=by_state
            ),
            FilterSpec("unit", gettext_lazy("member unit"), "int", "unit_id"),
            FilterSpec(
                "region",
                gettext_lazy("Region"),
                "region",
                apply=lambda qs, r: qs.filter(
                    Q(task__region__prefix__startswith=r.prefix)
                    | Q(unit__township__prefix__startswith=r.prefix)
                ),
            ),
            *_dates(
                "task__issued_at__date", gettext_lazy("Issued from"), gettext_lazy("Issued until")
            ),
            FilterSpec(
                "assignment_state",
                gettext_lazy("state"),
                "choice",
                "state",
                tuple(AssignmentState.choices),
            ),
        ),  # fmt: skip
    )


def _assessments() -> Ledger:
    from anlan.supervision.choices import AssessmentState
    from anlan.supervision.models import Assessment

    return Ledger(
        key="assessments",
        title=gettext_lazy("Assessments"),
        queryset=lambda user: (
            Assessment.objects.visible_to(user)
            .select_related("scheme", "unit")
            .order_by("-period_start", "scheme_id", "rank", "unit__order", "pk")
        ),
        columns=(
            LedgerColumn("scheme", gettext_lazy("scheme"), lambda a: a.scheme.name, 24),
            LedgerColumn(
                "period_start", gettext_lazy("period start"), lambda a: _day(a.period_start), 12
            ),
            LedgerColumn(
                "period_end", gettext_lazy("period end"), lambda a: _day(a.period_end), 12
            ),
            LedgerColumn("unit", gettext_lazy("member unit"), lambda a: a.unit.name, 22),
            LedgerColumn(
                "total",
                gettext_lazy("total score"),
                lambda a: float(a.total) if a.total is not None else None,
                10,
            ),
            LedgerColumn(
                "grade",
                pgettext_lazy("assessment", "grade"),
                lambda a: _label(a, "grade") if a.grade else "",
                10,
            ),
            LedgerColumn("rank", gettext_lazy("rank"), lambda a: a.rank, 6),
            LedgerColumn("vetoed", gettext_lazy("vetoed"), lambda a: _yes(a.vetoed), 8),
            LedgerColumn("veto_reason", gettext_lazy("veto reason"), lambda a: a.veto_reason, 24),
            LedgerColumn("state", gettext_lazy("state"), lambda a: _label(a, "state"), 10),
            LedgerColumn(
                "signed_at", gettext_lazy("signed off at"), lambda a: _when(a.signed_at), 17
            ),
        ),  # fmt: skip
        filters=(
            FilterSpec("scheme", gettext_lazy("scheme"), "int", "scheme_id"),
            FilterSpec(
                "period",
                gettext_lazy("period start"),
                "date_from",
                apply=lambda qs, d: qs.filter(period_start=d),
            ),
            FilterSpec(
                "state", gettext_lazy("state"), "choice", "state", tuple(AssessmentState.choices)
            ),
        ),  # fmt: skip
    )


BUILDERS: dict[str, Callable[[], Ledger]] = {
    "enterprises": _enterprises,
    "hazards": _hazards,
    "inspections": _inspections,
    "alarms": _alarms,
    "commitments": _commitments,
    "teams": _teams,
    "equipment": _equipment,
    "drills": _drills,
    "trainings": _trainings,
    "tasks": _tasks,
    "assessments": _assessments,
}
_CACHE: dict[str, Ledger] = {}


def get_ledger(key: str) -> Ledger:
    """The ledger named ``key``; a ValidationError naming ``ledger`` for an unknown one."""
    if key not in BUILDERS:
        raise ValidationError(
            {
                "ledger": _("Unknown ledger “%(key)s”. Known: %(known)s")
                % {"key": str(key)[:40], "known": ", ".join(BUILDERS)}
            }
        )
    if key not in _CACHE:
        _CACHE[key] = BUILDERS[key]()
    return _CACHE[key]


def all_ledgers() -> list[Ledger]:
    return [get_ledger(key) for key in BUILDERS]


def parse_columns(ledger: Ledger, raw: str | Iterable[str] | None) -> list[LedgerColumn]:
    """The columns chosen, in the order given (all when none); unknown or repeated keys are
    refused, naming them."""
    if raw is None or raw == "" or raw == []:
        return list(ledger.columns)
    items = raw.split(",") if isinstance(raw, str) else [p for r in raw for p in str(r).split(",")]
    keys = [k.strip() for k in items if k.strip()]
    if not keys:
        return list(ledger.columns)
    known = ledger.column_map
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise ValidationError(
            {
                "columns": _("Unknown column(s) for %(ledger)s: %(cols)s. Known: %(known)s")
                % {
                    "ledger": ledger.key,
                    "cols": ", ".join(k[:40] for k in unknown[:10]),
                    "known": ", ".join(known),
                }
            }
        )
    seen: set[str] = set()
    ordered = []
    for key in keys:
        if key not in seen:
            seen.add(key)
            ordered.append(known[key])
    return ordered


def rows_for(ledger: Ledger, user, params=None) -> QuerySet:
    """The rows of ``ledger`` the user may see, narrowed by ``params``; a bad filter value is a
    ValidationError naming the parameter."""
    qs, errors = apply_filters(ledger, ledger.queryset(user), params or {})
    if errors:
        raise ValidationError(errors)
    return qs


def max_rows() -> int:
    return settings.ANLAN_EXPORT_MAX_ROWS


def check_size(qs: QuerySet) -> int:
    """The number of rows to write, refusing more than ``ANLAN_EXPORT_MAX_ROWS``."""
    cap = max_rows()
    n = qs.order_by().values("pk")[: cap + 1].count()
    if n > cap:
        raise ValidationError(
            {
                "rows": _(
                    "More than %(cap)s rows match: one workbook holds at most %(cap)s. "
                    "Narrow the export with filters (a region or a period)."
                )
                % {"cap": f"{cap:,}"}
            }
        )
    return n


def write_workbook(ledger: Ledger, qs: QuerySet, columns: list[LedgerColumn], out) -> int:
    """Write ``qs`` with ``columns`` as an .xlsx into the binary file ``out``, streaming
    (openpyxl write-only: rows go to disk as they are written). Returns the number of rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(ledger.title)[:31])
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    fill = PatternFill("solid", fgColor="1F4E79")
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    written = 0
    for obj in qs.iterator(chunk_size=1000):
        if ledger.prepare is not None:
            ledger.prepare(obj)
        ws.append([_cell(column.accessor(obj)) for column in columns])
        written += 1
    if written:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{written + 1}"
    wb.save(out)
    return written


def _cell(value):
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def export(ledger_key: str, *, user, columns=None, params=None):
    """The ledger as a workbook in a temporary file (positioned at its start) and the number of
    rows: the one function the page, the API and the CLI call."""
    ledger = get_ledger(ledger_key)
    chosen = parse_columns(ledger, columns)
    qs = rows_for(ledger, user, params)
    check_size(qs)
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    rows = write_workbook(ledger, qs, chosen, out)
    out.seek(0)
    return out, rows
