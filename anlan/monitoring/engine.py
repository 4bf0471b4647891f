"""The alarm engine: one whole batch at a time, with numpy.

For each alarm kind the engine turns every reading into an event — *enter* the excursion,
*leave* it, or nothing — and carries the state forward per sensor (a hysteresis):

- HH / H: enter at value ≥ limit; leave only below limit − deadband.
- LL / L: enter at value ≤ limit; leave only above limit + deadband.
- fault_wire_break: an empty value (NaN) or the sensor's wire-break value; leaves on a value.
- fault_over_range: a value outside [range min, range max]; leaves when back inside.
  Faulty readings say nothing about the process, so they neither raise nor clear H/HH/L/LL.

An alarm is raised when an excursion has lasted the sensor's debounce delay (from the first
reading in it, possibly in an earlier batch — kept as ``SensorState.excursions[kind].since``);
it clears at the first reading that leaves the excursion. HH and H are separate kinds and may
be active together: a value above HH is also above H, and the board shows the higher one.
Only readings newer than the sensor's last evaluated reading are evaluated, so a late or
replayed reading never moves the state backwards.

The state that crosses batches is small: an active alarm or a pending excursion per sensor
and kind, stored in ``SensorState`` rows (only for sensors that are not normal) and written
only when it changes. Callers hold the gateway's lock (SQLite's write lock; on PostgreSQL
the gateway row), so batches of one gateway are evaluated one after another.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction

from .choices import LEVEL_OF_KIND, AlarmKind, AlarmLevel
from .models import Alarm, Sensor, SensorState
from .readings import ms_to_datetime

KINDS = [
    AlarmKind.FAULT_WIRE_BREAK,
    AlarmKind.FAULT_OVER_RANGE,
    AlarmKind.HH,
    AlarmKind.H,
    AlarmKind.L,
    AlarmKind.LL,
]


@dataclass
class Outcome:
    raised: list[Alarm] = field(default_factory=list)
    cleared: int = 0


def _conditions(config, pos, values):
    """(enter, leave) boolean arrays per kind."""
    nan = np.isnan(values)
    wire = nan | (values == config.wire_break[pos])
    with np.errstate(invalid="ignore"):
        over = ~wire & ((values < config.range_min[pos]) | (values > config.range_max[pos]))
        good = ~wire & ~over
        out = {
            AlarmKind.FAULT_WIRE_BREAK: (wire, ~wire),
            AlarmKind.FAULT_OVER_RANGE: (over, ~wire & ~over),
        }
        db = config.deadband[pos]
        for kind, limits, high in (
            (AlarmKind.HH, config.hh, True),
            (AlarmKind.H, config.hi, True),
            (AlarmKind.L, config.lo, False),
            (AlarmKind.LL, config.ll, False),
        ):
            limit = limits[pos]
            unset = np.isnan(limit)
            if high:
                enter = good & (values >= limit)
                leave = good & ((values < limit - db) | unset)
            else:
                enter = good & (values <= limit)
                leave = good & ((values > limit + db) | unset)
            out[kind] = (enter, leave)
    return out


def evaluate(gateway, config, pos: np.ndarray, ts: np.ndarray, values: np.ndarray) -> Outcome:
    """Evaluate new readings (``pos`` = indexes into ``config``'s arrays) and write the alarm
    changes, inside the caller's transaction."""
    outcome = Outcome()
    if len(pos) == 0:
        return outcome
    if len(pos) > 1 and not (pos[1:] > pos[:-1]).all():  # usually sorted: one reading a sensor
        order = np.lexsort((ts, pos))
        pos, ts, values = pos[order], ts[order], values[order]
    sensor_ids = config.sensor_id[pos]

    # The gateway's sensor states and active alarms. Both tables hold few rows (sensors not
    # normal), so they are read by the range of the gateway's sensor ids through their own
    # indexes and then kept for this gateway's sensors only, rather than joined through the
    # sensor table, which would visit every sensor of the gateway.
    lo, hi = int(config.sensor_id[0]), int(config.sensor_id[-1])
    states = {
        s.sensor_id: s
        for s in SensorState.objects.filter(sensor_id__gte=lo, sensor_id__lte=hi).only(
            "sensor_id", "excursions", "evaluated_until"
        )
    }
    active = {
        (a["sensor_id"], a["kind"]): a
        for a in Alarm.objects.filter(
            sensor_id__gte=lo, sensor_id__lte=hi, cleared_at__isnull=True
        ).values("pk", "sensor_id", "kind", "started_at")
    }
    seen = set(states) | {sid for sid, _kind in active}
    mine = _positions_of(config, list(seen)) if seen else {}
    if len(mine) < len(seen):  # another gateway's sensors inside the range
        states = {sid: state for sid, state in states.items() if sid in mine}
        active = {key: alarm for key, alarm in active.items() if key[0] in mine}
    if states:
        until = np.full(len(config.sensor_id), -1, dtype=np.int64)
        where = _positions_of(config, list(states))
        for sid, p in where.items():
            until[p] = states[sid].evaluated_until
        fresh = ts > until[pos]
        if not fresh.all():
            pos, ts, values, sensor_ids = pos[fresh], ts[fresh], values[fresh], sensor_ids[fresh]
            if len(pos) == 0:
                return outcome
    n = len(pos)
    starts = np.ones(n, dtype=bool)
    starts[1:] = pos[1:] != pos[:-1]
    group_of = np.cumsum(starts) - 1
    first_index = np.flatnonzero(starts)
    last_index = np.r_[first_index[1:] - 1, n - 1]
    group_sensor = sensor_ids[first_index].tolist()
    group_at: dict[int, int] = {}  # sensor id -> group, for the sensors with a known state
    known = set(states) | {sid for sid, _kind in active}
    if known:
        group_of_pos = np.full(len(config.sensor_id), -1, dtype=np.int64)
        group_of_pos[pos[first_index]] = np.arange(len(first_index))
        for sid, p in _positions_of(config, list(known)).items():
            if group_of_pos[p] >= 0:
                group_at[sid] = int(group_of_pos[p])
    idx = np.arange(n)
    conditions = _conditions(config, pos, values)
    new_excursions: dict[int, dict] = {}
    changed: dict[int, int] = {}  # sensor id -> its group: sensors whose state changed
    to_clear: list[tuple[int, int, float]] = []

    for kind in KINDS:
        enter, leave = conditions[kind]
        # State before each group's first reading: an active alarm or a pending excursion.
        init_on = np.zeros(len(first_index), dtype=bool)
        init_since = np.zeros(len(first_index), dtype=np.int64)
        for sid, since in _known(kind.value, active, states):
            g = group_at.get(sid)
            if g is not None:
                init_on[g] = True
                init_since[g] = since
        if not (enter.any() or init_on.any()):
            continue
        event = np.where(enter, 1, np.where(leave, -1, 0)).astype(np.int8)
        at_start_quiet = starts & (event == 0)
        event[at_start_quiet] = np.where(init_on[group_of[at_start_quiet]], 1, -1)
        filled = np.maximum.accumulate(np.where(event != 0, idx, 0))
        on = event[filled] > 0
        prev = np.empty(n, dtype=bool)
        prev[1:] = on[:-1]
        prev[starts] = init_on
        begins = on & ~prev
        ends = ~on & prev
        # When did the current excursion begin (ms)?
        begin_ts = np.where(begins, ts, 0)
        continuing = starts & on & prev
        begin_ts[continuing] = init_since[group_of[continuing]]
        marks = np.where(begins | continuing, idx, 0)
        begin_ts = begin_ts[np.maximum.accumulate(marks)]
        due = on & (ts - begin_ts >= config.debounce_ms[pos])
        first_due = due.copy()
        first_due[1:] &= ~(due[:-1] & ~starts[1:])
        interesting = np.flatnonzero(first_due | ends)
        raised_here: dict[int, Alarm | None] = {}
        for i in interesting.tolist():
            g = int(group_of[i])
            sid = group_sensor[g]
            key = (sid, kind.value)
            if ends[i]:
                alarm = active.pop(key, None)
                if alarm is not None:
                    to_clear.append((alarm["pk"], int(ts[i]), float(values[i])))
                    changed[sid] = g
                fresh_alarm = raised_here.pop(g, None)
                if fresh_alarm is not None:
                    fresh_alarm.cleared_at = ms_to_datetime(int(ts[i]))
                    fresh_alarm.clear_value = None if np.isnan(values[i]) else float(values[i])
            elif first_due[i] and key not in active and raised_here.get(g) is None:
                alarm = Alarm(
                    sensor_id=sid,
                    kind=kind.value,
                    level=LEVEL_OF_KIND[kind],
                    value=None if np.isnan(values[i]) else float(values[i]),
                    limit=_limit_of(config, int(pos[i]), kind),
                    started_at=ms_to_datetime(int(begin_ts[i])),
                    raised_at=ms_to_datetime(int(ts[i])),
                )
                outcome.raised.append(alarm)
                raised_here[g] = alarm
                changed[sid] = g
        # Pending excursions (on, not raised) at the end of each group, and changes to them.
        end_on = on[last_index]
        end_since = begin_ts[last_index]
        for g in np.flatnonzero(end_on | init_on).tolist():
            sid = group_sensor[g]
            bucket = new_excursions.setdefault(sid, _excursions_of(states, sid))
            before = bucket.get(kind.value)
            if end_on[g]:
                bucket[kind.value] = {"since": int(end_since[g])}
            else:
                bucket.pop(kind.value, None)
            if bucket.get(kind.value) != before:
                changed[sid] = g

    # The last evaluated time, kept only for sensors whose state is written.
    last_ts = {sid: int(ts[last_index[g]]) for sid, g in changed.items()}
    _write(outcome, to_clear, changed, new_excursions, states, last_ts)
    return outcome


def _positions_of(config, sensor_ids: list[int]) -> dict[int, int]:
    """Sensor id -> its index in the gateway's arrays (``config.sensor_id`` is sorted by id),
    for the ids that are there."""
    wanted = np.asarray(sensor_ids, dtype=np.int64)
    at = np.minimum(np.searchsorted(config.sensor_id, wanted), len(config.sensor_id) - 1)
    found = config.sensor_id[at] == wanted
    return dict(zip(wanted[found].tolist(), at[found].tolist(), strict=True))


def _known(kind: str, active, states):
    """(sensor id, since ms) of the sensors already on for ``kind`` before this batch."""
    seen = set()
    for (sid, alarm_kind), alarm in active.items():
        if alarm_kind == kind:
            seen.add(sid)
            yield sid, int(alarm["started_at"].timestamp() * 1000)
    for sid, state in states.items():
        pending = state.excursions.get(kind)
        if pending is not None and sid not in seen:
            yield sid, int(pending["since"])


def _excursions_of(states, sid) -> dict:
    return dict(states[sid].excursions) if sid in states else {}


def _limit_of(config, p: int, kind) -> float | None:
    array = {
        AlarmKind.HH: config.hh,
        AlarmKind.H: config.hi,
        AlarmKind.L: config.lo,
        AlarmKind.LL: config.ll,
        AlarmKind.FAULT_OVER_RANGE: None,
        AlarmKind.FAULT_WIRE_BREAK: None,
    }[kind]
    if array is None:
        return None
    value = float(array[p])
    return None if np.isnan(value) else value


def _write(outcome, to_clear, changed, new_excursions, states, last_ts) -> None:
    if to_clear:
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE monitoring_alarm SET cleared_at = %s, clear_value = %s "
                "WHERE id = %s AND cleared_at IS NULL",
                [
                    (ms_to_datetime(at), None if np.isnan(value) else value, pk)
                    for pk, at, value in to_clear
                ],
            )
            outcome.cleared += max(cursor.rowcount, 0)
    if outcome.raised:
        Alarm.objects.bulk_create(outcome.raised)
    upserts, deletes = [], []
    for sid in changed:
        excursions = new_excursions.get(sid, _excursions_of(states, sid))
        if excursions:
            upserts.append((sid, json.dumps(excursions), last_ts[sid]))
        elif sid in states:
            deletes.append((sid,))
    with connection.cursor() as cursor:
        if upserts:
            cursor.executemany(
                "INSERT INTO monitoring_sensorstate (sensor_id, excursions, evaluated_until) "
                "VALUES (%s, %s, %s) ON CONFLICT (sensor_id) DO UPDATE SET "
                "excursions = excluded.excursions, evaluated_until = excluded.evaluated_until",
                upserts,
            )
        if deletes:
            cursor.executemany("DELETE FROM monitoring_sensorstate WHERE sensor_id = %s", deletes)
    if outcome.raised:
        urgent = [a.pk for a in outcome.raised if a.level == AlarmLevel.URGENT]
        if urgent:
            from . import notices

            transaction.on_commit(lambda: notices.alarms_raised(urgent))


__all__ = ["evaluate", "Outcome", "Sensor"]
