"""Every change to monitoring records: gateways, sensors, and the people's part of the alarm
lifecycle (acknowledge, dispose). The engine (``engine.py``) raises and clears alarms;
``check_alarm_deadlines`` turns alarms not handled in time into notifications and candidate
hazards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import ENTERPRISE_ROLES, REGISTRY_EDITOR_ROLES
from anlan.core.scoping import scope_of
from anlan.core.uploads import keep_file

from . import notices
from .choices import ESCALATION_ORDER, DisposalCause
from .models import Alarm, Gateway, Sensor

SENSOR_FIELDS = (
    "gateway",
    "hazard_source",
    "tag",
    "name",
    "kind",
    "unit",
    "range_min",
    "range_max",
    "limit_ll",
    "limit_l",
    "limit_h",
    "limit_hh",
    "deadband",
    "debounce_seconds",
    "wire_break_value",
    "safety_critical",
    "offline_minutes",
    "expected_interval_seconds",
    "is_active",
)


def can_manage(user, enterprise) -> bool:
    """Register gateways and sensors: the enterprise's own staff, or a regulator over it (not
    the other region roles: grid members, liaisons, tip-off verifiers, civil affairs)."""
    scope = scope_of(user)
    if scope.sees_all:
        return True
    if user.role in ENTERPRISE_ROLES:
        return scope.enterprise_id == enterprise.pk
    if user.role in REGISTRY_EDITOR_ROLES and scope.region_prefix:
        return enterprise.region.prefix.startswith(scope.region_prefix)
    return False


def may_register(user) -> bool:
    """Whether the user may register sensors for any enterprise at all (see ``can_manage``)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (scope_of(user).sees_all or user.role in ENTERPRISE_ROLES | REGISTRY_EDITOR_ROLES)
    )


def can_handle(user, alarm: Alarm) -> bool:
    """Acknowledge and dispose: the enterprise's own staff (and system administrators)."""
    scope = scope_of(user)
    return scope.sees_all or scope.enterprise_id == alarm.sensor.enterprise_id


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


@transaction.atomic
def create_gateway(*, user, enterprise, name: str, code: str) -> tuple[Gateway, str]:
    """A new gateway and its token (shown once)."""
    if user is not None:
        _require(can_manage(user, enterprise), _("You may not add gateways to this enterprise."))
    gateway = Gateway(enterprise=enterprise, name=name, code=code)
    gateway.full_clean(exclude=["key_hash"])
    gateway.save()
    return gateway, gateway.issue_token()


@transaction.atomic
def rotate_gateway_token(*, user, gateway: Gateway) -> str:
    if user is not None:
        _require(can_manage(user, gateway.enterprise), _("You may not change this gateway."))
    return gateway.issue_token()


@transaction.atomic
def save_sensor(*, user, enterprise, data: dict, sensor: Sensor | None = None) -> Sensor:
    if user is not None:
        _require(can_manage(user, enterprise), _("You may not edit this enterprise's sensors."))
    sensor = sensor or Sensor(enterprise=enterprise)
    for name in SENSOR_FIELDS:
        if name in data:
            setattr(sensor, name, data[name])
    sensor.full_clean()
    sensor.save()
    return sensor


# ---------------------------------------------------------------- alarm lifecycle


@transaction.atomic
def acknowledge(*, alarm: Alarm, user, at: dt.datetime | None = None) -> Alarm:
    _require(can_handle(user, alarm), _("You may not handle this alarm."))
    at = at or timezone.now()
    updated = Alarm.objects.filter(pk=alarm.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=at, acknowledged_by=user
    )
    if not updated:
        raise ValidationError({"alarm": _("This alarm has already been acknowledged.")})
    alarm.refresh_from_db()
    return alarm


@transaction.atomic
def dispose(*, alarm: Alarm, user, cause: str, measures: str, attachment=None, at=None) -> Alarm:
    """Record the cause and the measures (acknowledging too, if nobody had)."""
    _require(can_handle(user, alarm), _("You may not handle this alarm."))
    errors = {}
    if cause not in DisposalCause.values:
        errors["cause"] = _("Choose the cause.")
    measures = (measures or "").strip()
    if not measures:
        errors["measures"] = _("Say what was done.")
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    fields = {"disposed_at": at, "disposed_by": user, "cause": cause, "measures": measures}
    updated = Alarm.objects.filter(pk=alarm.pk, disposed_at__isnull=True).update(**fields)
    if not updated:
        raise ValidationError({"alarm": _("This alarm has already been disposed.")})
    Alarm.objects.filter(pk=alarm.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=at, acknowledged_by=user
    )
    alarm.refresh_from_db()
    if attachment is not None:  # a core.uploads.CheckedUpload (checked by content)
        name = f"{attachment.sha256[:16]}.{attachment.extension}"
        keep_file(alarm.attachment, attachment, name, save=True)
    return alarm


def ack_deadline(alarm: Alarm) -> dt.datetime:
    return alarm.raised_at + dt.timedelta(minutes=settings.ANLAN_ALARM_ACK_MINUTES[alarm.level])


def dispose_deadline(alarm: Alarm) -> dt.datetime:
    return alarm.raised_at + dt.timedelta(minutes=settings.ANLAN_ALARM_DISPOSE_MINUTES[alarm.level])


def is_overdue(alarm: Alarm, now: dt.datetime | None = None) -> bool:
    """Derived: not disposed by the deadline of its level."""
    now = now or timezone.now()
    return alarm.disposed_at is None and now > dispose_deadline(alarm)


# ---------------------------------------------------------------- deadlines → hazards


ART14_CLAUSE = "gm2023-14-1"


@dataclass
class DeadlineRun:
    notified: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)
    hazards: list[str] = field(default_factory=list)


def unhandled_since(alarm: Alarm, now: dt.datetime) -> tuple[str, dt.datetime] | None:
    """Which deadline the alarm has missed and since when, or None while it is on time.
    Not acknowledged by its acknowledgement deadline counts first; once acknowledged, only
    the disposal deadline matters."""
    if alarm.disposed_at is not None:
        return None
    if alarm.acknowledged_at is None and now > ack_deadline(alarm):
        return "acknowledgement", ack_deadline(alarm)
    if now > dispose_deadline(alarm):
        return "disposal", dispose_deadline(alarm)
    return None


def escalation_level(alarm: Alarm, since: dt.datetime, now: dt.datetime) -> str:
    """One level per ANLAN_ALARM_ESCALATION_STEP_MINUTES unhandled; never back down."""
    step = dt.timedelta(minutes=max(1, settings.ANLAN_ALARM_ESCALATION_STEP_MINUTES))
    reached = min(int((now - since) / step), len(ESCALATION_ORDER) - 1)
    if alarm.escalated_to:
        reached = max(reached, ESCALATION_ORDER.index(alarm.escalated_to))
    return ESCALATION_ORDER[reached]


def check_alarm_deadlines(now: dt.datetime | None = None) -> DeadlineRun:
    """The periodic job. Idempotent: notifications carry a de-duplication key (one per repeat
    period), the escalation level only rises, and an alarm opens at most one candidate
    hazard (``Alarm.hazard``)."""
    now = now or timezone.now()
    run = DeadlineRun()
    open_alarms = Alarm.objects.filter(disposed_at__isnull=True).select_related(
        "sensor__enterprise__region"
    )
    repeat = dt.timedelta(minutes=max(1, settings.ANLAN_ALARM_REPEAT_MINUTES))
    for alarm in open_alarms.order_by("raised_at"):
        missed = unhandled_since(alarm, now)
        if missed is None:
            continue
        what, since = missed
        level = escalation_level(alarm, since, now)
        if level != alarm.escalated_to:
            Alarm.objects.filter(pk=alarm.pk).update(escalated_to=level, escalated_at=now)
            alarm.escalated_to, alarm.escalated_at = level, now
            run.escalated.append(alarm.pk)
        if notices.alarm_unhandled(
            alarm, missed=what, level=level, repeat=int((now - since) / repeat)
        ):
            run.notified.append(alarm.pk)
        if now > dispose_deadline(alarm) and alarm.hazard_id is None:
            run.hazards.append(_open_candidate(alarm, reason="overdue").code)
    limit = dt.timedelta(minutes=settings.ANLAN_MONITORING_FAULT_HAZARD_MINUTES)
    faults = Alarm.objects.filter(
        cleared_at__isnull=True,
        hazard__isnull=True,
        sensor__safety_critical=True,
        kind__in=["fault_wire_break", "fault_over_range"],
        started_at__lt=now - limit,
    ).select_related("sensor__enterprise__region")
    for alarm in faults:
        run.hazards.append(_open_candidate(alarm, reason="art14").code)
    return run


@transaction.atomic
def _open_candidate(alarm: Alarm, *, reason: str):
    from anlan.hazards.choices import HazardCategory, HazardChannel, HazardLevel
    from anlan.hazards.services import report_hazard
    from anlan.inspections.models import Clause

    locked = Alarm.objects.select_for_update().get(pk=alarm.pk)
    if locked.hazard_id:
        return locked.hazard
    sensor = alarm.sensor
    data = {
        "enterprise": sensor.enterprise,
        "category": HazardCategory.EQUIPMENT,
        "channel": HazardChannel.MONITORING_ALARM,
        "found_at": timezone.now(),
        "found_by": _("Monitoring system"),
    }
    clause = None
    if reason == "art14":
        clause = Clause.objects.filter(pk=ART14_CLAUSE).first()
        data["level"] = HazardLevel.MAJOR
        data["description"] = _(
            "Candidate hazard for review: the safety-critical device %(tag)s %(name)s has been "
            "in fault (%(kind)s) since %(since)s."
        ) % {
            "tag": sensor.tag,
            "name": sensor.name,
            "kind": alarm.get_kind_display(),
            "since": timezone.localtime(alarm.started_at).strftime("%Y-%m-%d %H:%M"),
        }
        data["basis"] = (
            clause.citation if clause is not None else _("Decree No. 10 (2023), Art. 14")
        ) + _(": a monitoring, alarm or protective device bearing directly on safety has failed.")
    else:
        data["level"] = HazardLevel.GENERAL
        data["description"] = _(
            "Candidate hazard for review: the %(kind)s alarm of %(tag)s %(name)s raised at "
            "%(raised)s (value %(value)s) was not disposed within %(minutes)s minutes."
        ) % {
            "kind": alarm.get_kind_display(),
            "tag": sensor.tag,
            "name": sensor.name,
            "raised": timezone.localtime(alarm.raised_at).strftime("%Y-%m-%d %H:%M"),
            "value": "—" if alarm.value is None else f"{alarm.value:g}",
            "minutes": settings.ANLAN_ALARM_DISPOSE_MINUTES[alarm.level],
        }
    hazard = report_hazard(user=None, data=data)
    if clause is not None:
        hazard.clauses.add(clause)
    Alarm.objects.filter(pk=alarm.pk).update(hazard=hazard)
    alarm.hazard = hazard
    return hazard
