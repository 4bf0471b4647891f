"""Demo monitoring data and the live simulator (issue #5, point 10)."""

import datetime as dt
import io
import json
import threading
import time
import urllib.error

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from anlan.core.choices import UserRole
from anlan.monitoring import ingest, readings, simulator
from anlan.monitoring.demo import RISING_TANK, build_demo_monitoring
from anlan.monitoring.models import Alarm, Gateway, IngestBatch, OfflineEpisode, Sensor
from anlan.registry.choices import PersonPost
from anlan.registry.models import HazardSource
from tests.factories import EnterpriseFactory, PersonFactory, make_user, region

pytestmark = pytest.mark.django_db

COKING = "灵石县汾峪焦化有限公司"
AMMONIA = "昔阳县松溪肉类食品有限公司"


def _with_sources(name, county, sources):
    enterprise = EnterpriseFactory(name=name + "（演示）", region=region(county))
    persons = {
        post: PersonFactory(enterprise=enterprise, post=post)
        for post in (PersonPost.PRINCIPAL, PersonPost.TECHNICAL_LEAD, PersonPost.OPERATIONS_LEAD)
    }
    for n, source in enumerate(sources, start=1):
        HazardSource.objects.create(
            enterprise=enterprise,
            name=source,
            code=f"WX{n:02d}",
            level=2,
            principal=persons[PersonPost.PRINCIPAL],
            technical_lead=persons[PersonPost.TECHNICAL_LEAD],
            operations_lead=persons[PersonPost.OPERATIONS_LEAD],
        )
    return enterprise


@pytest.fixture
def plants():
    return {
        COKING: _with_sources(COKING, "140729", ["焦炉煤气柜", "粗苯储罐区"]),
        AMMONIA: _with_sources(AMMONIA, "140724", ["液氨制冷系统"]),
    }


@pytest.fixture
def guarantor(plants):
    return make_user("guarantor", UserRole.GUARANTOR, enterprise=plants[COKING])


@pytest.fixture
def demo(plants, guarantor):
    return build_demo_monitoring(enterprises=plants, handler=guarantor)


def _snapshot():
    return {
        "gateways": Gateway.objects.count(),
        "sensors": Sensor.objects.count(),
        "readings": readings.count_readings(),
        "alarms": Alarm.objects.count(),
        "episodes": OfflineEpisode.objects.count(),
        "batches": IngestBatch.objects.count(),
    }


def _sim(**options):
    defaults = dict(
        seed=7,
        first_rise=5,
        rise_every=10_000,
        gas_every=0,
        silent_gateway=None,
        wire_break_after=None,
    )
    return simulator.prepare(**{**defaults, **options})


def _drive(sim, start, seconds, *, into_database=False):
    """Step the simulator with a fixed clock, one second a step; optionally ingest the batches
    in-process as the endpoint would."""
    gateways = {g.code: g for g in Gateway.objects.all()}
    sent = []
    for i in range(seconds):
        now = start + i
        batches, _events = sim.step(now)
        sent.append((now, batches))
        if into_database:
            for code, rows in batches.items():
                ingest.ingest(
                    gateway=gateways[code],
                    columns=ingest.parse_json({"readings": rows}),
                    now=dt.datetime.fromtimestamp(now, tz=dt.UTC),
                )
    return sent


# ---------------------------------------------------------------- demo data


def test_demo_creates_gateways_sensors_and_a_day_of_history_once(demo, plants, guarantor):
    assert demo["gateways"] == 2
    coking = Gateway.objects.get(code="demo-lingshi-coking")
    tank = Sensor.objects.get(gateway=coking, tag=RISING_TANK[1])
    assert tank.name == "粗苯储罐区1#储罐液位" and tank.unit == "m"
    assert tank.limit_h < tank.limit_hh < tank.range_max and tank.debounce_seconds == 0
    assert tank.hazard_source.name == "粗苯储罐区"
    assert Sensor.objects.filter(safety_critical=True).exists()
    units = set(Sensor.objects.values_list("unit", flat=True))
    assert {"m", "°C", "MPa", "%LEL", "ppm"} <= units
    # A day of one-minute readings for every sensor (the ammonia plant minus its offline gap).
    per_sensor = readings.count_readings(tank.pk)
    assert per_sensor == 24 * 60
    statuses = {a.sensor.tag: a.status for a in Alarm.objects.select_related("sensor")}
    assert statuses == {
        "GT-101": "cleared",
        "TT-201": "cleared",
        "LT-101": "acknowledged",
        "AT-101": "disposed",
    }
    disposed = Alarm.objects.get(sensor__tag="AT-101")
    assert disposed.cause == "maintenance" and "警戒" in disposed.measures
    assert disposed.disposed_by == guarantor
    episode = OfflineEpisode.objects.get()
    assert episode.gateway.code == "demo-xiyang-ammonia" and episode.ended_at is not None

    before = _snapshot()
    again = build_demo_monitoring(enterprises=plants, handler=guarantor)
    assert again == {"gateways": 0, "sensors": 0, "readings": 0}
    assert _snapshot() == before


def test_the_demo_history_shows_on_the_enterprise_board(demo, guarantor, yanhu_regulator):
    own = Client()
    own.force_login(guarantor)
    page = own.get("/monitoring/").content.decode()
    assert "煤气柜柜位" in page and "已确认" in page
    other = Client()
    other.force_login(yanhu_regulator)
    assert "煤气柜柜位" not in other.get("/monitoring/").content.decode()


# ---------------------------------------------------------------- the simulator


def test_simulated_values_stay_in_range_and_normal_before_the_rise(demo):
    sim = _sim(first_rise=120, gas_every=30)
    for now, batches in _drive(sim, time.time() + 60, 300):
        for code, rows in batches.items():
            sensors = {s.tag: s for s in sim._gateway(code).sensors}
            for tag, ts, value in rows:
                spec = sensors[tag].spec
                assert ts == round(now, 3)
                assert spec.range[0] <= value <= spec.range[1], (tag, value)
                if now - sim.started < 120 and spec.kind not in ("combustible_gas", "toxic_gas"):
                    _ll, low, high, _hh = spec.limits
                    assert low is None or value > low
                    assert high is None or value < high, (tag, value)


def test_the_same_seed_gives_the_same_readings(demo):
    start = time.time() + 60
    first = _drive(_sim(gas_every=20), start, 60)
    second = _drive(_sim(gas_every=20), start, 60)
    first_values = [rows for _, batches in first for rows in batches.values()]
    second_values = [rows for _, batches in second for rows in batches.values()]
    assert first_values == second_values


def test_the_rising_tank_raises_h_then_hh_and_clears(demo, guarantor):
    sim = _sim()
    _drive(sim, time.time() + 60, 5 + 45 + 30 + 30 + 5, into_database=True)
    tank = Sensor.objects.get(gateway__code=RISING_TANK[0], tag=RISING_TANK[1])
    alarms = {a.kind: a for a in Alarm.objects.filter(sensor=tank)}
    assert set(alarms) == {"h", "hh"}
    assert alarms["h"].raised_at < alarms["hh"].raised_at
    assert alarms["h"].value >= tank.limit_h and alarms["hh"].value >= tank.limit_hh
    assert all(a.cleared_at is not None for a in alarms.values())
    client = Client()
    client.force_login(guarantor)
    page = client.get("/monitoring/board/rows/").content.decode()
    assert "高高报（HH）" in page and "粗苯储罐区1#储罐液位" in page


def test_the_silent_gateway_stops_sending_after_its_time(demo):
    sim = _sim(silent_gateway="demo-xiyang-ammonia", silent_after=30)
    sent = _drive(sim, time.time() + 60, 40)
    for i, (_now, batches) in enumerate(sent):
        assert "demo-lingshi-coking" in batches
        assert ("demo-xiyang-ammonia" in batches) == (i < 30), i


def test_a_wire_break_sends_empty_values_once(demo):
    sim = _sim(wire_break_after=10)
    assert sim.wire_break is not None
    gateway, tag = sim.wire_break
    empty = [
        i
        for i, (_now, batches) in enumerate(_drive(sim, time.time() + 60, 60))
        for row in batches[gateway]
        if row[0] == tag and row[2] is None
    ]
    assert empty == list(range(10, 10 + simulator.WIRE_BREAK_SECONDS))


def test_preparing_issues_new_tokens_that_the_endpoint_accepts(demo, client):
    sim = _sim()
    gateway = sim.gateways[0]
    batches, _ = sim.step(time.time())
    response = client.post(
        "/api/monitoring/ingest",
        data=json.dumps({"readings": batches[gateway.code]}),
        content_type="application/json",
        headers={"X-Gateway-Token": gateway.token},
    )
    assert response.status_code == 200
    assert response.json()["accepted"] == len(gateway.sensors)


# ---------------------------------------------------------------- transports


def test_mqtt_payload_and_topic_follow_the_contract():
    rows = [["LT-201", 1767225600.5, 6.5], ["TT-201", 1767225600.5, None]]
    payload = simulator.mqtt_payload("gw_secret", rows, "demo-lingshi-coking-1767225600500")
    assert json.loads(payload) == {
        "token": "gw_secret",
        "readings": [["LT-201", 1767225600.5, 6.5], ["TT-201", 1767225600.5, None]],
        "batch": "demo-lingshi-coking-1767225600500",
    }
    assert (
        simulator.mqtt_topic("demo-lingshi-coking") == "anlan/gateways/demo-lingshi-coking/readings"
    )
    assert simulator.batch_id("demo-lingshi-coking", 1767225600.5) == (
        "demo-lingshi-coking-1767225600500"
    )


def test_mqtt_transport_publishes_with_qos_1():
    published = []

    class FakeClient:
        def publish(self, topic, payload, qos):
            published.append((topic, json.loads(payload), qos))

    transport = simulator.MqttTransport.__new__(simulator.MqttTransport)
    transport.client = FakeClient()
    gateway = simulator.SimGateway("demo-x", "gw_t", [])
    transport.send(gateway, [["A", 1.0, 2.0]], "demo-x-1000")
    assert published == [
        (
            "anlan/gateways/demo-x/readings",
            {"token": "gw_t", "readings": [["A", 1.0, 2.0]], "batch": "demo-x-1000"},
            1,
        )
    ]


def test_http_transport_retries_until_the_server_answers(monkeypatch):
    calls = []

    class Answer(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def fake_urlopen(request, timeout):
        calls.append(request.headers["X-gateway-token"])
        if len(calls) < 3:
            raise urllib.error.URLError(ConnectionRefusedError(111, "refused"))
        return Answer(b'{"accepted": 1}')

    class NoWait(threading.Event):
        def wait(self, timeout=None):
            return False

    monkeypatch.setattr(simulator.urllib.request, "urlopen", fake_urlopen)
    log = []
    transport = simulator.HttpTransport("http://127.0.0.1:9", stop=NoWait(), log=log.append)
    answer = transport.send(simulator.SimGateway("demo-x", "gw_t", []), [["A", 1.0, 2.0]], "b")
    assert answer == {"accepted": 1} and calls == ["gw_t"] * 3 and log == []


# ---------------------------------------------------------------- CLI


def test_simulate_command_rejects_bad_options(demo):
    with pytest.raises(CommandError, match="--silent-gateway"):
        call_command("monitor", "simulate", "--silent-gateway", "nope")
    with pytest.raises(CommandError, match="--interval"):
        call_command("monitor", "simulate", "--interval", "0")


def test_simulate_command_without_demo_data_says_what_to_do(db):
    with pytest.raises(CommandError, match="anlan demo"):
        call_command("monitor", "simulate")
