"""Batch ingestion: parse column-wise, validate per reading, store the valid ones and evaluate
them in ONE transaction, and only then answer.

Accepted shapes (``parse``):
- JSON rows:    ``{"readings": [[tag, ts, value], …]}``
- JSON columns: ``{"tags": […], "ts": […], "values": […]}`` (optional ``"units": […]``,
  checked against each sensor's unit) — the fast path: three lists straight into numpy.
- CSV (``text/csv``): ``tag,ts,value`` per line, an optional header line.

Times are epoch seconds (fractions allowed; numbers ≥ 10^11 are taken as milliseconds) or
ISO 8601 strings (an offset or ``Z``; without one, ``TIME_ZONE`` is assumed). A value may be a
number, a numeric string, or empty/null — a wire break, stored as NULL and raised as a fault.

Reject reasons (per reading): ``unknown_sensor``, ``inactive_sensor``, ``not_a_number``,
``bad_time``, ``future``, ``too_old``, ``unit_mismatch``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import zoneinfo
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import engine, offline, readings
from .config import config_for
from .models import Gateway


class PayloadError(Exception):
    """The whole batch is unusable: answered 422 (or 413 when too large)."""

    def __init__(self, message: str, *, status: int = 422):
        super().__init__(message)
        self.status = status


@dataclass
class Columns:
    tags: list
    ts: list
    values: list
    units: list | None = None


@dataclass
class Result:
    received: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    rejects: list[dict] = field(default_factory=list)
    alarms_raised: int = 0
    alarms_cleared: int = 0

    def as_dict(self) -> dict:
        return {
            "received": self.received,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "rejects": self.rejects,
            "alarms_raised": self.alarms_raised,
            "alarms_cleared": self.alarms_cleared,
        }


# ---------------------------------------------------------------- parsing


def parse(body: bytes, content_type: str) -> Columns:
    content_type = (content_type or "").split(";")[0].strip().lower()
    if content_type in {"text/csv", "application/csv"}:
        return parse_csv(body)
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PayloadError(f"The body is not valid JSON: {exc}") from None
    return parse_json(data)


def _limit(n: int) -> None:
    if n > settings.ANLAN_MONITORING_MAX_BATCH:
        raise PayloadError(
            f"The batch holds {n} readings; at most {settings.ANLAN_MONITORING_MAX_BATCH} "
            "are accepted in one request. Split it.",
            status=413,
        )


def parse_json(data) -> Columns:
    if not isinstance(data, dict):
        raise PayloadError('Send an object: {"readings": [[tag, ts, value], …]} or columns.')
    if "readings" in data:
        rows = data["readings"]
        if not isinstance(rows, list):
            raise PayloadError('"readings" must be a list of [tag, ts, value].')
        _limit(len(rows))
        for i, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != 3:
                raise PayloadError(f"readings[{i}] must be a list [tag, ts, value].")
        if not rows:
            return Columns([], [], [])
        tags, ts, values = (list(column) for column in zip(*rows, strict=True))
        return Columns(tags, ts, values)
    if "tags" in data:
        columns = [data.get("tags"), data.get("ts"), data.get("values")]
        units = data.get("units")
        if not all(isinstance(c, list) for c in columns):
            raise PayloadError('"tags", "ts" and "values" must be lists of the same length.')
        lengths = {len(c) for c in columns}
        if units is not None:
            if not isinstance(units, list):
                raise PayloadError('"units" must be a list.')
            lengths.add(len(units))
        if len(lengths) != 1:
            raise PayloadError('"tags", "ts" and "values" must be lists of the same length.')
        _limit(len(columns[0]))
        return Columns(*columns, units=units)
    raise PayloadError('Send {"readings": [[tag, ts, value], …]} or {"tags", "ts", "values"}.')


def parse_csv(body: bytes) -> Columns:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PayloadError("The CSV is not UTF-8 text.") from None
    rows = list(csv.reader(io.StringIO(text)))
    rows = [row for row in rows if row and any(cell.strip() for cell in row)]
    if rows and rows[0] and rows[0][0].strip().lower() in {"tag", "point", "点位"}:
        rows = rows[1:]
    _limit(len(rows))
    for i, row in enumerate(rows):
        if len(row) != 3:
            raise PayloadError(f"CSV line {i + 1} must have three fields: tag,ts,value.")
    if not rows:
        return Columns([], [], [])
    tags, ts, values = (list(column) for column in zip(*rows, strict=True))
    return Columns([t.strip() for t in tags], ts, values)


def _values(raw: list) -> tuple[np.ndarray, np.ndarray]:
    """Floats (NaN for empty = wire break) and a mask of the unusable ones."""
    n = len(raw)
    try:
        values = np.asarray(raw, dtype=np.float64)
        if values.shape != (n,):
            raise ValueError
        bad = np.isinf(values)
        return values, bad
    except (ValueError, TypeError):
        pass
    values = np.empty(n, dtype=np.float64)
    bad = np.zeros(n, dtype=bool)
    for i, item in enumerate(raw):
        if item is None or (isinstance(item, str) and not item.strip()):
            values[i] = np.nan
            continue
        if isinstance(item, bool) or not isinstance(item, int | float | str):
            bad[i] = True
            continue
        try:
            number = float(item)
        except ValueError:
            bad[i] = True
            continue
        if math.isnan(number) or math.isinf(number):
            bad[i] = True
        else:
            values[i] = number
    return values, bad


def _local_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _parse_time(item) -> int | None:
    if isinstance(item, bool):
        return None
    if isinstance(item, int | float):
        if not math.isfinite(item):
            return None
        return int(item) if item >= 1e11 else int(round(item * 1000))
    if isinstance(item, str):
        text = item.strip()
        try:
            return _parse_time(float(text))
        except ValueError:
            pass
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=_local_zone())
        return int(moment.timestamp() * 1000)
    return None


def _times(raw: list) -> tuple[np.ndarray, np.ndarray]:
    """Epoch milliseconds and a mask of the unreadable ones."""
    n = len(raw)
    try:
        seconds = np.asarray(raw, dtype=np.float64)
        if seconds.shape != (n,) or any(type(x) is str or type(x) is bool for x in raw[:1]):
            raise ValueError
        bad = ~np.isfinite(seconds)
        seconds = np.where(bad, 0, seconds)
        ms = np.where(seconds >= 1e11, seconds, np.round(seconds * 1000)).astype(np.int64)
        return ms, bad
    except (ValueError, TypeError):
        pass
    # Strings: parse each distinct one once (a batch is usually sampled at a few instants).
    ms = np.zeros(n, dtype=np.int64)
    bad = np.zeros(n, dtype=bool)
    seen: dict = {}
    for i, item in enumerate(raw):
        try:
            parsed = seen[item]
        except KeyError:
            parsed = _parse_time(item)
            seen[item] = parsed
        except TypeError:
            parsed = None
        if parsed is None:
            bad[i] = True
        else:
            ms[i] = parsed
    return ms, bad


RECENT_TAG_LISTS = 8


def _positions(config, tags: list) -> np.ndarray:
    """Each tag's index in the gateway's arrays (-1: unknown). A batch with the same tags as a
    recent one (compared in full) reuses its positions instead of a dict look-up per tag."""
    get = config.position.get
    try:
        key = (len(tags), tags[0], tags[-1]) if tags and isinstance(tags, list) else None
        recent = config.recent_tags  # replaced whole, never changed in place (threads)
        if key is not None:
            for seen_key, seen_tags, seen_positions in recent:
                if seen_key == key and seen_tags == tags:
                    return seen_positions.copy()
        positions = np.fromiter((get(t, -1) for t in tags), dtype=np.int64, count=len(tags))
        if key is not None:
            config.recent_tags = [(key, list(tags), positions.copy())] + recent[
                : RECENT_TAG_LISTS - 1
            ]
        return positions
    except TypeError:  # an unhashable tag (a list, an object)
        return np.fromiter(
            (get(t, -1) if isinstance(t, str) else -1 for t in tags),
            dtype=np.int64,
            count=len(tags),
        )


# ---------------------------------------------------------------- the service


def ingest(*, gateway: Gateway, columns: Columns, now: dt.datetime | None = None) -> Result:
    """Validate, store and evaluate one batch; returns the counts for the answer. The batch
    is durable when this returns (the transaction has committed)."""
    n = len(columns.tags)
    _limit(n)
    result = Result(received=n)
    if n == 0:
        return result
    now = now or timezone.now()
    now_ms = int(now.timestamp() * 1000)
    config = config_for(gateway)

    pos = _positions(config, columns.tags)
    values, bad_value = _values(columns.values)
    ts, bad_time = _times(columns.ts)

    reason = np.zeros(n, dtype=np.int8)  # 0 = fine
    reasons = [
        "",
        "unknown_sensor",
        "inactive_sensor",
        "unit_mismatch",
        "not_a_number",
        "bad_time",
        "future",
        "too_old",
    ]
    known = pos >= 0
    safe_pos = np.where(known, pos, 0)
    checks = [
        (1, ~known),
        (2, known & ~config.active[safe_pos] if len(config.active) else ~known),
    ]
    if columns.units is not None and len(config.unit):
        units = np.asarray([str(u) for u in columns.units], dtype=object)
        checks.append((3, known & (units != config.unit[safe_pos]) & (units != "")))
    future = now_ms + settings.ANLAN_MONITORING_FUTURE_SECONDS * 1000
    oldest = now_ms - settings.ANLAN_MONITORING_MAX_AGE_HOURS * 3_600_000
    checks += [
        (4, bad_value),
        (5, bad_time),
        (6, ~bad_time & (ts > future)),
        (7, ~bad_time & (ts < oldest)),
    ]
    for code, mask in reversed(checks):  # the first failing check names the reason
        reason[mask] = code
    good = reason == 0

    rejected = np.flatnonzero(~good)
    result.rejected = len(rejected)
    for i in rejected[: settings.ANLAN_MONITORING_MAX_REJECTS_REPORTED].tolist():
        tag = columns.tags[i]
        result.rejects.append(
            {
                "index": i,
                "tag": tag if isinstance(tag, str) else str(tag)[:64],
                "reason": reasons[reason[i]],
            }
        )

    pos, ts, values = pos[good], ts[good], values[good]
    if len(pos):
        with transaction.atomic():
            Gateway.objects.select_for_update().filter(pk=gateway.pk).update(last_seen=now)
            new = readings.insert(config.sensor_id[pos], ts, values)
            result.accepted = int(new.sum())
            result.duplicates = len(pos) - result.accepted
            if result.accepted:
                readings.note_late(int(ts[new].min()))
                offline.record_batch(gateway=gateway, ts=ts[new], now=now)
                outcome = engine.evaluate(gateway, config, pos[new], ts[new], values[new])
                result.alarms_raised = len(outcome.raised)
                result.alarms_cleared = outcome.cleared
        # Committed: data are back, so close the gateway's and these sensors' offline episodes.
        offline.data_returned(gateway=gateway, sensor_ids=config.sensor_id[pos[new]], now=now)
    return result
