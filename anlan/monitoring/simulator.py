"""A live sensor simulator for the demo: one reading per demo sensor every interval, sent as
each gateway's batch through the real ingestion endpoint (HTTP) or published over MQTT.

Values follow a mean-reverting random walk around each point's set point, inside its normal
band. Scenarios, all timed from the first step:

- the rising tank: shortly after start (``first_rise``) and then every ``rise_every`` seconds
  one tank level rises steadily through H to HH (``RISE_SECONDS``), stays there
  (``HOLD_SECONDS``), then falls back to normal, so its alarms clear;
- gas excursions: now and then (on average every ``gas_every`` seconds) one gas detector
  reads between its H and HH limits for a few seconds;
- the silent gateway: after ``silent_after`` seconds it stops sending, so it goes offline;
- a wire break: once, after ``wire_break_after`` seconds, one temperature sends empty values
  for ``WIRE_BREAK_SECONDS``.

``Simulator.step(now)`` is pure (given a seed and a clock) and returns the batches and the
scenario events, so tests drive it with a fixed clock; ``run`` loops it in real time until a
``threading.Event`` is set.
"""

from __future__ import annotations

import http.client
import json
import random
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from .demo import RISING_TANK, SILENT_GATEWAY, PointSpec, demo_gateways, normal_band, specs_by_tag

RISE_SECONDS = 45
HOLD_SECONDS = 30
FALL_SECONDS = 30
GAS_SECONDS = 12
WIRE_BREAK_SECONDS = 20


@dataclass
class SimSensor:
    tag: str
    spec: PointSpec
    value: float

    @property
    def limits(self):
        return self.spec.limits


@dataclass
class SimGateway:
    code: str
    token: str
    sensors: list[SimSensor]


@dataclass
class Excursion:
    gateway: str
    tag: str
    start: float
    up: float
    hold: float
    down: float
    base: float
    peak: float
    crossed: set = field(default_factory=set)

    @property
    def end(self) -> float:
        return self.start + self.up + self.hold + self.down

    def value(self, now: float) -> float:
        t = now - self.start
        if t < self.up:
            return self.base + (self.peak - self.base) * t / self.up
        if t < self.up + self.hold:
            return self.peak
        return self.peak + (self.base - self.peak) * min(1.0, (t - self.up - self.hold) / self.down)


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def point_spec_from_sensor(sensor) -> PointSpec:
    """For a sensor the demo did not define: set point between its limits."""
    low = next((v for v in (sensor.limit_l, sensor.limit_ll) if v is not None), sensor.range_min)
    high = next((v for v in (sensor.limit_h, sensor.limit_hh) if v is not None), sensor.range_max)
    return PointSpec(
        "",
        sensor.name,
        sensor.kind,
        sensor.unit,
        (sensor.range_min, sensor.range_max),
        (sensor.limit_ll, sensor.limit_l, sensor.limit_h, sensor.limit_hh),
        sensor.deadband,
        sensor.debounce_seconds,
        (low + high) / 2,
        (high - low) / 500,
    )


class Simulator:
    def __init__(
        self,
        gateways: list[SimGateway],
        *,
        seed: int = 1,
        rising_tank: tuple[str, str] | None = RISING_TANK,
        first_rise: float = 20,
        rise_every: float = 300,
        gas_every: float = 180,
        silent_gateway: str | None = SILENT_GATEWAY,
        silent_after: float = 120,
        wire_break_after: float | None = 90,
    ):
        self.gateways = gateways
        self.rng = random.Random(seed)  # the noise
        self.events_rng = random.Random(seed + 1)  # when and where excursions happen
        self.rising_tank = rising_tank if self._find(rising_tank) else None
        self.first_rise = first_rise
        self.rise_every = rise_every
        self.gas_every = gas_every
        self.silent_gateway = silent_gateway if self._gateway(silent_gateway) else None
        self.silent_after = silent_after
        self.wire_break_after = wire_break_after
        self.wire_break = self._pick_wire_break()
        self.started: float | None = None
        self.last: float | None = None
        self.next_rise: float | None = None
        self.excursions: dict[tuple[str, str], Excursion] = {}
        self.silenced = False
        self.broken = False

    # ------------------------------------------------------------ look-ups

    def _gateway(self, code: str | None) -> SimGateway | None:
        return next((g for g in self.gateways if g.code == code), None)

    def _find(self, key: tuple[str, str] | None) -> SimSensor | None:
        if key is None:
            return None
        gateway = self._gateway(key[0])
        if gateway is None:
            return None
        return next((s for s in gateway.sensors if s.tag == key[1]), None)

    def _pick_wire_break(self) -> tuple[str, str] | None:
        for gateway in self.gateways:
            if gateway.code == self.silent_gateway:
                continue
            for sensor in gateway.sensors:
                key = (gateway.code, sensor.tag)
                if sensor.spec.kind == "temperature" and not sensor.spec.safety_critical:
                    if key != self.rising_tank:
                        return key
        return None

    def gas_sensors(self) -> list[tuple[str, SimSensor]]:
        return [
            (g.code, s)
            for g in self.gateways
            if g.code != self.silent_gateway
            for s in g.sensors
            if s.spec.kind in ("combustible_gas", "toxic_gas") and s.limits[2] is not None
        ]

    # ------------------------------------------------------------ one step

    def step(self, now: float) -> tuple[dict[str, list[list]], list[str]]:
        """One reading per sensor at ``now`` (epoch seconds): {gateway code: [[tag, ts,
        value], …]} for the gateways that send, and the scenario events of this step."""
        events: list[str] = []
        if self.started is None:
            self.started = now
            self.next_rise = now + self.first_rise
        dt = 1.0 if self.last is None else max(0.0, now - self.last)
        self.last = now
        elapsed = now - self.started
        self._scenarios(now, elapsed, dt, events)

        ts = round(now, 3)
        batches: dict[str, list[list]] = {}
        for gateway in self.gateways:
            rows = []
            for sensor in gateway.sensors:
                key = (gateway.code, sensor.tag)
                value = self._walk(sensor, dt)
                excursion = self.excursions.get(key)
                if excursion is not None:
                    value = round(excursion.value(now), 4)
                    self._note_crossings(excursion, sensor, value, now, events)
                if key == self.wire_break and self.broken:
                    value = None
                rows.append([sensor.tag, ts, value])
            if gateway.code == self.silent_gateway and self.silenced:
                continue
            batches[gateway.code] = rows
        for key, excursion in list(self.excursions.items()):
            if now >= excursion.end:
                del self.excursions[key]
                sensor = self._find(key)
                sensor.value = excursion.base
                events.append(f"{key[0]} {key[1]} back to normal ({excursion.base:g})")
        return batches, events

    def _walk(self, sensor: SimSensor, dt: float) -> float:
        spec = sensor.spec
        pull = min(1.0, 0.1 * dt)
        sensor.value += pull * (spec.setpoint - sensor.value)
        sensor.value += self.rng.gauss(0, spec.noise * (dt**0.5))
        low, high = normal_band(spec)
        sensor.value = min(max(sensor.value, low), high)
        return round(sensor.value, 4)

    def _scenarios(self, now: float, elapsed: float, dt: float, events: list[str]) -> None:
        if self.rising_tank and now >= self.next_rise and self.rising_tank not in self.excursions:
            sensor = self._find(self.rising_tank)
            _ll, _l, h, hh = sensor.limits
            top = sensor.spec.range[1]
            peak = hh + 0.3 * (top - hh) if hh is not None else (h or top)
            self.excursions[self.rising_tank] = Excursion(
                *self.rising_tank,
                start=now,
                up=RISE_SECONDS,
                hold=HOLD_SECONDS,
                down=FALL_SECONDS,
                base=sensor.value,
                peak=round(peak, 3),
            )
            self.next_rise = now + self.rise_every
            events.append(
                f"{self.rising_tank[0]} {self.rising_tank[1]} starts rising from "
                f"{sensor.value:g} {sensor.spec.unit} to {peak:g} (H {_num(h)}, HH {_num(hh)})"
            )
        gas = self.gas_sensors()
        if gas and self.gas_every > 0 and self.events_rng.random() < dt / self.gas_every:
            code, sensor = self.events_rng.choice(gas)
            key = (code, sensor.tag)
            if key not in self.excursions:
                _ll, _l, h, hh = sensor.limits
                peak = h + 0.4 * (hh - h) if hh is not None else h * 1.2
                third = GAS_SECONDS / 3
                self.excursions[key] = Excursion(
                    code, sensor.tag, now, third, third, third, sensor.value, round(peak, 3)
                )
                events.append(f"{code} {sensor.tag} gas excursion to {peak:g} {sensor.spec.unit}")
        if self.silent_gateway and not self.silenced and elapsed >= self.silent_after:
            self.silenced = True
            events.append(f"gateway {self.silent_gateway} goes silent")
        if self.wire_break and self.wire_break_after is not None:
            start = self.wire_break_after
            on = start <= elapsed < start + WIRE_BREAK_SECONDS
            if on != self.broken:
                self.broken = on
                state = "wire break (empty values)" if on else "wire repaired"
                events.append(f"{self.wire_break[0]} {self.wire_break[1]} {state}")
                if not on:
                    self.wire_break_after = None  # only once

    def _note_crossings(self, excursion, sensor, value, now, events) -> None:
        _ll, _l, h, hh = sensor.limits
        for name, limit in (("H", h), ("HH", hh)):
            if limit is not None and value >= limit and name not in excursion.crossed:
                excursion.crossed.add(name)
                events.append(
                    f"{excursion.gateway} {excursion.tag} crosses {name} {limit:g} "
                    f"({value:g} at {time.strftime('%H:%M:%S', time.localtime(now))})"
                )


# ---------------------------------------------------------------- building from the database


def settings_options() -> dict:
    from django.conf import settings

    return {
        "first_rise": settings.ANLAN_SIMULATOR_FIRST_RISE_SECONDS,
        "rise_every": settings.ANLAN_SIMULATOR_RISE_EVERY_SECONDS,
        "gas_every": settings.ANLAN_SIMULATOR_GAS_EVERY_SECONDS,
        "silent_after": settings.ANLAN_SIMULATOR_SILENT_AFTER_SECONDS,
        "wire_break_after": settings.ANLAN_SIMULATOR_WIRE_BREAK_AFTER_SECONDS or None,
    }


def prepare(*, seed: int = 1, **options) -> Simulator:
    """The demo gateways with fresh tokens (the old ones stop working) and their sensors;
    scenario timings from the settings unless given."""
    from . import services

    options = {**settings_options(), **options}

    gateways = []
    for gateway in demo_gateways():
        specs = specs_by_tag(gateway.enterprise)
        token = services.rotate_gateway_token(user=None, gateway=gateway)
        sensors = []
        for sensor in gateway.sensors.filter(is_active=True).order_by("tag"):
            spec = specs.get(sensor.tag) or point_spec_from_sensor(sensor)
            sensors.append(SimSensor(sensor.tag, spec, spec.setpoint))
        if sensors:
            gateways.append(SimGateway(gateway.code, token, sensors))
    return Simulator(gateways, seed=seed, **options)


# ---------------------------------------------------------------- transports


def mqtt_topic(gateway_code: str) -> str:
    return f"anlan/gateways/{gateway_code}/readings"


def mqtt_payload(token: str, rows: list[list], batch: str) -> str:
    return json.dumps({"token": token, "readings": rows, "batch": batch}, ensure_ascii=False)


def batch_id(gateway_code: str, ts: float) -> str:
    return f"{gateway_code}-{int(round(ts * 1000))}"


class HttpTransport:
    """POST each batch to the ingestion endpoint; retry connection errors (and 5xx) with a
    short back-off, give up on a batch after ``attempts``."""

    RETRYABLE = (urllib.error.URLError, ConnectionError, http.client.HTTPException, socket.timeout)

    def __init__(self, url: str, *, stop: threading.Event, attempts: int = 5, log=print):
        self.endpoint = url.rstrip("/") + "/api/monitoring/ingest"
        self.stop = stop
        self.attempts = attempts
        self.log = log
        self.refused: set[str] = set()

    def send(self, gateway: SimGateway, rows: list[list], batch: str) -> dict | None:
        body = json.dumps({"readings": rows}).encode()
        delay = 0.5
        for attempt in range(1, self.attempts + 1):
            request = urllib.request.Request(
                self.endpoint,
                data=body,
                headers={"Content-Type": "application/json", "X-Gateway-Token": gateway.token},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return json.loads(response.read())
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    if gateway.code not in self.refused:
                        self.refused.add(gateway.code)
                        self.log(
                            f"{gateway.code}: refused with HTTP {exc.code}: {exc.read()[:200]!r}"
                        )
                    return None
                error = f"HTTP {exc.code}"
            except self.RETRYABLE as exc:
                error = str(exc)
            if attempt == self.attempts or self.stop.wait(delay):
                self.log(f"{gateway.code}: batch {batch} not sent ({error})")
                return None
            delay = min(delay * 2, 5)
        return None

    def close(self) -> None:
        pass


class MqttTransport:
    """Publish each batch to ``anlan/gateways/<code>/readings`` with QoS 1 (paho-mqtt 2.x);
    paho reconnects by itself and queues QoS 1 messages while the broker is away."""

    def __init__(self, broker: str, *, client_id: str = "anlan-simulator", log=print):
        import paho.mqtt.client as mqtt

        host, _, port = broker.partition(":")
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
        self.client.reconnect_delay_set(min_delay=1, max_delay=10)
        self.client.connect_async(host or "127.0.0.1", int(port or 1883))
        self.client.loop_start()
        self.log = log

    def send(self, gateway: SimGateway, rows: list[list], batch: str) -> None:
        self.client.publish(
            mqtt_topic(gateway.code), mqtt_payload(gateway.token, rows, batch), qos=1
        )

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


# ---------------------------------------------------------------- the loop


def run(
    simulator: Simulator,
    transport,
    *,
    stop: threading.Event,
    interval: float = 1.0,
    log: Callable[[str], object] = print,
    clock: Callable[[], float] = time.time,
) -> None:
    """Step, send every gateway's batch, report events; until ``stop`` is set."""
    by_code = {g.code: g for g in simulator.gateways}
    next_at = clock()
    try:
        while not stop.is_set():
            now = clock()
            batches, events = simulator.step(now)
            for event in events:
                log(f"[simulator] {event}")
            for code, rows in batches.items():
                if stop.is_set():
                    break
                transport.send(by_code[code], rows, batch_id(code, now))
            next_at += interval
            if next_at < clock():  # fell behind: do not try to catch up
                next_at = clock() + interval
            stop.wait(max(0.0, next_at - clock()))
    finally:
        transport.close()


def wait_for_server(url: str, *, stop: threading.Event, timeout: float = 60) -> bool:
    """Until something listens at ``url``'s host and port (the dev server starting up)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            with socket.create_connection((parts.hostname, parts.port or 80), timeout=1):
                return True
        except OSError:
            stop.wait(0.3)
    return False


# ---------------------------------------------------------------- the demo's background threads


def run_jobs(*, stop: threading.Event, every: float = 15, log=print) -> None:
    """What ``anlan worker`` does every minute, every ``every`` seconds: offline episodes,
    alarm deadlines, rollups — and, about once a minute, today's strict-supervision list
    (without notices) — so the demo screens move without a worker."""
    from django.db import close_old_connections, connection

    from anlan.supervision import strict

    from . import offline, readings, services

    def strict_list():
        strict.compute()

    rounds = 0
    while not stop.wait(every):
        jobs = [offline.check_offline, services.check_alarm_deadlines, readings.rollup_pending]
        if rounds % max(1, round(60 / every)) == 0:
            jobs.append(strict_list)
        rounds += 1
        for job in jobs:
            try:
                job()
            except Exception as exc:  # noqa: BLE001 - keep the loop alive; show what failed
                log(f"[jobs] {job.__module__}.{job.__name__} failed: {exc}")
        close_old_connections()
        connection.close()


def start_in_background(
    url: str,
    *,
    log=print,
    interval: float = 1.0,
    jobs_every: float = 15,
    broker: str | None = None,
    **options,
) -> tuple[threading.Event, Simulator]:
    """Prepare (in the calling thread: it rotates tokens in the database), then run the
    simulator and the periodic jobs in daemon threads. The simulator sends over HTTP to
    ``url``, or, given ``broker`` ("host:port"), publishes to that MQTT broker while an MQTT
    consumer (``anlan monitor mqtt`` in a thread) stores the batches. Set the event to stop."""
    stop = threading.Event()
    simulator = prepare(**options)

    def feed():
        if broker is not None:
            transport = MqttTransport(broker, log=log)
        elif wait_for_server(url, stop=stop):
            transport = HttpTransport(url, stop=stop, log=log)
        else:
            return
        run(simulator, transport, stop=stop, interval=interval, log=log)

    def consume():
        from . import mqtt

        host, _, port = broker.partition(":")
        mqtt.run(
            stop,
            host=host,
            port=int(port),
            client_id="anlan-demo-ingest",
            username="",
            password="",
            tls_ca_file="",
            say=lambda line: log(f"[mqtt] {line}"),
            report_seconds=0,
        )

    if broker is not None:
        threading.Thread(target=consume, name="anlan-mqtt", daemon=True).start()
    threading.Thread(target=feed, name="anlan-simulator", daemon=True).start()
    threading.Thread(
        target=run_jobs,
        kwargs={"stop": stop, "every": jobs_every, "log": log},
        name="anlan-jobs",
        daemon=True,
    ).start()
    return stop, simulator


def describe(simulator: Simulator) -> str:
    """One line: how many gateways and sensors, which tank rises, which gateway goes silent."""
    sensors = sum(len(g.sensors) for g in simulator.gateways)
    parts = [f"{len(simulator.gateways)} gateways, {sensors} sensors"]
    if simulator.rising_tank:
        code, tag = simulator.rising_tank
        parts.append(
            f"tank {code} {tag} rises after {simulator.first_rise:g} s, "
            f"then every {simulator.rise_every:g} s"
        )
    if simulator.silent_gateway:
        parts.append(
            f"gateway {simulator.silent_gateway} goes silent after {simulator.silent_after:g} s"
        )
    return "Simulator: " + "; ".join(parts)
