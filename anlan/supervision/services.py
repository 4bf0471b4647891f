"""Every change to 包保 duty checks: the daily generation (with the missed-check notices) and
completion by the enterprise. Web, API, CLI and jobs all call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.notify import after_commit
from anlan.core.scoping import scope_of
from anlan.core.uploads import CheckedUpload
from anlan.registry.choices import EnterpriseStatus
from anlan.registry.models import HazardSource

from . import notices, periods
from .choices import ROLE_FIELDS, CheckResult, GuaranteeRole
from .models import GuaranteeCheck, GuaranteeCheckPhoto, local_today

# Missed checks are reported by the daily job for this many days after their period ended (the
# notices carry de-duplication keys, so a job that did not run for a few days catches up).
MISSED_NOTICE_DAYS = 31


@dataclass
class GenerateRun:
    created: list[GuaranteeCheck] = field(default_factory=list)
    missed_notified: list[int] = field(default_factory=list)


def period_of(role: str, day: dt.date) -> tuple[dt.date, dt.date]:
    return periods.bounds(settings.ANLAN_GUARANTEE_PERIODS[role], day)


def generate_checks(day: dt.date | None = None) -> GenerateRun:
    """Create the checks of the periods containing ``day`` for every major hazard source of
    every enterprise not closed (idempotent), tell the enterprise of each new one, and report
    checks whose period ended unfinished to the enterprise and the county regulators."""
    day = day or local_today()
    run = GenerateRun()
    sources = HazardSource.objects.exclude(enterprise__status=EnterpriseStatus.CLOSED)
    sources = sources.select_related(*ROLE_FIELDS.values(), "enterprise")
    for source in sources.order_by("pk"):
        for role in GuaranteeRole:
            start, end = period_of(role, day)
            check = _create(source, role, start, end)
            if check is not None:
                run.created.append(check)
    for check in run.created:
        after_commit(notices.check_created, check)
    missed = (
        GuaranteeCheck.objects.filter(
            completed_at__isnull=True,
            period_end__lt=day,
            period_end__gte=day - dt.timedelta(days=MISSED_NOTICE_DAYS),
        )
        .exclude(hazard_source__enterprise__status=EnterpriseStatus.CLOSED)
        .select_related("hazard_source__enterprise__region")
    )
    for check in missed.order_by("period_end", "pk"):
        if notices.check_missed(check):
            run.missed_notified.append(check.pk)
    return run


def _create(source, role, start, end) -> GuaranteeCheck | None:
    if GuaranteeCheck.objects.filter(hazard_source=source, role=role, period_start=start).exists():
        return None
    person = getattr(source, ROLE_FIELDS[role])
    check = GuaranteeCheck(
        hazard_source=source,
        role=role,
        person=person,
        person_name=person.name if person else "",
        period_start=start,
        period_end=end,
        due_date=end,
    )
    try:
        with transaction.atomic():
            check.save()
    except IntegrityError:  # another run created it first
        return None
    return check


def can_complete(user, check: GuaranteeCheck) -> bool:
    """Only the enterprise's own users record their checks (and system administrators)."""
    scope = scope_of(user)
    return scope.sees_all or (
        scope.enterprise_id is not None and scope.enterprise_id == check.hazard_source.enterprise_id
    )


@transaction.atomic
def complete_check(
    *,
    check: GuaranteeCheck,
    user,
    result: str,
    findings: str = "",
    photo: CheckedUpload | None = None,
    open_hazard: bool = False,
    at: dt.datetime | None = None,
) -> GuaranteeCheck:
    """Record a check as done. A check of a period that has ended may still be completed; it
    then stays marked late. Findings are required when problems were found; ``open_hazard``
    reports them as a hazard of the enterprise (channel: self-inspection)."""
    if not can_complete(user, check):
        raise PermissionDenied(_("Only the enterprise's own staff may record this check."))
    findings = (findings or "").strip()
    errors = {}
    if result not in CheckResult.values:
        errors["result"] = _("Choose the result: no problems or problems found.")
    elif result == CheckResult.PROBLEMS and not findings:
        errors["findings"] = _("Describe the problems found.")
    if open_hazard and not findings:
        errors.setdefault("findings", _("A hazard needs the findings as its description."))
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    updated = GuaranteeCheck.objects.filter(pk=check.pk, completed_at__isnull=True).update(
        completed_at=at, completed_by=user, result=result, findings=findings
    )
    if not updated:
        raise ValidationError({"check": _("This check has already been recorded.")})
    check.refresh_from_db()
    if photo is not None:
        stored = GuaranteeCheckPhoto(check_record=check)
        stored.keep(photo)
        stored.save()
    if open_hazard:
        check.hazard = _report_findings(check, user=user, photo=photo)
        GuaranteeCheck.objects.filter(pk=check.pk).update(hazard=check.hazard)
    return check


def _report_findings(check: GuaranteeCheck, *, user, photo):
    from anlan.hazards.choices import HazardCategory, HazardChannel, HazardLevel
    from anlan.hazards.services import report_hazard

    source = check.hazard_source
    description = _("包保 check of %(source)s by the %(role)s %(person)s: %(findings)s") % {
        "source": source.name,
        "role": check.get_role_display(),
        "person": check.person_name or "—",
        "findings": check.findings,
    }
    data = {
        "enterprise": source.enterprise,
        "description": description[:5000],
        "category": HazardCategory.OTHER,
        "level": HazardLevel.GENERAL,
        "channel": HazardChannel.SELF_INSPECTION,
        "found_at": check.completed_at,
        "found_by": (user.display_name or user.username)[:100],
    }
    return report_hazard(user=user, data=data, photos=[photo] if photo is not None else [])


def completion_rates(checks, today: dt.date | None = None) -> list[dict]:
    """Per county: checks, done (on time or late), missed, due and the completion rate of the
    checks whose period has ended (done ÷ (done + missed)), for the given checks."""
    from anlan.core.models import Region

    today = today or local_today()
    counts: dict[str, dict] = {}
    rows = checks.values_list(
        "hazard_source__enterprise__region__prefix", "completed_at", "period_end"
    )
    for prefix, completed_at, period_end in rows.iterator():
        county = (prefix or "")[:6]
        row = counts.setdefault(county, {"checks": 0, "done": 0, "missed": 0, "due": 0})
        row["checks"] += 1
        if completed_at is not None:
            row["done"] += 1
        elif period_end < today:
            row["missed"] += 1
        else:
            row["due"] += 1
    names = dict(Region.objects.filter(code__in=counts).values_list("code", "name"))
    out = []
    for county in sorted(counts):
        row = counts[county]
        ended = row["done"] + row["missed"]
        rate = round(100 * row["done"] / ended, 1) if ended else None
        out.append({"county": county, "name": names.get(county, county), "rate": rate, **row})
    return out
