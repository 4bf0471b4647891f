"""MQTT ingestion against a real mosquitto on loopback: readings and alarms arrive, every
payload is answered, bad payloads never stop the consumer, and a broker restart in the middle
of a QoS 1 stream loses and duplicates nothing."""

import json
import threading
import time

import paho.mqtt.client as paho
import pytest
from django.db import OperationalError, connection

from anlan.monitoring import broker as mosquitto
from anlan.monitoring import ingest as ingestion
from anlan.monitoring import mqtt, readings
from anlan.monitoring.choices import AlarmKind
from anlan.monitoring.models import Alarm

from .conftest import make_sensor

pytestmark = pytest.mark.skipif(
    mosquitto.binary() is None,
    reason="mosquitto is not installed (Debian package mosquitto; "
    "scripts/system_deps.sh mosquitto installs it)",
)
# The consumer runs in a thread with its own database connection: it must see committed data.
consumer_db = pytest.mark.django_db(transaction=True)

WAIT = 15  # seconds: generous upper bounds for a busy machine, not timing assertions


@pytest.fixture
def clean_slate(transactional_db):
    """Transactional tests start from an empty database: load the regions the migration loads;
    afterwards empty the readings tables, which are not models and so not flushed."""
    from anlan.core.models import Region
    from anlan.core.regions import load_regions, read_region_rows

    if not Region.objects.exists():
        load_regions(Region, read_region_rows())
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM monitoring_reading")
        cursor.execute("DELETE FROM monitoring_rollup")


@pytest.fixture
def broker():
    with mosquitto.start() as running:
        yield running


@pytest.fixture
def consumer(clean_slate, broker):
    stop = threading.Event()
    worker = mqtt.Consumer(
        host=broker.host, port=broker.port, min_delay=0.1, max_delay=1.0, report_seconds=0
    )
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    assert worker.subscribed.wait(WAIT), broker.log_text()
    yield worker
    stop.set()
    thread.join(WAIT)
    assert not thread.is_alive()


class Gateway:
    """A gateway's side of the wire: publishes batches (QoS 1, its own persistent session)
    and collects the replies."""

    def __init__(self, broker, client_id="test-gateway"):
        self.replies: list[tuple[str, dict]] = []
        self.changed = threading.Condition()
        self.subscribed = threading.Event()
        self.client = paho.Client(
            paho.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=False,
            protocol=paho.MQTTv311,
        )
        self.client.reconnect_delay_set(min_delay=0.1, max_delay=0.5)
        self.client.on_connect = lambda c, *a: c.subscribe("anlan/gateways/+/replies", qos=1)
        self.client.on_subscribe = lambda *a: self.subscribed.set()
        self.client.on_message = self._on_message
        self.client.connect(broker.host, broker.port, keepalive=10)
        self.client.loop_start()
        assert self.subscribed.wait(WAIT)

    def _on_message(self, client, userdata, message):
        code = message.topic.split("/")[2]
        with self.changed:
            self.replies.append((code, json.loads(message.payload)))
            self.changed.notify_all()

    def publish(self, code, payload):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return self.client.publish(f"anlan/gateways/{code}/readings", body, qos=1)

    def next_reply(self, seen: int) -> tuple[str, dict]:
        """The reply after the first ``seen`` ones."""
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.replies) > seen, WAIT), self.replies
            return self.replies[seen]

    def ask(self, code, payload) -> dict:
        seen = len(self.replies)
        self.publish(code, payload)
        topic_code, reply = self.next_reply(seen)
        assert topic_code == code
        return reply

    def wait_for_batches(self, batches: set, timeout=WAIT * 2) -> set:
        with self.changed:
            self.changed.wait_for(
                lambda: batches <= {r.get("batch") for _, r in self.replies}, timeout
            )
            return batches - {r.get("batch") for _, r in self.replies}

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def sender(broker):
    gateway = Gateway(broker)
    yield gateway
    gateway.close()


def stored_keys() -> tuple[int, int, set]:
    """All readings: their count, the number of distinct (sensor, time), and the keys."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM monitoring_reading")
        count = cursor.fetchone()[0]
        cursor.execute(
            "SELECT COUNT(*) FROM (SELECT DISTINCT sensor_id, ts FROM monitoring_reading) d"
        )
        distinct = cursor.fetchone()[0]
        cursor.execute("SELECT sensor_id, ts FROM monitoring_reading")
        keys = set(cursor.fetchall())
    return count, distinct, keys


@consumer_db
def test_published_readings_are_stored_raise_alarms_and_are_answered(
    consumer, sender, gateway, token, level_sensor
):
    t = int(time.time())
    reply = sender.ask(
        "gw-1",
        {
            "token": token,
            "batch": "b-1",
            "readings": [["LT-101", t - 3, 5.0], ["LT-101", t - 2, 16.0], ["LT-101", t - 1, 19]],
        },
    )
    assert reply == {
        "batch": "b-1",
        "received": 3,
        "accepted": 3,
        "duplicates": 0,
        "rejected": 0,
        "rejects": [],
        "alarms_raised": 2,
        "alarms_cleared": 0,
    }
    assert readings.count_readings(level_sensor.pk) == 3
    assert set(Alarm.objects.filter(sensor=level_sensor).values_list("kind", flat=True)) == {
        AlarmKind.H,
        AlarmKind.HH,
    }

    # The column form, with a reading rejected by name; then the same batch again.
    columns = {
        "token": token,
        "batch": 2,
        "tags": ["LT-101", "NOPE"],
        "ts": [t, t],
        "values": [5.0, 1.0],
    }
    reply = sender.ask("gw-1", columns)
    assert (reply["batch"], reply["accepted"], reply["rejected"]) == (2, 1, 1)
    assert reply["rejects"] == [{"index": 1, "tag": "NOPE", "reason": "unknown_sensor"}]
    assert reply["alarms_cleared"] == 2  # back to 5.0: H and HH clear
    again = sender.ask("gw-1", columns)
    assert (again["accepted"], again["duplicates"]) == (0, 1)
    assert readings.count_readings(level_sensor.pk) == 4


@consumer_db
def test_bad_payloads_are_answered_with_an_error_and_the_consumer_keeps_working(
    consumer, sender, gateway, token, level_sensor, settings
):
    settings.ANLAN_MONITORING_MAX_BATCH = 5
    t = int(time.time())
    cases = [
        (b"{not json", None, "not valid JSON"),
        (b"\xff\xfe", None, "not valid JSON"),
        ({"token": token, "batch": "a", "readings": "LT-101,1,2"}, "a", '"readings" must be'),
        ({"token": token, "batch": "b", "readings": [["LT-101", t]]}, "b", "readings[0] must be"),
        ({"token": token, "batch": "c", "tags": ["LT-101"], "ts": t, "values": [1]}, "c", '"ts"'),
        ({"token": token, "batch": "d", "nothing": []}, "d", "Send "),
        ([1, 2, 3], None, "Send an object"),
        ({"token": token, "batch": {"x": 1}, "readings": []}, None, '"batch" must be'),
        ({"batch": "e", "readings": [["LT-101", t, 1]]}, "e", '"token" is missing'),
        ({"token": 42, "batch": "f", "readings": []}, "f", '"token" must be a string'),
        ({"token": "gw_wrong", "batch": "g", "readings": [["LT-101", t, 1]]}, "g", "not the token"),
        (
            {"token": token, "batch": "h", "readings": [["LT-101", t - i, 1] for i in range(6)]},
            "h",
            "at most 5",
        ),
    ]
    for payload, batch, error in cases:
        reply = sender.ask("gw-1", payload)
        assert reply["batch"] == batch, (payload, reply)
        assert error in reply["error"], (payload, reply)

    # A gateway code that does not exist is answered on its own reply topic.
    reply = sender.ask("gw-nobody", {"token": token, "batch": "i", "readings": []})
    assert reply == {"batch": "i", "error": "No active gateway with code 'gw-nobody'."}

    assert readings.count_readings() == 0  # nothing from the refused payloads
    reply = sender.ask("gw-1", {"token": token, "batch": "ok", "readings": [["LT-101", t, 4.0]]})
    assert (reply["batch"], reply["accepted"]) == ("ok", 1)
    assert readings.count_readings(level_sensor.pk) == 1
    assert consumer.stats.refused == len(cases) + 1


@consumer_db
def test_a_batch_hit_by_a_database_error_is_delivered_again_and_stored_once(
    consumer, sender, gateway, token, level_sensor, monkeypatch
):
    real = ingestion.ingest
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real(**kwargs)

    monkeypatch.setattr(ingestion, "ingest", flaky)
    t = int(time.time())
    sender.publish(
        "gw-1",
        {"token": token, "batch": "x", "readings": [["LT-101", t - 1, 3.0], ["LT-101", t, 4.0]]},
    )
    first = sender.next_reply(0)[1]
    assert first == {
        "batch": "x",
        "error": "The database is unavailable; the batch was not stored and will be processed "
        "again when the broker delivers it again.",
    }
    # The broker delivers it again after the consumer reconnects; this time it is stored.
    with sender.changed:
        assert sender.changed.wait_for(
            lambda: any("accepted" in reply for _, reply in sender.replies), WAIT
        )
    stored = [reply for _, reply in sender.replies if "accepted" in reply]
    assert [(r["batch"], r["accepted"], r["duplicates"]) for r in stored] == [("x", 2, 0)]
    assert readings.count_readings(level_sensor.pk) == 2


@consumer_db
def test_restarting_mosquitto_mid_stream_loses_and_duplicates_nothing(
    broker, consumer, sender, gateway, token
):
    sensors = [make_sensor(gateway, tag=f"PT-{i}") for i in range(5)]
    t0 = int(time.time()) - 600
    batches = 60
    sent = set()
    for b in range(batches):
        sent |= {(s.pk, (t0 + b) * 1000) for s in sensors}

    def stream():
        for b in range(batches):
            sender.publish(
                "gw-1",
                {
                    "token": token,
                    "batch": f"s{b}",
                    "tags": [s.tag for s in sensors],
                    "ts": [t0 + b] * len(sensors),
                    "values": [1.0 + b % 7] * len(sensors),
                },
            )
            time.sleep(0.02)

    publisher = threading.Thread(target=stream)
    publisher.start()
    sender.next_reply(15)  # the stream is flowing
    broker.restart()  # both the consumer and the gateway lose their connections
    publisher.join(WAIT)
    missing = sender.wait_for_batches({f"s{b}" for b in range(batches)})
    assert not missing, (missing, broker.log_text())

    count, distinct, keys = stored_keys()
    assert (count, distinct) == (len(sent), len(sent))
    assert keys == sent


def test_cli_runs_the_consumer_until_ctrl_c(broker, tmp_path):
    """`anlan monitor mqtt` says where it connects, and Ctrl-C stops it cleanly."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/unused.sqlite3",
        "DJANGO_SETTINGS_MODULE": "anlan.settings",
        "ANLAN_MQTT_CLIENT_ID": "cli-test",
    }
    anlan = Path(sys.executable).with_name("anlan")
    process = subprocess.Popen(
        [str(anlan), "monitor", "mqtt", "--host", broker.host, "--port", str(broker.port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    watchdog = threading.Timer(WAIT * 2, process.kill)  # never hang the suite
    watchdog.start()
    try:
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Connected to"):
                break
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=WAIT)
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
    output = "".join(lines) + out
    assert process.returncode == 0, output
    assert f"Connected to mqtt://{broker.host}:{broker.port} as 'cli-test'" in output
    assert "subscribing to anlan/gateways/+/readings (QoS 1)" in output
    assert output.rstrip().endswith("MQTT consumer stopped.")


def test_cli_names_a_bad_port():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--port must be a whole number"):
        call_command("monitor_mqtt", "--port", "eighty")
    with pytest.raises(CommandError, match="--port must be between 1 and 65535"):
        call_command("monitor_mqtt", "--port", "70000")


@consumer_db
def test_the_demo_simulator_feeds_the_sensors_through_the_broker(clean_slate, broker):
    """What `make demo` does with mosquitto installed: the simulator publishes every gateway's
    batch to the broker and the consumer thread stores them, so the demo board moves."""
    from anlan.monitoring import simulator
    from anlan.monitoring.demo import build_demo_monitoring
    from anlan.monitoring.models import IngestBatch

    from .test_simulator import AMMONIA, COKING, _with_sources

    plants = {
        COKING: _with_sources(COKING, "140729", ["焦炉煤气柜", "粗苯储罐区"]),
        AMMONIA: _with_sources(AMMONIA, "140724", ["液氨制冷系统"]),
    }
    build_demo_monitoring(enterprises=plants, handler=None)
    before = IngestBatch.objects.count()
    lines = []
    stop, sim = simulator.start_in_background(
        "http://127.0.0.1:9",  # nothing listens there: the readings must come over MQTT
        broker=f"{broker.host}:{broker.port}",
        log=lines.append,
        jobs_every=3600,
        seed=3,
        silent_gateway=None,
        gas_every=0,
    )
    try:
        deadline = time.monotonic() + WAIT * 2
        codes = {g.code for g in sim.gateways}
        arrived: set = set()
        while time.monotonic() < deadline and arrived != codes:
            time.sleep(0.3)
            arrived = set(
                IngestBatch.objects.filter(pk__gt=before).values_list("gateway__code", flat=True)
            )
    finally:
        stop.set()
        time.sleep(1.0)  # let the threads close their connections before the flush
    assert arrived == codes, lines
    assert any("MQTT consumer" in line for line in lines)
