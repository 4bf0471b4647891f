"""Offline detection and data quality (issue #5, point 4; REFERENCE §4.3).

- ``check_offline(now)`` (huey every minute, ``anlan monitor offline``) opens an
  ``OfflineEpisode`` for every active gateway whose ``last_seen`` and every active sensor whose
  last reading is older than its limit, with ``started_at`` = that last data time. Sensors and
  gateways already offline are not looked at again; a conditional unique constraint (and
  ``ignore_conflicts``) makes a second run, or two runs at once, harmless.
- Ingestion calls ``record_batch`` inside its transaction (one small row per batch: arrival time,
  new readings, timely readings — for timeliness) and ``data_returned`` after commit: one indexed
  look-up of the gateway's open episodes (nearly always empty) and, only when there are some,
  one UPDATE closing the gateway's and the batch's sensors' episodes.
- ``daily_quality(day, sensors)`` computes per enterprise and local day: connection rate,
  online rate, completeness and timeliness, with one aggregate over the readings table (walked
  sensor by sensor through its primary key), the day's episodes and the day's batches.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone

from . import readings
from .models import Gateway, IngestBatch, OfflineEpisode, Sensor


def sensor_limit(sensor_minutes: int | None) -> dt.timedelta:
    minutes = sensor_minutes or settings.ANLAN_MONITORING_SENSOR_OFFLINE_MINUTES
    return dt.timedelta(minutes=minutes)


def gateway_limit() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ANLAN_MONITORING_GATEWAY_OFFLINE_MINUTES)


# ---------------------------------------------------------------- the periodic check


@dataclass
class CheckRun:
    gateways: list[OfflineEpisode] = field(default_factory=list)
    sensors: list[OfflineEpisode] = field(default_factory=list)


def last_reading_times(sensor_qs) -> dict[int, int | None]:
    """Epoch ms of each sensor's last reading: one statement, one index seek per sensor."""
    sub_sql, sub_params = sensor_qs.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id, (SELECT r.ts FROM monitoring_reading r WHERE r.sensor_id = s.id "
            "ORDER BY r.ts DESC LIMIT 1) FROM monitoring_sensor s "
            f"WHERE s.id IN ({sub_sql})",
            sub_params,
        )
        return dict(cursor.fetchall())


def check_offline(now: dt.datetime | None = None) -> CheckRun:
    now = now or timezone.now()
    run = CheckRun()

    open_gateways = OfflineEpisode.objects.open().filter(sensor__isnull=True).values("gateway_id")
    for gw in (
        Gateway.objects.filter(is_active=True)
        .exclude(pk__in=open_gateways)
        .filter(
            Q(last_seen__lt=now - gateway_limit())
            | Q(last_seen__isnull=True, created_at__lt=now - gateway_limit())
        )
        .only("pk", "enterprise_id", "last_seen", "created_at")
    ):
        run.gateways.append(
            OfflineEpisode(
                enterprise_id=gw.enterprise_id,
                gateway_id=gw.pk,
                started_at=gw.last_seen or gw.created_at,
                detected_at=now,
            )
        )

    open_sensors = OfflineEpisode.objects.open().filter(sensor__isnull=False).values("sensor_id")
    candidates = Sensor.objects.filter(is_active=True, gateway__is_active=True).exclude(
        pk__in=open_sensors
    )
    rows = list(
        candidates.values_list("pk", "enterprise_id", "gateway_id", "offline_minutes", "created_at")
    )
    if rows:
        last = last_reading_times(candidates)
        for pk, enterprise_id, gateway_id, minutes, created_at in rows:
            last_ms = last.get(pk)
            since = readings.ms_to_datetime(last_ms) if last_ms is not None else created_at
            if since < now - sensor_limit(minutes):
                run.sensors.append(
                    OfflineEpisode(
                        enterprise_id=enterprise_id,
                        gateway_id=gateway_id,
                        sensor_id=pk,
                        started_at=since,
                        detected_at=now,
                    )
                )
    # A concurrent run may have opened some already: the constraint refuses the second.
    OfflineEpisode.objects.bulk_create(run.gateways + run.sensors, ignore_conflicts=True)
    return run


# ---------------------------------------------------------------- the ingestion hooks


def record_batch(*, gateway, ts: np.ndarray, now: dt.datetime) -> None:
    """Inside the ingestion transaction: one row for the batch's new readings (timeliness)."""
    if not len(ts):
        return
    now_ms = int(now.timestamp() * 1000)
    lag_ms = settings.ANLAN_MONITORING_TIMELY_SECONDS * 1000
    timely = int(np.count_nonzero(now_ms - ts <= lag_ms))
    IngestBatch.objects.create(
        gateway_id=gateway.pk,
        enterprise_id=gateway.enterprise_id,
        arrived_at=now,
        readings=len(ts),
        timely=timely,
    )


def data_returned(*, gateway, sensor_ids: np.ndarray, now: dt.datetime) -> int:
    """After commit: close the gateway's open episode and those of the sensors in the batch.
    One indexed look-up (nearly always empty), then at most one UPDATE."""
    open_rows = list(
        OfflineEpisode.objects.filter(gateway_id=gateway.pk, ended_at__isnull=True).values_list(
            "pk", "sensor_id"
        )
    )
    if not open_rows:
        return 0
    gateway_ids = [pk for pk, sid in open_rows if sid is None]
    sensor_rows = [(pk, sid) for pk, sid in open_rows if sid is not None]
    closing = list(gateway_ids)
    if sensor_rows and len(sensor_ids):
        present = np.isin(np.array([sid for _, sid in sensor_rows], dtype=np.int64), sensor_ids)
        closing += [pk for (pk, _), hit in zip(sensor_rows, present.tolist(), strict=True) if hit]
    if not closing:
        return 0
    return OfflineEpisode.objects.filter(pk__in=closing, ended_at__isnull=True).update(ended_at=now)


def purge_batches(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    cut = now - dt.timedelta(days=settings.ANLAN_MONITORING_RETENTION_DAYS)
    return IngestBatch.objects.filter(arrived_at__lt=cut).delete()[0]


# ---------------------------------------------------------------- daily data quality


@dataclass
class Quality:
    enterprise_id: int
    enterprise_name: str
    sensors: int = 0
    connected: int = 0
    readings: int = 0
    expected: int = 0
    counted: int = 0  # readings up to the expected number, per sensor
    online_sum: float = 0.0
    batch_readings: int = 0
    batch_timely: int = 0

    @property
    def connection_rate(self) -> float | None:
        return self.connected / self.sensors if self.sensors else None

    @property
    def online_rate(self) -> float | None:
        return self.online_sum / self.sensors if self.sensors else None

    @property
    def completeness(self) -> float | None:
        return self.counted / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return self.batch_timely / self.batch_readings if self.batch_readings else None

    def percents(self) -> dict[str, float | None]:
        """The four rates in per cent (one decimal), for pages."""
        rates = {
            "connection": self.connection_rate,
            "online": self.online_rate,
            "completeness": self.completeness,
            "timeliness": self.timeliness,
        }
        return {k: None if v is None else round(v * 100, 1) for k, v in rates.items()}

    def as_dict(self) -> dict:
        return {
            "enterprise_id": self.enterprise_id,
            "enterprise": self.enterprise_name,
            "sensors": self.sensors,
            "connected": self.connected,
            "readings": self.readings,
            "expected": self.expected,
            "connection_rate": self.connection_rate,
            "online_rate": self.online_rate,
            "completeness": self.completeness,
            "timeliness": self.timeliness,
        }


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def daily_quality(*, day: dt.date, sensors, now: dt.datetime | None = None) -> list[Quality]:
    """Per enterprise of ``sensors`` (a queryset, already scoped) for the local ``day``; today
    counts up to ``now``. Sensors count from their creation; inactive sensors are left out."""
    now = now or timezone.now()
    start, end = day_bounds(day)
    end = min(end, now)
    if end <= start:
        return []
    sensors = sensors.filter(is_active=True, created_at__lt=end)
    rows = list(
        sensors.values_list(
            "pk", "enterprise_id", "enterprise__name", "created_at", "expected_interval_seconds"
        ).order_by("enterprise__name", "pk")
    )
    if not rows:
        return []
    sub_sql, sub_params = sensors.values("pk").query.sql_with_params()
    start_ms, end_ms = int(start.timestamp() * 1000), int(end.timestamp() * 1000)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id, COUNT(r.ts) FROM monitoring_sensor s LEFT JOIN monitoring_reading r "
            "ON r.sensor_id = s.id AND r.ts >= %s AND r.ts < %s "
            f"WHERE s.id IN ({sub_sql}) GROUP BY s.id",
            [start_ms, end_ms, *sub_params],
        )
        counts = dict(cursor.fetchall())

    offline: dict[int, float] = {}
    episodes = (
        OfflineEpisode.objects.filter(sensor__in=sensors.values("pk"), started_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start))
        .values_list("sensor_id", "started_at", "ended_at")
    )
    for sensor_id, started, ended in episodes:
        seconds = (min(ended or now, end) - max(started, start)).total_seconds()
        offline[sensor_id] = offline.get(sensor_id, 0.0) + max(seconds, 0.0)

    default_interval = settings.ANLAN_MONITORING_EXPECTED_INTERVAL_SECONDS
    result: dict[int, Quality] = {}
    for pk, enterprise_id, name, created_at, interval in rows:
        q = result.get(enterprise_id)
        if q is None:
            q = result[enterprise_id] = Quality(enterprise_id, name)
        window = (end - max(start, created_at)).total_seconds()
        n = counts.get(pk, 0)
        expected = int(window // (interval or default_interval))
        q.sensors += 1
        q.connected += n > 0
        q.readings += n
        q.expected += expected
        q.counted += min(n, expected)
        q.online_sum += max(0.0, 1 - offline.get(pk, 0.0) / window) if window > 0 else 1.0

    batches = (
        IngestBatch.objects.filter(
            enterprise_id__in=list(result), arrived_at__gte=start, arrived_at__lt=end
        )
        .values("enterprise_id")
        .annotate(n=Sum("readings"), timely=Sum("timely"))
    )
    for row in batches:
        q = result[row["enterprise_id"]]
        q.batch_readings, q.batch_timely = row["n"] or 0, row["timely"] or 0
    return list(result.values())


# ---------------------------------------------------------------- overview by county


@dataclass
class CountyQuality(Quality):
    """The same four rates summed over a county's enterprises, plus what is offline now."""

    enterprises: int = 0
    gateways_offline: int = 0
    sensors_offline: int = 0
    enterprises_offline: int = 0


def by_county(rates: list[Quality], episodes) -> list[CountyQuality]:
    """Roll per-enterprise ``rates`` up to counties (6-digit region prefix); ``episodes`` are
    the open offline episodes already scoped to the user. Counties with neither sensors nor
    anything offline are left out."""
    from anlan.core.models import Region
    from anlan.registry.models import Enterprise

    episodes = list(episodes.values_list("enterprise_id", "gateway_id", "sensor_id"))
    enterprise_ids = {q.enterprise_id for q in rates} | {e[0] for e in episodes}
    county_of = {
        pk: prefix[:6]
        for pk, prefix in Enterprise.objects.filter(pk__in=enterprise_ids).values_list(
            "pk", "region__prefix"
        )
    }
    names = dict(
        Region.objects.filter(prefix__in=set(county_of.values())).values_list("prefix", "name")
    )
    counties: dict[str, CountyQuality] = {}

    def county(enterprise_id: int) -> CountyQuality:
        prefix = county_of[enterprise_id]
        if prefix not in counties:
            counties[prefix] = CountyQuality(0, names.get(prefix, prefix))
            counties[prefix].prefix = prefix
        return counties[prefix]

    for q in rates:
        c = county(q.enterprise_id)
        c.enterprises += 1
        for name in (
            "sensors",
            "connected",
            "readings",
            "expected",
            "counted",
            "online_sum",
            "batch_readings",
            "batch_timely",
        ):
            setattr(c, name, getattr(c, name) + getattr(q, name))
    offline_enterprises: dict[str, set] = {}
    for enterprise_id, _gateway_id, sensor_id in episodes:
        c = county(enterprise_id)
        if sensor_id:
            c.sensors_offline += 1
        else:
            c.gateways_offline += 1
            offline_enterprises.setdefault(c.prefix, set()).add(enterprise_id)
    for prefix, ids in offline_enterprises.items():
        counties[prefix].enterprises_offline = len(ids)
    return sorted(counties.values(), key=lambda c: c.prefix)


def county_dict(c: CountyQuality) -> dict:
    data = c.as_dict()
    del data["enterprise_id"], data["enterprise"]
    return {
        "county_prefix": c.prefix,
        "county": c.enterprise_name,
        "enterprises": c.enterprises,
        **data,
        "gateways_offline": c.gateways_offline,
        "sensors_offline": c.sensors_offline,
        "enterprises_offline": c.enterprises_offline,
    }


def quality_workbook(day: dt.date, counties: list[CountyQuality], rates: list[Quality]) -> bytes:
    """离线与数据质量 as Excel: one sheet by county, one by enterprise; rates in per cent."""
    import io

    from django.utils.translation import gettext as _
    from openpyxl import Workbook

    from anlan.core.excel import Column, style_header

    def pct(value):
        return None if value is None else round(value * 100, 1)

    rate_columns = [
        Column("connection", _("Connection rate (%)"), 12),
        Column("online", _("Online rate (%)"), 12),
        Column("completeness", _("Completeness (%)"), 12),
        Column("timeliness", _("Timeliness (%)"), 12),
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = _("By county")[:31]
    columns = [
        Column("county", _("County"), 16),
        Column("enterprises", _("Enterprises"), 10),
        Column("sensors", _("Points"), 10),
        *rate_columns,
        Column("gateways_offline", _("Gateways offline now"), 12),
        Column("sensors_offline", _("Points offline now"), 12),
    ]
    ws.append([str(c.header) for c in columns])
    style_header(ws, columns)
    for c in counties:
        ws.append(
            [
                c.enterprise_name,
                c.enterprises,
                c.sensors,
                pct(c.connection_rate),
                pct(c.online_rate),
                pct(c.completeness),
                pct(c.timeliness),
                c.gateways_offline,
                c.sensors_offline,
            ]
        )
    ws = wb.create_sheet(_("By enterprise")[:31])
    columns = [Column("enterprise", _("Enterprise"), 30), Column("sensors", _("Points"), 10)]
    columns += rate_columns
    ws.append([str(c.header) for c in columns])
    style_header(ws, columns)
    for q in rates:
        ws.append(
            [
                q.enterprise_name,
                q.sensors,
                pct(q.connection_rate),
                pct(q.online_rate),
                pct(q.completeness),
                pct(q.timeliness),
            ]
        )
    ws = wb.create_sheet(_("Notes")[:31])
    ws.append([_("Day"), day.isoformat()])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
