"""MQTT ingestion: a consumer of ``<prefix>/<gateway code>/readings`` (QoS 1) that stores each
batch through the same ``ingest`` service as the HTTP endpoint and answers on
``<prefix>/<gateway code>/replies``.

Wire format (docs/api.md): the payload is UTF-8 JSON, the HTTP JSON body plus the gateway's
token — ``{"token": "gw_…", "readings": [[tag, ts, value], …]}`` or ``{"token": "gw_…",
"tags": […], "ts": […], "values": […]}`` — and an optional ``"batch"`` (the sender's id, a
string or a number) echoed in the reply. The reply (QoS 1, not retained) is the HTTP answer
plus ``batch``, or ``{"batch": …, "error": "…"}`` for a payload that was refused.

Delivery: a persistent session (``clean_session=False``, a fixed client id) and
``manual_ack``: the PUBACK goes to the broker only after the batch has been committed, so a
consumer that dies before the commit gets the batch again from the broker when it reconnects;
a batch stored twice (committed, then the acknowledgement lost) is absorbed by the
(sensor, time) key and counted as duplicates. A refused payload is acknowledged (resending it
cannot help) and answered with the error. A transient database failure (connection lost,
database locked, server shutting down: ``OperationalError``, ``InterfaceError``,
``InternalError``) is answered with an error and NOT acknowledged; the consumer then
reconnects after a pause so that the broker delivers it again. Any other unexpected exception
is logged, answered and acknowledged, and the consumer goes on with the next message. When
the broker goes away the consumer reconnects with an exponential backoff.

Partitions: with ``partition=(i, n)`` (``anlan monitor mqtt --partition i/n``) a consumer stores
only the batches of gateways whose enterprise is in partition i of n (``partition_of``: the
enterprise id modulo n, plus one); it acknowledges the others without a reply and without
parsing them. Run n consumers with distinct client ids, one per partition, on one or several
machines: each enterprise's batches are then stored by one consumer, in order, and the
consumers never compete for the same sensors' state rows. A batch for an unknown gateway code
is answered by the partition its code hashes to.

The network loop runs in the caller's thread (``Consumer.run(stop)``), so the database work is
done on that thread's own connection; ``run(stop)`` is the whole thing for a thread, and
``anlan monitor mqtt`` runs it in the foreground.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import InterfaceError, InternalError, OperationalError, connection

from . import ingest as ingestion
from .models import Gateway, hash_token

log = logging.getLogger("anlan.monitoring.mqtt")

TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError, InternalError)
MAX_BATCH_ID = 200  # characters of a "batch" id echoed back


def partition_of(enterprise_id: int, count: int) -> int:
    """The partition (1..count) that stores the batches of this enterprise's gateways."""
    return enterprise_id % count + 1


def parse_partition(text: str) -> tuple[int, int]:
    """``"2/4"`` → (2, 4); raises ValueError with the reason for anything else."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"a partition looks like 2/4 (the 2nd of 4), not {text!r}") from None
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"partition {text!r}: want 1 <= i <= n")
    return index, count


@dataclass
class Outcome:
    """What to do with one message: the reply to publish and whether to acknowledge it."""

    reply: dict
    ack: bool = True
    result: ingestion.Result | None = None
    transient: bool = False  # a database failure: not acknowledged, to be delivered again


@dataclass
class Stats:
    batches: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    refused: int = 0
    failed: int = 0
    alarms_raised: int = 0
    since: float = field(default_factory=time.monotonic)

    def line(self) -> str:
        return (
            f"{self.batches} batches: {self.accepted} readings accepted, {self.duplicates} "
            f"duplicates, {self.rejected} rejected; {self.refused} payloads refused, "
            f"{self.failed} failed; {self.alarms_raised} alarms raised"
        )


class Consumer:
    """One MQTT connection that ingests the gateways' batches. ``run(stop)`` blocks until
    ``stop`` is set; ``subscribed`` is set once the broker has confirmed the subscription."""

    def __init__(
        self,
        *,
        host: str | None = None,
        port: int | None = None,
        username: str | None = None,
        password: str | None = None,
        client_id: str | None = None,
        prefix: str | None = None,
        tls_ca_file: str | None = None,
        keepalive: int = 30,
        min_delay: float = 0.5,
        max_delay: float = 30.0,
        say: Callable[[str], None] | None = None,
        verbose: bool = False,
        report_seconds: float = 60.0,
        on_batch: Callable[[str, Outcome, float, float], None] | None = None,
        partition: tuple[int, int] | None = None,
    ):
        self.host = host or settings.ANLAN_MQTT_HOST
        self.port = int(port or settings.ANLAN_MQTT_PORT)
        self.client_id = client_id or settings.ANLAN_MQTT_CLIENT_ID
        self.prefix = (prefix if prefix is not None else settings.ANLAN_MQTT_TOPIC_PREFIX).strip(
            "/"
        )
        self.keepalive = keepalive
        self.min_delay, self.max_delay = min_delay, max_delay
        self.say = say or log.info
        self.verbose = verbose
        self.report_seconds = report_seconds
        self.on_batch = on_batch
        self.subscribed = threading.Event()
        self.stats = Stats()
        self._delay = min_delay
        self._redeliver = False
        self._gateways: dict[tuple[str, str], tuple[Gateway, float]] = {}
        self.partition = partition if partition and partition[1] > 1 else None
        self._owners: dict[str, tuple[int, float]] = {}  # gateway code → (partition, until)
        self.skipped = 0  # batches left to the other partitions
        self._pending_replies: list[mqtt.MQTTMessageInfo] = []

        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            clean_session=False,
            protocol=mqtt.MQTTv311,
            manual_ack=True,
        )
        self.client.max_queued_messages_set(0)
        username = username if username is not None else settings.ANLAN_MQTT_USERNAME
        password = password if password is not None else settings.ANLAN_MQTT_PASSWORD
        if username:
            self.client.username_pw_set(username, password or None)
        tls_ca_file = tls_ca_file if tls_ca_file is not None else settings.ANLAN_MQTT_TLS_CA_FILE
        if tls_ca_file:
            self.client.tls_set(ca_certs=tls_ca_file)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message

    # ------------------------------------------------------------ topics

    @property
    def subscription(self) -> str:
        return f"{self.prefix}/+/readings"

    def reply_topic(self, code: str) -> str:
        return f"{self.prefix}/{code}/replies"

    def gateway_code(self, topic: str) -> str | None:
        head, tail = f"{self.prefix}/", "/readings"
        if not (topic.startswith(head) and topic.endswith(tail)):
            return None
        code = topic[len(head) : -len(tail)]
        return code if code and "/" not in code else None

    # ------------------------------------------------------------ one message, no MQTT

    def owns(self, code: str) -> bool:
        """Whether this consumer's partition stores the batches of gateway ``code`` (always,
        without partitions). Raises the database's error when the gateway cannot be looked up."""
        if self.partition is None:
            return True
        index, count = self.partition
        now = time.monotonic()
        cached = self._owners.get(code)
        if cached is None or cached[1] <= now:
            enterprise_id = (
                Gateway.objects.filter(code=code).values_list("enterprise_id", flat=True).first()
            )
            owner = (
                partition_of(enterprise_id, count)
                if enterprise_id is not None
                else zlib.crc32(code.encode()) % count + 1
            )
            if len(self._owners) > 10_000:
                self._owners.clear()
            cached = self._owners[code] = (owner, now + settings.ANLAN_MQTT_GATEWAY_CACHE_SECONDS)
        return cached[0] == index

    def _gateway(self, code: str, token: str) -> Gateway | str:
        """The active gateway with this code and token, or the reason it is refused."""
        key = (code, hash_token(token))
        cached = self._gateways.get(key)
        now = time.monotonic()
        if cached is not None and cached[1] > now:
            return cached[0]
        gateway = (
            Gateway.objects.filter(code=code, is_active=True)
            .only("pk", "enterprise_id", "config_version", "code", "key_hash")
            .first()
        )
        if gateway is None:
            self._gateways.pop(key, None)
            return f"No active gateway with code {code!r}."
        if gateway.key_hash != key[1]:
            self._gateways.pop(key, None)
            return f'"token" is not the token of gateway {code!r}.'
        if len(self._gateways) > 10_000:
            self._gateways.clear()
        self._gateways[key] = (gateway, now + settings.ANLAN_MQTT_GATEWAY_CACHE_SECONDS)
        return gateway

    def process(self, code: str, payload: bytes) -> Outcome:
        """Parse, authenticate and ingest one payload; never raises."""
        batch = None
        try:
            if len(payload) > settings.ANLAN_MONITORING_MAX_BODY_BYTES:
                raise ingestion.PayloadError(
                    f"The payload is {len(payload)} bytes; at most "
                    f"{settings.ANLAN_MONITORING_MAX_BODY_BYTES} are accepted. Split the batch."
                )
            try:
                data = json.loads(payload)
            except (ValueError, UnicodeDecodeError) as exc:
                raise ingestion.PayloadError(f"The payload is not valid JSON: {exc}") from None
            if not isinstance(data, dict):
                raise ingestion.PayloadError(
                    'Send an object: {"token": …, "readings": [[tag, ts, value], …]} '
                    'or {"token": …, "tags": […], "ts": […], "values": […]}.'
                )
            batch = data.pop("batch", None)
            if isinstance(batch, bool) or not isinstance(batch, str | int | float | None):
                batch = None
                raise ingestion.PayloadError('"batch" must be a string or a number.')
            if isinstance(batch, str) and len(batch) > MAX_BATCH_ID:
                batch = batch[:MAX_BATCH_ID]
                raise ingestion.PayloadError(f'"batch" must be at most {MAX_BATCH_ID} characters.')
            token = data.pop("token", None)
            if token is None or token == "":
                raise ingestion.PayloadError('"token" is missing: send the gateway\'s token.')
            if not isinstance(token, str):
                raise ingestion.PayloadError('"token" must be a string: the gateway\'s token.')
            gateway = self._gateway(code, token)
            if isinstance(gateway, str):
                raise ingestion.PayloadError(gateway)
            columns = ingestion.parse_json(data)
            result = ingestion.ingest(gateway=gateway, columns=columns)
        except ingestion.PayloadError as exc:
            return Outcome(reply={"batch": batch, "error": str(exc)})
        except TRANSIENT_DB_ERRORS as exc:
            log.warning("database error on a batch from %s (not acknowledged): %s", code, exc)
            try:
                connection.close()  # a fresh connection for the next attempt
            except Exception:  # noqa: BLE001 - closing a broken connection may fail too
                pass
            return Outcome(
                reply={
                    "batch": batch,
                    "error": "The database is unavailable; the batch was not stored and will "
                    "be processed again when the broker delivers it again.",
                },
                ack=False,
                transient=True,
            )
        except Exception:
            log.exception("unexpected error on a batch from %s", code)
            return Outcome(
                reply={
                    "batch": batch,
                    "error": "Unexpected error while processing the batch (see the consumer's "
                    "log); it may not have been stored, and sending it again is safe.",
                }
            )
        return Outcome(reply={**result.as_dict(), "batch": batch}, result=result)

    # ------------------------------------------------------------ MQTT callbacks

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            self.say(f"The broker refused the connection: {reason_code}.")
            return
        self._delay = self.min_delay
        self.say(
            f"Connected to mqtt://{self.host}:{self.port} as {self.client_id!r} "
            f"(session {'resumed' if flags.session_present else 'new'}); "
            f"subscribing to {self.subscription} (QoS 1)."
        )
        client.subscribe(self.subscription, qos=1)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        if any(rc.is_failure for rc in reason_codes):
            self.say(f"The broker refused the subscription to {self.subscription}.")
            return
        self.subscribed.set()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        self.subscribed.clear()

    def _on_message(self, client, userdata, message):
        received = message.timestamp
        try:
            topic = message.topic
        except UnicodeDecodeError:
            client.ack(message.mid, message.qos)
            return
        code = self.gateway_code(topic)
        if code is None:
            client.ack(message.mid, message.qos)
            return
        try:
            mine = self.owns(code)
        except TRANSIENT_DB_ERRORS as exc:
            log.warning("database error looking up gateway %s (not acknowledged): %s", code, exc)
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - closing a broken connection may fail too
                pass
            self._redeliver = True
            return
        if not mine:
            client.ack(message.mid, message.qos)  # another partition's consumer stores it
            self.skipped += 1
            return
        outcome = self.process(code, message.payload)
        done = time.monotonic()
        if outcome.ack:
            client.ack(message.mid, message.qos)
        else:
            self._redeliver = True
        info = client.publish(
            self.reply_topic(code),
            json.dumps(outcome.reply, ensure_ascii=False, separators=(",", ":")),
            qos=1,
            retain=False,
        )
        self._pending_replies.append(info)
        if len(self._pending_replies) > 1000:
            self._pending_replies = [i for i in self._pending_replies if not i.is_published()]
        self._count(code, outcome)
        if self.on_batch is not None:
            try:
                self.on_batch(code, outcome, received, done)
            except Exception:
                log.exception("on_batch hook failed")

    def _count(self, code: str, outcome: Outcome) -> None:
        stats = self.stats
        stats.batches += 1
        result = outcome.result
        if result is not None:
            stats.accepted += result.accepted
            stats.duplicates += result.duplicates
            stats.rejected += result.rejected
            stats.alarms_raised += result.alarms_raised
            if self.verbose:
                self.say(
                    f"{code} batch {outcome.reply['batch']!r}: received {result.received}, "
                    f"accepted {result.accepted}, duplicates {result.duplicates}, rejected "
                    f"{result.rejected}, alarms raised {result.alarms_raised}, cleared "
                    f"{result.alarms_cleared}"
                )
        elif outcome.transient:
            stats.failed += 1
            self.say(f"{code}: {outcome.reply['error']}")
        else:
            stats.refused += 1
            self.say(f"{code} batch {outcome.reply['batch']!r} refused: {outcome.reply['error']}")

    # ------------------------------------------------------------ the loop

    def _wait(self, stop: threading.Event) -> None:
        stop.wait(self._delay)
        self._delay = min(self._delay * 2, self.max_delay)

    def _connect(self, stop: threading.Event) -> bool:
        try:
            self.client.reconnect()
            return True
        except (OSError, mqtt.WebsocketConnectionError) as exc:
            self.say(
                f"Cannot reach the broker at {self.host}:{self.port} ({exc}); "
                f"retrying in {self._delay:g} s."
            )
            self._wait(stop)
            return False

    def run(self, stop: threading.Event) -> None:
        """Consume until ``stop`` is set, reconnecting whenever the connection is lost."""
        part = (
            f", partition {self.partition[0]}/{self.partition[1]} of the enterprises"
            if self.partition
            else ""
        )
        self.say(
            f"MQTT consumer: broker {self.host}:{self.port}, client id {self.client_id!r}, "
            f"topic {self.subscription}, replies on {self.reply_topic('<code>')}{part}."
        )
        self.client.connect_async(self.host, self.port, keepalive=self.keepalive)
        connected = False
        last_report = time.monotonic()
        try:
            while not stop.is_set():
                if not connected:
                    connected = self._connect(stop)
                    continue
                try:
                    rc = self.client.loop(timeout=0.2)
                except Exception:  # a bug in a callback must not end the consumer
                    log.exception("MQTT loop error")
                    rc = mqtt.MQTT_ERR_UNKNOWN
                if self._redeliver:
                    # Unacknowledged batches come back only on a new connection (MQTT 3.1.1).
                    self._redeliver = False
                    self.say(
                        f"A batch was not stored; reconnecting in {self._delay:g} s so that "
                        "the broker delivers it again."
                    )
                    self._flush_replies(1.0)
                    self.client.disconnect()
                    self.client.loop(timeout=0.1)
                    self._wait(stop)
                    connected = False
                elif rc != mqtt.MQTT_ERR_SUCCESS:
                    self.say(
                        f"Lost the connection to the broker ({mqtt.error_string(rc)}); "
                        f"reconnecting in {self._delay:g} s."
                    )
                    self._wait(stop)
                    connected = False
                now = time.monotonic()
                if self.report_seconds and now - last_report >= self.report_seconds:
                    if self.stats.batches:
                        self.say(f"Last {now - last_report:.0f} s: {self.stats.line()}.")
                        self.stats = Stats()
                    last_report = now
        finally:
            self._shutdown()

    def _flush_replies(self, seconds: float) -> None:
        """Give the replies sent so far a moment to be acknowledged by the broker."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and any(
            not i.is_published() for i in self._pending_replies
        ):
            if self.client.loop(timeout=0.05) != mqtt.MQTT_ERR_SUCCESS:
                break
        self._pending_replies = [i for i in self._pending_replies if not i.is_published()]

    def _shutdown(self) -> None:
        # Let the last replies reach the broker, then leave (the session stays on the broker).
        self._flush_replies(2.0)
        try:
            self.client.disconnect()
            self.client.loop(timeout=0.1)
        except Exception:  # noqa: BLE001 - already gone
            pass
        try:
            connection.close()
        except Exception:  # noqa: BLE001
            pass
        self.say("MQTT consumer stopped.")


def run(stop: threading.Event, **options) -> Consumer:
    """Run a consumer in this thread until ``stop`` is set (options as for ``Consumer``)."""
    consumer = Consumer(**options)
    consumer.run(stop)
    return consumer
