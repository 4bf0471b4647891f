"""Hazards with fixed statuses and dates for the dashboard and export tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anlan.hazards.models import Hazard


def hazard(enterprise, *, status="verified", level="general", found_at=None, deadline=None,
           region=None, **extra) -> Hazard:  # fmt: skip
    found_at = found_at or timezone.now()
    closed_at = found_at + dt.timedelta(hours=1) if status == "closed" else None
    obj = Hazard.objects.create(
        enterprise=enterprise,
        region=region or enterprise.region,
        description=extra.pop("description", "测试隐患"),
        category="other",
        channel="department_patrol",
        level=level,
        status=status,
        deadline=deadline,
        found_at=found_at,
        closed_at=closed_at,
        **extra,
    )
    obj.code = f"YH{found_at:%Y}{obj.pk:06d}"
    obj.save(update_fields=["code"])
    return obj


def past(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def hazard_mix(enterprise):
    """In ``enterprise``: found this month — one closed, one overdue, one open 重大, one rejected
    (not counted) — and one closed long ago (outside the period)."""
    return {
        "closed": hazard(enterprise, status="closed"),
        "overdue": hazard(enterprise, status="assigned", deadline=past(2)),
        "major": hazard(enterprise, status="rectifying", level="major", deadline=past(-10)),
        "rejected": hazard(enterprise, status="rejected"),
        "old": hazard(
            enterprise, status="closed", found_at=timezone.now() - dt.timedelta(days=400)
        ),
    }
