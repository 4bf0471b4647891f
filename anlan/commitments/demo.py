"""Demo commitments: the demo enterprises with major hazard sources committed each of the last
7 days, with matching work permits, except that FORGETFUL_ENTERPRISE has not committed today
and MISMATCH_ENTERPRISE announced more grade-1 hot work today than it holds permits for.
Idempotent: commitments are found by (enterprise, day), permits by (enterprise, number)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anlan.registry.models import Enterprise, HazardSource

from . import services
from .choices import SpecialWorkKind
from .models import SafetyCommitment, WorkPermit

# The enterprise that forgets today's commitment (the strict-supervision list shows it).
FORGETFUL_ENTERPRISE = "河津市汾南焦化有限公司"
# The enterprise whose announced counts today differ from its work permits.
MISMATCH_ENTERPRISE = "孝义市孝河焦化有限公司"
DAYS = 7


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    naive = dt.datetime.combine(day, dt.time(hour, minute))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _plan(index: int, offset: int) -> dict[str, int]:
    """Special operations (kind → count) of enterprise ``index`` on the day ``offset`` ago."""
    plan = {SpecialWorkKind.HOT_2: 1 + (index + offset) % 2}
    if (index + offset) % 3 == 0:
        plan[SpecialWorkKind.CONFINED_SPACE] = 1
    if (index + offset) % 4 == 1:
        plan[SpecialWorkKind.HEIGHT] = 2
    return plan


def build_demo_commitments(*, enterprises: dict[str, Enterprise], now=None) -> int:
    """Commitments and permits for the last 7 days; returns how many commitments it created."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with_sources = set(HazardSource.objects.values_list("enterprise_id", flat=True))
    created = 0
    names = sorted(name for name, e in enterprises.items() if e.pk in with_sources)
    for index, name in enumerate(names):
        enterprise = enterprises[name]
        principal = services.principal_name_for(enterprise)
        for offset in range(DAYS - 1, -1, -1):
            day = today - dt.timedelta(days=offset)
            if day == today and name == FORGETFUL_ENTERPRISE:
                continue
            plan = _plan(index, offset)
            for kind, count in plan.items():
                for n in range(1, count + 1):
                    number = f"ZYP-{day:%Y%m%d}-{kind.value}-{n}"
                    if WorkPermit.objects.filter(enterprise=enterprise, number=number).exists():
                        continue
                    WorkPermit.objects.create(
                        enterprise=enterprise,
                        number=number,
                        kind=kind,
                        planned_start=_local(day, 8, 30),
                        planned_end=_local(day, 16, 30),
                        location="演示装置区",
                        supervisor="监护人（演示）",
                    )
            announced = dict(plan)
            if day == today and name == MISMATCH_ENTERPRISE:
                announced[SpecialWorkKind.HOT_1] = 1  # no permit for it
            # One late commitment yesterday, for the overview; never after "now".
            late = offset == 1 and index == 0
            submitted = min(_local(day, 9, 40) if late else _local(day, 8, 5 + index), now)
            if SafetyCommitment.objects.filter(enterprise=enterprise, day=day).exists():
                continue
            commitment = SafetyCommitment(
                enterprise=enterprise,
                day=day,
                units_total=4,
                units_running=3,
                units_shut_down=0,
                units_maintenance=1,
                contractor_operations=1 if offset % 2 else 0,
                text=services.standard_text(),
                principal_name=principal or "主要负责人",
                submitted_at=submitted,
                **{f"{kind.value}_count": count for kind, count in announced.items()},
            )
            commitment.full_clean(validate_constraints=False)
            commitment.save()
            created += 1
    return created
