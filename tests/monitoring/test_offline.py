import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client

from anlan.monitoring import offline
from anlan.monitoring.ingest import Columns, ingest
from anlan.monitoring.models import Gateway, IngestBatch, OfflineEpisode, Sensor

from .conftest import make_sensor

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def minutes(n: int) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def send(gateway, tag: str, at: dt.datetime, *, arrived: dt.datetime | None = None, value=10.0):
    return ingest(
        gateway=gateway, columns=Columns([tag], [at.timestamp()], [value]), now=arrived or at
    )


@pytest.fixture
def registered_before(gateway, level_sensor):
    """The gateway and its sensor existed a day before T0."""
    Gateway.objects.update(created_at=T0 - dt.timedelta(days=1))
    Sensor.objects.update(created_at=T0 - dt.timedelta(days=1))
    return level_sensor


def check_at(moment: dt.datetime) -> offline.CheckRun:
    with time_machine.travel(moment, tick=False):
        return offline.check_offline()


@pytest.mark.django_db
def test_silent_sensor_goes_offline_once_and_returns(gateway, registered_before):
    send(gateway, "LT-101", T0)

    run = check_at(T0 + minutes(4))
    assert run.gateways == [] and run.sensors == []

    run = check_at(T0 + minutes(6))  # the gateway's limit (5 min) has passed, the sensor's not
    assert [e.gateway_id for e in run.gateways] == [gateway.pk]
    assert run.sensors == []

    run = check_at(T0 + minutes(11))
    assert run.gateways == [] and len(run.sensors) == 1
    episode = OfflineEpisode.objects.get(sensor=registered_before)
    assert episode.started_at == T0 and episode.ended_at is None
    assert episode.enterprise_id == gateway.enterprise_id

    rerun = check_at(T0 + minutes(12))
    assert rerun.gateways == [] and rerun.sensors == []
    assert OfflineEpisode.objects.open().count() == 2

    with time_machine.travel(T0 + minutes(15), tick=False):
        send(gateway, "LT-101", T0 + minutes(15))
    assert OfflineEpisode.objects.open().count() == 0
    assert set(OfflineEpisode.objects.values_list("ended_at", flat=True)) == {T0 + minutes(15)}

    # Silent again: a new episode, from the new last reading.
    check_at(T0 + minutes(30))
    assert OfflineEpisode.objects.filter(sensor=registered_before).count() == 2
    assert OfflineEpisode.objects.open().get(sensor=registered_before).started_at == T0 + minutes(
        15
    )


@pytest.mark.django_db
def test_only_the_sensors_in_the_batch_come_back(gateway, registered_before):
    other = make_sensor(gateway, tag="PT-201", name="压力", unit="MPa", limit_ll=None)
    Sensor.objects.update(created_at=T0 - dt.timedelta(days=1))
    send(gateway, "LT-101", T0)
    send(gateway, "PT-201", T0)
    check_at(T0 + minutes(11))
    assert OfflineEpisode.objects.open().filter(sensor__isnull=False).count() == 2

    send(gateway, "LT-101", T0 + minutes(12))
    still_open = OfflineEpisode.objects.open()
    assert list(still_open.values_list("sensor_id", flat=True)) == [other.pk]


@pytest.mark.django_db
def test_per_sensor_limit_and_never_heard_sensor(gateway, registered_before):
    patient = make_sensor(gateway, tag="TT-301", name="温度", unit="℃", offline_minutes=60)
    Sensor.objects.filter(pk=patient.pk).update(created_at=T0)
    send(gateway, "LT-101", T0 + minutes(20))
    run = check_at(T0 + minutes(30))
    assert run.sensors == []  # TT-301 never sent, but its own limit is an hour
    run = check_at(T0 + minutes(61))
    opened = {e.sensor_id: e.started_at for e in run.sensors}
    assert opened[patient.pk] == T0  # never heard: offline since it was registered
    assert opened[registered_before.pk] == T0 + minutes(20)


@pytest.mark.django_db
def test_two_open_episodes_are_refused(gateway, registered_before):
    OfflineEpisode.objects.create(
        enterprise=gateway.enterprise, gateway=gateway, sensor=registered_before, started_at=T0
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        OfflineEpisode.objects.create(
            enterprise=gateway.enterprise, gateway=gateway, sensor=registered_before, started_at=T0
        )


@pytest.mark.django_db
def test_rates_for_a_day_with_known_data(gateway, registered_before, settings):
    settings.ANLAN_MONITORING_EXPECTED_INTERVAL_SECONDS = 3600  # 24 readings expected a day
    settings.ANLAN_MONITORING_TIMELY_SECONDS = 60
    day = dt.date(2026, 3, 2)
    start = dt.datetime(2026, 3, 2, tzinfo=SHANGHAI)
    silent = make_sensor(gateway, tag="PT-201", name="压力", unit="MPa", limit_ll=None)
    Sensor.objects.update(created_at=start - dt.timedelta(days=1))
    # LT-101 sends once an hour for the first 12 hours; every other reading arrives late.
    for hour in range(12):
        at = start + dt.timedelta(hours=hour)
        lag = dt.timedelta(seconds=10 if hour % 2 == 0 else 600)
        send(gateway, "LT-101", at, arrived=at + lag)
    send(gateway, "LT-101", start - minutes(30))  # the day before: not counted
    # PT-201 sends nothing and was offline for the second half of the day (and beyond).
    OfflineEpisode.objects.create(
        enterprise=gateway.enterprise,
        gateway=gateway,
        sensor=silent,
        started_at=start + dt.timedelta(hours=12),
    )

    with time_machine.travel(start + dt.timedelta(days=1, hours=3), tick=False):
        rates = offline.daily_quality(day=day, sensors=Sensor.objects.all())
    assert len(rates) == 1
    q = rates[0]
    assert q.enterprise_id == gateway.enterprise_id
    assert (q.sensors, q.connected, q.readings, q.expected) == (2, 1, 12, 48)
    assert q.connection_rate == 0.5
    assert q.completeness == 0.25
    assert q.online_rate == pytest.approx(0.75)
    assert q.timeliness == 0.5
    assert IngestBatch.objects.count() == 13


@pytest.mark.django_db
def test_today_counts_up_to_now(gateway, registered_before, settings):
    settings.ANLAN_MONITORING_EXPECTED_INTERVAL_SECONDS = 60
    start = dt.datetime(2026, 3, 2, tzinfo=SHANGHAI)
    Sensor.objects.update(created_at=start - dt.timedelta(days=1))
    for minute in range(10):
        send(gateway, "LT-101", start + minutes(minute))
    with time_machine.travel(start + minutes(10), tick=False):
        q = offline.daily_quality(day=start.date(), sensors=Sensor.objects.all())[0]
    assert (q.readings, q.expected, q.completeness, q.connection_rate) == (10, 10, 1.0, 1.0)
    assert q.online_rate == 1.0


@pytest.mark.django_db
def test_county_regulator_sees_own_county_only(
    gateway, registered_before, lingshi_regulator, yanhu_regulator
):
    send(gateway, "LT-101", T0)
    check_at(T0 + minutes(11))
    day = T0.astimezone(SHANGHAI).date().isoformat()

    own = Client()
    own.force_login(lingshi_regulator)
    with time_machine.travel(T0 + minutes(20), tick=False):
        listed = own.get("/api/monitoring/offline").json()
        rates = own.get(f"/api/monitoring/quality?day={day}").json()
        page = own.get(f"/monitoring/offline/?day={day}")
    assert {row["tag"] for row in listed} == {None, "LT-101"}
    assert [r["enterprise_id"] for r in rates] == [gateway.enterprise_id]
    assert rates[0]["connection_rate"] == 1.0
    assert page.status_code == 200
    assert "LT-101" in page.content.decode()

    other = Client()
    other.force_login(yanhu_regulator)
    with time_machine.travel(T0 + minutes(20), tick=False):
        assert other.get("/api/monitoring/offline").json() == []
        assert other.get(f"/api/monitoring/quality?day={day}").json() == []
        response = other.get(f"/api/monitoring/quality?enterprise={gateway.enterprise_id}")
        assert response.status_code == 404
        response = other.get(f"/api/monitoring/offline?enterprise={gateway.enterprise_id}")
        assert response.status_code == 404
        page = other.get("/monitoring/offline/")
    assert page.status_code == 200
    assert "LT-101" not in page.content.decode()


@pytest.mark.django_db
def test_overview_by_county_sums_the_rates_and_counts_what_is_offline_now(
    gateway, registered_before, lingshi_regulator, yanhu_regulator, tmp_path
):
    import io

    from django.core.management import call_command
    from openpyxl import load_workbook

    send(gateway, "LT-101", T0)
    check_at(T0 + minutes(11))  # the gateway and the point fall silent
    day = T0.astimezone(SHANGHAI).date().isoformat()
    city = Client()
    city.force_login(lingshi_regulator)
    with time_machine.travel(T0 + minutes(20), tick=False):
        counties = city.get(f"/api/monitoring/quality/counties?day={day}").json()
        page = city.get(f"/monitoring/offline/?day={day}").content.decode()
        workbook = city.get(f"/monitoring/offline/?day={day}&format=xlsx")
        out = io.StringIO()
        call_command(
            "monitor", "quality", "--day", day, "--xlsx", str(tmp_path / "q.xlsx"), stdout=out
        )
    [county] = counties
    assert county["county_prefix"] == gateway.enterprise.region.prefix[:6]
    assert (county["enterprises"], county["sensors"], county["connected"]) == (1, 1, 1)
    assert (county["gateways_offline"], county["sensors_offline"]) == (1, 1)
    assert county["enterprises_offline"] == 1
    assert "按县（市、区）汇总" in page and "当前离线网关" in page
    assert "county-chart-data" in page
    sheet = load_workbook(io.BytesIO(workbook.content))["按县汇总"]
    assert sheet.cell(row=2, column=1).value == county["county"]
    assert sheet.cell(row=2, column=8).value == 1
    assert county["county"] in out.getvalue() and (tmp_path / "q.xlsx").exists()

    other = Client()
    other.force_login(yanhu_regulator)
    with time_machine.travel(T0 + minutes(20), tick=False):
        assert other.get(f"/api/monitoring/quality/counties?day={day}").json() == []
