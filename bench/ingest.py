"""Ingestion at 50,000 sensors over HTTP and MQTT, against a raw bulk insert (issue #5).

Creates BENCH_SENSORS sensors (default 50,000) over BENCH_GATEWAYS gateways (default 5) and,
in one process against one database:
  http   POST /api/monitoring/ingest (column JSON) through Django's test client — the full
         stack: middleware, gateway-token auth, parsing, validation, the idempotent insert,
         the numpy alarm engine, commit — one batch at a time;
  mqtt   the same batches (plus "token" and "batch") published at QoS 1 to a throwaway
         mosquitto on loopback (anlan.monitoring.broker) and consumed by the MQTT consumer
         (anlan.monitoring.mqtt) running in a thread of this process, with at most
         BENCH_MQTT_WINDOW batches awaiting their reply; timed from the first publish to the
         last reply (each reply is sent after its batch is committed);
  raw    a plain bulk insert of as many (sensor, ts, value) rows into the same table, same batch
         size, one transaction a batch (the baseline): executemany INSERT on SQLite, COPY on
         PostgreSQL.
Each of the three runs BENCH_ROUNDS rounds (each sensor one reading a round, in batches of
BENCH_BATCH readings) twice, in the order http, mqtt, raw, raw, mqtt, http, so none of them
always writes into the bigger table. About 0.2 % of readings cross the H limit (and clear the
next round), so alarms are raised and cleared in every batch.

Prints readings/s for each, the ratios to raw, and the alarm latency p50 / p99 over the batches
that raised alarms: HTTP from the request being made to its answer (sent after the commit);
MQTT from the consumer receiving the message to the batch (with its alarm rows) committed, and
also from publish to reply.
Aims (issue #5, 2 cores): >= 100,000 readings/s over HTTP into SQLite, ratio >= 0.5, p99 < 1 s.

Run: ANLAN_ALLOW_INSECURE_KEY=1 .venv/bin/python bench/ingest.py          (SQLite in a temp dir)
     make bench-postgres, or BENCH_DATABASE_URL=postgres://… for PostgreSQL
"""

import atexit
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
tmp = tempfile.mkdtemp(prefix="anlan-bench-")
atexit.register(shutil.rmtree, tmp, ignore_errors=True)  # the SQLite file: 6 million rows
os.environ.setdefault("ANLAN_ALLOW_INSECURE_KEY", "1")
os.environ["DATABASE_URL"] = (
    os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anlan.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import paho.mqtt.client as paho  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from anlan.core.models import Region  # noqa: E402
from anlan.monitoring import broker as mosquitto  # noqa: E402
from anlan.monitoring import mqtt, readings  # noqa: E402
from anlan.monitoring.models import Alarm, Gateway, Sensor  # noqa: E402
from anlan.registry.models import Enterprise  # noqa: E402
from tests.factories import make_uscc  # noqa: E402

SENSORS = int(os.environ.get("BENCH_SENSORS", "50000"))
GATEWAYS = int(os.environ.get("BENCH_GATEWAYS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "10"))
BATCH = int(os.environ.get("BENCH_BATCH", "10000"))
WINDOW = int(os.environ.get("BENCH_MQTT_WINDOW", "4"))


def setup():
    call_command("migrate", verbosity=0)
    county = Region.objects.filter(level="county").first()
    gateways = []
    for g in range(GATEWAYS):
        enterprise = Enterprise.objects.create(
            name=f"基准企业{g}（演示）",
            uscc=make_uscc(county.code[:6], n=900_000 + g),
            industry="hazardous_chemicals",
            region=county,
            address="-",
            headcount=10,
        )
        gateway = Gateway.objects.create(enterprise=enterprise, name=f"gw{g}", code=f"bench-{g}")
        gateways.append((gateway, gateway.issue_token()))
    per = SENSORS // GATEWAYS
    for gateway, _ in gateways:
        Sensor.objects.bulk_create(
            [
                Sensor(
                    enterprise_id=gateway.enterprise_id,
                    gateway=gateway,
                    tag=f"T{i:06d}",
                    name="液位",
                    kind="level",
                    unit="m",
                    range_min=0,
                    range_max=100,
                    limit_l=5,
                    limit_h=80,
                    limit_hh=90,
                    deadband=1,
                )
                for i in range(per)
            ],
            batch_size=2000,
        )
    return gateways, per


def batches(gateways, per, start_s, seed):
    """(gateway, token, column-form dict) for every batch of every round."""
    rng = np.random.default_rng(seed)
    tags = [f"T{i:06d}" for i in range(per)]
    for r in range(ROUNDS):
        ts = start_s + r * 10
        for gateway, token in gateways:
            for lo in range(0, per, BATCH):
                hi = min(lo + BATCH, per)
                values = rng.uniform(20, 70, hi - lo)
                values[rng.random(hi - lo) < 0.002] = 85.0  # H excursions (0.2 %)
                yield (
                    gateway,
                    token,
                    {
                        "tags": tags[lo:hi],
                        "ts": [ts] * (hi - lo),
                        "values": values.round(3).tolist(),
                    },
                )


def run_http(gateways, per, start_s, seed):
    client = Client()
    latencies, n, alarms_before = [], 0, Alarm.objects.count()
    # The request bodies are encoded before the clock starts: a gateway encodes its batch on
    # its own CPU, not the server's.
    bodies = [(t, json.dumps(p)) for _g, t, p in batches(gateways, per, start_s, seed)]
    began = time.perf_counter()
    for token, body in bodies:
        t0 = time.perf_counter()
        response = client.post(
            "/api/monitoring/ingest",
            body,
            content_type="application/json",
            headers={"X-Gateway-Token": token},
        )
        elapsed = time.perf_counter() - t0
        data = response.json()
        assert response.status_code == 200 and data["rejected"] == 0, data
        n += data["accepted"]
        if data["alarms_raised"]:
            latencies.append(elapsed)
    seconds = time.perf_counter() - began
    return n, seconds, latencies, Alarm.objects.count() - alarms_before


class MqttRun:
    """The consumer in a thread, a publisher that keeps WINDOW batches awaiting replies."""

    def __init__(self, broker):
        self.broker = broker
        self.stop = threading.Event()
        self.commit_latency: list[float] = []  # received -> committed, batches with alarms
        self.consumer = mqtt.Consumer(
            host=broker.host,
            port=broker.port,
            client_id="bench-consumer",
            report_seconds=0,
            say=lambda line: None,
            on_batch=self._on_batch,
        )
        self.thread = threading.Thread(target=self.consumer.run, args=(self.stop,), daemon=True)
        self.thread.start()
        assert self.consumer.subscribed.wait(30), broker.log_text()
        self.replies: dict[str, tuple[dict, float]] = {}
        self.changed = threading.Condition()
        self.subscribed = threading.Event()
        self.publisher = paho.Client(
            paho.CallbackAPIVersion.VERSION2, client_id="bench-gateways", protocol=paho.MQTTv311
        )
        self.publisher.max_inflight_messages_set(WINDOW + 2)
        self.publisher.on_connect = lambda c, *a: c.subscribe(
            f"{self.consumer.prefix}/+/replies", qos=1
        )
        self.publisher.on_subscribe = lambda *a: self.subscribed.set()
        self.publisher.on_message = self._on_reply
        self.publisher.connect(broker.host, broker.port)
        self.publisher.loop_start()
        assert self.subscribed.wait(30)

    def _on_batch(self, code, outcome, received, done):
        if outcome.result is not None and outcome.result.alarms_raised:
            self.commit_latency.append(done - received)

    def _on_reply(self, client, userdata, message):
        reply = json.loads(message.payload)
        with self.changed:
            self.replies[reply["batch"]] = (reply, time.perf_counter())
            self.changed.notify_all()

    def run(self, gateways, per, start_s, seed):
        self.replies.clear()
        sent_at: dict[str, float] = {}
        alarms_before = Alarm.objects.count()
        bodies = [
            (g.code, f"{start_s}-{i}", json.dumps({"token": t, "batch": f"{start_s}-{i}", **p}))
            for i, (g, t, p) in enumerate(batches(gateways, per, start_s, seed))
        ]  # encoded before the clock starts, as for HTTP
        began = time.perf_counter()
        for code, batch_id, body in bodies:
            with self.changed:
                self.changed.wait_for(lambda: len(sent_at) - len(self.replies) < WINDOW)
            sent_at[batch_id] = time.perf_counter()
            self.publisher.publish(f"{self.consumer.prefix}/{code}/readings", body, qos=1)
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.replies) == len(sent_at), 600)
        seconds = time.perf_counter() - began
        n, end_to_end = 0, []
        for batch_id, (reply, at) in self.replies.items():
            assert "error" not in reply and reply["rejected"] == 0, reply
            n += reply["accepted"]
            if reply["alarms_raised"]:
                end_to_end.append(at - sent_at[batch_id])
        return n, seconds, end_to_end, Alarm.objects.count() - alarms_before

    def close(self):
        self.publisher.disconnect()
        self.publisher.loop_stop()
        self.stop.set()
        self.thread.join(30)


def run_raw(ids, start_s, seed):
    """The fastest plain bulk insert each database offers: executemany on SQLite, COPY on
    PostgreSQL; one transaction per batch, no conflict handling, no evaluation."""
    n = 0
    began = time.perf_counter()
    rng = np.random.default_rng(seed)
    for r in range(ROUNDS):
        ts_ms = int((start_s + r * 10) * 1000)
        for lo in range(0, len(ids), BATCH):
            chunk = ids[lo : lo + BATCH]
            values = rng.uniform(20, 70, len(chunk)).tolist()
            with transaction.atomic(), connection.cursor() as cursor:
                if readings.is_postgres():
                    readings.ensure_partitions(np.array([ts_ms]))
                    text = "".join(
                        f"{sid}\t{ts_ms}\t{value!r}\n"
                        for sid, value in zip(chunk, values, strict=True)
                    )
                    with cursor.cursor.copy(
                        "COPY monitoring_reading (sensor_id, ts, value) FROM STDIN"
                    ) as copy:
                        copy.write(text)
                else:
                    cursor.executemany(
                        "INSERT INTO monitoring_reading (sensor_id, ts, value) VALUES (%s, %s, %s)",
                        list(zip(chunk, [ts_ms] * len(chunk), values, strict=True)),
                    )
            n += len(chunk)
    return n, time.perf_counter() - began


def percentiles(values):
    values = sorted(values)
    if not values:
        return "n/a"
    p50 = statistics.median(values)
    p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
    return f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms ({len(values)} batches)"


def main():
    print(
        f"database: {connection.vendor}; {SENSORS} sensors, {GATEWAYS} gateways, "
        f"{ROUNDS} rounds x 2, batches of {BATCH}, MQTT window {WINDOW}"
    )
    t = time.perf_counter()
    gateways, per = setup()
    ids = list(Sensor.objects.order_by("pk").values_list("pk", flat=True))
    print(f"set-up {time.perf_counter() - t:.1f} s")
    broker = mosquitto.start()
    run = MqttRun(broker)
    now = time.time()
    span = ROUNDS * 10 + 60
    # Evaluated runs in time order (older readings than a sensor's last are not evaluated).
    try:
        h1 = run_http(gateways, per, now - 6 * span, 1)
        m1 = run.run(gateways, per, now - 5 * span, 2)
        r1 = run_raw(ids, now - 9 * span, 3)
        r2 = run_raw(ids, now - 8 * span, 4)
        m2 = run.run(gateways, per, now - 4 * span, 5)
        h2 = run_http(gateways, per, now - 3 * span, 6)
    finally:
        run.close()
        broker.stop()
    commit_latency = run.commit_latency

    def rate(a, b):
        return (a[0] + b[0]) / (a[1] + b[1])

    http_rate, mqtt_rate, raw_rate = rate(h1, h2), rate(m1, m2), rate(r1, r2)
    print(
        f"http  {h1[0] + h2[0]:>9} readings  {http_rate:>10,.0f} readings/s  "
        f"({h1[3] + h2[3]} alarms raised)"
    )
    print(
        f"mqtt  {m1[0] + m2[0]:>9} readings  {mqtt_rate:>10,.0f} readings/s  "
        f"({m1[3] + m2[3]} alarms raised)"
    )
    how = "COPY" if readings.is_postgres() else "executemany"
    print(f"raw   {r1[0] + r2[0]:>9} rows      {raw_rate:>10,.0f} rows/s  ({how})")
    print(f"ratio http/raw = {http_rate / raw_rate:.2f}, mqtt/raw = {mqtt_rate / raw_rate:.2f}")
    from benchtable import record

    for via, value in (("HTTP", http_rate), ("MQTT", mqtt_rate)):
        record(
            "Ingestion",
            f"{via} end to end",
            value,
            "readings/s",
            baseline=raw_rate,
            baseline_name=f"raw {how}",
            aim="ratio ≥ 0.5" if via == "HTTP" else "",
        )
    print(f"alarm latency http (request made -> answer after commit): {percentiles(h1[2] + h2[2])}")
    print(f"alarm latency mqtt (message received -> committed): {percentiles(commit_latency)}")
    print(f"              mqtt (published -> reply received):   {percentiles(m1[2] + m2[2])}")


if __name__ == "__main__":
    main()
