"""Recording online patrols, and which monitored enterprises are due or overdue for one.

- Who records: regulators (city administrators, county regulators, township supervisors) and
  system administrators, for enterprises inside their jurisdiction. The patrol keeps the
  patroller's level (city / county / township) as it was when recorded.
- A patrol with findings is saved in one transaction with a hazard per finding (channel: online
  patrol, found by the patroller); any error saves nothing.
- Frequency: ``settings.ANLAN_PATROL_DAYS`` gives, per level, the days within which every
  monitored enterprise (one with a major hazard source) must be patrolled by a regulator at that
  level. Overdue is computed from the last patrol and the day, never stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import REGISTRY_EDITOR_ROLES, NotificationKind
from anlan.core.models import User
from anlan.hazards import services as hazard_services
from anlan.hazards.choices import HazardChannel
from anlan.registry.models import Enterprise

from .choices import REGION_LEVELS_UNDER, ROLE_OF_LEVEL, PatrolLevel, PatrolResult
from .models import OnlinePatrol, PatrolFinding

PATROL_FIELDS = ("kind", "started_at", "items", "summary", "result")
FINDING_FIELDS = ("description", "category", "level", "deadline")
RECORDER_ROLES = REGISTRY_EDITOR_ROLES  # system admin, city, county, township


# ---------------------------------------------------------------- who


def level_of(user) -> str:
    """The user's regulator level from their region now ("" for one without a region)."""
    region = getattr(user, "region", None) if getattr(user, "region_id", None) else None
    if region is not None and region.level in PatrolLevel.values:
        return region.level
    return ""


def may_record(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.role in RECORDER_ROLES)
    )


def can_record(user, enterprise: Enterprise) -> bool:
    return (
        may_record(user) and Enterprise.objects.visible_to(user).filter(pk=enterprise.pk).exists()
    )


def is_monitored(enterprise: Enterprise) -> bool:
    return enterprise.hazard_sources.exists()


# ---------------------------------------------------------------- recording


def _finding_errors(index: int, finding: PatrolFinding, started_on: dt.date | None) -> dict:
    errors: dict[str, list[str]] = {}
    try:
        finding.full_clean(exclude=["patrol", "hazard"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if finding.deadline and started_on and finding.deadline < started_on:
        errors.setdefault("deadline", []).append(_("The deadline cannot be before the patrol."))
    return {f"findings[{index}].{field}": messages for field, messages in errors.items()}


@transaction.atomic
def record_patrol(
    *, user, enterprise: Enterprise, data: dict[str, Any], findings: list[dict[str, Any]] = ()
) -> OnlinePatrol:
    """Save a patrol and its findings; each finding opens a hazard through the hazard services.
    Raises ValidationError keyed by field (``findings[1].description`` for a finding's field,
    counting from 0) and saves nothing on any error."""
    if not may_record(user):
        raise PermissionDenied(_("Only regulators record online patrols."))
    if not can_record(user, enterprise):
        raise ValidationError({"enterprise": _("This enterprise is outside your jurisdiction.")})
    patrol = OnlinePatrol(enterprise=enterprise, patroller=user, level=level_of(user))
    for field in PATROL_FIELDS:
        if field in data and data[field] is not None:
            setattr(patrol, field, data[field])
    if isinstance(patrol.started_at, dt.datetime) and timezone.is_naive(patrol.started_at):
        patrol.started_at = timezone.make_aware(patrol.started_at)  # local (Beijing) time
    errors: dict[str, list[str]] = {}
    try:
        patrol.full_clean(exclude=["enterprise", "patroller"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    started_on = timezone.localdate(patrol.started_at) if patrol.started_at else None
    rows = []
    for index, values in enumerate(findings):
        finding = PatrolFinding(order=index + 1)
        for field in FINDING_FIELDS:
            value = values.get(field)
            if value is not None and value != "":
                setattr(finding, field, value.strip() if isinstance(value, str) else value)
        errors.update(_finding_errors(index, finding, started_on))
        rows.append(finding)
    if not errors.get("result"):
        if rows and patrol.result == PatrolResult.OK:
            errors["result"] = [_("Findings were recorded: the result is “problems found”.")]
        elif not rows and patrol.result == PatrolResult.PROBLEMS:
            errors["findings"] = [_("Add at least one finding, or choose “no problems found”.")]
    if errors:
        raise ValidationError(errors)
    patrol.save()
    found_by = (user.display_name or user.username)[:100]
    for index, finding in enumerate(rows):
        finding.patrol = patrol
        try:
            hazard = hazard_services.report_hazard(
                user=user,
                data={
                    "enterprise": enterprise,
                    "description": finding.description,
                    "category": finding.category,
                    "level": finding.level,
                    "channel": HazardChannel.ONLINE_PATROL,
                    "found_at": patrol.started_at,
                    "found_by": found_by,
                    "basis": _("Found on %(kind)s of %(date)s")
                    % {"kind": patrol.get_kind_display(), "date": started_on},
                },
            )
        except ValidationError as exc:
            raise ValidationError(
                {f"findings[{index}].{k}": v for k, v in exc.message_dict.items()}
            ) from exc
        finding.hazard = hazard
        finding.save()
    return patrol


# ---------------------------------------------------------------- due and missed


def patrol_days() -> dict[str, int]:
    return {k: v for k, v in settings.ANLAN_PATROL_DAYS.items() if k in PatrolLevel.values}


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


@dataclass
class DueRow:
    enterprise: Enterprise
    level: str
    limit_days: int
    last_patrol_id: int | None
    last_patrol_at: dt.datetime | None
    since: dt.date  # the last patrol's day, or the day the enterprise was registered
    days_since: int
    due_on: dt.date

    @property
    def missed(self) -> bool:
        return self.days_since > self.limit_days

    def evidence(self) -> dict[str, Any]:
        return {
            "enterprise": self.enterprise.name,
            "level": self.level,
            "limit_days": self.limit_days,
            "last_patrol_id": self.last_patrol_id,
            "last_patrol_at": self.last_patrol_at.isoformat() if self.last_patrol_at else None,
            "since": self.since.isoformat(),
            "days_since": self.days_since,
            "due_on": self.due_on.isoformat(),
        }


def monitored(enterprises) -> Any:
    """The enterprises of ``enterprises`` with at least one major hazard source."""
    return enterprises.filter(hazard_sources__isnull=False).distinct()


def due_rows(*, enterprises, level: str, day: dt.date | None = None) -> list[DueRow]:
    """For each monitored enterprise of ``enterprises`` that has a regulator at ``level``: the
    last patrol by that level up to ``day`` and how long ago it was. Most overdue first."""
    day = day or timezone.localdate()
    limit = patrol_days().get(level)
    if limit is None:
        return []
    last = OnlinePatrol.objects.filter(
        enterprise=OuterRef("pk"), level=level, started_at__lt=_end_of(day)
    ).order_by("-started_at", "-pk")
    qs = (
        monitored(enterprises)
        .filter(region__level__in=REGION_LEVELS_UNDER[level])
        .select_related("region")
        .annotate(
            last_patrol_at=Subquery(last.values("started_at")[:1]),
            last_patrol_id=Subquery(last.values("pk")[:1]),
        )
    )
    rows = []
    for enterprise in qs:
        at = enterprise.last_patrol_at
        since = timezone.localdate(at if at else enterprise.created_at)
        since = min(since, day)
        rows.append(
            DueRow(
                enterprise=enterprise,
                level=level,
                limit_days=limit,
                last_patrol_id=enterprise.last_patrol_id,
                last_patrol_at=at,
                since=since,
                days_since=(day - since).days,
                due_on=since + dt.timedelta(days=limit),
            )
        )
    rows.sort(key=lambda r: (-r.days_since, r.enterprise.name))
    return rows


def missed_patrols(day: dt.date, level: str) -> dict[int, dict[str, Any]]:
    """Every monitored enterprise whose online patrol by ``level`` is overdue on ``day``, with
    the evidence (last patrol, days since, limit, due date). Not scoped: for jobs and lists."""
    return {
        row.enterprise.pk: row.evidence()
        for row in due_rows(enterprises=Enterprise.objects.all(), level=level, day=day)
        if row.missed
    }


def regulators_of(enterprise: Enterprise, level: str, people: list[User] | None = None):
    """The active regulators at ``level`` whose region covers the enterprise."""
    if people is None:
        people = list(
            User.objects.filter(
                role=ROLE_OF_LEVEL[level], is_active=True, region__level=level
            ).select_related("region")
        )
    return [u for u in people if enterprise.region.prefix.startswith(u.region.prefix)]


def notify_overdue(day: dt.date | None = None) -> int:
    """Tell the regulators at each level of the enterprises newly overdue for their patrol.
    One notification per enterprise, level and overdue period (the due date), so running the
    job again, or on the following days, tells no one twice. Returns how many were created."""
    from anlan.core.notify import notify

    day = day or timezone.localdate()
    created = 0
    for level in patrol_days():
        missed = missed_patrols(day, level)
        if not missed:
            continue
        people = list(
            User.objects.filter(
                role=ROLE_OF_LEVEL[level], is_active=True, region__level=level
            ).select_related("region")
        )
        enterprises = Enterprise.objects.select_related("region").in_bulk(list(missed))
        for pk, evidence in missed.items():
            enterprise = enterprises[pk]
            recipients = regulators_of(enterprise, level, people)
            if not recipients:
                continue
            if evidence["last_patrol_at"]:
                body = _(
                    "The last online patrol at your level was %(days)d days ago (%(since)s); "
                    "the limit is %(limit)d days."
                )
            else:
                body = _(
                    "No online patrol at your level since the enterprise was registered "
                    "%(days)d days ago (%(since)s); the limit is %(limit)d days."
                )
            created += len(
                notify(
                    recipients=recipients,
                    kind=NotificationKind.DUTY,
                    title=_("Online patrol overdue: %(name)s") % {"name": enterprise.name},
                    body=body
                    % {
                        "days": evidence["days_since"],
                        "since": evidence["since"],
                        "limit": evidence["limit_days"],
                    },
                    link=reverse("patrols:new", args=[pk]),
                    subject=f"enterprise:{pk}",
                    dedup_key=f"patrol-overdue:{pk}:{level}:{evidence['due_on']}",
                )
            )
    return created
