"""Demo quarterly hazard reports: the last ended quarter with most enterprises on time, some
late, some missing; the quarter before all submitted; and the demo enterprise's draft for the
current quarter, so every view has something to show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anlan.registry.choices import EnterpriseStatus

from . import services
from .models import QuarterlyHazardReport, due_date, previous_quarter, quarter_of


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build_demo_reports(*, enterprises: dict, admin, enterprise_user) -> int:
    """Create the demo reports (``enterprises`` maps demo names to Enterprise); returns how many
    were created. Reports that exist already are left alone."""
    created = 0
    today = timezone.localdate()
    last = previous_quarter(today)
    before = previous_quarter(dt.date(last[0], 3 * last[1] - 2, 1))
    own = enterprise_user.enterprise_id if enterprise_user else None
    active = [
        e
        for _, e in sorted(enterprises.items())
        if e.status != EnterpriseStatus.CLOSED and e.pk != own
    ]

    def make(enterprise, year, quarter, *, submit_on: dt.date | None, user) -> None:
        nonlocal created
        if QuarterlyHazardReport.objects.filter(
            enterprise=enterprise, year=year, quarter=quarter
        ).exists():
            return
        at = _at(submit_on) if submit_on else timezone.now()
        report = services.generate_report(
            enterprise=enterprise, year=year, quarter=quarter, user=user, now=at
        )
        created += 1
        if submit_on:
            services.submit_report(report=report, user=user, now=at, remarks="本季度无其他说明。")

    for index, enterprise in enumerate(active):
        make(
            enterprise,
            *before,
            submit_on=due_date(*before) - dt.timedelta(days=index % 9),
            user=admin,
        )
        due = due_date(*last)
        kind = index % 6
        if kind == 5:
            continue  # not submitted at all
        if kind == 4:
            if today > due:
                make(enterprise, *last, submit_on=due + dt.timedelta(days=3), user=admin)
            continue
        if kind == 3:
            make(enterprise, *last, submit_on=None, user=admin)  # a draft
            continue
        make(
            enterprise, *last, submit_on=min(today, due - dt.timedelta(days=index % 7)), user=admin
        )
    if enterprise_user is not None:
        ent = enterprise_user.enterprise
        make(ent, *before, submit_on=due_date(*before) - dt.timedelta(days=2), user=enterprise_user)
        make(ent, *last, submit_on=None, user=enterprise_user)
        make(ent, *quarter_of(today), submit_on=None, user=enterprise_user)
    return created
