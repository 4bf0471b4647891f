"""Each gateway's sensors as numpy arrays, cached per process and rebuilt when the gateway's
``config_version`` moves (every sensor change bumps it)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .models import Sensor


@dataclass
class GatewayConfig:
    version: int
    position: dict  # tag -> index into the arrays
    sensor_id: np.ndarray
    active: np.ndarray
    unit: np.ndarray
    range_min: np.ndarray
    range_max: np.ndarray
    ll: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    hh: np.ndarray
    deadband: np.ndarray
    debounce_ms: np.ndarray
    wire_break: np.ndarray
    # The tag lists of recent batches and their positions: a gateway sends the same tags in the
    # same order cycle after cycle (see ingest._positions).
    recent_tags: list = field(default_factory=list)


_cache: dict[int, GatewayConfig] = {}


def _floats(rows, field) -> np.ndarray:
    return np.array([np.nan if r[field] is None else r[field] for r in rows], dtype=np.float64)


def config_for(gateway) -> GatewayConfig:
    cached = _cache.get(gateway.pk)
    if cached is not None and cached.version == gateway.config_version:
        return cached
    rows = list(
        Sensor.objects.filter(gateway=gateway)
        .order_by("pk")
        .values(
            "pk",
            "tag",
            "is_active",
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
        )
    )
    config = GatewayConfig(
        version=gateway.config_version,
        position={r["tag"]: i for i, r in enumerate(rows)},
        sensor_id=np.array([r["pk"] for r in rows], dtype=np.int64),
        active=np.array([r["is_active"] for r in rows], dtype=bool),
        unit=np.array([r["unit"] for r in rows], dtype=object),
        range_min=_floats(rows, "range_min"),
        range_max=_floats(rows, "range_max"),
        ll=_floats(rows, "limit_ll"),
        lo=_floats(rows, "limit_l"),
        hi=_floats(rows, "limit_h"),
        hh=_floats(rows, "limit_hh"),
        deadband=_floats(rows, "deadband"),
        debounce_ms=np.array([r["debounce_seconds"] * 1000 for r in rows], dtype=np.int64),
        wire_break=_floats(rows, "wire_break_value"),
    )
    _cache[gateway.pk] = config
    return config


def forget(gateway_id: int | None = None) -> None:
    if gateway_id is None:
        _cache.clear()
    else:
        _cache.pop(gateway_id, None)
