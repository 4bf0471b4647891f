"""Demo inspections: last month's self-inspections for some demo enterprises and a department
inspection for others (so the coverage report has both kinds of row), one inspection in
progress, and a monthly self-inspection plan with its tasks."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import services
from .models import ChecklistTemplate, Inspection, InspectionPlan


def _template_for(enterprise):
    flags = set(enterprise.risk_flags.values_list("code", flat=True))
    for t in ChecklistTemplate.objects.filter(is_active=True):
        if t.industry == enterprise.industry or set(t.risk_flags) & flags:
            return t
    return ChecklistTemplate.objects.filter(is_active=True).first()


def build_demo_inspections(*, enterprises: dict, regulator, enterprise_user) -> int:
    """Returns how many inspections were created (none on a re-run)."""
    if Inspection.objects.filter(inspectors__endswith="（演示）").exists():
        return 0
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=12)
    created = 0
    lingshi = [e for e in enterprises.values() if e.region.prefix.startswith("140729")]
    own = enterprise_user.enterprise
    for n, enterprise in enumerate(sorted(lingshi, key=lambda e: e.name)):
        template = _template_for(enterprise)
        if template is None:
            continue
        if enterprise == own:
            user, kind = enterprise_user, "self"
        elif n % 3 == 0:
            user, kind = regulator, "department_patrol"
        elif n % 3 == 1:
            user, kind = regulator, "mutual"
        else:
            continue  # no inspection at all: shows on the coverage report
        peer = None
        if kind == "mutual":
            peer = next((e for e in lingshi if e != enterprise), None)
        inspection = services.start_inspection(
            user=user,
            enterprise=enterprise,
            kind=kind,
            template=template,
            inspected_on=last_month,
            inspectors=f"{user.display_name or user}（演示）",
            peer=peer,
        )
        for answer in inspection.answers.select_related("item"):
            services.answer(inspection=inspection, user=user, item_id=answer.item_id, result="pass")
        services.complete_inspection(inspection=inspection, user=user)
        created += 1
    if own is not None and not InspectionPlan.objects.filter(enterprise=own).exists():
        template = _template_for(own)
        if template is not None:
            services.create_plan(
                user=enterprise_user,
                data={
                    "name": "每月全面自查（演示）",
                    "kind": "self",
                    "template": template,
                    "enterprise": own,
                    "frequency": "monthly",
                    "starts_on": today.replace(day=1),
                },
            )
            services.generate_tasks()
    return created
