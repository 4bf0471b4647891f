"""The three-level supervision network (厂内自查、各厂互查、职能部门巡查): for a period, which
enterprises had a completed self-inspection, a mutual inspection and a department inspection —
and which had none."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from anlan.registry.choices import EnterpriseStatus
from anlan.registry.models import Enterprise

from .models import DEPARTMENT_TYPES, Inspection, InspectionStatus, InspectionType

LEVELS = ("self", "mutual", "department")


@dataclass
class CoverageRow:
    enterprise: Enterprise
    self_count: int
    mutual_count: int
    department_count: int

    @property
    def none(self) -> bool:
        return not (self.self_count or self.mutual_count or self.department_count)


@dataclass
class Coverage:
    start: dt.date
    end: dt.date
    rows: list[CoverageRow]

    def count(self, level: str) -> int:
        return sum(1 for r in self.rows if getattr(r, f"{level}_count"))

    @property
    def totals(self) -> dict[str, int]:
        return {
            "enterprises": len(self.rows),
            **{level: self.count(level) for level in LEVELS},
            "none": sum(1 for r in self.rows if r.none),
        }

    def percent(self, level: str) -> float:
        return round(100 * self.count(level) / len(self.rows), 1) if self.rows else 0.0


def coverage(user, start: dt.date, end: dt.date, *, region=None, industry: str = "") -> Coverage:
    """Coverage of the enterprises ``user`` sees (optionally of one region subtree and
    industry), counting completed inspections dated within [start, end]."""
    enterprises = Enterprise.objects.visible_to(user).exclude(status=EnterpriseStatus.CLOSED)
    if region is not None:
        enterprises = enterprises.filter(region__prefix__startswith=region.prefix)
    if industry:
        enterprises = enterprises.filter(industry=industry)
    enterprises = enterprises.select_related("region").order_by("region__code", "name")
    done = Inspection.objects.filter(
        status=InspectionStatus.COMPLETED,
        inspected_on__gte=start,
        inspected_on__lte=end,
        enterprise__in=enterprises.values("pk"),
    )
    counts: dict[int, dict[str, int]] = {}
    for enterprise_id, kind in done.values_list("enterprise_id", "kind"):
        level = (
            "self"
            if kind == InspectionType.SELF
            else "mutual"
            if kind == InspectionType.MUTUAL
            else "department"
            if kind in DEPARTMENT_TYPES
            else None
        )
        if level:
            bucket = counts.setdefault(enterprise_id, dict.fromkeys(LEVELS, 0))
            bucket[level] += 1
    rows = [
        CoverageRow(
            enterprise=e,
            self_count=counts.get(e.pk, {}).get("self", 0),
            mutual_count=counts.get(e.pk, {}).get("mutual", 0),
            department_count=counts.get(e.pk, {}).get("department", 0),
        )
        for e in enterprises
    ]
    return Coverage(start=start, end=end, rows=rows)


def missing(cov: Coverage, level: str) -> list[CoverageRow]:
    """Rows lacking ``level`` ("self", "mutual", "department" or "any")."""
    if level == "any":
        return [r for r in cov.rows if r.none]
    return [r for r in cov.rows if not getattr(r, f"{level}_count")]
