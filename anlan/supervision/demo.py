"""Demo 包保 duty checks and strict-supervision lists.

The checks of last week's and this period's 包保 schedule are created for every demo hazard
source; those whose period has ended are done (on the period's last day, no problems), except
the operations lead's of LAPSED_ENTERPRISE, which was missed. Then the strict-supervision list
of yesterday and of today is computed from everything the demo holds (alarms, offline history,
missed checks, commitments), without notices. Idempotent: checks are found by (source, role,
period start) and a list is replaced per day."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anlan.core.models import User
from anlan.registry.models import Enterprise

from . import services, strict
from .choices import CheckResult, GuaranteeRole
from .models import GuaranteeCheck

# The enterprise whose operations lead skipped last week's check.
LAPSED_ENTERPRISE = "山西介休汾东焦化有限公司"


def _local(day: dt.date, hour: int) -> dt.datetime:
    naive = dt.datetime.combine(day, dt.time(hour))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def build_demo_duties(*, enterprises: dict[str, Enterprise], now=None) -> dict[str, int]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    created = len(services.generate_checks(today - dt.timedelta(days=7)).created)
    created += len(services.generate_checks(today).created)
    lapsed = enterprises.get(LAPSED_ENTERPRISE)
    ended = GuaranteeCheck.objects.filter(
        period_end__lt=today, completed_at__isnull=True
    ).select_related("hazard_source__enterprise")
    for check in ended:
        enterprise = check.hazard_source.enterprise
        if (
            lapsed is not None
            and enterprise.pk == lapsed.pk
            and check.role == GuaranteeRole.OPERATIONS
        ):
            continue
        GuaranteeCheck.objects.filter(pk=check.pk).update(
            completed_at=_local(check.period_end, 15),
            completed_by=User.objects.filter(enterprise=enterprise, is_demo=True).first(),
            result=CheckResult.NO_PROBLEMS,
        )
    listed = 0
    for day in (today - dt.timedelta(days=1), today):
        listed = len(strict.compute(day).entries)
    return {"checks": created, "listed_today": listed}
