"""Monitoring API: ``POST /api/monitoring/ingest`` for gateways (their own token in
``X-Gateway-Token``), and sensors and alarms for users (scoped by ``visible_to``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.security import APIKeyHeader

from . import ingest as ingestion
from . import readings, services
from .models import Alarm, Gateway, Sensor, hash_token

router = Router(tags=["monitoring"])


class GatewayAuth(APIKeyHeader):
    param_name = "X-Gateway-Token"

    def authenticate(self, request, key):
        if not key:
            return None
        gateway = (
            Gateway.objects.filter(key_hash=hash_token(key), is_active=True)
            .only("pk", "enterprise_id", "config_version", "code")
            .first()
        )
        if gateway is None:
            return None
        request.gateway = gateway
        return gateway


class IngestResult(Schema):
    received: int
    accepted: int
    duplicates: int
    rejected: int
    rejects: list[dict]
    alarms_raised: int
    alarms_cleared: int


class ErrorOut(Schema):
    detail: str


def _error(status: int, message: str) -> HttpResponse:
    import json

    return HttpResponse(
        json.dumps({"detail": message}, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )


@router.post(
    "/ingest",
    auth=GatewayAuth(),
    response={200: IngestResult, 413: ErrorOut, 422: ErrorOut},
    summary="Ingest a batch of readings (gateway token)",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
            }
        }
    },
)
def ingest(request):
    """JSON ``{"readings": [[tag, ts, value], …]}`` or ``{"tags": [], "ts": [], "values": []}``,
    or CSV (``Content-Type: text/csv``, lines ``tag,ts,value``). The answer comes after the
    batch is committed: counts and the first rejects with their reasons."""
    length = int(request.headers.get("Content-Length") or 0)
    if length > settings.ANLAN_MONITORING_MAX_BODY_BYTES:
        return _error(413, _("The request body is too large; split the batch."))
    try:
        body = request.body
    except RequestDataTooBig:
        return _error(413, _("The request body is too large; split the batch."))
    if len(body) > settings.ANLAN_MONITORING_MAX_BODY_BYTES:
        return _error(413, _("The request body is too large; split the batch."))
    try:
        columns = ingestion.parse(body, request.content_type)
        result = ingestion.ingest(gateway=request.gateway, columns=columns)
    except ingestion.PayloadError as exc:
        return _error(exc.status, str(exc))
    return result.as_dict()


# ---------------------------------------------------------------- for users


class SensorOut(Schema):
    id: int
    enterprise_id: int
    gateway_id: int
    hazard_source_id: int | None
    tag: str
    name: str
    kind: str
    unit: str
    range_min: float
    range_max: float
    limit_ll: float | None
    limit_l: float | None
    limit_h: float | None
    limit_hh: float | None
    deadband: float
    debounce_seconds: int
    safety_critical: bool
    is_active: bool


class AlarmOut(Schema):
    id: int
    sensor_id: int
    tag: str
    enterprise_id: int
    kind: str
    level: str
    status: str
    value: float | None
    limit: float | None
    started_at: dt.datetime
    raised_at: dt.datetime
    acknowledged_at: dt.datetime | None
    disposed_at: dt.datetime | None
    cause: str
    measures: str
    cleared_at: dt.datetime | None
    overdue: bool
    escalated_to: str
    escalated_at: dt.datetime | None
    attachment_url: str | None
    hazard_id: int | None

    @staticmethod
    def resolve_attachment_url(obj):
        if not obj.attachment:
            return None
        from django.urls import reverse

        return reverse("monitoring:alarm-attachment", args=[obj.pk])

    @staticmethod
    def resolve_tag(obj):
        return obj.sensor.tag

    @staticmethod
    def resolve_enterprise_id(obj):
        return obj.sensor.enterprise_id

    @staticmethod
    def resolve_overdue(obj):
        return services.is_overdue(obj)


class DisposeIn(Schema):
    cause: str
    measures: str


@router.get("/sensors", response=list[SensorOut])
def list_sensors(request, enterprise: int | None = None, limit: int = 100, offset: int = 0):
    qs = Sensor.objects.visible_to(request.user)
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    offset = max(offset, 0)
    return qs.order_by("pk")[offset : offset + min(max(limit, 1), 1000)]


@router.get("/sensors/{sensor_id}/series")
def sensor_series(request, sensor_id: int, hours: int = 6):
    """The sensor's values over the last ``hours``: raw readings up to 6 hours, per-minute
    rollups (min / max / avg) beyond."""
    sensor = get_object_or_404(Sensor.objects.visible_to(request.user), pk=sensor_id)
    hours = min(max(hours, 1), 24 * 90)
    end = readings.now_ms() + 60_000
    start = end - hours * 3_600_000
    rollup = hours > 6
    rows = readings.series(sensor.pk, start, end, rollup=rollup)
    return {"sensor": sensor.pk, "rollup": rollup, "points": [list(r) for r in rows]}


@router.get("/alarms", response=list[AlarmOut])
def list_alarms(request, active: bool = False, unhandled: bool = False, limit: int = 100):
    qs = Alarm.objects.visible_to(request.user).select_related("sensor")
    if active:
        qs = qs.active()
    if unhandled:
        qs = qs.unhandled()
    return qs[: min(max(limit, 1), 1000)]


@router.get("/alarms/{alarm_id}", response=AlarmOut)
def get_alarm(request, alarm_id: int):
    return get_object_or_404(
        Alarm.objects.visible_to(request.user).select_related("sensor"), pk=alarm_id
    )


@router.post("/alarms/{alarm_id}/acknowledge", response=AlarmOut)
def acknowledge_alarm(request, alarm_id: int):
    alarm = get_object_or_404(Alarm.objects.visible_to(request.user), pk=alarm_id)
    return services.acknowledge(alarm=alarm, user=request.user)


@router.post("/alarms/{alarm_id}/dispose", response=AlarmOut)
def dispose_alarm(request, alarm_id: int, payload: DisposeIn):
    alarm = get_object_or_404(Alarm.objects.visible_to(request.user), pk=alarm_id)
    return services.dispose(
        alarm=alarm, user=request.user, cause=payload.cause, measures=payload.measures
    )


__all__ = ["router", "timezone"]


# ---------------------------------------------------------------- sensors from Excel


class SensorImportOut(Schema):
    created: int
    updated: int


@router.get("/sensors/template.xlsx", summary="An empty sensor sheet with the kinds as a list")
def sensor_template(request):
    from anlan.core.downloads import xlsx_response

    from .excel import template

    return xlsx_response(template(), "sensors-template")


@router.post(
    "/sensors/import",
    response=SensorImportOut,
    summary="Import sensors from Excel (all or nothing; 422 lists every bad cell by row and column)",
)
def import_sensors(request, file: File[UploadedFile]):
    from .excel import import_sensors as run_import

    report = run_import(file.read(), user=request.user)
    if not report.ok:
        return request_errors(request, report.errors)
    return {"created": report.created, "updated": report.updated}


def request_errors(request, errors):
    from anlan.api import api

    detail = [
        {"loc": ["body", "file", row, column], "msg": str(reason), "type": "value_error"}
        for row, column, reason in errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)


# ---------------------------------------------------------------- offline and data quality


class OfflineOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str
    gateway_id: int
    gateway: str
    sensor_id: int | None
    tag: str | None
    started_at: dt.datetime
    detected_at: dt.datetime

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_gateway(obj):
        return obj.gateway.code

    @staticmethod
    def resolve_tag(obj):
        return obj.sensor.tag if obj.sensor_id else None


class QualityOut(Schema):
    enterprise_id: int
    enterprise: str
    sensors: int
    connected: int
    readings: int
    expected: int
    connection_rate: float | None
    online_rate: float | None
    completeness: float | None
    timeliness: float | None


def _scoped_enterprise(request, enterprise: int | None):
    from anlan.registry.models import Enterprise

    if enterprise is None:
        return None
    return get_object_or_404(Enterprise.objects.visible_to(request.user), pk=enterprise)


@router.get("/offline", response=list[OfflineOut], summary="Sensors and gateways offline now")
def list_offline(request, enterprise: int | None = None, limit: int = 500):
    from .models import OfflineEpisode

    qs = (
        OfflineEpisode.objects.visible_to(request.user)
        .open()
        .select_related("enterprise", "gateway", "sensor")
    )
    scoped = _scoped_enterprise(request, enterprise)
    if scoped is not None:
        qs = qs.filter(enterprise=scoped)
    return qs.order_by("started_at", "pk")[: min(max(limit, 1), 5000)]


@router.get(
    "/quality",
    response=list[QualityOut],
    summary="Per enterprise and day: connection and online rates, completeness, timeliness",
)
def daily_quality(request, day: dt.date | None = None, enterprise: int | None = None):
    """``day`` is a local date (default today, counted up to now). Rates are 0–1, or null when
    there is nothing to divide by (no sensors, no expected readings, no batches)."""
    from . import offline

    sensors = Sensor.objects.visible_to(request.user)
    scoped = _scoped_enterprise(request, enterprise)
    if scoped is not None:
        sensors = sensors.filter(enterprise=scoped)
    day = day or timezone.localdate()
    return [q.as_dict() for q in offline.daily_quality(day=day, sensors=sensors)]


class CountyQualityOut(Schema):
    county_prefix: str
    county: str
    enterprises: int
    sensors: int
    connected: int
    readings: int
    expected: int
    connection_rate: float | None
    online_rate: float | None
    completeness: float | None
    timeliness: float | None
    gateways_offline: int
    sensors_offline: int
    enterprises_offline: int


@router.get(
    "/quality/counties",
    response=list[CountyQualityOut],
    summary="Per county and day: the four rates, and gateways and points offline now",
)
def county_quality(request, day: dt.date | None = None):
    """The per-enterprise rates of ``/quality`` summed per county (6-digit region code) over
    the enterprises the user sees, with the offline episodes open now."""
    from . import offline
    from .models import OfflineEpisode

    rates = offline.daily_quality(
        day=day or timezone.localdate(), sensors=Sensor.objects.visible_to(request.user)
    )
    counties = offline.by_county(rates, OfflineEpisode.objects.visible_to(request.user).open())
    return [offline.county_dict(c) for c in counties]
