"""The readings store: raw readings and per-minute rollups, in raw SQL.

SQLite: ``monitoring_reading(sensor_id, ts, value)`` is a ``WITHOUT ROWID`` table whose primary
key (sensor_id, ts) *is* the storage order, so a sensor's series is one range read and a
replayed reading is refused by the key. PostgreSQL: the same columns, range-partitioned by
``ts`` into monthly partitions created on demand (``monitoring_reading_yYYYYmMM``); batches go
in by COPY into a temporary table, then ``INSERT … SELECT … ON CONFLICT DO NOTHING``.

Time is stored as integer epoch milliseconds (UTC) — compact, exact, and the same on both
databases. A wire break is stored as NULL.

``insert`` runs inside the caller's transaction and returns which rows were new, so duplicates
are counted exactly and the alarm engine never evaluates a replayed reading twice. Rollups
(min / max / sum / count per sensor and minute) are computed from the raw rows by
``rollup_pending`` (a job every minute), not on the ingestion path; late readings lower a
watermark so their minutes are recomputed.
"""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from .models import RollupMark

MINUTE_MS = 60_000
KEY_SHIFT = 42  # (sensor_id << 42) | ts_ms is unique and fits in int64 up to ~2 million sensors


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def now_ms() -> int:
    from django.utils import timezone

    return int(timezone.now().timestamp() * 1000)


def ms_to_datetime(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)


def keys(sensor_ids: np.ndarray, ts: np.ndarray) -> np.ndarray:
    return (sensor_ids.astype(np.int64) << KEY_SHIFT) | ts.astype(np.int64)


# ---------------------------------------------------------------- partitions (PostgreSQL)


def month_bounds(ms: int) -> tuple[str, int, int]:
    day = ms_to_datetime(ms)
    start = dt.datetime(day.year, day.month, 1, tzinfo=dt.UTC)
    end = dt.datetime(day.year + (day.month == 12), day.month % 12 + 1, 1, tzinfo=dt.UTC)
    name = f"monitoring_reading_y{day.year:04d}m{day.month:02d}"
    return name, int(start.timestamp() * 1000), int(end.timestamp() * 1000)


def ensure_partitions(ts: np.ndarray) -> None:
    if not len(ts):
        return
    days = np.unique(ts // (MINUTE_MS * 60 * 24))
    probes = {month_bounds(int(day) * MINUTE_MS * 60 * 24) for day in days}
    # Looked up every batch (one cheap catalog query per month): a partition created in a
    # transaction that was rolled back does not exist, whatever this process remembers.
    with connection.cursor() as cursor:
        for name, start, end in sorted(probes):
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is not None:
                continue
            # Several processes (gunicorn workers, partitioned MQTT consumers) may meet a new
            # month at once, and concurrent CREATEs fail with "already exists" even with IF NOT
            # EXISTS. One creates it under this lock (held until its transaction ends); the
            # others wait, then find it.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is not None:
                continue
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF monitoring_reading "
                f"FOR VALUES FROM ({start}) TO ({end})"
            )


# ---------------------------------------------------------------- insert


def insert(sensor_ids: np.ndarray, ts: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Store the rows that are not there yet; returns a boolean mask of the new ones.
    Must run inside a transaction (the caller's)."""
    n = len(sensor_ids)
    if n == 0:
        return np.zeros(0, dtype=bool)
    if is_postgres():
        return _insert_postgres(sensor_ids, ts, values)
    rows = zip(sensor_ids.tolist(), ts.tolist(), values.tolist(), strict=True)
    savepoint = transaction.savepoint()
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO monitoring_reading (sensor_id, ts, value) VALUES (%s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            rows,
        )
        inserted = cursor.rowcount
    if inserted == n:
        transaction.savepoint_commit(savepoint)
        return np.ones(n, dtype=bool)
    # Some were there already (a replay): do it again, asking which rows are new.
    transaction.savepoint_rollback(savepoint)
    new_keys = []
    chunk = 300
    sids, tss, vals = sensor_ids.tolist(), ts.tolist(), values.tolist()
    with connection.cursor() as cursor:
        for start in range(0, n, chunk):
            stop = min(start + chunk, n)
            params = []
            for i in range(start, stop):
                params += (sids[i], tss[i], vals[i])
            cursor.execute(
                "INSERT INTO monitoring_reading (sensor_id, ts, value) VALUES "
                + ",".join(["(%s, %s, %s)"] * (stop - start))
                + " ON CONFLICT DO NOTHING RETURNING sensor_id, ts",
                params,
            )
            new_keys += [(s << KEY_SHIFT) | t for s, t in cursor.fetchall()]
    return _first_of_new(keys(sensor_ids, ts), np.array(new_keys, dtype=np.int64))


def _first_of_new(batch_keys: np.ndarray, new_keys: np.ndarray) -> np.ndarray:
    """Mask of rows whose key is new, counting a key repeated inside the batch only once."""
    mask = np.isin(batch_keys, new_keys)
    _, first = np.unique(batch_keys, return_index=True)
    once = np.zeros(len(batch_keys), dtype=bool)
    once[first] = True
    return mask & once


def _insert_postgres(sensor_ids, ts, values) -> np.ndarray:
    ensure_partitions(ts)
    buffer = io.StringIO()
    nan = np.isnan(values)
    text_values = np.char.mod("%.17g", np.where(nan, 0.0, values))
    if nan.any():
        text_values = np.where(nan, "\\N", text_values)
    lines = np.char.add(
        np.char.add(np.char.add(sensor_ids.astype(str), "\t"), np.char.add(ts.astype(str), "\t")),
        text_values,
    )
    buffer.write("\n".join(lines.tolist()))
    buffer.write("\n")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS monitoring_ingest "
            "(sensor_id bigint, ts bigint, value double precision) ON COMMIT DELETE ROWS"
        )
        raw = cursor.cursor  # the psycopg 3 cursor, for COPY
        with raw.copy("COPY monitoring_ingest (sensor_id, ts, value) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        cursor.execute(
            "INSERT INTO monitoring_reading (sensor_id, ts, value) "
            "SELECT sensor_id, ts, value FROM monitoring_ingest "
            "ON CONFLICT DO NOTHING RETURNING sensor_id, ts"
        )
        returned = cursor.fetchall()
        cursor.execute("TRUNCATE monitoring_ingest")
    if len(returned) == len(sensor_ids):
        return np.ones(len(sensor_ids), dtype=bool)
    new_keys = np.array([(s << KEY_SHIFT) | t for s, t in returned], dtype=np.int64)
    return _first_of_new(keys(sensor_ids, ts), new_keys)


def note_late(min_ts: int) -> None:
    """Called by ingestion with the batch's earliest time: minutes already rolled up are
    recomputed by the next pass."""
    mark = _mark()
    if min_ts < mark.done_until and (mark.since is None or min_ts < mark.since):
        RollupMark.objects.filter(pk=mark.pk).update(since=min_ts - min_ts % MINUTE_MS)


def _mark() -> RollupMark:
    mark = RollupMark.objects.filter(pk=1).first()
    if mark is None:
        mark, _ = RollupMark.objects.get_or_create(pk=1)
    return mark


# ---------------------------------------------------------------- rollups


def rollup_range(start_ms: int, end_ms: int) -> int:
    """(Re)compute the rollups of the minutes in [start, end); returns the rows written.
    Walks sensor by sensor through the primary key, never the whole table."""
    start_ms -= start_ms % MINUTE_MS
    if end_ms <= start_ms:
        return 0
    upsert = (
        "ON CONFLICT (sensor_id, minute) DO UPDATE SET vmin = excluded.vmin, "
        "vmax = excluded.vmax, vsum = excluded.vsum, n = excluded.n"
    )
    sql = (
        "INSERT INTO monitoring_rollup (sensor_id, minute, vmin, vmax, vsum, n) "
        "SELECT r.sensor_id, r.ts - (r.ts %% 60000), MIN(r.value), MAX(r.value), "
        "SUM(r.value), COUNT(r.value) "
        "FROM monitoring_sensor s JOIN monitoring_reading r "
        "ON r.sensor_id = s.id AND r.ts >= %s AND r.ts < %s "
        "GROUP BY r.sensor_id, r.ts - (r.ts %% 60000) "
    )
    if not is_postgres():
        sql += "HAVING 1 "  # SQLite needs a clause between SELECT and ON CONFLICT
    with connection.cursor() as cursor:
        cursor.execute(sql + upsert, [start_ms, end_ms])
        return cursor.rowcount


def rollup_pending(now: int | None = None) -> int:
    """The job: roll up every finished minute not rolled up yet, and any minute a late
    reading touched. Idempotent."""
    now = now if now is not None else now_ms()
    end = now - now % MINUTE_MS
    with transaction.atomic():
        mark = RollupMark.objects.select_for_update().filter(pk=1).first() or _mark()
        start = mark.done_until or max(0, end - 24 * 60 * MINUTE_MS)
        if mark.since is not None:
            start = min(start, mark.since)
        written = rollup_range(start, end)
        RollupMark.objects.filter(pk=mark.pk).update(
            done_until=max(end, mark.done_until), since=None
        )
    return written


# ---------------------------------------------------------------- reading back


def series(sensor_id: int, start_ms: int, end_ms: int, *, rollup: bool) -> list[tuple]:
    """(ts_ms, value) raw, or (minute_ms, min, max, avg) from the rollups."""
    with connection.cursor() as cursor:
        if rollup:
            cursor.execute(
                "SELECT minute, vmin, vmax, vsum / NULLIF(n, 0) FROM monitoring_rollup "
                "WHERE sensor_id = %s AND minute >= %s AND minute < %s ORDER BY minute",
                [sensor_id, start_ms, end_ms],
            )
        else:
            cursor.execute(
                "SELECT ts, value FROM monitoring_reading "
                "WHERE sensor_id = %s AND ts >= %s AND ts < %s ORDER BY ts",
                [sensor_id, start_ms, end_ms],
            )
        return cursor.fetchall()


def latest(sensor_ids: list[int]) -> dict[int, tuple[int, float | None]]:
    """The last reading of each sensor (one index seek each)."""
    out = {}
    with connection.cursor() as cursor:
        for sid in sensor_ids:
            cursor.execute(
                "SELECT ts, value FROM monitoring_reading WHERE sensor_id = %s "
                "ORDER BY ts DESC LIMIT 1",
                [sid],
            )
            row = cursor.fetchone()
            if row:
                out[sid] = row
    return out


def count_readings(sensor_id: int | None = None) -> int:
    with connection.cursor() as cursor:
        if sensor_id is None:
            cursor.execute("SELECT COUNT(*) FROM monitoring_reading")
        else:
            cursor.execute(
                "SELECT COUNT(*) FROM monitoring_reading WHERE sensor_id = %s", [sensor_id]
            )
        return cursor.fetchone()[0]


# ---------------------------------------------------------------- retention


def purge(now: int | None = None) -> dict[str, int]:
    """Delete raw readings older than ANLAN_MONITORING_RETENTION_DAYS and rollups older than
    ANLAN_MONITORING_ROLLUP_RETENTION_DAYS. On PostgreSQL whole monthly partitions past the
    limit are dropped; the rest is deleted sensor by sensor through the primary key."""
    now = now if now is not None else now_ms()
    day = 24 * 60 * MINUTE_MS
    raw_cut = now - settings.ANLAN_MONITORING_RETENTION_DAYS * day
    rollup_cut = now - settings.ANLAN_MONITORING_ROLLUP_RETENTION_DAYS * day
    dropped = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if is_postgres():
            cursor.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'monitoring_reading'"
            )
            for (name,) in cursor.fetchall():
                year, month = int(name[-7:-3]), int(name[-2:])
                end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=dt.UTC)
                if end.timestamp() * 1000 <= raw_cut:
                    cursor.execute(f"DROP TABLE {name}")
                    dropped += 1
        cursor.execute("SELECT id FROM monitoring_sensor")
        ids = [row[0] for row in cursor.fetchall()]
        cursor.executemany(
            "DELETE FROM monitoring_reading WHERE sensor_id = %s AND ts < %s",
            [(sid, raw_cut) for sid in ids],
        )
        readings = max(cursor.rowcount, 0)
        cursor.executemany(
            "DELETE FROM monitoring_rollup WHERE sensor_id = %s AND minute < %s",
            [(sid, rollup_cut) for sid in ids],
        )
        rollups = max(cursor.rowcount, 0)
    return {"readings": readings, "rollups": rollups, "partitions_dropped": dropped}


def delete_sensor_data(sensor_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM monitoring_reading WHERE sensor_id = %s", [sensor_id])
        cursor.execute("DELETE FROM monitoring_rollup WHERE sensor_id = %s", [sensor_id])
