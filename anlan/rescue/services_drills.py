"""Drills: plan, record as held, findings (a hazard at an enterprise through the hazard services,
or a task for a team), and counts per period by kind and county for reports.

Who: system and city administrators, county regulators within their region, and a team's
commander for drills of their own team (the commander's team must take part)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import UserRole
from anlan.core.models import Region
from anlan.core.permissions import region_in_scope
from anlan.hazards import services as hazard_services
from anlan.hazards.choices import HazardCategory, HazardChannel, HazardLevel
from anlan.registry.models import Enterprise

from .choices import DrillKind, DrillStatus, TeamStatus
from .models import Drill, DrillFinding
from .services_equipment import MANAGER_ROLES

PLAN_FIELDS = ("title", "kind", "scenario", "region", "planned_for")
HELD_FIELDS = ("started_at", "ended_at", "participants", "evaluation", "score")
PERIODS = ("month", "quarter", "year")


def may_plan(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.role in {*MANAGER_ROLES, UserRole.RESCUE_COMMANDER})
    )


def may_edit(user, drill: Drill) -> bool:
    if not may_plan(user):
        return False
    if user.is_superuser or user.role == UserRole.SYSTEM_ADMIN:
        return True
    if user.role == UserRole.RESCUE_COMMANDER:
        return drill.teams.filter(pk=user.team_id).exists()
    return region_in_scope(user, drill.region)


def _aware(value):
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _check_parties(user, region, teams, enterprises) -> dict:
    errors: dict[str, list[str]] = {}
    if region is not None and not region_in_scope(user, region):
        errors["region"] = [_("This region is outside your jurisdiction.")]
    inactive = [t.name for t in teams if t.status != TeamStatus.ACTIVE]
    if inactive:
        errors["teams"] = [_("Not in service: %(names)s.") % {"names": "、".join(inactive)}]
    if user.role == UserRole.RESCUE_COMMANDER and user.team_id not in {t.pk for t in teams}:
        errors.setdefault("teams", []).append(_("Your own team takes part in the drill."))
    visible = set(
        Enterprise.objects.visible_to(user)
        .filter(pk__in=[e.pk for e in enterprises])
        .values_list("pk", flat=True)
    )
    outside = [e.name for e in enterprises if e.pk not in visible]
    if outside:
        errors["enterprises"] = [
            _("Outside your jurisdiction: %(names)s.") % {"names": "、".join(outside)}
        ]
    return errors


@transaction.atomic
def plan_drill(
    *, user, data: dict[str, Any], teams=(), enterprises=(), is_demo: bool = False
) -> Drill:
    if not may_plan(user):
        raise PermissionDenied(_("You may not plan drills."))
    teams, enterprises = list(teams), list(enterprises)
    drill = Drill(created_by=user, is_demo=is_demo, status=DrillStatus.PLANNED)
    for name in PLAN_FIELDS:
        value = data.get(name)
        if value is not None and value != "":
            setattr(drill, name, value.strip() if isinstance(value, str) else value)
    drill.planned_for = _aware(drill.planned_for)
    errors: dict[str, list[str]] = {}
    try:
        drill.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not teams:
        errors.setdefault("teams", []).append(_("Choose at least one team."))
    for key, messages in _check_parties(
        user, drill.region if drill.region_id else None, teams, enterprises
    ).items():
        errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    drill.save()
    drill.teams.set(teams)
    drill.enterprises.set(enterprises)
    return drill


@transaction.atomic
def record_held(*, user, drill: Drill, data: dict[str, Any]) -> Drill:
    """Record the drill as held: start, end (the duration follows), participants, evaluation,
    score (0-100)."""
    drill = Drill.objects.select_for_update().get(pk=drill.pk)
    if not may_edit(user, drill):
        raise PermissionDenied(_("You may not record this drill."))
    if drill.status == DrillStatus.CANCELLED:
        raise ValidationError({"status": _("The drill was cancelled.")})
    for name in HELD_FIELDS:
        value = data.get(name)
        if value is not None:
            setattr(drill, name, value.strip() if isinstance(value, str) else value)
    drill.started_at, drill.ended_at = _aware(drill.started_at), _aware(drill.ended_at)
    drill.status = DrillStatus.DONE
    errors: dict[str, list[str]] = {}
    try:
        drill.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not drill.participants:
        errors.setdefault("participants", []).append(_("Give the number of participants."))
    if errors:
        raise ValidationError(errors)
    drill.save()
    return drill


@transaction.atomic
def add_finding(
    *,
    user,
    drill: Drill,
    description: str,
    due_on: dt.date | None,
    enterprise: Enterprise | None = None,
    task_owner: str = "",
    category: str = HazardCategory.MANAGEMENT,
    level: str = HazardLevel.GENERAL,
) -> DrillFinding:
    """A finding of a held drill: with an enterprise it opens a hazard there (channel: drill
    finding) through the hazard services; otherwise it is a task for ``task_owner``."""
    if not may_edit(user, drill):
        raise PermissionDenied(_("You may not add findings to this drill."))
    if drill.status != DrillStatus.DONE:
        raise ValidationError({"drill": _("Record the drill as held before adding findings.")})
    finding = DrillFinding(
        drill=drill,
        description=(description or "").strip(),
        enterprise=enterprise,
        task_owner=(task_owner or "").strip(),
        due_on=due_on,
    )
    errors: dict[str, list[str]] = {}
    try:
        finding.full_clean(exclude=["drill", "hazard"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if enterprise is None and not finding.task_owner:
        errors.setdefault("task_owner", []).append(
            _("Give the task owner, or choose an enterprise to open a hazard there.")
        )
    held_on = timezone.localdate(drill.ended_at) if drill.ended_at else None
    if due_on and held_on and due_on < held_on:
        errors.setdefault("due_on", []).append(_("The due date cannot be before the drill."))
    if errors:
        raise ValidationError(errors)
    if enterprise is not None:
        hazard = hazard_services.report_hazard(
            user=user,
            data={
                "enterprise": enterprise,
                "description": finding.description,
                "category": category,
                "level": level,
                "channel": HazardChannel.DRILL_FINDING,
                "found_at": drill.ended_at or timezone.now(),
                "found_by": (user.display_name or user.username)[:100],
                "basis": _("Found in the drill “%(title)s”") % {"title": drill.title},
            },
        )
        finding.hazard = hazard
    finding.save()
    return finding


@transaction.atomic
def complete_task(*, user, finding: DrillFinding, done_on: dt.date | None = None) -> DrillFinding:
    finding = DrillFinding.objects.select_for_update().select_related("drill").get(pk=finding.pk)
    if not may_edit(user, finding.drill):
        raise PermissionDenied(_("You may not change this finding."))
    if finding.hazard_id:
        raise ValidationError(
            {"finding": _("This finding is a hazard; it is closed through the hazard.")}
        )
    if finding.done_on:
        raise ValidationError({"finding": _("This task was already done.")})
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The date cannot be in the future.")})
    finding.done_on = done_on
    finding.save(update_fields=["done_on"])
    return finding


# ---------------------------------------------------------------- statistics


def period_of(day: dt.date, period: str) -> str:
    if period == "year":
        return f"{day.year}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day:%Y-%m}"


@dataclass
class StatsRow:
    period: str
    county: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[int]:
        return [self.counts.get(k, 0) for k in DrillKind.values]


@dataclass
class DrillStats:
    period: str
    year: int | None
    rows: list[StatsRow]
    by_period: dict[str, dict[str, int]]

    @property
    def kinds(self):
        return DrillKind.choices

    @property
    def totals(self) -> list[int]:
        return [sum(r.counts.get(k, 0) for r in self.rows) for k in DrillKind.values]

    @property
    def total(self) -> int:
        return sum(self.totals)

    def chart(self) -> dict:
        periods = sorted(self.by_period)
        return {
            "periods": periods,
            "series": [
                {"name": str(label), "data": [self.by_period[p].get(kind, 0) for p in periods]}
                for kind, label in DrillKind.choices
            ],
        }


def drill_stats(drills, *, period: str = "month", year: int | None = None) -> DrillStats:
    """Held drills of ``drills`` counted per period (by the day they started), kind and county
    (the county of the drill's region; a city-level drill counts under the city)."""
    if period not in PERIODS:
        raise ValidationError({"period": _("Choose month, quarter or year.")})
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    rows = drills.filter(status=DrillStatus.DONE, started_at__isnull=False).values_list(
        "started_at", "kind", "region__code"
    )
    counts: Counter = Counter()
    for started_at, kind, code in rows:
        day = timezone.localdate(started_at)
        if year is not None and day.year != year:
            continue
        counts[(period_of(day, period), code[:6], kind)] += 1
    names = dict(
        Region.objects.filter(code__in={c for _p, c, _k in counts}).values_list("code", "name")
    )
    table: dict[tuple[str, str], StatsRow] = {}
    by_period: dict[str, dict[str, int]] = {}
    for (label, code, kind), n in counts.items():
        row = table.setdefault((label, code), StatsRow(label, names.get(code, code)))
        row.counts[kind] = row.counts.get(kind, 0) + n
        by_period.setdefault(label, {})
        by_period[label][kind] = by_period[label].get(kind, 0) + n
    ordered = sorted(table.values(), key=lambda r: (r.period, r.county))
    return DrillStats(period=period, year=year, rows=ordered, by_period=by_period)
