"""Demo monitoring data: a gateway per demo enterprise with a major hazard source (and per
operating deep-well casting plant), realistic sensors on its hazard sources, the last 24 hours
of readings at one-minute resolution, a few historical alarms in each lifecycle state and one
closed offline episode. The live simulator (``simulator.py``) feeds the same sensors.

Idempotent: gateways are found by code and sensors by (gateway, point code), saved through the
services only when new or changed; the history is written only for a gateway none of whose
sensors has a reading yet, so a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from anlan.registry.choices import EnterpriseRiskFlag, EnterpriseStatus
from anlan.registry.models import Enterprise, HazardSource

from . import ingest as ingestion
from . import readings, services
from .choices import DisposalCause, SensorKind
from .models import Alarm, Gateway, IngestBatch, OfflineEpisode, Sensor

DEMO_PREFIX = "demo-"

# Stable gateway codes for the demo enterprises (names without the demo mark); any other
# enterprise gets one made from its credit code.
GATEWAY_CODES = {
    "灵石县汾峪焦化有限公司": "demo-lingshi-coking",
    "山西介休汾东焦化有限公司": "demo-jiexiu-coking",
    "介休市绵上甲醇有限公司": "demo-jiexiu-methanol",
    "孝义市孝河焦化有限公司": "demo-xiaoyi-coking",
    "孝义市胜溪甲醇化工有限公司": "demo-xiaoyi-methanol",
    "河津市汾南焦化有限公司": "demo-hejin-coking",
    "昔阳县松溪肉类食品有限公司": "demo-xiyang-ammonia",
    "运城市盐湖区盐池铝业有限公司": "demo-yanhu-casting",
    "河津市禹门铝业有限公司": "demo-hejin-casting",
    "河津市汾南铝材有限公司": "demo-hejin-fennan-casting",
}

# The crude-benzene tank of the Lingshi coking plant rises through H and HH in the demo (the
# demo login "guarantor" belongs to that plant and handles the alarm); the Jiexiu methanol
# plant's gateway goes silent.
RISING_TANK = ("demo-lingshi-coking", "LT-201")
SILENT_GATEWAY = "demo-jiexiu-methanol"


@dataclass(frozen=True)
class PointSpec:
    """One monitoring point: what the registry holds, plus the set point and noise the
    simulator uses (not stored)."""

    prefix: str  # instrument letters: LT level, TT temperature, PT pressure, FT flow, GT gas…
    name: str
    kind: str
    unit: str
    range: tuple[float, float]
    limits: tuple[float | None, float | None, float | None, float | None]  # LL, L, H, HH
    deadband: float
    debounce: int
    setpoint: float
    noise: float  # standard deviation of one second's change
    safety_critical: bool = False


K = SensorKind

COMBUSTIBLE = PointSpec("GT", "可燃气体浓度", K.COMBUSTIBLE_GAS, "%LEL", (0, 100), (None, None, 25, 50), 3, 3, 1.5, 0.15, True)  # fmt: skip
CO = PointSpec("AT", "一氧化碳浓度", K.TOXIC_GAS, "ppm", (0, 500), (None, None, 24, 48), 2, 3, 3.0, 0.3)  # fmt: skip

TEMPLATES: dict[str, tuple[PointSpec, ...]] = {
    "gas_holder": (
        PointSpec("LT", "煤气柜柜位", K.LEVEL, "m", (0, 60), (6, 10, 48, 52), 0.5, 5, 30, 0.05),
        PointSpec(
            "PT",
            "煤气柜出口压力",
            K.PRESSURE,
            "MPa",
            (0, 0.01),
            (0.001, 0.002, 0.0055, 0.0065),
            0.0002,
            5,
            0.0040,
            0.00002,
        ),  # fmt: skip
        COMBUSTIBLE,
        CO,
    ),
    "tank": (
        PointSpec(
            "LT",
            "1#储罐液位",
            K.LEVEL,
            "m",
            (0, 12),
            (0.8, 1.5, 9.6, 10.8),
            0.2,
            0,
            6.5,
            0.01,
            True,
        ),  # fmt: skip
        PointSpec(
            "TT",
            "1#储罐温度",
            K.TEMPERATURE,
            "°C",
            (-20, 80),
            (None, None, 40, 45),
            1,
            10,
            22,
            0.03,
        ),  # fmt: skip
        PointSpec(
            "PT",
            "1#储罐压力",
            K.PRESSURE,
            "MPa",
            (-0.01, 0.05),
            (None, None, 0.015, 0.02),
            0.001,
            5,
            0.004,
            0.00005,
        ),  # fmt: skip
        COMBUSTIBLE,
    ),
    "tar_tank": (
        PointSpec(
            "LT", "1#焦油储罐液位", K.LEVEL, "m", (0, 14), (0.8, 1.5, 11.5, 12.6), 0.2, 2, 7.5, 0.01
        ),  # fmt: skip
        PointSpec(
            "TT",
            "1#焦油储罐温度",
            K.TEMPERATURE,
            "°C",
            (0, 150),
            (None, 60, 95, 105),
            2,
            10,
            80,
            0.05,
        ),  # fmt: skip
        COMBUSTIBLE,
    ),
    "process": (
        PointSpec(
            "PT",
            "合成塔压力",
            K.PRESSURE,
            "MPa",
            (0, 10),
            (3.5, 4.0, 5.8, 6.2),
            0.05,
            5,
            5.2,
            0.005,
        ),  # fmt: skip
        PointSpec(
            "TT",
            "合成塔温度",
            K.TEMPERATURE,
            "°C",
            (0, 400),
            (None, 210, 265, 275),
            2,
            10,
            245,
            0.15,
        ),  # fmt: skip
        COMBUSTIBLE,
        CO,
    ),
    "ammonia": (
        PointSpec(
            "LT", "储氨器液位", K.LEVEL, "m", (0, 2), (0.2, 0.4, 1.5, 1.7), 0.03, 2, 0.9, 0.002
        ),  # fmt: skip
        PointSpec(
            "PT",
            "高压贮液器压力",
            K.PRESSURE,
            "MPa",
            (0, 2.5),
            (None, None, 1.5, 1.65),
            0.03,
            5,
            1.2,
            0.002,
        ),  # fmt: skip
        PointSpec(
            "AT",
            "氨气浓度",
            K.TOXIC_GAS,
            "ppm",
            (0, 300),
            (None, None, 40, 80),
            3,
            3,
            2.0,
            0.2,
            True,
        ),  # fmt: skip
    ),
    "casting": (
        PointSpec(
            "FT",
            "结晶器冷却水流量",
            K.COOLING_WATER_FLOW,
            "m³/h",
            (0, 300),
            (90, 120, None, None),
            5,
            2,
            180,
            0.5,
            True,
        ),  # fmt: skip
        PointSpec(
            "PT",
            "冷却水供水压力",
            K.COOLING_WATER_PRESSURE,
            "MPa",
            (0, 1),
            (0.18, 0.25, None, None),
            0.01,
            3,
            0.35,
            0.001,
        ),  # fmt: skip
        PointSpec(
            "TT",
            "冷却水回水温度",
            K.COOLING_WATER_TEMPERATURE,
            "°C",
            (0, 80),
            (None, None, 38, 45),
            1,
            10,
            30,
            0.03,
        ),  # fmt: skip
    ),
}


def template_for(hazard_source_name: str) -> str:
    name = hazard_source_name
    if "煤气柜" in name:
        return "gas_holder"
    if "焦油" in name:
        return "tar_tank"
    if "氨" in name:
        return "ammonia"
    if "装置" in name:
        return "process"
    return "tank"


@dataclass(frozen=True)
class Point:
    tag: str
    name: str
    spec: PointSpec
    hazard_source: HazardSource | None


def points_for(enterprise: Enterprise) -> list[Point]:
    """The demo points of an enterprise: per hazard source (numbered 1, 2, … by name), or
    the casting line of a deep-well casting plant. Tags are e.g. LT-201 (source 2, first)."""
    points = []
    sources = list(HazardSource.objects.filter(enterprise=enterprise).order_by("code", "name"))
    if sources:
        for n, source in enumerate(sources, start=1):
            for spec in TEMPLATES[template_for(source.name)]:
                points.append(
                    Point(f"{spec.prefix}-{n}01", f"{source.name}{spec.name}", spec, source)
                )
    else:
        for spec in TEMPLATES["casting"]:
            points.append(Point(f"{spec.prefix}-101", f"1#铸造线{spec.name}", spec, None))
    return points


def specs_by_tag(enterprise: Enterprise) -> dict[str, PointSpec]:
    return {point.tag: point.spec for point in points_for(enterprise)}


def gateway_code(enterprise: Enterprise, short_name: str) -> str:
    return GATEWAY_CODES.get(short_name) or f"{DEMO_PREFIX}{enterprise.uscc[8:17].lower()}"


def demo_enterprises(enterprises: dict[str, Enterprise]) -> list[tuple[str, Enterprise]]:
    """Those with a major hazard source, and operating deep-well casting plants."""
    with_sources = set(
        HazardSource.objects.filter(enterprise__in=enterprises.values()).values_list(
            "enterprise_id", flat=True
        )
    )
    chosen = []
    for short_name, enterprise in enterprises.items():
        casting = (
            enterprise.status == EnterpriseStatus.OPERATING
            and enterprise.risk_flags.filter(code=EnterpriseRiskFlag.DEEP_WELL_CASTING).exists()
        )
        if enterprise.pk in with_sources or casting:
            chosen.append((short_name, enterprise))
    return chosen


# ---------------------------------------------------------------- registry


def _ensure_gateway(enterprise: Enterprise, code: str) -> tuple[Gateway, bool]:
    gateway = Gateway.objects.filter(code=code).first()
    if gateway is not None:
        return gateway, False
    name = f"{enterprise.name.removesuffix('（演示）')[:60]}数据采集网关"
    gateway, _token = services.create_gateway(
        user=None, enterprise=enterprise, name=name, code=code
    )
    return gateway, True


def _sensor_data(gateway: Gateway, point: Point, *, rising: bool) -> dict:
    spec = point.spec
    ll, lo, hi, hh = spec.limits
    return {
        "gateway": gateway,
        "hazard_source": point.hazard_source,
        "tag": point.tag,
        "name": point.name,
        "kind": spec.kind,
        "unit": spec.unit,
        "range_min": float(spec.range[0]),
        "range_max": float(spec.range[1]),
        "limit_ll": ll,
        "limit_l": lo,
        "limit_h": hi,
        "limit_hh": hh,
        "deadband": float(spec.deadband),
        "debounce_seconds": 0 if rising else spec.debounce,
        "safety_critical": spec.safety_critical,
    }


def _ensure_sensors(gateway: Gateway, enterprise: Enterprise) -> int:
    created = 0
    existing = {s.tag: s for s in Sensor.objects.filter(gateway=gateway)}
    for point in points_for(enterprise):
        data = _sensor_data(gateway, point, rising=(gateway.code, point.tag) == RISING_TANK)
        sensor = existing.get(point.tag)
        if sensor is None:
            services.save_sensor(user=None, enterprise=enterprise, data=data)
            created += 1
        elif any(getattr(sensor, k) != v for k, v in data.items()):
            services.save_sensor(user=None, enterprise=enterprise, data=data, sensor=sensor)
    return created


# ---------------------------------------------------------------- history


def _seed(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("|".join(parts).encode()).digest()[:8], "big")


def normal_band(spec: PointSpec) -> tuple[float, float]:
    """Where a normal value stays: between the L and H limits (or the range), with a margin."""
    ll, lo, hi, hh = spec.limits
    low = next((v for v in (lo, ll) if v is not None), spec.range[0])
    high = next((v for v in (hi, hh) if v is not None), spec.range[1])
    margin = 0.2 * min(spec.setpoint - low, high - spec.setpoint)
    return low + margin, high - margin


def normal_series(spec: PointSpec, n: int, step_seconds: float, seed: int) -> np.ndarray:
    """A mean-reverting random walk around the set point (one value per step)."""
    rng = np.random.default_rng(seed)
    sd = spec.noise * np.sqrt(step_seconds) * 3
    values = np.empty(n)
    v = spec.setpoint
    for i in range(n):
        v += 0.2 * (spec.setpoint - v) + rng.normal(0, sd)
        values[i] = v
    low, high = normal_band(spec)
    return np.round(np.clip(values, low, high), 4)


# (gateway code, tag, minutes ago it began, minutes it lasted or None = still on, value,
#  what people did: "" nothing, "ack" acknowledged, (cause, measures) disposed)
HISTORY = (
    (
        "demo-lingshi-coking",
        "GT-101",
        20 * 60,
        6,
        32.0,
        (DisposalCause.GENUINE, "煤气柜水封液位偏低致微量泄漏，已补水恢复水封，复测浓度正常。"),
    ),  # fmt: skip
    (
        "demo-lingshi-coking",
        "TT-201",
        9 * 60,
        25,
        42.0,
        (DisposalCause.INSTRUMENT_FAULT, "温度变送器接线端子松动，已紧固并现场校验。"),
    ),  # fmt: skip
    ("demo-lingshi-coking", "LT-101", 3 * 60, None, 49.0, "ack"),
    (
        "demo-lingshi-coking",
        "AT-101",
        50,
        None,
        30.0,
        (DisposalCause.MAINTENANCE, "煤气柜检修置换作业，现场已设警戒区，作业人员佩戴空气呼吸器。"),
    ),  # fmt: skip
    ("demo-xiaoyi-coking", "GT-201", 40, 4, 28.0, ""),
)
OFFLINE_HISTORY = ("demo-xiyang-ammonia", 14 * 60, 75)  # gateway, minutes ago, minutes silent


def _backfill(gateway: Gateway, enterprise: Enterprise, now: dt.datetime, handler) -> int:
    """24 h of one-minute readings through the ingestion service, with the historical
    excursions and offline gap; returns the readings stored."""
    end_ms = int(now.timestamp() * 1000) // 60_000 * 60_000
    minutes = 24 * 60
    ts = end_ms - (minutes - 1 - np.arange(minutes, dtype=np.int64)) * 60_000
    keep = np.ones(minutes, dtype=bool)
    if OFFLINE_HISTORY[0] == gateway.code:
        _, ago, silent = OFFLINE_HISTORY
        keep &= ~((ts >= end_ms - ago * 60_000) & (ts < end_ms - (ago - silent) * 60_000))
    events = [e for e in HISTORY if e[0] == gateway.code]
    tags, times, values = [], [], []
    for point in points_for(enterprise):
        series = normal_series(point.spec, minutes, 60, _seed(gateway.code, point.tag))
        for _code, tag, ago, lasted, value, _action in events:
            if tag == point.tag:
                on = ts >= end_ms - ago * 60_000
                if lasted is not None:
                    on &= ts < end_ms - (ago - lasted) * 60_000
                series[on] = value
        tags += [point.tag] * int(keep.sum())
        times += (ts[keep] / 1000).tolist()
        values += series[keep].tolist()
    first_batch = IngestBatch.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    columns = ingestion.Columns(tags, times, values)
    stored = ingestion.ingest(gateway=gateway, columns=columns, now=now).accepted
    # History stands for readings that arrived on time, minute by minute.
    IngestBatch.objects.filter(gateway=gateway, pk__gt=first_batch).update(timely=F("readings"))
    if OFFLINE_HISTORY[0] == gateway.code:
        _, ago, silent = OFFLINE_HISTORY
        started = now - dt.timedelta(minutes=ago)
        OfflineEpisode.objects.create(
            enterprise=enterprise,
            gateway=gateway,
            started_at=started,
            ended_at=started + dt.timedelta(minutes=silent),
            detected_at=started + dt.timedelta(minutes=5),
        )
    for _code, tag, _ago, _lasted, _value, action in events:
        alarm = Alarm.objects.filter(sensor__gateway=gateway, sensor__tag=tag).first()
        if alarm is None or not action or handler is None:
            continue
        at = alarm.raised_at + dt.timedelta(minutes=4)
        if action == "ack":
            services.acknowledge(alarm=alarm, user=handler, at=at)
        else:
            cause, measures = action
            services.acknowledge(alarm=alarm, user=handler, at=at)
            services.dispose(
                alarm=alarm,
                user=handler,
                cause=cause,
                measures=measures,
                at=at + dt.timedelta(minutes=11),
            )
    return stored


# ---------------------------------------------------------------- the step


@transaction.atomic
def build_demo_monitoring(*, enterprises: dict[str, Enterprise], handler=None, now=None) -> dict:
    """Gateways, sensors and a day of history for the demo enterprises (keyed by name without
    the demo mark). ``handler`` (a user of the Lingshi coking plant) acknowledges and disposes
    the historical alarms. Returns what this run created."""
    now = now or timezone.now()
    created = {"gateways": 0, "sensors": 0, "readings": 0}
    for short_name, enterprise in demo_enterprises(enterprises):
        gateway, new = _ensure_gateway(enterprise, gateway_code(enterprise, short_name))
        created["gateways"] += new
        created["sensors"] += _ensure_sensors(gateway, enterprise)
        sensor_ids = list(Sensor.objects.filter(gateway=gateway).values_list("pk", flat=True))
        if sensor_ids and not readings.latest(sensor_ids):
            gateway.refresh_from_db()
            created["readings"] += _backfill(gateway, enterprise, now, handler)
    if created["readings"]:
        readings.rollup_pending(int(now.timestamp() * 1000))
    return created


def demo_gateways():
    return Gateway.objects.filter(code__startswith=DEMO_PREFIX, is_active=True).select_related(
        "enterprise"
    )
